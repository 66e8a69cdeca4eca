"""The round-trip floor: the same "Date" slider as Naqsha and one line of text showing the date.

Run from the repository root so that it uses the same ``.streamlit/config.toml``:
``streamlit run benchmarks/apps/empty_app.py``. ``?date=YYYY-MM-DD`` sets the first date.
"""

from __future__ import annotations

from datetime import date

import streamlit as st
from date_slider import date_slider

FIRST, LAST = date(2021, 5, 1), date(2021, 9, 30)

st.set_page_config(page_title="Benchmark floor", layout="wide")

st.title("Benchmark floor")
day = date_slider(FIRST, LAST)
st.markdown(f"Date shown: {day.isoformat()}")
