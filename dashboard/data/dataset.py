"""A data directory loaded as a whole: units, boundaries, control intervals, events, metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.data.control import load_control
from dashboard.data.events import empty_events, load_events
from dashboard.data.problems import DataError, Problem
from dashboard.data.published import empty_published_counts, load_published_counts
from dashboard.data.records import ControlRecord, KeyDate, Unit
from dashboard.data.tables import ISO_DATE, FieldChecker, read_csv
from dashboard.data.units import load_boundaries, load_units
from dashboard.data.vocabulary import AFGHANISTAN_2021, Vocabulary, vocabulary_of

SHIPPED_DATA = Path(__file__).resolve().parents[2] / "geodata"


@dataclass
class Dataset:
    """Everything the dashboard shows, validated.

    Attributes
    ----------
    units : dict of str to Unit
        Provinces and districts by P-code, in file order.
    geometry : geopandas.GeoDataFrame
        One polygon per unit, indexed by P-code, with ``schematic`` and ``geometry_source``.
    control : tuple of ControlRecord
        Status intervals sorted by unit and date.
    events : pandas.DataFrame
        Events in ACLED's layout (see ``dashboard.data.events``).
    context : geopandas.GeoDataFrame or None
        Neighbouring countries, drawn as a plain background when no tiles load.
    meta : dict
        ``datapackage.json``: title, version, sources and licences.
    key_dates : tuple of KeyDate
        Dates offered as shortcuts.
    published_counts : pandas.DataFrame
        District totals published by others (``published_counts.csv``, see
        ``dashboard.data.published``); empty when the file is absent.
    vocabulary : Vocabulary
        The area, sides, second-name language and framing ``datapackage.json`` declares
        (``dashboard.data.vocabulary``).
    """

    directory: Path
    units: dict[str, Unit]
    geometry: gpd.GeoDataFrame
    control: tuple[ControlRecord, ...]
    events: pd.DataFrame
    context: gpd.GeoDataFrame | None = None
    meta: dict = field(default_factory=dict)
    key_dates: tuple[KeyDate, ...] = ()
    published_counts: pd.DataFrame = field(default_factory=empty_published_counts)
    vocabulary: Vocabulary = AFGHANISTAN_2021

    def provinces(self) -> list[Unit]:
        return [u for u in self.units.values() if u.level == "province"]

    def districts_of(self, province: str) -> list[Unit]:
        return [u for u in self.units.values() if u.parent == province]

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unversioned"))

    @property
    def title(self) -> str:
        return str(self.meta.get("title", self.directory.name))

    @property
    def period(self) -> tuple[date, date] | None:
        """The period the data declares it covers (``period`` in ``datapackage.json``), if any."""
        declared = self.meta.get("period") or {}
        try:
            return date.fromisoformat(declared["start"]), date.fromisoformat(declared["end"])
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def opening_date(self) -> date | None:
        """The date the package asks the map to open on (``period.opens``), if it declares one."""
        declared = self.meta.get("period") or {}
        try:
            return date.fromisoformat(declared["opens"])
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def boundary_set(self) -> dict:
        """Name, source and licence of the boundaries in use (from ``datapackage.json``)."""
        return dict(
            self.meta.get(
                "boundary_set", {"name": "unnamed boundaries", "source": "", "licence": "unknown"}
            )
        )


def load_dataset(directory: Path | str = SHIPPED_DATA) -> Dataset:
    """Load and validate a data directory, raising ``DataError`` with every problem found.

    The directory holds ``units.csv``, ``boundaries.geojson`` and ``control.csv``, and optionally
    ``events.csv``, ``context.geojson`` and ``datapackage.json``; ``geodata/README.md`` describes
    each file.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise DataError.one(
            str(directory),
            None,
            None,
            "no such data directory",
            "give a directory holding units.csv, boundaries.geojson and control.csv",
        )
    problems: list[Problem] = []
    units = _required(directory / "units.csv", problems, load_units)
    if units is None:
        raise DataError(problems)
    geometry = _required(directory / "boundaries.geojson", problems, load_boundaries, units)
    meta = _collect(problems, _meta, directory)
    vocabulary = _collect(problems, vocabulary_of, meta or {}) or AFGHANISTAN_2021
    control = _required(
        directory / "control.csv", problems, load_control, units, vocabulary.record_statuses
    )
    events = empty_events()
    if (directory / "events.csv").exists() and geometry is not None:
        events = _collect(problems, load_events, directory / "events.csv", units, geometry)
    key_dates: tuple[KeyDate, ...] = ()
    if (directory / "key_dates.csv").exists():
        key_dates = _collect(problems, load_key_dates, directory / "key_dates.csv") or ()
    published = empty_published_counts()
    if (directory / "published_counts.csv").exists():
        found = _collect(problems, load_published_counts, directory / "published_counts.csv")
        published = published if found is None else found
    context = _collect(problems, _context, directory)
    if problems:
        raise DataError(problems)
    return Dataset(
        directory, units, geometry, control, events, context, meta, key_dates, published, vocabulary
    )


