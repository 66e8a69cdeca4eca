"""The date controls above the map: the slider, playback, change and key-date buttons, and the
counters of provinces and districts in each status."""

from __future__ import annotations

import time
from datetime import date, timedelta

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard.data import Dataset
from dashboard.detail import (
    markdown_text,
    summary_counts,
)
from dashboard.style import STATUS_STYLES
from dashboard.timeline import Timeline

# The map restyles itself as soon as this slider moves (see naqsha.js and host.js); Streamlit
# gives a keyed widget's element the class ``st-key-<key>``.
DATE_SLIDER = ".st-key-date input[type='range']"


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


def jump(target: date) -> None:
    st.session_state.date = target


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
