"""``python -m dashboard``: run as a user would, in a subprocess."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

from conftest import TINY, replace_in

from dashboard.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


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
