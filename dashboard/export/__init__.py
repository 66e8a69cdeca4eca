"""Exports of the map: the view on a date as GeoJSON, CSV, a self-contained HTML page and a
picture for publication (PNG, SVG), a citation, and the whole timeline as a static site. Pure, apart from ``write_site``, which
writes a folder. Nothing here reaches the internet.

:func:`view_files` is the one list of a view's downloads: the app offers all of them and
``python -m dashboard export`` writes the one asked for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.data.dataset import Dataset
from dashboard.export.citation import citation, view_query, visible_sources
from dashboard.export.html import credit_html, script_json, standalone_html
from dashboard.export.tables import (
    CHANGE_COLUMNS,
    STATUS_COLUMNS,
    change_rows,
    changes_csv,
    events_csv_text,
    state_csv,
    state_geojson,
    status_rows,
)
from dashboard.mapview.payload import events_payload, unit_centres
from dashboard.timeline import Timeline

__all__ = [
    "CHANGE_COLUMNS", "STATUS_COLUMNS", "ExportFile", "VIEW_FORMATS", "change_rows", "changes_csv",
    "citation", "credit_html", "events_csv_text", "script_json", "standalone_html", "state_csv",
    "state_geojson", "status_rows", "view_files", "view_query", "visible_sources",
]  # fmt: skip

# A view's downloads, in the order the app offers them.
VIEW_FORMATS = ("geojson", "csv", "events-csv", "html", "png", "svg")


@dataclass(frozen=True)
class ExportFile:
    """One download of a view: what the app's button says, its content (text, or bytes for a
    picture), a file name, its type."""

    format: str
    label: str
    data: str | bytes
    name: str
    mime: str


def view_files(
    dataset: Dataset,
    timeline: Timeline,
    day: date,
    events: pd.DataFrame,
    selected: str | None = None,
    formats: tuple[str, ...] = VIEW_FORMATS,
) -> list[ExportFile]:
    """The downloads of the view on ``day`` in ``formats`` (see :data:`VIEW_FORMATS`).

    ``events`` are the events the view shows (a window of the dataset's events); ``selected``
    is the unit outlined in the HTML map.
    """
    stem = f"naqsha-{day.isoformat()}"
    makers = {
        "geojson": lambda: ExportFile(
            "geojson",
            "State as GeoJSON",
            json.dumps(state_geojson(dataset, timeline, day), ensure_ascii=False),
            f"{stem}.geojson",
            "application/geo+json",
        ),
        "csv": lambda: ExportFile(
            "csv", "State as CSV", state_csv(dataset, timeline, day), f"{stem}.csv", "text/csv"
        ),
        "events-csv": lambda: ExportFile(
            "events-csv",
            "Events shown as CSV",
            events_csv_text(events),
            f"{stem}-events.csv",
            "text/csv",
        ),
        "html": lambda: ExportFile(
            "html",
            "Map as standalone HTML (works offline)",
            standalone_html(
                dataset,
                timeline,
                day,
                events_payload(
                    events, dataset.units, unit_centres(dataset.units, dataset.geometry)
                ),
                selected,
            ),
            f"{stem}.html",
            "text/html",
        ),
        "png": lambda: ExportFile(
            "png",
            "Picture for publication (PNG, 2200 × 1700)",
            _picture(dataset, timeline, day, selected, "png"),
            f"{stem}.png",
            "image/png",
        ),
        "svg": lambda: ExportFile(
            "svg",
            "Picture for publication (SVG, editable text)",
            _picture(dataset, timeline, day, selected, "svg"),
            f"{stem}.svg",
            "image/svg+xml",
        ),
    }
    return [makers[kind]() for kind in formats]


def _picture(*args) -> bytes:
    # Matplotlib is imported only when a picture is asked for: the other exports, the CLI's
    # other commands and the app's start do not need it.
    from dashboard.export.picture import picture

    return picture(*args)
