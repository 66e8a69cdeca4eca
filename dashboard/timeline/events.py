"""Choosing the events to show on a date: pure filters over the events table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

WINDOWS = {"that day": 0, "last 7 days": 6, "everything up to the date": None}


@dataclass(frozen=True)
class EventFilter:
    """What the user asked to see. Empty tuples mean "all"."""

    window: str = "last 7 days"
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    actor: str = ""
    min_fatalities: int = 0
    max_geo_precision: int = 3
    max_time_precision: int = 3
    units: tuple[str, ...] = field(default=())


def events_on(events: pd.DataFrame, day: date, chosen: EventFilter) -> pd.DataFrame:
    """The events inside the chosen window ending on ``day`` that pass every filter.

    ``events`` must be sorted by ``event_date`` (the loader guarantees it), so the window is
    found by binary search rather than a scan.
    """
    days = WINDOWS[chosen.window]
    dates = events["event_date"].to_numpy()
    end = dates.searchsorted(pd.Timestamp(day).to_datetime64(), side="right")
    start = (
        0
        if days is None
        else dates.searchsorted(
            pd.Timestamp(day - timedelta(days=days)).to_datetime64(), side="left"
        )
    )
    window = events.iloc[start:end]
    keep = pd.Series(True, index=window.index)
    if chosen.event_types:
        keep &= window["event_type"].isin(chosen.event_types)
    if chosen.sub_event_types:
        keep &= window["sub_event_type"].isin(chosen.sub_event_types)
    if chosen.actor:
        needle = chosen.actor.casefold()
        keep &= window["actor1"].str.casefold().str.contains(needle, regex=False) | window[
            "actor2"
        ].str.casefold().str.contains(needle, regex=False)
    if chosen.min_fatalities:
        keep &= window["fatalities"].fillna(0) >= chosen.min_fatalities
    keep &= window["geo_precision"].fillna(1) <= chosen.max_geo_precision
    keep &= window["time_precision"].fillna(1) <= chosen.max_time_precision
    if chosen.units:
        keep &= window["province"].isin(chosen.units) | window["district"].isin(chosen.units)
    return window[keep]
