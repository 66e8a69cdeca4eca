"""The map on one date as a picture for publication (PNG or SVG), drawn offline.

Matplotlib draws it from the same style table as the web map (:mod:`dashboard.style`): status
colours, hatching for contested and cross-hatching for partial units, white stripes over an
uncertain status, and districts with no record of their own faded in their province's colour.
The picture carries a title with the date, the legend, a scale bar, the selected unit outlined,
and the credit line. In the SVG every text is text (searchable, editable by a graphics desk).
"""

from __future__ import annotations

import io
import math
import textwrap
from datetime import date

import matplotlib

matplotlib.use("Agg")  # no display; set before anything imports pyplot
from matplotlib.figure import Figure  # noqa: E402 - pyplot is never used: it is not thread-safe
from matplotlib.patches import Patch  # noqa: E402

from dashboard.data.dataset import Dataset  # noqa: E402
from dashboard.mapview.assets import simplified  # noqa: E402
from dashboard.mapview.basemap import attribution_text  # noqa: E402
from dashboard.mapview.legend import legend_spec  # noqa: E402
from dashboard.style import (  # noqa: E402
    INHERITED_OPACITY,
    MAP_COLOURS,
    OWN_OPACITY,
    StatusStyle,
    status_styles,
)
from dashboard.timeline import Timeline, UnitState  # noqa: E402

PICTURE_FORMATS = ("png", "svg")
# Letter-size landscape at 200 dpi: 2200 × 1700 pixels, sharp enough for print.
SIZE_INCHES = (11, 8.5)
DPI = 200
# Matplotlib hatches for the patterns the web map draws as SVG stripes.
HATCHES = {"solid": None, "hatch": "////", "cross": "xxxx", "low": "\\\\\\\\"}
SCALE_KM = 200


def picture(
    dataset: Dataset,
    timeline: Timeline,
    day: date,
    selected: str | None = None,
    fmt: str = "png",
) -> bytes:
    """The map on ``day`` as PNG or SVG bytes (``fmt``), with ``selected`` outlined."""
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
    ax = figure.add_axes((0.01, 0.09, 0.73, 0.82))
    ax.set_axis_off()
    _, south, _, north = dataset.geometry.total_bounds
    # Degrees of longitude shortened as at the data's middle latitude.
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    states = timeline.state_on(day)
    frame = simplified(dataset.geometry, dataset.units, tolerance=0.002)
    if dataset.context is not None:
        dataset.context.plot(
            ax=ax,
            facecolor=MAP_COLOURS["context_fill"],
            edgecolor=MAP_COLOURS["context_line"],
            linewidth=0.4,
        )
    _draw_units(ax, frame, states, status_styles(timeline.vocabulary))
    if selected in frame.index:
        frame.loc[[selected]].boundary.plot(ax=ax, color=MAP_COLOURS["selected"], linewidth=2.2)
    west, south, east, north = frame.total_bounds
    ax.set_xlim(west - 0.3, east + 0.3)
    ax.set_ylim(south - 0.3, north + 0.3)
    _scale_bar(ax, west, south, (south + north) / 2)
    _titles(figure, dataset, day, selected)
    figure.legend(
        handles=_legend_handles(timeline), loc="center left", bbox_to_anchor=(0.75, 0.55), frameon=False,
        title="Control", alignment="left", fontsize=9, title_fontsize=11,
    )  # fmt: skip
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "hatch.linewidth": 0.8}):
        figure.savefig(buffer, format=fmt, dpi=DPI, metadata=_metadata(fmt, dataset, day))
    return buffer.getvalue()


def _draw_units(ax, frame, states: dict[str, UnitState], styles: dict[str, StatusStyle]) -> None:
    """Districts filled by status, then province outlines above them (as on the web map)."""
    with_districts = {states[code].unit.parent for code in frame.index}
    groups: dict[tuple, list[str]] = {}
    for code in frame.index:
        if code not in with_districts:  # a province with districts is drawn by them
            groups.setdefault(_look(states[code], styles), []).append(code)
    for (colour, hatch, alpha), codes in groups.items():
        frame.loc[codes].plot(
            ax=ax, facecolor=colour, alpha=alpha, edgecolor=MAP_COLOURS["border"], linewidth=0.3,
            hatch=hatch,
        )  # fmt: skip
    provinces = [c for c in frame.index if states[c].unit.level == "province"]
    frame.loc[provinces].boundary.plot(ax=ax, color=MAP_COLOURS["outline"], linewidth=0.8)


def _look(state: UnitState, styles: dict[str, StatusStyle]) -> tuple[str, str | None, float]:
    style = styles[state.status]
    pattern = style.pattern
    if pattern == "solid" and (state.confidence == "low" or state.approximate):
        pattern = "low"
    alpha = INHERITED_OPACITY if state.inherited else OWN_OPACITY
    return style.colour, HATCHES[pattern], alpha


def _legend_handles(timeline: Timeline) -> list[Patch]:
    """The web map's legend rows (:func:`legend_spec`), drawn as Matplotlib patches."""
    return [
        Patch(
            facecolor=row["colour"],
            alpha=row.get("opacity", OWN_OPACITY),
            hatch=HATCHES.get(row["pattern"]),
            edgecolor=MAP_COLOURS["border"],
            label=textwrap.fill(row["label"], 28),
        )
        for row in legend_spec(timeline.vocabulary)["rows"]
    ]


def _scale_bar(ax, west: float, south: float, latitude: float) -> None:
    """A bar of :data:`SCALE_KM` in the map's bottom-left corner, in degrees of longitude."""
    length = SCALE_KM / (111.32 * math.cos(math.radians(latitude)))
    x, y = west, south - 0.1
    ax.plot([x, x + length], [y, y], color="#000000", linewidth=2.5, solid_capstyle="butt")
    ax.text(x + length / 2, y + 0.12, f"{SCALE_KM} km", ha="center", va="bottom", fontsize=9)


def _titles(figure: Figure, dataset: Dataset, day: date, selected: str | None) -> None:
    # Data text is never parsed as mathtext ("$...$"); the SVG writer escapes it as XML.
    def text(y: float, value: str, **style) -> None:
        figure.text(0.02, y, value, parse_math=False, **style)

    text(0.955, f"Who held what on {day.day} {day:%B %Y}", fontsize=18, fontweight="bold")
    subtitle = dataset.title
    if selected in dataset.units:
        subtitle += f". Outlined: {dataset.units[selected].name_en} ({selected})"
    text(0.925, subtitle, fontsize=10, color="#333333")
    text(0.035, attribution_text(dataset), fontsize=7, color="#333333")
    text(
        0.015,
        f"Naqsha, version {dataset.version}. Every status and event cites its source; "
        "see the dataset for each record's source and confidence.",
        fontsize=7,
        color="#333333",
    )


def _metadata(fmt: str, dataset: Dataset, day: date) -> dict:
    title = f"{dataset.title}: {day.isoformat()}"
    if fmt == "svg":
        return {"Title": title, "Creator": "Naqsha"}
    return {"Title": title, "Software": "Naqsha (matplotlib)", "Source": dataset.title}
