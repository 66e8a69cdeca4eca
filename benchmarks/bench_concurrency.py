"""How many readers can one Streamlit process serve? Concurrent scrubbing against one server.

    python benchmarks/bench_concurrency.py [--readers 1 2 4 8] [--seconds 30]

Starts ``streamlit run dashboard/app.py`` on a free localhost port and, for each number of
readers N, opens N pages (separate browser contexts in one headless Chromium, internet blocked by
the proxy setting). Each reader presses ArrowRight on the date slider, waits until the server's
step for the new date has reached its map (``data-naqsha-state``), then pauses ``--think`` ms
(a reader looking at the map), for ``--seconds``. It reports:

* steps/s — all readers' confirmed steps per second;
* server step p50/p95 ms — key press to the server's step in the map, over all readers;
* server CPU ms per step — CPU time (user + system, from /proc) the streamlit process and its
  children used during the run, divided by the steps: the server's own cost, apart from the
  browsers', which share the same 2 cores;
* and, from these, the largest N whose p95 stays within 2x the single reader's p95 (the readers
  one process serves before the step time doubles), with its steps/s.

Results print as a Markdown table and go to ``benchmarks/out/concurrency-latest.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
sys.path[:0] = [str(ROOT / "tests")]
from browser import (  # noqa: E402 - the browser tests' helpers, shared
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_FRAME,
    NO_INTERNET_ARGS,
    streamlit_server,
)

START = "2021-05-02"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its live descendants."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, utime, stime = int(stat[1]), int(stat[11]), int(stat[12])
        if int(entry.name) == pid or ppid == pid:
            total += (utime + stime) / TICKS
    return total


def server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(cmd) and port.encode() in cmd:
                return int(entry.name)
    raise RuntimeError("streamlit process not found")


async def open_reader(browser, url: str):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await page.goto(f"{url}/?date={START}")
    frame = page.frame_locator(MAP_FRAME)
    await frame.locator(f"body[data-naqsha-state='{START}']").wait_for(timeout=120_000)
    await page.get_by_role("slider").focus()
    return page


async def scrub(page, until: float, think_s: float, timings: list[float]) -> None:
    frame = page.frame_locator(MAP_FRAME)
    while time.monotonic() < until:
        before = await frame.locator("body").get_attribute("data-naqsha-state")
        start = time.monotonic()
        await page.keyboard.press("ArrowRight" if before < "2021-09-29" else "Home")
        with contextlib.suppress(Exception):  # a stalled step is counted as 20 s
            await frame.locator(f"body:not([data-naqsha-state='{before}'])").wait_for(
                timeout=20_000
            )
        timings.append((time.monotonic() - start) * 1000)
        await asyncio.sleep(think_s)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(readers: list[int], seconds: float, think_ms: float) -> list[dict]:
    results = []
    with streamlit_server() as url:
        pid = server_pid(url)
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *NO_INTERNET_ARGS]
            )
            for n in readers:
                pages = [await open_reader(browser, url) for _ in range(n)]
                timings: list[float] = []
                cpu_before, wall = cpu_seconds(pid), time.monotonic()
                until = wall + seconds
                await asyncio.gather(*(scrub(pg, until, think_ms / 1000, timings) for pg in pages))
                wall = time.monotonic() - wall
                cpu = cpu_seconds(pid) - cpu_before
                results.append(
                    {
                        "readers": n,
                        "steps": len(timings),
                        "steps_per_s": round(len(timings) / wall, 2),
                        "p50_ms": round(statistics.median(timings)),
                        "p95_ms": round(pct(timings, 0.95)),
                        "server_cpu_ms_per_step": round(1000 * cpu / max(len(timings), 1), 1),
                        "server_cpu_share": round(cpu / wall, 2),
                    }
                )
                print(json.dumps(results[-1]), flush=True)
                for page in pages:
                    await page.context.close()
            await browser.close()
    return results


def summary(results: list[dict]) -> str:
    lines = [
        "| readers | steps/s | server step p50 ms | p95 ms | server CPU ms/step | server CPU share |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['readers']} | {r['steps_per_s']} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['server_cpu_ms_per_step']} | {r['server_cpu_share']} |"
        )
    base = results[0]["p95_ms"]
    within = [r for r in results if r["p95_ms"] <= 2 * base]
    best = max(within, key=lambda r: r["readers"])
    lines.append(
        f"\nOne process: up to {best['readers']} concurrent reader(s) at {best['steps_per_s']} "
        f"steps/s before the p95 server step passes 2x the single reader's ({base} ms)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readers", type=int, nargs="*", default=[1, 2, 4, 8])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=500, help="pause after each step (ms)")
    args = parser.parse_args(argv)
    results = asyncio.run(run(sorted(args.readers), args.seconds, args.think))
    text = summary(results)
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "concurrency-latest.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
