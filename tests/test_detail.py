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
