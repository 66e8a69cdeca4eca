"""The Streamlit app through ``AppTest``: widgets, state, detail panel and URL parameters."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import TINY
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


def first_run(query: dict | None = None, data: Path | None = None, monkeypatch=None) -> AppTest:
    """A page's first run: the map first (the map's script then presses ``rest_of_page``)."""
    if data is not None:
        monkeypatch.setenv("NAQSHA_DATA", str(data))
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    return app.run()


def start(query: dict | None = None, data: Path | None = None, monkeypatch=None) -> AppTest:
    """The whole page, as a reader sees it once the map has drawn itself."""
    app = first_run(query, data, monkeypatch)
    rest = [b for b in app.button if b.key == "rest_of_page"]  # none when the data is broken
    return rest[0].click().run() if rest else app


def test_a_pages_first_run_sends_the_title_date_buttons_and_map_only_then_the_rest():
    app = first_run({"date": "2021-08-15", "unit": "AF01"})
    assert not app.exception
    assert app.slider(key="date").value == date(2021, 8, 15)
    assert map_state(app)["date"] == "2021-08-15" and map_state(app)["selected"] == "AF01"
    # No panels, filters, speed or key-date menus: the browser would load their scripts first.
    assert not app.radio and not app.multiselect and not app.selectbox
    assert not app.get("popover")
    assert [b.label for b in app.button] == [
        "▶ Play", "◀ Previous change", "Next change ▶", "Loading the filters and panels…",
    ]  # fmt: skip
    app.button(key="rest_of_page").click().run()
    assert not app.exception
    assert app.radio(key="panel").value == "Detail" and app.radio(key="window")
    assert map_state(app)["date"] == "2021-08-15" and map_state(app)["selected"] == "AF01"
    assert "rest_of_page" not in [b.key for b in app.button]
    app.slider(key="date").set_value(date(2021, 8, 16)).run()  # and it stays complete
    assert app.radio(key="panel") and map_state(app)["date"] == "2021-08-16"


def counters(app: AppTest) -> dict[str, tuple[str, str]]:
    """The counters table: each status's numbers of provinces and districts."""
    table = next(m.value for m in app.markdown if m.value.startswith("| On this date"))
    rows = [line.strip("|").split("|") for line in table.splitlines()[2:]]
    return {label.strip(): (p.strip(), d.strip()) for label, p, d in rows}


def provinces(app: AppTest) -> list[tuple[str, str]]:
    return [(label, count) for label, (count, _) in counters(app).items()]


def metric(app: AppTest, label: str) -> str | None:
    """How many provinces are in the status ``label``."""
    return counters(app).get(label, (None,))[0]


def map_state(app: AppTest) -> dict:
    """The payload the map received on the last run. The map writes its ``date`` and
    ``selected`` into the page's address (``naqsha.js``, tested in the browser)."""
    group = json.loads(app.get("component_instance")[0].proto.json_args)["feature_group"]
    return json.loads(group.split("Naqsha.update(", 1)[1].split(");\n", 1)[0])


def test_default_view_is_4_september_with_a_summary():
    app = start()
    assert not app.exception
    assert app.slider(key="date").value == date(2021, 9, 4)
    assert metric(app, "Partial") == "1"
    assert map_state(app)["date"] == "2021-09-04"


def test_changing_the_date_changes_the_state():
    app = start()
    app.slider(key="date").set_value(date(2021, 8, 1)).run()
    # Before Zaranj (6 Aug) no capital had fallen; Lashkar Gah, Kandahar and Herat were contested.
    assert provinces(app) == [
        ("Government", "31"),
        ("Taliban", "0"),
        ("Resistance", "0"),
        ("Contested", "3"),
        ("Partial", "0"),
        ("No record", "0"),
    ]
    app.slider(key="date").set_value(date(2021, 8, 16)).run()
    # After Kabul fell every capital but Panjshir's was Taliban-held.
    assert provinces(app) == [
        ("Government", "0"),
        ("Taliban", "33"),
        ("Resistance", "1"),
        ("Contested", "0"),
        ("Partial", "0"),
        ("No record", "0"),
    ]
    assert map_state(app)["date"] == "2021-08-16"


