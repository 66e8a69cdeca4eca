"""CSV text that is safe to open in a spreadsheet.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can run as a formula
when the file is opened in Excel, LibreOffice or Google Sheets ("CSV injection"). Following
OWASP's advice, every such text cell of an export is prefixed with a single quote, which
spreadsheets show as text; numbers (``-12.5``) are left alone. Data files the program reads back
(``events.csv`` in a data directory) are written unchanged, so no data is lost.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` with a leading ``'`` if it is text a spreadsheet could read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def csv_text(columns: list[str], rows: Iterable[dict]) -> str:
    """Rows (dicts keyed by ``columns``; other keys ignored) as spreadsheet-safe CSV text."""
    buffer = io.StringIO()
    write_csv(buffer, columns, rows)
    return buffer.getvalue()


def write_csv(out, columns: list[str], rows: Iterable[dict]) -> None:
    """Write spreadsheet-safe CSV (header first) to the open text stream ``out``."""
    writer = csv.DictWriter(out, columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) for k, v in row.items()})


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.isascii()
