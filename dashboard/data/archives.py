"""Zipped shapefiles as users upload them: the one ``.shp`` inside, with a guard against zip
bombs (members that expand past a size limit or compress implausibly well)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from dashboard.data.problems import DataError

MAX_COMPRESSION_RATIO = 100
# Small members may compress well by nature (a .cpg, a padded .dbf); only large ones are bombs.
RATIO_CHECK_MIN_BYTES = 1024 * 1024


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
        raise DataError.one(
            path.name,
            None,
            None,
            f"the zip holds no shapefile (.shp); it holds: {members}",
            "give the zipped shapefile (.shp with its .shx, .dbf and .prj), as OCHA publishes COD-AB",
        )
    if len(shapefiles) > 1:
        raise DataError.one(
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
        raise DataError.one(
            name,
            None,
            None,
            f"the zip expands to {total / 1e6:.1f} MB, more than the limit of {max_expanded_bytes / 1e6:.1f} MB",
            "check that this is the boundary file you meant; unzip it yourself and give the layer if it is",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise DataError.one(
                name,
                None,
                info.filename,
                f"the member '{info.filename}' expands {ratio:.0f} times (from {info.compress_size} to {info.file_size} bytes), which looks like a zip bomb",
                "do not open this file; download the boundaries again from their publisher",
            )
