"""Real-browser helpers: a ``streamlit run`` server on localhost and Debian's Chromium.

Used by the browser tests and the benchmarks. Every request to a host other than localhost is
aborted, so the tests prove the map works with no internet (the tests by interception, which
lists the blocked requests; the benchmarks by Chromium's proxy setting, which costs no time).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
# Screenshots of each browser test step, and of every failure.
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# start_streamlit's script for the dashboard started by ``python -m dashboard serve``.
SERVE = "serve"
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def browser_tests_or_skip():
    """``playwright.sync_api`` for a browser test module; skip the module, saying why, when
    Debian's Chromium is missing. Playwright is a declared test dependency: without it the
    import fails, as a broken install should."""
    import pytest
    from playwright import sync_api

    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's 'chromium' package to run browser tests",
            allow_module_level=True,
        )
    return sync_api


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_streamlit(script: str, port: int, env: dict | None, log) -> subprocess.Popen:
    """Start ``streamlit run script`` headless on ``127.0.0.1:port``, cwd = the repository.

    ``script`` :data:`SERVE` runs the dashboard as the README says, ``python -m dashboard serve``
    (the data prepared before Streamlit listens); any other script runs through
    ``python -m dashboard.launch``, the same server fix without the data's preparation. The
    repository's ``.streamlit/config.toml`` therefore applies. ``env`` is added to (and
    overrides) the current environment; output goes to the open file ``log``.
    """
    run = (
        [sys.executable, "-m", "dashboard", "serve"]
        if script == SERVE
        else [sys.executable, "-m", "dashboard.launch", script]
    )
    command = [
        *run,
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
    )


def wait_healthy(url: str, process: subprocess.Popen, timeout: float, said=lambda: "") -> None:
    """Poll ``/_stcore/health`` until it answers 200; raise if ``process`` (the server, or a
    proxy in front of it) exits or times out, with what ``said()`` returns (its log)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                name = Path(str(process.args[0])).name
                raise RuntimeError(
                    f"{name} did not start (exit {process.poll()})\n{said()}"
                ) from None
            time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def server_log(url: str) -> Path:
    """The log file of the server :func:`streamlit_server` started at ``url``."""
    return ROOT / "test-artifacts" / f"streamlit-{url.rsplit(':', 1)[1]}.log"


def log_problems(url: str) -> list[str]:
    """The lines of the server's log (:func:`server_log`) that warn (such as a deprecated
    argument) or report an error or a traceback; the browser tests want none."""
    log = server_log(url).read_text(encoding="utf-8")
    return [
        line for line in log.splitlines() if re.search(r"warn|deprecat|traceback|error", line, re.I)
    ]


def map_frame(page):
    """The map's frame as a frame locator. The last: while a rerun replaces the map (after an
    upload), Streamlit briefly keeps the old frame before the new one."""
    return page.locator(MAP_FRAME).last.content_frame


def map_document(page):
    """The map's frame itself (for evaluating script in it), not a locator."""
    return next(f for f in page.frames if "st_folium" in f.url)


# The panels' radio: on the page once the whole page is, after the map-first run.
PAGE_COMPLETE = ".st-key-panel"


def wait_for_date(page, day: str) -> None:
    """Wait until the map shows ``day``, the server's step for ``day`` has reached it, and
    the rest of the page (controls, panels, filters) is there."""
    map_frame(page).locator(f"body[data-naqsha-date='{day}'][data-naqsha-state='{day}']").wait_for(
        timeout=60_000
    )
    page.locator(PAGE_COMPLETE).wait_for(timeout=60_000)


@contextmanager
def streamlit_server(script: str = SERVE, env: dict | None = None, timeout: float = 90):
    """Run ``streamlit run script`` on a free port; yield its base URL; stop it afterwards."""
    port = free_port()
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    with open(server_log(url), "w") as log:
        process = start_streamlit(script, port, env, log)
        try:
            wait_healthy(url, process, timeout)
            yield url
        finally:
            stop(process)


# Chromium flags that send every request for another host to a closed local port, where it fails
# at once (localhost never goes through a proxy). Unlike block_internet, which passes every
# request through Playwright's interception and the Python process, they cost nothing per
# request: the benchmarks use them, so that timings are the browser's own (interception added
# about 0.15 s to each first load, measured).
NO_INTERNET_ARGS = ["--proxy-server=http://127.0.0.1:9"]


def is_local(url: str) -> bool:
    """Whether ``url`` stays on this machine (localhost, data: or blob:)."""
    if url.startswith(("data:", "blob:")):
        return True
    host = url.split("/")[2].split(":")[0] if "://" in url else ""
    return host in ("127.0.0.1", "localhost", "")


def block_internet(page) -> list[str]:
    """Abort every request that leaves localhost; return the list of blocked URLs."""
    blocked: list[str] = []

    def handle(route):
        if is_local(route.request.url):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    page.context.route("**/*", handle)
    return blocked


def record_requests_off_localhost(page) -> list[str]:
    """Only note (without intercepting) every request that leaves localhost; with
    NO_INTERNET_ARGS they fail in the browser."""
    seen: list[str] = []
    page.on("request", lambda request: None if is_local(request.url) else seen.append(request.url))
    return seen


def message_type(frame: bytes | str) -> str | None:
    """The type of a websocket frame from Streamlit (``"delta"``, ``"script_finished"``,
    ``"ref_hash"``…), or ``None`` when the frame is not a ForwardMsg."""
    try:
        data = frame if isinstance(frame, bytes) else frame.encode()
        return ForwardMsg.FromString(data).WhichOneof("type")
    except Exception:  # noqa: BLE001 - protobuf raises its own DecodeError and others
        return None


@contextmanager
def chromium(extra_args: tuple[str, ...] | list[str] = ()):
    """Debian's Chromium, headless, through Playwright's sync API; closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args]
        )
        try:
            yield browser
        finally:
            browser.close()
