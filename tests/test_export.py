"""Downloads of a view: GeoJSON, CSV, the offline HTML map, the citation, and the CLI command."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from html.parser import HTMLParser

import pytest
from conftest import replace_in

from dashboard.cli import main
from dashboard.data import load_dataset
from dashboard.data.events import EVENT_COLUMNS
from dashboard.export import (
    STATUS_COLUMNS,
    citation,
    events_csv_text,
    standalone_html,
    state_csv,
    state_geojson,
    status_rows,
    view_query,
)
from dashboard.mapview.assets import JS_FILES
from dashboard.mapview.payload import events_payload, unit_centres
from dashboard.style import STATUS_STYLES
from dashboard.timeline import Timeline
from dashboard.timeline.events import EventFilter, events_on

DAY = date(2021, 9, 4)
HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_CLAIM = "</script><img src=x onerror=alert(2)>"
HOSTILE_NOTE = "<img src=x onerror=alert(3)>"


class Page(HTMLParser):
    """Every start tag with its attributes, and the text of each <script> and <style>."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def addresses(self) -> list[str]:
        return [
            value or ""
            for _, attrs in self.tags
            for name, value in attrs.items()
            if name in ("src", "href")
        ]


def week_of_events(dataset, day: date) -> dict:
    events = events_on(dataset.events, day, EventFilter(window="last 7 days"))
    return events_payload(events, dataset.units, unit_centres(dataset.units, dataset.geometry))


@pytest.fixture(scope="module")
def shipped_html(shipped, shipped_timeline) -> str:
    return standalone_html(shipped, shipped_timeline, DAY, week_of_events(shipped, DAY), "AF08")


@pytest.fixture
def hostile(tiny_dir):
    """A tiny data copy whose unit name, claim and event notes are markup."""
    replace_in(tiny_dir / "units.csv", "AF01,province,,Alpha,", f"AF01,province,,{HOSTILE_NAME},")
    replace_in(tiny_dir / "control.csv", "low,Taliban,NRF", f'low,"{HOSTILE_CLAIM}",NRF')
    replace_in(tiny_dir / "events.csv", "Afghanistan,Alpha,", f"Afghanistan,{HOSTILE_NAME},")
    replace_in(tiny_dir / "events.csv", "Synthetic test event 2", HOSTILE_NOTE)
    dataset = load_dataset(tiny_dir)
    return dataset, Timeline.from_dataset(dataset)


# -- GeoJSON ---------------------------------------------------------------------------------


def test_geojson_has_every_province_and_drawn_district_with_status_and_fill(
    shipped, shipped_timeline
):
    collection = state_geojson(shipped, shipped_timeline, DAY)
    features = {f["properties"]["unit"]: f for f in collection["features"]}
    levels = [f["properties"]["level"] for f in collection["features"]]
    assert collection["type"] == "FeatureCollection"
    assert levels.count("province") == 34
    assert levels.count("district") == len(shipped.geometry) - 34 > 0
    assert set(features) == set(shipped.geometry.index)
    panjshir, kabul = features["AF08"]["properties"], features["AF01"]["properties"]
    assert panjshir["status"] == "partial" and panjshir["fill"] == "url(#naqsha-partial)"
    assert kabul["status"] == "taliban" and kabul["since"] == "2021-08-15"
    assert kabul["fill"] == STATUS_STYLES["taliban"].colour
    assert kabul["source_url"].startswith("https://") and kabul["date"] == "2021-09-04"
    assert set(kabul) == {
        "unit", "name_en", "name_fa", "level", "parent", "status", "since", "confidence",
        "source_url", "source_publisher", "claimed_by", "disputed_by", "date_precision",
        "schematic", "fill", "date",
    }  # fmt: skip
    assert features["AF0801"]["properties"]["schematic"] is False
    assert features["AF0801"]["properties"]["parent"] == "AF08"


