"""How many provinces (and how much land) each side held, day by day, as tables and a chart. Pure.

Dates in the tables and in the chart's data are ISO strings (``"2021-08-15"``). The chart plots
them on a UTC time axis, but its point selection ``picked`` stores the string itself, so the
value ``st.altair_chart(..., on_select="rerun")`` returns
(``event.selection["picked"] == [{"date": "2021-08-15"}]``) goes back through
``datetime.date.fromisoformat`` with no time-zone shift.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta

import altair as alt
import pandas as pd

from dashboard.data.dataset import Dataset
from dashboard.data.tables import is_web_url
from dashboard.style import StatusStyle
from dashboard.timeline import Timeline

SELECTION = "picked"


def province_codes(timeline: Timeline, units: Iterable[str], level: str = "province") -> list[str]:
    """The P-codes of ``level`` among ``units`` (codes, or a mapping keyed by code), in order."""
    return [code for code in units if timeline.units[code].level == level]


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _status_table(
    timeline: Timeline, weights: dict[str, float], start: date, end: date, column: str
) -> pd.DataFrame:
    """One row per (date, status) with the summed weight of the units in that status.

    Every status appears on every day, with 0 where no unit is in it, so stacked areas
    close cleanly.
    """
    rows = []
    for day in _days(start, end):
        totals = dict.fromkeys(timeline.vocabulary.statuses, 0.0)
        for code, weight in weights.items():
            totals[timeline.segment_status(code, day)] += weight
        iso = day.isoformat()
        rows += [(iso, status, value) for status, value in totals.items()]
    return pd.DataFrame(rows, columns=["date", "status", column])


def status_counts(
    timeline: Timeline,
    units: Iterable[str],
    start: date,
    end: date,
    level: str = "province",
) -> pd.DataFrame:
    """How many provinces (or districts) are in each status on each day from ``start`` to ``end``.

    Parameters
    ----------
    timeline : Timeline
    units : iterable of str or dict of str to Unit
        The units to count (e.g. ``dataset.units``); only those of ``level`` are counted.
    start, end : datetime.date
        Both inclusive.
    level : str
        ``"province"`` or ``"district"`` (a district with no record of its own counts in the
        status it shows, its province's).

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (ISO string), ``status`` and ``provinces`` or ``districts`` (int); one
        row per date and status in the vocabulary's order, zeros included.
    """
    column = f"{level}s"
    weights = dict.fromkeys(province_codes(timeline, units, level), 1.0)
    frame = _status_table(timeline, weights, start, end, column)
    frame[column] = frame[column].astype(int)
    return frame


def equal_area_crs(bounds) -> str:
    """An Albers equal-area conic fitted to ``(west, south, east, north)``: standard parallels
    at one sixth of the latitude range from each edge, which keeps areas within a fraction of
    a percent over a country (for Afghanistan, 29.4-38.5° N: parallels 30.9° and 37.0° N)."""
    west, south, east, north = (float(v) for v in bounds)
    sixth = (north - south) / 6
    return (
        f"+proj=aea +lat_1={south + sixth:.2f} +lat_2={north - sixth:.2f} "
        f"+lat_0={(south + north) / 2:.2f} +lon_0={(west + east) / 2:.2f} +datum=WGS84 +units=m"
    )


def province_areas(dataset: Dataset) -> dict[str, float]:
    """Each province's area in km², measured in an equal-area projection fitted to the data
    (:func:`equal_area_crs`)."""
    codes = [u.unit for u in dataset.provinces() if u.unit in dataset.geometry.index]
    shapes = dataset.geometry.geometry.loc[codes]
    areas = shapes.to_crs(equal_area_crs(shapes.total_bounds)).area / 1e6
    return {code: float(area) for code, area in areas.items()}


def status_area(dataset: Dataset, timeline: Timeline, start: date, end: date) -> pd.DataFrame:
    """Like :func:`status_counts`, weighted by province area.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (ISO string), ``status`` and ``area_km2`` (float). The areas are
        computed once per call, in an equal-area projection.
    """
    return _status_table(timeline, province_areas(dataset), start, end, "area_km2")


def control_chart(
    frame: pd.DataFrame,
    value_column: str,
    day: date,
    title: str,
    styles: dict[str, StatusStyle],
) -> alt.Chart:
    """A stacked area chart by status with a rule at ``day``; clicking picks the nearest date.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`status_counts` or :func:`status_area` (``date`` as ISO strings).
    value_column : str
        ``"provinces"`` or ``"area_km2"``.
    day : datetime.date
        The date shown on the map, drawn as a vertical rule.
    title : str
        The chart's title (plain text).
    styles : dict of str to StatusStyle
        The data package's status styles (``dashboard.style.status_styles``), in order.

    Returns
    -------
    altair.LayerChart
        Colours follow ``styles``. The point selection ``picked`` (field ``date``,
        on click, nearest) lives on an invisible point per day, so a click anywhere in the
        chart selects the nearest day; its value is the ISO date string.
    """
    statuses = list(styles)
    colour, x = _status_colour(styles), _date_axis()
    base = alt.Chart(frame).transform_calculate(t="toDate(datum.date)")
    area = (
        base.transform_calculate(order=f"indexof({statuses!r}, datum.status)")
        .mark_area(interpolate="step-after")
        .encode(
            x=x,
            y=alt.Y(f"{value_column}:Q", title=_value_title(value_column), stack="zero"),
            color=colour,
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("date:N", title="Date"), alt.Tooltip("status:N")],
        )
    )
    picker = _date_picker(frame, x, value_column, styles)
    return alt.layer(area, picker, _date_rule(day, x)).properties(title=title, height=220)


PUBLISHED_SHAPES = {"independent": "circle", "official": "square", "claim": "triangle-up"}


def published_points(
    published: pd.DataFrame, start: date, end: date, styles: dict[str, StatusStyle]
) -> pd.DataFrame:
    """The published totals of districts held (``measure`` = ``controlled``) within the period,
    one row per (figure, status); counts of districts captured or retaken are left out, since
    they do not measure the same thing as the data's lines.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (ISO string), ``status``, ``districts``, ``kind``, ``publisher``,
        ``source_url`` and ``label`` (what the figure counts, for the tooltip).
    """
    rows = []
    for rec in published.itertuples(index=False):
        if rec.measure != "controlled" or not start <= rec.date <= end:
            continue
        for status in [s for s in ("taliban", "contested", "government") if s in styles]:
            value = getattr(rec, status)
            if not pd.isna(value):
                label = f"{rec.publisher} ({rec.kind}): {styles[status].label} {int(value)}"
                if not pd.isna(rec.total):
                    label += f" of {int(rec.total)}"
                rows.append(
                    (rec.date.isoformat(), status, int(value), rec.kind, rec.publisher,
                     rec.source_url if is_web_url(rec.source_url) else "", label)
                )  # fmt: skip
    columns = ["date", "status", "districts", "kind", "publisher", "source_url", "label"]
    return pd.DataFrame(rows, columns=columns)


def districts_chart(
    frame: pd.DataFrame,
    points: pd.DataFrame,
    day: date,
    title: str,
    styles: dict[str, StatusStyle],
) -> alt.Chart:
    """Districts by status as lines, with the published totals as points on the same axes.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`status_counts` with ``level="district"``.
    points : pandas.DataFrame
        From :func:`published_points`. Independent assessments are circles, official statements
        squares, and claims triangles; each point's tooltip names its publisher and what it
        counts, and clicking it opens its source (``href``).
    day : datetime.date
        The date on the map, drawn as a vertical rule.
    title : str
    styles : dict of str to StatusStyle
        As for :func:`control_chart`.
    """
    colour, x = _status_colour(styles), _date_axis()
    y = alt.Y("districts:Q", title="Districts")
    lines = (
        alt.Chart(frame[frame["districts"] > 0])
        .transform_calculate(t="toDate(datum.date)")
        .mark_line(interpolate="step-after")
        .encode(x=x, y=y, color=colour, tooltip=[alt.Tooltip("date:N"), "status:N", "districts:Q"])
    )
    published = (
        alt.Chart(points)
        .transform_calculate(t="toDate(datum.date)")
        .mark_point(size=90, filled=True, stroke="#000000", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            color=colour,
            shape=alt.Shape(
                "kind:N",
                title="Published",
                scale=alt.Scale(
                    domain=list(PUBLISHED_SHAPES), range=list(PUBLISHED_SHAPES.values())
                ),
            ),
            href="source_url:N",
            tooltip=[alt.Tooltip("date:N"), alt.Tooltip("label:N", title="Figure"), "source_url:N"],
        )
    )
    layers = [lines, _date_picker(frame, x, "districts", styles), published, _date_rule(day, x)]
    # Sources open in a new tab (vega-embed reads usermeta.embedOptions), not in the app's own.
    return alt.layer(*layers).properties(
        title=title, height=260, usermeta={"embedOptions": {"loader": {"target": "_blank"}}}
    )


def _status_colour(styles: dict[str, StatusStyle]) -> alt.Color:
    """Colour by status, from the style table, with the statuses' labels in the legend."""
    statuses = list(styles)
    return alt.Color(
        "status:N",
        title="Status",
        scale=alt.Scale(domain=statuses, range=[s.colour for s in styles.values()]),
        legend=alt.Legend(labelExpr=_label_expression(styles)),
        sort=statuses,
    )


def _date_axis() -> alt.X:
    return alt.X("t:T", title="Date", scale=alt.Scale(type="utc"), axis=alt.Axis(format="%d %b"))


def _date_picker(
    frame: pd.DataFrame, x: alt.X, value_column: str, styles: dict[str, StatusStyle]
) -> alt.Chart:
    """An invisible point per day carrying the ``picked`` selection: a click anywhere selects
    the nearest day, and hovering shows that day's figure for every status."""
    picked = alt.selection_point(name=SELECTION, fields=["date"], on="click", nearest=True)
    wide = frame.pivot(index="date", columns="status", values=value_column).reset_index()
    statuses = [s for s in styles if s in wide.columns]
    tooltip = [alt.Tooltip("date:N", title="Date (click to show it on the map)")] + [
        alt.Tooltip(f"{s}:Q", title=styles[s].label, format=",.0f") for s in statuses
    ]
    return (
        alt.Chart(wide)
        .transform_calculate(t="toDate(datum.date)")
        .mark_point(opacity=0, size=1)
        .encode(x=x, tooltip=tooltip)
        .add_params(picked)
    )


def _date_rule(day: date, x: alt.X) -> alt.Chart:
    """The date on the map, as a vertical rule."""
    return (
        alt.Chart(pd.DataFrame({"date": [day.isoformat()]}))
        .transform_calculate(t="toDate(datum.date)")
        .mark_rule(color="#000000", strokeWidth=2)
        .encode(x=x)
    )


def _label_expression(styles: dict[str, StatusStyle]) -> str:
    """Vega expression mapping a status code to its label; the label is data from the data
    package, so it goes in as a JSON string literal (quotes and backslashes escaped)."""
    cases = " : ".join(
        f"datum.value == {json.dumps(status)} ? {json.dumps(style.label)}"
        for status, style in styles.items()
    )
    return f"{cases} : datum.value"


def _value_title(value_column: str) -> str:
    return {"provinces": "Provinces", "area_km2": "Area (km²)"}.get(value_column, value_column)
