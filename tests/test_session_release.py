"""A closed session's data is released: its private event files go when the session is dropped.

The files of a session's upload live in ``static/data/session-<random>/`` and are deleted by a
finalizer when the session's objects are garbage-collected (``EventFiles(private=True)``), so the
folder vanishing shows that the closed session's data no longer has a reference anywhere.
"""

from __future__ import annotations

import time

import pytest

from harness.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    block_internet,
    browser_tests_or_skip,
    streamlit_server,
)

pytestmark = pytest.mark.browser
DATA = ROOT / "dashboard" / "static" / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "xss" / "acled_xss.csv"

sync_api = browser_tests_or_skip()


def session_folders() -> set[str]:
    return {p.name for p in DATA.glob("session-*")} if DATA.is_dir() else set()


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.5)
    return result


def visit(chromium, url: str, upload: bool = False):
    context = chromium.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    block_internet(page)
    page.goto(f"{url}/?date=2021-09-04")
    page.get_by_role("slider", name="Date").wait_for(timeout=60_000)
    if upload:
        page.get_by_text("Add your own data (this session only)").click()
        page.locator("input[type='file']").first.set_input_files(str(FIXTURE))
        page.get_by_text("2 event(s) placed by their coordinates").wait_for(timeout=60_000)
    return context


def test_a_closed_sessions_upload_is_released():
    # Streamlit forgets a disconnected session TTL seconds after it left, at the next departure
    # of any session; the app collects at the next arrival (every arrival here: interval 0).
    env = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": "1", "NAQSHA_COLLECT_INTERVAL_S": "0"}
    with streamlit_server(env=env) as url, sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        before = session_folders()
        first = visit(chromium, url, upload=True)
        created = wait_until(
            lambda: session_folders() - before, 60, "the upload's private event folder"
        )
        first.close()
        time.sleep(2)  # past the TTL
        visit(chromium, url).close()  # a departure: Streamlit forgets the first session
        visit(chromium, url).close()  # an arrival: the app collects
        wait_until(lambda: not (created & session_folders()), 60, "the closed session's folder")
        chromium.close()
