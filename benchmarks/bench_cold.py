"""Cold start: how long the first visitor of a freshly started server waits for the map.

    python benchmarks/bench_cold.py [--loads 3]

For the shipped data (398 districts) and for the shipped data with 100,000 synthetic events
(``make_events.py``), it starts a fresh server four ways, each on a free localhost port:

* ``streamlit run``, empty cache: the first start ever; the first visitor's page loads,
  validates and prepares the data;
* ``streamlit run``, cache filled: a restart; the first visitor's page reads the prepared data
  from the cache (``dashboard/serving.py``, keyed by content hash) but still imports the app's
  libraries;
* ``python -m dashboard serve``, empty cache: the data is prepared (and the libraries imported)
  before Streamlit listens;
* ``python -m dashboard serve``, cache filled: a restart of the recommended command.

For each it reports the seconds from the process's start until ``/_stcore/health`` answers
("health s"), the first visitor's first map (from navigation until the map shows the date,
``data-naqsha-date`` in the map's frame, in a fresh headless Chromium with the internet blocked
by ``NO_INTERNET_ARGS``), and the median first map of ``--loads`` later visitors (a warm server,
fresh browsers). Prints a Markdown table and writes ``benchmarks/out/cold-latest.json``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))  # the other benchmarks' modules
from bench_scrub import MAP_PROBE  # noqa: E402
from make_events import write_data_dir  # noqa: E402

from dashboard.data import SHIPPED_DATA  # noqa: E402
from harness.browser import (  # noqa: E402
    NO_INTERNET_ARGS,
    chromium,  # noqa: E402
    free_port,
    stop,
    wait_healthy,
)
from harness.report import keep, markdown_table  # noqa: E402

START = "2021-05-02"
WAYS = {
    "streamlit run, empty cache": ("run", False),
    "streamlit run, cache filled": ("run", True),
    "dashboard serve, empty cache": ("serve", False),
    "dashboard serve, cache filled": ("serve", True),
}


def command(how: str, port: int) -> list[str]:
    options = ["--server.port", str(port), "--server.address", "127.0.0.1"]
    if how == "serve":
        return [sys.executable, "-m", "dashboard", "serve", *options]
    return [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", *options]


def first_map(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    started = time.time()
    page.goto(f"{url}/?date={START}", wait_until="commit")
    handle = page.wait_for_function(MAP_PROBE, arg=[START, 34], polling="raf", timeout=120_000)
    shown_at = handle.json_value()[1] / 1000
    context.close()
    return shown_at - started


def fill_cache(data: Path, cache: Path) -> None:
    code = "import sys; from pathlib import Path; from dashboard.serving import prepared; prepared(Path(sys.argv[1]))"
    subprocess.run(
        [sys.executable, "-c", code, str(data)], cwd=ROOT, env=_env(data, cache), check=True
    )


def _env(data: Path, cache: Path) -> dict:
    return {**os.environ, "NAQSHA_DATA": str(data), "NAQSHA_CACHE_DIR": str(cache)}


def measure(browser, data: Path, how: str, filled: bool, loads: int, work: Path) -> dict:
    cache = Path(tempfile.mkdtemp(dir=work))
    if filled:
        fill_cache(data, cache)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (OUT / f"cold-{how}-{port}.log").open("w")
    started = time.monotonic()
    process = subprocess.Popen(
        command(how, port), cwd=ROOT, env=_env(data, cache), stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_healthy(url, process, 180)
        health = time.monotonic() - started
        cold = first_map(browser, url)
        later = [first_map(browser, url) for _ in range(loads)]
    finally:
        stop(process)
        log.close()
    return {
        "health_s": round(health, 2),
        "first_visitor_s": round(cold, 2),
        "later_visitors_median_s": round(statistics.median(later), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=3)
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp, chromium(NO_INTERNET_ARGS) as browser:
        work = Path(tmp)
        data_100k = work / "data-100k"
        write_data_dir(100_000, data_100k)
        for name, data in (("shipped", SHIPPED_DATA), ("398 districts + 100k events", data_100k)):
            for way, (how, filled) in WAYS.items():
                results[f"{name} | {way}"] = measure(browser, data, how, filled, args.loads, work)
                print(name, way, results[f"{name} | {way}"], flush=True)
    headers = ["data", "how the server starts", "health s", "first visitor's map s",
               "later visitors' map s (median)"]  # fmt: skip
    rows = [
        [*key.split(" | "), r["health_s"], r["first_visitor_s"], r["later_visitors_median_s"]]
        for key, r in results.items()
    ]
    print(markdown_table(headers, rows))
    keep(results, "cold")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
