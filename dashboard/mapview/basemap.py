"""The base map: Leaflet from local files, no geometry inside; the Naqsha layer fetches it once."""

from __future__ import annotations

import html
import json
from urllib.parse import quote

import folium
from branca.element import MacroElement
from jinja2 import Template

from dashboard.data.vocabulary import Vocabulary
from dashboard.mapview.assets import BUNDLE_CSS, BUNDLE_JS, STATIC_URL, WEB_DIR
from dashboard.mapview.legend import legend_spec
from dashboard.mapview.payload import ROW_FIELDS
from dashboard.style import EVENT_STYLES, MAP_COLOURS, PATTERNS, pattern_id, status_styles

DISTRICT_LABEL_ZOOM = 8
# The options that name static files the map fetches once, largest last.
DATA_FILES = ("optionsUrl", "trackUrl", "contextUrl", "geometryUrl")
PREFETCH_JS = (WEB_DIR / "prefetch.js").read_text(encoding="utf-8")
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


class NaqshaLayer(MacroElement):
    """Loads the geometry from ``geometry_url`` once and restyles it on each ``Naqsha.update``.

    Its script (``naqsha.js``) comes with Leaflet in the bundle :func:`base_map` loads.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        Naqsha.init({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, options: dict):
        super().__init__()
        self._name = "NaqshaLayer"
        self.options = options


def attribution_text(dataset) -> str:
    """The map's attribution line (plain text): the boundary set, where statuses and events
    come from, and the data package's ``map_credit`` (for the shipped data, where place
    coordinates come from)."""
    parts = [
        f"Boundaries: {dataset.boundary_set.get('name', '')}",
        "Control and events: Naqsha (sources per feature)",
        str(dataset.meta.get("map_credit", "")).strip(),
    ]
    return " | ".join(part for part in parts if part)


def parse_view(text: str, min_zoom: float = 4, max_zoom: float = 13) -> list[float] | None:
    """``"lat,lon,zoom"`` from a shared link as ``[lat, lon, zoom]``, or ``None`` if it is not
    three finite numbers within range (latitude ±90, longitude ±180, zoom ``min_zoom``..``max_zoom``)."""
    parts = text.split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lon, zoom = (float(p) for p in parts)
    except ValueError:
        return None
    if -90 <= lat <= 90 and -180 <= lon <= 180 and min_zoom <= zoom <= max_zoom:
        return [round(lat, 5), round(lon, 5), round(zoom, 2)]
    return None


def has_schematic(geometry) -> bool:
    """Whether any shape in ``geometry`` (a frame with a ``schematic`` column) is schematic."""
    return bool(geometry["schematic"].any()) if "schematic" in geometry else False


def layer_options(
    vocabulary: Vocabulary,
    geometry_url: str,
    context_url: str | None,
    attribution: str,
    schematic: bool = False,
) -> dict:
    """The map's options: where its data lives, the style table, and the legend (as data).

    The statuses, their labels and colours, and the second name's language and direction come
    from the data package's ``vocabulary``. ``schematic`` says whether any drawn shape is
    schematic, so that the legend explains it.
    """
    return {
        "geometryUrl": geometry_url,
        "contextUrl": context_url,
        "styles": {
            status: {
                "label": s.label,
                "colour": s.colour,
                "pattern": s.pattern,
                # The SVG patterns to define, by id: stripes for an uncertain status, and the
                # status's own hatch or cross-hatch.
                "ids": {
                    kind: pattern_id(status, kind) for kind in ("low", s.pattern) if kind != "solid"
                },
            }
            for status, s in status_styles(vocabulary).items()
        },
        "secondName": {
            "language": vocabulary.second_name.language,
            "direction": vocabulary.second_name.direction,
        },
        # The names of the positions in the rows the map receives (styles, event markers,
        # counts per province), so that the layout is written once, in payload.py.
        "fields": ROW_FIELDS,
        "colours": MAP_COLOURS,
        "patterns": PATTERNS,
        "events": [
            {"colour": colour, "letter": letter} for colour, letter in EVENT_STYLES.values()
        ],
        "legend": legend_spec(vocabulary, schematic),
        "attribution": html.escape(attribution),
        "minZoom": 4,
        "maxZoom": 13,
        # Province names below this zoom, district names from it on; capitals always.
        "districtLabelZoom": DISTRICT_LABEL_ZOOM,
        # Selecting a unit fits the map to it, at most this close.
        "selectMaxZoom": 10,
    }


def prefetch_script(files: list[str]) -> str:
    """A ``data:`` script address that starts downloading ``files`` (see ``web/prefetch.js``)."""
    code = PREFETCH_JS.replace("__FILES__", json.dumps(files))
    return "data:text/javascript," + quote(code)


def map_bounds(dataset) -> list[list[float]]:
    """``[[south, west], [north, east]]`` the map opens on: the data package's ``framing``
    when it declares one, else the data's own extent (:func:`data_bounds`)."""
    framing = dataset.vocabulary.framing
    if framing:
        west, south, east, north = framing
        return [[south, west], [north, east]]
    return data_bounds(dataset.geometry)


def data_bounds(geometry) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of the data's shapes, which every map opens on."""
    west, south, east, north = (round(float(v), 3) for v in geometry.total_bounds)
    return [[south, west], [north, east]]


def base_map(
    options: dict, bounds: list[list[float]], tiles: bool = False, asset_url: str = STATIC_URL
) -> folium.Map:
    """A Leaflet map framed on ``bounds`` (the data's) with the Naqsha layer; tiles only when
    asked for."""
    (south, west), (north, east) = bounds
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=6,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # Leaflet, the cluster plugin and naqsha.js in one file: one request instead of three.
    m.default_js = [("naqsha", f"{asset_url}/{BUNDLE_JS}")]
    data_files = [options[k] for k in DATA_FILES if options.get(k)]
    if data_files:
        # Measured: the data then arrives with the bundle, and the first map is ~90 ms sooner.
        m.default_js.insert(0, ("naqsha_prefetch", prefetch_script(data_files)))
    m.default_css = [("naqsha_css", f"{asset_url}/{BUNDLE_CSS}")]
    if tiles:
        folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap").add_to(m)
    NaqshaLayer(options).add_to(m)
    m.fit_bounds(bounds)
    return m
