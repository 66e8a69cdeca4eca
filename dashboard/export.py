"""Downloads of the current view: GeoJSON, CSV, a self-contained HTML map, and a citation. Pure.

Nothing here reaches the internet. The HTML export inlines Leaflet, the cluster plugin and our
own script from the installed files, and the geometry as a ``data:`` URL, so the file opens
offline from disk.
"""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import shapely
import xstatic.pkg.leaflet as xleaflet

from dashboard.data.dataset import Dataset
from dashboard.data.events import events_csv_frame
from dashboard.mapview.assets import (
    CSS_FILES,
    JS_FILES,
    VENDOR_FILES,
    geometry_collection,
    simplified,
)
from dashboard.mapview.basemap import (
    AFGHANISTAN_BOUNDS,
    attribution_text,
    has_schematic,
    layer_options,
)
from dashboard.mapview.payload import state_payload
from dashboard.spreadsheet import csv_text
from dashboard.style import fill_for
from dashboard.timeline import Timeline, UnitState

STATUS_COLUMNS = [
    "unit", "name", "level", "parent", "status", "since", "confidence", "follows_province",
    "source_url",
]  # fmt: skip
COORDINATE_DECIMALS = 5
PAGE_CSS = """
html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
body { display: flex; flex-direction: column; }
header, footer { padding: 6px 12px; }
header h1 { font-size: 1.2rem; margin: 0; }
header p, footer p { margin: 2px 0; font-size: 0.85rem; color: #333; }
#map { flex: 1; min-height: 400px; }
"""


# -- GeoJSON and CSV -------------------------------------------------------------------------


def state_geojson(dataset: Dataset, timeline: Timeline, day: date) -> dict:
    """Every unit with a shape and its state on ``day``, as a GeoJSON FeatureCollection.

    Parameters
    ----------
    dataset : Dataset
        Its unsimplified geometry is used, with coordinates rounded to 1e-5 degrees (about 1 m).
    timeline : Timeline
    day : datetime.date

    Returns
    -------
    dict
        One feature per unit in ``dataset.geometry`` (provinces and districts), with the
        unit's names, level and parent, its status, since, confidence, source, claim, date
        precision, ``schematic``, the map's ``fill`` and the ``date`` shown.
    """
    states = timeline.state_on(day)
    features = [
        {
            "type": "Feature",
            "properties": _feature_properties(states[code], bool(row["schematic"]), day),
            "geometry": shapely.geometry.mapping(_rounded(row.geometry)),
        }
        for code, row in dataset.geometry.iterrows()
        if code in states
    ]
    return {"type": "FeatureCollection", "features": features}


def _feature_properties(state: UnitState, schematic: bool, day: date) -> dict:
    unit, record = state.unit, state.record
    return {
        "unit": unit.unit,
        "name_en": unit.name_en,
        "name_fa": unit.name_fa,
        "level": unit.level,
        "parent": unit.parent or "",
        "status": state.status,
        "since": state.since.isoformat() if state.since else "",
        "confidence": state.confidence,
        "source_url": record.source_url if record else "",
        "source_publisher": record.source_publisher if record else "",
        "claimed_by": record.claimed_by if record else "",
        "disputed_by": record.disputed_by if record else "",
        "date_precision": record.date_precision if record else "",
        "schematic": schematic,
        "fill": fill_for(state.status, state.confidence, state.approximate),
        "date": day.isoformat(),
    }


def _rounded(geometry):
    """The geometry on a 1e-5 degree grid, with the float noise of the grid removed."""
    snapped = shapely.set_precision(geometry, 10.0**-COORDINATE_DECIMALS)
    return shapely.transform(snapped, lambda xy: np.round(xy, COORDINATE_DECIMALS))


def status_rows(dataset: Dataset, timeline: Timeline, day: date) -> list[dict]:
    """Every unit's state on ``day`` as rows with the columns :data:`STATUS_COLUMNS`.

    Shared by ``python -m dashboard status`` and :func:`state_csv`.
    """
    return [
        {
            "unit": code,
            "name": state.unit.name_en,
            "level": state.unit.level,
            "parent": state.unit.parent or "",
            "status": state.status,
            "since": state.since or "",
            "confidence": state.confidence,
            # A district with no record of its own on the date shows its province's status.
            "follows_province": "yes" if state.inherited else "",
            "source_url": state.record.source_url if state.record else "",
        }
        for code, state in timeline.state_on(day).items()
        if code in dataset.units
    ]


def state_csv(dataset: Dataset, timeline: Timeline, day: date) -> str:
    """:func:`status_rows` as spreadsheet-safe CSV text, exactly as ``python -m dashboard
    status`` prints it."""
    return csv_text(STATUS_COLUMNS, status_rows(dataset, timeline, day))


