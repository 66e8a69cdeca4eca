"""What a server prepares once per dataset, kept in the process and on disk by content hash.

Loading and validating a data directory, building its timeline and writing the map's files take
0.9 s for the shipped data and 4.5 s with 100,000 events (``benchmarks/bench_cold.py``). They
are done once: :func:`prepared` keeps the result in the process, keyed by the files' names and
modification times, and pickles it to a private cache folder keyed by a hash of the files'
contents, this package's code and the libraries' versions, so a restarted server (or a second
process) reads it back in a fraction of the time. ``python -m dashboard serve`` calls
:func:`warm` before Streamlit starts listening, so the first visitor finds everything ready.

The cache folder is ``NAQSHA_CACHE_DIR``, else ``$XDG_CACHE_HOME/naqsha``, else
``~/.cache/naqsha``. It is created readable by its owner only, and a file in it is read only if
this user owns it and no one else may write it, since a pickle runs code when read.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import platform
import stat
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from dashboard.data import Dataset, load_dataset
from dashboard.mapview.assets import STATIC_DIR
from dashboard.mapview.resources import MapResources, files_missing, prepare_map, reuse_map
from dashboard.timeline import Timeline

PACKAGE = Path(__file__).resolve().parent
# Cached datasets kept on disk; the least recently used go first.
MAX_CACHED = 8


@dataclass
class Prepared:
    """A data directory ready to serve: the data, its timeline and the map's resources."""

    dataset: Dataset
    timeline: Timeline
    resources: MapResources


_PROCESS: dict[tuple, Prepared] = {}
# Sessions run in threads: the first two visitors must not both build the same dataset.
_LOCK = threading.Lock()


def stamp(directory: Path) -> tuple:
    """The directory's files with their modification times: cheap to take on every run."""
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in directory.glob("*") if p.is_file()))


def content_key(directory: Path) -> str:
    """A hash of the directory's files, this package's code and the libraries that pickle."""
    import geopandas
    import pandas
    import shapely

    digest = hashlib.sha256()
    versions = (sys.version, platform.machine(), pandas.__version__, geopandas.__version__)
    digest.update(repr((versions, shapely.__version__)).encode())
    for root in (directory, PACKAGE):
        pattern = "*" if root == directory else "**/*.py"
        for path in sorted(p for p in root.glob(pattern) if p.is_file()):
            digest.update(path.name.encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def cache_dir() -> Path:
    configured = os.environ.get("NAQSHA_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "naqsha"


def prepared(directory: Path, static_dir: Path = STATIC_DIR, check: bool = False) -> Prepared:
    """The dataset in ``directory``, ready to serve, from the process or disk cache if current.

    With ``check`` (a new session), the map's files are marked as in use, and written again if
    another process pruned them while this one sat idle.

    Raises
    ------
    DataError
        When the directory's data has problems (never cached).
    """
    with _LOCK:
        return _prepared(directory, static_dir, check)


def _prepared(directory: Path, static_dir: Path, check: bool) -> Prepared:
    where = (str(directory.resolve()), str(static_dir))
    key = (*where, stamp(directory))
    ready = _PROCESS.get(key)
    if ready is not None and check and files_missing(ready.resources):
        ready.resources = prepare_map(ready.dataset, ready.timeline, static_dir)
    if ready is None:
        ready = _from_disk(directory, static_dir)
        for older in [k for k in _PROCESS if k[:2] == where]:
            del _PROCESS[older]  # the same directory before its files changed
        _PROCESS[key] = ready
    return ready


def _from_disk(directory: Path, static_dir: Path) -> Prepared:
    path = cache_dir() / f"{content_key(directory)}.pickle"
    cached = _read(path)
    if cached is not None:
        dataset, timeline, options = cached
        # The map's files may have been pruned since: then only they are written again.
        resources = reuse_map(dataset, timeline, options, static_dir) or prepare_map(
            dataset, timeline, static_dir
        )
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used
        return Prepared(dataset, timeline, resources)
    dataset = load_dataset(directory)
    timeline = Timeline.from_dataset(dataset)
    resources = prepare_map(dataset, timeline, static_dir)
    _write(path, (dataset, timeline, resources.options))
    return Prepared(dataset, timeline, resources)


def _read(path: Path):
    """The cached value at ``path``, or ``None`` when absent, unsafe to read or unreadable."""
    try:
        info = path.stat()
        folder = path.parent.stat()
    except OSError:
        return None
    others_may_write = (info.st_mode | folder.st_mode) & (stat.S_IWGRP | stat.S_IWOTH)
    if info.st_uid != os.getuid() or folder.st_uid != os.getuid() or others_may_write:
        return None
    try:
        with path.open("rb") as file:
            return pickle.load(file)
    except Exception:  # a truncated or outdated file: build again and replace it
        return None


def _write(path: Path, value) -> None:
    """Write the cache file atomically; a cache that cannot be written is only slower."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with partial.open("wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        partial.chmod(0o600)
        partial.replace(path)
        for old in sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime)[
            :-MAX_CACHED
        ]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def warm(directory: Path, static_dir: Path = STATIC_DIR) -> Prepared:
    """Import what the app's first run imports and prepare ``directory``, before any visitor."""
    import folium  # noqa: F401

    import dashboard.charts  # noqa: F401 - imported now so that the first page need not
    import dashboard.export  # noqa: F401

    ready = prepared(directory, static_dir)
    # What was prepared lives as long as the server: moved out of the collector's sight, it is
    # not scanned by every later full collection (0.08 s each with 100,000 events, measured).
    gc.collect()
    gc.freeze()
    return ready
