"""The static site from ``file://`` in a real Chromium, with every network request blocked."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from dashboard.style import STATUS_STYLES
from harness.browser import (
    ARTIFACTS,
    NO_INTERNET_ARGS,
    ROOT,
    browser_tests_or_skip,
    chromium,
)

pytestmark = pytest.mark.browser
sync_api = browser_tests_or_skip()
DATES = ("2021-06-01", "2021-08-15", "2021-09-10")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("static") / "site"
    command = [sys.executable, "-m", "dashboard", "export", "--format", "site", "--out", str(out)]
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    return out


@pytest.fixture(scope="module")
def browser():
    with chromium(NO_INTERNET_ARGS) as launched:
        yield launched


@pytest.fixture
def page(browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("http*://**", lambda route: route.abort())  # no network at all
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    yield page
    context.close()


def open_site(page, site, fragment: str = "") -> None:
    page.goto((site / "index.html").as_uri() + fragment)


def wait_for_date(page, day: str) -> None:
    page.wait_for_selector(f"body[data-naqsha-date='{day}']", state="attached", timeout=20_000)


def click_unit(page, unit: str) -> None:
    """Zoom to the unit, then click a point well inside it (not on a label or marker)."""
    page.evaluate(
        """(unit) => {
            const layer = Naqsha.layers.find(l => l.feature.properties.unit === unit);
            Naqsha.map.setView(layer.getBounds().getCenter(), 9, {animate: false});
        }""",
        unit,
    )
    page.wait_for_timeout(300)
    point = page.evaluate(
        """(unit) => {
            const box = document.querySelector('path.naqsha-u-' + unit).getBoundingClientRect();
            for (let i = 4; i < 13; i++) for (let j = 4; j < 13; j++) {
                const x = box.left + box.width * i / 16, y = box.top + box.height * j / 16;
                const hit = document.elementFromPoint(x, y);
                if (hit && (hit.getAttribute('class') || '').includes('naqsha-u-' + unit)) return [x, y];
            }
            return null;
        }""",
        unit,
    )
    assert point, f"no visible point of {unit}"
    page.mouse.click(*point)


def status_by_fill() -> dict[str, str]:
    """Every fill the map can give a unit, and the status it stands for."""
    fills = {}
    for status, style in STATUS_STYLES.items():
        fills[style.colour] = fills[f"url(#naqsha-{status})"] = status
        fills[f"url(#naqsha-low-{status})"] = status
    return fills


def cli_status(day: str) -> dict[str, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "status", "--date", day],
        check=True, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    return {row["unit"]: row for row in csv.DictReader(io.StringIO(result.stdout))}


@pytest.mark.parametrize("day", DATES)
def test_every_district_shows_its_status_from_the_cli(site, page, day):
    open_site(page, site, f"#date={day}")
    wait_for_date(page, day)
    fills = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('path.naqsha-district')]
            .map(p => [[...p.classList].find(c => c.startsWith('naqsha-u-')).slice(9),
                       p.getAttribute('fill')]))"""
    )
    expected = cli_status(day)
    by_fill = status_by_fill()
    assert len(fills) == 398
    assert {code: by_fill[fill] for code, fill in fills.items()} == {
        code: expected[code]["status"] for code in fills
    }
    assert page.locator("#naqsha-slider").get_attribute("aria-valuetext") == day
    assert page.errors == []
    assert all(url.startswith("file://") for url in page.requests), page.requests


def test_a_link_opens_a_units_detail_with_its_source(site, page):
    open_site(page, site, "#date=2021-09-10&unit=af08")
    wait_for_date(page, "2021-09-10")
    detail = page.locator("#naqsha-detail")
    expected = cli_status("2021-09-10")["AF08"]
    assert detail.locator("h2").inner_text().startswith("Panjshir")
    assert detail.locator(".naqsha-detail-status").inner_text() == (
        f"Taliban since {expected['since']} ({expected['confidence']} confidence)"
    )
    link = detail.locator("a")
    assert link.get_attribute("href") == expected["source_url"]
    assert link.get_attribute("rel") == "noopener noreferrer"
    page.screenshot(path=ARTIFACTS / "site-panjshir-2021-09-10.png")


def test_the_slider_clicks_and_the_address_follow_each_other(site, page):
    open_site(page, site, "#date=2021-08-14")
    wait_for_date(page, "2021-08-14")
    kabul = page.locator("path.naqsha-u-AF0101")
    assert kabul.get_attribute("fill") == STATUS_STYLES["government"].colour
    page.locator("#naqsha-slider").focus()
    page.keyboard.press("ArrowRight")
    wait_for_date(page, "2021-08-15")
    assert kabul.get_attribute("fill") == STATUS_STYLES["taliban"].colour
    assert page.evaluate("location.hash") == "#date=2021-08-15"
    click_unit(page, "AF0101")
    page.wait_for_selector("#naqsha-detail h2")
    assert page.locator("#naqsha-detail h2").inner_text().startswith("Kabul")
    assert page.evaluate("location.hash") == "#date=2021-08-15&unit=AF0101"
    page.locator(".naqsha-detail-close").click()
    assert page.evaluate("location.hash") == "#date=2021-08-15"


def test_play_runs_to_the_end_and_pause_stops_it(site, page):
    open_site(page, site, "#date=2021-09-20")
    wait_for_date(page, "2021-09-20")
    page.locator("#naqsha-play").click()
    wait_for_date(page, "2021-09-30")
    page.wait_for_function("document.getElementById('naqsha-play').textContent.includes('Play')")
    page.locator("#naqsha-play").click()  # at the end, Play starts again from the first date
    page.locator("#naqsha-play").click()
    shown = page.locator("#naqsha-date").inner_text()
    page.wait_for_timeout(600)
    assert page.locator("#naqsha-date").inner_text() == shown
    assert shown < "2021-05-10"


def test_a_link_it_cannot_follow_says_so(site, page):
    open_site(page, site, "#date=2030-01-01&unit=XX99")
    wait_for_date(page, "2021-09-04")  # the site's opening date: the package's period.opens
    notice = page.locator("#naqsha-notice").inner_text()
    assert "not in the data (2021-05-01 to 2021-09-30); showing 2021-09-04" in notice
    assert "unit is not in the data" in notice


def test_event_popups_carry_their_source(site, page):
    open_site(page, site, "#date=2021-08-15")
    wait_for_date(page, "2021-08-15")
    page.wait_for_selector("body[data-naqsha-events]", state="attached")
    assert page.locator(".naqsha-ev").count() > 0
    page.screenshot(path=ARTIFACTS / "site-2021-08-15.png")


def test_a_unit_is_selected_from_the_keyboard(site, page):
    open_site(page, site, "#date=2021-08-15")
    wait_for_date(page, "2021-08-15")
    shape = page.locator("path.naqsha-u-AF01")
    assert shape.get_attribute("aria-label") == "Kabul, Taliban since 2021-08-15"
    shape.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#naqsha-detail h2")
    assert page.locator("#naqsha-detail h2").inner_text().startswith("Kabul")
