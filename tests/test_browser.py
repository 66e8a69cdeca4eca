"""The dashboard in a real Chromium against a real ``streamlit run``, with the internet blocked."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import SHARED_BOUNDARIES

from dashboard.data import load_dataset
from dashboard.detail import summary_counts
from dashboard.mapview.pruning import HASHED_NAME
from dashboard.style import STATUS_STYLES
from dashboard.timeline import Timeline
from dashboard.ui.controls import DATE_SLIDER
from harness.browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_FRAME,
    NO_INTERNET_ARGS,
    ROOT,
    block_internet,
    browser_tests_or_skip,
    free_port,
    map_document,
    map_frame,
    message_type,
    record_requests_off_localhost,
    server_log,
    start_streamlit,
    stop,
    streamlit_server,
    wait_for_date,
    wait_healthy,
)

pytestmark = pytest.mark.browser

sync_api = browser_tests_or_skip()
expect = sync_api.expect


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, reduced_motion="reduce")
    page = context.new_page()
    page.blocked = block_internet(page)
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        page.screenshot(path=ARTIFACTS / f"{request.node.name}-FAILED.png", full_page=True)
    context.close()


def snap(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def address(page) -> str:
    """The page's address now. The map writes it with ``history.replaceState`` from its frame,
    which Playwright's ``page.url`` may report one write late."""
    return page.evaluate("location.href")


def fill_of(page, unit: str) -> str:
    return map_frame(page).locator(f"path.naqsha-u-{unit}").get_attribute("fill")


def click_unit(page, unit: str, zoom: int = 8) -> None:
    """Zoom to the unit as a user would, then click well inside it (not on a marker)."""
    frame = map_document(page)
    frame.evaluate(
        """([unit, zoom]) => {
            const layer = Naqsha.layers.find(l => l.feature.properties.unit === unit);
            window.map.setView(layer.getBounds().getCenter(), zoom, {animate: false});
        }""",
        [unit, zoom],
    )
    page.wait_for_timeout(300)
    point = frame.evaluate(
        """(unit) => {
            const inside = (x, y) => {
                const hit = document.elementFromPoint(x, y);
                return hit && (hit.getAttribute('class') || '').includes('naqsha-u-' + unit);
            };
            const box = document.querySelector('path.naqsha-u-' + unit).getBoundingClientRect();
            let best = null, score = -1;
            for (let i = 1; i < 16; i++) for (let j = 1; j < 16; j++) {
                const x = box.left + box.width * i / 16, y = box.top + box.height * j / 16;
                if (!inside(x, y)) continue;
                let s = 0;
                for (const d of [-8, 8]) s += inside(x + d, y) + inside(x, y + d);
                if (s > score) { best = [x, y]; score = s; }
            }
            return best;
        }""",
        unit,
    )
    assert point, f"no visible point of {unit}"
    frame_box = page.locator(MAP_FRAME).bounding_box()  # the viewport is tall enough not to scroll
    page.mouse.click(frame_box["x"] + point[0], frame_box["y"] + point[1])


def assert_clean(page) -> None:
    assert not page.errors, page.errors
    assert "Traceback" not in page.inner_text("body")


def test_the_server_prepared_the_data_before_it_listened(server):
    log = server_log(server).read_text(encoding="utf-8")
    ready = log.index("432 units, 165 events ready in")
    assert ready < log.index("You can now view your Streamlit app")


def test_streamlits_slider_carries_the_date_the_map_reads(server, page):
    # host.js reads the date from this element; if Streamlit changes its slider's DOM, the map
    # would only follow the server's steps, and this test says so.
    page.goto(f"{server}/?date=2021-08-15")
    wait_for_date(page, "2021-08-15")
    slider = page.locator(DATE_SLIDER)
    assert slider.count() == 1
    assert slider.get_attribute("aria-valuetext") == "2021-08-15"


def test_the_map_comes_first_and_loads_the_rest_of_the_page_itself(server, page):
    """A page's first run draws the title, date controls and map; once drawn, the map presses
    the sidebar's button that loads the rest, and stays the same map (no second frame)."""
    frames = []
    page.on("framenavigated", lambda f: "st_folium" in f.url and frames.append(f.url))
    page.goto(f"{server}/?date=2021-08-15&unit=AF08")
    wait_for_date(page, "2021-08-15")  # waits for the panels too
    expect(page.get_by_role("button", name="Loading the filters and panels…")).to_have_count(0)
    expect(page.get_by_text("Show events from")).to_be_visible()  # the sidebar's filters
    expect(page.locator(".st-key-speed")).to_be_visible()  # the row's menus
    assert len(frames) == 1
    assert map_frame(page).locator("body").get_attribute("data-naqsha-selected") == "AF08"
    assert not page.errors


