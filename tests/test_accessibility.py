"""Accessibility in a real Chromium: axe-core on the dashboard and inside the map's frame (on a
desktop and on a phone), and the side panel's tables readable at 1400 × 1000.

axe's findings are saved to ``test-artifacts/accessibility/`` (every impact, for information);
the tests fail on a serious or critical one."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard.data import load_dataset
from dashboard.detail import changes_table, districts_table, history_table
from dashboard.timeline import Timeline
from dashboard.ui.tables import STATUS_PX, name_column
from harness.axe import EXCLUDED, audit, blocking, counts, keep
from harness.browser import (
    ARTIFACTS,
    ROOT,
    block_internet,
    browser_tests_or_skip,
    map_document,
    map_frame,
    wait_for_date,
)

pytestmark = pytest.mark.browser
sync_api = browser_tests_or_skip()
expect = sync_api.expect

DESKTOP = {"viewport": {"width": 1400, "height": 1000}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# Each panel beside the map, and a text that says it has been drawn.
PANELS = {
    "Detail": "Events within a week of",
    "Changes between dates": "Download as CSV",
    "Over time": "Click the chart to move the map",
    "Export & cite": "Cite this view",
}


@pytest.fixture
def opened(browser, server, request):
    """``opened(address, **context)``: a page of the dashboard at ``address`` once its map shows
    the address's date, in a new browser context (closed after the test)."""
    contexts = []

    def open_page(address: str, day: str, **context):
        contexts.append(browser.new_context(reduced_motion="reduce", **context))
        page = contexts[-1].new_page()
        block_internet(page)
        page.goto(f"{server}{address}")
        wait_for_date(page, day)
        return page

    yield open_page
    for context in contexts:
        if getattr(request.node, "rep_call", None) and request.node.rep_call.failed:
            context.pages[0].screenshot(path=ARTIFACTS / f"{request.node.name}-FAILED.png")
        context.close()


def assert_no_serious_violation(name: str, violations: list[dict]) -> None:
    """Save every violation; fail, listing them, if any is serious or critical."""
    path = keep(name, violations)
    serious = blocking(violations)
    assert not serious, (
        f"axe found serious or critical violations ({name}):\n{json.dumps(serious, indent=1)}\n"
        f"All violations, elements per (rule, impact, where), saved to {path}:\n"
        f"{dict(counts(violations))}"
    )


def open_popup_and_tooltip(page) -> None:
    """Open an event's popup with a folded note ("Show all") and Panjshir's tooltip."""
    map_document(page).evaluate(
        """() => new Promise(done => {
            const marker = Naqsha.eventLayer.getLayers().find(
                m => m.getPopup()._content(m).querySelector(".naqsha-more"));
            Naqsha.eventLayer.zoomToShowLayer(marker, () => { marker.openPopup(); done(); });
        })"""
    )
    expect(map_frame(page).locator(".leaflet-popup .naqsha-more")).to_be_visible()
    map_document(page).evaluate(
        """() => {
            const layer = Naqsha.layers.find(l => l.feature.properties.unit === "AF08");
            layer.openTooltip(layer.getCenter());
        }"""
    )
    expect(map_frame(page).locator(".naqsha-tip")).to_be_visible()


def test_axe_finds_nothing_serious_on_a_desktop(opened):
    page = opened("/?date=2021-09-04&unit=AF08", "2021-09-04", **DESKTOP)
    expect(map_frame(page).locator(".naqsha-legend-body")).to_be_visible()
    open_popup_and_tooltip(page)
    for panel, drawn in PANELS.items():
        page.locator("[data-testid='stRadio'] label").filter(has_text=panel).click()
        expect(page.get_by_text(drawn).first).to_be_visible(timeout=30_000)
        page.wait_for_timeout(500)  # charts and tables draw a moment after their text
        name = "desktop-" + panel.split()[0].lower()
        assert_no_serious_violation(name, audit(page))


