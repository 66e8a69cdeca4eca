"""The detail panel's pure helpers: text from data reaches Markdown and HTML escaped."""

from __future__ import annotations

from dashboard.detail import markdown_text, source_markdown


def test_markdown_text_shows_markup_as_typed():
    text = "<b>x</b> *y* [z](javascript:alert(1)) $a$ :red[b] \\ `c`"
    escaped = markdown_text(text)
    assert all(escaped[i - 1] == "\\" for i, c in enumerate(escaped) if c in "<>*[]()$:`")
    assert markdown_text("two\nlines") == "two lines"


def test_source_markdown_links_only_web_addresses():
    assert source_markdown("https://example.org/a b(c)", "Pub") == (
        "[Pub](https://example.org/a%20b%28c%29)"
    )
    assert source_markdown("javascript:alert(1)") == markdown_text("javascript:alert(1)")
    assert "](" not in source_markdown("javascript:alert(1)", "Pub")


HOSTILE_URL = 'https://example.org/a2"><img src=x onerror=alert(1)>'


def test_a_source_link_cannot_break_out_of_its_href():
    from dashboard.detail import source_html

    html = source_html(HOSTILE_URL, "Pub<script>", "T")
    assert html.startswith(
        '<a href="https://example.org/a2&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"'
    )
    assert "<img" not in html and "<script>" not in html
    assert source_html("javascript:alert(1)", "Pub") == "Pub (javascript:alert(1))"


def test_the_heading_escapes_names_and_keeps_them_on_one_line(tiny):
    from dataclasses import replace

    from dashboard.detail import heading_html

    _, timeline = tiny
    state = timeline.state("AF01", __import__("datetime").date(2021, 9, 4))
    hostile = replace(state.unit, name_en="<b>x</b>\n\n![i](http://e/x.png)", name_fa="<i>y</i>")
    heading = heading_html(replace(state, unit=hostile))
    assert heading == (
        '<h3>&lt;b&gt;x&lt;/b&gt; ![i](http://e/x.png) <span dir="rtl" lang="fa">&lt;i&gt;y&lt;/i&gt;</span>'
        "</h3><p>Province AF01</p>"
    )
    assert "\n" not in heading


def test_the_heading_lists_other_names_escaped(tiny):
    from dataclasses import replace
    from datetime import date

    from dashboard.detail import heading_html

    _, timeline = tiny
    state = timeline.state("AF01", date(2021, 9, 4))
    named = replace(state.unit, aliases=("Nerkh", "<b>Nirkh</b>"))
    assert heading_html(replace(state, unit=named)).endswith(
        "<p>Province AF01 · also Nerkh, &lt;b&gt;Nirkh&lt;/b&gt;</p>"
    )


def test_the_status_line_names_status_since_confidence_and_source(tiny):
    from datetime import date

    from dashboard.detail import status_html

    _, timeline = tiny
    line = status_html(timeline.state("AF01", date(2021, 9, 4)), date(2021, 9, 4))
    assert "background:#D55E00" in line and "<strong>Taliban</strong>" in line
    assert "2021-08-15" in line and "high confidence" in line
    assert 'href="https://example.org/a2"' in line
