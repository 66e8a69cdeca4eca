"""``python -m dashboard``: run as a user would, in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
import shapely.affinity
from conftest import SHARED_BOUNDARIES, TINY, replace_in

from dashboard.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def rows(output: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(output)))


def test_validate_passes_on_the_shipped_data():
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_validate_checks_that_districts_tile_their_provinces(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "geodata", data)
    collection = json.loads((data / "boundaries.geojson").read_text(encoding="utf-8"))
    kabul_city = next(f for f in collection["features"] if f["properties"]["unit"] == "AF0101")
    moved = shapely.affinity.translate(shapely.geometry.shape(kabul_city["geometry"]), 0.05)
    kabul_city["geometry"] = shapely.geometry.mapping(moved)
    (data / "boundaries.geojson").write_text(json.dumps(collection), encoding="utf-8")
    result = run("validate", str(data))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(
        r"boundaries.geojson, row \d+, field 'geometry': districts AF0101 and AF01\d\d overlap",
        result.stderr,
    )
    assert "of province AF01 lies in none of its districts" in result.stderr


def test_validate_prints_every_problem_and_fails(tiny_dir):
    replace_in(tiny_dir / "control.csv", "AF02,province,resistance", "AF02,province,rebels")
    replace_in(tiny_dir / "events.csv", "https://example.org/e2", "")
    result = run("validate", str(tiny_dir))
    assert result.returncode == 1
    assert "control.csv, row 4, field 'status'" in result.stderr
    assert "events.csv, row 3, field 'source_url'" in result.stderr
    assert "2 problem(s) found." in result.stderr
    assert "Traceback" not in result.stderr


def test_status_on_4_september_shows_panjshir_split():
    result = run("status", "--date", "2021-09-04")
    assert result.returncode == 0, result.stderr
    table = {r["unit"]: r for r in rows(result.stdout)}
    assert list(next(iter(table.values()))) == [
        "unit",
        "name",
        "level",
        "parent",
        "status",
        "since",
        "confidence",
        "follows_province",
        "source_url",
    ]
    assert table["AF08"]["status"] == "partial"
    panjshir = [r for r in table.values() if r["parent"] == "AF08"]
    assert {r["status"] for r in panjshir} == {"resistance", "taliban"}


def test_status_on_16_august_shows_kabul_taliban():
    table = {r["unit"]: r for r in rows(run("status", "--date", "2021-08-16").stdout)}
    assert (table["AF01"]["status"], table["AF01"]["since"]) == ("taliban", "2021-08-15")


def test_changes_lists_the_fall_of_kabul():
    result = run("changes", "--from", "2021-08-15", "--to", "2021-08-15")
    changes = rows(result.stdout)
    assert list(changes[0]) == [
        "date",
        "unit",
        "name",
        "level",
        "from_status",
        "to_status",
        "confidence",
        "source_url",
    ]
    assert {
        "date": "2021-08-15",
        "unit": "AF01",
        "from_status": "government",
        "to_status": "taliban",
    }.items() <= next(r for r in changes if r["unit"] == "AF01").items()


def test_changes_on_another_data_directory():
    changes = rows(
        run("changes", "--from", "2021-09-01", "--to", "2021-09-30", "--data", str(TINY)).stdout
    )
    assert [r["unit"] for r in changes] == ["AF02", "AF0201", "AF02", "AF0202"]


def test_a_bad_date_argument_is_explained():
    result = run("status", "--date", "15/08/2021")
    assert result.returncode == 2
    assert "write YYYY-MM-DD" in result.stderr


def test_every_cli_command_and_option_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        assert re.search(rf"python -m dashboard {name}\b", readme), (
            f"command '{name}' is not in README.md"
        )
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in readme, f"option '{option}' of '{name}' is not in README.md"


def shipped_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "geodata", target, ignore=shutil.ignore_patterns("_research", "build"))
    return target


def test_import_acled_adds_events_and_writes_suggestions(tmp_path):
    data = shipped_copy(tmp_path)
    suggestions = tmp_path / "suggested.csv"
    result = run(
        "import-acled",
        str(FIXTURES / "acled" / "acled_2023_layout.csv"),
        "--data",
        str(data),
        "--suggestions",
        str(suggestions),
    )
    assert result.returncode == 0, result.stderr
    assert "placed by their coordinates" in result.stdout and "unmatched" in result.stdout
    assert run("validate", str(data)).returncode == 0
    assert "AFG900001" in (data / "events.csv").read_text(encoding="utf-8")
    assert suggestions.read_text(encoding="utf-8").startswith("unit,level,status,valid_from")


def test_import_acled_refuses_a_bad_file_and_writes_nothing(tmp_path):
    data = shipped_copy(tmp_path)
    before = (data / "events.csv").read_bytes()
    result = run(
        "import-acled", str(FIXTURES / "bad" / "acled_duplicate_ids.csv"), "--data", str(data)
    )
    assert result.returncode == 1
    assert "acled_duplicate_ids.csv, row 4, field 'event_id_cnty'" in result.stderr
    assert (data / "events.csv").read_bytes() == before


def test_import_acled_refuses_ids_already_there(tmp_path):
    data = shipped_copy(tmp_path)
    source = str(FIXTURES / "acled" / "acled_2023_layout.csv")
    assert run("import-acled", source, "--data", str(data)).returncode == 0
    again = run("import-acled", source, "--data", str(data))
    assert again.returncode == 1 and "already in the existing events" in again.stderr


def test_import_boundaries_needs_a_file(tmp_path):
    result = run("import-boundaries", "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "no boundary file given" in result.stderr


def test_import_official_boundaries(tmp_path):
    if not SHARED_BOUNDARIES.is_dir():
        pytest.skip(
            f"the OCHA COD-AB test fixture is not at {SHARED_BOUNDARIES} (it is never copied into the repo)"
        )
    out = tmp_path / "official"
    result = run(
        "import-boundaries",
        "--provinces", str(SHARED_BOUNDARIES / "afg_admbnda_adm1_agcho_20180522.zip"),
        "--districts", str(SHARED_BOUNDARIES / "afg_admbnda_adm2_agcho_20180522.zip"),
        "--name", "OCHA COD-AB 2018", "--source", "https://data.humdata.org/", "--licence", "humanitarian use",
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    status = {
        r["unit"]: r for r in rows(run("status", "--date", "2021-09-04", "--data", str(out)).stdout)
    }
    assert sum(1 for r in status.values() if r["level"] == "district") == 399
    assert status["AF08"]["status"] == "partial"
    assert {status[f"AF080{i}"]["status"] for i in range(1, 8)} == {"resistance", "taliban"}


def test_status_lists_every_district_with_a_status_or_an_explicit_unknown():
    found = rows(run("status", "--date", "2021-07-01").stdout)
    districts = [r for r in found if r["level"] == "district"]
    assert len(districts) == 398
    assert all(
        r["status"] in ("government", "taliban", "resistance", "contested", "unknown")
        for r in districts
    )


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--date", "2030-01-01"),
        ("status", "--date", "2021-04-30"),
        ("changes", "--from", "2021-09-30", "--to", "2021-05-01"),
        ("changes", "--from", "2030-01-01", "--to", "2030-02-01"),
    ],
)
def test_dates_outside_the_data_are_refused_with_its_period(args):
    result = run(*args)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "2021-05-01" in result.stderr and "2021-09-30" in result.stderr


def test_import_acled_can_widen_the_period_to_its_events(tmp_path):
    data = shipped_copy(tmp_path)
    with (FIXTURES / "acled" / "acled_2023_layout.csv").open(encoding="utf-8") as fixture:
        first = next(csv.DictReader(fixture))
    first["event_date"] = "2021-10-20"
    path = tmp_path / "late.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, list(first))
        writer.writeheader()
        writer.writerow(first)
    result = run("import-acled", str(path), "--data", str(data), "--widen-period")
    assert result.returncode == 0, result.stderr
    assert "The data's period is now 2021-05-01 to 2021-10-20" in result.stdout
    period = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))["period"]
    assert period == {"start": "2021-05-01", "end": "2021-10-20"}
    assert run("validate", str(data)).returncode == 0
