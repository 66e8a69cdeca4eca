"""Scrubbing benchmark for the issue "Fast scrubbing": how fast does the map follow the date slider?

    python benchmarks/bench_scrub.py [--quick] [--only NAME ...]

For each scenario it starts its app with ``python -m dashboard.launch`` (``streamlit run`` with
the server fix of ``dashboard/launch.py``) on a free localhost port (cwd = the repository, so
the repository's ``.streamlit/config.toml`` applies; ``--server.headless true``), waits for
``/_stcore/health``, and drives headless Chromium (/usr/bin/chromium) with Playwright. Every
request that does not go to localhost is aborted. See benchmarks/README.md for what each number
means. Results go to ``benchmarks/out/`` (git-ignored) as JSON and Markdown.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))  # the other benchmarks' modules
from make_events import synthetic_events, write_data_dir  # noqa: E402

from dashboard.data import SHIPPED_DATA  # noqa: E402
from harness.browser import (  # noqa: E402 - shared with the tests
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_FRAME,
    NO_INTERNET_ARGS,
    PAGE_COMPLETE,
    free_port,
    message_type,
    record_requests_off_localhost,
    start_streamlit,
    stop,
    wait_healthy,
)

OFFICIAL = ROOT.parent / "shared" / "boundaries" / "cod-ab-afg-2018"
OFFICIAL_BOUNDARY_SET = {
    "name": "OCHA COD-AB Afghanistan 2018 (benchmark fixture)",
    "source": "https://data.humdata.org/dataset/cod-ab-afg",
    "licence": "humanitarian use only; test fixture, not shipped",
}
START = date(2021, 8, 1)
SHIPPED_LAST = date(2021, 9, 30)
TIMED_STEPS = 30
FIRST_MAP_LOADS = 7
BURST = 10
BURSTS = 5  # the first right after the first map, the others after the timed steps
BURST_GAP_MS = 30
STEP_TIMEOUT_MS = 60_000
SOFT_TIMEOUT_MS = 10_000
MAX_STALLS = 5  # then look whether the key press was lost
QUIET_MS = 60  # after a rerun finished, wait this long without frames before the next key

# Finds the map iframe whose body says the expected date, and returns Date.now() when it does.
# ``which``: "date", the date the map shows (naqsha.js shows the slider's date at once), or
# "state", the date of the server's last step it has applied (apps without it: as "date").
MAP_PROBE = """([expected, provinces, which]) => {
  for (const f of document.querySelectorAll("MAP_FRAME")) {
    let d;
    try { d = f.contentDocument; } catch (e) { continue; }
    if (!d || !d.body) continue;
    const shown = d.body.getAttribute('data-naqsha-' + (which || 'date')) ?? d.body.getAttribute('data-naqsha-date');
    if (!shown || (expected && shown !== expected)) continue;
    if (provinces && d.querySelectorAll('path.naqsha-province').length < provinces) continue;
    return [shown, Date.now()];
  }
  return null;
}""".replace('"MAP_FRAME"', json.dumps(MAP_FRAME))
TEXT_PROBE = """([expected, provinces]) => {
  for (const e of document.querySelectorAll('[data-testid="stMarkdownContainer"]')) {
    const m = /Date shown: (\\d{4}-\\d{2}-\\d{2})/.exec(e.textContent);
    if (m && (!expected || m[1] === expected)) return [m[1], Date.now()];
  }
  return null;
}"""
ACTIVE_ELEMENT = """() => { const a = document.activeElement;
  return a ? `${a.tagName} role=${a.getAttribute('role')} label=${a.getAttribute('aria-label')} keys=${window.__benchKeys}` : null; }"""
FRAME_STATE = """() => [...document.querySelectorAll('iframe')].map(f => {
  let d = null; try { d = f.contentDocument; } catch (e) {}
  return {title: f.title, date: d && d.body ? d.body.getAttribute('data-naqsha-date') : null,
          paths: d ? d.querySelectorAll('path').length : -1, ready: d ? d.readyState : null};
})"""
STEP_PROBE = """(expected) => {
  const probe = PROBE;
  const shown = probe([expected, 0, 'date']);
  if (shown && !window.__benchShownAt) window.__benchShownAt = shown[1];
  const state = probe([expected, 0, 'state']);
  return state && window.__benchShownAt ? [window.__benchShownAt, state[1]] : null;
}"""
KEY_LISTENER = """window.addEventListener('keydown', () => {
  window.__benchKeyT = Date.now(); window.__benchShownAt = null; window.__benchKeys = (window.__benchKeys || 0) + 1;
}, true);"""


@dataclass
class Scenario:
    name: str
    label: str
    app: str  # script path relative to ROOT
    probe: str = MAP_PROBE
    events_window: bool = False  # click "everything up to the date" first
    data: object = None  # callable(tmpdir) -> Path, or None for the shipped data
    provinces: int = 34
    note: str = ""
    skip: str = ""


@dataclass
class WsCounter:
    total: int = 0
    finished: int = 0
    frames: int = 0
    last: float = 0.0
    sizes: list = field(default_factory=list)

    def on_frame(self, payload) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        self.total += len(data)
        self.frames += 1
        self.last = time.monotonic()
        if message_type(data) == "script_finished":
            self.finished += 1


# -- data directories ------------------------------------------------------------------------


def events_dir(count: int, admin1: bool = True):
    def build(tmp: Path) -> Path:
        return write_data_dir(count, tmp / f"events-{count}", admin1=admin1)

    return build


def official_dir(events: int = 0):
    """The shipped data with the official 399-district boundaries, built in a temp dir."""

    def build(tmp: Path) -> Path:
        from dashboard.data.boundaries import read_official_boundaries
        from dashboard.data.boundary_writer import replace_geometry

        provinces = read_official_boundaries(
            OFFICIAL / "afg_admbnda_adm1_agcho_20180522.zip", "province"
        )
        districts = read_official_boundaries(
            OFFICIAL / "afg_admbnda_adm2_agcho_20180522.zip", "district"
        )
        out = tmp / f"official-{events}"
        replace_geometry(SHIPPED_DATA, provinces, districts, out, OFFICIAL_BOUNDARY_SET)
        if events:
            synthetic_events(events, out).to_csv(out / "events.csv", index=False)
        return out

    return build


NAQSHA = "dashboard/app.py"


def scenarios() -> list[Scenario]:
    official_skip = "" if OFFICIAL.is_dir() else f"{OFFICIAL} is absent"
    naqsha = NAQSHA
    return [
        Scenario("empty", "(a) empty app (floor)", "benchmarks/apps/empty_app.py", TEXT_PROBE),
        Scenario("naive", "(b) naive folium, shipped", "benchmarks/apps/naive_app.py"),
        Scenario("map_only", "(b′) map only, shipped", "benchmarks/apps/map_only_app.py"),
        Scenario("shipped", "(c) Naqsha, shipped", naqsha),
        Scenario(
            "districts399",
            "(d) Naqsha, 399 official districts",
            naqsha,
            data=official_dir(),
            skip=official_skip,
        ),
        Scenario(
            "events1k", "(e) Naqsha, 1k events", naqsha, events_window=True, data=events_dir(1_000)
        ),
        Scenario(
            "events10k",
            "(e) Naqsha, 10k events",
            naqsha,
            events_window=True,
            data=events_dir(10_000),
        ),
        Scenario(
            "events100k",
            "(e) Naqsha, 100k events",
            naqsha,
            events_window=True,
            data=events_dir(100_000),
        ),
        Scenario(
            "districts399_events100k",
            "(f) Naqsha, 399 districts + 100k events",
            naqsha,
            events_window=True,
            data=official_dir(100_000),
            skip=official_skip,
        ),
    ]


# -- server ----------------------------------------------------------------------------------


def code_fingerprint() -> str:
    """A hash of the app's code, to tell whether it changed while the benchmark ran."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "dashboard").rglob("*")):
        if path.suffix in (".py", ".js", ".css") and "static" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def rss_mb(pid: int) -> float:
    """VmRSS of ``pid`` and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
            except OSError:
                continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


# -- browser ---------------------------------------------------------------------------------


class Session:
    """One browser context on one page of the app, counting websocket bytes."""

    def __init__(self, browser, url: str, scenario: Scenario):
        self.scenario = scenario
        self.url = url
        self.context = browser.new_context(viewport={"width": 1600, "height": 1300})
        self.context.add_init_script(KEY_LISTENER)
        self.page = self.context.new_page()
        self.off_localhost = record_requests_off_localhost(self.page)
        self.ws = WsCounter()
        self.page.on(
            "websocket",
            lambda ws: (
                ws.on("framereceived", self.ws.on_frame) if "_stcore/stream" in ws.url else None
            ),
        )
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")
        self.stalls = 0

    def close(self) -> None:
        self.context.close()

    def first_map(self, start: date, timeout_ms: int) -> float:
        """Seconds from navigation until the map shows ``start``; for Naqsha, also until the
        whole page (its panels) is there, in ``self.complete_s`` (the map comes first)."""
        t0 = time.time()
        self.page.goto(f"{self.url}/?date={start.isoformat()}", wait_until="commit")
        shown, at = self.page.wait_for_function(
            self.scenario.probe,
            arg=[start.isoformat(), self.scenario.provinces],
            polling="raf",
            timeout=timeout_ms,
        ).json_value()
        self.complete_s = None
        if self.scenario.app == NAQSHA:
            self.page.locator(PAGE_COMPLETE).wait_for(timeout=timeout_ms)
            self.complete_s = self.page.evaluate("Date.now()") / 1000 - t0
        return at / 1000 - t0

    def wait_finished(self, finished_before: int, timeout_s: float = 120) -> None:
        """Wait for a script_finished after ``finished_before``, then QUIET_MS without frames."""
        deadline = time.monotonic() + timeout_s
        while self.ws.finished <= finished_before:
            if time.monotonic() > deadline:
                raise TimeoutError("no script_finished")
            self.page.wait_for_timeout(5)
        while time.monotonic() - self.ws.last < QUIET_MS / 1000:
            self.page.wait_for_timeout(10)

    def focus_slider(self) -> None:
        if not self.page.evaluate(
            "() => !!document.activeElement && document.activeElement.getAttribute('role') === 'slider'"
        ):
            self.page.get_by_role("slider", name="Date").focus()

    def step(self, key: str, expected: date) -> dict:
        """Press ``key`` and time until the map shows ``expected`` (``ms``), and until the
        server's step for it has reached the map (``confirmed_ms``).

        A key press the slider never acted on (it still shows the old date) is pressed again and
        the step is timed from the second press (``retried``). A step whose map never shows the
        date within SOFT_TIMEOUT_MS is recorded as ``stalled`` with what the page showed, and
        left out of the timings.
        """
        self.focus_slider()
        bytes0, finished0 = self.ws.total, self.ws.finished
        self.page.keyboard.press(key)
        retried = False
        try:
            painted, confirmed = self.wait_step(expected, SOFT_TIMEOUT_MS)
        except PlaywrightTimeout:
            slider = self.slider_value()
            if slider == expected.isoformat():
                return self.stalled(expected, bytes0, retried)
            focus = self.page.evaluate(ACTIVE_ELEMENT)
            print(f"   key press lost (slider {slider}, expected {expected}, focus {focus}); again")
            retried = True
            self.focus_slider()
            bytes0, finished0 = self.ws.total, self.ws.finished
            self.page.keyboard.press(key)
            try:
                painted, confirmed = self.wait_step(expected, SOFT_TIMEOUT_MS)
            except PlaywrightTimeout:
                return self.stalled(expected, bytes0, retried)
        key_at = self.page.evaluate("window.__benchKeyT")
        self.wait_finished(finished0)
        return {
            "ms": painted - key_at,
            "confirmed_ms": confirmed - key_at,
            "bytes": self.ws.total - bytes0,
            "retried": retried,
        }

    def slider_value(self) -> str | None:
        return self.page.get_by_role("slider", name="Date").get_attribute("aria-valuetext")

    def stalled(self, expected: date, bytes0: int, retried: bool) -> dict:
        diagnosis = {
            "slider": self.slider_value(),
            "focus": self.page.evaluate(ACTIVE_ELEMENT),
            "frames": self.page.evaluate(FRAME_STATE),
        }
        print(f"   map did not show {expected} within {SOFT_TIMEOUT_MS} ms: {diagnosis}")
        return {
            "ms": None,
            "bytes": self.ws.total - bytes0,
            "retried": retried,
            "stalled": True,
            "expected": expected.isoformat(),
            "diagnosis": diagnosis,
        }

    def wait_step(self, expected: date, timeout_ms: int) -> tuple[float, float]:
        """Poll every frame; return when the map first showed ``expected`` and when the
        server's step for it reached the map, both as ``Date.now()``."""
        return self.page.wait_for_function(
            STEP_PROBE.replace("PROBE", self.scenario.probe),
            arg=expected.isoformat(),
            polling="raf",
            timeout=timeout_ms,
        ).json_value()

    def wait_painted(self, expected: date, timeout_ms: int) -> float:
        shown, painted = self.page.wait_for_function(
            self.scenario.probe,
            arg=[expected.isoformat(), 0, "date"],
            polling="raf",
            timeout=timeout_ms,
        ).json_value()
        return painted

    def burst(self, key: str, count: int, expected: date) -> dict:
        self.focus_slider()
        for i in range(count):
            self.page.keyboard.press(key)
            if i < count - 1:
                self.page.wait_for_timeout(BURST_GAP_MS)
        last_key = self.page.evaluate("window.__benchKeyT")
        focus = self.page.evaluate(ACTIVE_ELEMENT)
        try:
            painted = self.wait_painted(expected, STEP_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - reported as not ok
            painted = None
        # Let every queued rerun finish, then read what the slider and the map show.
        self.wait_finished(-1)
        time.sleep(1.0)
        self.wait_finished(-1)
        shown = self.page.evaluate(self.scenario.probe, [None, 0, "date"])
        state = self.page.evaluate(self.scenario.probe, [None, 0, "state"])
        slider = self.page.get_by_role("slider", name="Date").get_attribute("aria-valuetext")
        return {
            "settle_ms": None if painted is None else painted - last_key,
            "final_map": shown[0] if shown else None,
            "final_server_step": state[0] if state else None,
            "final_slider": slider,
            "expected": expected.isoformat(),
            "focus_after_keys": focus,
            "ok": bool(shown)
            and shown[0] == expected.isoformat()
            and bool(state)
            and state[0] == expected.isoformat()
            and slider == expected.isoformat(),
        }

    def heap_mb(self) -> float:
        self.cdp.send("HeapProfiler.collectGarbage")
        metrics = {
            m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]
        }
        return metrics["JSHeapUsedSize"] / 2**20

    def choose_window(self, label: str) -> None:
        finished0 = self.ws.finished
        self.page.get_by_text(label, exact=True).click()
        self.wait_finished(finished0)
        time.sleep(0.5)
        self.wait_finished(-1)


