"""The style vocabulary: every status's label, colour and pattern, the map's other colours, the
event markers and the caveat a unit's state carries. The map (and through its options, its
JavaScript), the legend, the charts, the detail and the exports all read this one table.

Colours are from the Okabe-Ito palette, which stays distinct for the common forms of colour
blindness. Colour is never the only signal: contested and partial areas are hatched, and
low-confidence or claimed statuses are striped with white.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from dashboard.data.records import CONTESTED, PARTIAL, UNKNOWN
from dashboard.data.vocabulary import AFGHANISTAN_2021, Vocabulary
from dashboard.timeline import UnitState


@dataclass(frozen=True)
class StatusStyle:
    label: str
    colour: str
    pattern: str  # "solid", "hatch" (diagonal lines), or "cross" (cross-hatch)
    description: str


# The statuses every data package has besides its sides (dashboard.data.vocabulary).
BUILT_IN_STYLES = {
    CONTESTED: StatusStyle(
        "Contested",
        "#E69F00",
        "hatch",
        "Fighting inside the capital or district centre; neither side in control",
    ),
    PARTIAL: StatusStyle(
        "Partial",
        "#CC79A7",
        "cross",
        "A province with no record of its own whose districts are held by different sides "
        "(a side holds a province when it holds its capital)",
    ),
    UNKNOWN: StatusStyle("No record", "#BBBBBB", "solid", "No record covers this date"),
}


@cache
def status_styles(vocabulary: Vocabulary = AFGHANISTAN_2021) -> dict[str, StatusStyle]:
    """Every status's style, in display order: the data package's sides (their labels,
    colours and descriptions), then contested, partial and no record."""
    sides = {
        s.code: StatusStyle(s.label, s.colour, "solid", s.description) for s in vocabulary.sides
    }
    return {**sides, **BUILT_IN_STYLES}


# The shipped package's styles (its datapackage.json declares the same sides).
STATUS_STYLES = status_styles(AFGHANISTAN_2021)

OWN_OPACITY = 0.75
# A district that only follows its province is drawn faded, so that a reader can tell sourced
# district statuses from inherited ones at a glance (the legend and tooltip say so too).
INHERITED_OPACITY = 0.3

# The map's colours apart from the statuses: unit borders, province outlines drawn above their
# districts, the selected and the highlighted units, capitals, the neighbouring countries, the
# circles that count events per province, and an event of a type outside the taxonomy.
MAP_COLOURS = {
    "border": "#ffffff",
    "outline": "#222222",
    "selected": "#000000",
    "highlight": "#F0E442",
    "capital": "#000000",
    "capital_fill": "#ffffff",
    "stripe_ground": "#ffffff",
    "context_line": "#9a9a9a",
    "context_fill": "#efefef",
    "aggregate_line": "#333333",
    "aggregate_fill": "#56B4E9",
    "other_event": "#555555",
    "schematic": "#333333",
}
# Stripe widths (in 8-pixel tiles) of the patterns the map and the legend draw alike: the
# contested hatch, the partial cross-hatch and the white stripes of an uncertain status.
PATTERNS = {
    "hatch": {"stripe": 3, "cross": False},
    "cross": {"stripe": 3, "cross": True},
    "low": {"stripe": 5, "cross": False},
}

EVENT_STYLES: dict[str, tuple[str, str]] = {
    "Battles": ("#D55E00", "B"),
    "Explosions/Remote violence": ("#000000", "E"),
    "Violence against civilians": ("#CC79A7", "V"),
    "Protests": ("#56B4E9", "P"),
    "Riots": ("#E69F00", "R"),
    "Strategic developments": ("#009E73", "S"),
}


def fill_for(
    styles: dict[str, StatusStyle], status: str, confidence: str, claim_or_approximate: bool
) -> str:
    """The fill the map uses: a colour, or a pattern id when the status needs one; ``styles``
    are the data package's (:func:`status_styles`).

    Low confidence, disputed claims and inferred dates are shown as white stripes over the
    colour (pattern ``low-<status>``) so that uncertainty is visible without a legend lookup.
    """
    style = styles[status]
    if style.pattern != "solid":
        return f"url(#{pattern_id(status, style.pattern)})"
    if confidence == "low" or claim_or_approximate:
        return f"url(#{pattern_id(status, 'low')})"
    return style.colour


def pattern_id(status: str, kind: str) -> str:
    """The id of the SVG pattern the map defines for ``status`` drawn as ``kind`` (``low``, or
    the status's own ``hatch`` or ``cross``); the map's script receives these ids."""
    return f"naqsha-low-{status}" if kind == "low" else f"naqsha-{status}"


def state_note(state: UnitState) -> str:
    """A short plain-text caveat for the tooltip: claims, inferred dates, inherited status."""
    notes = []
    record = state.record
    if record is not None and record.claimed_by:
        notes.append(f"Claimed by {record.claimed_by}")
    if record is not None and record.disputed_by:
        notes.append(f"disputed by {record.disputed_by}")
    if record is not None and record.date_precision == "approximate":
        notes.append("date approximate")
    if state.inherited:
        notes.append("no record of its own; follows its province")
    return "; ".join(notes)