def test_a_province_is_named_and_selected_from_the_keyboard(server, page):
    page.goto(f"{server}/?date=2021-09-10")
    wait_for_date(page, "2021-09-10")
    shape = map_frame(page).locator("path.naqsha-u-AF08")
    assert shape.get_attribute("aria-label") == "Panjshir, Taliban since 2021-09-06"
    assert (shape.get_attribute("role"), shape.get_attribute("tabindex")) == ("button", "0")
    district = map_frame(page).locator("path.naqsha-u-AF0801")
    assert district.get_attribute("tabindex") == "-1"  # reached from its province
    shape.focus()
    page.keyboard.press("Enter")
    expect(map_frame(page).locator("body[data-naqsha-selected='AF08']")).to_be_attached(
        timeout=20_000
    )
    expect(page.get_by_role("heading", name="Panjshir")).to_be_visible()


def test_map_renders_34_provinces_offline(server, page):
    page.goto(f"{server}/?date=2021-09-04")
    wait_for_date(page, "2021-09-04")
    assert map_frame(page).locator("path.naqsha-province").count() == 34
    assert map_frame(page).locator(".naqsha-legend").is_visible()
    snap(page, "1-map-2021-09-04")
    assert_clean(page)


def test_every_district_is_drawn_with_province_labels_on_1_july(server, page):
    page.goto(f"{server}/?date=2021-07-01")
    wait_for_date(page, "2021-07-01")
    frame = map_frame(page)
    filled = map_document(page).evaluate(
        """() => [...document.querySelectorAll('path.naqsha-district')]
            .filter(p => (p.getAttribute('fill') || 'none') !== 'none').length"""
    )
    assert filled == 398
    # Provinces are outlines above their districts.
    assert frame.locator("path.naqsha-province").first.get_attribute("fill") == "none"
    labels = frame.locator(".naqsha-label-province")
    assert labels.count() == 34
    assert labels.filter(has_text="Panjshir").locator("span").is_visible()
    assert frame.locator(".naqsha-label-district").count() == 0  # not at country zoom
    snap(page, "15-districts-2021-07-01")
    assert_clean(page)


def test_a_shared_link_to_panjshir_zooms_to_it(server, page):
    page.goto(f"{server}/?date=2021-09-04&unit=AF08")
    wait_for_date(page, "2021-09-04")
    frame = map_frame(page)
    share = """() => {
        const map = document.querySelector('.leaflet-container').getBoundingClientRect();
        const unit = document.querySelector('path.naqsha-u-AF08').getBoundingClientRect();
        return Math.max(unit.width / map.width, unit.height / map.height);
    }"""
    map_document(page).wait_for_function(f"({share})() > 0.6", timeout=20_000)
    assert frame.locator(".naqsha-label-district span", has_text="Paryan").is_visible()
    snap(page, "16-panjshir-zoomed-2021-09-04")
    assert_clean(page)


def test_a_link_can_carry_the_view_and_the_map_keeps_it_in_the_address(server, page):
    page.goto(f"{server}/?date=2021-09-04&unit=AF08&view=35.5,69.4,10")
    wait_for_date(page, "2021-09-04")
    frame = map_document(page)
    frame.wait_for_function("() => Naqsha.layers && window.map.getZoom() === 10", timeout=20_000)
    centre = frame.evaluate("() => [window.map.getCenter().lat, window.map.getCenter().lng]")
    assert abs(centre[0] - 35.5) < 0.01 and abs(centre[1] - 69.4) < 0.01
    frame.evaluate("() => window.map.setView([35.0, 69.0], 8, {animate: false})")
    wait_until(page, lambda: "view=35.0000%2C69.0000%2C8" in address(page), 10)


def test_scrubbing_to_15_august_turns_kabul_taliban(server, page):
    page.goto(f"{server}/?date=2021-08-14")
    wait_for_date(page, "2021-08-14")
    before = fill_of(page, "AF0101")
    snap(page, "2-kabul-2021-08-14")
    page.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    wait_for_date(page, "2021-08-15")
    after = fill_of(page, "AF0101")
    assert before == "#0072B2" and after == "#D55E00", (before, after)
    assert "date=2021-08-15" in address(page)
    snap(page, "3-kabul-2021-08-15")
    assert_clean(page)


def unit_styles_shown(page) -> dict[str, list]:
    """Every unit's drawn fill, stroke and visibility, by unit class."""
    return (
        map_frame(page)
        .locator("path.naqsha-unit")
        .evaluate_all(
            """paths => Object.fromEntries(paths.map(p => [
            [...p.classList].find(c => c.startsWith('naqsha-u-')),
            [p.getAttribute('fill'), p.getAttribute('stroke'), p.style.pointerEvents],
        ]))"""
        )
    )


def slider_date(page) -> str:
    return page.locator(".st-key-date input[type='range']").get_attribute("aria-valuetext")


