"""Event dates as ACLED exports and spreadsheets write them, read without guessing.

ACLED writes ``2021-08-15`` (and, in older exports, ``15 August 2021`` or ``09 May 2020``); a
spreadsheet that re-saves the file may write ``9-May-20`` or ``15/08/2021``. Text months are
unambiguous. Numeric day/month dates are read only when the file itself shows the order: some
date with a first number above 12 (day first) or a second number above 12 (month first), and
none contradicting it. Otherwise ``05/09/2020`` could be 5 September or 9 May, and is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

# strptime pattern -> how the import report names it
TEXT_FORMATS = {
    "%Y-%m-%d": "YYYY-MM-DD",
    "%d %B %Y": "15 August 2021",
    "%d %b %Y": "15 Aug 2021",
    "%d-%b-%y": "15-Aug-21",
    "%d-%b-%Y": "15-Aug-2021",
    "%d-%B-%Y": "15-August-2021",
}
NUMERIC = re.compile(r"^([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})$")
DAY_FIRST, MONTH_FIRST = "DD/MM/YYYY", "MM/DD/YYYY"
AMBIGUOUS, CONTRADICTORY = "ambiguous", "contradictory"
DATE_FIX = (
    "write dates as YYYY-MM-DD (in a spreadsheet, format the column as yyyy-mm-dd before saving), "
    "or export the file again from ACLED"
)


def numeric_order(values: Iterable[str]) -> str:
    """How the file's numeric dates (``15/08/2021``) are ordered: :data:`DAY_FIRST`,
    :data:`MONTH_FIRST`, ``""`` when it has none, :data:`AMBIGUOUS` when nothing tells, or
    :data:`CONTRADICTORY` when some dates say day first and others month first."""
    day_first = month_first = seen = False
    for value in values:
        match = NUMERIC.match(value.strip())
        if not match:
            continue
        seen = True
        first, second = int(match[1]), int(match[2])
        day_first |= first > 12
        month_first |= second > 12
    if not seen:
        return ""
    if day_first and month_first:
        return CONTRADICTORY
    return DAY_FIRST if day_first else MONTH_FIRST if month_first else AMBIGUOUS


def parse_date(value: str, order: str = "") -> tuple[date | None, str]:
    """``(date, format name)`` for ``value``, or ``(None, "")`` when it is not a date that can
    be read without guessing (``order`` is the file's :func:`numeric_order`)."""
    text = value.strip()
    for pattern, label in TEXT_FORMATS.items():
        try:
            return datetime.strptime(text, pattern).date(), label
        except ValueError:
            continue
    match = NUMERIC.match(text)
    if match and order in (DAY_FIRST, MONTH_FIRST):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        day, month = (first, second) if order == DAY_FIRST else (second, first)
        try:
            return date(year, month, day), order
        except ValueError:
            return None, ""
    return None, ""


def date_problem(value: str, order: str) -> str:
    """Why ``value`` could not be read, in plain words."""
    if not value:
        return "the date is empty"
    if NUMERIC.match(value.strip()) and order == AMBIGUOUS:
        return (
            f"'{value}' could be day/month or month/day, and no date in the file has a number "
            "above 12 to tell which"
        )
    if NUMERIC.match(value.strip()) and order == CONTRADICTORY:
        return f"'{value}' is numeric, and the file's numeric dates mix day-first and month-first"
    return f"'{value}' is not a date in a known format"
