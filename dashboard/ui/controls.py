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
from dashboard.style import status_styles
from dashboard.timeline import Timeline

# The map restyles itself as soon as this slider moves (see naqsha.js and host.js); Streamlit
# gives a keyed widget's element the class ``st-key-<key>``.
DATE_SLIDER = ".st-key-date input[type='range']"


def date_controls(
    timeline: Timeline, dataset: Dataset, first: date, last: date, menus: bool = True
) -> date:
    """The buttons in one row that wraps on a phone, the slider under them at full width.

    ``menus=False`` (a page's map-first run, see ``session.map_first``) leaves out the speed
    and key-date menus, whose scripts the browser would otherwise fetch before the map's; they
    join the row at its end and after Play, so the row keeps its height."""
    buttons = st.container(horizontal=True, vertical_alignment="center", key="date_buttons")
    # The slider first (its container keeps its place on the page): the buttons need its date.
    day = st.slider(
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
    buttons.button(
        "⏸ Pause" if playing else "▶ Play",
        on_click=toggle_play,
        key="play",
        help="Advance one day per step until the end of the data",
    )
    if menus:
        buttons.selectbox(
            "Days per second",
            [1, 2, 4],
            index=1,
            key="speed",
            label_visibility="collapsed",
            format_func=lambda n: f"{n} day/s",
            width=100,
        )
    buttons.button(
        "◀ Previous change",
        disabled=not before,
        on_click=jump,
        args=(before[-1] if before else day,),
        help="Jump to the nearest earlier date on which any status changes",
    )
    buttons.button(
        "Next change ▶",
        disabled=not after,
        on_click=jump,
        args=(after[0] if after else day,),
        help="Jump to the nearest later date on which any status changes",
    )
    if menus and dataset.key_dates:
        # A popover: one small button in the row, with room for the full labels when open.
        key_dates = buttons.popover("Key dates", help="Jump to a date that marks the story")
        for key_date in dataset.key_dates:
            key_dates.button(
                f"{key_date.date:%d %b} · {markdown_text(key_date.label)}",
                on_click=jump,
                args=(key_date.date,),
                key=f"key-{key_date.date}",
                width="stretch",
            )
    return day


def jump(target: date) -> None:
    st.session_state.date = target


def toggle_play() -> None:
    """Play, or pause on the date the reader sees: the click carries the slider's date.

    On pause, a step that playback had already scheduled is dropped, and the slider's date is
    set again from the script, so that the browser takes it even if a later step reached it
    after the click (a widget keeps its own value unless the script sets it).
    """
    st.session_state.playing = not st.session_state.get("playing", False)
    if not st.session_state.playing:
        st.session_state.pop("advance_to", None)
        st.session_state.date = st.session_state.date


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
    """How many provinces and districts are in each status, as one small table whose rows and
    columns never change between dates (zeros included), so nothing on the page moves."""
    states = timeline.state_on(day)
    statuses = timeline.vocabulary.statuses
    provinces = summary_counts(states, statuses)
    districts = summary_counts(states, statuses, "district")
    styles = status_styles(timeline.vocabulary)
    lines = ["| On this date | Provinces | Districts |", "| --- | ---: | ---: |"]
    lines += [f"| {styles[s].label} | {provinces[s]} | {districts[s]} |" for s in statuses]
    inherited = sum(s.inherited for s in states.values() if s.unit.level == "district")
    with st.container(key="counters"):
        st.markdown("\n".join(lines))
        if inherited:
            st.caption(
                f"{inherited} districts have no record of their own and follow their province."
            )