def test_the_map_follows_the_slider_while_it_is_dragged(server, page):
    """The slider reruns the app only on release; the map restyles from its style track before."""
    page.goto(f"{server}/?date=2021-08-10")
    wait_for_date(page, "2021-08-10")
    assert fill_of(page, "AF0101") == "#0072B2"
    thumb = page.locator(".st-key-date [data-testid='stSliderThumbValue']").locator("..")
    box = thumb.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for dx in range(4, 200, 4):
        page.mouse.move(x + dx, y)
        if slider_date(page) >= "2021-08-16":
            break
    day = slider_date(page)
    body = map_frame(page).locator(f"body[data-naqsha-date='{day}']")
    body.wait_for(timeout=10_000)
    assert body.get_attribute("data-naqsha-state") == "2021-08-10"  # no rerun yet
    assert fill_of(page, "AF0101") == "#D55E00"  # Kabul fell on 15 August
    predicted = unit_styles_shown(page)
    snap(page, "3b-dragging-past-15-august")
    page.mouse.up()
    wait_for_date(page, day)  # released: the server's step confirms the same styles
    assert unit_styles_shown(page) == predicted
    assert f"date={day}" in address(page)
    assert_clean(page)


PANJSHIR_SOURCE = (
    "https://www.hindustantimes.com/world-news/"
    "about-600-taliban-killed-in-afghanistan-s-panjshir-claim-resistance-forces-101630800164017.html"
)


def test_clicking_panjshir_opens_its_detail_with_districts_and_sources(server, page):
    page.goto(f"{server}/?date=2021-09-04")
    wait_for_date(page, "2021-09-04")
    click_unit(page, "AF08")
    heading = page.get_by_role("heading", name="Panjshir")
    heading.wait_for(timeout=30_000)
    for part in ("Partial", "Districts", "History"):
        expect(page.locator("body")).to_contain_text(part, timeout=30_000)
    assert "unit=AF08" in address(page)
    districts = page.locator("[data-testid='stDataFrame']:visible").first
    districts.wait_for()
    snap(page, "4-panjshir-detail")
    # The status line's source (the most recent district record, Anaba's) is a link that opens
    # in a new tab.
    source = page.locator("[data-testid='stMarkdownContainer'] a").filter(
        has_text="Hindustan Times — About 600 Taliban killed"
    )
    expect(source.first).to_have_attribute("href", PANJSHIR_SOURCE)
    expect(source.first).to_have_attribute("target", "_blank")
    assert_clean(page)


def test_shared_link_restores_the_view(server, page):
    page.goto(f"{server}/?date=2021-08-15&unit=AF01")
    wait_for_date(page, "2021-08-15")
    page.get_by_role("heading", name="Kabul").wait_for(timeout=30_000)
    assert map_frame(page).locator("body[data-naqsha-selected='AF01']").count() == 1
    snap(page, "5-shared-link-kabul")
    assert_clean(page)


def test_a_restarted_server_keeps_the_date_the_page_shows(page):
    """The page reconnects to a restarted server with the address it was first loaded from; the
    new session must carry on from the slider's date, not jump back to that address's date."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    finished = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: finished.append(frame)))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(ARTIFACTS / "restarted-server.log", "w") as log:
        process = start_streamlit("dashboard/app.py", port, None, log)
        try:
            wait_healthy(url, process, 90)
            page.goto(f"{url}/?date=2021-08-10")
            wait_for_date(page, "2021-08-10")
            slider = page.get_by_role("slider", name="Date")
            slider.focus()
            for day in ("2021-08-11", "2021-08-12"):
                page.keyboard.press("ArrowRight")
                wait_for_date(page, day)
            stop(process)
            finished.clear()
            process = start_streamlit("dashboard/app.py", port, None, log)
            wait_healthy(url, process, 90)
            # The page reconnects and the new session runs the script once by itself.
            wait_until(
                page, lambda: any(message_type(f) == "script_finished" for f in finished), 60
            )
            page.wait_for_timeout(500)
            assert (
                map_frame(page).locator("body").get_attribute("data-naqsha-state") == "2021-08-12"
            )
            assert slider.get_attribute("aria-valuetext") == "2021-08-12"
            slider.focus()
            page.keyboard.press("ArrowRight")
            wait_for_date(page, "2021-08-13")
            assert "date=2021-08-13" in address(page)
        finally:
            stop(process)


def wait_until(page, condition, timeout_s: float) -> None:
    """Wait for a condition on Playwright's events (which arrive only while Playwright waits)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(100)


