"""A shared link is read without trusting it: defaults for what it gets wrong, and a notice."""

from datetime import date

import pytest

from dashboard.address import read_address

FIRST, LAST, DEFAULT = date(2021, 5, 1), date(2021, 9, 30), date(2021, 9, 4)
UNITS = {"AF08": None, "AF0801": None}


def read(**params):
    return read_address(params, FIRST, LAST, UNITS, DEFAULT)


def test_a_good_link_is_read_as_it_is_with_no_notice():
    address = read(date="2021-08-15", unit="AF0801", view="35.4,69.6,9")
    assert (address.date, address.unit, address.view) == (
        date(2021, 8, 15),
        "AF0801",
        [35.4, 69.6, 9.0],
    )
    assert address.notices == ()


def test_codes_are_read_in_any_case():
    assert read(unit="af08").unit == "AF08"
    assert read(unit=" Af0801 ").unit == "AF0801"


@pytest.mark.parametrize(
    "params, shown, notice",
    [
        (
            {"date": "garbage"},
            DEFAULT,
            "The link's date 'garbage' is not a date (YYYY-MM-DD); showing 2021-09-04.",
        ),
        (
            {"date": "2030-01-01"},
            LAST,
            "The link's date 2030-01-01 is outside the data (2021-05-01 to 2021-09-30); "
            "showing 2021-09-30.",
        ),
        (
            {"unit": "XX99"},
            DEFAULT,
            "The link's unit 'XX99' is not a province or district code (such as AF08); "
            "showing the whole map.",
        ),
        (
            {"view": "1,2"},
            DEFAULT,
            "The link's view '1,2' is not latitude,longitude,zoom; showing the whole map.",
        ),
    ],
)
def test_what_a_link_gets_wrong_is_named_and_replaced(params, shown, notice):
    address = read(**params)
    assert address.date == shown and address.notices == (notice,)
    assert address.unit == "" and address.view is None
