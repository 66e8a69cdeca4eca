"""How to cite a view: its address and the sources of what it shows. Pure."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from dashboard.data.dataset import Dataset
from dashboard.timeline import Timeline

# -- citation --------------------------------------------------------------------------------


def view_query(day: date, selected: str | None = None) -> str:
    """The app's URL parameters for a view, e.g. ``?date=2021-08-15&unit=AF08``."""
    params = {"date": day.isoformat()}
    if selected:
        params["unit"] = selected
    return "?" + urlencode(params)


def citation(
    dataset: Dataset,
    timeline: Timeline,
    day: date,
    selected: str | None = None,
    *,
    accessed: date,
    base_url: str = "",
) -> str:
    """ "Cite this view": the dataset, version, date, view, boundaries, and the sources shown.

    Parameters
    ----------
    dataset : Dataset
    timeline : Timeline
    day : datetime.date
        The date shown.
    selected : str, optional
        P-code of the selected unit, part of the view.
    accessed : datetime.date
        The date the reader accessed the view (usually today).
    base_url : str, optional
        The app's address, put before the view's parameters when given.

    Returns
    -------
    str
        Plain text (not HTML: escape it before putting it in a page). The sources are the
        distinct sources of the current record of every province and of every district drawn
        on the map, numbered and sorted by publisher, title and URL.
    """
    selected = selected if selected in dataset.units else None
    bounds = dataset.boundary_set
    boundary = f"{bounds.get('name', '')} ({bounds.get('licence', '')})"
    if bounds.get("source"):
        boundary += f", {bounds['source']}"
    lines = [
        f"{_one_line(dataset.title)}, version {_one_line(dataset.version)}.",
        f"Territorial control on {day.isoformat()}"
        + (f", {_one_line(dataset.units[selected].name_en)} selected" if selected else "")
        + ".",
        f"View: {base_url}{view_query(day, selected)}",
        f"Boundaries: {_one_line(boundary)}.",
        f"Accessed {accessed.isoformat()}.",
        "",
        f"Sources of the statuses shown on {day.isoformat()}:",
    ]
    sources = visible_sources(dataset, timeline, day)
    lines += [f"{n}. {_source_line(*s)}" for n, s in enumerate(sources, start=1)]
    if not sources:
        lines.append("(no record covers this date)")
    return "\n".join(lines) + "\n"


def visible_sources(dataset: Dataset, timeline: Timeline, day: date) -> list[tuple[str, str, str]]:
    """Distinct ``(publisher, title, url)`` of the records behind the statuses on the map.

    Those are the current records of every unit (a district with no record of its own shows
    its province's), sorted by publisher, title and URL (case-insensitively).
    """
    found = {
        (r.source_publisher.strip(), r.source_title.strip(), r.source_url.strip())
        for state in timeline.state_on(day).values()
        if (r := state.record) is not None
    }
    return sorted(found, key=lambda s: (s[0].casefold(), s[1].casefold(), s[2]))


def _source_line(publisher: str, title: str, url: str) -> str:
    label = ", ".join(_one_line(p) for p in (publisher, title) if p).rstrip(".")
    return f"{label}. {_one_line(url)}" if label else _one_line(url)


def _one_line(text: str) -> str:
    """Data text on one line: a newline inside a title must not break the numbered list."""
    return " ".join(str(text).split())
