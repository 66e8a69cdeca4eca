"""Reading official boundary files (OCHA COD-AB, geoBoundaries, GeoPackage) for import.

:func:`read_official_boundaries` reads one level (provinces or districts) of a user-supplied
zipped shapefile, GeoJSON or GeoPackage: it guards zips against bombs, finds the P-code, name
and parent fields, reprojects to WGS84, and checks (or repairs) every feature's code and
geometry. Writing a data directory with the result is :mod:`dashboard.data.boundary_writer`.

Units are matched on P-codes when the file has them. A geoBoundaries file has none: its
provinces are then matched on their ISO 3166-2 code (``shapeISO``) and its districts on their
name (``shapeName``), by :mod:`dashboard.data.boundary_matching`, which reports every match.
Nothing here is shipped with the project; the user supplies the boundary file and its licence
decides what may be done with the result.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS

from dashboard.data.archives import shapefile_in_zip
from dashboard.data.problems import DataError, Problem
from dashboard.data.records import LEVELS

# (code, English name, Dari name, parent) fields of an OCHA COD-AB layer, by level.
COD_AB_FIELDS: dict[str, tuple[str, str, str, str | None]] = {
    "province": ("ADM1_PCODE", "ADM1_EN", "ADM1_DA", None),
    "district": ("ADM2_PCODE", "ADM2_EN", "ADM2_DA", "ADM1_PCODE"),
}
GEOBOUNDARIES_FIELDS = ("shapeName", "shapeID", "shapeISO")
_PCODE = re.compile(r"^[A-Z]{2}\d{4}$")
_REPAIR_FIX = (
    "repair it, e.g. with QGIS 'Fix geometries' or shapely.make_valid, "
    "or read the file with repair=True"
)


def read_official_boundaries(
    path: Path,
    level: str,
    code_field: str | None = None,
    name_field: str | None = None,
    parent_field: str | None = None,
    max_expanded_bytes: int = 2_000_000_000,
    repair: bool = False,
    label: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one level of a user-supplied boundary file, checking codes, geometry and CRS.

    Parameters
    ----------
    path : Path
        An OCHA COD-AB zipped shapefile (``.zip``), a geoBoundaries GeoJSON (``.geojson`` or
        ``.json``) or a GeoPackage (``.gpkg``, first layer).
    level : str
        ``"province"`` or ``"district"``.
    code_field, name_field, parent_field : str, optional
        The fields holding the P-code, the English name and (for districts) the province P-code.
        They default to COD-AB's ``ADM1_PCODE``/``ADM1_EN`` (provinces) and
        ``ADM2_PCODE``/``ADM2_EN``/``ADM1_PCODE`` (districts); the Dari name is read from
        ``ADM1_DA``/``ADM2_DA`` when present. geoBoundaries files carry no P-codes: unless
        ``code_field`` is given, their units are left to be matched by ISO code (provinces with
        ``shapeISO``) or name (``shapeName``, their default English name) when the data
        directory is known (:func:`dashboard.data.boundary_matching.match_units`). A district
        file with P-codes and without a parent field gets each parent from its P-code
        (``AF0801`` → ``AF08``).
    max_expanded_bytes : int
        A zip whose members expand beyond this in total, or holding a member of 1 MiB or more
        (``RATIO_CHECK_MIN_BYTES``) compressed more than ``MAX_COMPRESSION_RATIO`` (100) times,
        is refused from ``ZipFile.infolist()`` before anything is extracted (a zip bomb).
    repair : bool
        Repair invalid geometry with ``shapely.make_valid`` instead of refusing it.
    label : str, optional
        The file's name as the user knows it, for messages (an upload is saved under a fixed
        name); defaults to ``path.name``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``unit``, ``name_en``, ``name_fa``, ``parent`` and ``geometry`` in EPSG:4326.
        ``attrs["source_file"]`` is the file's name, ``attrs["repaired"]`` the number of
        geometries repaired, ``attrs["notes"]`` a list of what was done (reprojection, assumed
        CRS, repairs, derived parents), ``attrs["name_field"]`` the English name's field and
        ``attrs["match_by"]`` how units are to be matched: ``"code"`` (``unit`` holds P-codes),
        ``"iso"`` (``unit`` is empty and ``attrs["iso"]`` lists each feature's ``shapeISO``)
        or ``"name"`` (``unit`` and, for districts, ``parent`` are empty).

    Raises
    ------
    DataError
        Naming the file, the feature number (1-based) and the field of every problem.
    """
    name = label or path.name
    if level not in LEVELS:
        raise DataError.one(
            name, None, "level", f"'{level}' is not a level", f"use one of: {', '.join(LEVELS)}"
        )
    raw = _read_frame(path, name, max_expanded_bytes)
    notes: list[str] = []
    code_col, en_col, fa_col, parent_col = _resolve_fields(
        name, raw, level, code_field, name_field, parent_field
    )
    raw = _to_wgs84(name, raw, notes)
    match_by = "code" if code_col else ("iso" if "shapeISO" in raw.columns else "name")
    if match_by == "iso" and level == "district":
        match_by = "name"
    codes = _codes(name, raw, code_col) if code_col else [""] * len(raw)
    labels = codes if code_col else _text_column(raw, en_col)
    geometries, repaired = _geometries(name, raw, labels, repair)
    if repaired:
        notes.append(
            f"{repaired} invalid geometr{'y was' if repaired == 1 else 'ies were'} repaired with shapely.make_valid"
        )
    parents = _parents(raw, codes, level, parent_col, notes) if code_col else [""] * len(raw)
    frame = gpd.GeoDataFrame(
        {
            "unit": codes,
            "name_en": _text_column(raw, en_col),
            "name_fa": _text_column(raw, fa_col),
            "parent": parents,
        },
        geometry=geometries,
        crs="EPSG:4326",
    )
    frame.attrs.update(
        source_file=name, repaired=repaired, notes=notes, name_field=en_col, match_by=match_by
    )
    if match_by == "iso":
        frame.attrs["iso"] = [code.upper() for code in _text_column(raw, "shapeISO")]
    return frame


