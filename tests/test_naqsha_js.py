"""naqsha.js on its own, in Node: the browser's lookups agree with the server on every day."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date, timedelta

import pytest

from dashboard.export.site import detail_track
from dashboard.mapview.assets import WEB_DIR
from dashboard.mapview.payload import state_payload, style_of, style_track
from dashboard.style import STATUS_STYLES
from harness.node import run_naqsha

TRACK_STATES = """
return args.days.map(function (day) {
  var state = Naqsha.trackState(args.track, day);
  return state.u.map(function (k) { return state.styles[k]; });
});
"""


def every_day(timeline):
    first, last = timeline.span()
    day = first - timedelta(days=3)
    while day <= last + timedelta(days=3):
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize("which", ["tiny", "shipped"])
def test_the_style_track_gives_the_server_s_style_on_every_day(which, tiny, shipped_timeline):
    timeline = tiny[1] if which == "tiny" else shipped_timeline
    days = list(every_day(timeline))
    track = json.loads(json.dumps(style_track(timeline)))  # as the browser receives it
    shown = run_naqsha(TRACK_STATES, {"track": track, "days": [d.isoformat() for d in days]})
    codes = list(timeline.units)
    for day, styles in zip(days, shown, strict=True):
        payload = state_payload(timeline, day, {})
        assert styles == [style_of(payload, i) for i in range(len(codes))], day


def test_the_sites_detail_lookup_gives_the_timelines_state(shipped_timeline):
    details = json.loads(json.dumps(detail_track(shipped_timeline)))
    days = [d.isoformat() for d in every_day(shipped_timeline)]
    rows = run_naqsha(
        "return args.days.map(function (d) { return args.d.rows[Naqsha.valueOn(args.d.tracks.AF08, d)]; });",
        {"d": details, "days": days},
    )
    for day, row in zip(days, rows, strict=True):
        state = shipped_timeline.state("AF08", date.fromisoformat(day))
        assert row[0] == STATUS_STYLES[state.status].label, day


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("  http://example.org/b ", "http://example.org/b"),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("//example.org", None),
        ("https:// x", None),
        (None, None),
    ],
)
def test_only_http_addresses_become_links(url, linked):
    assert run_naqsha("return Naqsha.safeUrl(args);", url) == linked


def test_the_maps_scripts_pass_eslint():
    """``eslint:recommended`` and the rules in ``dashboard/mapview/web/.eslintrc.json``, with
    Debian's ``eslint`` package (its modules live in /usr/share/nodejs)."""
    eslint = shutil.which("eslint")
    if eslint is None:
        pytest.skip("no eslint: install Debian's 'eslint' package to lint the map's JavaScript")
    env = {**os.environ, "NODE_PATH": os.pathsep.join(["/usr/share/nodejs", "/usr/lib/nodejs"])}
    done = subprocess.run(
        [eslint, "--max-warnings", "0", *map(str, sorted(WEB_DIR.glob("*.js")))],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
