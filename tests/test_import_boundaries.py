"""Importing official boundaries: malformed files, CRS handling, and a new data directory.

The tests marked as using COD-AB read OCHA's 2018 Afghanistan boundaries from ``../shared``
(outside the repository) in place; its licence forbids copying it, or anything derived from it,
into the repository, so derived output goes to ``tmp_path`` only.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
import zipfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import box

from dashboard.data import DataError, Problem, load_dataset
from dashboard.data.archives import shapefile_in_zip
from dashboard.data.boundaries import read_official_boundaries
from dashboard.data.boundary_writer import ImportReport, replace_geometry
from dashboard.timeline import Timeline

REPO = Path(__file__).resolve().parents[1]
BAD = REPO / "tests" / "fixtures" / "bad"
COD_AB = REPO.parent / "shared" / "boundaries" / "cod-ab-afg-2018"
ADM1 = COD_AB / "afg_admbnda_adm1_agcho_20180522.zip"
ADM2 = COD_AB / "afg_admbnda_adm2_agcho_20180522.zip"
BOUNDARY_SET = {
    "name": "Synthetic test boundaries",
    "source": "https://example.org/synthetic",
    "licence": "test only",
}
PANJSHIR = [f"AF080{i}" for i in range(1, 8)]


needs_cod_ab = pytest.mark.skipif(
    not (ADM1.exists() and ADM2.exists()),
    reason=f"the licensed OCHA COD-AB fixture is absent ({COD_AB} not found); it is never copied into the repository",
)


def problems_of(call, *args, **kwargs) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        call(*args, **kwargs)
    problems = caught.value.problems
    assert problems
    assert all(p.fix.strip() for p in problems)
    return problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def write_districts(path: Path, features: list[tuple[str, str, str, shapely.Geometry]]) -> Path:
    """A COD-AB-like district GeoJSON of (P-code, English name, parent, polygon)."""
    frame = gpd.GeoDataFrame(
        {
            "ADM2_PCODE": [f[0] for f in features],
            "ADM2_EN": [f[1] for f in features],
            "ADM2_DA": ["" for _ in features],
            "ADM1_PCODE": [f[2] for f in features],
        },
        geometry=[f[3] for f in features],
        crs="EPSG:4326",
    )
    frame.to_file(path, driver="GeoJSON")
    return path


def around(lat: float, lon: float, half: float = 0.05) -> shapely.Geometry:
    return box(lon - half, lat - half, lon + half, lat + half)


# -- malformed files: one test each ----------------------------------------------------------


def test_zip_without_a_shapefile_is_refused():
    path = BAD / "zip_not_shapefile.zip"
    problem = only(problems_of(read_official_boundaries, path, "district"))
    assert (problem.file, problem.row, problem.field) == (path.name, None, None)
    assert "no shapefile" in problem.message and "districts.csv" in problem.message


def test_zip_bomb_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.shp", bytes(50 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    problem = only(problems_of(read_official_boundaries, path, "district"))
    assert (problem.file, problem.row, problem.field) == ("bomb.zip", None, "bomb.shp")
    assert "zip bomb" in problem.message


def test_zip_expanding_beyond_the_limit_is_refused():
    path = BAD / "zip_not_shapefile.zip"
    problem = only(problems_of(shapefile_in_zip, path, max_expanded_bytes=10))
    assert (problem.file, problem.row, problem.field) == (path.name, None, None)
    assert "more than the limit" in problem.message


def test_self_intersecting_geometry_is_named():
    path = BAD / "bowtie_geometry.geojson"
    problem = only(problems_of(read_official_boundaries, path, "district"))
    assert (problem.file, problem.row, problem.field) == (path.name, 2, "geometry")
    assert "AF0802" in problem.message and "Self-intersection" in problem.message
    assert "Fix geometries" in problem.fix and "make_valid" in problem.fix


def test_self_intersecting_geometry_can_be_repaired():
    frame = read_official_boundaries(BAD / "bowtie_geometry.geojson", "district", repair=True)
    assert frame.attrs["repaired"] == 1
    assert frame.geometry.is_valid.all()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert any("repaired" in note for note in frame.attrs["notes"])


def write_unnamed_codes(path: Path) -> Path:
    """A district file with neither P-codes nor geoBoundaries fields."""
    frame = gpd.GeoDataFrame({"DIST_ID": ["7"]}, geometry=[around(35.3167, 69.55)], crs="EPSG:4326")
    frame.to_file(path, driver="GeoJSON")
    return path


def test_a_file_without_pcodes_or_geoboundaries_fields_needs_a_code_field(tmp_path):
    path = write_unnamed_codes(tmp_path / "districts.geojson")
    problem = only(problems_of(read_official_boundaries, path, "district"))
    assert (problem.file, problem.row, problem.field) == (path.name, None, "ADM2_PCODE")
    assert "DIST_ID" in problem.message and "code_field" in problem.fix


def test_geoboundaries_without_pcodes_is_read_for_matching_by_name():
    path = BAD / "geoboundaries_no_pcode.geojson"
    frame = read_official_boundaries(path, "district")
    assert frame.attrs["match_by"] == "name" and frame.attrs["name_field"] == "shapeName"
    assert list(frame["unit"]) == ["", ""] and list(frame["name_en"]) == ["Bazarak", "Rukha"]


def test_geoboundaries_reads_with_a_code_field_and_shape_names():
    path = BAD / "geoboundaries_no_pcode.geojson"
    frame = read_official_boundaries(path, "district", code_field="shapeID")
    assert list(frame["name_en"]) == ["Bazarak", "Rukha"]
    assert list(frame.columns) == ["unit", "name_en", "name_fa", "parent", "geometry"]


def test_duplicate_codes_are_refused():
    path = BAD / "duplicate_codes.geojson"
    problem = only(problems_of(read_official_boundaries, path, "district"))
    assert (problem.file, problem.row, problem.field) == (path.name, 2, "ADM2_PCODE")
    assert "feature 1" in problem.message


def test_empty_codes_are_refused():
    path = BAD / "empty_code.geojson"
    problem = only(problems_of(read_official_boundaries, path, "district"))
    assert (problem.file, problem.row, problem.field) == (path.name, 2, "ADM2_PCODE")
    assert "empty" in problem.message


def test_non_wgs84_geopackage_is_reprojected(tmp_path):
    path = write_districts(
        tmp_path / "d.geojson", [("AF0801", "Bazarak", "AF08", around(35.3167, 69.55))]
    )
    gpkg = tmp_path / "districts_3857.gpkg"
    gpd.read_file(path).to_crs("EPSG:3857").to_file(gpkg, driver="GPKG")
    frame = read_official_boundaries(gpkg, "district")
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].centroid.x == pytest.approx(69.55, abs=1e-6)
    assert any("EPSG:3857" in note for note in frame.attrs["notes"])


def _zipped_shapefile_without_crs(tmp_path: Path, crs: str) -> Path:
    frame = gpd.GeoDataFrame(
        {"ADM1_PCODE": ["AF08"], "ADM1_EN": ["Panjshir"]},
        geometry=[around(35.3167, 69.55)],
        crs="EPSG:4326",
    ).to_crs(crs)
    frame = frame.set_crs(None, allow_override=True)
    folder = tmp_path / "shp"
    folder.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # writing without a CRS is the point
        frame.to_file(folder / "adm1.shp")
    path = tmp_path / "adm1.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in folder.iterdir():
            archive.write(member, member.name)
    return path


def test_missing_crs_with_projected_coordinates_is_refused(tmp_path):
    path = _zipped_shapefile_without_crs(tmp_path, "EPSG:3857")
    problem = only(problems_of(read_official_boundaries, path, "province"))
    assert (problem.file, problem.row, problem.field) == ("adm1.zip", None, "crs")
    assert ".prj" in problem.fix


def test_missing_crs_with_lon_lat_coordinates_is_assumed_wgs84(tmp_path):
    frame = read_official_boundaries(
        _zipped_shapefile_without_crs(tmp_path, "EPSG:4326"), "province"
    )
    assert frame.crs.to_epsg() == 4326
    assert list(frame["unit"]) == ["AF08"]
    assert any("WGS84 is assumed" in note for note in frame.attrs["notes"])


def test_unsupported_format_is_refused(tmp_path):
    path = tmp_path / "boundaries.kml"
    path.write_text("<kml/>", encoding="utf-8")
    problem = only(problems_of(read_official_boundaries, path, "district"))
    assert (problem.file, problem.row, problem.field) == ("boundaries.kml", None, None)


# -- replace_geometry with synthetic polygons ------------------------------------------------


def test_replace_geometry_replaces_adds_and_keeps(tmp_path):
    source = write_districts(
        tmp_path / "synthetic_adm2.geojson",
        [
            ("AF0908", "Deh Salah", "AF09", around(35.74, 69.36)),
            ("AF0999", "Synthetic District", "AF09", around(35.9, 68.9)),
        ],
    )
    districts = read_official_boundaries(source, "district")
    out = tmp_path / "out"
    report = replace_geometry(REPO / "geodata", None, districts, out, BOUNDARY_SET)
    assert isinstance(report, ImportReport)
    assert report.replaced == ["AF0908"] and report.added == ["AF0999"]
    assert "AF0801" in report.kept and "AF01" in report.kept
    dataset = load_dataset(out)
    added = dataset.units["AF0999"]
    assert (added.level, added.parent, added.name_en, added.centre_lat) == (
        "district", "AF09", "Synthetic District", None,
    )  # fmt: skip
    assert not dataset.geometry.loc["AF0908", "schematic"]
    assert "synthetic_adm2.geojson" in dataset.geometry.loc["AF0908", "geometry_source"]
    assert "geoBoundaries" in dataset.geometry.loc["AF0801", "geometry_source"]  # kept
    assert dataset.boundary_set == BOUNDARY_SET
    assert sorted(p.name for p in out.iterdir()) == [
        "boundaries.geojson", "context.geojson", "control.csv", "datapackage.json", "events.csv",
        "key_dates.csv", "units.csv",
    ]  # fmt: skip
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_centre_outside_its_new_polygon_is_reported_and_nothing_written(tmp_path):
    # Bazarak's centre (35.3167, 69.55) is not in this polygon.
    source = write_districts(
        tmp_path / "moved.geojson", [("AF0801", "Bazarak", "AF08", around(35.6, 70.0))]
    )
    districts = read_official_boundaries(source, "district")
    out = tmp_path / "out"
    problems = problems_of(replace_geometry, REPO / "geodata", None, districts, out, BOUNDARY_SET)
    problem = only(problems)
    bazarak_row = load_dataset(REPO / "geodata").units["AF0801"].row
    assert (problem.file, problem.row, problem.field) == ("units.csv", bazarak_row, "centre_lat")
    assert "AF0801" in problem.message and "outside its boundary" in problem.message
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moved.geojson"]


def test_district_of_an_unknown_province_is_refused(tmp_path):
    source = write_districts(
        tmp_path / "stray.geojson", [("AF9901", "Nowhere", "AF99", around(35.9, 68.9))]
    )
    districts = read_official_boundaries(source, "district")
    problem = only(
        problems_of(
            replace_geometry, REPO / "geodata", None, districts, tmp_path / "o", BOUNDARY_SET
        )
    )
    assert (problem.file, problem.row, problem.field) == ("stray.geojson", 1, "parent")
    assert not (tmp_path / "o").exists()


def test_existing_output_directory_is_never_overwritten(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine", encoding="utf-8")
    source = write_districts(
        tmp_path / "d.geojson", [("AF0908", "Deh Salah", "AF09", around(35.74, 69.36))]
    )
    districts = read_official_boundaries(source, "district")
    problem = only(
        problems_of(
            replace_geometry, REPO / "geodata", None, districts, tmp_path / "out", BOUNDARY_SET
        )
    )
    assert problem.row is None and "not empty" in problem.message
    assert (tmp_path / "out" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_boundary_set_needs_a_name_and_licence_and_the_source_is_optional(tmp_path):
    problem = only(
        problems_of(replace_geometry, REPO / "geodata", None, None, tmp_path / "o", {"source": "x"})
    )
    assert (problem.file, problem.field) == ("datapackage.json", "boundary_set")
    assert "lacks name, licence" in problem.message and "--name" in problem.fix


@needs_cod_ab
def test_import_boundaries_runs_without_source_as_documented(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "import-boundaries", "--provinces",
         str(COD_AB / "afg_admbnda_adm1_agcho_20180522.zip"), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_missing_code_field_names_the_cli_flags(tmp_path):
    path = write_unnamed_codes(tmp_path / "districts.geojson")
    problem = only(problems_of(read_official_boundaries, path, "district"))
    assert "--district-code-field" in problem.fix


# -- the official OCHA COD-AB boundaries (read in place, never copied) -----------------------


@pytest.fixture(scope="module")
def official():
    if not (ADM1.exists() and ADM2.exists()):
        pytest.skip(f"the licensed OCHA COD-AB fixture is absent ({COD_AB} not found)")
    return read_official_boundaries(ADM1, "province"), read_official_boundaries(ADM2, "district")


@pytest.fixture(scope="module")
def imported(official, tmp_path_factory):
    provinces, districts = official
    out = tmp_path_factory.mktemp("cod_ab") / "data"
    boundary_set = {
        "name": "OCHA COD-AB Afghanistan 2018 (AGCHO)",
        "source": "https://data.humdata.org/dataset/cod-ab-afg",
        "licence": "as published by OCHA",
    }
    report = replace_geometry(REPO / "geodata", provinces, districts, out, boundary_set)
    return report, load_dataset(out)


@needs_cod_ab
def test_cod_ab_has_34_provinces_and_399_districts(official):
    provinces, districts = official
    assert len(provinces) == 34 and len(districts) == 399
    assert provinces.crs.to_epsg() == districts.crs.to_epsg() == 4326
    assert list(provinces.columns) == ["unit", "name_en", "name_fa", "parent", "geometry"]
    assert set(provinces["parent"]) == {""}
    assert set(districts["parent"]) == set(provinces["unit"])


@needs_cod_ab
def test_cod_ab_panjshir_has_seven_districts(official):
    _, districts = official
    panjshir = districts[districts["parent"] == "AF08"]
    assert sorted(panjshir["unit"]) == PANJSHIR
    assert panjshir.set_index("unit").loc["AF0801", "name_en"] == "Bazarak"
    assert panjshir.set_index("unit").loc["AF0801", "name_fa"] == "بازارک"


@needs_cod_ab
def test_shipped_centres_lie_inside_the_official_polygons(official):
    shipped = load_dataset(REPO / "geodata")
    polygons = {row.unit: row.geometry for frame in official for row in frame.itertuples()}
    outside = [
        code
        for code, unit in shipped.units.items()
        if unit.centre_lat is not None
        and not polygons[code].contains(shapely.Point(unit.centre_lon, unit.centre_lat))
    ]
    assert outside == []


@needs_cod_ab
def test_cod_ab_import_loads_with_every_district(imported):
    report, dataset = imported
    districts = [u for u in dataset.units.values() if u.level == "district"]
    assert len(districts) == 399
    assert len(dataset.provinces()) == 34
    assert {u.unit for u in districts} <= set(dataset.geometry.index)
    assert not dataset.geometry["schematic"].any()
    # Every official district matches a shipped one by P-code, except Sharak-e-Hayratan, split
    # from Kaldar after 2014 (documented in geodata/README.md); none is kept from the shipped set.
    assert report.added == ["AF2116"] and report.kept == []
    assert len(report.replaced) == 34 + 398
    assert dataset.boundary_set["name"] == "OCHA COD-AB Afghanistan 2018 (AGCHO)"


@needs_cod_ab
def test_cod_ab_import_keeps_panjshir_statuses(imported):
    _, dataset = imported
    shipped = load_dataset(REPO / "geodata")
    day = date(2021, 9, 4)
    before = Timeline(shipped.units, shipped.control)
    after = Timeline(dataset.units, dataset.control)
    statuses = {code: after.state(code, day).status for code in PANJSHIR}
    assert statuses == {code: before.state(code, day).status for code in PANJSHIR}
    assert statuses == {
        "AF0801": "resistance", "AF0802": "resistance", "AF0803": "resistance",
        "AF0804": "taliban", "AF0805": "taliban", "AF0806": "taliban", "AF0807": "taliban",
    }  # fmt: skip


@needs_cod_ab
def test_cod_ab_import_keeps_every_shipped_event(imported):
    _, dataset = imported
    shipped = load_dataset(REPO / "geodata")
    assert list(dataset.events["event_id_cnty"]) == list(shipped.events["event_id_cnty"])


def test_official_boundaries_are_not_in_the_repository():
    assert [p for p in REPO.rglob("*") if "admbnda" in p.name or "agcho" in p.name] == []