def test_the_map_draws_in_a_browser_without_decompression_stream(server, browser):
    """The geometry is served gzipped; a browser that cannot unpack it reads the plain copy."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    context.add_init_script("delete window.DecompressionStream;")
    page = context.new_page()
    block_internet(page)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{server}/?date=2021-09-04")
    wait_for_date(page, "2021-09-04")
    assert map_frame(page).locator("path.naqsha-province").count() == 34
    geometry = [url for url in fetched if "/data/geometry-" in url]
    assert any(url.endswith(".json") for url in geometry), geometry
    context.close()


def test_nothing_was_fetched_from_the_internet(server, page):
    page.goto(f"{server}/?date=2021-09-04")
    wait_for_date(page, "2021-09-04")
    assert page.blocked == [], page.blocked


def test_the_benchmarks_proxy_setting_keeps_localhost_and_blocks_other_hosts(server, browser):
    """The benchmarks block the internet with NO_INTERNET_ARGS rather than by interception."""
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + NO_INTERNET_ARGS
    )
    try:
        page = chromium.new_page()
        off_localhost = record_requests_off_localhost(page)
        failures = []
        page.on("requestfailed", lambda request: failures.append(request.failure))
        page.goto(f"{server}/?date=2021-09-04")
        wait_for_date(page, "2021-09-04")
        assert map_frame(page).locator("path.naqsha-province").count() == 34
        assert off_localhost == []
        outcome = page.evaluate(
            "() => fetch('https://pypi.org/simple/', {mode: 'no-cors'}).then(() => 'loaded', () => 'failed')"
        )
    finally:
        chromium.close()
    assert outcome == "failed"
    assert off_localhost == ["https://pypi.org/simple/"]
    # Failed at the (closed) proxy, not for want of a network: the setting did it.
    assert "net::ERR_PROXY_CONNECTION_FAILED" in failures


FIXTURES = ROOT / "tests" / "fixtures"


def upload(page, path: Path) -> None:
    page.get_by_text("Add your own data (this session only)").click()
    page.locator("input[type='file']").first.set_input_files(str(path))


def test_hostile_text_in_an_acled_upload_stays_plain_text(server, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{server}/?date=2021-09-04")
    wait_for_date(page, "2021-09-04")
    upload(page, FIXTURES / "xss" / "acled_xss.csv")
    page.get_by_text("2 event(s) placed by their coordinates").wait_for(timeout=30_000)
    frame = map_document(page)
    frame.wait_for_function(
        """() => Naqsha.eventLayer.getLayers().some(
            m => m.getPopup()._content(m).textContent.includes('<script>'))""",
        timeout=30_000,
    )
    # Open every event's popup content as a user would, inside the map page.
    texts = frame.evaluate(
        """() => {
            const out = [];
            Naqsha.eventLayer.getLayers().forEach(marker => {
                const box = marker.getPopup()._content(marker);
                document.body.appendChild(box);
                out.push(box.textContent);
            });
            return out;
        }"""
    )
    page.wait_for_timeout(500)
    joined = " ".join(texts)
    assert (
        "<script>alert('notes')</script>" in joined
        and "<img src=x onerror=alert('location')>" in joined
    )
    assert frame.locator("img[src='x'], svg[onload], b[onmouseover]").count() == 0
    assert frame.locator("a[href^='javascript']").count() == 0
    assert page.locator("img[src='x'], svg[onload], a[href^='javascript']").count() == 0
    snap(page, "6-xss-upload-inert")
    assert dialogs == []
    assert_clean(page)


def test_a_bad_upload_is_explained_and_the_map_keeps_its_data(server, page):
    page.goto(f"{server}/?date=2021-09-04")
    wait_for_date(page, "2021-09-04")
    upload(page, FIXTURES / "bad" / "acled_cp1252.csv")
    page.get_by_text("That file was not loaded; your other data is unchanged.").wait_for(
        timeout=30_000
    )
    # The problems are a second element (a code block) that can render a moment after the heading.
    expect(page.locator("body")).to_contain_text("is not UTF-8", timeout=30_000)
    assert map_frame(page).locator("path.naqsha-province").count() == 34
    snap(page, "7-bad-upload-explained")
    assert_clean(page)


def test_hostile_names_in_a_data_directory_are_escaped(tmp_path_factory, browser):
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(FIXTURES / "tiny", data)
    units = data / "units.csv"
    units.write_text(
        units.read_text(encoding="utf-8").replace(
            "Alpha,آلفا", '"<img src=x onerror=alert(1)>",<script>alert(2)</script>'
        ),
        encoding="utf-8",
    )
    (data / "datapackage.json").write_text(
        json.dumps(
            {
                "title": "<b onmouseover=alert(3)>Title</b> *not bold*",
                "version": "[x](javascript:alert(4))",
                "boundary_set": {
                    "name": "<img src=x onerror=alert(5)>",
                    "licence": "$x$ :red[y]",
                    "source": "javascript:alert(6)",
                },
            }
        ),
        encoding="utf-8",
    )
    events = data / "events.csv"
    events.write_text(
        "".join(
            line
            for line in events.read_text(encoding="utf-8").splitlines(keepends=True)
            if ",Alpha," not in line
        ),
        encoding="utf-8",
    )
    page = browser.new_context(viewport={"width": 1400, "height": 1600}).new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    block_internet(page)
    with streamlit_server(env={"NAQSHA_DATA": str(data)}) as url:
        page.goto(f"{url}/?date=2021-09-04&unit=AF01")
        wait_for_date(page, "2021-09-04")
        page.get_by_text("<img src=x onerror=alert(1)>").first.wait_for(timeout=30_000)
        map_frame(page).locator("path.naqsha-u-AF01").hover()
        page.wait_for_timeout(500)
        assert "<img src=x onerror=alert(1)>" in map_frame(page).locator(".naqsha-tip").inner_text()
        assert (
            page.locator("img[src='x']").count() == 0
            and map_frame(page).locator("img[src='x']").count() == 0
        )
        sidebar = page.get_by_test_id("stSidebar")
        assert "<b onmouseover=alert(3)>Title</b> *not bold*" in sidebar.inner_text()
        assert "Boundaries: <img src=x onerror=alert(5)> ($x$ :red[y]). javascript:alert(6)" in (
            sidebar.inner_text()
        )
        assert sidebar.locator("a[href^='javascript'], b[onmouseover]").count() == 0
        snap(page, "8-hostile-names-escaped")
    assert dialogs == []
    page.context.close()


def test_playback_runs_to_the_end_of_the_data(server, page):
    page.goto(f"{server}/?date=2021-09-26")
    wait_for_date(page, "2021-09-26")
    # Every date the server's steps bring to the map, recorded in the page as they arrive, so
    # that a busy machine cannot make the test miss a short-lived date.
    map_document(page).evaluate(
        """() => {
            window.__seen = [document.body.getAttribute('data-naqsha-state')];
            new MutationObserver(() => {
                const day = document.body.getAttribute('data-naqsha-state');
                if (window.__seen[window.__seen.length - 1] !== day) window.__seen.push(day);
            }).observe(document.body, {attributes: true, attributeFilter: ['data-naqsha-state']});
        }"""
    )
    page.get_by_role("button", name="▶ Play").click()
    map_frame(page).locator("body[data-naqsha-state='2021-09-28']").wait_for(
        state="attached", timeout=60_000
    )
    snap(page, "9-playback-running")
    wait_for_date(page, "2021-09-30")
    page.get_by_role("button", name="▶ Play").wait_for(timeout=30_000)  # stopped by itself
    # One day per step, none skipped, and no step past the end.
    assert map_document(page).evaluate("window.__seen") == [
        "2021-09-26", "2021-09-27", "2021-09-28", "2021-09-29", "2021-09-30",
    ]  # fmt: skip
    assert "date=2021-09-30" in address(page)
    assert_clean(page)


def test_changes_between_dates_download_as_csv(server, page):
    page.goto(f"{server}/?date=2021-08-15")
    wait_for_date(page, "2021-08-15")
    page.get_by_text("Changes between dates", exact=True).click()
    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").get_by_role(
            "button", name="Download as CSV"
        ).click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    # The same layout as `python -m dashboard changes`.
    assert text.startswith("date,unit,name,level,from_status,to_status,confidence,source_url\n")
    assert "2021-08-15,AF01,Kabul,province,government,taliban" in text
    snap(page, "10-changes-between-dates")
    assert_clean(page)


def test_clicking_the_chart_moves_the_date(server, page):
    page.goto(f"{server}/?date=2021-09-04")
    wait_for_date(page, "2021-09-04")
    page.get_by_text("Over time", exact=True).click()
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    box = chart.bounding_box()
    # Well above the published points (which link to their sources), where only lines run.
    page.mouse.click(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.3)
    page.wait_for_function(
        "() => !window.location.search.includes('date=2021-09-04')", timeout=30_000
    )
    day = address(page).split("date=")[1][:10]
    assert "2021-05-01" <= day < "2021-09-04"
    wait_for_date(page, day)
    snap(page, "11-over-time-chart")
    assert_clean(page)


def test_export_the_view_as_offline_html(server, page):
    page.goto(f"{server}/?date=2021-09-04&unit=AF08")
    wait_for_date(page, "2021-09-04")
    page.get_by_text("Export & cite", exact=True).click()
    page.get_by_role("button", name="Prepare downloads of this view").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Map as standalone HTML (works offline)").click()
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Naqsha.update(" in html
    assert not re.search(
        r"<(script|img|link|iframe)[^>]+(src|href)=\"https?:", html
    )  # loads nothing
    expect(page.locator("body")).to_contain_text("Cite this view", timeout=30_000)
    snap(page, "12-export-and-cite")
    assert_clean(page)


def test_acled_upload_lists_suggested_control_changes(server, page):
    page.goto(f"{server}/?date=2021-09-04")
    wait_for_date(page, "2021-09-04")
    upload(page, FIXTURES / "acled" / "acled_2023_layout.csv")
    # Seven territorial events in the fixture; one (an unidentified armed group's) is skipped.
    page.get_by_text("6 suggested control change(s) from ACLED territorial events").wait_for(
        timeout=30_000
    )
    page.get_by_test_id("stDownloadButton").get_by_role(
        "button", name="Suggested control changes (CSV)"
    ).wait_for(timeout=30_000)
    snap(page, "13-acled-upload-suggestions")
    assert_clean(page)


def test_an_uploads_file_name_never_chooses_where_it_is_written(server, page, tmp_path):
    """Replays the page's own upload request with a ``../`` file name aimed at a directory of
    the test's: the server must write nothing there, nor leave any upload behind."""
    target = tmp_path / "written-by-upload.geojson"
    hostile = "../" * 12 + str(target).lstrip("/")
    temp_root = Path(os.environ.get("TMPDIR", "/tmp"))
    before = {p.name for p in temp_root.glob("naqsha-boundaries-*")}
    static_before = set((ROOT / "dashboard" / "static").rglob("*"))
    rewritten = []

    def rename(route):
        body = route.request.post_data_buffer or b""
        changed = re.sub(rb'filename="[^"]*"', f'filename="{hostile}"'.encode(), body)
        rewritten.append(changed != body)
        route.continue_(post_data=changed)

    page.route("**/_stcore/upload_file/**", rename)
    page.goto(f"{server}/?date=2021-09-04")
    wait_for_date(page, "2021-09-04")
    page.get_by_text("Add your own data (this session only)").click()
    page.locator("input[type='file']").nth(1).set_input_files(
        {"name": "provinces.geojson", "mimeType": "application/json", "buffer": b'{"a": 1}'}
    )
    page.get_by_role("button", name="Use these boundaries").click()
    expect(page.get_by_text("That file was not loaded")).to_be_visible(timeout=30_000)
    assert rewritten and all(rewritten)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    # The refused upload's work directory is gone, and the static folder gained nothing.
    assert {p.name for p in temp_root.glob("naqsha-boundaries-*")} <= before
    # (Content-hashed files the app itself may write meanwhile, such as an event chunk for
    # another session, are not the upload's.)
    gained = set((ROOT / "dashboard" / "static").rglob("*")) - static_before
    assert {p for p in gained if not HASHED_NAME.match(p.name)} == set(), gained
    # The message names the file as the sender called it, as text.
    # (expect retries: the code block's text appears once its highlighter has loaded)
    expect(page.locator("[data-testid='stSidebar'] [data-testid='stCode']")).to_contain_text(
        "written-by-upload.geojson", timeout=30_000
    )


