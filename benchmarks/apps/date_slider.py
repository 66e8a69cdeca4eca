"""The "Date" slider every benchmark app shares, set from ``?date=`` like the dashboard's.

``streamlit run`` puts the script's folder on ``sys.path``, so the apps import this directly.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

DEFAULT = date(2021, 9, 4)


def date_slider(first: date, last: date) -> date:
    """A daily slider over ``first..last`` keyed ``date``, whose default comes from ``?date=``."""
    try:
        chosen = date.fromisoformat(st.query_params.get("date", ""))
    except ValueError:
        chosen = DEFAULT
    return st.slider(
        "Date",
        min_value=first,
        max_value=last,
        value=min(max(chosen, first), last),
        step=timedelta(days=1),
        format="YYYY-MM-DD",
        key="date",
    )
