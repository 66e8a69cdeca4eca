"""The map legend as data: naqsha.js draws it with DOM calls (``textContent``), never as HTML.

Its swatches use the same pattern spec as the map's fills (``pattern`` of each status), so the
legend and the map cannot disagree.
"""

from __future__ import annotations

from dashboard.mapview.style import EVENT_STYLES, STATUS_STYLES

UNCERTAIN = {
    "label": "Striped: low confidence, claim or inferred date",
    "description": "Low confidence, a disputed claim, or an inferred date",
    "colour": STATUS_STYLES["taliban"].colour,
    "pattern": "low",
}
SCHEMATIC = {
    "label": "District (schematic shape)",
    "description": "District shapes drawn schematically, not surveyed boundaries",
    "colour": "#333333",
    "pattern": "outline",
}


def legend_spec(schematic: bool = False) -> dict:
    """The legend's rows: every status, how uncertainty is drawn, schematic shapes (only when
    ``schematic`` shapes are on the map), and the event marker types.

    Returns
    -------
    dict
        ``title``; ``rows``: ``label``, ``description``, ``colour`` and ``pattern`` (``solid``,
        ``hatch``, ``cross``, ``low`` or ``outline``); ``events``: ``name``, ``colour``,
        ``letter`` in marker-type order.
    """
    rows = [
        {"label": s.label, "description": s.description, "colour": s.colour, "pattern": s.pattern}
        for s in STATUS_STYLES.values()
    ]
    rows.append(UNCERTAIN)
    if schematic:
        rows.append(SCHEMATIC)
    events = [
        {"name": name, "colour": colour, "letter": letter}
        for name, (colour, letter) in EVENT_STYLES.items()
    ]
    return {"title": "Control", "rows": rows, "events": events}
