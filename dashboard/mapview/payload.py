"""What the browser receives per date: a status and fill per unit, and the events to draw.

This is the only data that crosses the websocket on a slider step; the geometry does not.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pandas as pd
from branca.element import MacroElement
from folium import FeatureGroup
from jinja2 import Template

from dashboard.style import (
    EVENT_STYLES,
    INHERITED_OPACITY,
    OWN_OPACITY,
    StatusStyle,
    fill_for,
    state_note,
    status_styles,
)
from dashboard.timeline import Timeline, UnitState
from dashboard.timeline.core import ONE_DAY

# The positions of the rows the browser receives, by name; the map's script reads them by these
# names (sent in its options), so this is the only place that orders them.
ROW_FIELDS = {
    "style": ("status", "fill", "since", "confidence", "note", "opacity"),
    "marker": (
        "lat", "lon", "type", "date", "title", "place", "notes", "fatalities", "url", "source",
        "precision",
    ),
    "aggregate": ("lat", "lon", "count", "fatalities", "place"),
}  # fmt: skip
# Above this many events in the window the map shows counts per province instead of markers.
MAX_MARKERS = 2000
EVENT_TYPES = list(EVENT_STYLES)


def style_key(
    state: UnitState, styles: dict[str, StatusStyle]
) -> tuple[str, str, str, str, str, float]:
    """A unit's look on a date: status, fill (colour or pattern), since, confidence, caveat,
    and fill opacity (faded where a district has no record of its own and shows its province's)."""
    return ordered(
        ROW_FIELDS["style"],
        status=state.status,
        fill=fill_for(styles, state.status, state.confidence, state.approximate),
        since=state.since.isoformat() if state.since else "",
        confidence=state.confidence,
        note=state_note(state),
        opacity=INHERITED_OPACITY if state.inherited else OWN_OPACITY,
    )


def ordered(fields: tuple[str, ...], **values) -> tuple:
    """``values`` as a row in the order of ``fields`` (one of :data:`ROW_FIELDS`), which must
    name every value."""
    assert set(values) == set(fields), fields
    return tuple(values[name] for name in fields)


def unit_styles(
    states: dict[str, UnitState], styles: dict[str, StatusStyle]
) -> tuple[list[list[str]], list[int]]:
    """The distinct styles, and each unit's index into them, in ``states`` order.

    Hundreds of districts share a handful of styles, so this keeps a step's payload small.
    """
    found: dict[tuple, int] = {}
    indexes = [found.setdefault(style_key(s, styles), len(found)) for s in states.values()]
    return [list(style) for style in found], indexes


def style_track(timeline: Timeline) -> dict:
    """Every unit's style on every date, for the browser to restyle the map on its own.

    While the slider moves, the map applies this at once instead of waiting for the server's
    step (which then confirms it). A unit's style can only change where one of its segments
    starts or ends, so its track lists the style from each of those dates on.

    Returns
    -------
    dict
        ``styles``: the distinct styles (as in :func:`state_payload`); ``tracks``: per unit,
        in ``timeline.units`` order, ``[date, style]`` pairs by date, the first dated ``""``
        (before any record).
    """
    look = status_styles(timeline.vocabulary)
    styles, tracks = tracks_of(
        timeline, lambda code, day: style_key(timeline.state(code, day), look)
    )
    return {"styles": styles, "tracks": list(tracks.values())}


def tracks_of(timeline: Timeline, row_of) -> tuple[list[list], dict[str, list[list]]]:
    """The distinct rows ``row_of(code, day)`` gives, and per unit (in ``timeline.units`` order)
    ``[date, row index]`` pairs from each date its row can change, the first dated ``""``
    (before any record); consecutive repeats are dropped."""
    rows: dict[tuple, int] = {}
    tracks = {}
    for code in timeline.units:
        track: list[list] = []
        for day in [date.min, *segment_bounds(timeline.history(code))]:
            index = rows.setdefault(row_of(code, day), len(rows))
            if not track or track[-1][1] != index:
                track.append(["" if day == date.min else day.isoformat(), index])
        tracks[code] = track
    return [list(row) for row in rows], tracks


def segment_bounds(segments: list) -> list[date]:
    """The sorted dates on which a run of segments starts or ends (the day after its end)."""
    days = {s.start for s in segments} | {s.end + ONE_DAY for s in segments if s.end}
    return sorted(days)


def style_of(payload: dict, position: int) -> list[str]:
    """The style the payload gives the unit at ``position`` (its index in ``units``)."""
    return payload["styles"][payload["u"][position]]


def unit_centres(units: dict, geometry) -> dict[str, tuple[float, float]]:
    """Where to put a unit's aggregate marker: its sourced centre, else a point inside its shape."""
    centres = {}
    for code, unit in units.items():
        if unit.centre_lat is not None:
            centres[code] = (unit.centre_lat, unit.centre_lon)
        elif code in geometry.index:
            point = geometry.geometry[code].representative_point()
            centres[code] = (round(point.y, 5), round(point.x, 5))
    return centres


def events_payload(
    events: pd.DataFrame, units: dict, centres: dict[str, tuple[float, float]]
) -> dict:
    """Markers for the events on the map, with their rows inline, or counts per province when
    there are too many. The standalone HTML export uses this; the live map sends positions into
    static files instead (:mod:`dashboard.mapview.eventfiles`)."""
    placed = events[events["latitude"].notna()]
    if len(placed) > MAX_MARKERS:
        return aggregate_payload(placed, units, centres)
    return keyed(
        {"mode": "markers", "rows": [marker_row(e) for e in placed.itertuples(index=False)]}
    )


def aggregate_payload(
    placed: pd.DataFrame, units: dict, centres: dict[str, tuple[float, float]]
) -> dict:
    """One circle per province: where its events are, how many, and their reported fatalities."""
    grouped = placed.groupby("province", sort=True).agg(
        count=("event_date", "size"), fatalities=("fatalities", "sum")
    )
    rows = []
    for code, row in grouped.iterrows():
        if code in centres:
            lat, lon = centres[code]
            count, fatalities = int(row["count"]), int(row["fatalities"] or 0)
            rows.append(
                list(
                    ordered(
                        ROW_FIELDS["aggregate"], lat=lat, lon=lon, count=count, fatalities=fatalities,
                        place=units[code].name_en,
                    )
                )
            )  # fmt: skip
    return keyed({"mode": "aggregate", "rows": rows})


def keyed(payload: dict) -> dict:
    """Add ``key``, a digest of the content: the browser skips redrawing an unchanged layer."""
    text = json.dumps(payload, default=str, sort_keys=True)
    return {**payload, "key": hashlib.sha1(text.encode()).hexdigest()[:12]}


def place_text(*names: str) -> str:
    """The place from the most to the least precise name, each said once: ``Kabul, Kabul,
    Kabul`` is just ``Kabul``."""
    seen: list[str] = []
    for name in names:
        if name and name.strip().casefold() not in {s.casefold() for s in seen}:
            seen.append(name.strip())
    return ", ".join(seen)


def marker_row(e) -> list:
    """One event (a row from ``itertuples``) as the list the map's popup reads."""
    type_index = EVENT_TYPES.index(e.event_type) if e.event_type in EVENT_TYPES else -1
    fatalities = None if pd.isna(e.fatalities) else int(e.fatalities)
    precision = []
    if not pd.isna(e.geo_precision) and e.geo_precision > 1:
        precision.append(f"place approximate (geo precision {e.geo_precision})")
    if not pd.isna(e.time_precision) and e.time_precision > 1:
        precision.append(f"date approximate (time precision {e.time_precision})")
    title = f"{e.event_type}: {e.sub_event_type}"
    place = place_text(e.location, e.admin2, e.admin1)
    notes = e.notes
    return list(
        ordered(
            ROW_FIELDS["marker"],
            lat=round(e.latitude, 5),
            lon=round(e.longitude, 5),
            type=type_index,
            date=e.event_date.date().isoformat(),
            title=title,
            place=place,
            notes=notes,
            fatalities=fatalities,
            url=e.source_url,
            source=e.source,
            precision="; ".join(precision),
        )
    )


def state_payload(
    timeline: Timeline,
    day: date,
    events: dict,
    selected: str | None = None,
    highlight: tuple[str, ...] = (),
    detail: bool = False,
) -> dict:
    """Everything the browser needs for one date. ``detail``: the page shows the selected
    unit's detail panel (on a phone the map's selection box then has a button down to it)."""
    states = timeline.state_on(day)
    styles, indexes = unit_styles(states, status_styles(timeline.vocabulary))
    return {
        "date": day.isoformat(),
        "styles": styles,
        "u": indexes,
        "selected": selected or "",
        "highlight": list(highlight),
        "events": events,
        "detail": detail,
    }


class StateUpdate(MacroElement):
    """Runs ``Naqsha.update(payload)`` in the browser (which also releases what
    streamlit-folium kept of earlier steps: see ``host.js``)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        Naqsha.update({{ this.payload_json }});
        {% endmacro %}"""
    )

    def __init__(self, payload: dict):
        super().__init__()
        self._name = "StateUpdate"
        # ensure_ascii escapes U+2028/9; "</" is escaped so the JSON cannot close a <script>.
        self.payload_json = json.dumps(payload, ensure_ascii=True, separators=(",", ":")).replace(
            "</", "<\\/"
        )


def state_feature_group(payload: dict) -> FeatureGroup:
    group = FeatureGroup(name="naqsha-state", control=False)
    StateUpdate(payload).add_to(group)
    return group
