"""Events in ACLED's column layout, with a source URL and a confidence for each.

Loading and checking ``events.csv`` (:func:`load_events`), tying events to units
(:func:`assign_units`) and writing events back as ``events.csv`` (:func:`write_events_csv`).
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.data.names import district_named, name_index, name_key
from dashboard.data.records import CONFIDENCES, Unit
from dashboard.data.spatial import AREA_TOLERANCE_DEG, near_xy
from dashboard.data.tables import WHOLE_NUMBER, FieldChecker, Table, read_csv, remove_stale

EVENT_TAXONOMY: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
EVENT_COLUMNS = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "location_source_url",
    "fatalities", "notes", "source", "source_url", "confidence",
)  # fmt: skip
# The columns every events table has, an ACLED export and our events.csv alike.
CORE_EVENT_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "latitude",
    "longitude",
)
REQUIRED_EVENT_COLUMNS = (
    *CORE_EVENT_COLUMNS,
    "source_url",
    "confidence",
)
# Event points may sit just across a 1:10m boundary; allow about 5 km.
POINT_TOLERANCE_DEG = 0.05


# Columns the loader adds; a file's own columns of these names are not kept.
DERIVED_COLUMNS = ("row", "province", "district")


def extra_columns(columns) -> list[str]:
    """A file's columns beyond :data:`EVENT_COLUMNS` (an analyst's notes, say): kept as text
    and written back unchanged."""
    return [c for c in columns if c and c not in EVENT_COLUMNS and c not in DERIVED_COLUMNS]


def empty_events() -> pd.DataFrame:
    """An events table with the right columns and no rows."""
    frame = _typed(pd.DataFrame({c: pd.Series(dtype="object") for c in EVENT_COLUMNS}))
    frame["province"] = frame["district"] = pd.Series(dtype="object")
    return frame


def load_events(path: Path, units: dict[str, Unit], geometry: gpd.GeoDataFrame) -> pd.DataFrame:
    """Read ``events.csv`` and check every row; see :func:`events_from_table`."""
    return events_from_table(
        read_csv(path, path.name, required=REQUIRED_EVENT_COLUMNS, allow_empty=True),
        units,
        geometry,
    )


def events_from_table(
    table: Table, units: dict[str, Unit], geometry: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Turn a parsed events table into a DataFrame, or raise ``DataError`` listing every bad row.

    The result has one row per event, ``event_date`` as ``datetime64``, numeric coordinates (NaN
    for events with no place on the map, such as talks abroad), nullable integer ``fatalities``
    (missing when no source gives a number), and ``province``/``district`` P-codes from
    point-in-polygon.
    """
    check = FieldChecker(table.name)
    provinces = {u.name_en.casefold(): u.unit for u in units.values() if u.level == "province"}
    seen: dict[str, int] = {}
    extras = extra_columns(table.columns)
    rows = []
    for row, rec in table.rows:
        _check_event_row(check, row, rec, provinces, seen)
        rows.append({c: rec.get(c, "") for c in (*EVENT_COLUMNS, *extras)} | {"row": row})
    frame = pd.DataFrame(rows, columns=[*EVENT_COLUMNS, *extras, "row"])
    # Rows whose coordinates are already refused are left out of the place checks; every other
    # point is still checked, so that one bad row does not hide the next.
    refused = {p.row for p in check.problems if p.field in ("latitude", "longitude")}
    _check_places(check, frame[~frame["row"].isin(refused)], units, geometry, provinces)
    check.raise_if_any()
    frame = assign_units(_typed(frame), units, geometry)
    return frame.sort_values("event_date", kind="stable").reset_index(drop=True)


