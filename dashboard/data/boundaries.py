"""Importing official boundaries (OCHA COD-AB, geoBoundaries, GeoPackage) into a data directory.

Units are matched on P-codes, never on names: names are spelled in too many ways to be keys.
Nothing here is shipped with the project; the user supplies the boundary file and its licence
decides what may be done with the result.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import mapping

from dashboard.data.dataset import load_dataset
from dashboard.data.problems import DataError, Problem
from dashboard.data.records import LEVELS, Unit
from dashboard.data.tables import read_csv, remove_stale

# (code, English name, Dari name, parent) fields of an OCHA COD-AB layer, by level.
COD_AB_FIELDS: dict[str, tuple[str, str, str, str | None]] = {
    "province": ("ADM1_PCODE", "ADM1_EN", "ADM1_DA", None),
    "district": ("ADM2_PCODE", "ADM2_EN", "ADM2_DA", "ADM1_PCODE"),
}
GEOBOUNDARIES_FIELDS = ("shapeName", "shapeID", "shapeISO")
MAX_COMPRESSION_RATIO = 100
# Small members may compress well by nature (a .cpg, a padded .dbf); only large ones are bombs.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
COPIED_FILES = (
    "units.csv", "control.csv", "events.csv", "key_dates.csv", "context.geojson",
    "datapackage.json",
)  # fmt: skip
OUTPUT_COLUMNS = ["unit", "name_en", "name_fa", "parent", "geometry"]
_PCODE = re.compile(r"^[A-Z]{2}\d{4}$")
_REPAIR_FIX = (
    "repair it, e.g. with QGIS 'Fix geometries' or shapely.make_valid, "
    "or read the file with repair=True"
)


def read_official_boundaries(
    path: Path,
    level: str,
    code_field: str | None = None,
    name_field: str | None = None,
    parent_field: str | None = None,
    max_expanded_bytes: int = 2_000_000_000,
    repair: bool = False,
    label: str | None = None,
) -> gpd.GeoDataFrame:
    """Read one level of a user-supplied boundary file, checking codes, geometry and CRS.

    Parameters
    ----------
    path : Path
        An OCHA COD-AB zipped shapefile (``.zip``), a geoBoundaries GeoJSON (``.geojson`` or
        ``.json``) or a GeoPackage (``.gpkg``, first layer).
    level : str
        ``"province"`` or ``"district"``.
    code_field, name_field, parent_field : str, optional
        The fields holding the P-code, the English name and (for districts) the province P-code.
        They default to COD-AB's ``ADM1_PCODE``/``ADM1_EN`` (provinces) and
        ``ADM2_PCODE``/``ADM2_EN``/``ADM1_PCODE`` (districts); the Dari name is read from
        ``ADM1_DA``/``ADM2_DA`` when present. geoBoundaries files carry no P-codes, so
        ``code_field`` must then be given; their ``shapeName`` is the default English name. A
        district file without a parent field gets each parent from its P-code (``AF0801`` →
        ``AF08``).
    max_expanded_bytes : int
        A zip whose members expand beyond this in total, or holding a member of 1 MiB or more
        (``RATIO_CHECK_MIN_BYTES``) compressed more than ``MAX_COMPRESSION_RATIO`` (100) times,
        is refused from ``ZipFile.infolist()`` before anything is extracted (a zip bomb).
    repair : bool
        Repair invalid geometry with ``shapely.make_valid`` instead of refusing it.
    label : str, optional
        The file's name as the user knows it, for messages (an upload is saved under a fixed
        name); defaults to ``path.name``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``unit``, ``name_en``, ``name_fa``, ``parent`` and ``geometry`` in EPSG:4326.
        ``attrs["source_file"]`` is the file's name, ``attrs["repaired"]`` the number of
        geometries repaired and ``attrs["notes"]`` a list of what was done (reprojection, assumed
        CRS, repairs, derived parents).

    Raises
    ------
    DataError
        Naming the file, the feature number (1-based) and the field of every problem.
    """
    name = label or path.name
    if level not in LEVELS:
        _fail(name, None, "level", f"'{level}' is not a level", f"use one of: {', '.join(LEVELS)}")
    raw = _read_frame(path, name, max_expanded_bytes)
    notes: list[str] = []
    code_col, en_col, fa_col, parent_col = _resolve_fields(
        name, raw, level, code_field, name_field, parent_field
    )
    raw = _to_wgs84(name, raw, notes)
    codes = _codes(name, raw, code_col)
    geometries, repaired = _geometries(name, raw, codes, repair)
    if repaired:
        notes.append(
            f"{repaired} invalid geometr{'y was' if repaired == 1 else 'ies were'} repaired with shapely.make_valid"
        )
    parents = _parents(raw, codes, level, parent_col, notes)
    frame = gpd.GeoDataFrame(
        {
            "unit": codes,
            "name_en": _text_column(raw, en_col),
            "name_fa": _text_column(raw, fa_col),
            "parent": parents,
        },
        geometry=geometries,
        crs="EPSG:4326",
    )
    frame.attrs.update(source_file=name, repaired=repaired, notes=notes)
    return frame


def _fail(file: str, row: int | None, field_name: str | None, message: str, fix: str) -> NoReturn:
    raise DataError.one(file, row, field_name, message, fix)


# -- reading ---------------------------------------------------------------------------------


def _read_frame(path: Path, name: str, max_expanded_bytes: int) -> gpd.GeoDataFrame:
    if not path.is_file():
        _fail(name, None, None, f"no such file: {path}", "check the path to the boundary file")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        member = shapefile_in_zip(path, max_expanded_bytes)
        uri = f"zip://{path.resolve()}!{member}"
    elif suffix in (".geojson", ".json", ".gpkg"):
        uri = str(path)
    else:
        _fail(
            name,
            None,
            None,
            f"'{suffix}' files are not supported",
            "give a zipped shapefile (.zip, as OCHA publishes COD-AB), a GeoJSON or a GeoPackage",
        )
    try:
        frame = gpd.read_file(uri)
    except Exception as exc:  # pyogrio raises several error types for unreadable data
        _fail(
            name,
            None,
            None,
            f"the file cannot be read as boundaries ({exc})",
            "check that it is a complete shapefile, GeoJSON or GeoPackage",
        )
    if frame.empty:
        _fail(
            name,
            None,
            None,
            "the file has no features",
            "give a layer holding the units' polygons",
        )
    return frame


def shapefile_in_zip(path: Path, max_expanded_bytes: int = 2_000_000_000) -> str:
    """The one ``.shp`` member of a zip, after checking the members' sizes (zip-bomb guard).

    Raises
    ------
    DataError
        If the file is not a zip, expands beyond ``max_expanded_bytes``, holds a large member
        compressed more than ``MAX_COMPRESSION_RATIO`` times, or holds no or several shapefiles.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError.one(
            path.name,
            None,
            None,
            f"not a readable zip archive ({exc})",
            "download the file again",
        ) from exc
    _check_expansion(path.name, infos, max_expanded_bytes)
    shapefiles = [i.filename for i in infos if i.filename.lower().endswith(".shp")]
    members = ", ".join(i.filename for i in infos) or "nothing"
    if not shapefiles:
        _fail(
            path.name,
            None,
            None,
            f"the zip holds no shapefile (.shp); it holds: {members}",
            "give the zipped shapefile (.shp with its .shx, .dbf and .prj), as OCHA publishes COD-AB",
        )
    if len(shapefiles) > 1:
        _fail(
            path.name,
            None,
            None,
            f"the zip holds several shapefiles: {', '.join(shapefiles)}",
            "give a zip holding one level (e.g. the adm1 or the adm2 zip), or unzip the one you need",
        )
    return shapefiles[0]