def test_selecting_a_unit_shows_its_detail():
    app = start()
    app.selectbox(key="unit_picker").set_value("AF08").run()
    text = " ".join(m.value for m in app.markdown)
    assert "Panjshir" in text and 'dir="rtl"' in text and "Partial" in text
    assert [s.value for s in app.subheader][:2] == ["Districts", "History"]
    districts = next(d.value for d in app.dataframe if "district" in d.value.columns)
    assert set(districts["status"]) == {"Resistance", "Taliban"}
    assert map_state(app)["selected"] == "AF08"


def test_url_parameters_are_honoured():
    app = start({"date": "2021-08-15", "unit": "AF01"})
    assert app.slider(key="date").value == date(2021, 8, 15)
    assert app.selectbox(key="unit_picker").value == "AF01"
    assert "Taliban" in " ".join(m.value for m in app.markdown)


def test_bad_url_parameters_fall_back_with_a_notice():
    app = start({"date": "not-a-date", "unit": "<script>"})
    assert not app.exception
    assert app.slider(key="date").value == date(2021, 9, 4)
    assert app.selectbox(key="unit_picker").value == ""
    notices = [i.value for i in app.info if "link" in i.value]
    assert len(notices) == 2 and "not\\-a\\-date" in notices[0]
    assert "\\<script\\>" in notices[1]  # shown as typed, never as markup


def test_a_lower_case_unit_code_in_a_link_is_accepted():
    app = start({"date": "2021-09-04", "unit": "af08"})
    assert app.selectbox(key="unit_picker").value == "AF08"
    assert not [i for i in app.info if "link" in i.value]


def test_next_and_previous_change_buttons_jump_between_changes():
    app = start({"date": "2021-08-07"})
    next(b for b in app.button if b.label.startswith("Next change")).click().run()
    assert app.slider(key="date").value == date(2021, 8, 8)
    next(b for b in app.button if b.label.startswith("◀ Previous change")).click().run()
    assert app.slider(key="date").value == date(2021, 8, 7)


def test_key_date_shortcuts_come_from_the_data():
    app = start()
    next(b for b in app.button if b.label.endswith("Fall of Kabul")).click().run()
    assert app.slider(key="date").value == date(2021, 8, 15)


def test_another_data_directory_from_the_environment(monkeypatch):
    app = start({"date": "2021-09-04"}, data=TINY, monkeypatch=monkeypatch)
    assert not app.exception
    assert metric(app, "Partial") == "1"


def test_broken_data_shows_a_clear_error_not_a_traceback(monkeypatch, tiny_dir):
    (tiny_dir / "control.csv").write_text("unit,status\nAF01,taliban\n", encoding="utf-8")
    app = start(data=tiny_dir, monkeypatch=monkeypatch)
    assert not app.exception
    assert "cannot be loaded" in app.error[0].value
    assert "missing column(s)" in app.code[0].value


@pytest.mark.parametrize(
    "window, placed, off_map",
    [("that day", 2, 0), ("last 7 days", 6, 11), ("everything up to the date", 51, 97)],
)
def test_event_windows(window, placed, off_map):
    """On 4 Sep 2021 (the default date), counted from events.csv: 2 events that day, 17 from
    29 Aug to 4 Sep, 148 up to 4 Sep; of them 2, 6 and 51 have coordinates."""
    app = start()
    app.radio(key="window").set_value(window).run()
    events = map_state(app)["events"]
    assert sum(end - start for start, end in events["show"]) == placed
    toggles = [t.label for t in app.toggle if t.key == "list_off_map"]
    expected = f"List the {off_map} event(s) in this window with no place on the map"
    assert toggles == ([expected] if off_map else [])


