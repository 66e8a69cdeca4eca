"""The static site export: its files, its data and how it refuses a bad destination."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from dashboard.cli import main
from dashboard.data import DataError
from dashboard.export.site import detail_track, write_site
from dashboard.style import STATUS_STYLES, state_note
from dashboard.timeline.core import period


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory, shipped, shipped_timeline):
    out = tmp_path_factory.mktemp("site") / "site"
    report = write_site(shipped, shipped_timeline, out, date(2021, 8, 15), "AF08")
    return out, report


def data_file(out, address: str):
    """The value a data script hands to ``Naqsha.deliver``, and the address it gives."""
    text = (out / address).read_text(encoding="utf-8")
    match = re.fullmatch(r'Naqsha\.deliver\(("[^"]+"),(.*)\);\n', text, re.S)
    assert match, address
    assert json.loads(match.group(1)) == address
    return json.loads(match.group(2))


def site_config(out) -> dict:
    page = (out / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="naqsha-site">(.*?)</script>', page)
    return json.loads(match.group(1))


def test_the_site_holds_the_page_the_libraries_and_the_data(shipped_site, shipped):
    out, report = shipped_site
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert [n for n in names if not n.startswith("data/")] == [
        "assets/leaflet/images/layers-2x.png",
        "assets/leaflet/images/layers.png",
        "assets/leaflet/images/marker-icon-2x.png",
        "assets/leaflet/images/marker-icon.png",
        "assets/leaflet/images/marker-shadow.png",
        "assets/leaflet/naqsha-bundle.css",
        "assets/leaflet/naqsha-bundle.js",
        "assets/naqsha/site.js",
        "index.html",
    ]
    assert report.files == len(names)
    assert report.bytes == sum((out / n).stat().st_size for n in names)
    config = site_config(out)
    assert config["dates"][0] == "2021-05-01" and config["dates"][-1] == "2021-09-30"
    assert len(config["dates"]) == 153
    assert (config["start"], config["selected"]) == ("2021-08-15", "AF08")
    geometry = data_file(out, config["options"]["geometryUrl"])
    assert len(geometry["features"]) == len(shipped.geometry) == 432
    assert len(data_file(out, config["eventsUrl"])) == 153
    # The page names no address outside its folder except in data text and the credit line.
    page = (out / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'(?:src|href)="([^"]+)"', page) == [
        "assets/leaflet/naqsha-bundle.css",
        "assets/leaflet/naqsha-bundle.js",
        "assets/naqsha/site.js",
    ]


def test_the_site_uses_the_dashboards_own_map_script(shipped_site):
    out, _ = shipped_site
    bundle = (out / "assets/leaflet/naqsha-bundle.js").read_text(encoding="utf-8")
    from dashboard.mapview.assets import WEB_DIR

    assert (WEB_DIR / "naqsha.js").read_text(encoding="utf-8") in bundle


def test_each_days_events_are_the_dashboards_default_window(shipped_site, shipped):
    out, _ = shipped_site
    config = site_config(out)
    days = data_file(out, config["eventsUrl"])
    on_15_august = days[config["dates"].index("2021-08-15")]
    assert on_15_august["mode"] == "markers"
    rows = []
    for start, end in on_15_august["show"]:
        for i in range(start, end):
            chunk = data_file(out, on_15_august["chunks"][str(i // on_15_august["size"])])
            rows.append(chunk[i % on_15_august["size"]])
    window = shipped.events[
        (shipped.events["event_date"] >= "2021-08-09")
        & (shipped.events["event_date"] <= "2021-08-15")
    ]
    assert len(rows) == len(window[window["latitude"].notna()])
    assert {row[3] for row in rows} <= {f"2021-08-{d:02d}" for d in range(9, 16)}


def test_the_detail_track_gives_each_units_state_on_every_day(shipped, shipped_timeline):
    details = json.loads(json.dumps(detail_track(shipped_timeline)))
    first, last = period(shipped, shipped_timeline)
    day = first
    while day <= last:
        for code in ("AF08", "AF0801", "AF01", "AF0101", "AF1501"):
            pairs = details["tracks"][code]
            index = pairs[0][1]
            for start, row in pairs[1:]:
                if start <= day.isoformat():
                    index = row
            row = details["rows"][index]
            state = shipped_timeline.state(code, day)
            assert row[0] == STATUS_STYLES[state.status].label, (code, day)
            assert row[1] == (state.since.isoformat() if state.since else "")
            assert state_note(state) in row[3]
            assert row[4] == (state.record.source_url if state.record else "")
        day += timedelta(days=1)


def test_a_site_is_never_written_over_existing_files(tmp_path, shipped, shipped_timeline):
    out = tmp_path / "story"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DataError) as error:
        write_site(shipped, shipped_timeline, out)
    assert "--out" in str(error.value) and "not an empty folder" in str(error.value)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_failed_site_leaves_no_half_written_folder(tmp_path, shipped, shipped_timeline):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(DataError) as error:
        write_site(shipped, shipped_timeline, blocker / "site")
    assert "cannot write the site" in str(error.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_the_cli_writes_a_site_and_needs_a_date_only_for_one_day_formats(tmp_path, capsys):
    assert main(["export", "--format", "site", "--out", str(tmp_path / "site")]) == 0
    assert "Wrote the site" in capsys.readouterr().out
    # Without --date the site opens where the app does: the package's period.opens.
    assert site_config(tmp_path / "site")["start"] == "2021-09-04"
    assert main(["export", "--format", "html", "--out", str(tmp_path / "x.html")]) == 1
    assert "--format html needs a date" in capsys.readouterr().err