class Walker:
    """Dates one step apart that stay within [lo, hi], turning round at the ends."""

    def __init__(self, current: date, lo: date, hi: date):
        self.current, self.lo, self.hi, self.direction = current, lo, hi, 1

    def next(self) -> tuple[str, date]:
        if not self.lo <= self.current + timedelta(days=self.direction) <= self.hi:
            self.direction = -self.direction
        self.current += timedelta(days=self.direction)
        return ("ArrowRight" if self.direction > 0 else "ArrowLeft"), self.current

    def burst(self, count: int) -> tuple[str, date]:
        """The key for ``count`` steps in one direction that stay in range, and the last date."""
        forward = self.current + timedelta(days=count) <= self.hi
        return ("ArrowRight" if forward else "ArrowLeft"), self.current + timedelta(
            days=count if forward else -count
        )


def resync(session: Session, walker: Walker, step: dict) -> None:
    """After a stalled step, carry on from whatever date the slider shows; give up after 5."""
    if not step.get("stalled"):
        return
    session.stalls += 1
    if session.stalls > MAX_STALLS:
        raise RuntimeError(f"{session.stalls} steps never repainted the map")
    shown = session.slider_value()
    if shown:
        walker.current = date.fromisoformat(shown)
    session.wait_finished(-1)


def run_burst(session: Session, walker: Walker) -> dict:
    """One burst of BURST key presses from the walker's date; the walker follows the slider."""
    key, target = walker.burst(BURST)
    result = session.burst(key, BURST, target)
    walker.current = date.fromisoformat(result["final_slider"] or target.isoformat())
    return result