# -- reading ---------------------------------------------------------------------------------


def _read_frame(path: Path, name: str, max_expanded_bytes: int) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise DataError.one(
            name, None, None, f"no such file: {path}", "check the path to the boundary file"
        )
    suffix = path.suffix.lower()
    if suffix == ".zip":
        member = shapefile_in_zip(path, max_expanded_bytes)
        uri = f"zip://{path.resolve()}!{member}"
    elif suffix in (".geojson", ".json", ".gpkg"):
        uri = str(path)
    else:
        raise DataError.one(
            name,
            None,
            None,
            f"'{suffix}' files are not supported",
            "give a zipped shapefile (.zip, as OCHA publishes COD-AB), a GeoJSON or a GeoPackage",
        )
    try:
        frame = gpd.read_file(uri)
    except Exception as exc:  # pyogrio raises several error types for unreadable data
        raise DataError.one(
            name,
            None,
            None,
            f"the file cannot be read as boundaries ({exc})",
            "check that it is a complete shapefile, GeoJSON or GeoPackage",
        ) from exc
    if frame.empty:
        raise DataError.one(
            name,
            None,
            None,
            "the file has no features",
            "give a layer holding the units' polygons",
        )
    return frame


def _resolve_fields(
    name: str,
    raw: gpd.GeoDataFrame,
    level: str,
    code_field: str | None,
    name_field: str | None,
    parent_field: str | None,
) -> tuple[str | None, str | None, str | None, str | None]:
    """The (code, English name, Dari name, parent) columns to use, or a problem listing fields;
    no code column for a geoBoundaries file without P-codes."""
    code_default, en_default, fa_default, parent_default = COD_AB_FIELDS[level]
    fields = [c for c in raw.columns if c != raw.geometry.name]
    geoboundaries = any(f in fields for f in GEOBOUNDARIES_FIELDS)
    code: str | None = code_field or code_default
    en = name_field or (en_default if en_default in fields else None)
    if en is None and "shapeName" in fields:
        en = "shapeName"
    if code not in fields and code_field is None and _matchable(fields, level, en):
        code = None  # a geoBoundaries file: matched on shapeISO or shapeName instead
    elif code not in fields:
        raise DataError.one(
            name, None, code, _missing_code_message(code, fields, geoboundaries), _code_fix(fields)
        )
    if name_field and name_field not in fields:
        raise DataError.one(
            name,
            None,
            name_field,
            f"there is no name field '{name_field}'; the fields are: {', '.join(fields)}",
            "give name_field as one of the fields listed",
        )
    if parent_field and parent_field not in fields:
        raise DataError.one(
            name,
            None,
            parent_field,
            f"there is no parent field '{parent_field}'; the fields are: {', '.join(fields)}",
            "give parent_field as the field holding the province P-code",
        )
    parent = parent_field or (parent_default if parent_default in fields else None)
    fa = fa_default if fa_default in fields else None
    return code, en, fa, parent if level == "district" else None


def _matchable(fields: list[str], level: str, name_column: str | None) -> bool:
    """Whether a file without P-codes is a geoBoundaries file whose units can be matched: on
    ``shapeISO`` (provinces) or on ``shapeName`` (both levels)."""
    if not any(f in fields for f in GEOBOUNDARIES_FIELDS):
        return False
    return name_column is not None or (level == "province" and "shapeISO" in fields)


