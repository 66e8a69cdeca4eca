"""The detail panel's content for one unit on one date, as tables and escaped HTML. Pure."""

from __future__ import annotations

import html
import string
from datetime import date, timedelta
from urllib.parse import quote

import pandas as pd

from dashboard.data.tables import is_web_url
from dashboard.data.vocabulary import SecondName, Vocabulary
from dashboard.style import state_note, status_styles
from dashboard.timeline import Timeline, UnitState

NEAR_DAYS = 7
# Characters a Markdown link's address keeps as they are; the rest is percent-encoded.
LINK_SAFE = ":/?#@!$&'*+,;=%~"


def safe_link(url: str) -> str | None:
    """The URL if it may become a link (http or https), else ``None``."""
    return url.strip() if url and is_web_url(url) else None


def status_label(vocabulary: Vocabulary, status: str) -> str:
    return status_styles(vocabulary)[status].label


def html_text(value) -> str:
    """Data text for HTML that Streamlit's Markdown renders: escaped, and on one line, since a
    blank line would end the HTML block and let the rest be read as Markdown."""
    return html.escape(" ".join(str(value).split()))


def heading_html(state: UnitState, second: SecondName) -> str:
    """Name in English with the second name beside it, in its language and direction (Dari,
    right-to-left, for the shipped data), then the kind, code and other names (news
    spellings, later districts inside it); all text escaped."""
    unit = state.unit
    other = (
        f' <span dir="{html_text(second.direction)}" lang="{html_text(second.language)}">'
        f"{html_text(unit.name_fa)}</span>"
        if unit.name_fa
        else ""
    )
    return f"<h2>{html_text(unit.name_en)}{other}</h2><p>{html_text(unit_line(unit))}</p>"


def unit_line(unit) -> str:
    """The line under a unit's name (plain text): its kind, code, capital and other names."""
    kind = "Province" if unit.level == "province" else "District"
    capital = (
        f" · capital {unit.centre_name}" if unit.level == "province" and unit.centre_name else ""
    )
    also = f" · also {', '.join(unit.aliases)}" if unit.aliases else ""
    return f"{kind} {unit.unit}{capital}{also}"


def status_html(state: UnitState, day: date, vocabulary: Vocabulary) -> str:
    """Status on the date, since when, confidence, caveats and the record's source link."""
    style = status_styles(vocabulary)[state.status]
    parts = [
        f'<p><span style="display:inline-block;width:12px;height:12px;background:{style.colour}"></span> <strong>{style.label}</strong>'
    ]
    if state.since:
        days = (day - state.since).days
        parts.append(f" since {state.since.isoformat()} ({days} days)")
    if state.confidence:
        parts.append(f", {html_text(state.confidence)} confidence")
    parts.append("</p>")
    note = state_note(state)
    if note:
        parts.append(f"<p><em>{html_text(note)}</em></p>")
    if state.record is not None:
        parts.append(
            f"<p>Source: {source_html(state.record.source_url, state.record.source_publisher, state.record.source_title)}</p>"
        )
    return "".join(parts)


def source_parts(url: str, publisher: str = "", title: str = "") -> tuple[str, str | None]:
    """A source's label and its link; the link is ``None`` unless the URL is http(s), and then
    the label carries the URL too."""
    label = " — ".join(p for p in (publisher, title) if p) or url
    link = safe_link(url)
    if link is None and url and label != url:
        label = f"{label} ({url})"
    return label, link


def source_html(url: str, publisher: str = "", title: str = "") -> str:
    """A source as a link when its URL is http(s); otherwise as plain text."""
    label, link = source_parts(url, publisher, title)
    if link is None:
        return html_text(label)
    return f'<a href="{html.escape(link, quote=True)}" target="_blank" rel="noopener noreferrer">{html_text(label)}</a>'


def markdown_text(value: str) -> str:
    """Text that Streamlit's Markdown shows as it is: every ASCII punctuation mark
    backslash-escaped (CommonMark allows it for all of them), line breaks as spaces."""
    return "".join("\\" + c if c in string.punctuation else c for c in " ".join(str(value).split()))


def source_markdown(url: str, publisher: str = "", title: str = "") -> str:
    """:func:`source_html` as Markdown, for places where raw HTML is not wanted: the page then
    need not load Streamlit's HTML-in-Markdown code (measured: about 80 ms of the first map)."""
    label, link = source_parts(url, publisher, title)
    if link is None:
        return markdown_text(label)
    # Percent-encode what could end the link's address: spaces, brackets, backslashes.
    return f"[{markdown_text(label)}]({quote(link, safe=LINK_SAFE)})"


def last_confirmed(timeline: Timeline, code: str, day: date) -> date | None:
    """The latest date a source speaks of the unit's current status, up to ``day``."""
    state = timeline.state(code, day)
    dates = [
        r.valid_from
        for r in timeline.records_of(code)
        if r.valid_from <= day and r.status == state.status
    ]
    return max(dates) if dates else None


DERIVED_NOTE = (
    "Derived: no record of the province itself covers these dates, so its status comes from its "
    "districts' records (partial when they are held by different sides); the source is the most "
    "recent district record."
)


