"""The shipped Afghanistan 2021 data: boundaries, sources and the anchors the issues name."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import shapely

from dashboard.data.tables import is_web_url

EQUAL_AREA = "+proj=aea +lat_1=30 +lat_2=37 +lat_0=33.5 +lon_0=67.5 +datum=WGS84 +units=m"


def provinces(dataset) -> gpd.GeoDataFrame:
    codes = [u.unit for u in dataset.provinces()]
    return dataset.geometry.loc[codes]


def test_34_valid_province_polygons_with_unique_codes(shipped):
    frame = provinces(shipped)
    assert len(frame) == 34
    assert frame.geometry.is_valid.all()
    assert set(frame.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert frame.index.is_unique
    iso = [u.iso_code for u in shipped.provinces()]
    assert len(set(iso)) == 34 and all(code.startswith("AF-") for code in iso)


def test_provinces_do_not_overlap_and_cover_the_country(shipped):
    frame = provinces(shipped)
    tree = shapely.STRtree(frame.geometry.values)
    for i, j in tree.query(frame.geometry.values, predicate="intersects").T:
        if i < j:
            overlap = frame.geometry.iloc[i].intersection(frame.geometry.iloc[j]).area
            assert overlap < 1e-9, (frame.index[i], frame.index[j], overlap)
    area_km2 = frame.to_crs(EQUAL_AREA).area.sum() / 1e6
    assert 635_000 < area_km2 < 650_000


def test_every_capital_lies_in_its_province(shipped):
    for unit in shipped.provinces():
        point = shapely.Point(unit.centre_lon, unit.centre_lat)
        assert shipped.geometry.geometry[unit.unit].contains(point), unit


def test_schematic_districts_are_flagged_and_inside_their_province(shipped):
    districts = [
        u
        for u in shipped.units.values()
        if u.level == "district" and u.unit in shipped.geometry.index
    ]
    assert len(districts) >= 9
    for unit in districts:
        row = shipped.geometry.loc[unit.unit]
        assert row["schematic"] and "schematic" in row["geometry_source"]
        province = shipped.geometry.geometry[unit.parent].buffer(
            1e-4
        )  # both snapped to a 1e-5 grid
        assert province.contains(row.geometry)


def test_panjshir_has_its_seven_districts(shipped):
    assert [u.unit for u in shipped.districts_of("AF08")] == [f"AF080{i}" for i in range(1, 8)]


def test_every_record_and_event_has_a_web_source_and_confidence(shipped):
    assert all(is_web_url(r.source_url) and r.confidence for r in shipped.control)
    assert shipped.events["source_url"].map(is_web_url).all()
    assert shipped.events["confidence"].isin(["high", "medium", "low"]).all()


def test_coverage_of_the_period(shipped, shipped_timeline):
    assert len(shipped.events) >= 40
    assert shipped.events["event_date"].min() < __import__("pandas").Timestamp("2021-06-01")
    for code in (u.unit for u in shipped.provinces()):
        assert shipped_timeline.state(code, date(2021, 5, 1)).status != "unknown", code
        assert shipped_timeline.state(code, date(2021, 9, 30)).status != "unknown", code


def test_every_capital_falls(shipped, shipped_timeline):
    fallen = {
        c.unit.unit
        for c in shipped_timeline.changes(date(2021, 5, 1), date(2021, 9, 30))
        if c.to_status == "taliban" and c.unit.level == "province"
    }
    assert fallen >= {u.unit for u in shipped.provinces()} - {"AF08"}


def test_kabul_falls_on_15_august(shipped_timeline):
    assert shipped_timeline.state("AF01", date(2021, 8, 14)).status == "government"
    kabul = shipped_timeline.state("AF01", date(2021, 8, 16))
    assert (kabul.status, kabul.since) == ("taliban", date(2021, 8, 15))


def test_panjshir_is_split_on_4_september(shipped_timeline):
    panjshir = shipped_timeline.state("AF08", date(2021, 9, 4))
    assert panjshir.status == "partial"
    assert panjshir.districts_with("resistance") and panjshir.districts_with("taliban")


def test_panjshir_claims_are_recorded_as_claims(shipped):
    claims = [r for r in shipped.control if r.unit.startswith("AF080") and r.status == "taliban"]
    assert claims and all(r.claimed_by and r.disputed_by and r.confidence != "high" for r in claims)


def test_andarab_uprising_and_return(shipped_timeline):
    statuses = [s.status for s in shipped_timeline.history("AF0908")]
    assert statuses[-2:] == ["resistance", "taliban"]
    assert shipped_timeline.state("AF09", date(2021, 8, 20)).status == "partial"


def test_the_3_4_september_events_are_there(shipped):
    notes = " ".join(shipped.events["notes"]).lower()
    for words in ("saleh", "celebratory", "faiz", "blinken", "baradar", "recogni"):
        assert words in notes, words
