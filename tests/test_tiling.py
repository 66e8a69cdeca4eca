import geopandas as gpd
import shapely

from dashboard.data.records import Unit
from dashboard.data.tiling import tiling_problems

UNITS = {
    "AF01": Unit("AF01", "province", None, "Alpha"),
    "AF0101": Unit("AF0101", "district", "AF01", "West"),
    "AF0102": Unit("AF0102", "district", "AF01", "East"),
}


def frame(west, east) -> gpd.GeoDataFrame:
    shapes = {"AF01": shapely.box(68.0, 34.0, 69.0, 35.0), "AF0101": west, "AF0102": east}
    return gpd.GeoDataFrame(geometry=list(shapes.values()), index=list(shapes), crs="EPSG:4326")


def messages(geometry) -> list[str]:
    return [str(p) for p in tiling_problems(UNITS, geometry)]


def test_districts_that_tile_their_province_pass():
    assert (
        messages(frame(shapely.box(68.0, 34.0, 68.5, 35.0), shapely.box(68.5, 34.0, 69.0, 35.0)))
        == []
    )


def test_a_district_outside_its_province_is_named_with_its_feature():
    found = messages(
        frame(shapely.box(67.9, 34.0, 68.5, 35.0), shapely.box(68.5, 34.0, 69.0, 35.0))
    )
    assert len(found) == 1
    assert found[0].startswith("boundaries.geojson, row 2, field 'geometry': district AF0101 has")
    assert "outside its province AF01" in found[0] and "Fix:" in found[0]


def test_overlapping_districts_are_reported():
    found = messages(
        frame(shapely.box(68.0, 34.0, 68.6, 35.0), shapely.box(68.5, 34.0, 69.0, 35.0))
    )
    assert any("AF0101 and AF0102 overlap by" in m for m in found)


def test_a_sliver_gap_is_reported_but_a_partial_district_set_is_not():
    sliver = messages(
        frame(shapely.box(68.0, 34.0, 68.49, 35.0), shapely.box(68.5, 34.0, 69.0, 35.0))
    )
    assert any("of province AF01 lies in none of its districts" in m for m in sliver)
    partial = messages(
        frame(shapely.box(68.0, 34.0, 68.2, 35.0), shapely.box(68.8, 34.0, 69.0, 35.0))
    )
    assert partial == []


def test_a_mixed_set_overlapping_by_80_km2_is_reported_with_both_sources():
    """One district from another boundary set reaches 0.08° by 0.1° (7 by 11 km) into its
    neighbour."""
    shipped = shapely.box(68.5, 34.0, 69.0, 35.0)
    official = shapely.box(68.0, 34.0, 68.5, 35.0).union(shapely.box(68.5, 34.45, 68.58, 34.55))
    geometry = frame(official, shipped)
    geometry["geometry_source"] = ["set A", "official boundaries: adm2.zip", "set A"]
    (found,) = messages(geometry)
    assert found.startswith("boundaries.geojson, row 2, field 'geometry': districts AF0101 and")
    area = float(found.split("overlap by ")[1].split(" km²")[0])
    assert 80 < area < 90
    assert "(AF0101: official boundaries: adm2.zip; AF0102: set A)" in found
    assert "import every district from one boundary set" in found
