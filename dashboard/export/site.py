"""A static site of the whole timeline: a folder any static host (or a disk) can serve.

``python -m dashboard export --format site --out DIR`` writes ``index.html``, Leaflet and the
cluster plugin from the installed packages, the dashboard's own ``naqsha.js`` with the page's
``site.js``, and the data in ``data/``: the simplified geometry, the style track (every unit's
style by date, as the dashboard's map uses it), every unit's detail by date, the events to draw
on each date and the event markers in chunks. The page scrubs the whole period in the browser,
with no server-side code.

Pages opened from ``file://`` may not ``fetch()`` files, so each data file is a script holding
one call, ``Naqsha.deliver(address, data)``, with the data as a JSON literal; ``naqsha.js``
loads a ``.js`` address that way. The folder is written beside its destination first and moved
into place when complete, so a failed export leaves no half-written site.
"""

from __future__ import annotations

import hashlib
import html
import json
import secrets
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dashboard.data import DataError, Dataset
from dashboard.detail import DERIVED_NOTE, source_parts, status_label, unit_line
from dashboard.export.html import credit_html, page_head, script_json
from dashboard.mapview.assets import (
    BUNDLE_CSS,
    BUNDLE_JS,
    geometry_collection,
    install_static_assets,
    simplified,
)
from dashboard.mapview.basemap import (
    attribution_text,
    has_schematic,
    layer_options,
    map_bounds,
)
from dashboard.mapview.eventfiles import EventFiles
from dashboard.mapview.payload import ordered, style_track, tracks_of, unit_centres
from dashboard.style import state_note
from dashboard.timeline import Timeline
from dashboard.timeline.core import opening_date, period
from dashboard.timeline.events import EventFilter, events_on

SITE_JS = "naqsha/site.js"
# A unit's detail on a date, as the page receives it (see ``ROW_FIELDS``).
DETAIL_FIELDS = ("status", "since", "confidence", "caveat", "url", "source")
# Playback speed, in days per second.
DAYS_PER_SECOND = 4
PAGE_CSS = """
html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
body { display: flex; flex-direction: column; }
header, footer { padding: 4px 12px; }
header h1 { font-size: 1.1rem; margin: 0; }
footer p, #naqsha-notice { margin: 2px 0; font-size: 0.8rem; color: #333; }
#naqsha-controls { display: flex; gap: 8px; align-items: center; }
#naqsha-slider { flex: 1; }
#naqsha-date { font-variant-numeric: tabular-nums; min-width: 6.5em; font-weight: bold; }
main { flex: 1; display: flex; min-height: 300px; }
#naqsha-map { flex: 1; }
#naqsha-detail { width: 280px; overflow: auto; padding: 0 10px; font-size: 0.9rem; }
#naqsha-detail h2 { font-size: 1.05rem; }
@media (max-width: 700px) { main { flex-direction: column; } #naqsha-detail { width: auto; } }
"""


@dataclass(frozen=True)
class SiteReport:
    """What :func:`write_site` wrote: the folder, its days, files and bytes."""

    out: Path
    first: date
    last: date
    files: int
    bytes: int

    def summary(self) -> str:
        return (
            f"Wrote the site {self.out} ({self.first.isoformat()} to {self.last.isoformat()}): "
            f"{self.files} files, {self.bytes / 1e6:.1f} MB. Open {self.out / 'index.html'} "
            "in a browser, or serve the folder from any static host."
        )


def write_site(
    dataset: Dataset,
    timeline: Timeline,
    out: Path,
    start: date | None = None,
    selected: str | None = None,
) -> SiteReport:
    """Write the static site of ``dataset`` to the new folder ``out``.

    Parameters
    ----------
    dataset, timeline : Dataset, Timeline
        The data and its timeline.
    out : Path
        A folder that does not exist yet, or an empty one.
    start : datetime.date, optional
        The date the page opens on (default: the package's opening date, as the app's, see
        :func:`~dashboard.timeline.core.opening_date`); a link's ``#date=`` overrides it.
    selected : str, optional
        P-code of the unit whose detail the page opens with.

    Raises
    ------
    DataError
        When ``out`` holds files already or cannot be written.
    """
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DataError.one(
            str(out), None, "--out", "exists and is not an empty folder", "give a new folder's path"
        )
    first, last = period(dataset, timeline)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    building = out.parent / f".{out.name}.partial-{secrets.token_hex(4)}"
    try:
        install_static_assets(building / "assets", files=(SITE_JS,))
        config = _write_data(dataset, timeline, days, building)
        opens = start if start and first <= start <= last else opening_date(dataset, timeline)
        config["start"] = opens.isoformat()
        config["selected"] = selected or ""
        (building / "index.html").write_text(page_html(dataset, config), encoding="utf-8")
        if out.exists():
            out.rmdir()
        building.rename(out)
    except OSError as exc:
        raise DataError.one(
            str(out),
            None,
            "--out",
            f"cannot write the site ({exc.strerror})",
            "give a writable path",
        ) from exc
    finally:
        shutil.rmtree(building, ignore_errors=True)
    files = [p for p in out.rglob("*") if p.is_file()]
    return SiteReport(out, first, last, len(files), sum(p.stat().st_size for p in files))


