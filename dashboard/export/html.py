"""The map on one date as a single self-contained HTML file that opens offline from disk.

Leaflet, the cluster plugin and our own scripts are inlined from the installed files, and the
geometry as a ``data:`` URL, so the page loads nothing over the network. Pure."""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import date
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

from dashboard.data.dataset import Dataset
from dashboard.mapview.assets import (
    CSS_FILES,
    JS_FILES,
    VENDOR_FILES,
    geometry_collection,
    simplified,
)
from dashboard.mapview.basemap import (
    attribution_text,
    has_schematic,
    layer_options,
    map_bounds,
)
from dashboard.mapview.payload import state_payload
from dashboard.timeline import Timeline

PAGE_CSS = """
html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
body { display: flex; flex-direction: column; }
header, footer { padding: 6px 12px; }
header h1 { font-size: 1.2rem; margin: 0; }
header p, footer p { margin: 2px 0; font-size: 0.85rem; color: #333; }
#map { flex: 1; min-height: 400px; }
"""


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
        dataset.vocabulary,
        _json_data_url(
            geometry_collection(simplified(dataset.geometry, dataset.units), dataset.units)
        ),
        _json_data_url(dataset.context.__geo_interface__) if dataset.context is not None else None,
        attribution_text(dataset),
        has_schematic(dataset.geometry),
    )
    payload = state_payload(timeline, day, events_payload, selected)
    return "\n".join(
        [
            *page_head(f"{dataset.title}: {day.isoformat()}"),
            *(f"<style>\n{_vendor_css(name)}\n</style>" for name in CSS_FILES),
            f"<style>{PAGE_CSS}</style>",
            "</head>",
            "<body>",
            _header_html(dataset, day, selected),
            '<div id="map"></div>',
            credit_html(dataset),
            *(f"<script>\n{_vendor_js(name)}\n</script>" for name in JS_FILES),
            f"<script>\n{_init_script(options, payload, map_bounds(dataset))}\n</script>",
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
        f"<h1>{html.escape(dataset.title)}: {day.day} {day:%B %Y}</h1>"
        f"<p>Version {html.escape(dataset.version)}. "
        "Hover a shape for its status; click an event marker for its source.</p>"
        f"{focus}</header>"
    )


def page_head(title: str) -> list[str]:
    """The first lines of a page, up to its (escaped) title; the ``<head>`` is left open."""
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
    ]


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


def _init_script(options: dict, payload: dict, bounds: list[list[float]]) -> str:
    bounds = json.dumps(bounds)
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
