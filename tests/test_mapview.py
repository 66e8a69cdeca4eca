"""The map layers: styles per status, the per-step payload, the base map and its assets."""

from __future__ import annotations

import gzip
import json
from datetime import date
from urllib.parse import unquote

import folium
import numpy as np
import pytest
import shapely

from dashboard.data.vocabulary import AFGHANISTAN_2021
from dashboard.mapview.assets import (
    geometry_collection,
    install_static_assets,
    simplified,
    write_static_json,
)
from dashboard.mapview.basemap import base_map, data_bounds, layer_options, parse_view
from dashboard.mapview.eventfiles import CHUNK, EventFiles, position_ranges
from dashboard.mapview.legend import legend_spec
from dashboard.mapview.payload import (
    MAX_MARKERS,
    events_payload,
    state_feature_group,
    state_payload,
    style_of,
    style_track,
    unit_centres,
    unit_styles,
)
from dashboard.mapview.resources import prepare_map
from dashboard.style import STATUS_STYLES, fill_for
from dashboard.timeline.events import EventFilter, events_on

BOUNDS = [[29.3, 60.4], [38.5, 75.0]]


def test_fills_use_patterns_so_colour_is_not_the_only_signal():
    assert fill_for(STATUS_STYLES, "taliban", "high", False) == STATUS_STYLES["taliban"].colour
    assert fill_for(STATUS_STYLES, "taliban", "low", False) == "url(#naqsha-low-taliban)"
    assert fill_for(STATUS_STYLES, "government", "high", True) == "url(#naqsha-low-government)"
    assert fill_for(STATUS_STYLES, "contested", "high", False) == "url(#naqsha-contested)"
    assert fill_for(STATUS_STYLES, "partial", "medium", False) == "url(#naqsha-partial)"


def test_payload_carries_status_fill_since_and_caveats(tiny):
    dataset, timeline = tiny
    payload = state_payload(timeline, date(2021, 9, 4), {"mode": "markers", "rows": [], "key": ""})
    assert payload["date"] == "2021-09-04"
    # Units are indexed by their position in units.csv: AF01, AF02, AF0201, AF0202.
    assert style_of(payload, 0) == ["taliban", "#D55E00", "2021-08-15", "high", "", 0.75]
    assert style_of(payload, 1)[:2] == ["partial", "url(#naqsha-partial)"]
    status, fill, since, confidence, note, opacity = style_of(payload, 2)
    assert opacity == 0.75  # a record of its own: not faded
    assert (status, fill, since, confidence) == (
        "taliban",
        "url(#naqsha-low-taliban)",
        "2021-09-03",
        "low",
    )
    assert note == "Claimed by Taliban; disputed by NRF; date approximate"


def test_units_sharing_a_style_share_one_entry(tiny):
    _, timeline = tiny
    kabul = timeline.state("AF01", date(2021, 9, 4))
    styles, indexes = unit_styles(
        {"a": kabul, "b": kabul, "c": timeline.state("AF02", date(2021, 9, 4))}, STATUS_STYLES
    )
    assert len(styles) == 2 and indexes == [0, 0, 1]


def test_a_district_without_a_record_of_its_own_is_faded(shipped_timeline):
    payload = state_payload(shipped_timeline, date(2021, 7, 1), {})
    codes = list(shipped_timeline.units)
    inherited = [c for c in codes if shipped_timeline.state(c, date(2021, 7, 1)).inherited]
    assert inherited
    for code in inherited:
        style = style_of(payload, codes.index(code))
        assert style[5] == 0.3 and "follows its province" in style[4]


def test_the_style_track_lists_a_unit_only_where_its_style_changes(tiny):
    _, timeline = tiny
    track = style_track(timeline)
    for pairs in track["tracks"]:
        assert pairs[0][0] == ""  # before any record: unknown
        assert [start for start, _ in pairs[1:]] == sorted(start for start, _ in pairs[1:])
        assert all(a[1] != b[1] for a, b in zip(pairs, pairs[1:], strict=False))


def test_the_payload_cannot_close_a_script_tag():
    m = folium.Map(tiles=None)
    state_feature_group({"units": {}, "note": "</script><script>alert(1)</script>"}).add_to(m)
    rendered = m.get_root().render()
    assert "</script><script>alert(1)" not in rendered
    assert "<\\/script>" in rendered


