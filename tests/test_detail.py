"""The detail panel's pure helpers: text from data reaches Markdown and HTML escaped."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from dashboard.data.vocabulary import AFGHANISTAN_2021
from dashboard.detail import markdown_text, source_markdown


def test_markdown_text_shows_markup_as_typed():
    text = "<b>x</b> *y* [z](javascript:alert(1)) $a$ :red[b] \\ `c`"
    assert markdown_text(text) == (
        "\\<b\\>x\\<\\/b\\> \\*y\\* \\[z\\]\\(javascript\\:alert\\(1\\)\\) "
        "\\$a\\$ \\:red\\[b\\] \\\\ \\`c\\`"
    )
    assert markdown_text("two\nlines") == "two lines"


def test_source_markdown_links_only_web_addresses():
    assert source_markdown("https://example.org/a(b)c", "Pub") == (
        "[Pub](https://example.org/a%28b%29c)"
    )
    # An address with a space is not linked (validation refuses it in data).
    assert "](" not in source_markdown("https://example.org/a b", "Pub")
    assert source_markdown("javascript:alert(1)") == markdown_text("javascript:alert(1)")
    assert "](" not in source_markdown("javascript:alert(1)", "Pub")


HOSTILE_URL = 'https://example.org/a2"><img src=x onerror=alert(1)>'


def test_a_source_link_cannot_break_out_of_its_href():
    from dashboard.detail import source_html

    # Validation refuses such an address, and the panel shows it as text, escaped, if one
    # arrives anyway (from a session's upload, say).
    assert source_html(HOSTILE_URL, "Pub<script>", "T") == (
        "Pub&lt;script&gt; — T (https://example.org/a2&quot;&gt;&lt;img src=x onerror=alert(1)&gt;)"
    )
    # A valid address still has its quotes and ampersands escaped in the attribute.
    assert source_html("https://example.org/?a=1&b='x'", "Pub") == (
        '<a href="https://example.org/?a=1&amp;b=&#x27;x&#x27;" target="_blank" '
        'rel="noopener noreferrer">Pub</a>'
    )
    assert source_html("javascript:alert(1)", "Pub") == "Pub (javascript:alert(1))"
    assert source_html("JavaScript:alert(1)") == "JavaScript:alert(1)"


@pytest.mark.parametrize(
    "url", [HOSTILE_URL, "https://example.org/a b", "https://e.org/<x>", "javascript:alert(1)"]
)
def test_validation_refuses_addresses_that_cannot_be_linked(tiny_dir, url):
    from dashboard.data import DataError, load_dataset

    path = tiny_dir / "control.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["source_url"] = url
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError) as error:
        load_dataset(tiny_dir)
    [problem] = error.value.problems
    assert (problem.file, problem.row, problem.field) == ("control.csv", 2, "source_url")
    assert "percent-encoded" in problem.fix


def test_the_heading_escapes_names_and_keeps_them_on_one_line(tiny):
    from dataclasses import replace

    from dashboard.detail import heading_html

    _, timeline = tiny
    state = timeline.state("AF01", __import__("datetime").date(2021, 9, 4))
    hostile = replace(
        state.unit,
        name_en="<b>x</b>\n\n![i](http://e/x.png)",
        name_fa="<i>y</i>",
        centre_name="<i>c</i>",
    )
    heading = heading_html(replace(state, unit=hostile), AFGHANISTAN_2021.second_name)
    assert heading == (
        '<h2>&lt;b&gt;x&lt;/b&gt; ![i](http://e/x.png) <span dir="rtl" lang="fa">&lt;i&gt;y&lt;/i&gt;</span>'
        "</h2><p>Province AF01 · capital &lt;i&gt;c&lt;/i&gt;</p>"
    )
    assert "\n" not in heading


def test_the_heading_lists_other_names_escaped(tiny):
    from dataclasses import replace
    from datetime import date

    from dashboard.detail import heading_html

    _, timeline = tiny
    state = timeline.state("AF01", date(2021, 9, 4))
    named = replace(state.unit, aliases=("Nerkh", "<b>Nirkh</b>"))
    assert heading_html(replace(state, unit=named), AFGHANISTAN_2021.second_name).endswith(
        "<p>Province AF01 · capital Alpha Town · also Nerkh, &lt;b&gt;Nirkh&lt;/b&gt;</p>"
    )


def test_the_status_line_names_status_since_confidence_and_source(tiny):
    from datetime import date

    from dashboard.detail import status_html

    _, timeline = tiny
    line = status_html(timeline.state("AF01", date(2021, 9, 4)), date(2021, 9, 4), AFGHANISTAN_2021)
    assert "background:#D55E00" in line and "<strong>Taliban</strong>" in line
    assert "2021-08-15" in line and "high confidence" in line
    assert 'href="https://example.org/a2"' in line


def test_the_status_line_escapes_a_records_text(tiny):
    from dataclasses import replace
    from datetime import date

    from dashboard.detail import status_html

    _, timeline = tiny
    state = timeline.state("AF01", date(2021, 9, 4))
    record = replace(
        state.record,
        source_url="https://example.org/?q=<b>",
        source_publisher='Pub"><img src=x>',
        source_title="<i>T</i>",
    )
    line = status_html(replace(state, record=record), date(2021, 9, 4), AFGHANISTAN_2021)
    assert line.endswith(
        "<p>Source: Pub&quot;&gt;&lt;img src=x&gt; — &lt;i&gt;T&lt;/i&gt; "
        "(https://example.org/?q=&lt;b&gt;)</p>"
    )
    assert "<img" not in line and "<i>" not in line


def test_a_split_provinces_history_shows_its_derived_periods(shipped_timeline):
    """On 10 Sep the status line says "Taliban since 2021-09-06"; the history must agree."""
    from dashboard.detail import history_table

    table = history_table(shipped_timeline, "AF08")
    own = table[table["unit"] == "Panjshir"][["from", "to", "status", "date"]]
    assert own.values.tolist() == [
        ["2021-05-01", "2021-08-14", "Government", "day"],
        ["2021-08-15", "2021-08-31", "Resistance", "day"],
        ["2021-09-01", "2021-09-05", "Partial", "derived"],
        ["2021-09-06", "", "Taliban", "derived"],
    ]
    assert shipped_timeline.state("AF08", date(2021, 9, 10)).since == date(2021, 9, 6)
