"""The map itself: the Leaflet frame, the per-date payload it is sent, clicks, and events with
no place on the map."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.data import Dataset
from dashboard.detail import (
    safe_link,
)
from dashboard.mapview.basemap import base_map
from dashboard.mapview.payload import (
    state_feature_group,
    state_payload,
)
from dashboard.mapview.resources import MapResources
from dashboard.timeline import Timeline
from dashboard.timeline.events import EventFilter, events_on
from dashboard.ui import LINK
from dashboard.ui.controls import DATE_SLIDER
from dashboard.ui.panels import DETAIL
from dashboard.ui.session import (
    REST_OF_PAGE,
    current_event_files,
    current_events,
)

# The map's height before its script knows the window's; the script then makes it as tall as
# the window allows below the frame's top, within min and max, leaving margin under it.
MAP_HEIGHT = 620
FIT_HEIGHT = {"min": 400, "max": 1000, "margin": 16}


def draw_map(
    dataset: Dataset,
    timeline: Timeline,
    resources: MapResources,
    day: date,
    chosen: tuple[EventFilter, bool],
    highlight: tuple[str, ...] = (),
    detail: bool = False,
) -> pd.DataFrame:
    """Draw the map; return the events in the window. ``detail``: the detail panel is shown."""
    event_filter, tiles = chosen
    events = events_on(current_events(dataset), day, event_filter)
    payload = state_payload(
        timeline,
        day,
        current_event_files(dataset, resources).payload(events, dataset.units, resources.centres),
        st.session_state.selected or None,
        highlight,
        detail,
    )

    def on_click() -> None:
        clicked = (st.session_state.get("map") or {}).get("last_clicked")
        if clicked:
            selected = st.session_state.selected
            found = resources.unit_at(clicked["lat"], clicked["lng"], selected)
            if found:
                st.session_state.selected = found

    st_folium(
        base_map(
            {
                **resources.options,
                "follow": DATE_SLIDER,
                "detail": DETAIL,
                "fitHeight": FIT_HEIGHT,
                "pressWhenDrawn": f".st-key-{REST_OF_PAGE} button",
                "view": st.session_state.get("address_view"),
            },
            resources.bounds,
            tiles=tiles,
        ),
        feature_group_to_add=state_feature_group(payload),
        returned_objects=["last_clicked"],
        key="map",
        on_change=on_click,
        height=MAP_HEIGHT,
        use_container_width=True,
    )
    off_map = events[events["latitude"].isna()]
    # A toggle rather than an expander: an expander's table would be sent on every step.
    if len(off_map) and st.toggle(
        f"List the {len(off_map)} event(s) in this window with no place on the map",
        key="list_off_map",
    ):
        st.dataframe(
            off_map[["event_date", "country", "sub_event_type", "notes", "source_url"]].assign(
                source_url=[safe_link(u) for u in off_map["source_url"]]
            ),
            column_config={"source_url": LINK},
            hide_index=True,
        )
    return events