def _missing_code_message(code: str, fields: list[str], geoboundaries: bool) -> str:
    message = f"there is no code field '{code}'; the fields are: {', '.join(fields)}"
    if geoboundaries:
        message += " (a geoBoundaries file: shapeID and shapeISO are not P-codes)"
    return message


def _code_fix(fields: list[str]) -> str:
    pcodes = [f for f in fields if "PCODE" in f.upper()]
    if pcodes:
        return f"name the field holding the P-codes with --province-code-field or --district-code-field (code_field= in Python), e.g. {pcodes[0]}"
    return "name the field holding P-codes (e.g. AF0801) with --province-code-field or --district-code-field (code_field= in Python); add one in QGIS if the file has none"


def _to_wgs84(name: str, raw: gpd.GeoDataFrame, notes: list[str]) -> gpd.GeoDataFrame:
    if raw.crs is None:
        minx, miny, maxx, maxy = raw.total_bounds if len(raw) else (0, 0, 0, 0)
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            notes.append(
                "the file has no CRS; its coordinates are in longitude/latitude range, so WGS84 is assumed"
            )
            return raw.set_crs("EPSG:4326")
        raise DataError.one(
            name,
            None,
            "crs",
            f"the file has no coordinate reference system and its coordinates ({minx:.0f}, {miny:.0f} to {maxx:.0f}, {maxy:.0f}) are not longitude/latitude",
            "add the CRS (for a shapefile, the .prj file) or reproject it to WGS84 (EPSG:4326) in QGIS",
        )
    if CRS.from_user_input(raw.crs).equals(CRS("EPSG:4326"), ignore_axis_order=True):
        return raw
    notes.append(f"reprojected from {raw.crs.to_string()} ({raw.crs.name}) to WGS84 (EPSG:4326)")
    return raw.to_crs("EPSG:4326")


def _codes(name: str, raw: gpd.GeoDataFrame, column: str) -> list[str]:
    codes = _text_column(raw, column)
    problems = []
    seen: dict[str, int] = {}
    for number, code in enumerate(codes, start=1):
        if not code:
            problems.append(
                Problem(
                    name,
                    number,
                    column,
                    "the code is empty",
                    f"fill in '{column}' with the unit's P-code, or remove the feature",
                )
            )
        elif code in seen:
            problems.append(
                Problem(
                    name,
                    number,
                    column,
                    f"the code '{code}' is also used by feature {seen[code]}",
                    "give every feature its own code, or dissolve the parts into one feature (QGIS 'Dissolve' by the code field)",
                )
            )
        seen.setdefault(code, number)
    if problems:
        raise DataError(problems)
    return codes


def _text_column(raw: gpd.GeoDataFrame, column: str | None) -> list[str]:
    if column is None:
        return [""] * len(raw)
    return ["" if pd.isna(v) else str(v).strip() for v in raw[column].tolist()]


def _geometries(
    name: str, raw: gpd.GeoDataFrame, codes: list[str], repair: bool
) -> tuple[list, int]:
    problems: list[Problem] = []
    found = []
    repaired = 0
    for number, (code, geometry) in enumerate(zip(codes, raw.geometry, strict=True), start=1):
        where = f"feature {number} ({code})" if code else f"feature {number}"
        if geometry is None or geometry.is_empty:
            problems.append(
                Problem(
                    name,
                    number,
                    "geometry",
                    f"{where} has no geometry",
                    "draw its polygon or remove the feature",
                )
            )
        elif geometry.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                Problem(
                    name,
                    number,
                    "geometry",
                    f"{where} is a {geometry.geom_type}, not an area",
                    "give Polygon or MultiPolygon features",
                )
            )
        elif not geometry.is_valid and not repair:
            reason = shapely.is_valid_reason(geometry)
            problems.append(
                Problem(
                    name,
                    number,
                    "geometry",
                    f"{where} has invalid geometry ({reason})",
                    _REPAIR_FIX,
                )
            )
        elif not geometry.is_valid:
            geometry = _repaired(geometry)
            repaired += 1
        found.append(geometry)
    if problems:
        raise DataError(problems)
    return found, repaired


def _repaired(geometry):
    fixed = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
    if fixed.geom_type in ("Polygon", "MultiPolygon"):
        return fixed
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _parents(
    raw: gpd.GeoDataFrame, codes: list[str], level: str, column: str | None, notes: list[str]
) -> list[str]:
    if level == "province":
        return [""] * len(codes)
    if column is not None:
        return _text_column(raw, column)
    notes.append(
        "no parent field: each district's province is taken from its P-code (AF0801 → AF08)"
    )
    return [code[:4] if _PCODE.match(code) else "" for code in codes]
