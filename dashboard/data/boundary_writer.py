"""Writing a copy of a data directory whose polygons come from official boundaries.

:func:`replace_geometry` takes the frames that
:func:`dashboard.data.boundaries.read_official_boundaries` returns, checks them against the data
directory's ``units.csv``, and writes a new directory (never overwriting one), loading it with
``load_dataset`` before it is put in place. Units are matched on P-codes; a geoBoundaries file
without them is matched on ISO codes and names by :mod:`dashboard.data.boundary_matching`.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping

from dashboard.data.boundary_matching import Matching, match_units
from dashboard.data.centres import centre_checks
from dashboard.data.dataset import Dataset, load_dataset
from dashboard.data.problems import DataError, Problem
from dashboard.data.records import Unit
from dashboard.data.tables import read_csv, remove_stale
from dashboard.data.units import OFFICIAL_SOURCE

COPIED_FILES = (
    "units.csv", "control.csv", "events.csv", "key_dates.csv", "context.geojson",
    "datapackage.json",
)  # fmt: skip
OUTPUT_COLUMNS = ["unit", "name_en", "name_fa", "parent", "geometry"]


@dataclass
class ImportReport:
    """What :func:`replace_geometry` did.

    Attributes
    ----------
    out_dir : Path
        The data directory written.
    replaced : list of str
        P-codes whose geometry now comes from the official file.
    added : list of str
        District P-codes added to ``units.csv``.
    kept : list of str
        P-codes not in the official file(s), which keep their old geometry.
    notes : list of str
        What was done while reading (reprojection, repairs, assumed CRS, derived parents).
    boundary_set : dict
        The ``boundary_set`` written to ``datapackage.json``.
    matching : Matching
        How each feature was matched (by code, ISO code, name, alias or spelling variant), the
        warnings (names that differ from the unit's, spelling variants, centres a few km
        outside their polygon) and the features left out because they matched no unit.
    """

    out_dir: Path
    replaced: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    boundary_set: dict = field(default_factory=dict)
    matching: Matching = field(default_factory=Matching)

    def summary(self) -> str:
        text = (
            f"Wrote {self.out_dir}: {len(self.replaced)} unit(s) now use the official geometry, "
            f"{len(self.added)} district(s) were added to units.csv, {len(self.kept)} unit(s) "
            "keep their old geometry"
        )
        if self.kept:
            text += f" ({', '.join(self.kept)})"
        counts = f"{self.matching.counts_text()}; {len(self.matching.warnings)} warning(s)"
        if self.matching.unmatched:
            counts += (
                f"; {len(self.matching.unmatched)} feature(s) matched no unit and were left out"
            )
        return ". ".join([text, counts, *self.notes]) + "."

    def details(self) -> list[str]:
        """Every match by ISO code or name, every warning and every feature left out, one a line."""
        return [
            *self.matching.matches,
            *(f"Warning: {w}" for w in self.matching.warnings),
            *(f"Left out: {p}" for p in self.matching.unmatched),
        ]


def replace_geometry(
    data_dir: Path,
    provinces: gpd.GeoDataFrame | None,
    districts: gpd.GeoDataFrame | None,
    out_dir: Path,
    boundary_set: dict,
    allow_unmatched: bool = False,
) -> ImportReport:
    """Write a copy of ``data_dir`` to ``out_dir`` whose polygons come from official boundaries.

    Parameters
    ----------
    data_dir : Path
        A valid data directory (checked with ``load_dataset`` first).
    provinces, districts : geopandas.GeoDataFrame or None
        Results of :func:`~dashboard.data.boundaries.read_official_boundaries` for each
        level, or ``None`` to keep that level's geometry.
    out_dir : Path
        The new directory; it must not exist yet (or be empty).
    boundary_set : dict
        ``name``, ``source`` and ``licence`` of the boundaries, written to ``datapackage.json``.
    allow_unmatched : bool
        Leave out the features of a file without P-codes that match no unit (or match
        ambiguously), listing them in the report, instead of refusing the import.

    Returns
    -------
    ImportReport

    Raises
    ------
    DataError
        If the inputs do not fit (unknown provinces, a district whose province is unknown, a
        level mismatch, an unknown or repeated ISO code, a feature that matches no unit unless
        ``allow_unmatched``), if a centre in ``units.csv`` lies more than about 25 km outside
        its new polygon (:mod:`dashboard.data.centres`; closer is a warning), or if the new
        directory would not load. Nothing is written then.

    Notes
    -----
    Official polygons replace the matching units' geometry (``schematic: false``,
    ``geometry_source`` naming the file); official districts not yet in ``units.csv`` are
    added with their parent P-code and English and Dari names, and no centre; units not in the
    official file(s) keep their old geometry. Everything is written to a temporary directory
    beside ``out_dir``, loaded with ``load_dataset`` and only then renamed to ``out_dir``.
    """
    _check_target(out_dir)
    _check_boundary_set(boundary_set)
    dataset = load_dataset(data_dir)
    matching = Matching()
    provinces, districts = _matched(dataset, provinces, districts, matching)
    if matching.problems or (matching.unmatched and not allow_unmatched):
        raise DataError(matching.problems + matching.unmatched)
    official = _official(provinces, districts)
    _check_official(official, dataset.units)
    warnings, problems = centre_checks(dataset.units, _new_shapes(dataset, official))
    if problems:
        raise DataError(problems)
    matching.warnings += warnings
    added = official[~official["unit"].isin(list(dataset.units))]
    report = ImportReport(
        out_dir,
        replaced=[c for c in official["unit"] if c in dataset.units],
        added=list(added["unit"]),
        kept=[c for c in dataset.geometry.index if c not in set(official["unit"])],
        notes=_notes(provinces, districts),
        boundary_set=dict(boundary_set),
        matching=matching,
    )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out_dir.parent, f".{out_dir.name}.tmp-*")
    temp = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.tmp-"))
    try:
        _write_directory(data_dir, temp, official, added, boundary_set)
        load_dataset(temp)
        if out_dir.exists():
            out_dir.rmdir()
        temp.rename(out_dir)
    finally:
        if temp.exists():
            shutil.rmtree(temp)
    return report


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise DataError.one(
            str(out_dir),
            None,
            None,
            "the output directory already exists and is not empty",
            "choose a new directory; the import never overwrites data",
        )


def _check_boundary_set(boundary_set: dict) -> None:
    missing = [k for k in ("name", "licence") if not str(boundary_set.get(k, "")).strip()]
    if missing:
        raise DataError.one(
            "datapackage.json",
            None,
            "boundary_set",
            f"the boundary set lacks {', '.join(missing)}",
            "give the boundaries' name and licence (--name, --licence); --source is optional",
        )


def _matched(
    dataset: Dataset,
    provinces: gpd.GeoDataFrame | None,
    districts: gpd.GeoDataFrame | None,
    matching: Matching,
) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Both levels with their units matched; districts are placed in the imported provinces
    (matched ones replacing the data's own)."""
    shapes = dataset.geometry.geometry
    units = dataset.units
    province_shapes = shapes[[c for c in shapes.index if units[c].level == "province"]].copy()
    if provinces is not None:
        provinces = match_units(provinces, "province", units, province_shapes, matching)
        for code, geometry in zip(provinces["unit"], provinces.geometry, strict=True):
            if code in province_shapes.index:
                province_shapes[code] = geometry
    if districts is not None:
        districts = match_units(districts, "district", units, province_shapes, matching)
    return provinces, districts