def use_official_boundaries(page, server: str) -> None:
    """Open the dashboard on 4 Sep 2021 and upload the OCHA COD-AB boundaries (skip if absent)."""
    if not SHARED_BOUNDARIES.is_dir():
        pytest.skip(
            f"the OCHA COD-AB test fixture is not at {SHARED_BOUNDARIES} (it is never copied into the repo)"
        )
    page.goto(f"{server}/?date=2021-09-04")
    wait_for_date(page, "2021-09-04")
    page.get_by_text("Add your own data (this session only)").click()
    inputs = page.locator("input[type='file']")
    inputs.nth(1).set_input_files(str(SHARED_BOUNDARIES / "afg_admbnda_adm1_agcho_20180522.zip"))
    inputs.nth(2).set_input_files(str(SHARED_BOUNDARIES / "afg_admbnda_adm2_agcho_20180522.zip"))
    page.get_by_role("button", name="Use these boundaries").click()
    map_frame(page).locator("path.naqsha-district").nth(398).wait_for(
        state="attached", timeout=120_000
    )


def test_official_boundaries_upload_draws_every_district(server, page):
    use_official_boundaries(page, server)
    # expect() retries: the map's frame may still be replacing itself after the upload's rerun.
    expect(map_frame(page).locator("path.naqsha-district")).to_have_count(399, timeout=60_000)
    wait_for_date(page, "2021-09-04")
    # Bazarak: resistance, medium confidence, no claim: the plain resistance colour.
    expect(map_frame(page).locator("path.naqsha-u-AF0801")).to_have_attribute(
        "fill", "#009E73", timeout=30_000
    )
    assert "OCHA COD-AB" in page.inner_text("[data-testid='stSidebar']")
    snap(page, "14-official-boundaries")
    assert_clean(page)


