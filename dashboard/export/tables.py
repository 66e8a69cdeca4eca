"""The view on a date as data: GeoJSON of every unit with its state, and CSV tables (the
states, the changes between two dates, the events shown). Pure."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import shapely

from dashboard.data.dataset import Dataset
from dashboard.data.events import events_csv_frame
from dashboard.spreadsheet import csv_text
from dashboard.style import StatusStyle, fill_for, status_styles
from dashboard.timeline import Timeline, UnitState

STATUS_COLUMNS = [
    "unit", "name", "level", "parent", "status", "since", "confidence", "follows_province",
    "source_url",
]  # fmt: skip
COORDINATE_DECIMALS = 5


# -- GeoJSON and CSV -------------------------------------------------------------------------


def state_geojson(dataset: Dataset, timeline: Timeline, day: date) -> dict:
    """Every unit with a shape and its state on ``day``, as a GeoJSON FeatureCollection.

    Parameters
    ----------
    dataset : Dataset
        Its unsimplified geometry is used, with coordinates rounded to 1e-5 degrees (about 1 m).
    timeline : Timeline
    day : datetime.date

    Returns
    -------
    dict
        One feature per unit in ``dataset.geometry`` (provinces and districts), with the
        unit's names, level and parent, its status, since, confidence, source, claim, date
        precision, ``schematic``, the map's ``fill`` and the ``date`` shown.
    """
    states = timeline.state_on(day)
    styles = status_styles(timeline.vocabulary)
    features = [
        {
            "type": "Feature",
            "properties": _feature_properties(states[code], bool(row["schematic"]), day, styles),
            "geometry": shapely.geometry.mapping(_rounded(row.geometry)),
        }
        for code, row in dataset.geometry.iterrows()
        if code in states
    ]
    return {"type": "FeatureCollection", "features": features}


def _feature_properties(
    state: UnitState, schematic: bool, day: date, styles: dict[str, StatusStyle]
) -> dict:
    unit, record = state.unit, state.record
    return {
        "unit": unit.unit,
        "name_en": unit.name_en,
        "name_fa": unit.name_fa,
        "level": unit.level,
        "parent": unit.parent or "",
        "status": state.status,
        "since": state.since.isoformat() if state.since else "",
        "confidence": state.confidence,
        "source_url": record.source_url if record else "",
        "source_publisher": record.source_publisher if record else "",
        "claimed_by": record.claimed_by if record else "",
        "disputed_by": record.disputed_by if record else "",
        "date_precision": record.date_precision if record else "",
        "schematic": schematic,
        "fill": fill_for(styles, state.status, state.confidence, state.approximate),
        "date": day.isoformat(),
    }


def _rounded(geometry):
    """The geometry on a 1e-5 degree grid, with the float noise of the grid removed."""
    snapped = shapely.set_precision(geometry, 10.0**-COORDINATE_DECIMALS)
    return shapely.transform(snapped, lambda xy: np.round(xy, COORDINATE_DECIMALS))


def status_rows(dataset: Dataset, timeline: Timeline, day: date) -> list[dict]:
    """Every unit's state on ``day`` as rows with the columns :data:`STATUS_COLUMNS`.

    Shared by ``python -m dashboard status`` and :func:`state_csv`.
    """
    return [
        {
            "unit": code,
            "name": state.unit.name_en,
            "level": state.unit.level,
            "parent": state.unit.parent or "",
            "status": state.status,
            "since": state.since or "",
            "confidence": state.confidence,
            # A district with no record of its own on the date shows its province's status.
            "follows_province": "yes" if state.inherited else "",
            "source_url": state.record.source_url if state.record else "",
        }
        for code, state in timeline.state_on(day).items()
        if code in dataset.units
    ]


def state_csv(dataset: Dataset, timeline: Timeline, day: date) -> str:
    """:func:`status_rows` as spreadsheet-safe CSV text, exactly as ``python -m dashboard
    status`` prints it."""
    return csv_text(STATUS_COLUMNS, status_rows(dataset, timeline, day))


CHANGE_COLUMNS = [
    "date", "unit", "name", "level", "from_status", "to_status", "confidence", "source_url",
]  # fmt: skip


def change_rows(timeline: Timeline, start: date, end: date) -> list[dict]:
    """Every status change from ``start`` to ``end`` as rows with :data:`CHANGE_COLUMNS`
    (statuses as codes: ``taliban``). Shared by ``python -m dashboard changes`` and the app."""
    return [
        {
            "date": c.date.isoformat(),
            "unit": c.unit.unit,
            "name": c.unit.name_en,
            "level": c.unit.level,
            "from_status": c.from_status,
            "to_status": c.to_status,
            "confidence": c.confidence,
            "source_url": c.record.source_url if c.record else "",
        }
        for c in timeline.changes(start, end)
    ]


def changes_csv(timeline: Timeline, start: date, end: date) -> str:
    """:func:`change_rows` as spreadsheet-safe CSV text."""
    return csv_text(CHANGE_COLUMNS, change_rows(timeline, start, end))


def events_csv_text(events_frame: pd.DataFrame) -> str:
    """The (filtered) events as spreadsheet-safe CSV text in the ``events.csv`` layout."""
    frame = events_csv_frame(events_frame)
    return csv_text(list(frame.columns), frame.to_dict("records"))
