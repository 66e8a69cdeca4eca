"""Loading benchmark: how long loading and validating a data directory takes, and its memory.

    python benchmarks/bench_load.py [COUNT ...]     # default: 1000 10000 100000

For each count it writes the shipped data with that many synthetic events (``make_events.py``)
to a temporary directory, then, in a fresh Python process each time, times
``dashboard.data.load_dataset`` (which validates every row and checks every point against its
province) and ``Timeline.from_dataset``, then the three "Over time" charts' tables for the whole season
(provinces, districts, area: the work behind the chart), and reads the process's peak resident
memory. Three runs
per count; the median is printed.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from make_events import write_data_dir  # noqa: E402

RUNS = 3
MEASURE = """
import json, resource, sys, time
t0 = time.perf_counter()
from dashboard.data import load_dataset
from dashboard.timeline import Timeline
t1 = time.perf_counter()
dataset = load_dataset(sys.argv[1])
t2 = time.perf_counter()
timeline = Timeline.from_dataset(dataset)
t3 = time.perf_counter()
from datetime import date
from dashboard.charts import status_area, status_counts
start, end = date(2021, 5, 1), date(2021, 9, 30)
status_counts(timeline, dataset.units, start, end)
status_counts(timeline, dataset.units, start, end, "district")
status_area(dataset, timeline, start, end)
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "timeline_s": t3 - t2,
                  "season_charts_s": t4 - t3,
                  "events": len(dataset.events),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(directory: Path) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", MEASURE, str(directory)],
        cwd=BENCH.parent,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    counts = [int(a) for a in argv] or [1_000, 10_000, 100_000]
    print(
        "| events | load + validate s (median of 3) | timeline s | season charts s | peak RSS MB |"
    )
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="naqsha-load-") as tmp:
        for count in counts:
            directory = write_data_dir(count, Path(tmp) / str(count))
            runs = [measure(directory) for _ in range(RUNS)]
            assert all(r["events"] == count for r in runs)
            print(
                f"| {count:,} | {statistics.median(r['load_s'] for r in runs):.2f} "
                f"| {statistics.median(r['timeline_s'] for r in runs):.3f} "
                f"| {statistics.median(r['season_charts_s'] for r in runs):.3f} "
                f"| {statistics.median(r['peak_rss_mb'] for r in runs):.0f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