def test_scrubbing_back_and_forth_never_relies_on_the_browsers_message_cache(server, page):
    """Streamlit may send a large element as a reference to the browser's cached copy, which
    quick fragment reruns can have dropped ("Connection error: Cached ForwardMsg MISS", fatal
    for the page). The 399 districts make the map's element large; revisiting dates repeats it."""
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(frame)))
    use_official_boundaries(page, server)
    wait_for_date(page, "2021-09-04")
    slider = page.get_by_role("slider", name="Date")
    for key, day in [("ArrowLeft", "2021-08-25"), ("ArrowRight", "2021-09-04")] * 3:
        slider.focus()
        for _ in range(10):
            page.keyboard.press(key)
            page.wait_for_timeout(30)
        wait_for_date(page, day)
    assert max(len(f) for f in frames) > 10_000  # the size Streamlit would cache by default
    types = [message_type(f) for f in frames]
    assert None not in types  # every frame decodes, so the check below means something
    assert "ref_hash" not in types and "delta" in types
    assert page.locator("[role=dialog]").count() == 0
    assert_clean(page)


def counter_cells(page):
    return page.locator(".st-key-counters td")


def test_controls_fit_and_nothing_moves_between_dates(server, page):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{server}/?date=2021-08-01")
    wait_for_date(page, "2021-08-01")
    for name in ("◀ Previous change", "Next change ▶", "Key dates"):
        label = page.get_by_role("button", name=name).locator("p")
        assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), name  # not cut with "…"
    # The map comes first: the controls, the slider and the whole map on the first screen, the
    # map as tall as the window allows.
    frame = page.locator(MAP_FRAME).bounding_box()
    assert 1000 - 60 <= frame["y"] + frame["height"] <= 1000, frame
    assert page.get_by_role("slider", name="Date").bounding_box()["y"] < frame["y"]
    cells = counter_cells(page)
    before = [cells.nth(i).bounding_box() for i in range(cells.count())]
    assert len(before) == 6 * 3  # every status, provinces and districts, zeros included
    slider = page.get_by_role("slider", name="Date")
    slider.focus()
    for _ in range(15):  # to 16 Aug: other statuses, other counts, the same places
        page.keyboard.press("ArrowRight")
    wait_for_date(page, "2021-08-16")
    assert [cells.nth(i).bounding_box() for i in range(cells.count())] == before
    assert page.locator(MAP_FRAME).bounding_box()["y"] == frame["y"]
    assert_clean(page)


