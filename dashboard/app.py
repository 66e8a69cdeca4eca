"""Naqsha's Streamlit app: the page's layout, wired from the panels in ``dashboard/ui``; the
work happens in the layers below."""

from __future__ import annotations

import time
from datetime import date

import streamlit as st

from dashboard.data import DataError, Dataset
from dashboard.detail import (
    markdown_text,
)
from dashboard.mapview.resources import MapResources
from dashboard.serving import prepared
from dashboard.timeline import Timeline
from dashboard.timeline.core import opening_date, period
from dashboard.timeline.events import EventFilter
from dashboard.ui.controls import date_controls, keep_playing, summary
from dashboard.ui.mapframe import draw_map
from dashboard.ui.panels import changes_panel, detail_panel, export_panel, over_time_panel
from dashboard.ui.session import (
    active_directory,
    collect_closed_sessions,
    init_state,
    map_first,
)
from dashboard.ui.sidebar import sidebar, sidebar_placeholder

PANELS = ["Detail", "Changes between dates", "Over time", "Export & cite"]


def main() -> None:
    st.set_page_config(page_title="Naqsha", layout="wide")
    directory = active_directory()
    new_session = "address_date" not in st.session_state
    try:
        with st.spinner("Loading data…"):
            ready = prepared(directory, check=new_session)
    except (DataError, OSError) as error:
        st.error(f"The data in {directory} cannot be loaded. Fix the problems below and reload.")
        st.code(str(error), language=None)
        st.stop()
    dataset, timeline, resources = ready.dataset, ready.timeline, ready.resources
    first, last = period(dataset, timeline)
    init_state(first, last, opening_date(dataset, timeline), dataset.units)

    # The browser tab names the data package shown (the shipped one, or the reader's own).
    st.set_page_config(page_title=f"Naqsha — {dataset.title}")
    first_map = map_first()
    chosen = sidebar_placeholder() if first_map else sidebar(dataset)
    with st.container(horizontal=True, vertical_alignment="bottom", key="heading"):
        st.title("Naqsha · نقشه", width="content")
        st.caption(dataset.vocabulary.subtitle)
    for notice in st.session_state.get("address_notices", ()):
        st.info(markdown_text(notice), icon="ℹ️")
    view(dataset, timeline, resources, (first, last), chosen, first_map)
    if new_session:
        collect_closed_sessions()


@st.fragment
def view(
    dataset: Dataset,
    timeline: Timeline,
    resources: MapResources,
    span: tuple[date, date],
    chosen: tuple[EventFilter, bool],
    first_map: bool = False,
) -> None:
    """Everything that depends on the date. A fragment: a slider step, a click or a panel
    change reruns only this, not the sidebar, so each step does less and sends less.
    ``first_map``: the date buttons, the slider and the map only (see ``map_first``)."""
    st.session_state.run_started = time.monotonic()
    if "advance_to" in st.session_state:  # set by playback before the slider exists
        st.session_state.date = st.session_state.pop("advance_to")
    first, last = span
    day = date_controls(timeline, dataset, first, last, menus=not first_map)

    # The map first: on a phone the columns stack, and the counters and panels come under it.
    map_column, side_column = st.columns([3, 2])
    if first_map:
        with map_column:
            draw_map(dataset, timeline, resources, day, chosen)
        return
    with side_column:
        summary(timeline, day)
    # Only the chosen panel is built, so a slider step sends nothing for the others.
    panel = side_column.radio(
        "Panel", PANELS, horizontal=True, key="panel", label_visibility="collapsed"
    )
    highlight: tuple[str, ...] = ()
    if panel == "Changes between dates":
        with side_column:
            highlight = changes_panel(timeline, day, first, last)
    with map_column:
        events = draw_map(dataset, timeline, resources, day, chosen, highlight, panel == "Detail")
    with side_column:
        if panel == "Detail":
            detail_panel(dataset, timeline, day)
        elif panel == "Over time":
            over_time_panel(dataset, timeline, day, first, last)
        elif panel == "Export & cite":
            export_panel(dataset, timeline, day, events)
    keep_playing(day, last)


main()