def derived_rows(timeline: Timeline, code: str) -> list[dict]:
    """A province's periods whose status is derived from its districts, as history rows, so
    that its history agrees with its status line."""
    if timeline.units[code].level != "province":
        return []
    runs: list[list] = []  # [first day, last day or None while open, state]
    for day in timeline.change_dates():
        state = timeline.state(code, day)
        derived = state.record is not None and state.record.unit != code
        open_run = runs[-1] if runs and runs[-1][1] is None else None
        if open_run and (not derived or open_run[2].status != state.status):
            open_run[1], open_run = day - timedelta(days=1), None
        if derived and not open_run:
            runs.append([day, None, state])
    return [
        {
            "unit": timeline.units[code].name_en,
            "from": first.isoformat(),
            "to": last.isoformat() if last else "",
            "status": status_label(timeline.vocabulary, state.status),
            "confidence": state.confidence,
            "claimed by": "",
            "disputed by": "",
            "date": "derived",
            "source": safe_link(state.record.source_url),
            "publisher": state.record.source_publisher,
            "note": DERIVED_NOTE,
        }
        for first, last, state in runs
    ]


def history_table(timeline: Timeline, code: str) -> pd.DataFrame:
    """Every record of the unit (and, for a province, of its districts) with its source, and a
    province's derived periods (see :func:`derived_rows`), by date."""
    rows = derived_rows(timeline, code)
    for r in timeline.records_of(code):
        rows.append(
            {
                "unit": timeline.units[r.unit].name_en,
                "from": r.valid_from.isoformat(),
                "to": r.valid_to.isoformat() if r.valid_to else "",
                "status": status_label(timeline.vocabulary, r.status),
                "confidence": r.confidence,
                "claimed by": r.claimed_by,
                "disputed by": r.disputed_by,
                "date": r.date_precision,
                "source": safe_link(r.source_url),
                "publisher": r.source_publisher,
                "note": r.note,
            }
        )
    return pd.DataFrame(sorted(rows, key=lambda row: row["from"]))


def districts_table(timeline: Timeline, code: str, day: date) -> pd.DataFrame:
    rows = []
    for child in timeline.state(code, day).districts:
        s = timeline.state(child, day)
        rows.append(
            {
                "district": s.unit.name_en,
                timeline.vocabulary.second_name.label: s.unit.name_fa,
                "status": status_label(timeline.vocabulary, s.status),
                "since": s.since.isoformat() if s.since else "",
                "confidence": s.confidence,
                "caveat": state_note(s),
                "source": safe_link(s.record.source_url) if s.record else None,
            }
        )
    return pd.DataFrame(rows)


def events_table(events: pd.DataFrame, code: str, day: date, days: int = NEAR_DAYS) -> pd.DataFrame:
    """Events in the unit within ``days`` either side of the date."""
    near = events[
        (events["event_date"] >= pd.Timestamp(day - timedelta(days=days)))
        & (events["event_date"] <= pd.Timestamp(day + timedelta(days=days)))
    ]
    near = near[(near["province"] == code) | (near["district"] == code)]
    return pd.DataFrame(
        {
            "date": near["event_date"].dt.date.astype(str),
            "type": near["sub_event_type"],
            "location": near["location"],
            "fatalities": near["fatalities"],
            "notes": near["notes"],
            "source": [safe_link(u) for u in near["source_url"]],
        }
    )


def summary_counts(
    states: dict[str, UnitState], statuses: tuple[str, ...], level: str = "province"
) -> dict[str, int]:
    """How many units of ``level`` (``"province"`` or ``"district"``) are in each of
    ``statuses`` (a vocabulary's, in its order)."""
    counts = dict.fromkeys(statuses, 0)
    for state in states.values():
        if state.unit.level == level:
            counts[state.status] += 1
    return counts


def district_shares(timeline: Timeline, code: str, day: date) -> str:
    """A province's districts by status on ``day`` as one plain-text line, e.g.
    ``"Taliban 12 of 28 (43 %) · Government 16 (57 %); 9 follow the province (no record)"``."""
    children = [timeline.state(child, day) for child in timeline.state(code, day).districts]
    if not children:
        return ""
    statuses = timeline.vocabulary.statuses
    counts = summary_counts({s.unit.unit: s for s in children}, statuses, "district")
    total = len(children)
    parts = [
        f"{status_label(timeline.vocabulary, status)} {n}"
        + (f" of {total}" if not i else "")
        + f" ({n / total:.0%})"
        for i, (status, n) in enumerate(sorted(counts.items(), key=lambda kv: -kv[1]))
        if n
    ]
    inherited = sum(s.inherited for s in children)
    tail = f"; {inherited} follow the province (no record of their own)" if inherited else ""
    return " · ".join(parts) + tail


def changes_table(timeline: Timeline, start: date, end: date) -> pd.DataFrame:
    """Every status change from ``start`` to ``end``: when, what, from, to, confidence, source."""
    rows = [
        {
            "date": c.date.isoformat(),
            "unit": c.unit.unit,
            "name": c.unit.name_en,
            "level": c.unit.level,
            "from": status_label(timeline.vocabulary, c.from_status),
            "to": status_label(timeline.vocabulary, c.to_status),
            "confidence": c.confidence,
            "source": safe_link(c.record.source_url) if c.record else None,
        }
        for c in timeline.changes(start, end)
    ]
    return pd.DataFrame(
        rows, columns=["date", "unit", "name", "level", "from", "to", "confidence", "source"]
    )
