"""The state on a date and the changes between dates, on the tiny fixture."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TINY

from dashboard.data import load_dataset
from dashboard.timeline import Timeline


@pytest.fixture(scope="module")
def timeline():
    dataset = load_dataset(TINY)
    return Timeline.from_dataset(dataset)


def test_own_record_gives_status_and_since(timeline):
    state = timeline.state("AF01", date(2021, 8, 20))
    assert (state.status, state.since, state.confidence) == ("taliban", date(2021, 8, 15), "high")
    assert state.record.source_url == "https://example.org/a2"


def test_no_record_is_unknown(timeline):
    assert timeline.state("AF01", date(2021, 4, 30)).status == "unknown"


def test_province_takes_the_status_its_districts_agree_on(timeline):
    state = timeline.state("AF02", date(2021, 9, 1))
    assert state.status == "resistance"
    assert state.since == date(2021, 5, 1)


def test_mixed_districts_make_a_partial_province(timeline):
    state = timeline.state("AF02", date(2021, 9, 4))
    assert state.status == "partial"
    assert state.districts == {"AF0201": "taliban", "AF0202": "resistance"}
    assert state.districts_with("taliban") == ["AF0201"]
    assert state.confidence == "low"  # the weakest record in force
    assert state.record.unit == "AF0201"  # the latest change explains it


def test_claims_and_inferred_dates_are_flagged(timeline):
    assert timeline.state("AF0201", date(2021, 9, 4)).approximate
    assert not timeline.state("AF01", date(2021, 9, 4)).approximate


def test_all_districts_fallen_makes_the_province_fall(timeline):
    state = timeline.state("AF02", date(2021, 9, 6))
    assert (state.status, state.since) == ("taliban", date(2021, 9, 6))


def test_changes_between_dates(timeline):
    changes = timeline.changes(date(2021, 8, 1), date(2021, 9, 30))
    rows = [(c.date.isoformat(), c.unit.unit, c.from_status, c.to_status) for c in changes]
    assert rows == [
        ("2021-08-15", "AF01", "government", "taliban"),
        ("2021-09-03", "AF02", "resistance", "partial"),
        ("2021-09-03", "AF0201", "resistance", "taliban"),
        ("2021-09-06", "AF02", "partial", "taliban"),
        ("2021-09-06", "AF0202", "resistance", "taliban"),
    ]
    assert timeline.changes(date(2021, 9, 4), date(2021, 9, 5)) == []


def test_change_dates_and_span(timeline):
    assert timeline.change_dates() == [date(2021, 8, 15), date(2021, 9, 3), date(2021, 9, 6)]
    assert timeline.span() == (date(2021, 5, 1), date(2021, 9, 6))


def test_state_on_covers_every_unit(timeline):
    assert list(timeline.state_on(date(2021, 9, 4))) == ["AF01", "AF02", "AF0201", "AF0202"]
