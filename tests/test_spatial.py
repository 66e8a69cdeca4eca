import numpy as np
import shapely

from dashboard.data import SHIPPED_DATA, load_dataset
from dashboard.data.spatial import near_xy


def test_near_xy_agrees_with_a_buffer_on_the_shipped_provinces():
    geometry = load_dataset(SHIPPED_DATA).geometry
    rng = np.random.default_rng(7)
    x = rng.uniform(60, 75, 4000)
    y = rng.uniform(29, 39, 4000)
    for code in ("AF08", "AF01", "AF27"):
        area = geometry.geometry[code]
        expected = shapely.contains_xy(area.buffer(0.05), x, y)
        got = near_xy(area, x, y, 0.05)
        # The buffer's arcs are polygons, so it may miss a point exactly at the tolerance; none here.
        assert (got == expected).all(), code
        assert got.any() and not got.all()


def test_near_xy_counts_points_just_outside_and_never_nan():
    square = shapely.box(0, 0, 1, 1)
    x = np.array([0.5, 1.04, 1.06, np.nan, 0.5])
    y = np.array([0.5, 0.5, 0.5, 0.5, np.nan])
    assert near_xy(square, x, y, 0.05).tolist() == [True, True, False, False, False]


def test_near_xy_is_exact_at_corners():
    # 0.049 from the corner along the diagonal: within 0.05, though a buffer's corner arc is a
    # polygon that can cut such a point off.
    d = 0.049 / np.sqrt(2)
    assert near_xy(shapely.box(0, 0, 1, 1), [1 + d], [1 + d], 0.05).tolist() == [True]
