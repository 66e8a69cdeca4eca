"""The sidebar: event filters, the session's own data (ACLED files and official boundaries),
and what data is shown."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.data import DataError, Dataset
from dashboard.data.acled import (
    merge_events,
    read_acled,
)
from dashboard.data.acled_report import outside_period_note
from dashboard.data.boundaries import read_official_boundaries
from dashboard.data.boundary_writer import replace_geometry
from dashboard.data.suggestions import suggested_changes, suggestions_csv
from dashboard.data.uploads import fresh_work_directory, remove_directory, save_upload
from dashboard.detail import (
    markdown_text,
    source_markdown,
)
from dashboard.mapview.eventfiles import EventFiles
from dashboard.mapview.payload import (
    EVENT_TYPES,
)
from dashboard.timeline.events import WINDOWS, EventFilter
from dashboard.ui.panels import unit_label
from dashboard.ui.session import (
    SessionEvents,
    active_directory,
    current_events,
    rest_of_page_button,
)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # the same limit as server.maxUploadSize
# Bounds an upload's memory (a 176k-row file peaked at 1.4 GB); the CLI import has no such limit.
MAX_UPLOAD_ROWS = 100_000
DEFAULT_WINDOW = 1  # "last 7 days"


def sidebar_placeholder() -> tuple[EventFilter, bool]:
    """The sidebar of the map-first run (``session.map_first``): its heading, so that the page
    keeps its width, and the button that loads the rest; the filters' defaults."""
    with st.sidebar:
        st.header("Events")
        rest_of_page_button()
    return EventFilter(window=list(WINDOWS)[DEFAULT_WINDOW]), False


def sidebar(dataset: Dataset) -> tuple[EventFilter, bool]:
    with st.sidebar:
        place_search(dataset)
        st.header("Events")
        window = st.radio("Show events from", list(WINDOWS), index=DEFAULT_WINDOW, key="window")
        events = current_events(dataset)
        types = st.multiselect("Event types", EVENT_TYPES, key="types", placeholder="All types")
        subtypes = sorted(events["sub_event_type"].dropna().unique())
        sub_types = st.multiselect(
            "Sub-event types", subtypes, key="sub_types", placeholder="All sub-event types"
        )
        actor = st.text_input("Actor contains", key="actor", placeholder="part of a name")
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
            st.success(f"{markdown_text(extra.name)}: {markdown_text(extra.report)}")
            suggestions = [r for r in extra.suggestions if not r.get("skipped")]
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
                    suggestions_csv(extra.suggestions),
                    file_name="suggested_control_changes.csv",
                    mime="text/csv",
                )
        st.divider()
        boundaries_form()
        if st.session_state.get("boundary_report"):
            summary, *details = st.session_state.boundary_report
            st.success(markdown_text(summary))
            if details:  # every match, warning and left-out shape, as the CLI prints them
                st.code("\n".join(details), language=None)
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
    st.session_state.extra_events = SessionEvents(
        directory=str(dataset.directory),
        events=merged,
        files=EventFiles(merged, private=True),
        report=report,
        name=name,
        suggestions=suggested_changes(matched, dataset.units, dataset.vocabulary),
    )


def boundaries_form() -> None:
    with st.form("boundaries"):
        st.markdown(
            "**Official boundaries** (OCHA COD-AB zip, geoBoundaries GeoJSON or GeoPackage); units are matched on P-codes, or without them on ISO codes (provinces) and names (districts)."
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
        allow_unmatched = st.checkbox("Leave out shapes that match no unit", value=False)
        submitted = st.form_submit_button("Use these boundaries")
    if submitted and (provinces or districts):
        boundary_set = {"name": name, "source": source, "licence": licence}
        use_boundaries(provinces, districts, boundary_set, allow_unmatched)


def use_boundaries(provinces, districts, boundary_set: dict, allow_unmatched: bool = False) -> None:
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
        report = replace_geometry(
            active_directory(),
            read.get("province"),
            read.get("district"),
            out,
            boundary_set,
            allow_unmatched=allow_unmatched,
        )
    except DataError as error:
        remove_directory(work)
        st.session_state.import_problems = [str(p) for p in error.problems]
        return
    finally:
        remove_directory(uploads)
    st.session_state.import_problems = []
    # The work directory's path is private: the app shows the counts, matches and warnings.
    st.session_state.boundary_report = [
        report.summary().replace(f"Wrote {out}: ", "Boundaries loaded: ", 1),
        *report.details(),
    ]
    previous = st.session_state.get("boundary_dir")
    if previous:  # an earlier upload of this session: its work directory is no longer needed
        remove_directory(Path(previous).parent)
    st.session_state.boundary_dir = str(out)
    st.rerun()  # this run already drew the old boundaries


def place_search(dataset: Dataset) -> None:
    """Every province and district, found by typing any of its names, aliases or its code.

    In the sidebar, which a slider step does not rerun, so its long list is sent once."""
    st.selectbox(
        "Find a place",
        ["", *dataset.units],
        key="place_search",
        on_change=find_place,
        format_func=lambda code: place_label(dataset, code),
        placeholder="Type a name or a code",
        index=None,
    )


def place_label(dataset: Dataset, code: str) -> str:
    if not code:
        return ""
    unit = dataset.units[code]
    province = dataset.units.get(unit.parent)
    where = f", {province.name_en}" if province else ""
    return unit_label(unit).replace(f" ({code})", f"{where} ({code})", 1)


def find_place() -> None:
    """Select the place found, and show its detail (the map zooms to it)."""
    code = st.session_state.place_search
    if code:
        st.session_state.selected = code
        st.session_state.panel = "Detail"
