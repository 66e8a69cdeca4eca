"""Naqsha: who controlled which part of Afghanistan on any day of 2021.

Data flows one way: ``dashboard.data`` (load and validate) -> ``dashboard.timeline`` (the state
on a date, pure) -> ``dashboard.mapview`` (Leaflet layers from that state, pure) ->
``dashboard.app`` (Streamlit wiring only).
"""

__version__ = "0.1.0"
