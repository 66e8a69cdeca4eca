"""``python -m dashboard``: validate, query and export data directories from the shell."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from dashboard.cli_parser import build_parser
from dashboard.data import SHIPPED_DATA, DataError, Dataset, load_dataset
from dashboard.data.acled import (
    merge_events,
    read_acled,
)
from dashboard.data.acled_report import outside_period_note, widened
from dashboard.data.boundaries import read_official_boundaries
from dashboard.data.boundary_writer import replace_geometry
from dashboard.data.centres import centre_checks
from dashboard.data.dataset import write_period
from dashboard.data.events import write_events_csv
from dashboard.data.suggestions import suggested_changes, suggestions_csv
from dashboard.data.tiling import tiling_problems
from dashboard.export import (
    CHANGE_COLUMNS,
    STATUS_COLUMNS,
    change_rows,
    status_rows,
    view_files,
)
from dashboard.export.site import write_site
from dashboard.serving import warm
from dashboard.spreadsheet import write_csv
from dashboard.timeline import Timeline
from dashboard.timeline.core import period
from dashboard.timeline.events import EventFilter, events_on

APP = Path(__file__).resolve().parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, others = parser.parse_known_args(argv)
    if others and args.command != "serve":
        parser.error(f"unrecognized arguments: {' '.join(others)}")
    args.streamlit_options = others
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
    except OSError as error:  # a path that is a directory, unreadable, read-only or missing
        where = error.filename or "a file"
        reason = error.strerror or str(error)
        print(f"{where}: {reason}. Fix: check the path and its permissions.", file=sys.stderr)
        return 1
    except RecursionError:
        print("The input is nested too deeply to read. Fix: give a flatter file.", file=sys.stderr)
        return 1


def run_validate(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.directory)
    for warning in centre_checks(dataset.units, dataset.geometry.geometry)[0]:
        print(f"Warning: {warning}")
    tiling = tiling_problems(dataset.units, dataset.geometry)
    if tiling:
        raise DataError(tiling)
    print(
        f"{args.directory}: OK: {len(dataset.units)} units, {len(dataset.control)} control records, {len(dataset.events)} events."
    )
    return 0


def _check_in_period(dataset: Dataset, timeline: Timeline, start: date, end: date) -> None:
    """Refuse dates outside the data's period (or a window that ends before it starts)."""
    first, last = period(dataset, timeline)
    if start > end or end < first or start > last:
        asked = str(start) if start == end else f"{start} to {end}"
        raise DataError.one(
            "command line",
            None,
            "--date" if start == end else "--from/--to",
            f"{asked} is outside the data, which covers {first} to {last}",
            f"give dates from {first} to {last}, the earlier one first",
        )


def run_status(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.data)
    timeline = Timeline.from_dataset(dataset)
    _check_in_period(dataset, timeline, args.date, args.date)
    rows = status_rows(dataset, timeline, args.date)
    write_csv(sys.stdout, STATUS_COLUMNS, rows)
    return 0


def run_changes(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.data)
    timeline = Timeline.from_dataset(dataset)
    _check_in_period(dataset, timeline, args.start, args.end)
    rows = change_rows(timeline, args.start, args.end)
    write_csv(sys.stdout, CHANGE_COLUMNS, rows)
    return 0


def run_import_acled(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.data)
    imported = read_acled(
        args.file,
        args.file.name,
        dataset.units,
        dataset.geometry,
        keep_first=args.keep_first,
        strict=args.strict,
    )
    matched = imported.events[imported.events["province"] != ""]
    merged = merge_events(dataset.events, matched, args.file.name)
    period = dataset.period
    if args.widen_period and period is not None:
        period = widened(matched, period)
    with tempfile.TemporaryDirectory() as tmp:  # validate the result before touching the data
        trial = Path(tmp) / "data"
        shutil.copytree(args.data, trial)
        write_events_csv(merged, trial / "events.csv")
        if period != dataset.period:
            write_period(trial, period)
        load_dataset(trial)
    if args.suggestions:
        args.suggestions.write_text(
            suggestions_csv(suggested_changes(matched, dataset.units, dataset.vocabulary)),
            encoding="utf-8",
        )
    write_events_csv(merged, Path(args.data) / "events.csv")
    print(f"{args.file.name} ({imported.layout} layout): {imported.report.summary()}")
    if period != dataset.period:
        write_period(Path(args.data), period)
        print(f"The data's period is now {period[0]} to {period[1]} (datapackage.json).")
    elif note := outside_period_note(matched, dataset.period):
        print(note)
    print(
        f"Added {len(matched)} event(s) to {args.data}; {len(imported.events) - len(matched)} unmatched event(s) left out."
    )
    return 0


