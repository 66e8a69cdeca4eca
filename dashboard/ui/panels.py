"""The side panels beside the map: a unit's detail, changes between dates, charts over time, and
exports with a citation."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard.charts import (
    control_chart,
    districts_chart,
    published_points,
    status_area,
    status_counts,
)
from dashboard.data import Dataset
from dashboard.detail import (
    changes_table,
    district_shares,
    districts_table,
    events_table,
    heading_html,
    history_table,
    last_confirmed,
    status_html,
)
from dashboard.export import (
    changes_csv,
    citation,
    view_files,
)
from dashboard.style import status_styles
from dashboard.timeline import Timeline
from dashboard.ui import LINK
from dashboard.ui.session import (
    current_events,
)
from dashboard.ui.tables import show_changes, show_districts, show_history

# Where the map's "Detail ↓" (on a phone) takes the reader: Streamlit gives a keyed container
# the class ``st-key-<key>``.
DETAIL = ".st-key-detail"


def detail_panel(dataset: Dataset, timeline: Timeline, day: date) -> None:
    with st.container(key="detail"):
        unit_detail(dataset, timeline, day)


def unit_detail(dataset: Dataset, timeline: Timeline, day: date) -> None:
    code = st.session_state.selected
    options = unit_options(dataset, code)
    st.session_state.unit_picker = code
    st.selectbox(
        "Province or district",
        options,
        key="unit_picker",
        on_change=pick_unit,
        format_func=lambda c: "Click the map or choose…" if not c else unit_label(dataset.units[c]),
    )
    if not code:
        st.info(
            "Click a province on the map, or choose one above, to see its status, history, districts, events and sources."
        )
        return
    state = timeline.state(code, day)
    words = dataset.vocabulary
    st.markdown(
        heading_html(state, words.second_name) + status_html(state, day, words),
        unsafe_allow_html=True,
    )
    confirmed = last_confirmed(timeline, code, day)
    if confirmed:
        st.caption(
            f"Last confirmed by a source: {confirmed.isoformat()} ({(day - confirmed).days} days before the date shown)"
        )
    if state.districts:
        st.subheader("Districts")
        st.caption(district_shares(timeline, code, day))
        show_districts(districts_table(timeline, code, day), words.second_name.label)
    st.subheader("History")
    show_history(history_table(timeline, code))
    st.subheader(f"Events within a week of {day.isoformat()}")
    near = events_table(current_events(dataset), code, day)
    if len(near):
        st.dataframe(near, column_config={"source": LINK}, hide_index=True)
    else:
        st.caption("No recorded events in this unit within a week of the date.")


def pick_unit() -> None:
    st.session_state.selected = st.session_state.unit_picker


def unit_options(dataset: Dataset, selected: str) -> list[str]:
    """Provinces, plus the districts of the selected unit's province (not all of them: with
    official boundaries there are hundreds, and the list is sent on every step)."""
    unit = dataset.units.get(selected)
    province = (unit.parent or unit.unit) if unit else ""
    return [
        "",
        *(u.unit for u in dataset.provinces()),
        *(u.unit for u in dataset.districts_of(province)),
    ]


def unit_label(unit) -> str:
    """The picker's label: name, code, and other names so that typing a news spelling finds it."""
    also = f" – also {', '.join(unit.aliases)}" if unit.aliases else ""
    return f"{unit.name_en} ({unit.unit}){also}"


def changes_panel(timeline: Timeline, day: date, first: date, last: date) -> tuple[str, ...]:
    """Units whose status changed between two dates, with sources; returns them to highlight."""
    default = (max(first, day - timedelta(days=7)), day)
    picked = st.date_input(
        "From and to",
        value=default,
        min_value=first,
        max_value=last,
        key="changes_range",
        format="YYYY-MM-DD",
    )
    if not isinstance(picked, tuple) or len(picked) != 2:
        st.caption("Pick the second date.")
        return ()
    changes = changes_table(timeline, *picked)
    if changes.empty:
        st.caption("No status changed in that window.")
        return ()
    show_changes(changes)
    st.download_button(
        "Download as CSV",
        changes_csv(timeline, *picked),
        file_name=f"naqsha-changes-{picked[0]}-{picked[1]}.csv",
        mime="text/csv",
    )
    highlight = st.toggle("Highlight these units on the map", value=False, key="highlight_changes")
    return tuple(changes["unit"]) if highlight else ()


def over_time_panel(
    dataset: Dataset, timeline: Timeline, day: date, first: date, last: date
) -> None:
    """Districts, provinces or area in each status per day; clicking the chart moves the date."""
    measures = ["Districts", "Provinces", "Area (km²)"]
    measure = st.radio("Measure", measures, horizontal=True, key="chart_measure")
    title = f"{measure} by status, {first:%d %b} – {last:%d %b %Y}"
    styles = status_styles(timeline.vocabulary)
    if measure == "Districts":
        frame = status_counts(timeline, dataset.units, first, last, "district")
        points = published_points(dataset.published_counts, first, last, styles)
        chart = districts_chart(frame, points, day, title, styles)
    elif measure == "Provinces":
        frame = status_counts(timeline, dataset.units, first, last)
        chart = control_chart(frame, "provinces", day, title, styles)
    else:
        area = status_area(dataset, timeline, first, last)
        chart = control_chart(area, "area_km2", day, title, styles)
    st.altair_chart(
        chart, on_select=pick_date, selection_mode="picked", key="chart", width="stretch"
    )
    st.caption(
        "Click the chart to move the map to that date. Districts: lines are this data's counts (a district with no record of its own counts in its province's status); points are totals published at the time (circles independent assessments, squares official statements, triangles claims), each linking to its source. Published totals use other district lists (370–421 districts). No sourced population figure per province is shipped, so there is no population view."
    )


def pick_date() -> None:
    picked = st.session_state.chart.selection.get("picked") or []
    if picked and picked[0].get("date"):
        st.session_state.date = date.fromisoformat(picked[0]["date"][:10])


def export_panel(dataset: Dataset, timeline: Timeline, day: date, events: pd.DataFrame) -> None:
    """Downloads of the view on demand (so scrubbing stays fast), and a citation."""
    selected = st.session_state.selected or None
    view = (day, selected, st.session_state.get("window"), len(events))
    if st.button("Prepare downloads of this view", key="prepare_exports"):
        files = view_files(dataset, timeline, day, events, selected)
        st.session_state.exports = {"view": view, "files": files}
    exports = st.session_state.get("exports")
    if exports and exports["view"] == view:
        for file in exports["files"]:
            st.download_button(
                file.label,
                file.data,
                file_name=file.name,
                mime=file.mime,
                key=f"download-{file.name}",
            )
    st.header("Cite this view")
    st.code(
        citation(dataset, timeline, day, selected, accessed=date.today()),
        language=None,
        wrap_lines=True,
    )
