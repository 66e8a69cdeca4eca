"""The map legend as data: naqsha.js draws it with DOM calls (``textContent``), never as HTML.

Its swatches use the same pattern spec as the map's fills (``pattern`` of each status), so the
legend and the map cannot disagree.
"""

from __future__ import annotations

from dashboard.data.vocabulary import Vocabulary
from dashboard.style import EVENT_STYLES, INHERITED_OPACITY, MAP_COLOURS, status_styles

# How the map draws uncertainty and inherited statuses, shown over a side's colour (the
# second side's and the first's: the Taliban's and the government's for the shipped data).
UNCERTAIN = {
    "label": "Striped: low confidence, claim or inferred date",
    "description": "Low confidence, a disputed claim, or an inferred date",
    "pattern": "low",
}
INHERITED = {
    "label": "Faded: no record of its own (shows its province)",
    "description": "No source gives this district's status on the date; it follows its province",
    "pattern": "faded",
    "opacity": INHERITED_OPACITY,
}
SCHEMATIC = {
    "label": "District (schematic shape)",
    "description": "District shapes drawn schematically, not surveyed boundaries",
    "colour": MAP_COLOURS["schematic"],
    "pattern": "outline",
}


# The legend's event key is always shown, so its names are short (the full ACLED type is the
# row's tooltip).
EVENT_SHORT_NAMES = {
    "Battles": "Battles",
    "Explosions/Remote violence": "Explosions",
    "Violence against civilians": "Civilians",
    "Protests": "Protests",
    "Riots": "Riots",
    "Strategic developments": "Strategic",
}


# On a map narrower than this (a phone) the legend starts folded: open, it would cover half of it.
FOLD_BELOW_PX = 520


def legend_spec(vocabulary: Vocabulary, schematic: bool = False) -> dict:
    """The legend's rows: every status, how uncertainty is drawn, inherited district statuses,
    schematic shapes (only when
    ``schematic`` shapes are on the map), and the event marker types.

    Returns
    -------
    dict
        ``title``; ``rows``: ``label``, ``description``, ``colour`` and ``pattern`` (``solid``,
        ``hatch``, ``cross``, ``low``, ``faded`` or ``outline``); ``events``: ``name``, ``colour``,
        ``letter`` in marker-type order, and ``short``, the name the key shows;
        ``fold_below_px``: on a map narrower than this the legend starts folded.
    """
    rows = [
        {"label": s.label, "description": s.description, "colour": s.colour, "pattern": s.pattern}
        for s in status_styles(vocabulary).values()
    ]
    sides = vocabulary.sides
    rows.append({**UNCERTAIN, "colour": sides[min(1, len(sides) - 1)].colour})
    rows.append({**INHERITED, "colour": sides[0].colour})
    if schematic:
        rows.append(SCHEMATIC)
    events = [
        {"name": name, "short": EVENT_SHORT_NAMES[name], "colour": colour, "letter": letter}
        for name, (colour, letter) in EVENT_STYLES.items()
    ]
    return {"title": "Control", "rows": rows, "events": events, "fold_below_px": FOLD_BELOW_PX}
