"""Static files the browser loads once: Leaflet, the cluster plugin, our JS, and the geometry.

Streamlit serves ``dashboard/static/`` under ``/app/static/`` (``server.enableStaticServing``)
and answers 400 for symlinks, so files are copied, not linked. Nothing here reaches the internet:
Leaflet and markercluster come from the installed XStatic packages.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import shapely
import xstatic.pkg.leaflet as xleaflet
import xstatic.pkg.leaflet_markercluster as xcluster

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
WEB_DIR = Path(__file__).resolve().parent / "web"
# The component's iframe lives at /component/<name>/index.html, so this reaches /app/static/
# whatever server.baseUrlPath is.
STATIC_URL = "../../app/static"
# About 500 m: invisible at country zoom, and the district layer keeps its detail when zoomed.
SIMPLIFY_TOLERANCE_DEG = 0.004

VENDOR_FILES = {
    "leaflet/leaflet.js": Path(xleaflet.BASE_DIR) / "leaflet.js",
    "leaflet/leaflet.css": Path(xleaflet.BASE_DIR) / "leaflet.css",
    "markercluster/leaflet.markercluster.js": Path(xcluster.BASE_DIR) / "leaflet.markercluster.js",
    "markercluster/MarkerCluster.css": Path(xcluster.BASE_DIR) / "MarkerCluster.css",
    "markercluster/MarkerCluster.Default.css": Path(xcluster.BASE_DIR)
    / "MarkerCluster.Default.css",
    "naqsha/host.js": WEB_DIR / "host.js",
    "naqsha/draw.js": WEB_DIR / "draw.js",
    "naqsha/load.js": WEB_DIR / "load.js",
    "naqsha/naqsha.js": WEB_DIR / "naqsha.js",
    "naqsha/naqsha.css": WEB_DIR / "naqsha.css",
    "naqsha/site.js": WEB_DIR / "site.js",
}
JS_FILES = (
    "leaflet/leaflet.js",
    "markercluster/leaflet.markercluster.js",
    "naqsha/host.js",
    "naqsha/draw.js",
    "naqsha/load.js",
    "naqsha/naqsha.js",
)
CSS_FILES = (
    "leaflet/leaflet.css",
    "markercluster/MarkerCluster.css",
    "markercluster/MarkerCluster.Default.css",
    "naqsha/naqsha.css",
)


# The map page loads its scripts one after another, so they are also joined into one file (and
# the stylesheets into one, beside Leaflet's so that its relative image paths still resolve).
BUNDLE_JS = "leaflet/naqsha-bundle.js"
BUNDLE_CSS = "leaflet/naqsha-bundle.css"


def install_static_assets(static_dir: Path = STATIC_DIR, files=tuple(VENDOR_FILES)) -> None:
    """Copy ``files`` (names in :data:`VENDOR_FILES`) and Leaflet's images into the static
    folder if they changed, and write the joined :data:`BUNDLE_JS` and :data:`BUNDLE_CSS`."""
    for name in files:
        _write_if_changed(VENDOR_FILES[name].read_bytes(), static_dir / name)
    for image in (Path(xleaflet.BASE_DIR) / "images").iterdir():
        _write_if_changed(image.read_bytes(), static_dir / "leaflet" / "images" / image.name)
    for bundle, names in ((BUNDLE_JS, JS_FILES), (BUNDLE_CSS, CSS_FILES)):
        joined = b"\n;\n" if bundle.endswith(".js") else b"\n"
        content = joined.join(VENDOR_FILES[name].read_bytes() for name in names)
        _write_if_changed(content, static_dir / bundle)


def _write_if_changed(content: bytes, target: Path) -> None:
    if target.exists() and not target.is_symlink() and target.read_bytes() == content:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink():
        target.unlink()
    target.write_bytes(content)


def simplified(
    geometry: gpd.GeoDataFrame, units: dict, tolerance: float = SIMPLIFY_TOLERANCE_DEG
) -> gpd.GeoDataFrame:
    """Simplify each level as one coverage, so neighbours keep sharing their edges exactly."""
    frame = geometry.copy()
    for level in ("province", "district"):
        codes = [code for code in frame.index if units[code].level == level]
        if codes:
            frame.loc[codes, "geometry"] = shapely.coverage_simplify(
                frame.geometry.loc[codes].values, tolerance
            )
    return frame


def geometry_collection(geometry: gpd.GeoDataFrame, units: dict) -> dict:
    """The map's GeoJSON: one feature per unit with the properties the tooltip, labels and tests
    need.

    ``i`` is the unit's position in ``units``, which the per-date payload uses as its index.
    ``label`` is where the unit's name is written (a point inside its shape, ``[lat, lon]``).
    A province whose districts have shapes gets ``outline: true``: its districts are drawn
    filled and the province only as a thicker outline above them. A province's sourced capital
    comes as ``capital``: ``[lat, lon, name]``.
    """
    features = []
    position = {code: i for i, code in enumerate(units)}
    with_districts = {units[code].parent for code in geometry.index if units[code].parent}
    for code, row in geometry.iterrows():
        unit = units[code]
        inside = row.geometry.representative_point()
        properties = {
            "unit": code,
            "i": position[code],
            "level": unit.level,
            "parent": unit.parent or "",
            "name_en": unit.name_en,
            "name_fa": unit.name_fa,
            "schematic": bool(row["schematic"]),
            "label": [round(inside.y, 4), round(inside.x, 4)],
        }
        if unit.level == "province":
            properties["outline"] = code in with_districts
            if unit.centre_lat is not None:
                properties["capital"] = [unit.centre_lat, unit.centre_lon, unit.centre_name]
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": shapely.geometry.mapping(shapely.set_precision(row.geometry, 1e-5)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_static_json(
    collection: dict,
    stem: str,
    static_dir: Path = STATIC_DIR,
    compressed: bool = False,
    folder: str = "data",
) -> str:
    """Write a JSON file named by its content hash (so browsers may cache it) and return its URL.

    With ``compressed``, a gzip copy (``.json.gz``) is written beside it and its URL returned.
    Streamlit gzips ``.json`` responses again on every request (measured: ~50 ms of server time
    for the 399-district geometry); a ``.gz`` file is sent as it is and naqsha.js unpacks it.
    ``folder`` is the subfolder of ``static_dir`` (and of the URL) the file goes to.
    """
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    target = static_dir / folder / f"{stem}-{digest}.json"
    _write_once(target, text.encode)
    if compressed:
        target = target.with_name(target.name + ".gz")
        _write_once(target, lambda: gzip.compress(text.encode(), mtime=0))
    return f"{STATIC_URL}/{folder}/{target.name}"


def _write_once(target: Path, content: Callable[[], bytes]) -> None:
    """Write ``content()`` to ``target`` unless it exists (its name holds a content digest)."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(content())
    tmp.replace(target)
