"""Every validation rule, each with a small broken copy of the tiny fixture."""

from __future__ import annotations

import json

import pytest
from conftest import replace_in

from dashboard.data import DataError, load_dataset

# (file, text to replace, replacement, expected file, row, field, words in the message)
BROKEN = {
    "unknown unit id": (
        "control.csv",
        "AF01,province,taliban",
        "AF99,province,taliban",
        "control.csv",
        3,
        "unit",
        "unknown unit 'AF99'",
    ),
    "overlapping intervals": (
        "control.csv",
        "2021-05-01,2021-08-14",
        "2021-05-01,2021-08-20",
        "control.csv",
        3,
        "valid_from",
        "overlaps row 2",
    ),
    "unsorted intervals": (
        "control.csv",
        "AF01,province,taliban,2021-08-15",
        "AF01,province,taliban,2021-04-15",
        "control.csv",
        3,
        "valid_from",
        "not in date order",
    ),
    "unknown status": (
        "control.csv",
        "AF02,province,resistance",
        "AF02,province,rebels",
        "control.csv",
        4,
        "status",
        "'rebels' is not one of",
    ),
    "bad date": (
        "control.csv",
        "2021-08-15,,high",
        "2021-08-32,,high",
        "control.csv",
        3,
        "valid_from",
        "'2021-08-32' is not a valid date",
    ),
    "end before start": (
        "control.csv",
        "2021-05-01,2021-08-14",
        "2021-05-01,2021-04-14",
        "control.csv",
        2,
        "valid_to",
        "before valid_from",
    ),
    "missing source url": (
        "control.csv",
        "https://example.org/b1",
        "",
        "control.csv",
        4,
        "source_url",
        "source URL is missing",
    ),
    "source that is not a web address": (
        "control.csv",
        "https://example.org/b1",
        "javascript:alert(1)",
        "control.csv",
        4,
        "source_url",
        "not an http(s) URL",
    ),
    "bad confidence": (
        "control.csv",
        "2021-05-01,2021-09-02,medium",
        "2021-05-01,2021-09-02,sure",
        "control.csv",
        4,
        "confidence",
        "'sure' is not one of",
    ),
    "wrong level": (
        "control.csv",
        "AF02,province,resistance",
        "AF02,district,resistance",
        "control.csv",
        4,
        "level",
        "is a province",
    ),
    "event outside the country": (
        "events.csv",
        "34.5,68.5,1",
        "51.5,-0.1,1",
        "events.csv",
        2,
        "latitude",
        "outside the map",
    ),
    "event outside its province": (
        "events.csv",
        "Beta,Beta West,Beta West,34.5,69.2",
        "Alpha,Beta West,Beta West,34.5,69.2",
        "events.csv",
        3,
        "admin1",
        "outside Alpha",
    ),
    "event latitude and longitude swapped": (
        "events.csv",
        "34.5,68.5,1",
        "68.5,34.5,1",
        "events.csv",
        2,
        "latitude",
        "outside the map",
    ),
    "event missing source": (
        "events.csv",
        "https://example.org/e2",
        "",
        "events.csv",
        3,
        "source_url",
        "source URL is missing",
    ),
    "event bad date": (
        "events.csv",
        "T2,2021-09-03",
        "T2,03/09/2021",
        "events.csv",
        3,
        "event_date",
        "not a valid date",
    ),
    "duplicate event id": (
        "events.csv",
        "T2,2021-09-03",
        "T1,2021-09-03",
        "events.csv",
        3,
        "event_id_cnty",
        "also used on row 2",
    ),
    "unknown event type": (
        "events.csv",
        "Battles,Armed clash",
        "Battles,Skirmish",
        "events.csv",
        3,
        "sub_event_type",
        "'Skirmish' is not one of",
    ),
    "centre outside its unit": (
        "units.csv",
        "Alpha Town,34.5,68.5",
        "Alpha Town,34.5,69.5",
        "units.csv",
        2,
        "centre_lat",
        "outside its boundary",
    ),
    "district with unknown parent": (
        "units.csv",
        "AF0201,district,AF02",
        "AF0201,district,AF77",
        "units.csv",
        4,
        "parent",
        "not a province",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_each_problem_names_file_row_field_and_fix(tiny_dir, case):
    file, old, new, where, row, field, words = BROKEN[case]
    replace_in(tiny_dir / file, old, new)
    with pytest.raises(DataError) as caught:
        load_dataset(tiny_dir)
    problems = [p for p in caught.value.problems if p.file == where and p.field == field]
    assert problems, caught.value.problems
    problem = problems[0]
    assert problem.row == row
    assert words in problem.message
    assert problem.fix


def test_invalid_geometry_is_named_with_its_feature(tiny_dir):
    path = tiny_dir / "boundaries.geojson"
    collection = json.loads(path.read_text())
    bow_tie = [[[68, 34], [69, 35], [69, 34], [68, 35], [68, 34]]]
    collection["features"][0]["geometry"]["coordinates"] = bow_tie
    path.write_text(json.dumps(collection))
    with pytest.raises(DataError) as caught:
        load_dataset(tiny_dir)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.field) == ("boundaries.geojson", 1, "geometry")
    assert "Self-intersection" in problem.message and "Fix geometries" in problem.fix


def test_all_problems_are_reported_at_once(tiny_dir):
    replace_in(tiny_dir / "control.csv", "AF02,province,resistance", "AF02,province,rebels")
    replace_in(tiny_dir / "events.csv", "https://example.org/e2", "")
    with pytest.raises(DataError) as caught:
        load_dataset(tiny_dir)
    assert {p.file for p in caught.value.problems} == {"control.csv", "events.csv"}


def test_missing_file_says_which(tiny_dir):
    (tiny_dir / "control.csv").unlink()
    with pytest.raises(DataError, match="control.csv: the file is missing"):
        load_dataset(tiny_dir)


def test_missing_column_lists_what_is_there(tiny_dir):
    replace_in(tiny_dir / "control.csv", "source_url,", "link,")
    with pytest.raises(DataError) as caught:
        load_dataset(tiny_dir)
    problem = caught.value.problems[0]
    assert problem.field == "source_url" and "the header has: unit" in problem.message


def test_problem_text_reads_as_one_line(tiny_dir):
    replace_in(tiny_dir / "control.csv", "AF01,province,taliban", "AF99,province,taliban")
    with pytest.raises(DataError) as caught:
        load_dataset(tiny_dir)
    assert str(caught.value.problems[0]).startswith(
        "control.csv, row 3, field 'unit': unknown unit 'AF99'. Fix: "
    )


@pytest.mark.parametrize(
    "feature, field, words",
    [
        ("not a feature", "properties", "not a JSON object"),
        (
            {"type": "Feature", "properties": [1], "geometry": None},
            "properties",
            "not a JSON object",
        ),
        (
            {
                "type": "Feature",
                "properties": {"unit": "AF0201"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[500, 1], [501, 1], [501, 2], [500, 1]]],
                },
            },
            "geometry",
            "outside longitude -180..180",
        ),
        (
            {
                "type": "Feature",
                "properties": {"unit": "AF0201"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[1e308, 1], [1e308, 2], [0, 2], [1e308, 1]]],
                },
            },
            "geometry",
            "outside longitude -180..180",
        ),
    ],
)
def test_hostile_features_are_explained_not_raised(tiny_dir, feature, field, words):
    path = tiny_dir / "boundaries.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    collection["features"][2] = feature
    path.write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_dataset(tiny_dir)
    problem = error.value.problems[0]
    assert (problem.file, problem.row, problem.field) == ("boundaries.geojson", 3, field)
    assert words in problem.message


@pytest.mark.parametrize("code", ["AF 01", "<b>AF</b>", "af01"])
def test_unit_codes_follow_a_pattern_and_are_unique_ignoring_case(tiny_dir, code):
    replace_in(tiny_dir / "units.csv", "AF0201,district", f"{code},district")
    with pytest.raises(DataError) as error:
        load_dataset(tiny_dir)
    assert any(p.file == "units.csv" and p.field == "unit" for p in error.value.problems)
