"""Importing ACLED exports: both layouts, every malformed input, unit matching and suggestions."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
import shapely

from dashboard.data import DataError, Problem, load_dataset
from dashboard.data.acled import (
    ACLED_URL,
    AcledImport,
    merge_events,
    name_key,
    read_acled,
)
from dashboard.data.control import load_control
from dashboard.data.dates import (
    AMBIGUOUS,
    DAY_FIRST,
    MONTH_FIRST,
    date_problem,
    numeric_order,
    parse_date,
)
from dashboard.data.events import EVENT_COLUMNS, load_events, write_events_csv
from dashboard.data.suggestions import suggested_changes, suggestions_csv
from dashboard.data.vocabulary import AFGHANISTAN_2021

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ACLED = FIXTURES / "acled"
BAD = FIXTURES / "bad"
NEW_LAYOUT = ACLED / "acled_2023_layout.csv"
OLD_LAYOUT = ACLED / "acled_pre2023_layout.csv"


@pytest.fixture(scope="module")
def shipped():
    return load_dataset()


@pytest.fixture(scope="module")
def new_import(shipped) -> AcledImport:
    return read_acled(NEW_LAYOUT, NEW_LAYOUT.name, shipped.units, shipped.geometry)


@pytest.fixture(scope="module")
def old_import(shipped) -> AcledImport:
    return read_acled(OLD_LAYOUT, OLD_LAYOUT.name, shipped.units, shipped.geometry)


def problems_of(shipped, name: str, **kwargs) -> list[Problem]:
    with pytest.raises(DataError) as caught:
        read_acled(BAD / name, name, shipped.units, shipped.geometry, **kwargs)
    problems = caught.value.problems
    assert problems
    for problem in problems:
        assert problem.file == name
        assert problem.fix.strip()
    return problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# -- valid exports ---------------------------------------------------------------------------


def test_2023_layout_has_the_shipped_columns_and_types(new_import, shipped):
    events = new_import.events
    assert new_import.layout == "2023"
    assert len(events) == 11
    assert list(events.columns) == list(shipped.events.columns)
    assert (events.dtypes == shipped.events.dtypes).all()
    assert events["event_date"].is_monotonic_increasing


def test_imported_events_carry_acled_url_medium_confidence_and_acled_text(new_import):
    events = new_import.events
    assert set(events["source_url"]) == {ACLED_URL}
    assert set(events["confidence"]) == {"medium"}
    assert set(events["source"]) == {"Synthetic Test Wire"}
    assert events["notes"].str.startswith("Synthetic test event").all()
    assert events["time_precision"].between(1, 3).all()
    assert events["geo_precision"].between(1, 3).all()
    assert set(events["country"]) == {"Afghanistan"}
    assert int(events["fatalities"].sum()) == 6


def test_pre2023_layout_with_long_dates_gives_the_same_events(old_import, new_import):
    assert old_import.layout == "pre-2023"
    same = [c for c in new_import.events.columns if c != "event_id_cnty"]
    pd.testing.assert_frame_equal(old_import.events[same], new_import.events[same])
    assert old_import.events["event_id_cnty"].str.startswith("AFG8").all()


@pytest.mark.parametrize(
    ("text", "iso", "label"),
    [
        ("2021-08-15", "2021-08-15", "YYYY-MM-DD"),
        ("15 August 2021", "2021-08-15", "15 August 2021"),
        ("09 May 2020", "2020-05-09", "15 August 2021"),
        ("9-May-20", "2020-05-09", "15-Aug-21"),
        ("15-Aug-2021", "2021-08-15", "15-Aug-2021"),
    ],
)
def test_the_date_formats_of_acled_and_spreadsheets_parse(text, iso, label):
    parsed, read_as = parse_date(text)
    assert (parsed.isoformat(), read_as) == (iso, label)


@pytest.mark.parametrize("text", ["2021-13-45", "Aug 15, 2021", "15/08/2021", "20210815", ""])
def test_other_dates_do_not_parse_without_the_files_order(text):
    assert parse_date(text) == (None, "")


def test_numeric_dates_are_read_only_in_the_order_the_file_shows():
    assert numeric_order(["05/09/2020", "25/09/2020"]) == DAY_FIRST
    assert parse_date("05/09/2020", DAY_FIRST)[0].isoformat() == "2020-09-05"
    assert numeric_order(["05/09/2020", "09/25/2020"]) == MONTH_FIRST
    assert parse_date("05/09/2020", MONTH_FIRST)[0].isoformat() == "2020-05-09"
    assert numeric_order(["05/09/2020", "01/02/2021"]) == AMBIGUOUS
    assert numeric_order(["25/09/2020", "09/25/2020"]) == "contradictory"
    assert numeric_order(["2021-08-15"]) == ""
    assert date_problem("05/09/2020", AMBIGUOUS) == (
        "'05/09/2020' could be day/month or month/day, and no date in the file has a number "
        "above 12 to tell which"
    )


def spreadsheet_copy(tmp_path, dates: list[str]) -> Path:
    """The 2023-layout fixture with its dates replaced, as a spreadsheet would save them."""
    fixture = ACLED / "acled_2023_layout.csv"
    rows = list(csv.DictReader(fixture.open(encoding="utf-8")))
    for rec, new in zip(rows, dates, strict=False):
        rec["event_date"] = new
    path = tmp_path / "resaved.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_spreadsheet_saved_export_imports_and_says_how_its_dates_were_read(shipped, tmp_path):
    path = spreadsheet_copy(tmp_path, ["8-May-21", "22/06/2021"])
    imported = read_acled(path, path.name, shipped.units, shipped.geometry)
    dates = set(imported.events["event_date"].dt.strftime("%Y-%m-%d"))
    assert {"2021-05-08", "2021-06-22"} <= dates
    assert imported.report.summary().startswith("Dates read as YYYY-MM-DD, 15-Aug-21, DD/MM/YYYY. ")


def test_an_ambiguous_numeric_date_is_refused_with_its_row(shipped, tmp_path):
    path = spreadsheet_copy(tmp_path, ["05/09/2021"])
    with pytest.raises(DataError) as error:
        read_acled(path, path.name, shipped.units, shipped.geometry)
    [problem] = error.value.problems
    assert (problem.file, problem.row, problem.field) == ("resaved.csv", 2, "event_date")
    assert "no date in the file has a number above 12" in problem.message
    assert "YYYY-MM-DD" in problem.fix


def test_an_upload_as_bytes_reads_like_a_file(shipped, new_import):
    uploaded = read_acled(NEW_LAYOUT.read_bytes(), "upload.csv", shipped.units, shipped.geometry)
    pd.testing.assert_frame_equal(uploaded.events, new_import.events)


# -- matching events to units ------------------------------------------------------------------


def test_match_report_counts_points_names_and_unmatched(new_import):
    report = new_import.report
    assert (report.by_point, report.by_name, report.unmatched) == (8, 2, 1)
    assert report.unmatched_events == [(12, "Tarinkot", "Urozgan")]
    assert "row 12: Tarinkot (Urozgan)" in report.summary()
    assert report.summary().startswith(
        "Dates read as YYYY-MM-DD. 8 event(s) placed by their coordinates, 2 by"
    )


def test_precise_points_use_polygons(new_import):
    events = new_import.events.set_index("event_id_cnty")
    assert events.loc["AFG900001", ["province", "district"]].tolist() == ["AF01", "AF0101"]
    assert events.loc["AFG900010", ["province", "district"]].tolist() == ["AF08", "AF0801"]
    assert events.loc["AFG900008", ["province", "district"]].tolist() == ["AF09", "AF0908"]


def test_imprecise_points_fall_back_to_names(new_import):
    events = new_import.events.set_index("event_id_cnty")
    # geo_precision 3: ACLED's 'Sar-e-Pol' matches units.csv 'Sar-e Pol', and is rewritten to it.
    assert events.loc["AFG900007", ["province", "admin1"]].tolist() == ["AF22", "Sar-e Pol"]
    # 'Khenj' matches 'Khenj (Hissa-e-Awal)' within Panjshir.
    assert events.loc["AFG900009", ["province", "district"]].tolist() == ["AF08", "AF0804"]


@pytest.mark.parametrize(
    "spelling", ["Sar-e-Pol", "Sar-e Pol", "sar i pol", "SARPOL", "Sar-i-Pol", "Sar - e - Pol"]
)
def test_name_key_ignores_case_spaces_hyphens_and_ezafe(spelling):
    assert name_key(spelling) == name_key("Sar-e Pol") == "sarpol"


def test_name_key_keeps_different_names_apart():
    assert name_key("Pul-e-Hisar") != name_key("Pul-e-Khumri")


# -- malformed inputs: one test each -----------------------------------------------------------


def test_missing_columns_are_named(shipped):
    problem = only(problems_of(shipped, "acled_missing_columns.csv"))
    assert problem.row == 1
    assert problem.field == "latitude, longitude"
    assert "missing column" in problem.message


def test_non_utf8_file_is_refused(shipped):
    problem = only(problems_of(shipped, "acled_cp1252.csv"))
    assert problem.row == 2
    assert problem.field is None
    assert "not UTF-8" in problem.message
    assert "UTF-8" in problem.fix


def test_byte_order_mark_loads_fine(shipped):
    imported = read_acled(BAD / "acled_bom.csv", "acled_bom.csv", shipped.units, shipped.geometry)
    assert list(imported.events["event_id_cnty"]) == ["AFG900001", "AFG900002", "AFG900003"]


def test_semicolon_separators_load_fine(shipped):
    name = "acled_semicolon.csv"
    imported = read_acled(BAD / name, name, shipped.units, shipped.geometry)
    assert len(imported.events) == 3
    assert imported.events["latitude"].iloc[0] == pytest.approx(34.5331)


def test_empty_file_is_refused(shipped):
    problem = only(problems_of(shipped, "acled_empty.csv"))
    assert (problem.row, problem.field) == (None, None)
    assert "empty" in problem.message


def test_header_only_file_is_refused(shipped):
    problem = only(problems_of(shipped, "acled_header_only.csv"))
    assert (problem.row, problem.field) == (None, None)
    assert "no data rows" in problem.message


def test_bad_dates_name_their_rows(shipped):
    problems = problems_of(shipped, "acled_bad_dates.csv")
    assert [(p.row, p.field) for p in problems] == [(3, "event_date"), (4, "event_date")]
    assert "'2021-13-45' is not a date in a known format" in problems[0].message
    assert "YYYY-MM-DD" in problems[0].fix


def test_swapped_coordinates_say_swap_them(shipped):
    problem = only(problems_of(shipped, "acled_swapped.csv"))
    assert (problem.row, problem.field) == (3, "latitude")
    assert "swap them" in problem.fix


def test_coordinates_out_of_range_are_refused(shipped):
    problem = only(problems_of(shipped, "acled_out_of_range.csv"))
    assert (problem.row, problem.field) == (3, "latitude")
    assert "136.7280" in problem.message


def test_points_outside_the_area_are_left_out_and_counted_by_country(shipped):
    name = "acled_outside_country.csv"
    imported = read_acled(BAD / name, name, shipped.units, shipped.geometry)
    assert list(imported.events["event_id_cnty"]) == ["AFG900001"]
    assert imported.report.outside_area == {"Afghanistan": 1}  # ACLED's country column
    assert "1 row(s) outside the data's area left out (Afghanistan 1;" in imported.report.summary()


def test_strict_refuses_points_outside_the_area_without_a_swap_hint(shipped):
    problem = only(problems_of(shipped, "acled_outside_country.csv", strict=True))
    assert (problem.row, problem.field) == (3, "latitude")
    assert "outside" in problem.message
    assert "swap" not in problem.fix
    assert "the data's area" in problem.fix and "Afghanistan" not in problem.fix


def test_a_point_just_across_the_border_is_kept(shipped, tmp_path):
    provinces = [c for c, u in shipped.units.items() if u.level == "province"]
    north = shapely.union_all(shipped.geometry.geometry.loc[provinces].values).bounds[3]
    text = (BAD / "acled_outside_country.csv").read_text(encoding="utf-8")
    # 0.1 degrees (about 11 km) north of the northernmost point, at its longitude.
    x = next(
        pt[0]
        for g in shipped.geometry.geometry.loc[provinces]
        for poly in getattr(g, "geoms", [g])
        for pt in poly.exterior.coords
        if pt[1] == north
    )
    path = tmp_path / "near.csv"
    path.write_text(text.replace("48.8566,2.3522", f"{north + 0.1:.4f},{x:.4f}"), encoding="utf-8")
    imported = read_acled(path, path.name, shipped.units, shipped.geometry)
    assert len(imported.events) == 2 and imported.report.outside_area == {}


def test_duplicate_event_ids_name_both_rows(shipped):
    problem = only(problems_of(shipped, "acled_duplicate_ids.csv"))
    assert (problem.row, problem.field) == (4, "event_id_cnty")
    assert "row 2" in problem.message


def test_file_over_the_size_limit_is_refused(shipped):
    problem = only(problems_of(shipped, "acled_bom.csv", max_bytes=100))
    assert (problem.row, problem.field) == (None, None)
    assert "more than the limit" in problem.message


def test_time_precision_out_of_range_is_refused(shipped):
    problem = only(problems_of(shipped, "acled_bad_time_precision.csv"))
    assert (problem.row, problem.field) == (3, "time_precision")
    assert "'4'" in problem.message


def test_unknown_event_type_pair_is_refused(shipped):
    problem = only(problems_of(shipped, "acled_bad_event_type.csv"))
    assert (problem.row, problem.field) == (3, "sub_event_type")
    assert "'Peaceful protest' is not a sub-event type of 'Battles'" in problem.message
    assert "Armed clash" in problem.fix


# -- merging and writing ---------------------------------------------------------------------


def test_imported_events_concatenate_with_the_shipped_ones(shipped, new_import):
    merged = merge_events(shipped.events, new_import.events, NEW_LAYOUT.name)
    assert len(merged) == len(shipped.events) + len(new_import.events)
    assert list(merged.columns) == list(shipped.events.columns)
    assert merged["event_date"].is_monotonic_increasing
    assert (merged.dtypes == shipped.events.dtypes).all()


def test_merge_refuses_ids_already_present(shipped, new_import):
    with pytest.raises(DataError) as caught:
        merge_events(new_import.events, new_import.events.head(2), "again.csv")
    problems = caught.value.problems
    assert [(p.file, p.row, p.field) for p in problems] == [
        ("again.csv", 2, "event_id_cnty"),
        ("again.csv", 3, "event_id_cnty"),
    ]
    assert all(p.fix for p in problems)


def test_written_events_load_back(shipped, new_import, tmp_path):
    matched = new_import.events[new_import.events["province"] != ""]
    merged = merge_events(shipped.events, matched)
    path = tmp_path / "events.csv"
    write_events_csv(merged, path)
    with path.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == list(EVENT_COLUMNS)
    loaded = load_events(path, shipped.units, shipped.geometry)
    assert list(loaded["event_id_cnty"]) == list(merged["event_id_cnty"])
    columns = [c for c in EVENT_COLUMNS if c not in ("latitude", "longitude")]
    pd.testing.assert_frame_equal(loaded[columns], merged[columns])
    assert loaded["latitude"].fillna(0).to_numpy() == pytest.approx(
        merged["latitude"].fillna(0).to_numpy()
    )
    assert list(tmp_path.iterdir()) == [path]


# -- control suggestions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("Taliban", "taliban"),
        ("Military Forces of Afghanistan (2004-2021)", "government"),
        ("Police Forces of Afghanistan (2004-2021)", "government"),
        ("Government of Afghanistan (2004-2021)", "government"),
        ("Military Forces of Afghanistan (2021-)", "taliban"),
        ("National Resistance Front", "resistance"),
        ("Militia (Pro-Government)", "resistance"),
        ("Unidentified Armed Group (Afghanistan)", ""),
    ],
)
def test_actor_status(actor, status):
    # The shipped package's acled_actors (datapackage.json): one side must match; "!" excludes.
    assert AFGHANISTAN_2021.actor_side(actor) == status


def test_territory_events_become_low_confidence_suggestions(new_import, shipped):
    rows = suggested_changes(new_import.events, shipped.units)
    by_event = {r["event_id_cnty"]: r for r in rows}
    assert set(by_event) == {
        "AFG900002", "AFG900003", "AFG900005", "AFG900006", "AFG900008", "AFG900009", "AFG900010",
    }  # fmt: skip
    kunduz = by_event["AFG900002"]
    # Placed in a shipped district, the suggestion is for that district.
    assert (kunduz["unit"], kunduz["level"], kunduz["status"]) == ("AF1901", "district", "taliban")
    assert (kunduz["valid_from"], kunduz["date_precision"]) == ("2021-06-22", "day")
    assert kunduz["confidence"] == "low"
    assert kunduz["source_url"] == ACLED_URL
    assert "AFG900002" in kunduz["note"] and "Synthetic test event 2" in kunduz["note"]
    assert by_event["AFG900003"]["status"] == "government"
    assert by_event["AFG900008"]["unit"] == "AF0908"
    assert by_event["AFG900008"]["status"] == "resistance"
    assert (by_event["AFG900010"]["unit"], by_event["AFG900010"]["level"]) == ("AF0801", "district")


def test_unknown_actors_are_skipped_and_say_so(new_import, shipped):
    rows = suggested_changes(new_import.events, shipped.units)
    skipped = [r for r in rows if r["skipped"]]
    assert [r["event_id_cnty"] for r in skipped] == ["AFG900005"]
    assert "Unidentified Armed Group" in skipped[0]["skipped"]
    assert skipped[0]["status"] == ""
    assert "AFG900005" not in suggestions_csv(rows)


def test_suggestions_csv_is_valid_control_csv(new_import, shipped, tmp_path):
    text = suggestions_csv(suggested_changes(new_import.events, shipped.units))
    header = next(csv.reader(io.StringIO(text)))
    assert header[:6] == ["unit", "level", "status", "valid_from", "valid_to", "confidence"]
    path = tmp_path / "control.csv"
    path.write_text(text, encoding="utf-8")
    records = load_control(path, shipped.units)
    assert len(records) == 6
    assert {r.confidence for r in records} == {"low"}


def test_an_upload_with_too_many_rows_is_refused_before_parsing(shipped):
    content = b"event_id_cnty,event_date\n" + b"x,y\n" * 11
    with pytest.raises(DataError) as error:
        read_acled(content, "big.csv", shipped.units, shipped.geometry, max_rows=10)
    assert "more than 10 rows" in str(error.value) and "import-acled" in str(error.value)


@pytest.mark.parametrize(
    "province, name, district",
    [
        ("AF27", "Panjwai", "AF2704"),  # news spelling
        ("AF04", "Nerkh", "AF0402"),
        ("AF12", "Khoshamand", "AF1216"),  # districts formed after 2014, in their 2014 district
        ("AF17", "Nusay", "AF1722"),
        ("AF17", "Maimay", "AF1727"),
        ("AF19", "Gul Tapa", "AF1901"),
    ],
)
def test_an_alias_ties_an_event_to_its_district(shipped, province, name, district):
    from dashboard.data.names import district_named, name_index

    assert district_named(name_index(shipped.units), shipped.units, province, name) == district


def test_repeated_ids_are_counted_in_one_problem_or_left_out_with_keep_first(shipped):
    path = BAD / "acled_duplicate_ids.csv"
    with pytest.raises(DataError) as error:
        read_acled(path, path.name, shipped.units, shipped.geometry)
    [problem] = error.value.problems
    assert problem.message == (
        "1 row(s) repeat an event id used on an earlier row: row 4 ('AFG900001', first on row 2)"
    )
    assert "--keep-first" in problem.fix
    kept = read_acled(path, path.name, shipped.units, shipped.geometry, keep_first=True)
    assert list(kept.events["event_id_cnty"]) == ["AFG900001", "AFG900002"]
    assert kept.report.summary().endswith("; 1 row(s) repeating an earlier event id left out.")


def test_events_outside_the_period_are_counted_with_how_to_show_them(shipped, tmp_path):
    from dashboard.data.acled_report import outside_period_note

    path = spreadsheet_copy(tmp_path, ["2020-01-05", "2021-12-31"])
    imported = read_acled(path, path.name, shipped.units, shipped.geometry)
    assert outside_period_note(imported.events, shipped.period) == (
        "2 event(s) fall outside the data's period (2021-05-01 to 2021-09-30) and are not shown: "
        'to show them, widen "period" in datapackage.json (events from 2020-01-05 to 2021-12-31), '
        "or import with --widen-period."
    )
    assert outside_period_note(imported.events, None) == ""
