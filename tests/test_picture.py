"""The picture for publication: size, the text it must carry, and the colours of known units."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest
from PIL import Image

from dashboard.cli import main
from dashboard.export.picture import picture
from dashboard.style import STATUS_STYLES


@pytest.fixture(scope="module")
def svg(shipped, shipped_timeline) -> str:
    return picture(shipped, shipped_timeline, date(2021, 9, 4), "AF08", "svg").decode("utf-8")


def svg_texts(svg: str) -> list[str]:
    return [" ".join(t.split()) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_the_svg_carries_title_date_legend_scale_and_credit_as_text(svg):
    texts = svg_texts(svg)
    assert "Who held what on 4 September 2021" in texts
    assert any("Outlined: Panjshir (AF08)" in t for t in texts)
    for style in STATUS_STYLES.values():
        assert style.label in texts
    assert "200 km" in texts
    assert any(t.startswith("Boundaries: geoBoundaries") for t in texts)
    assert any("Every status and event cites its source" in t for t in texts)


def test_the_png_is_print_sized_and_coloured_by_status(shipped, shipped_timeline):
    def share(day: date, status: str) -> float:
        """The share of pixels in the status's colour, filled at either opacity over white."""
        image = Image.open(io.BytesIO(picture(shipped, shipped_timeline, day, None, "png")))
        assert image.size == (2200, 1700)
        colour = STATUS_STYLES[status].colour
        target = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        fills = [tuple(round(a * c + (1 - a) * 255) for c in target) for a in (0.75, 0.3)]
        counts = image.convert("RGB").getcolors(image.size[0] * image.size[1])
        near = sum(
            n
            for n, rgb in counts
            if any(all(abs(x - y) <= 3 for x, y in zip(rgb, f, strict=True)) for f in fills)
        )
        return near / (image.size[0] * image.size[1])

    assert share(date(2021, 5, 1), "government") > share(date(2021, 5, 1), "taliban")
    assert share(date(2021, 8, 20), "taliban") > 0.05
    assert share(date(2021, 8, 20), "government") < 0.001


def test_the_cli_writes_png_and_svg(tmp_path, capsys):
    for fmt in ("png", "svg"):
        out = tmp_path / f"map.{fmt}"
        args = [
            "export",
            "--date",
            "2021-08-15",
            "--format",
            fmt,
            "--unit",
            "AF01",
            "--out",
            str(out),
        ]
        assert main(args) == 0
        data = out.read_bytes()
        assert data.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in data[:400]
    assert "Wrote" in capsys.readouterr().out


def test_data_text_stays_text_in_the_svg(shipped, shipped_timeline):
    meta = {**shipped.meta, "title": "<script>alert(1)</script> $x^2$ & co"}
    hostile = dataclasses.replace(shipped, meta=meta)
    svg = picture(hostile, shipped_timeline, date(2021, 9, 4), None, "svg").decode("utf-8")
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $x^2$ &amp; co" in svg
