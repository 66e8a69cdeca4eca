"""Importing geoBoundaries files, which carry no P-codes: provinces by ISO code, districts by name.

The provinces come from ``tests/fixtures/geoboundaries/`` (three provinces in geoBoundaries'
layout, made from the shipped geometry); the real geoBoundaries districts (public domain) are read
in place from ``../shared`` and those tests skip when they are absent.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
import shapely.affinity
from conftest import SHARED_BOUNDARIES, replace_in

from dashboard.data import DataError, Problem, load_dataset
from dashboard.data.boundaries import read_official_boundaries
from dashboard.data.boundary_writer import replace_geometry

REPO = Path(__file__).resolve().parents[1]
PROVINCES = REPO / "tests" / "fixtures" / "geoboundaries" / "geoBoundaries-AFG-ADM1-sample.geojson"
GB_ADM2 = (
    REPO.parent
    / "shared"
    / "boundaries"
    / "geoboundaries-afg-adm2-2014"
    / "geoBoundaries-AFG-ADM2.zip"
)
BOUNDARY_SET = {"name": "geoBoundaries test", "source": "", "licence": "public domain"}

needs_gb_adm2 = pytest.mark.skipif(
    not GB_ADM2.exists(), reason=f"the geoBoundaries districts are absent ({GB_ADM2} not found)"
)


@pytest.fixture(scope="module")
def shipped_shapes():
    return load_dataset(REPO / "geodata").geometry.geometry


def problems_of(call, *args, **kwargs) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        call(*args, **kwargs)
    problems = caught.value.problems
    assert problems and all(p.fix.strip() for p in problems)
    return problems


def gb_districts(path: Path, features: list[tuple[str, shapely.Geometry]]) -> Path:
    """A geoBoundaries-layout district file of (shapeName, polygon), without P-codes."""
    frame = gpd.GeoDataFrame(
        {
            "shapeName": [f[0] for f in features],
            "shapeISO": [None for _ in features],
            "shapeID": [f"TEST-ADM2-{i}" for i in range(1, len(features) + 1)],
        },
        geometry=[f[1] for f in features],
        crs="EPSG:4326",
    )
    frame.to_file(path, driver="GeoJSON")
    return path


def provinces_with(tmp_path: Path, row: int, **changes) -> Path:
    """The province fixture with feature ``row`` (1-based) changed."""
    frame = gpd.read_file(PROVINCES)
    for column, value in changes.items():
        frame.loc[row - 1, column] = value
    path = tmp_path / PROVINCES.name
    frame.to_file(path, driver="GeoJSON")
    return path


def run_import(tmp_path, districts=None, provinces=None, data=REPO / "geodata", **kwargs):
    read = {
        "province": provinces and read_official_boundaries(provinces, "province"),
        "district": districts and read_official_boundaries(districts, "district"),
    }
    out = tmp_path / "out"
    report = replace_geometry(data, read["province"], read["district"], out, BOUNDARY_SET, **kwargs)
    return report, out


# -- provinces by ISO code -------------------------------------------------------------------


def test_provinces_are_matched_by_iso_code_and_a_capital_5_km_outside_is_a_warning(tmp_path):
    report, out = run_import(tmp_path, provinces=PROVINCES)
    assert report.replaced == ["AF02", "AF03", "AF08"]
    assert report.matching.counts_text() == "Matched 3 by ISO"
    assert report.matching.matches == [
        f"{PROVINCES.name}, row 1: 'Kapisa' → AF02 Kapisa (ISO)",
        f"{PROVINCES.name}, row 2: 'Parwan' → AF03 Parwan (ISO)",
        f"{PROVINCES.name}, row 3: 'Panjshir' → AF08 Panjshir (ISO)",
    ]
    (warning,) = report.matching.warnings
    assert (warning.file, warning.field) == ("units.csv", "centre_lat")
    assert "AF02 Kapisa (Mahmud-i-Raqi)" in warning.message and "5.0 km" in warning.message
    assert "Matched 3 by ISO; 1 warning(s)" in report.summary()
    assert any("Warning: units.csv" in line for line in report.details())
    dataset = load_dataset(out)  # the output loads although the capital is outside
    assert dataset.geometry.loc["AF02", "geometry_source"].endswith(PROVINCES.name)


def test_an_unknown_iso_code_is_a_problem_and_nothing_is_written(tmp_path):
    path = provinces_with(tmp_path, 2, shapeISO="AF-XYZ")
    (problem,) = problems_of(run_import, tmp_path, provinces=path)
    assert (problem.file, problem.row, problem.field) == (path.name, 2, "shapeISO")
    assert "'AF-XYZ'" in problem.message and "AF-PAN" in problem.message
    assert "iso_3166_2" in problem.fix
    assert not (tmp_path / "out").exists()


def test_a_repeated_iso_code_is_a_problem(tmp_path):
    path = provinces_with(tmp_path, 3, shapeISO="af-kap")
    (problem,) = problems_of(run_import, tmp_path, provinces=path)
    assert (problem.file, problem.row, problem.field) == (path.name, 3, "shapeISO")
    assert "also used by feature 1" in problem.message


def test_a_capital_far_outside_its_province_is_a_problem(tmp_path):
    moved = shapely.affinity.translate(gpd.read_file(PROVINCES).geometry[0], 0.5)
    path = provinces_with(tmp_path, 1, geometry=moved)
    problems = problems_of(run_import, tmp_path, provinces=path)
    problem = next(p for p in problems if "AF02" in p.message)
    assert (problem.file, problem.field) == ("units.csv", "centre_lat")
    assert "km from it (more than about 25 km)" in problem.message
    assert not (tmp_path / "out").exists()


# -- districts by name within their province -------------------------------------------------


def inside(shapes, code: str, half: float = 0.01) -> shapely.Geometry:
    point = shapes[code].representative_point()
    return shapely.box(point.x - half, point.y - half, point.x + half, point.y + half)


def test_districts_are_matched_by_name_alias_and_spelling_variant(tmp_path, shipped_shapes):
    path = gb_districts(
        tmp_path / "adm2.geojson",
        [
            ("BAZARAK", inside(shipped_shapes, "AF0801")),
            ("Mirzaka", inside(shipped_shapes, "AF1302")),  # an alias of Ahmad Abad
            ("Unaba", inside(shipped_shapes, "AF0805")),  # Anaba
        ],
    )
    report, _ = run_import(tmp_path, districts=path)
    assert report.replaced == ["AF0801", "AF1302", "AF0805"]
    assert report.matching.counts_text() == "Matched 1 by name, 1 by alias, 1 by spelling variant"
    assert (
        report.matching.matches[1] == "adm2.geojson, row 2: 'Mirzaka' → AF1302 Ahmad Abad (alias)"
    )
    (warning,) = [w for w in report.matching.warnings if w.file == "adm2.geojson"]
    assert (warning.file, warning.row, warning.field) == ("adm2.geojson", 3, "shapeName")
    assert "'Unaba' was taken for AF0805 Anaba as a spelling variant" in warning.message


def test_an_unmatched_district_refuses_the_import_unless_allowed(tmp_path, shipped_shapes):
    path = gb_districts(
        tmp_path / "adm2.geojson",
        [
            ("Bazarak", inside(shipped_shapes, "AF0801")),
            ("Rukhab", inside(shipped_shapes, "AF0803")),
        ],
    )
    (problem,) = problems_of(run_import, tmp_path, districts=path)
    assert (problem.file, problem.row, problem.field) == ("adm2.geojson", 2, "shapeName")
    assert "'Rukhab' is no district of AF08 Panjshir" in problem.message
    assert "closest: Rukha" in problem.message and "--allow-unmatched" in problem.fix
    assert not (tmp_path / "out").exists()
    report, out = run_import(tmp_path, districts=path, allow_unmatched=True)
    assert report.replaced == ["AF0801"] and "AF0803" in report.kept
    assert report.matching.unmatched == [problem]
    assert "1 feature(s) matched no unit and were left out" in report.summary()
    assert report.details()[-1].startswith("Left out: adm2.geojson, row 2")
    assert load_dataset(out).geometry.loc["AF0803", "geometry_source"].startswith("geoBoundaries")


def test_two_shapes_claiming_one_district_are_both_left_unmatched(tmp_path, shipped_shapes):
    path = gb_districts(
        tmp_path / "adm2.geojson",
        [
            ("Bazarak", inside(shipped_shapes, "AF0801")),
            ("Bazarak", inside(shipped_shapes, "AF0802")),
            ("Ahmad Abad", inside(shipped_shapes, "AF1302")),
            ("Mirzaka", shapely.affinity.translate(inside(shipped_shapes, "AF1302"), 0.02)),
        ],
    )
    problems = problems_of(run_import, tmp_path, districts=path)
    assert [(p.row, p.field) for p in problems] == [
        (1, "shapeName"),
        (2, "shapeName"),
        (4, "shapeName"),
    ]
    assert "all claim AF0801 Bazarak" in problems[0].message
    # a shape bearing the district's name wins over one bearing only an alias
    assert "'Mirzaka' (alias) and feature(s) 3 ('Ahmad Abad', name)" in problems[2].message


def test_a_name_fitting_two_districts_is_an_ambiguity(tmp_path, shipped_shapes):
    data = tmp_path / "data"
    shutil.copytree(REPO / "geodata", data)
    replace_in(
        data / "units.csv",
        "AF0803,district,AF08,Dara,دره,,,,,,,,,",
        "AF0803,district,AF08,Dara,دره,,,,,,,,Rukha,",
    )
    path = gb_districts(tmp_path / "adm2.geojson", [("Rukha", inside(shipped_shapes, "AF0802"))])
    (problem,) = problems_of(run_import, tmp_path, districts=path, data=data)
    assert problem.row == 1
    assert (
        "fits several districts of AF08 Panjshir: AF0802 Rukha (name), AF0803 Dara (alias)"
        in problem.message
    )


def test_a_code_pointing_at_a_polygon_of_another_name_is_a_warning(tmp_path, shipped_shapes):
    frame = gpd.GeoDataFrame(
        {"ADM2_PCODE": ["AF0802"], "ADM2_EN": ["Paryan"], "ADM1_PCODE": ["AF08"]},
        geometry=[shipped_shapes["AF0807"]],
        crs="EPSG:4326",
    )
    frame.to_file(tmp_path / "cod.geojson", driver="GeoJSON")
    report, _ = run_import(tmp_path, districts=tmp_path / "cod.geojson")
    assert report.matching.counts_text() == "Matched 1 by code"
    (warning,) = report.matching.warnings
    assert (warning.file, warning.row, warning.field) == ("cod.geojson", 1, "ADM2_EN")
    assert "P-code AF0802 is called 'Paryan' there, but AF0802 is 'Rukha'" in warning.message


# -- the real geoBoundaries districts --------------------------------------------------------


@needs_gb_adm2
def test_real_geoboundaries_districts_and_fixture_provinces_import(tmp_path):
    report, out = run_import(tmp_path, districts=GB_ADM2, provinces=PROVINCES)
    matching = report.matching
    assert matching.counts_text() == "Matched 3 by ISO, 395 by name, 3 by spelling variant"
    assert len(matching.matches) == 3 + 398 and matching.unmatched == []
    assert "'Khenj (Hese- Awal)' → AF0804 Khenj (Hissa-e-Awal) (name)" in "\n".join(
        matching.matches
    )
    variants = sorted(w.message.split("'")[1] for w in matching.warnings if "variant" in w.message)
    assert variants == ["Dih Salah", "Puli Hisar", "Unaba"]
    assert len(load_dataset(out).geometry) == 34 + 398


@needs_gb_adm2
def test_cli_prints_the_matches_and_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "import-boundaries", "--provinces", str(PROVINCES),
         "--districts", str(GB_ADM2), "--name", "geoBoundaries", "--licence", "public domain",
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Matched 3 by ISO, 395 by name, 3 by spelling variant; 4 warning(s)" in result.stdout
    assert "Warning: units.csv, row 3, field 'centre_lat'" in result.stdout
    assert "geoBoundaries-AFG-ADM2.zip, row 1: 'Deh Bala' → AF0610 Deh Bala (name)" in result.stdout


def test_cli_refuses_unmatched_shapes_without_a_traceback(tmp_path, shipped_shapes):
    path = gb_districts(tmp_path / "adm2.geojson", [("Atlantis", inside(shipped_shapes, "AF0801"))])
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "import-boundaries", "--districts", str(path),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "adm2.geojson, row 1, field 'shapeName': 'Atlantis' is no district" in result.stderr
    assert not (tmp_path / "out").exists()


# -- validate on a mixed set -----------------------------------------------------------------


@pytest.mark.skipif(not SHARED_BOUNDARIES.is_dir(), reason="the OCHA COD-AB files are absent")
def test_validate_reports_overlaps_of_official_and_shipped_districts(tmp_path):
    """Baghlan's districts from COD-AB (read in place, output in tmp_path only) beside the
    shipped ones: their different borders overlap, and validate says where."""
    cod = gpd.read_file(f"zip://{SHARED_BOUNDARIES / 'afg_admbnda_adm2_agcho_20180522.zip'}")
    cod[cod["ADM1_PCODE"] == "AF09"].to_file(tmp_path / "baghlan.geojson", driver="GeoJSON")
    _, out = run_import(tmp_path, districts=tmp_path / "baghlan.geojson")
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "validate", str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "districts AF0910 and AF1904 overlap by 30.59 km² (AF0910: official boundaries: baghlan.geojson; AF1904: geoBoundaries"
        in result.stderr
    )
