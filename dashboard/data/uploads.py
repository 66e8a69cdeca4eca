"""Files uploaded through the app: written under fixed names, never under the client's name.

A browser's multipart request carries whatever file name its sender chose (``../../x`` included),
so that name only ever selects one of a few known formats; the path is always ours.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePosixPath

from dashboard.data.problems import DataError

BOUNDARY_SUFFIXES = (".zip", ".geojson", ".json", ".gpkg")


def upload_suffix(claimed_name: str, allowed: tuple[str, ...] = BOUNDARY_SUFFIXES) -> str:
    """The format an upload claims, as one of ``allowed``; a ``DataError`` otherwise."""
    suffix = PurePosixPath(claimed_name.replace("\\", "/")).suffix.lower()
    if suffix not in allowed:
        raise DataError.one(
            claimed_name,
            None,
            None,
            f"'{suffix or 'no extension'}' is not a supported boundary format",
            f"give a file ending in one of {', '.join(allowed)}",
        )
    return suffix


def save_upload(content: bytes, claimed_name: str, stem: str, directory: Path) -> Path:
    """Write ``content`` to ``directory/<stem><suffix>`` and return that path.

    ``stem`` is chosen by the program ("province", "district"); ``claimed_name`` only picks the
    suffix from :data:`BOUNDARY_SUFFIXES`, so no upload can name a path.
    """
    target = directory / f"{stem}{upload_suffix(claimed_name)}"
    target.write_bytes(content)
    return target


def fresh_work_directory() -> Path:
    """A new private temporary directory for one upload (mode 0700)."""
    return Path(tempfile.mkdtemp(prefix="naqsha-boundaries-"))


def remove_directory(directory: Path) -> None:
    """Remove a work directory and everything in it; a missing one is fine."""
    shutil.rmtree(directory, ignore_errors=True)
