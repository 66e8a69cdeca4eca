"""Status over time: counts and areas per day, and the clickable stacked chart."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard.charts import (
    control_chart,
    districts_chart,
    province_areas,
    published_points,
    status_area,
    status_counts,
)
from dashboard.style import STATUS_STYLES

START, END = date(2021, 5, 1), date(2021, 9, 30)


def by_day(frame, column):
    return frame.pivot(index="date", columns="status", values=column)


def test_counts_give_every_status_on_every_day_and_sum_to_34_provinces(shipped, shipped_timeline):
    counts = status_counts(shipped_timeline, shipped.units, START, END)
    assert list(counts.columns) == ["date", "status", "provinces"]
    assert len(counts) == 153 * len(STATUS_STYLES)
    assert counts["date"].iloc[0] == "2021-05-01" and counts["date"].iloc[-1] == "2021-09-30"
    assert list(counts["status"].iloc[: len(STATUS_STYLES)]) == list(STATUS_STYLES)
    assert set(counts.groupby("date")["provinces"].sum()) == {34}


def test_the_fall_of_kabul_shifts_the_counts_on_15_august(shipped, shipped_timeline):
    table = by_day(
        status_counts(shipped_timeline, shipped.units, date(2021, 8, 14), date(2021, 8, 15)),
        "provinces",
    )
    before, after = table.loc["2021-08-14"], table.loc["2021-08-15"]
    assert shipped_timeline.state("AF01", date(2021, 8, 14)).status == "government"
    assert shipped_timeline.state("AF01", date(2021, 8, 15)).status == "taliban"
    # 14 Aug: ten capitals still held (Kabul, Jalalabad, Mazar-i-Sharif fell on 14-15 Aug...);
    # 15 Aug: all but Panjshir's Bazarak.
    assert (before["taliban"], before["government"]) == (24, 10)
    assert (after["taliban"], after["resistance"], after["government"]) == (33, 1, 0)


def test_only_the_provinces_among_the_given_units_are_counted(shipped, shipped_timeline):
    counts = status_counts(
        shipped_timeline, ["AF01", "AF0801"], date(2021, 8, 15), date(2021, 8, 15)
    )
    assert counts["provinces"].sum() == 1
    assert counts.set_index("status").loc["taliban", "provinces"] == 1


AREA_PUBLISHED_KM2 = 652_230
AREA_UNSIMPLIFIED_KM2 = 641_868


def test_area_sums_to_the_country_every_day(shipped, shipped_timeline):
    area = status_area(shipped, shipped_timeline, START, END)
    assert list(area.columns) == ["date", "status", "area_km2"]
    totals = area.groupby("date")["area_km2"].sum()
    assert len(totals) == 153
    # Independent figure: 652,230 km² (CIA World Factbook; 647,500 km² in its 2001 edition);
    # the AIMS 2014 districts give 1.6 % less. Within that source, the simplified coverage
    # keeps the unsimplified total (641,868 km², geodata/README.md "Boundaries") within 0.01 %.
    assert totals.min() == pytest.approx(AREA_PUBLISHED_KM2, rel=0.02)
    assert totals.min() == pytest.approx(AREA_UNSIMPLIFIED_KM2, rel=1e-4)
    assert totals.max() - totals.min() < 1e-6
    assert sum(province_areas(shipped).values()) == pytest.approx(totals.iloc[0])


def test_the_chart_has_the_picked_selection_the_colours_and_the_rule(shipped, shipped_timeline):
    counts = status_counts(shipped_timeline, shipped.units, START, END)
    spec = control_chart(
        counts, "provinces", date(2021, 8, 15), "Provinces by status", STATUS_STYLES
    ).to_dict()
    text = json.dumps(spec)
    (param,) = [p for p in spec["params"] if p["name"] == "picked"]
    assert param["select"] == {"type": "point", "fields": ["date"], "on": "click", "nearest": True}
    area, points, rule = spec["layer"]
    assert area["mark"]["type"] == "area" and rule["mark"]["type"] == "rule"
    scale = area["encoding"]["color"]["scale"]
    assert scale["domain"] == list(STATUS_STYLES)
    assert scale["range"] == [s.colour for s in STATUS_STYLES.values()]
    assert area["encoding"]["y"]["stack"] == "zero"
    assert spec["datasets"][rule["data"]["name"]] == [{"date": "2021-08-15"}]
    assert "Provinces by status" in text


def test_the_selection_holds_iso_date_strings(shipped, shipped_timeline):
    """The clicked value is the datum's ``date``: an ISO string that round-trips exactly."""
    counts = status_counts(shipped_timeline, shipped.units, date(2021, 8, 1), date(2021, 8, 3))
    spec = control_chart(counts, "provinces", date(2021, 8, 2), "t", STATUS_STYLES).to_dict()
    points = spec["layer"][1]
    assert points["name"] in spec["params"][0]["views"]
    values = {row["date"] for row in spec["datasets"][points["data"]["name"]]}
    assert {date.fromisoformat(v) for v in values} == {date(2021, 8, d) for d in (1, 2, 3)}


def test_the_area_chart_labels_its_axis_in_km2(shipped, shipped_timeline):
    area = status_area(shipped, shipped_timeline, date(2021, 9, 1), date(2021, 9, 7))
    spec = control_chart(
        area, "area_km2", date(2021, 9, 4), "Area by status", STATUS_STYLES
    ).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["title"] == "Area (km²)"


def test_hovering_a_day_shows_every_status_figure(shipped, shipped_timeline):
    counts = status_counts(shipped_timeline, shipped.units, START, END, "district")
    spec = districts_chart(counts, published_points(shipped.published_counts, START, END, STATUS_STYLES),
                           date(2021, 8, 15), "t", STATUS_STYLES).to_dict()  # fmt: skip
    picker = spec["layer"][1]
    titles = [t["title"] for t in picker["encoding"]["tooltip"]]
    assert titles == ["Date (click to show it on the map)", "Government", "Taliban",
                      "Resistance", "Contested", "Partial", "No record"]  # fmt: skip
    row = next(r for r in spec["datasets"][picker["data"]["name"]] if r["date"] == "2021-08-15")
    assert (row["taliban"], row["resistance"], row["government"]) == (391, 7, 0)