def _check_event_row(
    check: FieldChecker,
    row: int,
    rec: dict[str, str],
    provinces: dict[str, str],
    seen: dict[str, int],
) -> None:
    event_id = check.text(row, rec, "event_id_cnty")
    if event_id in seen:
        check.add(
            row,
            "event_id_cnty",
            f"the event id '{event_id}' is also used on row {seen[event_id]}",
            "give every event its own id",
        )
    seen.setdefault(event_id, row)
    check.date(row, rec, "event_date")
    event_type = check.choice(row, rec, "event_type", tuple(EVENT_TAXONOMY))
    if event_type in EVENT_TAXONOMY:
        check.choice(row, rec, "sub_event_type", EVENT_TAXONOMY[event_type])
    check.text(row, rec, "actor1")
    check.choice(row, rec, "time_precision", ("1", "2", "3"), required=False)
    check.choice(row, rec, "confidence", CONFIDENCES)
    check.url(row, rec, "source_url")
    _check_coordinates(check, row, rec)
    check_fatalities(check, row, rec)
    admin1 = rec.get("admin1", "")
    if admin1 and admin1.casefold() not in provinces:
        check.add(
            row,
            "admin1",
            f"'{admin1}' is not a province in units.csv",
            "use the English province name from units.csv, e.g. Panjshir",
        )


def _check_coordinates(check: FieldChecker, row: int, rec: dict[str, str]) -> None:
    lat = check.number(row, rec, "latitude", -90, 90, required=False)
    lon = check.number(row, rec, "longitude", -180, 180, required=False)
    if (rec.get("latitude", "") == "") != (rec.get("longitude", "") == ""):
        check.add(
            row,
            "latitude",
            "only one of latitude and longitude is given",
            "give both, or leave both empty for events with no place on the map",
        )
    if lat is not None and lon is not None:
        check.choice(row, rec, "geo_precision", ("1", "2", "3"))
        if rec.get("location_source_url"):
            check.url(row, rec, "location_source_url")


def check_fatalities(check: FieldChecker, row: int, rec: dict[str, str]) -> None:
    """Fatalities are empty (no source gives a number) or a whole number in ASCII digits."""
    fatalities = rec.get("fatalities", "")
    if fatalities and not WHOLE_NUMBER.fullmatch(fatalities):
        check.add(
            row,
            "fatalities",
            f"'{fatalities}' is not a whole number from 0 to 9,999,999 in the digits 0-9",
            "write a whole number of 0 or more, or leave it empty when no source gives one",
        )


def _check_places(
    check: FieldChecker,
    frame: pd.DataFrame,
    units: dict[str, Unit],
    geometry: gpd.GeoDataFrame,
    provinces: dict[str, str],
) -> None:
    lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy()
    lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy()
    placed = ~np.isnan(lat)
    if not placed.any():
        return
    inside, on_land = check_in_country(
        check, frame, units, geometry, placed, "or leave them empty for events abroad"
    )
    codes = frame["admin1"].str.casefold().map(provinces).fillna("").to_numpy()
    # A point off the provinces (within the area's tolerance) is in none of them to check.
    for code in set(codes[placed & on_land]) - {""}:
        rows = np.flatnonzero(placed & on_land & (codes == code))
        near = near_xy(geometry.geometry[code], lon[rows], lat[rows], POINT_TOLERANCE_DEG)
        for i in rows[~near]:
            check.add(
                int(frame["row"].iat[i]),
                "admin1",
                f"the point {lat[i]}, {lon[i]} lies outside {frame['admin1'].iat[i]}",
                "correct the coordinates or the province name",
            )


