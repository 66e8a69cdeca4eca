"""The app's Streamlit panels, one module per part of the page. With ``dashboard/app.py`` they
are the app: the only code that imports Streamlit. Each builds widgets from what the layers
below compute; none computes a status, a style or a file itself."""

import streamlit as st

LINK = st.column_config.LinkColumn("source", display_text="open")
