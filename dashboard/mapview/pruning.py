"""Keeping ``static/data/`` from only growing.

Every dataset a server prepares writes content-hashed files there (geometry, styles, events), and
a changed dataset writes new ones. Several server processes may share the folder, so no process
can know every file in use. The rule: each process refreshes the modification time of the files
its datasets use, when it prepares them and when a session starts; a content-hashed file (or a
session's private folder, or a temporary file) untouched for :data:`MAX_AGE_S` is removed when a
dataset is prepared. A process whose files were removed while it sat idle writes them again at
its next session (see :func:`refresh`).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from dashboard.mapview.assets import STATIC_DIR, STATIC_URL

MAX_AGE_S = 24 * 3600
HASHED_NAME = re.compile(r"^[a-z]+-[0-9a-f]{16}\.json(\.gz)?(\.tmp)?$")


def static_path(url: str, static_dir: Path = STATIC_DIR) -> Path:
    """The file behind a URL that :func:`dashboard.mapview.assets.write_static_json` returned."""
    return static_dir / url.removeprefix(STATIC_URL + "/")


def used_files(urls: Iterable[str | None], static_dir: Path = STATIC_DIR) -> set[Path]:
    """The files behind ``urls``; a ``.json.gz`` brings its plain ``.json`` twin."""
    paths = set()
    for url in filter(None, urls):
        path = static_path(url, static_dir)
        paths.add(path)
        if path.name.endswith(".json.gz"):
            paths.add(path.with_name(path.name.removesuffix(".gz")))
    return paths


def refresh(paths: Iterable[Path]) -> list[Path]:
    """Mark ``paths`` as in use now; return those that no longer exist."""
    missing = []
    for path in paths:
        try:
            os.utime(path)
        except FileNotFoundError:
            missing.append(path)
    return missing


def prune(
    keep: set[Path],
    static_dir: Path = STATIC_DIR,
    max_age_s: float = MAX_AGE_S,
    now: float | None = None,
) -> list[Path]:
    """Remove content-hashed files, temporary files and session folders in ``static_dir/data``
    that are not in ``keep`` and were last touched more than ``max_age_s`` ago.

    Returns
    -------
    list of Path
        What was removed. Other files (the README, anything not named like ours) are left alone.
    """
    folder = static_dir / "data"
    if not folder.is_dir():
        return []
    cutoff = (time.time() if now is None else now) - max_age_s
    removed = []
    for entry in folder.iterdir():
        ours = HASHED_NAME.match(entry.name) or (
            entry.is_dir() and entry.name.startswith("session-")
        )
        if not ours or entry in keep:
            continue
        try:
            if entry.lstat().st_mtime >= cutoff:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except FileNotFoundError:  # another process pruned it first
            continue
        removed.append(entry)
    return removed
