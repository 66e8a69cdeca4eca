"""Reading CSV files defensively, and checking their fields one by one.

Every loader goes through :func:`read_csv` and :class:`FieldChecker`, so that a bad file always
gets the same kind of message: the file, the row, the field, and what to do.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dashboard.data.problems import DataError, Problem

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
_DELIMITERS = (",", ";", "\t")


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# At most seven ASCII digits: isdigit() also accepts "١٢" and "²", which pandas cannot read.
WHOLE_NUMBER = re.compile(r"[0-9]{1,7}")


@dataclass
class Table:
    """A parsed CSV file: its column names and its rows with their line numbers."""

    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_csv(
    source: Path | bytes,
    name: str,
    required: tuple[str, ...] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_empty: bool = False,
    max_rows: int | None = None,
) -> Table:
    """Read a CSV file into a :class:`Table`, or raise :class:`DataError` saying what is wrong.

    Parameters
    ----------
    source : Path or bytes
        The file, or its content (an upload).
    name : str
        The file's name as the user knows it, used in every message.
    required : tuple of str
        Columns that must be present.
    max_bytes : int
        Larger files are refused before they are parsed.
    allow_empty : bool
        Accept a file with a header and no rows.
    max_rows : int, optional
        Files with more lines than this (header excluded) are refused before they are parsed.

    Notes
    -----
    A UTF-8 byte-order mark is accepted and dropped, and ``;`` or tab separators are recognised
    from the header line (spreadsheets in many locales write them). Other encodings are refused
    rather than guessed, because a wrong guess silently garbles Dari names.
    """
    raw = _read_bytes(source, name, max_bytes)
    if max_rows is not None and raw.count(b"\n") - 1 > max_rows:
        raise DataError.one(
            name,
            None,
            None,
            f"the file has more than {max_rows:,} rows, the limit for an upload",
            "filter the export to the period and area you need, or import it with "
            "python -m dashboard import-acled",
        )
    text = _decode(raw, name)
    if not text.strip():
        raise DataError.one(
            name,
            None,
            None,
            "the file is empty",
            "export it again with a header row and data rows",
        )
    header_line = text.splitlines()[0]
    delimiter = max(_DELIMITERS, key=header_line.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [c.strip() for c in (reader.fieldnames or [])]
    reader.fieldnames = columns
    _check_columns(name, columns, required)
    rows = []
    first_line = reader.line_num + 1  # a quoted value may span lines: name the record's first
    try:
        for record in reader:
            line, first_line = first_line, reader.line_num + 1
            extra = record.pop(None, None)
            if extra:
                raise DataError.one(
                    name,
                    line,
                    None,
                    f"the row has {len(columns) + len(extra)} values but the header has {len(columns)} columns",
                    "quote values that contain the separator, or remove the extra values",
                )
            rows.append((line, {k: (v or "").strip() for k, v in record.items()}))
    except csv.Error as exc:
        raise DataError.one(
            name,
            reader.line_num,
            None,
            f"the CSV cannot be parsed ({exc})",
            "check the quoting on that line",
        ) from exc
    if not rows and not allow_empty:
        raise DataError.one(
            name,
            None,
            None,
            "the file has a header but no data rows",
            "add at least one row, or leave the file out",
        )
    return Table(name, columns, rows)


def _read_bytes(source: Path | bytes, name: str, max_bytes: int) -> bytes:
    """The file's bytes, refusing more than ``max_bytes``. Reads at most one byte past the limit,
    so special files (``/dev/zero``, a FIFO), whose size ``stat`` reports as 0, are bounded too."""
    if isinstance(source, bytes):
        raw = source
    else:
        try:
            if not source.is_file():
                raise IsADirectoryError(0, "not a regular file", str(source))
            with source.open("rb") as handle:
                raw = handle.read(max_bytes + 1)
        except OSError as exc:
            raise DataError.one(
                name,
                None,
                None,
                f"the file cannot be read ({exc.strerror or exc})",
                "give the path of a readable regular file (not a directory or device)",
            ) from exc
    if len(raw) > max_bytes:
        raise DataError.one(
            name,
            None,
            None,
            f"the file is more than the limit of {max_bytes / 1e6:.0f} MB",
            "split it, or filter it to the period and country you need",
        )
    return raw


def _decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataError.one(
            name,
            line,
            None,
            "the file holds a NUL byte (it may be binary, or UTF-16)",
            "save it as a UTF-8 CSV text file",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError.one(
            name,
            line,
            None,
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            "save or export the file as UTF-8 (in Excel: 'CSV UTF-8')",
        ) from exc


def _check_columns(name: str, columns: list[str], required: tuple[str, ...]) -> None:
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise DataError.one(
            name,
            1,
            ", ".join(repeated),
            f"the header names column(s) {', '.join(repeated)} more than once",
            "keep one column of each name (delete or rename the copies)",
        )
    missing = [c for c in required if c not in columns]
    if missing:
        raise DataError.one(
            name,
            1,
            ", ".join(missing),
            f"missing column(s) {', '.join(missing)}; the header has: {', '.join(columns) or 'nothing'}",
            f"add the column(s) {', '.join(missing)} to the header row",
        )


@dataclass
class FieldChecker:
    """Parses fields of one file, collecting a :class:`Problem` for each bad value."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, row: int | None, name: str | None, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, row, name, message, fix))

    def text(self, row: int, record: dict[str, str], name: str) -> str:
        value = record.get(name, "")
        if not value:
            self.add(row, name, "the value is empty", f"fill in '{name}'")
        return value

    def date(
        self, row: int, record: dict[str, str], name: str, required: bool = True
    ) -> date | None:
        value = record.get(name, "")
        if not value:
            if required:
                self.add(
                    row, name, "the date is empty", "write the date as YYYY-MM-DD, e.g. 2021-08-15"
                )
            return None
        try:
            # fromisoformat alone also takes 20210508 and 2021-W33-1, which pandas does not.
            if not ISO_DATE.fullmatch(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.add(
                row,
                name,
                f"'{value}' is not a valid date",
                "write the date as YYYY-MM-DD, e.g. 2021-08-15",
            )
            return None

    def choice(
        self,
        row: int,
        record: dict[str, str],
        name: str,
        allowed: tuple[str, ...],
        required: bool = True,
    ) -> str:
        value = record.get(name, "")
        if not value and not required:
            return ""
        if value not in allowed:
            self.add(
                row,
                name,
                f"'{value}' is not one of {', '.join(allowed)}",
                f"use one of: {', '.join(allowed)}",
            )
        return value

    def url(self, row: int, record: dict[str, str], name: str, required: bool = True) -> str:
        value = record.get(name, "")
        if not value:
            if required:
                self.add(
                    row,
                    name,
                    "the source URL is missing",
                    "add the http(s) address of the source that supports this row",
                )
            return ""
        if not is_web_url(value):
            self.add(
                row,
                name,
                f"'{value}' is not an http(s) URL that can be linked",
                "give the full address, starting with https://, with any space, quote, < or >"
                " percent-encoded (%20, %22, %3C, %3E)",
            )
        return value

    def number(
        self,
        row: int,
        record: dict[str, str],
        name: str,
        low: float,
        high: float,
        required: bool = True,
    ) -> float | None:
        value = record.get(name, "")
        if not value:
            if required:
                self.add(row, name, "the number is empty", f"fill in '{name}'")
            return None
        try:
            # ASCII only: float() also reads "١٢" and fullwidth digits, which pandas does not.
            number = float(value) if value.isascii() else math.nan
        except ValueError:
            number = math.nan
        if not low <= number <= high:
            self.add(
                row,
                name,
                f"'{value}' is not a number from {low:g} to {high:g}",
                f"write '{name}' as a decimal number from {low:g} to {high:g}",
            )
            return None
        return number

    def raise_if_any(self) -> None:
        if self.problems:
            raise DataError(self.problems)


# Characters RFC 3986 never allows in an address (they must be percent-encoded): with them, a
# URL could end an HTML attribute or a Markdown link early.
NOT_IN_URLS = re.compile(r'[\s"<>\\^`{|}\x00-\x1f\x7f]')


def is_web_url(value: str) -> bool:
    """True for ``http://`` and ``https://`` addresses with a host and no character that an
    address may not contain (spaces, quotes, angle brackets…): the only links we render."""
    stripped = value.strip()
    lowered = stripped.lower()
    return (
        (lowered.startswith("https://") or lowered.startswith("http://"))
        and len(lowered.split("/")) > 2
        and lowered.split("/")[2] != ""
        and not NOT_IN_URLS.search(stripped)
    )


STALE_SECONDS = 3600


def remove_stale(directory: Path, pattern: str, older_than: float = STALE_SECONDS) -> None:
    """Delete leftovers of a killed write (temporary files or folders matching ``pattern``)
    that are older than ``older_than`` seconds; a write under way is younger and is kept."""
    for path in directory.glob(pattern):
        try:
            if time.time() - path.lstat().st_mtime > older_than:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
        except OSError:
            continue