def _check_expansion(name: str, infos: list[zipfile.ZipInfo], max_expanded_bytes: int) -> None:
    total = sum(i.file_size for i in infos)
    if total > max_expanded_bytes:
        _fail(
            name,
            None,
            None,
            f"the zip expands to {total / 1e6:.1f} MB, more than the limit of {max_expanded_bytes / 1e6:.1f} MB",
            "check that this is the boundary file you meant; unzip it yourself and give the layer if it is",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            _fail(
                name,
                None,
                info.filename,
                f"the member '{info.filename}' expands {ratio:.0f} times (from {info.compress_size} to {info.file_size} bytes), which looks like a zip bomb",
                "do not open this file; download the boundaries again from their publisher",
            )


def _resolve_fields(
    name: str,
    raw: gpd.GeoDataFrame,
    level: str,
    code_field: str | None,
    name_field: str | None,
    parent_field: str | None,
) -> tuple[str, str | None, str | None, str | None]:
    """The (code, English name, Dari name, parent) columns to use, or a problem listing fields."""
    code_default, en_default, fa_default, parent_default = COD_AB_FIELDS[level]
    fields = [c for c in raw.columns if c != raw.geometry.name]
    geoboundaries = any(f in fields for f in GEOBOUNDARIES_FIELDS)
    code = code_field or code_default
    if code not in fields:
        _fail(
            name, None, code, _missing_code_message(code, fields, geoboundaries), _code_fix(fields)
        )
    en = name_field or (en_default if en_default in fields else None)
    if en is None and "shapeName" in fields:
        en = "shapeName"
    if name_field and name_field not in fields:
        _fail(
            name,
            None,
            name_field,
            f"there is no name field '{name_field}'; the fields are: {', '.join(fields)}",
            "give name_field as one of the fields listed",
        )
    if parent_field and parent_field not in fields:
        _fail(
            name,
            None,
            parent_field,
            f"there is no parent field '{parent_field}'; the fields are: {', '.join(fields)}",
            "give parent_field as the field holding the province P-code",
        )
    parent = parent_field or (parent_default if parent_default in fields else None)
    fa = fa_default if fa_default in fields else None
    return code, en, fa, parent if level == "district" else None


def _missing_code_message(code: str, fields: list[str], geoboundaries: bool) -> str:
    message = f"there is no code field '{code}'; the fields are: {', '.join(fields)}"
    if geoboundaries:
        message += " (a geoBoundaries file: shapeID and shapeISO are not P-codes)"
    return message


def _code_fix(fields: list[str]) -> str:
    pcodes = [f for f in fields if "PCODE" in f.upper()]
    if pcodes:
        return f"name the field holding the P-codes with --province-code-field or --district-code-field (code_field= in Python), e.g. {pcodes[0]}"
    return "name the field holding P-codes (e.g. AF0801) with --province-code-field or --district-code-field (code_field= in Python); add one in QGIS if the file has none"


def _to_wgs84(name: str, raw: gpd.GeoDataFrame, notes: list[str]) -> gpd.GeoDataFrame:
    if raw.crs is None:
        minx, miny, maxx, maxy = raw.total_bounds if len(raw) else (0, 0, 0, 0)
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            notes.append(
                "the file has no CRS; its coordinates are in longitude/latitude range, so WGS84 is assumed"
            )
            return raw.set_crs("EPSG:4326")
        _fail(
            name,
            None,
            "crs",
            f"the file has no coordinate reference system and its coordinates ({minx:.0f}, {miny:.0f} to {maxx:.0f}, {maxy:.0f}) are not longitude/latitude",
            "add the CRS (for a shapefile, the .prj file) or reproject it to WGS84 (EPSG:4326) in QGIS",
        )
    if CRS.from_user_input(raw.crs).equals(CRS("EPSG:4326"), ignore_axis_order=True):
        return raw
    notes.append(f"reprojected from {raw.crs.to_string()} ({raw.crs.name}) to WGS84 (EPSG:4326)")
    return raw.to_crs("EPSG:4326")


def _codes(name: str, raw: gpd.GeoDataFrame, column: str) -> list[str]:
    codes = _text_column(raw, column)
    problems = []
    seen: dict[str, int] = {}
    for number, code in enumerate(codes, start=1):
        if not code:
            problems.append(
                Problem(
                    name,
                    number,
                    column,
                    "the code is empty",
                    f"fill in '{column}' with the unit's P-code, or remove the feature",
                )
            )
        elif code in seen:
            problems.append(
                Problem(
                    name,
                    number,
                    column,
                    f"the code '{code}' is also used by feature {seen[code]}",
                    "give every feature its own code, or dissolve the parts into one feature (QGIS 'Dissolve' by the code field)",
                )
            )
        seen.setdefault(code, number)
    if problems:
        raise DataError(problems)
    return codes


def _text_column(raw: gpd.GeoDataFrame, column: str | None) -> list[str]:
    if column is None:
        return [""] * len(raw)
    return ["" if pd.isna(v) else str(v).strip() for v in raw[column].tolist()]


def _geometries(
    name: str, raw: gpd.GeoDataFrame, codes: list[str], repair: bool
) -> tuple[list, int]:
    problems: list[Problem] = []
    found = []
    repaired = 0
    for number, (code, geometry) in enumerate(zip(codes, raw.geometry, strict=True), start=1):
        where = f"feature {number} ({code})"
        if geometry is None or geometry.is_empty:
            problems.append(
                Problem(
                    name,
                    number,
                    "geometry",
                    f"{where} has no geometry",
                    "draw its polygon or remove the feature",
                )
            )
        elif geometry.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                Problem(
                    name,
                    number,
                    "geometry",
                    f"{where} is a {geometry.geom_type}, not an area",
                    "give Polygon or MultiPolygon features",
                )
            )
        elif not geometry.is_valid and not repair:
            reason = shapely.is_valid_reason(geometry)
            problems.append(
                Problem(
                    name,
                    number,
                    "geometry",
                    f"{where} has invalid geometry ({reason})",
                    _REPAIR_FIX,
                )
            )
        elif not geometry.is_valid:
            geometry = _repaired(geometry)
            repaired += 1
        found.append(geometry)
    if problems:
        raise DataError(problems)
    return found, repaired


