"""Naqsha's Streamlit app: widgets, session state and layout only; the work happens below it."""

from __future__ import annotations

import gc
import json
import os
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit_folium import st_folium

from dashboard.address import read_address
from dashboard.charts import (
    control_chart,
    districts_chart,
    published_points,
    status_area,
    status_counts,
)
from dashboard.data import SHIPPED_DATA, DataError, Dataset
from dashboard.data.acled import (
    merge_events,
    read_acled,
    suggested_changes,
    suggestions_csv,
)
from dashboard.data.acled_report import outside_period_note
from dashboard.data.boundaries import read_official_boundaries
from dashboard.data.boundary_writer import replace_geometry
from dashboard.data.uploads import fresh_work_directory, remove_directory, save_upload
from dashboard.detail import (
    changes_table,
    district_shares,
    districts_table,
    events_table,
    heading_html,
    history_table,
    last_confirmed,
    markdown_text,
    safe_link,
    source_markdown,
    status_html,
    summary_counts,
)
from dashboard.export import (
    changes_csv,
    citation,
    events_csv_text,
    standalone_html,
    state_csv,
    state_geojson,
)
from dashboard.mapview.basemap import base_map
from dashboard.mapview.eventfiles import EventFiles
from dashboard.mapview.payload import (
    EVENT_TYPES,
    events_payload,
    state_feature_group,
    state_payload,
)
from dashboard.mapview.resources import MapResources
from dashboard.serving import prepared
from dashboard.style import STATUS_STYLES
from dashboard.timeline import Timeline
from dashboard.timeline.core import period
from dashboard.timeline.events import WINDOWS, EventFilter, events_on

DEFAULT_DATE = date(2021, 9, 4)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # the same limit as server.maxUploadSize
# Bounds an upload's memory (a 176k-row file peaked at 1.4 GB); the CLI import has no such limit.
MAX_UPLOAD_ROWS = 100_000
PANELS = ["Detail", "Changes between dates", "Over time", "Export & cite"]
LINK = st.column_config.LinkColumn("source", display_text="open")
# The map restyles itself as soon as this slider moves (see naqsha.js); Streamlit gives a keyed
# widget's element the class ``st-key-<key>``.
DATE_SLIDER = ".st-key-date input[type='range']"


def data_directory() -> Path:
    return Path(os.environ.get("NAQSHA_DATA") or SHIPPED_DATA)


def init_state(first: date, last: date, units: dict) -> None:
    """Take the date and unit from the address (``?date=…&unit=…``) on a session's first run.

    The address's date becomes the slider's default, not its value: a browser that reconnects to
    a restarted server sends the slider's date with the address it was first loaded from (the
    map keeps the address up to date itself, in ``naqsha.js``, which Streamlit does not see), and
    the slider's date must win.
    """
    if "address_date" in st.session_state:
        return
    params = {key: st.query_params.get(key, "") for key in ("date", "unit", "view")}
    address = read_address(params, first, last, units, DEFAULT_DATE)
    st.session_state.address_date = address.date
    st.session_state.selected = address.unit
    st.session_state.address_view = address.view
    st.session_state.address_notices = address.notices


def jump(target: date) -> None:
    st.session_state.date = target


def main() -> None:
    st.set_page_config(page_title="Naqsha — control of Afghanistan, 2021", layout="wide")
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
    init_state(first, last, dataset.units)

    chosen = sidebar(dataset)
    st.title("Naqsha · نقشه")
    st.caption("Who controlled which part of Afghanistan on each day of 2021, and how we know.")
    for notice in st.session_state.get("address_notices", ()):
        st.info(markdown_text(notice), icon="ℹ️")
    view(dataset, timeline, resources, (first, last), chosen)
    if new_session:
        collect_closed_sessions()


@st.cache_resource
def _housekeeping() -> dict:
    return {"last_collect": None}


def collect_interval() -> float:
    """Seconds between collections: ``NAQSHA_COLLECT_INTERVAL_S`` (default 60)."""
    try:
        return max(0.0, float(os.environ.get("NAQSHA_COLLECT_INTERVAL_S", "60")))
    except ValueError:
        return 60.0