def test_geojson_coordinates_are_rounded_to_five_decimals(shipped, shipped_timeline):
    collection = state_geojson(shipped, shipped_timeline, DAY)
    text = json.dumps(collection)
    kabul = next(f for f in collection["features"] if f["properties"]["unit"] == "AF01")
    assert kabul["geometry"]["type"] in ("Polygon", "MultiPolygon")
    numbers = [
        float(n) for n in text.replace("[", " ").replace("]", " ").replace(",", " ").split()
        if n[:1].isdigit() and "." in n
    ][:2000]  # fmt: skip
    assert numbers and all(round(n, 5) == n for n in numbers)
    assert all(len(n.split(".")[1]) <= 5 for n in map(repr, numbers))


# -- CSV -------------------------------------------------------------------------------------


def test_state_csv_has_the_status_command_columns(shipped, shipped_timeline):
    rows = list(csv.DictReader(io.StringIO(state_csv(shipped, shipped_timeline, DAY))))
    assert list(rows[0]) == STATUS_COLUMNS
    table = {r["unit"]: r for r in rows}
    assert len(table) == len(shipped.units)
    assert table["AF08"]["status"] == "partial"
    assert (table["AF01"]["status"], table["AF01"]["since"]) == ("taliban", "2021-08-15")
    assert len(status_rows(shipped, shipped_timeline, DAY)) == len(rows)


def test_events_csv_text_writes_the_filtered_events(shipped):
    window = events_on(shipped.events, DAY, EventFilter(window="last 7 days"))
    rows = list(csv.DictReader(io.StringIO(events_csv_text(window))))
    assert len(rows) == len(window) > 0
    assert list(rows[0]) == list(EVENT_COLUMNS)
    assert all("2021-08-29" <= r["event_date"] <= "2021-09-04" for r in rows)


# -- the standalone HTML map -----------------------------------------------------------------


def test_html_loads_nothing_from_the_network(shipped_html):
    page = Page(shipped_html)
    assert not [a for a in page.addresses() if a.strip().lower().startswith(("http", "//"))]
    assert not [attrs for tag, attrs in page.tags if tag == "link"]
    assert all("src" not in attrs for tag, attrs in page.tags if tag == "script")
    assert "url(http" not in shipped_html and "@import" not in shipped_html


def test_html_inlines_leaflet_the_plugin_the_geometry_and_the_date(shipped_html):
    page = Page(shipped_html)
    code = "\n".join(page.scripts)
    assert "L.map" in code and "markerClusterGroup" in code and "Naqsha.init" in code
    assert "window.L = exports" in code or "Leaflet" in code
    assert "Naqsha.update(" in code and '"date":"2021-09-04"' in code
    assert '"selected":"AF08"' in code
    assert '"geometryUrl":"data:application/json;base64,' in code
    assert (
        "<title>Naqsha: control of Afghanistan, May–September 2021: 2021-09-04</title>"
        in shipped_html
    )
    assert "4 September 2021" in shipped_html
    assert "naqsha-legend" in code  # the legend, drawn by naqsha.js from the options
    assert "geoBoundaries" in shipped_html  # the boundary set, in the attribution and footer
    assert "leaflet-container" in shipped_html  # Leaflet's stylesheet
    assert "url(images/" not in shipped_html  # Leaflet's images are inlined too


def test_html_escapes_hostile_data_text(hostile):
    dataset, timeline = hostile
    text = standalone_html(dataset, timeline, DAY, week_of_events(dataset, DAY), "AF01")
    page = Page(text)
    assert HOSTILE_NAME not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the heading names the selection
    assert [tag for tag, _ in page.tags].count("script") == len(JS_FILES) + 1  # and our call
    assert not [tag for tag, _ in page.tags if tag == "img"]
    assert text.count("</script>") == len(JS_FILES) + 1
    assert "\\u003c/script\\u003e\\u003cimg" in text  # the claim, as JSON text


def test_html_falls_back_to_no_selection_for_an_unknown_unit(shipped, shipped_timeline):
    text = standalone_html(shipped, shipped_timeline, DAY, week_of_events(shipped, DAY), "XX")
    assert '"selected":""' in text


