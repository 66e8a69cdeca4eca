"""Loading ``units.csv`` (who is who) and ``boundaries.geojson`` (where they are)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import shape

from dashboard.data.problems import DataError, Problem
from dashboard.data.records import LEVELS, Unit
from dashboard.data.spatial import AREA_TOLERANCE_DEG, near_xy
from dashboard.data.tables import FieldChecker, read_csv

UNIT_COLUMNS = ("unit", "level", "parent", "name_en")
# Codes become CSS classes and URL parameters in the browser: letters, digits, "_", "." and "-".
CODE_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,32}")
# Centres may sit on a boundary drawn at 1:10m scale; allow that much slack (about 2 km).
CENTRE_TOLERANCE_DEG = 0.02
# import-boundaries marks the polygons it writes with this ``geometry_source``. Their centres
# may lie up to AREA_TOLERANCE_DEG (about 25 km) outside: the import warned about each, with
# its distance (dashboard.data.centres), and ``validate`` lists them again.
OFFICIAL_SOURCE = "official boundaries: "


def load_units(path: Path) -> dict[str, Unit]:
    """Read ``units.csv`` into units keyed by P-code, checking levels, parents and centres."""
    table = read_csv(path, path.name, required=UNIT_COLUMNS)
    check = FieldChecker(path.name)
    units: dict[str, Unit] = {}
    for row, rec in table.rows:
        code = check.text(row, rec, "unit")
        if code and not CODE_PATTERN.fullmatch(code):
            check.add(
                row,
                "unit",
                f"the code {code!r} has characters other than letters, digits, '_', '.' and '-'",
                "use P-codes such as AF0801",
            )
        if code.casefold() in {c.casefold() for c in units}:
            check.add(
                row,
                "unit",
                f"the unit '{code}' appears twice (codes are compared ignoring case)",
                "keep one row per P-code",
            )
        level = check.choice(row, rec, "level", LEVELS)
        lat = check.number(row, rec, "centre_lat", -90, 90, required=False)
        lon = check.number(row, rec, "centre_lon", -180, 180, required=False)
        if (lat is None) != (lon is None):
            check.add(
                row,
                "centre_lat",
                "only one of centre_lat and centre_lon is given",
                "give both or neither",
            )
        source = check.url(row, rec, "centre_source_url", required=lat is not None)
        units[code] = Unit(
            unit=code,
            level=level,
            parent=rec.get("parent") or None,
            name_en=check.text(row, rec, "name_en"),
            name_fa=rec.get("name_fa", ""),
            iso_code=rec.get("iso_3166_2", ""),
            centre_name=rec.get("centre_name", ""),
            centre_lat=lat,
            centre_lon=lon,
            centre_source_url=source,
            note=rec.get("note", ""),
            row=row,
            aliases=tuple(a.strip() for a in rec.get("aliases", "").split(";") if a.strip()),
        )
    for unit in units.values():
        _check_parent(check, unit.row, unit, units)
    check.raise_if_any()
    return units


def _check_parent(check: FieldChecker, row: int, unit: Unit, units: dict[str, Unit]) -> None:
    if unit.level == "province" and unit.parent:
        check.add(row, "parent", "a province has no parent", "leave 'parent' empty for provinces")
    if unit.level == "district":
        parent = units.get(unit.parent or "")
        if parent is None or parent.level != "province":
            check.add(
                row,
                "parent",
                f"'{unit.parent or ''}' is not a province in this file",
                "give the P-code of the district's province, e.g. AF08",
            )


def load_boundaries(path: Path, units: dict[str, Unit]) -> gpd.GeoDataFrame:
    """Read ``boundaries.geojson``: one valid (multi)polygon per unit, keyed by the ``unit`` property.

    Returns a GeoDataFrame indexed by P-code with columns ``geometry``, ``schematic`` and
    ``geometry_source``.
    """
    check = FieldChecker(path.name)
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
        features = collection["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError.one(
            path.name,
            None,
            None,
            f"not a GeoJSON FeatureCollection ({exc})",
            "export the boundaries as GeoJSON (RFC 7946)",
        ) from exc
    records = []
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            check.add(
                number,
                "properties",
                "the feature or its properties is not a JSON object",
                'give each feature as {"type": "Feature", "properties": {"unit": ...}, ...}',
            )
            continue
        code = str(props.get("unit", ""))
        if code not in units:
            check.add(
                number,
                "unit",
                f"'{code}' is not a unit in units.csv",
                "add the unit to units.csv or fix its P-code",
            )
            continue
        geometry = _read_geometry(check, number, feature)
        if geometry is not None:
            records.append(
                {
                    "unit": code,
                    "geometry": geometry,
                    "schematic": bool(props.get("schematic", False)),
                    "geometry_source": str(props.get("geometry_source", "")),
                }
            )
    found = {r["unit"] for r in records}
    for code, unit in units.items():
        # A district without a shape is listed but not drawn; every province must be drawn.
        if (
            unit.level == "province"
            and code not in found
            and not any(p.field == "geometry" for p in check.problems)
        ):
            check.add(
                None,
                "unit",
                f"no geometry for province '{code}'",
                "add a feature with this 'unit' property",
            )
    check.raise_if_any()
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326").set_index("unit")
    _check_centres(frame, units)
    return frame


def _read_geometry(check: FieldChecker, number: int, feature: dict):
    try:
        geometry = shape(feature["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException) as exc:
        check.add(
            number,
            "geometry",
            f"the geometry cannot be read ({exc})",
            "give a Polygon or MultiPolygon geometry",
        )
        return None
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        check.add(
            number,
            "geometry",
            f"a {geometry.geom_type} is not an area",
            "give a Polygon or MultiPolygon geometry",
        )
        return None
    west, south, east, north = geometry.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        check.add(
            number,
            "geometry",
            f"coordinates outside longitude -180..180 / latitude -90..90 (bounds {geometry.bounds})",
            "give WGS84 longitude/latitude in decimal degrees (reproject the file to EPSG:4326)",
        )
        return None
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        check.add(
            number,
            "geometry",
            f"invalid geometry ({reason})",
            "repair it, e.g. with QGIS 'Fix geometries' or shapely.make_valid",
        )
        return None
    return geometry


def _check_centres(frame: gpd.GeoDataFrame, units: dict[str, Unit]) -> None:
    problems = []
    for code, unit in units.items():
        if unit.centre_lat is None or unit.centre_lon is None or code not in frame.index:
            continue
        centre = ([unit.centre_lon], [unit.centre_lat])
        official = frame.at[code, "geometry_source"].startswith(OFFICIAL_SOURCE)
        tolerance = AREA_TOLERANCE_DEG if official else CENTRE_TOLERANCE_DEG
        if not near_xy(frame.geometry[code], *centre, tolerance)[0]:
            problems.append(
                Problem(
                    "units.csv",
                    unit.row,
                    "centre_lat",
                    f"the centre of {code} ({unit.centre_name}) at {unit.centre_lat}, {unit.centre_lon} lies outside its boundary",
                    "check the coordinates (latitude first, decimal degrees) and the unit's P-code",
                )
            )
    if problems:
        raise DataError(problems)