def load_key_dates(path: Path) -> tuple[KeyDate, ...]:
    """Read ``key_dates.csv``: dates worth a shortcut button, each with a label and a source."""
    table = read_csv(path, path.name, required=("date", "label", "source_url"))
    check = FieldChecker(path.name)
    found = [
        KeyDate(
            check.date(row, rec, "date"),
            check.text(row, rec, "label"),
            check.url(row, rec, "source_url"),
        )
        for row, rec in table.rows
    ]
    check.raise_if_any()
    return tuple(sorted(found, key=lambda k: k.date))


def _required(path: Path, problems: list[Problem], loader, *args):
    if not path.exists():
        problems.append(
            Problem(
                path.name,
                None,
                None,
                f"the file is missing from {path.parent}",
                f"add {path.name} (see geodata/README.md for its columns)",
            )
        )
        return None
    return _collect(problems, loader, path, *args)


def _collect(problems: list[Problem], loader, *args):
    try:
        return loader(*args)
    except DataError as error:
        problems.extend(error.problems)
        return None


def _context(directory: Path) -> gpd.GeoDataFrame | None:
    path = directory / "context.geojson"
    if not path.exists():
        return None
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several error types for unreadable data
        raise DataError(
            [
                _file_problem(
                    path.name, None, f"cannot be read as GeoJSON ({exc})", "fix or remove it"
                )
            ]
        ) from exc
    if frame.empty or frame.geometry.isna().any() or not frame.geometry.is_valid.all():
        raise DataError(
            [_file_problem(path.name, "geometry", "holds invalid or no shapes", "fix or remove it")]
        )
    return frame


def _meta(directory: Path) -> dict:
    """``datapackage.json``, checked where the app reads it: title, version, boundary_set, period."""
    path = directory / "datapackage.json"
    if not path.exists():
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:
        raise DataError(
            [
                _file_problem(
                    path.name,
                    None,
                    f"not valid JSON ({exc})",
                    "fix the JSON syntax or remove the file",
                )
            ]
        ) from exc
    problems = _file_problems(path.name, meta)
    if problems:
        raise DataError(problems)
    return meta


def _file_problems(name: str, meta) -> list[Problem]:
    if not isinstance(meta, dict):
        return [_file_problem(name, None, "the top level is not a JSON object", "write {...}")]
    problems = [
        _file_problem(name, key, f"'{key}' is not text", f'write "{key}": "..."')
        for key in ("title", "version")
        if key in meta and not isinstance(meta[key], str | int | float)
    ]
    boundary = meta.get("boundary_set", {})
    if not isinstance(boundary, dict) or not all(isinstance(v, str) for v in boundary.values()):
        problems.append(
            _file_problem(
                name,
                "boundary_set",
                "is not an object of texts",
                'write "boundary_set": {"name": "...", "source": "https://...", "licence": "..."}',
            )
        )
    if "period" in meta:
        problems += _period_problems(name, meta["period"])
    return problems


def _period_problems(name: str, period) -> list[Problem]:
    fix = 'write "period": {"start": "2021-05-01", "end": "2021-09-30"} (YYYY-MM-DD, start first)'
    try:
        start, end = (period[k] for k in ("start", "end"))
        if not (ISO_DATE.fullmatch(start) and ISO_DATE.fullmatch(end)):
            raise ValueError
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except (KeyError, TypeError, ValueError):
        return [_file_problem(name, "period", "is not a start and an end date", fix)]
    if last <= first:
        return [_file_problem(name, "period", f"ends ({last}) before it starts ({first})", fix)]
    if "opens" not in period:
        return []
    fix_opens = f'write "opens": "YYYY-MM-DD", a date from {first} to {last}, or leave it out'
    opens = period["opens"]
    try:
        if not ISO_DATE.fullmatch(opens):
            raise ValueError
        day = date.fromisoformat(opens)
    except (TypeError, ValueError):
        return [_file_problem(name, "period.opens", f"{opens!r} is not a date", fix_opens)]
    if not first <= day <= last:
        return [_file_problem(name, "period.opens", f"{day} is outside the period", fix_opens)]
    return []


def _file_problem(name: str, field_name: str | None, message: str, fix: str) -> Problem:
    return Problem(name, None, field_name, message, fix)


def write_period(directory: Path, period: tuple[date, date]) -> None:
    """Set ``period`` in the directory's ``datapackage.json`` (written whole, then renamed)."""
    path = Path(directory) / "datapackage.json"
    meta = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    meta["period"] = {"start": period[0].isoformat(), "end": period[1].isoformat()}
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    partial.replace(path)