def _repaired(geometry):
    fixed = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
    if fixed.geom_type in ("Polygon", "MultiPolygon"):
        return fixed
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _parents(
    raw: gpd.GeoDataFrame, codes: list[str], level: str, column: str | None, notes: list[str]
) -> list[str]:
    if level == "province":
        return [""] * len(codes)
    if column is not None:
        return _text_column(raw, column)
    notes.append(
        "no parent field: each district's province is taken from its P-code (AF0801 → AF08)"
    )
    return [code[:4] if _PCODE.match(code) else "" for code in codes]


# -- writing a new data directory --------------------------------------------------------------


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
    """

    out_dir: Path
    replaced: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    boundary_set: dict = field(default_factory=dict)

    def summary(self) -> str:
        text = (
            f"Wrote {self.out_dir}: {len(self.replaced)} unit(s) now use the official geometry, "
            f"{len(self.added)} district(s) were added to units.csv, {len(self.kept)} unit(s) "
            "keep their old geometry"
        )
        if self.kept:
            text += f" ({', '.join(self.kept)})"
        return ". ".join([text, *self.notes]) + "."


def replace_geometry(
    data_dir: Path,
    provinces: gpd.GeoDataFrame | None,
    districts: gpd.GeoDataFrame | None,
    out_dir: Path,
    boundary_set: dict,
) -> ImportReport:
    """Write a copy of ``data_dir`` to ``out_dir`` whose polygons come from official boundaries.

    Parameters
    ----------
    data_dir : Path
        A valid data directory (checked with ``load_dataset`` first).
    provinces, districts : geopandas.GeoDataFrame or None
        Results of :func:`read_official_boundaries` for each level, or ``None`` to keep that
        level's geometry.
    out_dir : Path
        The new directory; it must not exist yet (or be empty).
    boundary_set : dict
        ``name``, ``source`` and ``licence`` of the boundaries, written to ``datapackage.json``.

    Returns
    -------
    ImportReport

    Raises
    ------
    DataError
        If the inputs do not fit (unknown provinces, a district whose province is unknown, a
        level mismatch), or if the new directory would not load, e.g. because a centre in
        ``units.csv`` lies outside its new polygon. Nothing is written then.

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
    official = _official(provinces, districts)
    _check_official(official, dataset.units)
    added = official[~official["unit"].isin(list(dataset.units))]
    report = ImportReport(
        out_dir,
        replaced=[c for c in official["unit"] if c in dataset.units],
        added=list(added["unit"]),
        kept=[c for c in dataset.geometry.index if c not in set(official["unit"])],
        notes=_notes(provinces, districts),
        boundary_set=dict(boundary_set),
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
        _fail(
            str(out_dir),
            None,
            None,
            "the output directory already exists and is not empty",
            "choose a new directory; the import never overwrites data",
        )


def _check_boundary_set(boundary_set: dict) -> None:
    missing = [k for k in ("name", "licence") if not str(boundary_set.get(k, "")).strip()]
    if missing:
        _fail(
            "datapackage.json",
            None,
            "boundary_set",
            f"the boundary set lacks {', '.join(missing)}",
            "give the boundaries' name and licence (--name, --licence); --source is optional",
        )


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
        _fail(
            "boundaries",
            None,
            None,
            "no official boundaries were given",
            "give provinces, districts or both",
        )
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")


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
                "geometry_source": f"official boundaries: {rec['source_file']}",
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
