"""The command line's commands and options (``python -m dashboard --help``); what each does is
in :mod:`dashboard.cli`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from dashboard.data import SHIPPED_DATA
from dashboard.export import (
    VIEW_FORMATS,
)

EXPORT_FORMATS = (*VIEW_FORMATS, "site")


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

    acled = commands.add_parser(
        "import-acled", help="validate an ACLED export and add its events to a data directory"
    )
    acled.add_argument("file", type=Path, help="ACLED CSV export (2023 layout or older)")
    acled.add_argument(
        "--keep-first",
        action="store_true",
        help="keep the first row of each repeated event_id_cnty and leave the rest out",
    )
    acled.add_argument(
        "--strict",
        action="store_true",
        help="refuse the file when a point lies outside the data's area, instead of leaving it out",
    )
    acled.add_argument(
        "--widen-period",
        action="store_true",
        help="widen the period in datapackage.json to the events' dates, so that all are shown",
    )
    acled.add_argument(
        "--suggestions",
        type=Path,
        help="also write suggested control changes (control.csv format) to this file",
    )
    _data_option(acled)

    bounds = commands.add_parser(
        "import-boundaries",
        help="write a copy of a data directory with official boundaries (COD-AB, geoBoundaries, GeoPackage)",
    )
    bounds.add_argument(
        "--provinces", type=Path, help="province boundary file (.zip shapefile, .geojson or .gpkg)"
    )
    bounds.add_argument(
        "--districts", type=Path, help="district boundary file (.zip shapefile, .geojson or .gpkg)"
    )
    bounds.add_argument("--out", type=Path, required=True, help="new data directory to create")
    bounds.add_argument(
        "--province-code-field",
        help="field holding province P-codes (default ADM1_PCODE; a geoBoundaries file without "
        "it is matched on shapeISO)",
    )
    bounds.add_argument(
        "--district-code-field",
        help="field holding district P-codes (default ADM2_PCODE; a geoBoundaries file without "
        "it is matched on shapeName within the province each shape overlaps most)",
    )
    bounds.add_argument(
        "--parent-field", help="district field holding the province P-code (default ADM1_PCODE)"
    )
    bounds.add_argument(
        "--allow-unmatched",
        action="store_true",
        help="leave out (and list) the features of a file without P-codes that match no unit, "
        "instead of refusing the import",
    )
    bounds.add_argument(
        "--repair",
        action="store_true",
        help="repair invalid polygons with shapely.make_valid instead of refusing them",
    )
    bounds.add_argument(
        "--name", default="official boundaries", help="name of the boundary set, shown in the app"
    )
    bounds.add_argument("--source", default="", help="where the boundaries come from (URL)")
    bounds.add_argument(
        "--licence", default="see the source", help="licence of the boundaries, shown in the app"
    )
    _data_option(bounds)

    export = commands.add_parser(
        "export",
        help="write the map on a date as GeoJSON, CSV or a self-contained HTML file, "
        "or the whole timeline as a static site",
    )
    export.add_argument(
        "--date",
        type=_iso_date,
        help="YYYY-MM-DD (required, except for a site, which opens on it if given)",
    )
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="output format")
    export.add_argument(
        "--out", type=Path, required=True, help="file to write (for a site: a new folder)"
    )
    export.add_argument("--unit", help="P-code of the unit to select in the HTML map or site")
    _data_option(export)

    serve = commands.add_parser(
        "serve",
        help="prepare the data, then run the dashboard (streamlit run dashboard/app.py); "
        "other options go to streamlit run",
    )
    serve.add_argument(
        "--data",
        type=Path,
        help="data directory (default: $NAQSHA_DATA, else the shipped geodata/)",
    )
    # Any other option (e.g. --server.port 8502) is passed on to streamlit run.
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
