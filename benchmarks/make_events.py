"""Write a data directory with N synthetic events, for load and scrubbing benchmarks.

    python benchmarks/make_events.py N OUT_DIR [--seed S] [--data DIR]

OUT_DIR becomes a copy of the data directory (default: the shipped ``geodata/``, top-level files
only) whose ``events.csv`` holds N synthetic events in ACLED's column layout: ids SYN000001…,
dates spread evenly at random over 2021-05-01..2021-09-30, points sampled uniformly inside the
shipped province polygons (so ``python -m dashboard validate OUT_DIR`` accepts them), with
``source_url`` https://example.org/synthetic, confidence ``low`` and the note "Synthetic benchmark
event". Nothing here is real: never ship these files as data.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from dashboard.data import SHIPPED_DATA
from dashboard.data.events import EVENT_TAXONOMY
from dashboard.data.units import load_boundaries, load_units

FIRST = date(2021, 5, 1)
LAST = date(2021, 9, 30)
SOURCE_URL = "https://example.org/synthetic"
NOTE = "Synthetic benchmark event"
ACTORS = (
    "Taliban",
    "Military Forces of Afghanistan (2014-2021)",
    "Islamic State (Afghanistan)",
    "National Resistance Front",
    "Civilians (Afghanistan)",
)


def header(data_dir: Path = SHIPPED_DATA) -> list[str]:
    """The column names of the shipped events.csv, in its order."""
    with (data_dir / "events.csv").open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def sample_points(
    polygons: list, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` points, each inside one polygon chosen uniformly; returns (polygon index, lon, lat)."""
    which = rng.integers(0, len(polygons), count)
    lon = np.empty(count)
    lat = np.empty(count)
    for i, polygon in enumerate(polygons):
        todo = np.flatnonzero(which == i)
        if not len(todo):
            continue
        shapely.prepare(polygon)
        minx, miny, maxx, maxy = polygon.bounds
        got_lon: list[np.ndarray] = []
        got_lat: list[np.ndarray] = []
        need = len(todo)
        while need > 0:
            n = max(64, need * 3)
            x = rng.uniform(minx, maxx, n)
            y = rng.uniform(miny, maxy, n)
            keep = shapely.contains_xy(polygon, x, y)
            got_lon.append(x[keep][:need])
            got_lat.append(y[keep][:need])
            need -= int(min(keep.sum(), need))
        lon[todo] = np.concatenate(got_lon)
        lat[todo] = np.concatenate(got_lat)
    return which, lon, lat


def synthetic_events(
    count: int, data_dir: Path = SHIPPED_DATA, seed: int = 2021, admin1: bool = True
) -> pd.DataFrame:
    """A DataFrame of ``count`` synthetic events with exactly the columns of ``events.csv``.

    With ``admin1=False`` the province name is left empty, so the loader's "point lies in the
    named province" check is skipped (to time loading with and without it).
    """
    rng = np.random.default_rng(seed)
    units = load_units(data_dir / "units.csv")
    geometry = load_boundaries(data_dir / "boundaries.geojson", units)
    provinces = [c for c in geometry.index if units[c].level == "province"]
    polygons = [geometry.geometry[c] for c in provinces]
    which, lon, lat = sample_points(polygons, count, rng)
    days = (LAST - FIRST).days + 1
    dates = pd.to_datetime(FIRST) + pd.to_timedelta(rng.integers(0, days, count), unit="D")
    types = list(EVENT_TAXONOMY)
    type_index = rng.integers(0, len(types), count)
    sub_types = [
        EVENT_TAXONOMY[types[t]][int(r * len(EVENT_TAXONOMY[types[t]]))]
        for t, r in zip(type_index, rng.random(count), strict=True)
    ]
    fatalities = rng.poisson(2.0, count).astype(object)
    fatalities[rng.random(count) < 0.2] = ""  # no source gives a number
    names = [units[provinces[i]].name_en for i in which]
    frame = pd.DataFrame(
        {
            "event_id_cnty": [f"SYN{i:06d}" for i in range(1, count + 1)],
            "event_date": dates.strftime("%Y-%m-%d"),
            "time_precision": 1,
            "event_type": [types[t] for t in type_index],
            "sub_event_type": sub_types,
            "actor1": [ACTORS[i] for i in rng.integers(0, len(ACTORS), count)],
            "actor2": [ACTORS[i] for i in rng.integers(0, len(ACTORS), count)],
            "country": "Afghanistan",
            "admin1": names if admin1 else "",
            "admin2": "",
            "location": [f"Synthetic place {i}" for i in range(1, count + 1)],
            "latitude": np.round(lat, 5),
            "longitude": np.round(lon, 5),
            "geo_precision": rng.integers(1, 4, count),
            "location_source_url": "",
            "fatalities": fatalities,
            "notes": NOTE,
            "source": "Synthetic",
            "source_url": SOURCE_URL,
            "confidence": "low",
        }
    )
    columns = header(data_dir)
    missing = set(columns) - set(frame.columns)
    if missing:
        raise SystemExit(f"events.csv has columns this generator does not know: {sorted(missing)}")
    return frame.sort_values("event_date", kind="stable")[columns]


def write_data_dir(
    count: int,
    out_dir: Path,
    data_dir: Path = SHIPPED_DATA,
    seed: int = 2021,
    admin1: bool = True,
) -> Path:
    """Copy ``data_dir``'s files into ``out_dir`` and replace its events.csv with synthetic events."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in Path(data_dir).iterdir():
        if path.is_file():
            shutil.copyfile(path, out_dir / path.name)
    synthetic_events(count, data_dir, seed, admin1).to_csv(out_dir / "events.csv", index=False)
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of events")
    parser.add_argument("out_dir", type=Path, help="data directory to write")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument(
        "--data", type=Path, default=SHIPPED_DATA, help="data directory to copy (default geodata/)"
    )
    parser.add_argument(
        "--no-admin1",
        action="store_true",
        help="leave admin1 empty (the loader then skips its point-in-named-province check)",
    )
    args = parser.parse_args(argv)
    out = write_data_dir(args.count, args.out_dir, args.data, args.seed, not args.no_admin1)
    print(f"{out}: {args.count} synthetic events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