def test_event_markers_and_aggregation(tiny):
    dataset, _ = tiny
    window = events_on(dataset.events, date(2021, 9, 4), EventFilter(window="last 7 days"))
    assert list(window["event_id_cnty"]) == ["T2", "T3"]
    payload = events_payload(window, dataset.units, unit_centres(dataset.units, dataset.geometry))
    assert payload["mode"] == "markers"
    assert len(payload["rows"]) == 1  # the event abroad has no place on the map
    row = payload["rows"][0]
    assert (
        row[:4] == [34.5, 69.2, 0, "2021-09-03"]
        and row[7] == 3
        and row[8] == "https://example.org/e2"
    )
    many = window.loc[window.index.repeat(MAX_MARKERS + 1)].dropna(subset=["latitude"])
    aggregated = events_payload(many, dataset.units, unit_centres(dataset.units, dataset.geometry))
    assert aggregated["mode"] == "aggregate"
    assert aggregated["rows"] == [[34.5, 69.75, MAX_MARKERS + 1, 3 * (MAX_MARKERS + 1), "Beta"]]


def test_live_map_sends_positions_into_static_chunks_not_rows(tiny, tmp_path):
    dataset, _ = tiny
    centres = unit_centres(dataset.units, dataset.geometry)
    window = events_on(dataset.events, date(2021, 9, 4), EventFilter(window="last 7 days"))
    files = EventFiles(dataset.events, tmp_path)
    payload = files.payload(window, dataset.units, centres)
    assert set(payload) == {"mode", "chunks", "size", "show", "key"}
    assert payload["mode"] == "markers" and payload["size"] == CHUNK
    # Only the placed event is shown, by its position in the whole table.
    position = int(dataset.events.index[dataset.events["event_id_cnty"] == "T2"][0])
    assert payload["show"] == [[position, position + 1]]
    url = payload["chunks"]["0"]
    chunk = json.loads((tmp_path / "data" / url.rsplit("/", 1)[1]).read_text(encoding="utf-8"))
    assert len(chunk) == len(dataset.events)
    assert chunk[position] == events_payload(window, dataset.units, centres)["rows"][0]
    unplaced = dataset.events["latitude"].isna()
    assert [row is None for row in chunk] == list(unplaced)
    # The same window gives the same key (the browser skips the redraw); another date does not.
    assert files.payload(window, dataset.units, centres)["key"] == payload["key"]
    later = events_on(dataset.events, date(2021, 9, 4), EventFilter(window="that day"))
    assert files.payload(later, dataset.units, centres)["key"] != payload["key"]


def test_position_ranges():
    assert position_ranges(np.array([], dtype=int)) == []
    assert position_ranges(np.array([9, 3, 5, 4])) == [[3, 6], [9, 10]]
    assert position_ranges(np.arange(CHUNK - 2, CHUNK + 3)) == [[CHUNK - 2, CHUNK + 3]]


def test_event_filters(tiny):
    dataset, _ = tiny
    day = date(2021, 9, 4)
    assert list(
        events_on(dataset.events, day, EventFilter(window="that day"))["event_id_cnty"]
    ) == ["T3"]
    assert len(events_on(dataset.events, day, EventFilter(window="everything up to the date"))) == 3
    assert list(
        events_on(
            dataset.events, day, EventFilter(window="everything up to the date", min_fatalities=1)
        )["event_id_cnty"]
    ) == ["T2"]
    assert list(
        events_on(
            dataset.events,
            day,
            EventFilter(
                window="everything up to the date", event_types=("Strategic developments",)
            ),
        )["event_id_cnty"]
    ) == ["T3"]
    assert list(
        events_on(
            dataset.events, day, EventFilter(window="everything up to the date", actor="nrf")
        )["event_id_cnty"]
    ) == ["T2"]


def test_geometry_collection_has_the_tooltip_properties(tiny):
    dataset, _ = tiny
    collection = geometry_collection(dataset.geometry, dataset.units)
    properties = {f["properties"]["unit"]: f["properties"] for f in collection["features"]}
    assert properties["AF0201"] == {
        "unit": "AF0201",
        "i": 2,
        "level": "district",
        "parent": "AF02",
        "name_en": "Beta West",
        "name_fa": "",
        "schematic": True,
        "label": [34.5, 69.25],
    }
    assert properties["AF01"]["name_fa"] == "آلفا"
    # Beta has district shapes: drawn as an outline above them; Alpha has none: filled.
    assert properties["AF02"]["outline"] is True and properties["AF01"]["outline"] is False
    assert properties["AF02"]["capital"] == [34.5, 69.75, "Beta Town"]