def _new_shapes(dataset: Dataset, official: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Every unit's polygon after the import."""
    shapes = dataset.geometry.geometry.copy()
    for code, geometry in zip(official["unit"], official.geometry, strict=True):
        shapes[code] = geometry
    return shapes


def _official(
    provinces: gpd.GeoDataFrame | None, districts: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame:
    parts = []
    for level, frame in (("province", provinces), ("district", districts)):
        if frame is not None:
            part = frame[OUTPUT_COLUMNS].copy()
            part["level"] = level
            part["feature"] = range(1, len(part) + 1)
            part["source_file"] = frame.attrs.get("source_file", "official boundaries")
            parts.append(part)
    if not parts:
        raise DataError.one(
            "boundaries",
            None,
            None,
            "no official boundaries were given",
            "give provinces, districts or both",
        )
    official = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")
    return official[official["unit"] != ""]  # features that matched no unit are left out


def _notes(*frames: gpd.GeoDataFrame | None) -> list[str]:
    return [
        f"{frame.attrs.get('source_file', 'boundaries')}: {note}"
        for frame in frames
        if frame is not None
        for note in frame.attrs.get("notes", [])
    ]


def _check_official(official: gpd.GeoDataFrame, units: dict[str, Unit]) -> None:
    problems = []
    province_codes = {c for c, u in units.items() if u.level == "province"}
    for rec in official.drop(columns="geometry").to_dict("records"):
        code, level, file, row = rec["unit"], rec["level"], rec["source_file"], rec["feature"]
        known = units.get(code)
        if known is not None and known.level != level:
            problems.append(
                Problem(
                    file,
                    row,
                    "unit",
                    f"'{code}' is a {known.level} in units.csv, not a {level}",
                    "give the file of the right level (adm1 for provinces, adm2 for districts)",
                )
            )
        elif known is None and level == "province":
            problems.append(
                Problem(
                    file,
                    row,
                    "unit",
                    f"the province '{code}' ({rec['name_en']}) is not in units.csv",
                    "check that the file's P-codes are OCHA P-codes (AF01 to AF34), or add the province to units.csv first",
                )
            )
        elif known is None and rec["parent"] not in province_codes:
            problems.append(
                Problem(
                    file,
                    row,
                    "parent",
                    f"the district '{code}' ({rec['name_en']}) has parent '{rec['parent']}', which is not a province in units.csv",
                    "check the parent field (parent_field) holds province P-codes",
                )
            )
    if problems:
        raise DataError(problems)


def _write_directory(
    data_dir: Path,
    temp: Path,
    official: gpd.GeoDataFrame,
    added: gpd.GeoDataFrame,
    boundary_set: dict,
) -> None:
    for name in COPIED_FILES:
        if (data_dir / name).exists():
            shutil.copy2(data_dir / name, temp / name)
    if len(added):
        _append_units(temp / "units.csv", added)
    _write_boundaries(data_dir / "boundaries.geojson", temp / "boundaries.geojson", official)
    _write_meta(temp / "datapackage.json", boundary_set)


def _append_units(path: Path, added: gpd.GeoDataFrame) -> None:
    columns = read_csv(path, path.name).columns
    text = path.read_text(encoding="utf-8-sig")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    for rec in added.to_dict("records"):
        writer.writerow(
            {
                "unit": rec["unit"],
                "level": "district",
                "parent": rec["parent"],
                "name_en": rec["name_en"],
                "name_fa": rec["name_fa"],
                "note": f"Added from the official boundaries ({rec['source_file']}); names as given there; no centre.",
            }
        )
    separator = "" if text.endswith("\n") else "\n"
    path.write_text(text + separator + buffer.getvalue(), encoding="utf-8")


def _write_boundaries(old: Path, new: Path, official: gpd.GeoDataFrame) -> None:
    features = json.loads(old.read_text(encoding="utf-8"))["features"]
    replacements = {
        rec["unit"]: {
            "type": "Feature",
            "properties": {
                "unit": rec["unit"],
                "schematic": False,
                "geometry_source": f"{OFFICIAL_SOURCE}{rec['source_file']}",
            },
            "geometry": mapping(rec["geometry"]),
        }
        for rec in official.to_dict("records")
    }
    kept = [replacements.pop(f["properties"]["unit"], f) for f in features]
    collection = {"type": "FeatureCollection", "features": kept + list(replacements.values())}
    new.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")


def _write_meta(path: Path, boundary_set: dict) -> None:
    meta = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    meta["boundary_set"] = dict(boundary_set)
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
