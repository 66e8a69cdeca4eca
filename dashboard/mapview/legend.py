"""The map legend, built only from the style tables (no data text), so it is safe as HTML."""

from __future__ import annotations

from dashboard.mapview.style import EVENT_STYLES, STATUS_STYLES

SWATCH = '<svg width="18" height="12" aria-hidden="true">{body}</svg>'


def _swatch(colour: str, pattern: str) -> str:
    stripes = ""
    if pattern in ("hatch", "low"):
        width = 3 if pattern == "hatch" else 5
        stripes = "".join(
            f'<line x1="{x}" y1="12" x2="{x + 12}" y2="0" stroke="white" stroke-width="{8 - width}"/>'
            for x in range(-12, 18, 8)
        )
    if pattern == "cross":
        stripes = (
            '<path d="M0 12L12 0M6 12L18 0M0 0L12 12M6 0L18 12" stroke="white" stroke-width="2"/>'
        )
    return SWATCH.format(body=f'<rect width="18" height="12" fill="{colour}"/>{stripes}')


def legend_html() -> str:
    """The legend: statuses, how uncertainty is drawn, schematic districts, and event types."""
    rows = [
        f'<div title="{s.description}">{_swatch(s.colour, s.pattern)}{s.label}</div>'
        for s in STATUS_STYLES.values()
    ]
    rows.append(
        f'<div title="Low confidence, a disputed claim, or an inferred date">{_swatch("#D55E00", "low")}Striped: low confidence, claim or inferred date</div>'
    )
    rows.append(
        '<div title="District shapes are schematic"><svg width="18" height="12"><rect x="1" y="1" width="16" height="10" fill="none" stroke="#333" stroke-dasharray="4 3"/></svg>District (schematic shape)</div>'
    )
    events = "".join(
        f'<span class="naqsha-ev naqsha-ev-{i}" style="display:inline-block;margin-right:3px" title="{name}"><span style="background:{colour}">{letter}</span></span>'
        for i, (name, (colour, letter)) in enumerate(EVENT_STYLES.items())
    )
    rows.append(f"<div>Events: {events}</div>")
    return '<div class="naqsha-legend"><strong>Control</strong>' + "".join(rows) + "</div>"
