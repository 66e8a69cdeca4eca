"""The palette is pinned to its documented values, and every view takes its colours from it.

The expected values are written out here, not read from the style table under test, so that a
swapped or changed colour fails (README.md, "Colours and patterns").
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from dashboard.charts import control_chart, districts_chart, published_points, status_counts
from dashboard.data.vocabulary import AFGHANISTAN_2021
from dashboard.mapview.basemap import layer_options
from dashboard.mapview.legend import legend_spec
from dashboard.style import STATUS_STYLES, fill_for

ROOT = Path(__file__).resolve().parents[1]
# status: (label, colour, pattern) -- the Okabe-Ito palette, grey for no record
PALETTE = {
    "government": ("Government", "#0072B2", "solid"),
    "taliban": ("Taliban", "#D55E00", "solid"),
    "resistance": ("Resistance", "#009E73", "solid"),
    "contested": ("Contested", "#E69F00", "hatch"),
    "partial": ("Partial", "#CC79A7", "cross"),
    "unknown": ("No record", "#BBBBBB", "solid"),
}
COLOURS = [colour for _, colour, _ in PALETTE.values()]


def test_the_style_table_is_the_documented_palette():
    assert {k: (s.label, s.colour, s.pattern) for k, s in STATUS_STYLES.items()} == PALETTE


def test_the_readme_documents_the_palette():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \| `(#[0-9A-F]{6})` \| (\w+) \|$", readme, re.M)
    assert {status: (label, colour, pattern) for status, label, colour, pattern in rows} == (
        PALETTE
    )


def test_the_legend_and_the_map_options_use_the_palette():
    rows = legend_spec(AFGHANISTAN_2021)["rows"][: len(PALETTE)]
    assert [(r["label"], r["colour"], r["pattern"]) for r in rows] == list(PALETTE.values())
    styles = layer_options(AFGHANISTAN_2021, "g.json", None, "")["styles"]
    assert {k: (v["label"], v["colour"], v["pattern"]) for k, v in styles.items()} == PALETTE


def test_a_confident_solid_status_is_filled_with_its_colour():
    assert fill_for(STATUS_STYLES, "government", "high", False) == "#0072B2"
    assert fill_for(STATUS_STYLES, "taliban", "high", False) == "#D55E00"
    assert fill_for(STATUS_STYLES, "resistance", "medium", False) == "#009E73"


def test_both_charts_colour_statuses_with_the_palette(shipped, shipped_timeline):
    start, end, day = date(2021, 5, 1), date(2021, 9, 30), date(2021, 8, 15)
    for level, chart in (("province", control_chart), ("district", districts_chart)):
        counts = status_counts(shipped_timeline, shipped.units, start, end, level)
        if chart is control_chart:
            spec = chart(counts, "provinces", day, "t", STATUS_STYLES).to_dict()
        else:
            points = published_points(shipped.published_counts, start, end, STATUS_STYLES)
            spec = chart(counts, points, day, "t", STATUS_STYLES).to_dict()
        scale = spec["layer"][0]["encoding"]["color"]["scale"]
        assert scale == {"domain": list(PALETTE), "range": COLOURS}, level


def test_the_maps_scripts_take_every_colour_from_the_style_table():
    web = ROOT / "dashboard" / "mapview" / "web"
    for script in web.glob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert re.findall(r"#[0-9A-Fa-f]{6}\b|#[0-9A-Fa-f]{3}\b", text) == [], script
    options = layer_options(AFGHANISTAN_2021, "g.json", None, "")
    assert set(options["colours"]) >= {"border", "outline", "selected", "highlight"}
    assert set(options["patterns"]) == {"hatch", "cross", "low"}