def test_axe_finds_nothing_serious_on_a_phone(opened):
    page = opened("/?date=2021-09-04&unit=AF08", "2021-09-04", **PHONE)
    # The selected unit named on the map, with its "Detail" button; the legend folded.
    expect(map_frame(page).get_by_role("button", name="Detail", exact=True)).to_be_visible()
    toggle = map_frame(page).get_by_role("button", name="Control", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert_no_serious_violation("phone", audit(page))
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert_no_serious_violation("phone-legend-open", audit(page))
    # The audit does reach into the map's frame: an image without a text there is found.
    map_document(page).evaluate(
        "() => document.querySelector('.naqsha-legend').appendChild(new Image(4, 4))"
    )
    assert ("image-alt", "critical", "frame") in counts(audit(page))


def test_no_axe_rule_is_switched_off_without_a_reason():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule, reason in EXCLUDED.items():
        assert reason and f"`{rule}`" in readme, rule


def visible_columns(grid) -> list[str]:
    """The headers of the columns a data grid shows now (glide-data-grid keeps an accessible
    table of what is on screen)."""
    return grid.locator("th[role='columnheader']").all_inner_texts()


def text_width(grid, texts: list[str]) -> float:
    """The widest of ``texts`` in the grid's own font, plus its cell padding on both sides."""
    return grid.evaluate(
        """(grid, texts) => {
            const css = getComputedStyle(grid.querySelector('.dvn-scroller'));
            const font = css.getPropertyValue('--gdg-base-font-style') + ' '
                + css.getPropertyValue('--gdg-font-family');
            const pad = parseFloat(css.getPropertyValue('--gdg-cell-horizontal-padding'));
            const context = document.createElement('canvas').getContext('2d');
            context.font = font;
            return Math.max(...texts.map(t => context.measureText(t).width)) + 2 * pad;
        }""",
        texts,
    )


def assert_readable(grid, side, columns: dict[str, float], values: dict[str, list[str]]) -> None:
    """``columns`` (header to its width) come first and show their longest ``values`` whole,
    and the grid ends within the side column."""
    assert visible_columns(grid)[: len(columns)] == list(columns), visible_columns(grid)
    for header, width in columns.items():
        assert text_width(grid, [header, *values[header]]) <= width, header
    box = grid.bounding_box()
    assert box["x"] >= side["x"] and box["x"] + box["width"] <= side["x"] + side["width"] + 0.5


def test_the_side_panels_tables_show_names_and_statuses_whole(opened):
    page = opened("/?date=2021-09-10&unit=AF08", "2021-09-10", **DESKTOP)
    timeline = Timeline.from_dataset(load_dataset(ROOT / "geodata"))
    day = date(2021, 9, 10)
    side = page.locator(".st-key-detail").bounding_box()
    grids = page.locator(".st-key-detail [data-testid='stDataFrame']")
    expect(grids).to_have_count(3)  # districts, history, events
    for grid, frame, name in (
        (grids.nth(0), districts_table(timeline, "AF08", day), "district"),
        (grids.nth(1), history_table(timeline, "AF08"), "unit"),
    ):
        expect(grid.locator("th[role='columnheader']").first).to_have_text(name)
        names = list(frame[name])
        width = name_column(name, names)["width"]
        assert_readable(
            grid,
            side,
            {name: width, "status": STATUS_PX},
            {name: names, "status": list(frame["status"])},
        )
    page.locator("[data-testid='stRadio'] label").filter(has_text="Changes between dates").click()
    expect(page.get_by_text("Download as CSV")).to_be_visible(timeout=30_000)
    grid = page.locator("[data-testid='stDataFrame']").filter(
        has=page.locator("th", has_text="from")
    )
    expect(grid.locator("th[role='columnheader']").first).to_have_text("name")
    frame = changes_table(timeline, date(2021, 9, 3), day)
    names = list(frame["name"])
    assert_readable(
        grid,
        page.locator("[data-testid='stColumn']")
        .filter(has=page.locator("[data-testid='stRadio']"))
        .last.bounding_box(),
        {"name": name_column("name", names)["width"], "from": STATUS_PX, "to": STATUS_PX},
        {"name": names, "from": list(frame["from"]), "to": list(frame["to"])},
    )