def test_simplification_keeps_shared_edges(shipped):
    provinces = [u.unit for u in shipped.provinces()]
    before = shipped.geometry.loc[provinces]
    after = simplified(shipped.geometry, shipped.units).loc[provinces]
    assert (
        shapely.get_num_coordinates(after.geometry.values).sum()
        < shapely.get_num_coordinates(before.geometry.values).sum()
    )
    union_before = shapely.union_all(before.geometry.values).area
    # Areas in square degrees: only compared with each other, so no projection is needed.
    assert shapely.area(after.geometry.values).sum() == pytest.approx(
        shapely.union_all(after.geometry.values).area, rel=1e-9
    )  # no overlaps
    assert shapely.union_all(after.geometry.values).area == pytest.approx(union_before, rel=2e-3)
    assert after.geometry.is_valid.all()


def test_base_map_loads_only_local_assets(tmp_path):
    options = layer_options(
        AFGHANISTAN_2021, "../../app/static/data/geometry-x.json", None, "Boundaries: <b>test</b>"
    )
    html = base_map(options, BOUNDS).get_root().render()
    assert "cdn." not in html and "https://code.jquery" not in html and "cdnjs" not in html
    assert "../../app/static/leaflet/naqsha-bundle.js" in html
    assert "../../app/static/leaflet/naqsha-bundle.css" in html
    assert "Naqsha.init(" in html
    assert "<b>test" not in html and "\\u0026lt;b\\u0026gt;test" in html  # data text is escaped
    assert "tile.openstreetmap.org" not in html
    assert "tile.openstreetmap.org" in base_map(options, BOUNDS, tiles=True).get_root().render()


def test_base_map_starts_the_data_downloads_before_leaflet_loads():
    options = {
        "optionsUrl": "../../app/static/data/options-a.json",
        "geometryUrl": "../../app/static/data/geometry-b.json",
        "contextUrl": None,
        "trackUrl": "../../app/static/data/track-c.json",
    }
    scripts = [src for _, src in base_map(options, BOUNDS).default_js]
    assert len(scripts) == 2 and scripts[1].endswith("naqsha-bundle.js")
    code = unquote(scripts[0].removeprefix("data:text/javascript,"))
    assert scripts[0].startswith("data:text/javascript,") and "__FILES__" not in code
    files = json.loads(code[code.rindex("[") : code.rindex("]") + 1])
    assert files == [options["optionsUrl"], options["trackUrl"], options["geometryUrl"]]
    assert [src for _, src in base_map({"styles": {}}, BOUNDS).default_js] == [scripts[1]]


def test_prepare_map_writes_the_style_track_and_a_gzipped_geometry(tmp_path, tiny):
    dataset, timeline = tiny
    options = prepare_map(dataset, timeline, tmp_path).options
    track = json.loads((tmp_path / "data" / options["trackUrl"].rsplit("/", 1)[1]).read_text())
    assert track == json.loads(json.dumps(style_track(timeline)))
    packed = tmp_path / "data" / options["geometryUrl"].rsplit("/", 1)[1]
    assert packed.suffixes[-2:] == [".json", ".gz"]
    plain = packed.with_suffix("")  # for browsers without DecompressionStream
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()
    assert len(json.loads(plain.read_text())["features"]) == len(dataset.geometry)


def test_static_assets_are_real_files(tmp_path):
    install_static_assets(tmp_path)
    leaflet = tmp_path / "leaflet" / "leaflet.js"
    assert (
        leaflet.is_file() and not leaflet.is_symlink() and b"Leaflet" in leaflet.read_bytes()[:2000]
    )
    assert (tmp_path / "markercluster" / "leaflet.markercluster.js").is_file()
    assert (tmp_path / "naqsha" / "naqsha.js").is_file()
    # One script holds Leaflet, the plugin and ours, in that order; one stylesheet beside
    # Leaflet's images.
    bundle = (tmp_path / "leaflet" / "naqsha-bundle.js").read_text(encoding="utf-8")
    assert bundle.index("Leaflet") < bundle.index("MarkerClusterGroup") < bundle.index("Naqsha")
    css = (tmp_path / "leaflet" / "naqsha-bundle.css").read_text(encoding="utf-8")
    assert "images/layers.png" in css and ".marker-cluster" in css and ".naqsha" in css
    url = write_static_json({"type": "FeatureCollection", "features": []}, "geometry", tmp_path)
    name = url.rsplit("/", 1)[1]
    assert json.loads((tmp_path / "data" / name).read_text()) == {
        "type": "FeatureCollection",
        "features": [],
    }
    assert (
        write_static_json({"type": "FeatureCollection", "features": []}, "geometry", tmp_path)
        == url
    )


