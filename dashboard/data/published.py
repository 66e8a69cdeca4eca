"""``published_counts.csv``: district totals that others published during the period.

The Long War Journal's periodic tallies, the Afghanistan Analysts Network's counts, UN and US
military statements, and the Taliban's own claims: drawn beside the data's own district counts
so that a reader can compare them. Claims are kept apart from independent assessments
(``kind``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.data.tables import FieldChecker, read_csv

KINDS = ("independent", "official", "claim")
# What a figure counts: districts held on the date (the only ones drawn beside the data's own
# counts), districts captured during a period (the note says which), or districts retaken.
MEASURES = ("controlled", "captured", "recaptured")
COUNT_COLUMNS = ("taliban", "contested", "government", "total")
COLUMNS = (
    "date",
    "publisher",
    "kind",
    "claimed_by",
    "measure",
    *COUNT_COLUMNS,
    "source_url",
    "source_title",
    "quote",
    "note",
)
REQUIRED = ("date", "publisher", "kind", "measure", *COUNT_COLUMNS, "source_url", "quote")


def empty_published_counts() -> pd.DataFrame:
    return pd.DataFrame(columns=list(COLUMNS))


def load_published_counts(path: Path) -> pd.DataFrame:
    """Read and check ``published_counts.csv``: one row per published figure, with its quote.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS`; ``date`` as ``datetime.date``, the counts as nullable
        integers (missing where the publisher gave none).
    """
    table = read_csv(path, path.name, required=REQUIRED)
    check = FieldChecker(path.name)
    rows = []
    for row, rec in table.rows:
        record = {c: rec.get(c, "") for c in COLUMNS}
        record["date"] = check.date(row, rec, "date")
        check.text(row, rec, "publisher")
        check.text(row, rec, "quote")
        check.url(row, rec, "source_url")
        kind = check.choice(row, rec, "kind", KINDS)
        check.choice(row, rec, "measure", MEASURES)
        if kind == "claim" and not rec.get("claimed_by"):
            check.add(row, "claimed_by", "a claim names no claimant", "say who claimed it")
        counts = {c: check.number(row, rec, c, 0, 10_000, required=False) for c in COUNT_COLUMNS}
        if all(v is None for v in counts.values()):
            check.add(row, "taliban", "the row gives no count", "fill in at least one count")
        for column, value in counts.items():
            if value is not None and value != int(value):
                check.add(row, column, f"'{rec[column]}' is not a whole number", "write a count")
        rows.append(record | counts)
    check.raise_if_any()
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in COUNT_COLUMNS:
        frame[column] = pd.to_numeric(frame[column]).astype("Int64")
    return frame.sort_values("date", kind="stable").reset_index(drop=True)
