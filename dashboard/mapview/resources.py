"""What the map needs once per dataset: static files for the browser, and indexes for the server."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import shapely

from dashboard.data import Dataset
from dashboard.mapview.assets import (
    STATIC_DIR,
    geometry_collection,
    install_static_assets,
    simplified,
    write_static_json,
)
from dashboard.mapview.basemap import attribution_text, has_schematic, layer_options, map_bounds
from dashboard.mapview.eventfiles import EventFiles
from dashboard.mapview.payload import style_track, unit_centres
from dashboard.mapview.pruning import prune, refresh, used_files
from dashboard.timeline import Timeline


@dataclass
class MapResources:
    """What the map of one dataset needs on the server, once prepared.

    ``options``: the base map's options (addresses of the static files); ``centres``: a point
    per unit for aggregated events; ``tree`` and ``codes``: a spatial index of the unit shapes
    and their codes, for clicks; ``units``: the dataset's units; ``event_files``: its event
    markers as static chunks; ``static_dir``: where the files are; ``bounds``: the data's
    extent, which the map opens on.
    """

    options: dict
    centres: dict[str, tuple[float, float]]
    tree: shapely.STRtree
    codes: list[str]
    units: dict
    event_files: EventFiles
    static_dir: Path
    bounds: list[list[float]]

    def unit_at(self, lat: float, lon: float, selected: str) -> str | None:
        """The unit under a click: the province first; a district once its province is open.

        A first click opens the province (with its district table and shares) and zooms to
        it; a second click inside it drills down to the district under the pointer.
        """
        hits = [
            self.codes[i] for i in self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        ]
        units = self.units
        province = next((c for c in hits if units[c].level == "province"), None)
        opened = {selected, units[selected].parent} if selected in units else set()
        district = next(
            (c for c in hits if units[c].level == "district" and units[c].parent in opened), None
        )
        return district or province


def prepare_map(
    dataset: Dataset, timeline: Timeline, static_dir: Path = STATIC_DIR
) -> MapResources:
    """Write the files the browser fetches once and build the server-side lookups.

    Parameters
    ----------
    dataset : Dataset
        The loaded data.
    timeline : Timeline
        Its timeline, from which the browser's copy of every unit's style by date is written.
    static_dir : Path
        The ``static/`` folder beside the Streamlit script, served under ``/app/static/``.

    Returns
    -------
    dict
        ``options``: the base map's options (the addresses of static JSON files holding the
        styles and legend, the geometries and the style track, all fetched at once);
        ``centres``: a point per unit for aggregated events; ``tree`` and ``codes``: a spatial
        index of the unit shapes and their codes, for clicks; ``event_files``: the dataset's
        event markers as static chunks.
    """
    install_static_assets(static_dir)
    geometry_url = write_static_json(
        geometry_collection(simplified(dataset.geometry, dataset.units), dataset.units),
        "geometry",
        static_dir,
        compressed=True,
    )
    context_url = None
    if dataset.context is not None:
        context_url = write_static_json(dataset.context.__geo_interface__, "context", static_dir)
    attribution = attribution_text(dataset)
    options_url = write_static_json(
        layer_options(
            dataset.vocabulary,
            geometry_url,
            context_url,
            attribution,
            has_schematic(dataset.geometry),
        ),
        "options",
        static_dir,
    )
    options = {
        "optionsUrl": options_url,
        "geometryUrl": geometry_url,
        "contextUrl": context_url,
        "trackUrl": write_static_json(style_track(timeline), "track", static_dir),
    }
    return _in_use(dataset, options, static_dir)


def reuse_map(
    dataset: Dataset, timeline: Timeline, options: dict, static_dir: Path = STATIC_DIR
) -> MapResources | None:
    """:func:`prepare_map`'s result from the ``options`` it returned before (a cache), without
    writing the files again; ``None`` if one of them has gone (pruned), to prepare them anew."""
    if any(not path.exists() for path in used_files(options.values(), static_dir)):
        return None
    install_static_assets(static_dir)
    return _in_use(dataset, options, static_dir)


def _in_use(dataset: Dataset, options: dict, static_dir: Path) -> MapResources:
    keep = used_files(options.values(), static_dir)
    refresh(keep)  # files written earlier (by any process) are in use again
    prune(keep, static_dir)
    return MapResources(
        options=options,
        centres=unit_centres(dataset.units, dataset.geometry),
        tree=shapely.STRtree(dataset.geometry.geometry.values),
        codes=list(dataset.geometry.index),
        units=dataset.units,
        event_files=EventFiles(dataset.events, static_dir),
        static_dir=static_dir,
        bounds=map_bounds(dataset),
    )


def files_missing(resources: MapResources) -> bool:
    """Mark the static files of ``resources`` as in use; True if a map file has gone (another
    process pruned it while this one sat idle), in which case the caller prepares them again."""
    static_dir = resources.static_dir
    refresh(used_files(resources.event_files.urls(), static_dir))
    return bool(refresh(used_files(resources.options.values(), static_dir)))