def test_legend_is_data_with_every_status_its_colour_and_pattern():
    # Expected values written out here, not read from the table under test.
    legend = legend_spec(AFGHANISTAN_2021)
    rows = {row["label"]: (row["colour"], row["pattern"]) for row in legend["rows"]}
    assert rows["Government"] == ("#0072B2", "solid")
    assert rows["Taliban"] == ("#D55E00", "solid")
    assert rows["Resistance"] == ("#009E73", "solid")
    assert rows["Contested"] == ("#E69F00", "hatch")
    assert rows["Partial"] == ("#CC79A7", "cross")
    assert rows["Striped: low confidence, claim or inferred date"][1] == "low"
    assert not any("schematic" in label for label in rows)
    assert any(
        "schematic" in row["label"] for row in legend_spec(AFGHANISTAN_2021, schematic=True)["rows"]
    )
    assert [e["letter"] for e in legend["events"]] == ["B", "E", "V", "P", "R", "S"]
    # Nothing in it is markup: naqsha.js inserts every string with textContent.
    assert "<" not in json.dumps(legend)


@pytest.mark.parametrize(
    "text, view",
    [
        ("35.4,69.6,9", [35.4, 69.6, 9.0]),
        ("35.4,69.6", None),
        ("91,69.6,9", None),
        ("35,181,9", None),
        ("35,69,30", None),
        ("nan,69,9", None),
        ("<b>,1,2", None),
    ],
)
def test_a_shared_view_is_three_numbers_in_range(text, view):
    assert parse_view(text) == view


def test_a_sessions_event_files_are_private_and_deleted_with_it(tiny, tmp_path):
    import gc

    dataset, _ = tiny
    files = EventFiles(dataset.events, tmp_path, private=True)
    url = files.chunk_url(0)
    folder = url.split("/data/")[1].split("/")[0]
    assert folder.startswith("session-") and len(folder) > 30  # unguessable
    assert (tmp_path / "data" / folder).is_dir()
    del files
    gc.collect()
    assert not (tmp_path / "data" / folder).exists()
    assert list((tmp_path / "data").iterdir()) == []


def test_a_place_is_named_once_and_notes_are_sent_whole():
    from types import SimpleNamespace

    import pandas as pd

    from dashboard.mapview.payload import marker_row, place_text

    assert place_text("Kabul", "Kabul", "kabul ") == "Kabul"
    assert place_text("Bazarak", "", "Panjshir") == "Bazarak, Panjshir"
    notes = "x" * 5000
    event = SimpleNamespace(
        event_type="Battles", sub_event_type="Armed clash", location="Kabul", admin2="Kabul",
        admin1="Kabul", notes=notes, latitude=34.5, longitude=69.2, fatalities=float("nan"),
        geo_precision=1, time_precision=1, event_date=pd.Timestamp("2021-08-26"),
        source_url="https://example.org/", source="Pub",
    )  # fmt: skip
    row = marker_row(event)
    assert row[5] == "Kabul" and row[6] == notes


def test_a_click_opens_the_province_then_the_district_under_it(tmp_path, shipped, shipped_timeline):
    resources = prepare_map(shipped, shipped_timeline, tmp_path)
    bazarak = shipped.units["AF08"]  # Panjshir's capital, inside the district of Bazarak
    lat, lon = bazarak.centre_lat, bazarak.centre_lon
    assert resources.unit_at(lat, lon, "") == "AF08"
    district = resources.unit_at(lat, lon, "AF08")
    assert shipped.units[district].parent == "AF08"
    assert resources.unit_at(lat, lon, "AF01") == "AF08"  # another province is open
    assert resources.unit_at(0.0, 0.0, "") is None


def test_every_map_opens_on_the_datas_own_extent(shipped, tiny):
    assert data_bounds(shipped.geometry) == [[29.377, 60.472], [38.49, 74.889]]
    dataset, _ = tiny
    (south, west), (north, east) = data_bounds(dataset.geometry)
    assert south < north and west < east
    html = base_map({"styles": {}}, [[10.0, 20.0], [11.0, 21.0]]).get_root().render()
    assert "[[10.0, 20.0], [11.0, 21.0]]" in html
