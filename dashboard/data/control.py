"""Loading ``control.csv``: who held each unit from when to when, and how we know."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from dashboard.data.records import (
    CONFIDENCES,
    DATE_PRECISIONS,
    ControlRecord,
    Unit,
)
from dashboard.data.tables import FieldChecker, read_csv
from dashboard.data.vocabulary import AFGHANISTAN_2021

CONTROL_COLUMNS = ("unit", "status", "valid_from", "valid_to", "confidence", "source_url")


def load_control(
    path: Path, units: dict[str, Unit], statuses: tuple[str, ...] = AFGHANISTAN_2021.record_statuses
) -> tuple[ControlRecord, ...]:
    """Read ``control.csv`` into records sorted by unit and date; ``statuses`` are those the
    data package's vocabulary allows (its sides and ``contested``).

    Checks every field, that units exist and have the stated level, and that one unit's
    intervals are in date order and never overlap.
    """
    table = read_csv(path, path.name, required=CONTROL_COLUMNS)
    check = FieldChecker(path.name)
    records = []
    for row, rec in table.rows:
        record = _parse_row(check, row, rec, units, statuses)
        if record is not None:
            records.append(record)
    _check_intervals(check, records)
    check.raise_if_any()
    return tuple(sorted(records, key=lambda r: (r.unit, r.valid_from)))


def _parse_row(
    check: FieldChecker,
    row: int,
    rec: dict[str, str],
    units: dict[str, Unit],
    statuses: tuple[str, ...],
) -> ControlRecord | None:
    code = rec.get("unit", "")
    unit = units.get(code)
    if unit is None:
        check.add(
            row,
            "unit",
            f"unknown unit '{code}'",
            "use a P-code listed in units.csv, e.g. AF08 or AF0801",
        )
    elif rec.get("level") and rec["level"] != unit.level:
        check.add(
            row,
            "level",
            f"'{code}' is a {unit.level}, not a {rec['level']}",
            f"write '{unit.level}'",
        )
    status = check.choice(row, rec, "status", statuses)
    valid_from = check.date(row, rec, "valid_from")
    valid_to = check.date(row, rec, "valid_to", required=False)
    if valid_from and valid_to and valid_to < valid_from:
        check.add(
            row,
            "valid_to",
            f"valid_to {valid_to} is before valid_from {valid_from}",
            "swap the dates or correct the end date",
        )
    confidence = check.choice(row, rec, "confidence", CONFIDENCES)
    precision = check.choice(row, rec, "date_precision", DATE_PRECISIONS, required=False) or "day"
    source_url = check.url(row, rec, "source_url")
    if unit is None or valid_from is None:
        return None
    return ControlRecord(
        unit=code,
        status=status,
        valid_from=valid_from,
        valid_to=valid_to,
        confidence=confidence,
        source_url=source_url,
        claimed_by=rec.get("claimed_by", ""),
        disputed_by=rec.get("disputed_by", ""),
        date_precision=precision,
        source_publisher=rec.get("source_publisher", ""),
        source_title=rec.get("source_title", ""),
        note=rec.get("note", ""),
        row=row,
    )


def _check_intervals(check: FieldChecker, records: list[ControlRecord]) -> None:
    by_unit: dict[str, list[ControlRecord]] = defaultdict(list)
    for record in records:
        by_unit[record.unit].append(record)
    for unit_records in by_unit.values():
        for before, after in zip(unit_records, unit_records[1:], strict=False):
            if after.valid_from < before.valid_from:
                check.add(
                    after.row,
                    "valid_from",
                    f"the intervals of {after.unit} are not in date order (row {before.row} starts {before.valid_from})",
                    "sort each unit's rows by valid_from",
                )
            elif before.valid_to is None or after.valid_from <= before.valid_to:
                ends = "has no end date" if before.valid_to is None else f"ends {before.valid_to}"
                check.add(
                    after.row,
                    "valid_from",
                    f"{after.unit} from {after.valid_from} overlaps row {before.row}, which {ends}",
                    f"set valid_to on row {before.row} to the day before {after.valid_from}",
                )
