"""What an ACLED import reports: how events were tied to units, the date formats read, repeated
event ids, and events outside the data's period. Split from ``acled.py``, which reads the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd


@dataclass
class MatchReport:
    """How imported events were tied to units.

    Attributes
    ----------
    by_point : int
        Events placed by point-in-polygon (``geo_precision`` 1 or 2 and inside a polygon).
    by_name : int
        Events placed by matching ACLED's ``admin1``/``admin2`` names against ``units.csv``.
    unmatched : int
        Events tied to no unit.
    unmatched_events : list of (int, str, str)
        ``(row, location, admin1)`` of each unmatched event; ``row`` is the line in the file.
    outside_area : dict of str to int
        Rows left out because their point lies outside the data's area, by ACLED's country.
    """

    by_point: int = 0
    by_name: int = 0
    unmatched: int = 0
    unmatched_events: list[tuple[int, str, str]] = field(default_factory=list)
    date_formats: tuple[str, ...] = ()
    repeated_dropped: int = 0
    outside_area: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One paragraph for the user: counts, then the unmatched events by row."""
        text = (
            f"{self.by_point} event(s) placed by their coordinates, {self.by_name} by their "
            f"admin1/admin2 names, {self.unmatched} not tied to any unit"
        )
        if self.date_formats:
            text = f"Dates read as {', '.join(self.date_formats)}. " + text
        if self.unmatched_events:
            listed = "; ".join(
                f"row {row}: {location or 'no location'} ({admin1 or 'no admin1'})"
                for row, location, admin1 in self.unmatched_events
            )
            text += f" ({listed})"
        if self.repeated_dropped:
            text += f"; {self.repeated_dropped:,} row(s) repeating an earlier event id left out"
        if self.outside_area:
            by_country = ", ".join(f"{c} {n:,}" for c, n in self.outside_area.items())
            text += (
                f"; {sum(self.outside_area.values()):,} row(s) outside the data's area left out"
                f" ({by_country}; points within about 25 km of it are kept)"
            )
        return text + "."


def outside_period_note(events: pd.DataFrame, period: tuple[date, date] | None) -> str:
    """A sentence counting the events dated outside the data's declared ``period`` (the map
    never shows them), with how to widen it; '' when there are none or no period is declared."""
    if period is None or events.empty:
        return ""
    days = events["event_date"].dt.date
    outside = int(((days < period[0]) | (days > period[1])).sum())
    if not outside:
        return ""
    return (
        f"{outside:,} event(s) fall outside the data's period ({period[0]} to {period[1]}) and "
        f'are not shown: to show them, widen "period" in datapackage.json (events from '
        f"{days.min()} to {days.max()}), or import with --widen-period."
    )


def widened(events: pd.DataFrame, period: tuple[date, date]) -> tuple[date, date]:
    """``period`` stretched to cover every event's date."""
    if events.empty:
        return period
    days = events["event_date"].dt.date
    return min(period[0], days.min()), max(period[1], days.max())


def first_of_each_id(rows: list) -> tuple[list, list[tuple[int, str, int]]]:
    """``(rows with the first of each event id, [(row, id, first row)] of the repeats)``."""
    seen: dict[str, int] = {}
    first, repeated = [], []
    for row, rec in rows:
        event_id = rec.get("event_id_cnty", "")
        if event_id and event_id in seen:
            repeated.append((row, event_id, seen[event_id]))
            continue
        seen[event_id] = row
        first.append((row, rec))
    return first, repeated


def repeated_ids_problem(repeated: list[tuple[int, str, int]]) -> tuple[int, str, str, str]:
    """One problem for every repeated event id: how many, and the first few rows."""
    shown = ", ".join(
        f"row {row} ('{event_id}', first on row {first})" for row, event_id, first in repeated[:5]
    )
    more = f" and {len(repeated) - 5:,} more" if len(repeated) > 5 else ""
    return (
        repeated[0][0],
        "event_id_cnty",
        f"{len(repeated):,} row(s) repeat an event id used on an earlier row: {shown}{more}",
        "remove the repeated rows (the export may have been concatenated twice), or import with "
        "--keep-first to keep the first row of each id",
    )