def test_pause_stops_on_the_date_the_reader_sees_and_counters_stay_right(server, page):
    page.goto(f"{server}/?date=2021-08-08")
    wait_for_date(page, "2021-08-08")
    map_top = page.locator(MAP_FRAME).bounding_box()["y"]
    # The date the map shows at the moment the reader presses Pause.
    page.evaluate(
        """() => document.addEventListener('mousedown', () => {
            const frame = document.querySelector("iframe[title='streamlit_folium.st_folium']");
            window.__pausedAt = frame.contentDocument.body.getAttribute('data-naqsha-date');
        }, true)"""
    )
    page.get_by_role("button", name="▶ Play").click()
    map_document(page).wait_for_function(
        "document.body.getAttribute('data-naqsha-state') >= '2021-08-11'", timeout=60_000
    )
    # While playing, the counters are one table of six statuses and the map stays in place.
    assert counter_cells(page).count() == 6 * 3
    assert page.locator(MAP_FRAME).bounding_box()["y"] == map_top
    page.get_by_role("button", name="⏸ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for(timeout=30_000)
    paused_at = page.evaluate("window.__pausedAt")
    page.wait_for_timeout(2000)  # long enough for a step that should not come
    shown = (
        page.locator(DATE_SLIDER).get_attribute("aria-valuetext"),
        map_frame(page).locator("body").get_attribute("data-naqsha-state"),
    )
    assert shown == (paused_at, paused_at), shown
    # The counters are those of that date (python -m dashboard status gives the same).
    expected = status_counts(paused_at)
    cells = [counter_cells(page).nth(i).inner_text() for i in range(counter_cells(page).count())]
    shown = {cells[i]: int(cells[i + 1]) for i in range(0, len(cells), 3)}
    assert shown == expected, (paused_at, shown, expected)
    assert_clean(page)


def status_counts(day: str) -> dict[str, int]:
    """Provinces per status label on ``day``, from the timeline the CLI uses."""
    timeline = Timeline.from_dataset(load_dataset(ROOT / "geodata"))
    counts = summary_counts(
        timeline.state_on(date.fromisoformat(day)), timeline.vocabulary.statuses
    )
    return {STATUS_STYLES[status].label: n for status, n in counts.items()}


def test_a_phone_shows_the_map_and_date_first_and_a_tap_leads_to_the_detail(server, browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    block_internet(page)
    page.goto(f"{server}/?date=2021-09-04")
    wait_for_date(page, "2021-09-04")
    # The first screen holds the date and a good part of the map (the map's height follows
    # the controls that the rest of the page adds above it).
    page.wait_for_function(
        "(css) => document.querySelector(css).getBoundingClientRect().bottom <= innerHeight",
        arg=MAP_FRAME,
    )
    slider = page.get_by_role("slider", name="Date").bounding_box()
    frame = page.locator(MAP_FRAME).bounding_box()
    assert slider["y"] + slider["height"] < 844
    assert frame["y"] + frame["height"] <= 844 and frame["height"] >= 350, frame
    document = map_document(page)
    legend = map_frame(page).locator(".naqsha-legend-toggle")
    assert legend.get_attribute("aria-expanded") == "false"  # folded: it would hide half the map
    x, y = document.evaluate(
        """() => {
            const layer = Naqsha.layers.find(l => l.feature.properties.name_en === "Ghor");
            const p = window.map.latLngToContainerPoint(layer.getCenter());
            const r = window.map.getContainer().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }"""
    )
    page.touchscreen.tap(frame["x"] + x, frame["y"] + y)
    map_frame(page).locator("body[data-naqsha-selected='AF23']").wait_for(
        state="attached", timeout=60_000
    )
    page.wait_for_timeout(500)
    # No tooltip left over the map; the tapped province is named on it, with the way down.
    assert map_frame(page).locator(".leaflet-tooltip").count() == 0
    box = map_frame(page).locator(".naqsha-selection")
    expect(box).to_contain_text("Ghor")
    page.screenshot(path=ARTIFACTS / "17-phone-after-a-tap.png")  # the first screen
    box.get_by_role("button", name="Detail", exact=True).click()
    heading = page.get_by_role("heading", name="Ghor")
    expect(heading).to_be_in_viewport()
    assert heading.bounding_box()["y"] >= 0
    context.close()


def test_a_link_it_cannot_follow_says_so(server, page):
    page.goto(f"{server}/?date=2030-01-01&unit=af08")
    wait_for_date(page, "2021-09-30")
    expect(page.get_by_text("The link's date 2030-01-01 is outside the data")).to_be_visible()
    # A code in lower case is still understood: Panjshir is open, and no notice says otherwise.
    page.get_by_role("heading", name="Panjshir").wait_for(timeout=30_000)
    assert page.get_by_text("is not a province or district code").count() == 0
    assert_clean(page)


def test_legend_folds_and_popups_unfold_their_notes(server, page):
    page.goto(f"{server}/?date=2021-08-26")
    wait_for_date(page, "2021-08-26")
    frame = map_frame(page)
    legend = frame.locator(".naqsha-legend")
    expect(legend).to_contain_text("Civilians")  # marker names, no hovering
    legend.locator(".naqsha-legend-toggle").click()
    expect(legend.locator(".naqsha-legend-body")).to_be_hidden()
    legend.locator(".naqsha-legend-toggle").click()
    expect(legend.locator(".naqsha-legend-body")).to_be_visible()
    # Clusters are black and white, not in the status colours.
    cluster = frame.locator(".marker-cluster div").first
    cluster.wait_for(timeout=30_000)
    assert cluster.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(51, 51, 51)"
    map_document(page).evaluate(
        """() => new Promise(done => {
            const marker = Naqsha.eventLayer.getLayers()[0];
            Naqsha.eventLayer.zoomToShowLayer(marker, () => { marker.openPopup(); done(); });
        })"""
    )
    notes = frame.locator(".leaflet-popup .naqsha-notes")
    expect(notes).to_have_class(re.compile("naqsha-notes-folded"))
    folded = notes.evaluate("e => e.clientHeight")
    frame.locator(".leaflet-popup .naqsha-more").click()
    expect(notes).not_to_have_class(re.compile("naqsha-notes-folded"))
    assert notes.evaluate("e => e.clientHeight") >= folded
    assert_clean(page)


def test_tooltips_are_wide_enough_to_read(server, page):
    page.goto(f"{server}/?date=2021-08-01")
    wait_for_date(page, "2021-08-01")
    frame = map_frame(page)
    # Hover the middle of Badghis's Qala-i-Naw district, away from the legend and markers.
    x, y, under = map_document(page).evaluate(
        """() => {
            const layer = Naqsha.layers.find(l => l.feature.properties.unit === "AF3101");
            const p = window.map.latLngToContainerPoint(layer.getCenter());
            const r = window.map.getContainer().getBoundingClientRect();
            const top = document.elementFromPoint(r.left + p.x, r.top + p.y);
            return [r.left + p.x, r.top + p.y, top.getAttribute("class")];
        }"""
    )
    assert "naqsha-unit" in under, under
    box = page.locator(MAP_FRAME).last.bounding_box()
    page.mouse.move(box["x"] + x - 5, box["y"] + y - 5)
    page.mouse.move(box["x"] + x, box["y"] + y, steps=3)
    tip = frame.locator(".leaflet-tooltip .naqsha-tip").filter(has_text="Qala-I- Naw")
    tip.wait_for(timeout=30_000)
    assert tip.bounding_box()["width"] >= 160  # a date and a status fit on their lines


def test_a_tooltip_that_reaches_the_legend_is_shown_above_it(server, page):
    page.goto(f"{server}/?date=2021-09-04&unit=AF08")
    wait_for_date(page, "2021-09-04")
    page.wait_for_timeout(500)  # the zoom to Panjshir
    document = map_document(page)
    # A point left of the legend, on a district: its tooltip opens to the right, over the legend.
    x, y = document.evaluate(
        """() => {
            const r = document.querySelector('.naqsha-legend').getBoundingClientRect();
            for (let dx = 20; dx < 200; dx += 10) {
                const hit = document.elementFromPoint(r.left - dx, r.top + 20);
                if (hit && (hit.getAttribute('class') || '').includes('naqsha-unit')) {
                    return [r.left - dx, r.top + 20];
                }
            }
            return [null, null];
        }"""
    )
    assert x is not None, "no unit left of the legend"
    box = page.locator(MAP_FRAME).last.bounding_box()
    page.mouse.move(box["x"] + x - 5, box["y"] + y)
    page.mouse.move(box["x"] + x, box["y"] + y, steps=3)
    frame = map_frame(page)
    frame.locator(".leaflet-tooltip").wait_for(timeout=30_000)
    legend = frame.locator(".naqsha-legend")
    overlap = document.evaluate(
        """() => {
            const a = document.querySelector('.leaflet-tooltip').getBoundingClientRect();
            const b = document.querySelector('.naqsha-legend').getBoundingClientRect();
            return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
        }"""
    )
    assert overlap  # the case this test is about
    expect(legend).to_have_class(re.compile("naqsha-legend-under"))
    assert float(legend.evaluate("e => getComputedStyle(e).opacity")) < 0.5
    page.mouse.move(box["x"] + 5, box["y"] + 5)  # away: the tooltip closes, the legend returns
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    expect(legend).not_to_have_class(re.compile("naqsha-legend-under"))
    assert_clean(page)