CHANGE_COLUMNS = [
    "date", "unit", "name", "level", "from_status", "to_status", "confidence", "source_url",
]  # fmt: skip


def change_rows(timeline: Timeline, start: date, end: date) -> list[dict]:
    """Every status change from ``start`` to ``end`` as rows with :data:`CHANGE_COLUMNS`
    (statuses as codes: ``taliban``). Shared by ``python -m dashboard changes`` and the app."""
    return [
        {
            "date": c.date.isoformat(),
            "unit": c.unit.unit,
            "name": c.unit.name_en,
            "level": c.unit.level,
            "from_status": c.from_status,
            "to_status": c.to_status,
            "confidence": c.confidence,
            "source_url": c.record.source_url if c.record else "",
        }
        for c in timeline.changes(start, end)
    ]


def changes_csv(timeline: Timeline, start: date, end: date) -> str:
    """:func:`change_rows` as spreadsheet-safe CSV text."""
    return csv_text(CHANGE_COLUMNS, change_rows(timeline, start, end))


def events_csv_text(events_frame: pd.DataFrame) -> str:
    """The (filtered) events as spreadsheet-safe CSV text in the ``events.csv`` layout."""
    frame = events_csv_frame(events_frame)
    return csv_text(list(frame.columns), frame.to_dict("records"))


# -- the standalone HTML map -----------------------------------------------------------------


def standalone_html(
    dataset: Dataset,
    timeline: Timeline,
    day: date,
    events_payload: dict,
    selected: str | None = None,
) -> str:
    """One self-contained HTML file of the map on ``day`` that opens offline from disk.

    Leaflet, the marker-cluster plugin and ``naqsha.js``/``naqsha.css`` are read from the
    installed files and inlined; the simplified geometry and the neighbouring countries are
    inlined as ``data:`` URLs, which ``naqsha.js`` fetches as it would a file. The page loads
    nothing over the network. Data text reaches the page only as escaped HTML or as JSON in
    which ``<``, ``>`` and ``&`` are escaped, and ``naqsha.js`` inserts it with ``textContent``.

    Parameters
    ----------
    dataset : Dataset
    timeline : Timeline
    day : datetime.date
    events_payload : dict
        The events to draw, from ``dashboard.mapview.payload.events_payload``.
    selected : str, optional
        P-code of the unit to outline, as in the app's ``?unit=`` parameter.

    Returns
    -------
    str
        The HTML document.
    """
    selected = selected if selected in dataset.units else None
    options = layer_options(
        _json_data_url(
            geometry_collection(simplified(dataset.geometry, dataset.units), dataset.units)
        ),
        _json_data_url(dataset.context.__geo_interface__) if dataset.context is not None else None,
        attribution_text(dataset.boundary_set),
        has_schematic(dataset.geometry),
    )
    payload = state_payload(timeline, day, events_payload, selected)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Naqsha: control of Afghanistan on {day.isoformat()}</title>",
            *(f"<style>\n{_vendor_css(name)}\n</style>" for name in CSS_FILES),
            f"<style>{PAGE_CSS}</style>",
            "</head>",
            "<body>",
            _header_html(dataset, day, selected),
            '<div id="map"></div>',
            credit_html(dataset),
            *(f"<script>\n{_vendor_js(name)}\n</script>" for name in JS_FILES),
            f"<script>\n{_init_script(options, payload)}\n</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _header_html(dataset: Dataset, day: date, selected: str | None) -> str:
    focus = ""
    if selected:
        unit = dataset.units[selected]
        focus = f"<p>Selected: {html.escape(unit.name_en)} ({html.escape(unit.unit)})</p>"
    return (
        "<header>"
        f'<h1>Naqsha · <bdi lang="fa">نقشه</bdi>: control of Afghanistan on {day.day} {day:%B %Y}</h1>'
        f"<p>{html.escape(dataset.title)}, version {html.escape(dataset.version)}. "
        "Hover a shape for its status; click an event marker for its source.</p>"
        f"{focus}</header>"
    )


def credit_html(dataset: Dataset) -> str:
    """The credit line (a ``<footer>``): boundaries, records and events, the map's libraries."""
    bounds = dataset.boundary_set
    # Addresses are shown as text, not links: the file must not point the reader's browser
    # anywhere by itself, and data text never becomes markup.
    source = f", {bounds['source']}" if bounds.get("source") else ""
    text = f"Boundaries: {bounds.get('name', '')} ({bounds.get('licence', '')}){source}. "
    return (
        f"<footer><p>{html.escape(text)}Control records and events: Naqsha contributors, "
        "CC BY 4.0; every status and event cites its source. "
        "Map: Leaflet (BSD-2-Clause), Leaflet.markercluster (MIT).</p></footer>"
    )


