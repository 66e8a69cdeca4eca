"""Capitals and district centres against their polygons, with the distance of those outside.

A centre in ``units.csv`` must lie in its unit's polygon, give or take
:data:`~dashboard.data.units.CENTRE_TOLERANCE_DEG` (about 2 km). Official boundaries and the
coordinates of capitals come from different surveys, and some capitals lie a few km outside
their official polygon (geoBoundaries' Kapisa leaves Mahmud-i-Raqi about 5 km outside): up to
:data:`~dashboard.data.spatial.AREA_TOLERANCE_DEG` (0.25°, about 25 km, the distance at which an
ACLED event still belongs to the country) that is a warning stating the distance; farther, the
centre or the polygon is wrong, and it is a problem.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from pyproj import Geod
from shapely.ops import nearest_points

from dashboard.data.problems import Problem
from dashboard.data.records import Unit
from dashboard.data.spatial import AREA_TOLERANCE_DEG, near_xy
from dashboard.data.units import CENTRE_TOLERANCE_DEG

_GEOD = Geod(ellps="WGS84")


def centre_checks(
    units: dict[str, Unit], geometry: gpd.GeoSeries, codes: set[str] | None = None
) -> tuple[list[Problem], list[Problem]]:
    """``(warnings, problems)`` for the centres that lie outside their unit's polygon.

    Parameters
    ----------
    units : dict
        Units by P-code, with their centres and ``units.csv`` rows.
    geometry : geopandas.GeoSeries
        Polygons by P-code.
    codes : set of str, optional
        Check only these units (default: every unit with a centre and a polygon).

    Returns
    -------
    tuple of list of Problem
        Warnings for centres within about 25 km of their polygon, problems for those farther;
        both name ``units.csv``, the unit's row and ``centre_lat``, and give the distance in km.
    """
    warnings: list[Problem] = []
    problems: list[Problem] = []
    for code, unit in units.items():
        if unit.centre_lat is None or unit.centre_lon is None or code not in geometry.index:
            continue
        if codes is not None and code not in codes:
            continue
        area = geometry[code]
        xy = ([unit.centre_lon], [unit.centre_lat])
        if near_xy(area, *xy, CENTRE_TOLERANCE_DEG)[0]:
            continue
        km = distance_km(area, unit.centre_lon, unit.centre_lat)
        where = (
            f"the centre of {code} {unit.name_en} ({unit.centre_name or 'unnamed'}) at "
            f"{unit.centre_lat}, {unit.centre_lon} lies outside its boundary, {km:.1f} km from it"
        )
        if near_xy(area, *xy, AREA_TOLERANCE_DEG)[0]:
            warnings.append(
                Problem(
                    "units.csv", unit.row, "centre_lat",
                    f"{where} (accepted: within about 25 km; official boundaries and the coordinates of places often come from different surveys)",
                    "nothing, if the place is known to lie near the border; otherwise check its coordinates and the polygon",
                )
            )  # fmt: skip
        else:
            problems.append(
                Problem(
                    "units.csv", unit.row, "centre_lat",
                    f"{where} (more than about 25 km)",
                    "check the coordinates (latitude first, decimal degrees) and the unit's P-code, and that the boundary file's polygon is this unit's",
                )
            )  # fmt: skip
    return warnings, problems


def distance_km(area: shapely.Geometry, lon: float, lat: float) -> float:
    """The geodesic distance in km from a point to the nearest point of ``area`` (0 inside)."""
    point = shapely.Point(lon, lat)
    if area.contains(point):
        return 0.0
    nearest = nearest_points(area, point)[0]
    return _GEOD.inv(lon, lat, nearest.x, nearest.y)[2] / 1000
