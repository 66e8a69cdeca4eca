"""A data package names its own area, sides, second language and framing (datapackage.json)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from dashboard.data import DataError, load_dataset
from dashboard.data.vocabulary import AFGHANISTAN_2021, vocabulary_of
from dashboard.detail import district_shares, heading_html, summary_counts
from dashboard.export.html import standalone_html
from dashboard.mapview.basemap import layer_options, map_bounds
from dashboard.mapview.legend import legend_spec
from dashboard.style import status_styles
from dashboard.timeline import Timeline
from dashboard.timeline.core import opening_date

ROOT = Path(__file__).resolve().parents[1]
TAJIKISTAN = ROOT / "tests" / "fixtures" / "tajikistan"


@pytest.fixture(scope="module")
def tajikistan():
    dataset = load_dataset(TAJIKISTAN)
    return dataset, Timeline.from_dataset(dataset)


def test_the_shipped_package_declares_todays_afghan_values():
    meta = json.loads((ROOT / "geodata" / "datapackage.json").read_text(encoding="utf-8"))
    assert vocabulary_of(meta) == AFGHANISTAN_2021
    assert AFGHANISTAN_2021.statuses == (
        "government", "taliban", "resistance", "contested", "partial", "unknown",
    )  # fmt: skip


def test_a_package_that_declares_nothing_is_read_as_afghanistan_2021():
    assert vocabulary_of({"title": "old package"}) == AFGHANISTAN_2021


def test_another_conflict_has_its_own_area_sides_and_second_language(tajikistan):
    dataset, timeline = tajikistan
    words = dataset.vocabulary
    assert words.area == "Tajikistan"
    assert "Tajikistan" in words.subtitle and "not a historical record" in words.subtitle
    assert [s.code for s in words.sides] == ["government", "opposition", "popular_front"]
    styles = status_styles(words)
    assert [styles[s].label for s in words.statuses] == [
        "Government", "Opposition (UTO)", "Popular Front", "Contested", "Partial", "No record",
    ]  # fmt: skip
    # A side without a colour gets the first colour-blind-safe one; declared ones are kept.
    assert [styles[s].colour for s in words.record_statuses[:3]] == [
        "#0072B2", "#56B4E9", "#000000",
    ]  # fmt: skip
    assert (words.second_name.language, words.second_name.direction) == ("tg", "ltr")
    heading = heading_html(timeline.state("TJ03", date(1992, 12, 5)), words.second_name)
    assert '<span dir="ltr" lang="tg">Хатлон</span>' in heading


def test_its_provinces_are_derived_from_its_districts_with_its_own_labels(tajikistan):
    _, timeline = tajikistan
    # Khatlon has no row of its own: partial while its districts disagree, then Popular Front.
    assert timeline.state("TJ03", date(1992, 11, 1)).status == "partial"
    assert timeline.state("TJ03", date(1992, 12, 5)).status == "popular_front"
    counts = summary_counts(timeline.state_on(date(1992, 11, 1)), timeline.vocabulary.statuses)
    assert counts == {
        "government": 1, "opposition": 1, "popular_front": 0, "contested": 0, "partial": 1,
        "unknown": 0,
    }  # fmt: skip
    assert district_shares(timeline, "TJ03", date(1992, 11, 1)).startswith("Opposition (UTO) 1")


def test_the_map_options_and_legend_speak_its_language(tajikistan):
    dataset, _ = tajikistan
    options = layer_options(dataset.vocabulary, "g.json", None, "")
    assert options["styles"]["opposition"]["label"] == "Opposition (UTO)"
    assert options["secondName"] == {"language": "tg", "direction": "ltr"}
    labels = [row["label"] for row in legend_spec(dataset.vocabulary)["rows"]]
    assert labels[:3] == ["Government", "Opposition (UTO)", "Popular Front"]
    assert "Taliban" not in json.dumps(options)


def test_the_map_and_the_html_export_are_framed_on_its_data(tajikistan):
    dataset, timeline = tajikistan
    (south, west), (north, east) = map_bounds(dataset)
    assert 36.7 < south < 37 and 67.4 < west < 67.5 and 40.9 < north < 41 and 74.9 < east < 75.1
    page = standalone_html(dataset, timeline, date(1992, 12, 5), {"mode": "markers", "rows": []})
    assert f"map.fitBounds({json.dumps(map_bounds(dataset))})" in page
    assert "<title>Illustrative test package: Tajikistan" in page


def test_a_declared_framing_overrides_the_datas_extent(tmp_path):
    folder = tmp_path / "framed"
    shutil.copytree(TAJIKISTAN, folder)
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    meta["framing"] = {"bounds": [60, 30, 80, 45]}
    (folder / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    assert map_bounds(load_dataset(folder)) == [[30, 60], [45, 80]]


def test_the_map_opens_on_the_packages_opening_date_else_its_last_date(
    tmp_path, tajikistan, shipped, shipped_timeline
):
    assert opening_date(shipped, shipped_timeline) == date(2021, 9, 4)
    dataset, timeline = tajikistan  # declares no opening date
    assert opening_date(dataset, timeline) == date(1993, 6, 30)
    folder = tmp_path / "opens"
    shutil.copytree(TAJIKISTAN, folder)
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    meta["period"]["opens"] = "1992-11-01"
    (folder / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    opened = load_dataset(folder)
    assert opening_date(opened, Timeline.from_dataset(opened)) == date(1992, 11, 1)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"sides": []}, "sides", "does not list the sides"),
        ({"sides": [{"code": "Gov ernment"}]}, "sides[1].code", "not a usable status code"),
        ({"sides": [{"code": "partial"}]}, "sides[1].code", "not a usable status code"),
        ({"sides": [{"code": "a"}, {"code": "a"}]}, "sides[2].code", "listed twice"),
        ({"sides": [{"code": "a", "colour": "blue"}]}, "sides[1].colour", "not a colour"),
        ({"sides": [{"code": "a", "acled_actors": "x"}]}, "sides[1].acled_actors", "list"),
        ({"second_name": {"direction": "up"}}, "second_name.direction", "not ltr or rtl"),
        ({"framing": {"bounds": [1, 2]}}, "framing", "not four bounds"),
        ({"framing": {"bounds": [80, 30, 60, 45]}}, "framing.bounds", "not a box"),
        ({"area": {}}, "area", "does not name the area"),
    ],
)
def test_a_bad_declaration_names_its_field_and_the_fix(change, field, words):
    meta = json.loads((TAJIKISTAN / "datapackage.json").read_text(encoding="utf-8"))
    meta.update(change)
    with pytest.raises(DataError) as raised:
        vocabulary_of(meta)
    problem = next(p for p in raised.value.problems if p.field == field)
    assert problem.file == "datapackage.json" and words in problem.message and problem.fix


def test_control_rows_may_use_only_the_packages_own_sides(tmp_path):
    folder = tmp_path / "wrong-side"
    shutil.copytree(TAJIKISTAN, folder)
    with (folder / "control.csv").open("a", encoding="utf-8") as rows:
        rows.write("TJ01,province,taliban,1993-01-01,,high,,,day,https://example.org/x,X,X,\n")
    with pytest.raises(DataError) as raised:
        load_dataset(folder)
    text = str(raised.value)
    assert "control.csv, row" in text and "'taliban'" in text and "popular_front" in text


def test_acled_actors_of_another_conflict_map_to_its_sides(tajikistan):
    # The shipped package's actors: tests/test_acled.py::test_actor_status.
    dataset, _ = tajikistan
    assert dataset.vocabulary.actor_side("United Tajik Opposition") == "opposition"
    assert dataset.vocabulary.actor_side("Popular Front of Tajikistan") == "popular_front"
    assert dataset.vocabulary.actor_side("Taliban") == ""


def test_only_the_style_module_holds_the_shipped_packages_styles():
    # Every other module asks for the styles of the data package it shows.
    users = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "dashboard").rglob("*.py")
        if "STATUS_STYLES" in path.read_text(encoding="utf-8")
    ]
    assert users == ["dashboard/style.py"]