def collect_closed_sessions() -> None:
    """Free what closed sessions held, at the end of a new session's first run (its page has
    been sent), at most once per :func:`collect_interval`. Streamlit forgets a disconnected
    session ``server.disconnectedSessionTTL`` after it left (at the next departure of any
    session), but the session's objects hold reference cycles, and with ``runner.postScriptGC``
    off nothing else runs a full collection (about 45 ms with the shipped data)."""
    state = _housekeeping()
    now = time.monotonic()
    if state["last_collect"] is None or now - state["last_collect"] >= collect_interval():
        state["last_collect"] = now
        gc.collect()


@st.fragment
def view(
    dataset: Dataset,
    timeline: Timeline,
    resources: MapResources,
    span: tuple[date, date],
    chosen: tuple[EventFilter, bool],
) -> None:
    """Everything that depends on the date. A fragment: a slider step, a click or a panel
    change reruns only this, not the sidebar, so each step does less and sends less."""
    st.session_state.run_started = time.monotonic()
    if "advance_to" in st.session_state:  # set by playback before the slider exists
        st.session_state.date = st.session_state.pop("advance_to")
    first, last = span
    day = date_controls(timeline, dataset, first, last)
    summary(timeline, day)

    map_column, side_column = st.columns([3, 2])
    # Only the chosen panel is built, so a slider step sends nothing for the others.
    panel = side_column.radio(
        "Panel", PANELS, horizontal=True, key="panel", label_visibility="collapsed"
    )
    highlight: tuple[str, ...] = ()
    if panel == "Changes between dates":
        with side_column:
            highlight = changes_panel(timeline, day, first, last)
    with map_column:
        events = draw_map(dataset, timeline, resources, day, chosen, highlight)
    with side_column:
        if panel == "Detail":
            detail_panel(dataset, timeline, day)
        elif panel == "Over time":
            over_time_panel(dataset, timeline, day, first, last)
        elif panel == "Export & cite":
            export_panel(dataset, timeline, day, events, resources.centres)
    keep_playing(day, last)


def toggle_play() -> None:
    st.session_state.playing = not st.session_state.get("playing", False)


def keep_playing(day: date, last: date) -> None:
    """Advance one day per step while playing; stop at the end of the data.

    The step waits out the rest of its interval after the page is sent, so a slow rerun makes
    playback slower rather than queueing steps: there is never more than one pending rerun.
    """
    if not st.session_state.get("playing"):
        return
    if day >= last:
        st.session_state.playing = False
        rerun_view()
    time.sleep(
        max(
            0.0,
            1.0 / st.session_state.get("speed", 2)
            - (time.monotonic() - st.session_state.run_started),
        )
    )
    st.session_state.advance_to = day + timedelta(days=1)
    rerun_view()


