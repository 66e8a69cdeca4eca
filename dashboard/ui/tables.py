"""The side panels' tables, laid out for the side column (about 370 px wide at 1400 px): the name
first and pinned, with the status (or the statuses from and to) beside it, each column wide
enough for its longest value, dates short, and the source link last. What does not fit scrolls
under the pinned name."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

# glide-data-grid, which draws st.dataframe, pads each cell 8 px either side; its text is 14 px
# Source Sans, whose widest status label ("Government") measures 73 px and whose characters
# average under 7 px in place names (measured in Chromium).
PADDING_PX = 16
CHAR_PX = 7
NAME_PX = (80, 180)  # a name column's narrowest and widest
STATUS_PX = 92
DATE_PX = 64
CONFIDENCE_PX = 84
LINK_PX = 60
SOURCE = st.column_config.LinkColumn("source", display_text="open", width=LINK_PX)
CONFIDENCE = st.column_config.TextColumn("confidence", width=CONFIDENCE_PX)


def table(frame: pd.DataFrame, columns: dict[str, st.column_config.Column | None]) -> None:
    """Show ``frame``'s ``columns`` (and no other), in that order, configured as given.

    Parameters
    ----------
    frame
        The table, as :mod:`dashboard.detail` builds it.
    columns
        Column name to its configuration (``None``: Streamlit's default).
    """
    st.dataframe(
        frame, column_order=list(columns), column_config=columns, hide_index=True, width="stretch"
    )


def name_column(label: str, names: Iterable[str]) -> st.column_config.Column:
    """A pinned text column wide enough for the longest of ``names`` (within :data:`NAME_PX`).

    Parameters
    ----------
    label
        The column's header.
    names
        The names it shows.

    Returns
    -------
    st.column_config.Column
        Its configuration.
    """
    longest = max((len(str(name)) for name in names), default=0)
    width = min(NAME_PX[1], max(NAME_PX[0], round(PADDING_PX + CHAR_PX * longest)))
    return st.column_config.TextColumn(label, width=width, pinned=True)


def status_column(label: str, pinned: bool = False) -> st.column_config.Column:
    """A column of status labels, wide enough for the longest."""
    return st.column_config.TextColumn(label, width=STATUS_PX, pinned=pinned)


def short_dates(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with its ISO date strings in ``columns`` as dates (an empty string: none), for
    :func:`date_column` to show them short."""
    return frame.assign(**{column: as_dates(frame[column]) for column in columns})


def as_dates(texts: pd.Series) -> pd.Series:
    """ISO date strings as :class:`datetime.date` values (``None`` where empty)."""
    stamps = pd.to_datetime(texts, errors="coerce")
    return stamps.dt.date.astype(object).where(stamps.notna(), None)


def date_column(label: str, frame: pd.DataFrame, columns: Iterable[str]) -> st.column_config.Column:
    """A date column shown as "6 Sep", with the year ("6 Sep 2021") only when the dates in
    ``columns`` of ``frame`` (from :func:`short_dates`) span more than one year."""
    years = {day.year for column in columns for day in frame[column].dropna()}
    if len(years) <= 1:
        return st.column_config.DateColumn(label, width=DATE_PX, format="D MMM")
    return st.column_config.DateColumn(label, width=DATE_PX + 32, format="D MMM YYYY")


def show_districts(frame: pd.DataFrame, second_name: str) -> None:
    """The districts of a province (:func:`dashboard.detail.districts_table`), with their
    second names in the column ``second_name`` (the data package's language, e.g. Dari)."""
    frame = short_dates(frame, ["since"])
    columns = {
        "district": name_column("district", frame["district"]),
        "status": status_column("status", pinned=True),
        "since": date_column("since", frame, ["since"]),
        "confidence": CONFIDENCE,
        "caveat": st.column_config.TextColumn("caveat", width=260),
        second_name: st.column_config.TextColumn(second_name, width=100),
        "source": SOURCE,
    }
    table(frame, columns)


def show_history(frame: pd.DataFrame) -> None:
    """A unit's records (:func:`dashboard.detail.history_table`)."""
    dates = ["from", "to"]
    frame = short_dates(frame, dates)
    columns = {
        "unit": name_column("unit", frame["unit"]),
        "status": status_column("status", pinned=True),
        "from": date_column("from", frame, dates),
        "to": date_column("to", frame, dates),
        "confidence": CONFIDENCE,
        "claimed by": st.column_config.TextColumn("claimed by", width=90),
        "disputed by": st.column_config.TextColumn("disputed by", width=90),
        "date": st.column_config.TextColumn(
            "dated", width=80, help="How exact the start date is: day, approximate or derived"
        ),
        "note": st.column_config.TextColumn("note", width=320),
        "publisher": st.column_config.TextColumn("publisher", width=200),
        "source": SOURCE,
    }
    table(frame, columns)


def show_changes(frame: pd.DataFrame) -> None:
    """Status changes between two dates (:func:`dashboard.detail.changes_table`): the name,
    then the statuses from and to."""
    frame = short_dates(frame, ["date"])
    columns = {
        "name": name_column("name", frame["name"]),
        "from": status_column("from"),
        "to": status_column("to"),
        "date": date_column("date", frame, ["date"]),
        "level": st.column_config.TextColumn("level", width=80),
        "confidence": CONFIDENCE,
        "unit": st.column_config.TextColumn("code", width=80),
        "source": SOURCE,
    }
    table(frame, columns)