def _write_data(dataset: Dataset, timeline: Timeline, days: list[date], folder: Path) -> dict:
    """Write the data files and return the page's configuration (their addresses and the days)."""

    def write(value, stem: str) -> str:
        return write_data_script(value, stem, folder)

    geometry = geometry_collection(simplified(dataset.geometry, dataset.units), dataset.units)
    context = dataset.context.__geo_interface__ if dataset.context is not None else None
    options = layer_options(
        dataset.vocabulary,
        write(geometry, "geometry"),
        write(context, "context") if context else None,
        attribution_text(dataset),
        has_schematic(dataset.geometry),
    )
    options["fields"] = {**options["fields"], "detail": DETAIL_FIELDS}
    return {
        "options": options,
        "bounds": map_bounds(dataset),
        "dates": [day.isoformat() for day in days],
        "daysPerSecond": DAYS_PER_SECOND,
        "trackUrl": write(style_track(timeline), "track"),
        "detailsUrl": write(detail_track(timeline), "details"),
        "eventsUrl": write(
            events_by_day(dataset, days, lambda rows: write(rows, "events")), "days"
        ),
    }


def write_data_script(value, stem: str, folder: Path) -> str:
    """Write ``value`` as ``data/<stem>-<digest>.js`` holding ``Naqsha.deliver(address, value)``
    and return the address (relative to ``index.html``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    address = f"data/{stem}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.js"
    target = folder / address
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"Naqsha.deliver({json.dumps(address)},{text});\n", encoding="utf-8")
    return address


def detail_track(timeline: Timeline) -> dict:
    """What the page shows for a clicked unit on each date, looked up like the style track.

    Returns
    -------
    dict
        ``units``: per P-code, ``[name, second name, kind line]``; ``rows``: the distinct
        details, in :data:`DETAIL_FIELDS` order;
        ``tracks``: per P-code, ``[date, row]`` pairs by date, the first dated ``""``.
    """
    rows, tracks = tracks_of(timeline, lambda code, day: detail_row(timeline, code, day))
    units = {
        code: [unit.name_en, unit.name_fa, unit_line(unit)] for code, unit in timeline.units.items()
    }
    return {"units": units, "rows": rows, "tracks": tracks}


def detail_row(timeline: Timeline, code: str, day: date) -> tuple[str, ...]:
    state = timeline.state(code, day)
    caveat = state_note(state)
    url = label = ""
    if state.record is not None:
        record = state.record
        label, _ = source_parts(record.source_url, record.source_publisher, record.source_title)
        url = record.source_url
        if record.unit != code and not state.inherited:
            caveat = "; ".join(filter(None, [caveat, DERIVED_NOTE]))
    return ordered(
        DETAIL_FIELDS,
        status=status_label(timeline.vocabulary, state.status),
        since=state.since.isoformat() if state.since else "",
        confidence=state.confidence,
        caveat=caveat,
        url=url,
        source=label,
    )


def events_by_day(dataset: Dataset, days: list[date], write) -> list[dict]:
    """The events the map draws on each day (the dashboard's default window and filters),
    as the live map receives them: positions into marker chunks, or counts per province."""
    files = EventFiles(dataset.events, write=write)
    centres = unit_centres(dataset.units, dataset.geometry)
    chosen = EventFilter()
    return [
        files.payload(events_on(dataset.events, day, chosen), dataset.units, centres)
        for day in days
    ]


def page_html(dataset: Dataset, config: dict) -> str:
    """The site's ``index.html``: the page's frame, with the configuration as JSON data."""
    title = f"{dataset.title}: {config['dates'][0]} to {config['dates'][-1]}"
    return "\n".join(
        [
            *page_head(title),
            f'<link rel="stylesheet" href="assets/{BUNDLE_CSS}">',
            f"<style>{PAGE_CSS}</style>",
            "</head>",
            "<body>",
            f'<header><h1>Naqsha · <bdi lang="fa">نقشه</bdi>: {html.escape(title)}</h1>',
            '<div id="naqsha-controls">',
            '<button type="button" id="naqsha-play">▶ Play</button>',
            '<input type="range" id="naqsha-slider" min="0" value="0" aria-label="Date">',
            '<output id="naqsha-date" for="naqsha-slider"></output>',
            "</div>",
            '<p id="naqsha-notice" role="status"></p></header>',
            '<main><div id="naqsha-map"></div>',
            '<aside id="naqsha-detail" aria-live="polite" hidden></aside></main>',
            credit_html(dataset),
            f'<script type="application/json" id="naqsha-site">{script_json(config)}</script>',
            f'<script src="assets/{BUNDLE_JS}"></script>',
            f'<script src="assets/{SITE_JS}"></script>',
            "<script>NaqshaSite.start();</script>",
            "</body>",
            "</html>",
            "",
        ]
    )