def rerun_view() -> None:
    """Rerun the date-dependent fragment only; during a full run, Streamlit allows only a
    full rerun."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:
        st.rerun()


def pick_date() -> None:
    picked = st.session_state.chart.selection.get("picked") or []
    if picked and picked[0].get("date"):
        st.session_state.date = date.fromisoformat(picked[0]["date"][:10])


def over_time_panel(
    dataset: Dataset, timeline: Timeline, day: date, first: date, last: date
) -> None:
    """Districts, provinces or area in each status per day; clicking the chart moves the date."""
    measures = ["Districts", "Provinces", "Area (km²)"]
    measure = st.radio("Measure", measures, horizontal=True, key="chart_measure")
    title = f"{measure} by status, {first:%d %b} – {last:%d %b %Y}"
    if measure == "Districts":
        frame = status_counts(timeline, dataset.units, first, last, "district")
        points = published_points(dataset.published_counts, first, last)
        chart = districts_chart(frame, points, day, title)
    elif measure == "Provinces":
        frame = status_counts(timeline, dataset.units, first, last)
        chart = control_chart(frame, "provinces", day, title)
    else:
        chart = control_chart(status_area(dataset, timeline, first, last), "area_km2", day, title)
    st.altair_chart(
        chart, on_select=pick_date, selection_mode="picked", key="chart", width="stretch"
    )
    st.caption(
        "Click the chart to move the map to that date. Districts: lines are this data's counts (a district with no record of its own counts in its province's status); points are totals published at the time (circles independent assessments, squares official statements, triangles claims), each linking to its source. Published totals use other district lists (370–421 districts). No sourced population figure per province is shipped, so there is no population view."
    )


def export_panel(
    dataset: Dataset, timeline: Timeline, day: date, events: pd.DataFrame, centres: dict
) -> None:
    """Downloads of the view on demand (so scrubbing stays fast), and a citation."""
    selected = st.session_state.selected or None
    view = (day, selected, st.session_state.get("window"), len(events))
    if st.button("Prepare downloads of this view", key="prepare_exports"):
        stem = f"naqsha-{day.isoformat()}"
        st.session_state.exports = {
            "view": view,
            "files": [
                (
                    "State as GeoJSON",
                    json.dumps(state_geojson(dataset, timeline, day), ensure_ascii=False),
                    f"{stem}.geojson",
                    "application/geo+json",
                ),
                ("State as CSV", state_csv(dataset, timeline, day), f"{stem}.csv", "text/csv"),
                ("Events shown as CSV", events_csv_text(events), f"{stem}-events.csv", "text/csv"),
                (
                    "Map as standalone HTML (works offline)",
                    standalone_html(
                        dataset,
                        timeline,
                        day,
                        events_payload(events, dataset.units, centres),
                        selected,
                    ),
                    f"{stem}.html",
                    "text/html",
                ),
            ],
        }
    exports = st.session_state.get("exports")
    if exports and exports["view"] == view:
        for label, data, name, mime in exports["files"]:
            st.download_button(label, data, file_name=name, mime=mime, key=f"download-{name}")
    st.subheader("Cite this view")
    st.code(
        citation(dataset, timeline, day, selected, accessed=date.today()),
        language=None,
        wrap_lines=True,
    )


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
    table = changes_table(timeline, *picked)
    if table.empty:
        st.caption("No status changed in that window.")
        return ()
    st.dataframe(table, column_config={"source": LINK}, hide_index=True)
    st.download_button(
        "Download as CSV",
        changes_csv(timeline, *picked),
        file_name=f"naqsha-changes-{picked[0]}-{picked[1]}.csv",
        mime="text/csv",
    )
    highlight = st.toggle("Highlight these units on the map", value=False, key="highlight_changes")
    return tuple(table["unit"]) if highlight else ()


def sidebar(dataset: Dataset) -> tuple[EventFilter, bool]:
    with st.sidebar:
        st.header("Events")
        window = st.radio("Show events from", list(WINDOWS), index=1, key="window")
        events = current_events(dataset)
        types = st.multiselect("Event types", EVENT_TYPES, key="types", placeholder="All types")
        subtypes = sorted(events["sub_event_type"].dropna().unique())
        sub_types = st.multiselect(
            "Sub-event types", subtypes, key="sub_types", placeholder="All sub-event types"
        )
        actor = st.text_input("Actor contains", key="actor", placeholder="e.g. Taliban")
        fatalities = st.number_input(
            "Minimum fatalities", min_value=0, value=0, step=1, key="min_fatalities"
        )
        precise = st.checkbox(
            "Only events with an exact place and date",
            key="precise",
            help="Hide events whose ACLED geo_precision or time_precision is 2 or 3",
        )
        tiles = st.checkbox("Basemap tiles (needs internet)", value=False, key="tiles")
        import_panel(dataset)
        data_panel(dataset)
    limit = 1 if precise else 3
    chosen = EventFilter(
        window=window,
        event_types=tuple(types),
        sub_event_types=tuple(sub_types),
        actor=actor.strip(),
        min_fatalities=int(fatalities),
        max_geo_precision=limit,
        max_time_precision=limit,
    )
    return chosen, tiles


def data_panel(dataset: Dataset) -> None:
    st.header("Data")
    boundary = dataset.boundary_set
    # Markdown, not HTML: HTML here would make every first page load Streamlit's HTML renderer.
    st.markdown(
        f"**{markdown_text(dataset.title)}**, version {markdown_text(dataset.version)}  \n"
        f"Boundaries: {markdown_text(boundary.get('name', ''))}"
        f" ({markdown_text(boundary.get('licence', ''))}). {source_markdown(boundary.get('source', ''))}"
    )


def session_upload(dataset: Dataset) -> dict | None:
    """The ACLED upload of this session, if it was merged into this dataset's events."""
    extra = st.session_state.get("extra_events")
    return extra if extra and extra["directory"] == str(dataset.directory) else None


def current_events(dataset: Dataset) -> pd.DataFrame:
    """The dataset's events plus any ACLED file uploaded in this session."""
    upload = session_upload(dataset)
    return upload["events"] if upload else dataset.events


def current_event_files(dataset: Dataset, resources: MapResources) -> EventFiles:
    """The static marker files for :func:`current_events`."""
    upload = session_upload(dataset)
    return upload["files"] if upload else resources.event_files


