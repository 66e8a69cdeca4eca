"""What one session holds beyond Streamlit's widgets: where its data is, the address it was
opened with, the events it uploaded, and the collection of closed sessions' objects."""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.address import read_address
from dashboard.data import SHIPPED_DATA, Dataset
from dashboard.mapview.eventfiles import EventFiles
from dashboard.mapview.resources import MapResources


@dataclass
class SessionEvents:
    """An ACLED file this session uploaded, merged into the events of the data ``directory``."""

    directory: str
    events: pd.DataFrame
    files: EventFiles
    report: str
    name: str
    suggestions: list[dict]


def data_directory() -> Path:
    return Path(os.environ.get("NAQSHA_DATA") or SHIPPED_DATA)


def active_directory() -> Path:
    return Path(st.session_state.get("boundary_dir") or data_directory())


# The button the map's script presses once it has drawn the map, to load the rest of the page.
REST_OF_PAGE = "rest_of_page"


def map_first() -> bool:
    """Whether this run draws the map and the date controls before the rest of the page.

    A session's first run sends the title, the date buttons and slider, the map, and in the
    sidebar a button that the map's script presses once the map is drawn (``host.js``, which
    also presses it when a page reconnects to a restarted server); that press runs the whole
    page. Streamlit's browser code loads each kind of widget's script on first use, over six
    connections, and the other widgets' scripts made the first map wait for them (measured
    with ``benchmarks/bench_scrub.py``: about 0.45 s; see the README).
    """
    return not st.session_state.get("page_complete", False)


def rest_of_page_button() -> None:
    """The button that runs the whole page; the map's script presses it, and a reader can."""
    st.button(
        "Loading the filters and panels…",
        key=REST_OF_PAGE,
        type="tertiary",
        on_click=lambda: st.session_state.update(page_complete=True),
        help="The map came first; this loads the rest of the page",
    )


def init_state(first: date, last: date, opens: date, units: dict) -> None:
    """Take the date and unit from the address (``?date=…&unit=…``) on a session's first run;
    without a date the map opens on ``opens``.

    The address's date becomes the slider's default, not its value: a browser that reconnects to
    a restarted server sends the slider's date with the address it was first loaded from (the
    map keeps the address up to date itself, in ``naqsha.js``, which Streamlit does not see), and
    the slider's date must win.
    """
    if "address_date" in st.session_state:
        return
    params = {key: st.query_params.get(key, "") for key in ("date", "unit", "view")}
    address = read_address(params, first, last, units, opens)
    st.session_state.address_date = address.date
    st.session_state.selected = address.unit
    st.session_state.address_view = address.view
    st.session_state.address_notices = address.notices


def session_upload(dataset: Dataset) -> SessionEvents | None:
    """The ACLED upload of this session, if it was merged into this dataset's events."""
    extra = st.session_state.get("extra_events")
    return extra if extra and extra.directory == str(dataset.directory) else None


def current_events(dataset: Dataset) -> pd.DataFrame:
    """The dataset's events plus any ACLED file uploaded in this session."""
    upload = session_upload(dataset)
    return upload.events if upload else dataset.events


def current_event_files(dataset: Dataset, resources: MapResources) -> EventFiles:
    """The static marker files for :func:`current_events`."""
    upload = session_upload(dataset)
    return upload.files if upload else resources.event_files


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
