"""The dashboard on another conflict's data package, in a real Chromium: its own title, sides,
labels, second language and framing (the illustrative ``tests/fixtures/tajikistan``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.browser import (
    ARTIFACTS,
    MAP_FRAME,
    block_internet,
    browser_tests_or_skip,
    chromium,
    streamlit_server,
)

pytestmark = pytest.mark.browser

sync_api = browser_tests_or_skip()
expect = sync_api.expect
TAJIKISTAN = Path(__file__).resolve().parent / "fixtures" / "tajikistan"


@pytest.fixture(scope="module")
def page():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(env={"NAQSHA_DATA": str(TAJIKISTAN)}) as url, chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        block_internet(page)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.base = url
        open_on(page, "?date=1992-11-01")
        yield page
        page.screenshot(path=ARTIFACTS / "18-another-conflict.png", full_page=True)
        context.close()


def open_on(page, query: str) -> None:
    page.goto(f"{page.base}/{query}")
    frame = page.locator(MAP_FRAME).content_frame
    frame.locator("body[data-naqsha-state='1992-11-01']").wait_for(state="attached", timeout=60_000)


def test_the_page_is_titled_and_captioned_from_the_data_package(page):
    assert "Illustrative test package: Tajikistan" in page.title()
    expect(page.get_by_text("who held which part of Tajikistan")).to_be_visible()
    assert "Afghanistan" not in page.inner_text("body")


def test_the_counters_and_the_legend_name_its_own_sides(page):
    counters = page.locator(".st-key-counters").inner_text()
    for label in ("Government", "Opposition (UTO)", "Popular Front", "Partial"):
        assert label in counters
    assert "Taliban" not in counters
    legend = page.locator(MAP_FRAME).content_frame.locator(".naqsha-legend")
    expect(legend).to_contain_text("Opposition (UTO)")
    expect(legend).to_contain_text("Popular Front")


def test_the_map_opens_framed_on_its_data_with_its_second_language(page):
    frame = next(f for f in page.frames if "st_folium" in f.url)
    west, south, east, north = frame.evaluate(
        "() => { const b = window.map.getBounds(); "
        "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    # The whole of the data (67.4-75.0° E, 36.7-41.0° N) is in view, and not a continent.
    assert west <= 67.5 and east >= 74.9 and south <= 36.8 and north >= 40.9
    assert east - west < 25
    fill = frame.evaluate(
        "() => Naqsha.layers.find(l => l.feature.properties.unit === 'TJ02')"
        ".getElement().getAttribute('fill')"
    )
    assert fill.startswith("url(#naqsha-low-opposition")  # low confidence: striped
    name = frame.evaluate(
        "() => { const l = Naqsha.layers.find(l => l.feature.properties.unit === 'TJ01');"
        " l.openTooltip(); const s = document.querySelector('.naqsha-tip span');"
        " return [s.getAttribute('lang'), s.getAttribute('dir'), s.textContent]; }"
    )
    assert name == ["tg", "ltr", "Суғд"]
    assert not page.errors, page.errors


def test_a_province_whose_districts_disagree_is_partial_in_its_detail(page):
    open_on(page, "?date=1992-11-01&unit=TJ03")
    expect(page.get_by_role("heading", name="Khatlon")).to_be_visible()
    detail = page.locator(".st-key-detail")
    expect(detail).to_contain_text("Partial")
    expect(detail).to_contain_text("Opposition (UTO) 1 of 2")