def _init_script(options: dict, payload: dict) -> str:
    bounds = json.dumps(AFGHANISTAN_BOUNDS)
    return (
        "(function () {\n"
        '  var map = L.map("map", { zoomSnap: 0.25, zoomDelta: 0.5 });\n'
        f"  map.fitBounds({bounds});\n"
        "  L.control.scale().addTo(map);\n"
        f"  Naqsha.init(map, {script_json(options)});\n"
        f"  Naqsha.update({script_json(payload)});\n"
        "})();"
    )


def script_json(value) -> str:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc., so no data text can close the
    element (``</script>``) or open a comment; JavaScript reads the same string.
    """
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _json_data_url(value) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "data:application/json;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def _vendor_js(name: str) -> str:
    # Installed files, read at export time; "</script" could only end the element early.
    return VENDOR_FILES[name].read_text(encoding="utf-8").replace("</script", "<\\/script")


def _vendor_css(name: str) -> str:
    text = VENDOR_FILES[name].read_text(encoding="utf-8").replace("</style", "<\\/style")
    if name == "leaflet/leaflet.css":
        text = re.sub(r"url\((images/[\w.-]+\.png)\)", _inline_image, text)
    return text


def _inline_image(match: re.Match) -> str:
    path = Path(xleaflet.BASE_DIR) / match.group(1)
    if not path.exists():
        return "none"
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"url(data:image/png;base64,{encoded})"


# -- citation --------------------------------------------------------------------------------


def view_query(day: date, selected: str | None = None) -> str:
    """The app's URL parameters for a view, e.g. ``?date=2021-08-15&unit=AF08``."""
    params = {"date": day.isoformat()}
    if selected:
        params["unit"] = selected
    return "?" + urlencode(params)


def citation(
    dataset: Dataset,
    timeline: Timeline,
    day: date,
    selected: str | None = None,
    *,
    accessed: date,
    base_url: str = "",
) -> str:
    """ "Cite this view": the dataset, version, date, view, boundaries, and the sources shown.

    Parameters
    ----------
    dataset : Dataset
    timeline : Timeline
    day : datetime.date
        The date shown.
    selected : str, optional
        P-code of the selected unit, part of the view.
    accessed : datetime.date
        The date the reader accessed the view (usually today).
    base_url : str, optional
        The app's address, put before the view's parameters when given.

    Returns
    -------
    str
        Plain text (not HTML: escape it before putting it in a page). The sources are the
        distinct sources of the current record of every province and of every district drawn
        on the map, numbered and sorted by publisher, title and URL.
    """
    selected = selected if selected in dataset.units else None
    bounds = dataset.boundary_set
    boundary = f"{bounds.get('name', '')} ({bounds.get('licence', '')})"
    if bounds.get("source"):
        boundary += f", {bounds['source']}"
    lines = [
        f"{_one_line(dataset.title)}, version {_one_line(dataset.version)}.",
        f"Territorial control on {day.isoformat()}"
        + (f", {_one_line(dataset.units[selected].name_en)} selected" if selected else "")
        + ".",
        f"View: {base_url}{view_query(day, selected)}",
        f"Boundaries: {_one_line(boundary)}.",
        f"Accessed {accessed.isoformat()}.",
        "",
        f"Sources of the statuses shown on {day.isoformat()}:",
    ]
    sources = visible_sources(dataset, timeline, day)
    lines += [f"{n}. {_source_line(*s)}" for n, s in enumerate(sources, start=1)]
    if not sources:
        lines.append("(no record covers this date)")
    return "\n".join(lines) + "\n"


def visible_sources(dataset: Dataset, timeline: Timeline, day: date) -> list[tuple[str, str, str]]:
    """Distinct ``(publisher, title, url)`` of the records behind the statuses on the map.

    Those are the current records of every unit (a district with no record of its own shows
    its province's), sorted by publisher, title and URL (case-insensitively).
    """
    found = {
        (r.source_publisher.strip(), r.source_title.strip(), r.source_url.strip())
        for state in timeline.state_on(day).values()
        if (r := state.record) is not None
    }
    return sorted(found, key=lambda s: (s[0].casefold(), s[1].casefold(), s[2]))


def _source_line(publisher: str, title: str, url: str) -> str:
    label = ", ".join(_one_line(p) for p in (publisher, title) if p).rstrip(".")
    return f"{label}. {_one_line(url)}" if label else _one_line(url)


def _one_line(text: str) -> str:
    """Data text on one line: a newline inside a title must not break the numbered list."""
    return " ".join(str(text).split())