def import_panel(dataset: Dataset) -> None:
    """Uploads for this session only; a bad file shows its problems and changes nothing."""
    # A toggle, not an expander: an expander's uploaders would be built (and their code loaded by
    # the browser) on every page load, delaying the first map.
    if st.toggle("Add your own data (this session only)", key="show_import"):
        upload = st.file_uploader("ACLED events (CSV export)", type=["csv"], key="acled_upload")
        if upload is not None and st.session_state.get("acled_done") != upload.file_id:
            st.session_state.acled_done = upload.file_id
            add_acled(dataset, upload.name, upload.getvalue())
        extra = st.session_state.get("extra_events")
        if extra:
            st.success(f"{markdown_text(extra['name'])}: {markdown_text(extra['report'])}")
            suggestions = [r for r in extra["suggestions"] if not r.get("skipped")]
            if suggestions:
                st.caption(
                    f"{len(suggestions)} suggested control change(s) from ACLED territorial events, for review:"
                )
                st.dataframe(
                    pd.DataFrame(suggestions)[["unit", "status", "valid_from", "note"]],
                    hide_index=True,
                )
                st.download_button(
                    "Suggested control changes (CSV)",
                    suggestions_csv(extra["suggestions"]),
                    file_name="suggested_control_changes.csv",
                    mime="text/csv",
                )
        st.divider()
        boundaries_form()
    if st.session_state.get("import_problems"):
        st.error("That file was not loaded; your other data is unchanged.")
        st.code("\n".join(st.session_state.import_problems), language=None)


def add_acled(dataset: Dataset, name: str, content: bytes) -> None:
    try:
        imported = read_acled(
            content,
            name,
            dataset.units,
            dataset.geometry,
            max_bytes=MAX_UPLOAD_BYTES,
            max_rows=MAX_UPLOAD_ROWS,
        )
        matched = imported.events[imported.events["province"] != ""]
        merged = merge_events(current_events(dataset), matched, name)
    except DataError as error:
        st.session_state.import_problems = [str(p) for p in error.problems]
        return
    st.session_state.import_problems = []
    report = f"{imported.report.summary()} {len(matched)} event(s) added."
    report += f" {outside_period_note(matched, dataset.period)}".rstrip()
    st.session_state.extra_events = {
        "directory": str(dataset.directory),
        "events": merged,
        "files": EventFiles(merged, private=True),
        "report": report,
        "name": name,
        "suggestions": suggested_changes(matched, dataset.units),
    }


def boundaries_form() -> None:
    with st.form("boundaries"):
        st.markdown(
            "**Official boundaries** (OCHA COD-AB zip, geoBoundaries GeoJSON or GeoPackage); units are matched on P-codes."
        )
        provinces = st.file_uploader(
            "Provinces", type=["zip", "geojson", "json", "gpkg"], key="province_upload"
        )
        districts = st.file_uploader(
            "Districts", type=["zip", "geojson", "json", "gpkg"], key="district_upload"
        )
        name = st.text_input("Name of the boundary set", value="OCHA COD-AB")
        source = st.text_input("Source (URL)", value="https://data.humdata.org/")
        licence = st.text_input("Licence", value="see the source")
        submitted = st.form_submit_button("Use these boundaries")
    if submitted and (provinces or districts):
        use_boundaries(provinces, districts, {"name": name, "source": source, "licence": licence})


def use_boundaries(provinces, districts, boundary_set: dict) -> None:
    # Fixed names in a fresh private directory: the client's file name is never a path.
    work = fresh_work_directory()
    uploads = work / "upload"
    uploads.mkdir()
    try:
        read = {}
        for level, upload in (("province", provinces), ("district", districts)):
            if upload is not None:
                path = save_upload(upload.getvalue(), upload.name, level, uploads)
                read[level] = read_official_boundaries(path, level, label=upload.name)
        out = work / "data"
        replace_geometry(
            active_directory(), read.get("province"), read.get("district"), out, boundary_set
        )
    except DataError as error:
        remove_directory(work)
        st.session_state.import_problems = [str(p) for p in error.problems]
        return
    finally:
        remove_directory(uploads)
    st.session_state.import_problems = []
    previous = st.session_state.get("boundary_dir")
    if previous:  # an earlier upload of this session: its work directory is no longer needed
        remove_directory(Path(previous).parent)
    st.session_state.boundary_dir = str(out)
    st.rerun()  # this run already drew the old boundaries


def active_directory() -> Path:
    return Path(st.session_state.get("boundary_dir") or data_directory())


