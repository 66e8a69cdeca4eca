"""Inputs that look valid but used to be lost or crash: each is explained, or read correctly."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY, replace_in

from dashboard.data import DataError, load_dataset
from dashboard.spreadsheet import csv_text, safe_cell

ROOT = Path(__file__).resolve().parents[1]
T2 = "T2,2021-09-03,1,Battles,Armed clash,Taliban,NRF,Afghanistan,Beta,Beta West,Beta West,34.5,69.2,2,,3,"


def problems(directory) -> list:
    with pytest.raises(DataError) as error:
        load_dataset(directory)
    return error.value.problems


@pytest.mark.parametrize("value", ["١٢", "²", "１２", "99999999999999999999999", "-1", "3.0"])
def test_fatalities_that_look_like_numbers_are_refused_by_row_and_field(tiny_dir, value):
    replace_in(tiny_dir / "events.csv", T2, T2.replace(",2,,3,", f",2,,{value},"))
    found = problems(tiny_dir)
    assert [(p.file, p.row, p.field) for p in found] == [("events.csv", 3, "fatalities")]


@pytest.mark.parametrize("value", ["３４.5", "٣٤.5"])
def test_a_coordinate_in_other_digits_is_refused_not_dropped(tiny_dir, value):
    replace_in(tiny_dir / "events.csv", T2, T2.replace(",34.5,69.2,", f",{value},69.2,"))
    assert [(p.row, p.field) for p in problems(tiny_dir)] == [(3, "latitude")]


@pytest.mark.parametrize("value", ["20210903", "2021-W35-5", "2021-9-3"])
def test_dates_must_be_written_yyyy_mm_dd(tiny_dir, value):
    replace_in(tiny_dir / "events.csv", "T2,2021-09-03,", f"T2,{value},")
    assert [(p.row, p.field) for p in problems(tiny_dir)] == [(3, "event_date")]


def test_a_repeated_column_is_refused_instead_of_one_copy_winning(tiny_dir):
    path = tiny_dir / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",fatalities"] + [line + "," for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = problems(tiny_dir)
    assert [(p.row, p.field) for p in found] == [(1, "fatalities")]
    assert "more than once" in found[0].message


@pytest.mark.parametrize(
    "value, safe",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("-12.5", "-12.5"),
        ("Taliban", "Taliban"),
        (3, 3),
    ],
)
def test_cells_a_spreadsheet_would_run_get_a_quote(value, safe):
    assert safe_cell(value) == safe


def test_csv_text_neutralises_every_cell_and_keeps_the_text():
    text = csv_text(["a", "b"], [{"a": "=1+1", "b": "-33.5"}])
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["'=1+1", "-33.5"]]


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_status_changes_and_export_csv_are_safe_to_open_in_a_spreadsheet(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    replace_in(
        data / "units.csv", "AF0201,district,AF02,Beta West,", "AF0201,district,AF02,=HYPERLINK(1),"
    )
    status = run("status", "--date", "2021-09-04", "--data", str(data))
    assert status.returncode == 0, status.stderr
    assert "'=HYPERLINK(1)" in status.stdout
    changes = run("changes", "--from", "2021-05-01", "--to", "2021-09-30", "--data", str(data))
    assert "'=HYPERLINK(1)" in changes.stdout and "\n=HYPERLINK" not in changes.stdout
    out = tmp_path / "state.csv"
    export = run(
        "export", "--date", "2021-09-04", "--format", "csv", "--out", str(out), "--data", str(data)
    )
    assert export.returncode == 0, export.stderr
    assert "'=HYPERLINK(1)" in out.read_text(encoding="utf-8")


def test_import_acled_keeps_the_extra_columns_of_events_csv(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "geodata", data)
    path = data / "events.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for i, row in enumerate(rows):
        row["analyst_note"] = f"note {i}"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    fixture = ROOT / "tests" / "fixtures" / "acled" / "acled_2023_layout.csv"
    result = run("import-acled", str(fixture), "--data", str(data))
    assert result.returncode == 0, result.stderr
    after = list(csv.DictReader(path.open(encoding="utf-8")))
    kept = {r["event_id_cnty"]: r["analyst_note"] for r in after if r["analyst_note"]}
    assert kept == {r["event_id_cnty"]: r["analyst_note"] for r in rows}
    assert len(after) > len(rows)


@pytest.mark.parametrize(
    "text, field",
    [
        ("[1, 2]", None),
        ('{"title": {"a": 1}}', "title"),
        ('{"boundary_set": "x"}', "boundary_set"),
        ('{"boundary_set": {"name": 5}}', "boundary_set"),
        ('{"period": {"start": "2021-09-30", "end": "2021-05-01"}}', "period"),
        ('{"period": {"start": "20210501", "end": "2021-09-30"}}', "period"),
        ('{"period": "all of 2021"}', "period"),
        (
            '{"period": {"start": "2021-05-01", "end": "2021-09-30", "opens": "2021-10-01"}}',
            "period.opens",
        ),
        (
            '{"period": {"start": "2021-05-01", "end": "2021-09-30", "opens": 20210904}}',
            "period.opens",
        ),
        ("[" * 100_000 + "]" * 100_000, None),
    ],
    # Short ids: pytest puts the test id in PYTEST_CURRENT_TEST, and a 200 kB
    # environment string makes the CLI's subprocess fail with E2BIG.
    ids=[
        "list",
        "title",
        "set",
        "set-name",
        "reversed",
        "compact",
        "text",
        "opens",
        "opens-n",
        "deep",
    ],
)
def test_a_malformed_datapackage_is_refused_by_validate(tiny_dir, text, field):
    (tiny_dir / "datapackage.json").write_text(text, encoding="utf-8")
    found = problems(tiny_dir)
    assert [(p.file, p.field) for p in found] == [("datapackage.json", field)]
    result = run("validate", str(tiny_dir))
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_a_broken_context_file_is_refused_by_validate(tiny_dir):
    (tiny_dir / "context.geojson").write_text('{"type": "FeatureCollection", "features": [1]}')
    assert [p.file for p in problems(tiny_dir)] == ["context.geojson"]


def test_path_problems_on_the_command_line_are_explained_not_raised(tmp_path):
    fixture = str(ROOT / "tests" / "fixtures" / "acled" / "acled_2023_layout.csv")
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    cases = [
        ("import-acled", str(tmp_path), "--data", str(data)),
        ("import-acled", fixture, "--data", str(data), "--suggestions", str(tmp_path)),
        ("export", "--date", "2021-09-04", "--format", "csv", "--out", str(tmp_path)),
        ("export", "--date", "2021-09-04", "--format", "csv", "--out", "/nonexistent/dir/x.csv"),
        ("import-acled", "/nonexistent.csv", "--data", str(data)),
    ]
    for args in cases:
        result = run(*args)
        assert result.returncode == 1, args
        assert "Traceback" not in result.stderr and "Fix:" in result.stderr, (args, result.stderr)


def test_special_files_are_bounded_or_refused(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    for special in ("/dev/zero", "/dev/null"):
        result = run("import-acled", special, "--data", str(data))
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "regular file" in result.stderr


def test_leftovers_of_a_killed_import_are_removed_by_the_next_one(tmp_path):
    import os

    data = tmp_path / "data"
    shutil.copytree(ROOT / "geodata", data)
    old = data / ".events.csv.abc123.tmp"
    old.write_text("half a file")
    young = data / ".events.csv.def456.tmp"
    young.write_text("another import, still writing")
    os.utime(old, (1, 1))
    fixture = ROOT / "tests" / "fixtures" / "acled" / "acled_2023_layout.csv"
    result = run("import-acled", str(fixture), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert not old.exists() and young.exists()


def test_a_problem_after_a_multi_line_value_names_the_records_first_line(tiny_dir):
    path = tiny_dir / "events.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("Synthetic test event 1", '"Synthetic\ntest\nevent 1"')
    text = text.replace("T2,2021-09-03,", "T2,2021-13-03,")
    path.write_text(text, encoding="utf-8")
    # T1 (line 2) spans lines 2-4, so T2 starts on line 5.
    assert [(p.row, p.field) for p in problems(tiny_dir)] == [(5, "event_date")]


def test_a_nul_byte_is_refused_not_stored(tiny_dir):
    path = tiny_dir / "events.csv"
    path.write_bytes(path.read_bytes().replace(b"Synthetic test event 2", b"Synthetic\x00event"))
    found = problems(tiny_dir)
    assert [(p.file, p.row) for p in found] == [("events.csv", 3)] and "NUL" in found[0].message


def test_every_bad_coordinate_in_a_file_is_reported(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "geodata", data)
    path = data / "events.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    placed = [r for r in rows if r["latitude"]]
    placed[0]["latitude"], placed[1]["longitude"], placed[2]["latitude"] = "95", "500", "10"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    found = sorted((p.row, p.field) for p in problems(data))
    lines = [rows.index(r) + 2 for r in placed[:3]]
    assert found == [(lines[0], "latitude"), (lines[1], "longitude"), (lines[2], "latitude")]
