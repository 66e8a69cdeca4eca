"""Importing ACLED CSV exports as events, and turning territory events into control suggestions.

ACLED (https://acleddata.com/) publishes events as CSV. Exports made before the 2023 layout change
carry ``data_id``, ``event_id_no_cnty`` and ``iso3``; later ones carry ``disorder_type``,
``civilian_targeting`` and ``tags`` instead. Both carry ``event_id_cnty``, which is the id kept
here. Only the columns of our event schema (``dashboard.data.events.EVENT_COLUMNS``) are kept.
Imported events are merged with a data directory's own here; writing them back as ``events.csv``
is :func:`dashboard.data.events.write_events_csv`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.data.acled_report import (
    MatchReport,
    first_of_each_id,
    repeated_ids_problem,
)
from dashboard.data.dates import (
    DATE_FIX,
    DAY_FIRST,
    MONTH_FIRST,
    TEXT_FORMATS,
    date_problem,
    numeric_order,
    parse_date,
)
from dashboard.data.events import (
    CORE_EVENT_COLUMNS,
    EVENT_COLUMNS,
    EVENT_TAXONOMY,
    _typed,
    assign_units,
    check_fatalities,
    check_in_country,
)
from dashboard.data.names import district_named, name_index, name_key
from dashboard.data.problems import DataError, Problem
from dashboard.data.records import Unit
from dashboard.data.tables import DEFAULT_MAX_BYTES, FieldChecker, read_csv

ACLED_REQUIRED = CORE_EVENT_COLUMNS
ACLED_URL = "https://acleddata.com/"
ACLED_CONFIDENCE = "medium"
LAYOUT_2023 = "2023"
LAYOUT_OLD = "pre-2023"
_OLD_ONLY = ("event_id_no_cnty", "data_id", "iso3")
_NEW_ONLY = ("disorder_type", "civilian_targeting", "tags")
_KEPT = (
    "actor2", "country", "admin1", "admin2", "location", "notes", "source",
)  # fmt: skip


@dataclass
class AcledImport:
    """An ACLED export read into our event schema.

    Attributes
    ----------
    name : str
        The file's name.
    layout : str
        ``"2023"`` or ``"pre-2023"`` (``"unknown"`` when neither layout's own columns appear).
    events : pandas.DataFrame
        The same columns and dtypes as ``load_events`` returns, sorted by ``event_date``.
    report : MatchReport
        How events were tied to units.
    """

    name: str
    layout: str
    events: pd.DataFrame
    report: MatchReport


def read_acled(
    source: Path | bytes,
    name: str,
    units: dict[str, Unit],
    geometry: gpd.GeoDataFrame,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int | None = None,
    keep_first: bool = False,
    strict: bool = False,
) -> AcledImport:
    """Read an ACLED CSV export, checking every row; raise ``DataError`` listing every problem.

    Parameters
    ----------
    source : Path or bytes
        The export, or its content (an upload).
    name : str
        The file's name as the user knows it, used in every message.
    units : dict of str to Unit
        The units of the data directory the events are for.
    geometry : geopandas.GeoDataFrame
        Their polygons, indexed by P-code.
    max_bytes : int
        Larger files are refused before they are parsed.
    max_rows : int, optional
        Files with more lines than this are refused before they are parsed (the app's bound on
        an upload's memory).
    keep_first : bool
        Keep the first row of each repeated ``event_id_cnty`` and leave the others out (the
        report counts them); by default repeated ids refuse the file, with one problem that
        counts them.
    strict : bool
        Refuse the file when a point lies outside the data's area; by default such rows are
        left out and the report counts them by ACLED's ``country``.

    Returns
    -------
    AcledImport

    Notes
    -----
    ACLED exports carry no link to the reports behind an event, so every imported event gets
    ``source_url`` = ``https://acleddata.com/`` and ``confidence`` = ``medium``; ACLED's own
    ``source`` text (the outlets it cites) is kept. Dates are read as
    :mod:`dashboard.data.dates` says (ACLED's and spreadsheets' formats; numeric ones only in
    the order the file shows), and the report names the formats read. ``time_precision`` and ``geo_precision`` must be 1, 2 or 3.
    A point within ``AREA_TOLERANCE_DEG`` (about 25 km) of the provinces is kept (an event on a
    border river, a boat off the coast); one further out is left out and counted by country,
    or with ``strict`` refuses the file. A point whose swapped coordinates fall inside is always
    an error, whose fix says to swap them.

    Events are tied to units by point-in-polygon when ``geo_precision`` is 1 or 2 and the point
    lies in a polygon, and otherwise by matching ``admin1``/``admin2`` against unit names (see
    :func:`name_key`). When a province is found, ``admin1`` is rewritten to its name in
    ``units.csv`` so that the events pass the loader's province check.
    """
    table = read_csv(source, name, required=ACLED_REQUIRED, max_bytes=max_bytes, max_rows=max_rows)
    check = FieldChecker(name)
    order = numeric_order(rec.get("event_date", "") for _, rec in table.rows)
    formats: set[str] = set()
    records, repeated = first_of_each_id(table.rows)
    if repeated and not keep_first:
        check.add(*repeated_ids_problem(repeated))
        records = table.rows
    rows = [_acled_row(check, row, rec, order, formats) for row, rec in records]
    frame = pd.DataFrame(rows, columns=[*EVENT_COLUMNS, "row"])
    outside: dict[str, int] = {}
    if not check.problems:
        placed = np.ones(len(frame), dtype=bool)
        inside, _ = check_in_country(
            check, frame, units, geometry, placed,
            "or filter the export to the data's area (the provinces in units.csv)",
            only_swapped=not strict,
        )  # fmt: skip
        if not strict:
            outside = frame.loc[~inside, "country"].replace("", "no country").value_counts()
            outside = {str(country): int(n) for country, n in outside.items()}
            frame = frame[inside]
    check.raise_if_any()
    frame = assign_units(_typed(frame), units, geometry)
    frame, report = _match_units(frame, units)
    report.outside_area = outside
    report.repeated_dropped = len(repeated) if keep_first else 0
    report.date_formats = tuple(
        f for f in (*TEXT_FORMATS.values(), DAY_FIRST, MONTH_FIRST) if f in formats
    )
    frame = frame[[*EVENT_COLUMNS, "row", "province", "district"]]
    events = frame.sort_values("event_date", kind="stable").reset_index(drop=True)
    return AcledImport(name, _layout(table.columns), events, report)


def _layout(columns: list[str]) -> str:
    if any(c in columns for c in _NEW_ONLY):
        return LAYOUT_2023
    if any(c in columns for c in _OLD_ONLY):
        return LAYOUT_OLD
    return "unknown"


def _acled_row(
    check: FieldChecker,
    row: int,
    rec: dict[str, str],
    order: str,
    formats: set[str],
) -> dict[str, object]:
    event_id = check.text(row, rec, "event_id_cnty")
    _check_types(check, row, rec)
    check.text(row, rec, "actor1")
    check.choice(row, rec, "time_precision", ("1", "2", "3"), required=False)
    _check_coordinates(check, row, rec)
    check_fatalities(check, row, rec)
    return {
        **{c: "" for c in EVENT_COLUMNS},
        **{c: rec.get(c, "") for c in _KEPT},
        "event_id_cnty": event_id,
        "event_date": _acled_date(check, row, rec, order, formats),
        "event_type": rec.get("event_type", ""),
        "sub_event_type": rec.get("sub_event_type", ""),
        "actor1": rec.get("actor1", ""),
        "time_precision": rec.get("time_precision", ""),
        "latitude": rec.get("latitude", ""),
        "longitude": rec.get("longitude", ""),
        "geo_precision": rec.get("geo_precision", ""),
        "fatalities": rec.get("fatalities", ""),
        "source_url": ACLED_URL,
        "confidence": ACLED_CONFIDENCE,
        "row": row,
    }


def _acled_date(
    check: FieldChecker, row: int, rec: dict[str, str], order: str, formats: set[str]
) -> str | None:
    """The date as ``YYYY-MM-DD`` (see :mod:`dashboard.data.dates`); ``None`` when it cannot be
    read without guessing. ``formats`` collects the formats read, for the report."""
    value = rec.get("event_date", "")
    parsed, label = parse_date(value, order)
    if parsed is None:
        check.add(row, "event_date", date_problem(value, order), DATE_FIX)
        return None
    formats.add(label)
    return parsed.isoformat()


def _check_types(check: FieldChecker, row: int, rec: dict[str, str]) -> None:
    event_type = check.choice(row, rec, "event_type", tuple(EVENT_TAXONOMY))
    sub_type = rec.get("sub_event_type", "")
    if event_type in EVENT_TAXONOMY and sub_type not in EVENT_TAXONOMY[event_type]:
        check.add(
            row,
            "sub_event_type",
            f"'{sub_type}' is not a sub-event type of '{event_type}'",
            f"use one of: {', '.join(EVENT_TAXONOMY[event_type])}",
        )


def _check_coordinates(check: FieldChecker, row: int, rec: dict[str, str]) -> None:
    lat = check.number(row, rec, "latitude", -90, 90)
    lon = check.number(row, rec, "longitude", -180, 180)
    if lat is not None and lon is not None:
        check.choice(row, rec, "geo_precision", ("1", "2", "3"))


# -- tying events to units by name -----------------------------------------------------------


def _match_units(frame: pd.DataFrame, units: dict[str, Unit]) -> tuple[pd.DataFrame, MatchReport]:
    index = name_index(units)
    report = MatchReport()
    provinces, districts = [], []
    for rec in frame.to_dict("records"):
        province, district, how = _match_one(rec, units, index)
        provinces.append(province)
        districts.append(district)
        if how == "point":
            report.by_point += 1
        elif how == "name":
            report.by_name += 1
        else:
            report.unmatched += 1
            report.unmatched_events.append((int(rec["row"]), rec["location"], rec["admin1"]))
    frame = frame.assign(province=provinces, district=districts)
    frame["admin1"] = [
        units[p].name_en if p else a for p, a in zip(provinces, frame["admin1"], strict=True)
    ]
    return frame, report


def _match_one(
    rec: dict, units: dict[str, Unit], index: dict[tuple[str, str], str]
) -> tuple[str, str, str]:
    """``(province, district, how)`` for one event; ``how`` is point, name or ''."""
    precise = not pd.isna(rec["geo_precision"]) and int(rec["geo_precision"]) in (1, 2)
    if precise and rec["province"]:
        district = rec["district"] or _district_by_name(rec, rec["province"], units, index)
        return rec["province"], district, "point"
    province = index.get(("", name_key(rec["admin1"])), "")
    if province:
        return province, _district_by_name(rec, province, units, index), "name"
    return "", "", ""


def _district_by_name(
    rec: dict, province: str, units: dict[str, Unit], index: dict[tuple[str, str], str]
) -> str:
    return district_named(index, units, province, rec["admin2"])


# -- merging events --------------------------------------------------------------------------


def merge_events(
    existing: pd.DataFrame, new: pd.DataFrame, name: str = "imported events"
) -> pd.DataFrame:
    """``existing`` and ``new`` together, sorted by date; ``DataError`` if an id is in both.

    Parameters
    ----------
    existing, new : pandas.DataFrame
        Events as ``load_events`` or :func:`read_acled` return them.
    name : str
        The name of the file ``new`` came from, used in messages.
    """
    known = set(existing["event_id_cnty"])
    clashes = new[new["event_id_cnty"].isin(known)]
    if len(clashes):
        raise DataError(
            [
                Problem(
                    name,
                    int(r["row"]) if "row" in r and not pd.isna(r["row"]) else None,
                    "event_id_cnty",
                    f"the event id '{r['event_id_cnty']}' is already in the existing events",
                    "leave this event out of the import, or give it an id not yet used",
                )
                for r in clashes.to_dict("records")
            ]
        )
    frames = [f for f in (existing, new) if len(f)]
    merged = pd.concat(frames, ignore_index=True) if frames else existing.copy()
    return merged.sort_values("event_date", kind="stable").reset_index(drop=True)
