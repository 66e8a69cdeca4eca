"""The least any map on this stack can do per step: the slider and Naqsha's map, nothing else.

The same "Date" slider as the floor app, and ``st_folium`` with Naqsha's base map and its
style-only update (no events, no panels, no other widgets). Its step time is the floor for any
design that draws the map with streamlit-folium: what Naqsha adds on top of it is the cost of
its other widgets. Run from the repository root; ``NAQSHA_DATA`` and ``?date=`` work as in the
dashboard.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import streamlit as st
from date_slider import date_slider
from streamlit_folium import st_folium

from dashboard.data import SHIPPED_DATA, load_dataset
from dashboard.mapview.basemap import base_map
from dashboard.mapview.payload import state_feature_group, state_payload
from dashboard.mapview.resources import prepare_map
from dashboard.timeline import Timeline

FIRST, LAST = date(2021, 5, 1), date(2021, 9, 30)
STATIC = Path(__file__).resolve().parent / "static"  # served beside this script; git-ignored
NO_EVENTS = {"mode": "markers", "rows": [], "key": "none"}

st.set_page_config(page_title="Map-only benchmark", layout="wide")


@st.cache_resource(show_spinner="Loading data…")
def load(directory: str):
    dataset = load_dataset(Path(directory))
    timeline = Timeline.from_dataset(dataset)
    return timeline, prepare_map(dataset, timeline, STATIC)


timeline, resources = load(os.environ.get("NAQSHA_DATA") or str(SHIPPED_DATA))

st.title("Map only")
day = date_slider(FIRST, LAST)
st_folium(
    base_map(resources.options, resources.bounds, tiles=False),
    feature_group_to_add=state_feature_group(state_payload(timeline, day, NO_EVENTS)),
    returned_objects=[],
    key="map",
    height=620,
    use_container_width=True,
)