def check_in_country(
    check: FieldChecker,
    frame: pd.DataFrame,
    units: dict[str, Unit],
    geometry: gpd.GeoDataFrame,
    placed: np.ndarray,
    otherwise: str,
    only_swapped: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Add a problem for each placed point outside the data's area (farther than
    :data:`AREA_TOLERANCE_DEG` from its provinces); return which points are in the area, and
    which are on its provinces (within :data:`POINT_TOLERANCE_DEG`).

    When a point is outside but its swapped coordinates fall inside, the fix says to swap them.
    With ``only_swapped``, only those are problems: the caller leaves the other points out.
    """
    tolerance = AREA_TOLERANCE_DEG
    lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(dtype=float)
    codes = [c for c in geometry.index if units[c].level == "province"]
    country = shapely.union_all(geometry.geometry.loc[codes].values)
    inside = near_xy(country, lon, lat, tolerance)
    swapped = near_xy(country, lat, lon, tolerance)
    for i in np.flatnonzero(placed & ~inside):
        if only_swapped and not swapped[i]:
            continue
        fix = (
            f"latitude and longitude look swapped: swap them (latitude {lon[i]}, longitude {lat[i]})"
            if swapped[i]
            else f"check the coordinates (decimal degrees, latitude first), {otherwise}"
        )
        check.add(
            int(frame["row"].iat[i]),
            "latitude",
            f"the point {lat[i]}, {lon[i]} lies outside the map's boundaries",
            fix,
        )
    return inside, inside & near_xy(country, lon, lat, POINT_TOLERANCE_DEG)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["event_date"] = pd.to_datetime(frame["event_date"], format="%Y-%m-%d")
    for column in ("latitude", "longitude"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    for column in ("fatalities", "time_precision", "geo_precision"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


def assign_units(
    frame: pd.DataFrame, units: dict[str, Unit], geometry: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Add ``province`` and ``district``: the P-codes of the polygons holding each point, or, for
    an event with no point (or none inside a unit), of the units its ``admin1``/``admin2`` name
    (names and aliases, spelling-tolerant); '' if neither says."""
    points = gpd.GeoDataFrame(
        index=frame.index,
        geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]),
        crs="EPSG:4326",
    )
    for level in ("province", "district"):
        codes = [code for code in geometry.index if units[code].level == level]
        polygons = geometry.loc[codes, ["geometry"]].reset_index()
        joined = gpd.sjoin(points, polygons, how="left", predicate="within")
        joined = joined[~joined.index.duplicated(keep="first")]
        frame[level] = joined["unit"].reindex(frame.index).fillna("").to_numpy()
    index = name_index(units)
    named = frame["province"] == ""
    frame.loc[named, "province"] = [
        index.get(("", name_key(a)), "") for a in frame.loc[named, "admin1"]
    ]
    unnamed = (frame["district"] == "") & (frame["province"] != "")
    frame.loc[unnamed, "district"] = [
        district_named(index, units, p, a)
        for p, a in zip(frame.loc[unnamed, "province"], frame.loc[unnamed, "admin2"], strict=True)
    ]
    return frame


# -- writing events.csv ----------------------------------------------------------------------


def write_events_csv(events: pd.DataFrame, path: Path) -> None:
    """Write events as ``events.csv`` (columns :data:`EVENT_COLUMNS`, dates ``YYYY-MM-DD``).

    The file is written next to ``path`` first and renamed, so a failure leaves no half file.
    """
    text = events_csv(events)
    remove_stale(path.parent, f".{path.name}.*.tmp")
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def events_csv(events: pd.DataFrame) -> str:
    """Events as ``events.csv`` text (see :func:`events_csv_frame`)."""
    buffer = io.StringIO()
    events_csv_frame(events).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def events_csv_frame(events: pd.DataFrame) -> pd.DataFrame:
    """Events as the text cells of ``events.csv``: :data:`EVENT_COLUMNS`, then any extra
    columns the data directory's file had (kept, empty for imported rows)."""
    frame = events.reindex(columns=[*EVENT_COLUMNS, *extra_columns(events.columns)]).copy()
    frame["event_date"] = pd.to_datetime(frame["event_date"]).dt.strftime("%Y-%m-%d")
    for column in ("latitude", "longitude"):
        frame[column] = ["" if pd.isna(v) else repr(float(v)) for v in frame[column].to_numpy()]
    return frame.astype(object).where(frame.notna(), "")