def test_changes_between_two_dates_lists_and_highlights_units():
    app = start({"date": "2021-08-20"})
    app.radio(key="panel").set_value("Changes between dates").run()
    app.date_input(key="changes_range").set_value((date(2021, 8, 14), date(2021, 8, 15))).run()
    table = next(d.value for d in app.dataframe if "from" in d.value.columns)
    kabul = table[table["unit"] == "AF01"].iloc[0]
    # A date, which the table shows short ("15 Aug").
    assert (kabul["date"], kabul["from"], kabul["to"]) == (
        date(2021, 8, 15),
        "Government",
        "Taliban",
    )
    assert kabul["source"].startswith("https://")
    assert not app.toggle(key="highlight_changes").value


def test_playback_advances_a_day_per_step_and_stops_at_the_end():
    app = start({"date": "2021-09-28"})
    app.selectbox(key="speed").set_value(4)
    app.button(key="play").click().run()
    assert app.slider(key="date").value == date(2021, 9, 30)
    assert app.session_state["playing"] is False
    assert app.button(key="play").label == "▶ Play"


def test_export_and_citation_of_the_view():
    app = start({"date": "2021-09-04", "unit": "AF08"})
    app.radio(key="panel").set_value("Export & cite").run()
    citation = app.code[-1].value
    assert "2021.1.0" in citation and "2021-09-04" in citation and "unit=AF08" in citation
    assert "https://" in citation
    app.button(key="prepare_exports").click().run()
    labels = [b.label for b in app.get("download_button")]
    assert {
        "State as GeoJSON",
        "State as CSV",
        "Events shown as CSV",
        "Map as standalone HTML (works offline)",
    } <= set(labels)
    files = {file.label: file.data for file in app.session_state["exports"]["files"]}
    geojson = json.loads(files["State as GeoJSON"])
    assert len(geojson["features"]) == 432
    panjshir = next(f for f in geojson["features"] if f["properties"]["unit"] == "AF08")
    assert panjshir["properties"]["status"] == "partial"
    rows = files["State as CSV"].splitlines()
    assert rows[0] == "unit,name,level,parent,status,since,confidence,follows_province,source_url"
    assert len(rows) == 433 and any(
        r.startswith("AF0807,Paryan,district,AF08,taliban,") for r in rows
    )
    # The default window: the 17 events from 29 Aug to 4 Sep, one line each after the header.
    events = list(csv.DictReader(io.StringIO(files["Events shown as CSV"])))
    assert len(events) == 17 and {e["event_date"] for e in events} <= {
        f"2021-{d}" for d in ("08-29", "08-30", "08-31", "09-01", "09-02", "09-03", "09-04")
    }
    assert "<html" in files["Map as standalone HTML (works offline)"][:500].lower()


def test_over_time_chart_is_drawn():
    app = start()
    app.radio(key="panel").set_value("Over time").run()
    assert app.radio(key="chart_measure").value == "Districts"
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    assert [s["title"] for s in specs] == ["Districts by status, 01 May – 30 Sep 2021"]
    marks = [layer["mark"]["type"] for layer in specs[0]["layer"]]
    assert marks == ["line", "point", "point", "rule"]  # counts, date picker, published, date
    for measure in ("Provinces", "Area (km²)"):
        app.radio(key="chart_measure").set_value(measure).run()
        specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
        assert specs[0]["title"] == f"{measure} by status, 01 May – 30 Sep 2021"
    assert not app.exception


def test_a_place_found_by_any_name_opens_its_detail():
    app = start({"date": "2021-05-12"})
    labels = app.selectbox(key="place_search").options  # as the reader sees them
    nerkh = next(label for label in labels if "Nerkh" in label)
    assert nerkh.startswith("Nirkh, Wardak (AF0402)")
    assert len(labels) == 1 + 432  # every province and district
    app.radio(key="panel").set_value("Over time").run()
    app.selectbox(key="place_search").set_value("AF0402").run()
    assert app.session_state["selected"] == "AF0402"
    assert app.radio(key="panel").value == "Detail"
    assert "Nirkh" in " ".join(m.value for m in app.markdown)