def run_import_boundaries(args: argparse.Namespace) -> int:
    if not args.provinces and not args.districts:
        raise DataError.one(
            "import-boundaries",
            None,
            None,
            "no boundary file given",
            "give --provinces FILE, --districts FILE or both",
        )
    provinces = (
        read_official_boundaries(
            args.provinces, "province", code_field=args.province_code_field, repair=args.repair
        )
        if args.provinces
        else None
    )
    districts = (
        read_official_boundaries(
            args.districts,
            "district",
            code_field=args.district_code_field,
            parent_field=args.parent_field,
            repair=args.repair,
        )
        if args.districts
        else None
    )
    boundary_set = {"name": args.name, "source": args.source, "licence": args.licence}
    report = replace_geometry(
        Path(args.data),
        provinces,
        districts,
        args.out,
        boundary_set,
        allow_unmatched=args.allow_unmatched,
    )
    print(report.summary())
    for line in report.details():
        print(line)
    return 0


def run_export(args: argparse.Namespace) -> int:
    dataset = load_dataset(args.data)
    if args.unit and args.unit not in dataset.units:
        raise DataError.one(
            "export",
            None,
            "--unit",
            f"no unit '{args.unit}' in {args.data}",
            "give a P-code from units.csv, e.g. AF08",
        )
    timeline = Timeline.from_dataset(dataset)
    if args.format == "site":
        print(write_site(dataset, timeline, args.out, args.date, args.unit).summary())
        return 0
    if args.date is None:
        raise DataError.one(
            "export",
            None,
            "--date",
            f"--format {args.format} needs a date",
            "add --date YYYY-MM-DD",
        )
    _check_in_period(dataset, timeline, args.date, args.date)
    data = _export_data(dataset, timeline, args)
    try:
        if isinstance(data, bytes):
            args.out.write_bytes(data)
        else:
            args.out.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise DataError.one(
            str(args.out),
            None,
            None,
            f"cannot write the file ({exc.strerror})",
            "give --out a path in a writable directory",
        ) from exc
    print(f"Wrote {args.out} ({args.format}, {args.date.isoformat()}).")
    return 0


def _export_data(dataset: Dataset, timeline: Timeline, args: argparse.Namespace) -> str | bytes:
    # The events a view shows by default: the last 7 days up to the date.
    events = events_on(dataset.events, args.date, EventFilter(window="last 7 days"))
    return view_files(dataset, timeline, args.date, events, args.unit, (args.format,))[0].data


def run_serve(args: argparse.Namespace) -> int:
    """Prepare the data (from the cache if current) before Streamlit listens, so that the first
    visitor does not wait for it, then hand this process to ``streamlit run``."""
    from dashboard.launch import run_streamlit

    started = time.perf_counter()
    directory = args.data or Path(os.environ.get("NAQSHA_DATA") or SHIPPED_DATA)
    os.environ["NAQSHA_DATA"] = str(directory)
    ready = warm(directory)
    print(
        f"{directory}: {len(ready.dataset.units)} units, {len(ready.dataset.events)} events "
        f"ready in {time.perf_counter() - started:.1f} s; starting Streamlit.",
        flush=True,
    )
    return run_streamlit(str(APP), args.streamlit_options)


COMMANDS = {
    "validate": run_validate,
    "status": run_status,
    "changes": run_changes,
    "import-acled": run_import_acled,
    "import-boundaries": run_import_boundaries,
    "export": run_export,
    "serve": run_serve,
}