def last_date(data: Path | None) -> date:
    if data is None:
        return SHIPPED_LAST
    from dashboard.data.control import load_control
    from dashboard.data.units import load_units
    from dashboard.timeline import Timeline

    units = load_units(data / "units.csv")
    return Timeline(units, load_control(data / "control.csv", units)).span()[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run_scenario(browser, scenario: Scenario, total_steps: int, tmp: Path) -> dict:
    result: dict = {"name": scenario.name, "label": scenario.label, "note": scenario.note}
    if scenario.skip:
        result["skipped"] = scenario.skip
        return result
    t = time.monotonic()
    data = scenario.data(tmp) if scenario.data else None
    result["data_build_s"] = round(time.monotonic() - t, 2)
    hi = last_date(data)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (OUT / f"streamlit-{scenario.name}.log").open("w")
    proc = start_streamlit(scenario.app, port, {"NAQSHA_DATA": str(data or SHIPPED_DATA)}, log)
    try:
        wait_healthy(url, proc, 120)
        # 1. A fresh server: the first visitor pays for loading the data too.
        cold = Session(browser, url, scenario)
        result["first_map_fresh_server_s"] = round(cold.first_map(START, 3_600_000), 3)
        cold.close()
        off_localhost = cold.off_localhost
        # 2. Fresh browsers (empty caches) against the warm server: what later visitors wait.
        loads, complete = [], []
        for _ in range(FIRST_MAP_LOADS - 1):
            visitor = Session(browser, url, scenario)
            loads.append(visitor.first_map(START, 600_000))
            complete.append(visitor.complete_s)
            visitor.close()
            off_localhost += visitor.off_localhost
        s = Session(browser, url, scenario)
        loads.append(s.first_map(START, 600_000))
        complete.append(s.complete_s)
        result["first_map_s"] = round(statistics.median(loads), 3)
        result["first_map_p90_s"] = round(pct(loads, 0.9), 3)
        result["first_map_loads_s"] = [round(x, 3) for x in loads]
        if None not in complete:
            result["page_complete_s"] = round(statistics.median(complete), 3)
        s.wait_finished(-1)
        if scenario.events_window:
            s.choose_window("everything up to the date")
        walker = Walker(START, START, hi)
        steps_done = 0
        # Bursts: ten presses 30 ms apart, then wait for the map to settle on the tenth date.
        bursts = [run_burst(s, walker)]
        steps_done += BURST
        result["heap_after_10_mb"] = round(s.heap_mb(), 2)
        # Timed steps.
        timings = []
        for _ in range(TIMED_STEPS):
            timings.append(s.step(*walker.next()))
            resync(s, walker, timings[-1])
        steps_done += TIMED_STEPS
        good = [x for x in timings if not x.get("stalled")]
        ms = [x["ms"] for x in good]
        confirmed = [x["confirmed_ms"] for x in good]
        kb = [x["bytes"] / 1024 for x in good]
        result.update(
            step_median_ms=round(statistics.median(ms), 1),
            step_p90_ms=round(pct(ms, 0.9), 1),
            step_min_ms=round(min(ms), 1),
            confirmed_median_ms=round(statistics.median(confirmed), 1),
            confirmed_p90_ms=round(pct(confirmed, 0.9), 1),
            kb_per_step_median=round(statistics.median(kb), 2),
            kb_per_step_p90=round(pct(kb, 0.9), 2),
            kb_per_step_max=round(max(kb), 2),
            steps=timings,
        )
        for _ in range(BURSTS - 1):
            bursts.append(run_burst(s, walker))
            steps_done += BURST
        settle = [b["settle_ms"] for b in bursts if b["settle_ms"] is not None]
        result.update(
            burst_settle_median_ms=round(statistics.median(settle), 1) if settle else None,
            burst_settle_p90_ms=round(pct(settle, 0.9), 1) if settle else None,
            bursts_ok=sum(b["ok"] for b in bursts),
            bursts=bursts,
        )
        # More steps, then the heap again.
        extra = []
        while steps_done < total_steps:
            extra.append(s.step(*walker.next()))
            resync(s, walker, extra[-1])
            steps_done += 1
        if extra:
            result["extra_step_median_ms"] = round(
                statistics.median(x["ms"] for x in extra if not x.get("stalled")), 1
            )
        result["lost_key_presses"] = sum(x["retried"] for x in timings + extra)
        result["stalled_steps"] = sum(bool(x.get("stalled")) for x in timings + extra)
        result["heap_steps"] = steps_done
        result["heap_after_n_mb"] = round(s.heap_mb(), 2)
        result["heap_ratio"] = round(result["heap_after_n_mb"] / result["heap_after_10_mb"], 3)
        result["server_rss_mb"] = round(rss_mb(proc.pid), 1)
        s.close()
        result["requests_off_localhost"] = off_localhost + s.off_localhost
    except Exception as error:  # noqa: BLE001 - one scenario failing must not lose the others
        result["error"] = f"{type(error).__name__}: {error}"
        traceback.print_exc()
        if "server_rss_mb" not in result and proc.poll() is None:
            result["server_rss_mb_at_error"] = round(rss_mb(proc.pid), 1)
    finally:
        stop(proc)
        log.close()
        if data is not None:
            shutil.rmtree(data, ignore_errors=True)
    return result


# -- report ----------------------------------------------------------------------------------


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(results: dict[str, dict]) -> str:
    base = results.get("empty", {}).get("step_median_ms")
    naive = results.get("naive", {}).get("step_median_ms")
    head = (
        "| scenario | first map median s | first map p90 s | first map s (fresh server) "
        "| whole page median s | step median ms | step p90 ms "
        "| step/baseline | naive/step | server step median ms | server step p90 ms "
        "| server step/baseline | KB per step median | KB per step p90 "
        "| burst settle median ms | burst settle p90 ms | bursts ending on the last date "
        "| heap ratio (MB 10 → N) | server RSS MB | stalled steps / lost keys |"
    )
    lines = [head, "|" + "---|" * 20]
    for r in results.values():
        if "skipped" in r:
            lines.append(f"| {r['label']} | skipped: {r['skipped']} |" + " |" * 18)
            continue
        step, confirmed = r.get("step_median_ms"), r.get("confirmed_median_ms")
        heap = (
            f"{fmt(r.get('heap_ratio'), 2)} ({fmt(r.get('heap_after_10_mb'))} → {fmt(r.get('heap_after_n_mb'))}, N={r.get('heap_steps', '–')})"
            if "heap_ratio" in r
            else "–"
        )
        cells = [
            r["label"] + (" †" if r.get("note") else "") + (" ERROR" if r.get("error") else ""),
            fmt(r.get("first_map_s"), 2),
            fmt(r.get("first_map_p90_s"), 2),
            fmt(r.get("first_map_fresh_server_s"), 2),
            fmt(r.get("page_complete_s"), 2),
            fmt(step),
            fmt(r.get("step_p90_ms")),
            fmt(step / base, 2) if step and base else "–",
            fmt(naive / step, 1) if step and naive and r["name"] not in ("naive", "empty") else "–",
            fmt(confirmed),
            fmt(r.get("confirmed_p90_ms")),
            fmt(confirmed / base, 2) if confirmed and base else "–",
            fmt(r.get("kb_per_step_median"), 1),
            fmt(r.get("kb_per_step_p90"), 1),
            fmt(r.get("burst_settle_median_ms"), 0),
            fmt(r.get("burst_settle_p90_ms"), 0),
            f"{r['bursts_ok']}/{len(r['bursts'])}" if r.get("bursts") else "–",
            heap,
            fmt(r.get("server_rss_mb") or r.get("server_rss_mb_at_error")),
            f"{r.get('stalled_steps', '–')} / {r.get('lost_key_presses', '–')}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    notes = [f"† {r['label']}: {r['note']}" for r in results.values() if r.get("note")]
    notes += [f"ERROR in {r['label']}: {r['error']}" for r in results.values() if r.get("error")]
    return "\n".join(lines + ([""] + notes if notes else []))


def targets(results: dict[str, dict]) -> list[tuple[str, str, bool | None]]:
    def get(name, key):
        return results.get(name, {}).get(key)

    checks: list[tuple[str, str, bool | None]] = []

    def check(text, measured, ok):
        checks.append((text, measured, ok))

    base, naive, shipped, map_only = (
        get("empty", "step_median_ms"),
        get("naive", "step_median_ms"),
        get("shipped", "step_median_ms"),
        get("map_only", "step_median_ms"),
    )
    if shipped and base:
        check("shipped step ≤ 2× empty baseline", f"{shipped / base:.2f}×", shipped <= 2 * base)
    confirmed = get("shipped", "confirmed_median_ms")
    if confirmed and base:
        check(
            "(informative) shipped: the server's step reaches the map ≤ 2× empty baseline",
            f"{confirmed / base:.2f}×",
            confirmed <= 2 * base,
        )
    if map_only and base:
        check(
            "(informative) the bare map-only app: step ≤ 2× empty baseline",
            f"{map_only / base:.2f}×",
            map_only <= 2 * base,
        )
    if shipped and naive:
        check(
            "shipped step ≥ 5× faster than naive", f"{naive / shipped:.1f}×", naive >= 5 * shipped
        )
    d = results.get("districts399", {})
    if d.get("skipped"):
        check("399 districts targets", d["skipped"], None)
    else:
        if d.get("first_map_s") is not None:
            check(
                f"399 districts: first map < 2 s (median of {FIRST_MAP_LOADS} fresh browsers, warm server)",
                f"{d['first_map_s']:.2f} s",
                d["first_map_s"] < 2,
            )
        if d.get("first_map_fresh_server_s") is not None:
            check(
                "399 districts: first map < 2 s (fresh server, informative)",
                f"{d['first_map_fresh_server_s']:.2f} s",
                d["first_map_fresh_server_s"] < 2,
            )
        if d.get("step_median_ms") and shipped:
            check(
                "399 districts: step ≤ 1.3× provinces-only step",
                f"{d['step_median_ms'] / shipped:.2f}×",
                d["step_median_ms"] <= 1.3 * shipped,
            )
        if d.get("kb_per_step_median") is not None:
            check(
                "399 districts: ≤ 30 KB per step",
                f"{d['kb_per_step_median']:.1f} KB",
                d["kb_per_step_median"] <= 30,
            )
    e1, e100 = get("events1k", "step_median_ms"), get("events100k", "step_median_ms")
    if e1 and e100:
        check("100k events step ≤ 1.5× 1k step", f"{e100 / e1:.2f}×", e100 <= 1.5 * e1)
    f = results.get("districts399_events100k", {})
    rss = f.get("server_rss_mb") or f.get("server_rss_mb_at_error")
    if f.get("skipped"):
        check("server RSS < 400 MB (399 districts + 100k events)", f["skipped"], None)
    elif rss is not None:
        check("server RSS < 400 MB (399 districts + 100k events)", f"{rss:.0f} MB", rss < 400)
    for r in results.values():
        if r.get("heap_ratio") is not None:
            check(
                f"heap after N ≤ 1.2× heap after 10: {r['label']}",
                f"{r['heap_ratio']:.2f}× (N={r['heap_steps']})",
                r["heap_ratio"] <= 1.2,
            )
    for r in results.values():
        if r.get("bursts"):
            check(
                f"no pile-up: every burst of {BURST} quick steps ends on its last date: {r['label']}",
                f"{r['bursts_ok']}/{len(r['bursts'])}",
                r["bursts_ok"] == len(r["bursts"]),
            )
    off = [u for r in results.values() for u in r.get("requests_off_localhost", [])]
    check("(harness) no request left localhost", f"{len(off)} request(s)", not off)
    return checks


def report(results: dict[str, dict], mode: str) -> str:
    lines = [f"Mode: {mode}", "", table(results), "", "Targets:", ""]
    for text, measured, ok in targets(results):
        verdict = "n/a" if ok is None else ("PASS" if ok else "FAIL")
        lines.append(f"- {verdict}: {text} — {measured}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the map's response to the date slider.")
    parser.add_argument("--quick", action="store_true", help="60 heap steps instead of 500")
    parser.add_argument("--only", nargs="*", help="scenario names to run (default: all)")
    parser.add_argument("--steps", type=int, help="total steps before the second heap reading")
    args = parser.parse_args(argv)
    total_steps = args.steps or (60 if args.quick else 500)
    mode = f"{'quick' if args.quick else 'full'} (heap after {total_steps} steps)"
    OUT.mkdir(parents=True, exist_ok=True)
    chosen = [s for s in scenarios() if not args.only or s.name in args.only]
    results: dict[str, dict] = {}
    started = time.monotonic()
    fingerprints = [code_fingerprint()]
    with (
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory(prefix="naqsha-bench-") as tmp,
    ):
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS + NO_INTERNET_ARGS
        )
        for scenario in chosen:
            t = time.monotonic()
            print(f"== {scenario.label}", flush=True)
            fingerprints.append(code_fingerprint())
            if scenario.skip:
                print(f"   skipped: {scenario.skip}")
            results[scenario.name] = run_scenario(browser, scenario, total_steps, Path(tmp))
            r = results[scenario.name]
            r["wall_s"] = round(time.monotonic() - t, 1)
            summary = {k: v for k, v in r.items() if k not in ("steps", "label", "name")}
            print("   " + json.dumps(summary), flush=True)
        browser.close()
    fingerprints.append(code_fingerprint())
    if len(set(fingerprints)) > 1:
        mode += " — WARNING: the app's code changed during the run; the scenarios measured different versions"
    text = report(results, mode)
    print()
    print(text)
    print(f"\nWall time: {(time.monotonic() - started) / 60:.1f} min")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    payload = {"mode": mode, "started": stamp, "code": fingerprints, "results": results}
    for name in (f"scrub-{stamp}.json", "scrub-latest.json"):
        (OUT / name).write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    (OUT / "scrub-latest.md").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
