"""``python -m dashboard``: validate, query and export data directories from the shell."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date
from pathlib import Path

from dashboard.data import SHIPPED_DATA, DataError, load_dataset
from dashboard.timeline import Timeline

STATUS_COLUMNS = ["unit", "name", "level", "parent", "status", "since", "confidence", "source_url"]
CHANGE_COLUMNS = [
    "date",
    "unit",
    "name",
    "level",
    "from_status",
    "to_status",
    "confidence",
    "source_url",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Validate, query and export Naqsha data directories.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser(
        "validate", help="check a data directory and print every problem"
    )
    validate.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=SHIPPED_DATA,
        help="data directory (default: the shipped geodata/)",
    )

    status = commands.add_parser("status", help="print every unit's state on a date as CSV")
    status.add_argument("--date", required=True, type=_iso_date, help="YYYY-MM-DD")
    _data_option(status)

    changes = commands.add_parser(
        "changes", help="print every status change between two dates as CSV"
    )
    changes.add_argument(
        "--from", dest="start", required=True, type=_iso_date, help="first date, YYYY-MM-DD"
    )
    changes.add_argument(
        "--to", dest="end", required=True, type=_iso_date, help="last date, YYYY-MM-DD"
    )
    _data_option(changes)
    return parser


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=SHIPPED_DATA,
        help="data directory (default: the shipped geodata/)",
    )


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a date; write YYYY-MM-DD, e.g. 2021-08-15"
        ) from exc


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except DataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) found.", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (e.g. `head`) stopped early: not an error
        sys.stderr.close()
        return 0


def run_validate(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.directory)
    print(
        f"{args.directory}: OK: {len(dataset.units)} units, {len(dataset.control)} control records, {len(dataset.events)} events."
    )
    return 0


def run_status(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.data)
    writer = _csv_writer(STATUS_COLUMNS)
    for code, state in Timeline(dataset.units, dataset.control).state_on(args.date).items():
        unit = state.unit
        writer.writerow(
            {
                "unit": code,
                "name": unit.name_en,
                "level": unit.level,
                "parent": unit.parent or "",
                "status": state.status,
                "since": state.since or "",
                "confidence": state.confidence,
                "source_url": state.record.source_url if state.record else "",
            }
        )
    return 0


def run_changes(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.data)
    writer = _csv_writer(CHANGE_COLUMNS)
    for change in Timeline(dataset.units, dataset.control).changes(args.start, args.end):
        writer.writerow(
            {
                "date": change.date,
                "unit": change.unit.unit,
                "name": change.unit.name_en,
                "level": change.unit.level,
                "from_status": change.from_status,
                "to_status": change.to_status,
                "confidence": change.confidence,
                "source_url": change.record.source_url if change.record else "",
            }
        )
    return 0


def _csv_writer(columns: list[str]) -> csv.DictWriter:
    writer = csv.DictWriter(sys.stdout, columns, lineterminator="\n")
    writer.writeheader()
    return writer


COMMANDS = {"validate": run_validate, "status": run_status, "changes": run_changes}
