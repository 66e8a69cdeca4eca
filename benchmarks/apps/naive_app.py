"""The naive map: a whole new ``folium.Map`` with the province GeoJSON on every rerun.

This is what the issue "Fast scrubbing" compares Naqsha against: each slider step rebuilds the
map, styles every province by its status on the date, and hands the complete HTML/JS (geometry
included) to ``st_folium``. Because the script changes, streamlit-folium also gives the component
a new key, so the browser builds a new iframe and map each time. After the map is drawn, a small
script sets ``data-naqsha-date`` on the iframe's body one animation frame later, the same signal
Naqsha's layer gives, so the benchmark can time the repaint.

Leaflet is served from this app's own ``static/`` folder (written on first run, git-ignored),
because the benchmark blocks every request that leaves localhost. Run from the repository root
so that it uses the same ``.streamlit/config.toml``; ``NAQSHA_DATA`` and ``?date=`` work as in
the dashboard.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import folium
import streamlit as st
from branca.element import MacroElement
from date_slider import date_slider
from jinja2 import Template
from streamlit_folium import st_folium

from dashboard.data import SHIPPED_DATA, load_dataset
from dashboard.mapview.assets import install_static_assets
from dashboard.style import STATUS_STYLES
from dashboard.timeline import Timeline

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = "../../app/static"


class PaintedSignal(MacroElement):
    """Sets ``data-naqsha-date`` on the iframe's body one frame after the map script ran."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        window.requestAnimationFrame(function () {
            document.body.setAttribute("data-naqsha-date", {{ this.day|tojson }});
        });
        {% endmacro %}"""
    )

    def __init__(self, day: str):
        super().__init__()
        self._name = "PaintedSignal"
        self.day = day


st.set_page_config(page_title="Naive map benchmark", layout="wide")


@st.cache_resource(show_spinner="Loading data…")
def load(directory: str):
    install_static_assets(STATIC)
    dataset = load_dataset(Path(directory))
    return dataset, Timeline(dataset.units, dataset.control)


directory = os.environ.get("NAQSHA_DATA") or str(SHIPPED_DATA)
dataset, timeline = load(directory)
first, last = timeline.span()
last = max(last, date(2021, 9, 30)) if Path(directory) == SHIPPED_DATA else last

st.title("Naive map")
day = date_slider(first, last)

states = timeline.state_on(day)
provinces = dataset.geometry[[dataset.units[c].level == "province" for c in dataset.geometry.index]]
frame = provinces[["geometry"]].copy()
frame["unit"] = frame.index
frame["name_en"] = [dataset.units[c].name_en for c in frame.index]
frame["status"] = [states[c].status for c in frame.index]

m = folium.Map(location=[34.0, 66.0], zoom_start=6, tiles=None, control_scale=True)
m.default_js = [("leaflet", f"{ASSETS}/leaflet/leaflet.js")]
m.default_css = [("leaflet_css", f"{ASSETS}/leaflet/leaflet.css")]
folium.GeoJson(
    frame.to_json(),
    style_function=lambda f: {
        "fillColor": STATUS_STYLES[f["properties"]["status"]].colour,
        "fillOpacity": 0.75,
        "color": "#ffffff",
        "weight": 1,
        "className": "naqsha-province",
    },
    tooltip=folium.GeoJsonTooltip(["name_en", "status"]),
).add_to(m)
PaintedSignal(day.isoformat()).add_to(m)
m.fit_bounds([[29.3, 60.4], [38.5, 75.0]])
st_folium(m, key="map", height=620, use_container_width=True, returned_objects=[])