@pytest.mark.browser
def test_html_opens_offline_from_disk_in_chromium(hostile, tmp_path):
    from harness.browser import CHROMIUM, CHROMIUM_ARGS, block_internet

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's 'chromium' package")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    dataset, timeline = hostile
    path = tmp_path / "view.html"
    path.write_text(
        standalone_html(dataset, timeline, DAY, week_of_events(dataset, DAY), "AF01"), "utf-8"
    )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page()
            blocked = block_internet(page)
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-naqsha-date='2021-09-04']", timeout=20_000)
            assert page.locator("path.naqsha-province").count() == 2
            assert page.locator(".naqsha-ev").count() >= 1
            page.locator("path.naqsha-u-AF01").hover()
            tip = page.locator(".naqsha-tip").first.inner_text()
            assert HOSTILE_NAME in tip  # shown as text, not run
            assert page.locator("img[src='x']").count() == 0
            assert dialogs == [] and blocked == []
        finally:
            chromium.close()


# -- citation --------------------------------------------------------------------------------


def test_citation_names_the_dataset_view_boundaries_and_numbered_sources(shipped, shipped_timeline):
    text = citation(shipped, shipped_timeline, DAY, "AF08", accessed=date(2025, 3, 1))
    assert shipped.title in text and f"version {shipped.version}" in text
    assert shipped.version == "2021.1.0"
    assert "2021-09-04" in text and "?date=2021-09-04&unit=AF08" in text
    assert shipped.boundary_set["name"] in text
    assert "Accessed 2025-03-01." in text
    sources = [line for line in text.splitlines() if line[:1].isdigit()]
    assert [int(line.split(".")[0]) for line in sources] == list(range(1, len(sources) + 1))
    kabul = shipped_timeline.state("AF01", DAY).record.source_url
    assert any(kabul in line for line in sources)
    panjshir = {
        shipped_timeline.state(code, DAY).record.source_url
        for code in ("AF0801", "AF0802", "AF0803")
    }
    assert all(any(url in line for line in sources) for url in panjshir)
    assert len({line.split(". ", 1)[1] for line in sources}) == len(sources)  # distinct


def test_citation_of_a_tiny_copy_keeps_data_text_on_one_line(hostile):
    dataset, timeline = hostile
    text = citation(
        dataset, timeline, DAY, accessed=date(2025, 3, 1), base_url="https://naqsha.example/"
    )
    assert "version unversioned" in text
    assert "View: https://naqsha.example/?date=2021-09-04" in text
    assert view_query(DAY, "AF01") == "?date=2021-09-04&unit=AF01"
    assert "https://example.org/a2" in text


# -- python -m dashboard export ----------------------------------------------------------------


def test_cli_export_writes_each_format(tmp_path, capsys):
    for fmt in ("geojson", "csv", "html"):
        out = tmp_path / f"view.{fmt}"
        args = ["export", "--date", "2021-09-04", "--format", fmt, "--out", str(out)]
        assert main([*args, "--unit", "AF08"]) == 0
        assert f"Wrote {out}" in capsys.readouterr().out
    collection = json.loads((tmp_path / "view.geojson").read_text(encoding="utf-8"))
    assert len(collection["features"]) > 34
    assert (tmp_path / "view.csv").read_text(encoding="utf-8").startswith(",".join(STATUS_COLUMNS))
    page = (tmp_path / "view.html").read_text(encoding="utf-8")
    assert "Naqsha.update(" in page and '"selected":"AF08"' in page


def test_cli_export_uses_the_data_option(tiny_dir, tmp_path, capsys):
    out = tmp_path / "tiny.csv"
    args = ["export", "--date", "2021-09-04", "--format", "csv", "--out", str(out)]
    assert main([*args, "--data", str(tiny_dir)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["unit"] for r in rows] == ["AF01", "AF02", "AF0201", "AF0202"]


def test_cli_export_refuses_an_unknown_format_or_unit(tmp_path, capsys):
    out = tmp_path / "view.pdf"
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--date", "2021-09-04", "--format", "pdf", "--out", str(out)])
    assert exit_info.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err
    args = ["export", "--date", "2021-09-04", "--format", "csv", "--out", str(out)]
    assert main([*args, "--unit", "AF99"]) == 1
    assert "no unit 'AF99'" in capsys.readouterr().err
    assert (
        main(
            [
                "export",
                "--date",
                "2021-09-04",
                "--format",
                "csv",
                "--out",
                str(tmp_path / "no" / "x.csv"),
            ]
        )
        == 1
    )
    assert "cannot write the file" in capsys.readouterr().err
    assert not out.exists()
