"""The static site (``export --format site``) in a real browser from ``file://``: bytes and speed.

    python benchmarks/bench_site.py [--steps 100] [--loads 5]

For the shipped data (398 districts) and for the shipped data with 100,000 synthetic events
(``make_events.py``), it writes the site with ``python -m dashboard export --format site``, then
opens ``index.html`` from disk in headless Chromium with every network request failing (the
proxy setting of ``NO_INTERNET_ARGS``) and reports:

* export s: the time the export command takes;
* total KB: every file of the site; first view KB: the files the page loads to show its
  first date (index, scripts, data, event chunks), from the browser's own resource timing;
* first map s: from navigation until the map shows its date (``data-naqsha-date``), median of
  ``--loads`` fresh pages;
* step ms: from an ArrowRight key press on the date slider until the map shows the next date
  (restyled and, one animation frame later, marked), median and p90 over ``--steps`` steps from
  2021-05-01 (through May–September's changes and event windows);
* in-page step ms: the same step timed inside the page, from the slider's ``input`` event to
  that mark, without the benchmark's own round trips to the browser;
* requests off file://: should be 0.

Prints a Markdown table and writes ``benchmarks/out/site-latest.json``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))  # the other benchmarks' modules
from make_events import write_data_dir  # noqa: E402

from harness.browser import NO_INTERNET_ARGS, chromium  # noqa: E402
from harness.report import keep, markdown_table  # noqa: E402

# In the page: from the slider's input event until the map marks the new date as shown (one
# animation frame after the restyle), without the benchmark's own round trips to the browser.
IN_PAGE_TIMER = """() => {
    window.benchSteps = [];
    let started = null;
    document.getElementById('naqsha-slider').addEventListener('input', () => {
        started = performance.now();
    }, true);
    new MutationObserver(() => {
        if (started !== null) window.benchSteps.push(performance.now() - started);
        started = null;
    }).observe(document.body, {attributes: true, attributeFilter: ['data-naqsha-date']});
}"""


def export_site(data: Path | None, out: Path) -> float:
    command = [sys.executable, "-m", "dashboard", "export", "--format", "site", "--out", str(out)]
    if data is not None:
        command += ["--data", str(data)]
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - started


def first_view_bytes(site: Path, urls: list[str]) -> int:
    """The bytes of the files behind the page's requests (file:// has no transfer sizes)."""
    paths = {Path(url.removeprefix("file://").split("#")[0]) for url in urls}
    return sum(p.stat().st_size for p in paths if p.is_file() and site in p.parents)


def measure(browser, site: Path, steps: int, loads: int) -> dict:
    url = (site / "index.html").as_uri() + "#date=2021-05-01"
    firsts, off_file, seen = [], [], []
    for _ in range(loads):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.on("request", lambda r: seen.append(r.url))
        page.on("request", lambda r: None if r.url.startswith("file:") else off_file.append(r.url))
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("body[data-naqsha-date='2021-05-01']", state="attached")
        firsts.append(time.perf_counter() - started)
        context.close()
    first_view = first_view_bytes(site, seen[: len(seen) // loads])
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-naqsha-date='2021-05-01']", state="attached")
    page.evaluate(IN_PAGE_TIMER)
    page.locator("#naqsha-slider").focus()
    times = []
    for _ in range(steps):
        expected = page.evaluate(
            "NaqshaSite.cfg.dates[Math.min(NaqshaSite.index + 1, NaqshaSite.cfg.dates.length - 1)]"
        )
        started = time.perf_counter()
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(f"body[data-naqsha-date='{expected}']", state="attached")
        times.append((time.perf_counter() - started) * 1000)
    in_page = sorted(page.evaluate("window.benchSteps"))
    context.close()
    files = [p for p in site.rglob("*") if p.is_file()]
    ordered = sorted(times)
    return {
        "total_kb": round(sum(p.stat().st_size for p in files) / 1024, 1),
        "files": len(files),
        "first_view_kb": round(first_view / 1024, 1),
        "first_map_median_s": round(statistics.median(firsts), 3),
        "step_median_ms": round(statistics.median(times), 1),
        "step_p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "in_page_step_median_ms": round(statistics.median(in_page), 1),
        "in_page_step_p90_ms": round(in_page[int(0.9 * (len(in_page) - 1))], 1),
        "off_file_requests": off_file,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp, chromium(NO_INTERNET_ARGS) as browser:
        work = Path(tmp)
        data_100k = work / "data-100k"
        write_data_dir(100_000, data_100k)
        for name, data in (
            ("shipped (398 districts)", None),
            ("398 districts + 100k events", data_100k),
        ):
            site = work / f"site-{len(results)}"
            export_s = export_site(data, site)
            results[name] = {
                "export_s": round(export_s, 2),
                **measure(browser, site, args.steps, args.loads),
            }
    headers = ["data", "export s", "files", "total KB", "first view KB", "first map s",
               "step median ms", "step p90 ms", "in-page step median ms", "in-page p90 ms",
               "requests off file://"]  # fmt: skip
    keys = ["export_s", "files", "total_kb", "first_view_kb", "first_map_median_s",
            "step_median_ms", "step_p90_ms", "in_page_step_median_ms", "in_page_step_p90_ms"]  # fmt: skip
    rows = [
        [name, *(r[k] for k in keys), len(r["off_file_requests"])] for name, r in results.items()
    ]
    print(markdown_table(headers, rows))
    keep(results, "site")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