def date_controls(timeline: Timeline, dataset: Dataset, first: date, last: date) -> date:
    # Wide enough for "◀ Previous change" and "Next change ▶" on one line at 1400 px.
    play, left, middle, right = st.columns([1.2, 1.8, 5, 1.8])
    # The slider first (its column keeps its place on the page): the buttons need its date.
    day = middle.slider(
        "Date",
        min_value=first,
        max_value=last,
        value=st.session_state.address_date,
        step=timedelta(days=1),
        format="YYYY-MM-DD",
        key="date",
    )
    changes = timeline.change_dates()
    before = [d for d in changes if d < day]
    after = [d for d in changes if d > day]
    playing = st.session_state.get("playing", False)
    play.button(
        "⏸ Pause" if playing else "▶ Play",
        on_click=toggle_play,
        key="play",
        help="Advance one day per step until the end of the data",
    )
    play.selectbox(
        "Days per second",
        [1, 2, 4],
        index=1,
        key="speed",
        label_visibility="collapsed",
        format_func=lambda n: f"{n} day/s",
    )
    left.button(
        "◀ Previous change",
        disabled=not before,
        on_click=jump,
        args=(before[-1] if before else day,),
        help="Jump to the nearest earlier date on which any status changes",
    )
    right.button(
        "Next change ▶",
        disabled=not after,
        on_click=jump,
        args=(after[0] if after else day,),
        help="Jump to the nearest later date on which any status changes",
    )
    if dataset.key_dates:
        columns = st.columns(len(dataset.key_dates))
        for column, key_date in zip(columns, dataset.key_dates, strict=True):
            column.button(
                f"{markdown_text(key_date.label)} ({key_date.date:%d %b})",
                on_click=jump,
                args=(key_date.date,),
                key=f"key-{key_date.date}",
                width="stretch",
            )
    return day


def summary(timeline: Timeline, day: date) -> None:
    states = timeline.state_on(day)
    counts = summary_counts(states)
    # Fixed places, zeros included, so that nothing moves between dates; "No record" only when
    # some province has none on the date.
    shown = [(s, n) for s, n in counts.items() if s != "unknown" or n]
    for column, (status, count) in zip(st.columns(len(shown)), shown, strict=True):
        column.metric(f"Provinces: {STATUS_STYLES[status].label}", count)
    districts = summary_counts(states, "district")
    if any(districts.values()):
        inherited = sum(s.inherited for s in states.values() if s.unit.level == "district")
        st.caption(
            "Districts: "
            + " · ".join(f"{STATUS_STYLES[s].label} {n}" for s, n in districts.items() if n)
            + f" ({inherited} of them follow their province: no record of their own)"
        )


def draw_map(
    dataset: Dataset,
    timeline: Timeline,
    resources: MapResources,
    day: date,
    chosen: tuple[EventFilter, bool],
    highlight: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Draw the map; return the events in the window."""
    event_filter, tiles = chosen
    events = events_on(current_events(dataset), day, event_filter)
    payload = state_payload(
        timeline,
        day,
        current_event_files(dataset, resources).payload(events, dataset.units, resources.centres),
        st.session_state.selected or None,
        highlight,
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
                "view": st.session_state.get("address_view"),
            },
            tiles=tiles,
        ),
        feature_group_to_add=state_feature_group(payload),
        returned_objects=["last_clicked"],
        key="map",
        on_change=on_click,
        height=620,
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


def detail_panel(dataset: Dataset, timeline: Timeline, day: date) -> None:
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
    st.markdown(heading_html(state) + status_html(state, day), unsafe_allow_html=True)
    confirmed = last_confirmed(timeline, code, day)
    if confirmed:
        st.caption(
            f"Last confirmed by a source: {confirmed.isoformat()} ({(day - confirmed).days} days before the date shown)"
        )
    if state.districts:
        st.subheader("Districts")
        st.caption(district_shares(timeline, code, day))
        st.dataframe(
            districts_table(timeline, code, day), column_config={"source": LINK}, hide_index=True
        )
    st.subheader("History")
    st.dataframe(history_table(timeline, code), column_config={"source": LINK}, hide_index=True)
    st.subheader(f"Events within a week of {day.isoformat()}")
    near = events_table(current_events(dataset), code, day)
    if len(near):
        st.dataframe(near, column_config={"source": LINK}, hide_index=True)
    else:
        st.caption("No recorded events in this unit within a week of the date.")


main()
