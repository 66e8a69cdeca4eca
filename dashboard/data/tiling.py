"""Do the districts tile their provinces? Checked by ``validate``, with file/feature/field messages.

A district must lie in its province, districts must not overlap, and a province's districts
must cover it without slivers. The shapes are compared as they are (longitude/latitude, where
neighbours share their vertices); areas are converted to km² at each piece's latitude, which is
accurate to well under 1 % at the size of a district. Differences below
:data:`TILING_TOLERANCE_KM2` are rounding and are accepted.
"""

from __future__ import annotations

import math

import geopandas as gpd
import shapely

from dashboard.data.problems import Problem

TILING_TOLERANCE_KM2 = 0.01
# A province whose districts leave more than this share uncovered lists only some of its
# districts on purpose (a partial district set); below it, an uncovered area is a gap.
PARTIAL_SET_SHARE = 0.05
KM_PER_DEGREE = 111.32
FILE = "boundaries.geojson"


def tiling_problems(units: dict, geometry: gpd.GeoDataFrame) -> list[Problem]:
    """Every way the districts in ``geometry`` fail to tile their provinces.

    ``row`` in each problem is the feature's position in ``boundaries.geojson`` (1-based).
    """
    frame = geometry
    feature = {code: number for number, code in enumerate(geometry.index, start=1)}
    districts = [c for c in frame.index if units[c].level == "district"]
    problems = []
    for code in districts:
        parent = units[code].parent
        if parent not in frame.index:
            continue
        outside = _km2(frame.geometry[code].difference(frame.geometry[parent]))
        if outside > TILING_TOLERANCE_KM2:
            problems.append(
                Problem(
                    FILE,
                    feature[code],
                    "geometry",
                    f"district {code} has {outside:,.2f} km² outside its province {parent}",
                    "clip the district to its province, or correct its parent in units.csv",
                )
            )
    problems += _overlaps(frame, districts, feature)
    problems += _gaps(frame, units, districts, feature)
    return problems


def _overlaps(frame: gpd.GeoDataFrame, districts: list[str], feature: dict) -> list[Problem]:
    shapes = frame.geometry[districts].values
    tree = shapely.STRtree(shapes)
    problems = []
    for i, j in tree.query(shapes, predicate="intersects").T:
        if i < j:
            area = _km2(shapes[i].intersection(shapes[j]))
            if area > TILING_TOLERANCE_KM2:
                pair = (districts[i], districts[j])
                problems.append(
                    Problem(
                        FILE,
                        feature[pair[0]],
                        "geometry",
                        f"districts {pair[0]} and {pair[1]} overlap by {area:,.2f} km²"
                        + _sources(frame, pair),
                        "give the shared area to one of them (e.g. QGIS 'Fix geometries' and "
                        "'Difference'), or import every district from one boundary set",
                    )
                )
    return problems


def _sources(frame: gpd.GeoDataFrame, pair: tuple[str, str]) -> str:
    """`` (AF0910: official boundaries: adm2.zip; AF1904: geoBoundaries ...)`` when the two
    shapes come from different boundary sets (a partial import), else ''."""
    if "geometry_source" not in frame.columns:
        return ""
    sources = [str(frame.at[code, "geometry_source"]) for code in pair]
    if sources[0] == sources[1]:
        return ""
    return f" ({pair[0]}: {sources[0]}; {pair[1]}: {sources[1]})"


def _gaps(frame, units: dict, districts: list[str], feature: dict) -> list[Problem]:
    problems = []
    for province in {units[c].parent for c in districts} & set(frame.index):
        own = [c for c in districts if units[c].parent == province]
        shape = frame.geometry[province]
        uncovered = _km2(shape.difference(shapely.union_all(frame.geometry[own].values)))
        if TILING_TOLERANCE_KM2 < uncovered <= PARTIAL_SET_SHARE * _km2(shape):
            problems.append(
                Problem(
                    FILE,
                    feature[province],
                    "geometry",
                    f"{uncovered:,.2f} km² of province {province} lies in none of its districts",
                    "close the gaps between the districts, or fit the province to them",
                )
            )
    return problems


def _km2(geometry) -> float:
    if geometry.is_empty:
        return 0.0
    latitude = math.radians(geometry.centroid.y)
    return float(geometry.area) * KM_PER_DEGREE**2 * math.cos(latitude)
