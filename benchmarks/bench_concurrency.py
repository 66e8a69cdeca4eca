"""How many readers can one Streamlit process serve? Concurrent scrubbing against one server.

    python benchmarks/bench_concurrency.py [--readers 1 2 4 8] [--seconds 30]
    python benchmarks/bench_concurrency.py --proxy 2        # 2 processes behind nginx
    python benchmarks/bench_concurrency.py --compare-proxy  # 1, then 2 processes behind nginx

Starts ``dashboard/app.py`` (``python -m dashboard.launch``) on a free localhost port and, for each number of
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

``--proxy P`` starts P processes behind a private nginx with ``deploy/``'s configuration (sticky
sessions by cookie; ``harness/proxy.py``) and the readers go through it. Each new reader lands on a
random process; one whose process already has its share of the N readers (N/P, rounded up) is
closed and another opened, so the readers are spread evenly, as many readers are on average. The
server CPU columns then add up all P processes. ``--compare-proxy`` runs 1 process and then 2
processes behind nginx, prints both tables and the gain of the second (steps/s ratio and p95 ratio
at each N), and writes ``benchmarks/out/concurrency-proxy-latest.json``. Needs nginx (Debian's
``nginx`` package); the browsers share the same cores as the servers, so the gain is a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import time
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
from harness.browser import (  # noqa: E402 - shared with the tests
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_FRAME,
    NO_INTERNET_ARGS,
    streamlit_server,
)
from harness.proxy import proxied_app, upstream_of  # noqa: E402 - N processes behind nginx

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
    """The server started for ``url``: ``streamlit run`` or ``python -m dashboard serve``."""
    port = url.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            joined = b" ".join(cmd)
            if (b"streamlit" in joined or b"dashboard serve" in joined) and port.encode() in cmd:
                return int(entry.name)
    raise RuntimeError("streamlit process not found")


@contextlib.contextmanager
def servers(proxy: int | None):
    """Yield the URL readers open and the pids of the streamlit processes behind it."""
    if proxy is None:
        with streamlit_server() as url:
            yield url, [server_pid(url)]
    else:
        with proxied_app(proxy) as app:
            yield app.url, [process.pid for process in app.processes.values()]


async def open_readers(browser, url: str, n: int, processes: int) -> list:
    """``n`` readers, at most ceil(n / processes) on each process (by ``X-Naqsha-Upstream``)."""
    share, count, pages = -(-n // processes), {}, []
    while len(pages) < n:
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        response = await page.goto(f"{url}/?date={START}", wait_until="commit")
        upstream = upstream_of(response.headers) if processes > 1 else url
        if count.get(upstream, 0) >= share:
            await context.close()
            continue
        count[upstream] = count.get(upstream, 0) + 1
        pages.append(await ready(page))
    return pages


async def ready(page):
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


async def run(
    readers: list[int], seconds: float, think_ms: float, proxy: int | None = None
) -> list[dict]:
    results = []
    with servers(proxy) as (url, pids):
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *NO_INTERNET_ARGS]
            )
            for n in readers:
                pages = await open_readers(browser, url, n, proxy or 1)
                timings: list[float] = []
                cpu_before, wall = sum(map(cpu_seconds, pids)), time.monotonic()
                until = wall + seconds
                await asyncio.gather(*(scrub(pg, until, think_ms / 1000, timings) for pg in pages))
                wall = time.monotonic() - wall
                cpu = sum(map(cpu_seconds, pids)) - cpu_before
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


def summary(results: list[dict], label: str = "One process") -> str:
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
        f"\n{label}: up to {best['readers']} concurrent reader(s) at {best['steps_per_s']} "
        f"steps/s before the p95 server step passes 2x the single reader's ({base} ms)."
    )
    return "\n".join(lines)


def gain(one: list[dict], two: list[dict]) -> str:
    """Table: 2 processes against 1 behind nginx, at each number of readers."""
    lines = [
        "| readers | steps/s 1 process | steps/s 2 processes | steps/s gain "
        "| p95 ms 1 process | p95 ms 2 processes | p95 2 / 1 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for a, b in zip(one, two, strict=True):
        lines.append(
            f"| {a['readers']} | {a['steps_per_s']} | {b['steps_per_s']} | "
            f"{b['steps_per_s'] / a['steps_per_s']:.2f}x | {a['p95_ms']} | {b['p95_ms']} | "
            f"{b['p95_ms'] / a['p95_ms']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readers", type=int, nargs="*", default=[1, 2, 4, 8])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=500, help="pause after each step (ms)")
    parser.add_argument("--proxy", type=int, metavar="P", help="P processes behind nginx")
    parser.add_argument(
        "--compare-proxy", action="store_true", help="1, then 2 processes behind nginx"
    )
    args = parser.parse_args(argv)
    readers = sorted(args.readers)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.compare_proxy:
        both = {}
        for count in (1, 2):
            both[count] = asyncio.run(run(readers, args.seconds, args.think, proxy=count))
        label = {1: "1 process behind nginx", 2: "2 processes behind nginx"}
        for count, results in both.items():
            print(f"\n### {label[count]}\n\n{summary(results, label[count])}")
        print(f"\n### Gain of 2 processes over 1 (both behind nginx)\n\n{gain(both[1], both[2])}")
        data = {f"processes_{count}": results for count, results in both.items()}
        (OUT / "concurrency-proxy-latest.json").write_text(json.dumps(data, indent=2))
        return 0
    results = asyncio.run(run(readers, args.seconds, args.think, proxy=args.proxy))
    label = f"{args.proxy} process(es) behind nginx" if args.proxy else "One process"
    print(summary(results, label))
    (OUT / "concurrency-latest.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
