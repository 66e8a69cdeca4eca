"""Event markers served as static files, so that a slider step sends only which ones to show.

An events table is cut into chunks of :data:`CHUNK` consecutive events (the table is sorted by
date, so a date window touches few chunks). Each chunk's marker rows are written once, on first
use, as a content-hashed JSON file under the static folder; the browser fetches each chunk once
and caches it. A step then carries the chunk addresses and the shown positions as ranges:
a few hundred bytes instead of every marker's popup text.
"""

from __future__ import annotations

import secrets
import shutil
import weakref
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.mapview.assets import STATIC_DIR, write_static_json
from dashboard.mapview.payload import MAX_MARKERS, aggregate_payload, keyed, marker_row
from dashboard.mapview.pruning import static_path

CHUNK = 1000


class EventFiles:
    """Marker rows of one events table, written lazily as static JSON chunks.

    Parameters
    ----------
    events : pandas.DataFrame
        The whole events table (as ``load_events`` returns it), not a window of it.
    static_dir : Path
        Streamlit's static folder; the files go to its ``data/`` subfolder.
    private : bool
        For one session's upload: the files go to a folder of their own under an unguessable
        name (``data/session-<random>/``), which is deleted with everything in it when this
        object is garbage-collected, i.e. when the session ends or replaces its upload.
    write : callable, optional
        Writes a chunk's rows somewhere else and returns its address (the static site's
        files); by default chunks go to ``static_dir`` as JSON.
    """

    def __init__(
        self,
        events: pd.DataFrame,
        static_dir: Path = STATIC_DIR,
        private: bool = False,
        write: Callable[[list], str] | None = None,
    ):
        self.events = events
        self.static_dir = static_dir
        self.folder = "data"
        self._urls: dict[int, str] = {}
        self._write = write
        if private:
            self.folder = f"data/session-{secrets.token_urlsafe(24)}"
            weakref.finalize(self, shutil.rmtree, static_dir / self.folder, True)

    def chunk_url(self, number: int) -> str:
        """The address of chunk ``number``; a row is ``null`` for an event with no place.

        The file is written again if it has gone (pruned while unused: see ``pruning``)."""
        url = self._urls.get(number)
        if url is None or (self._write is None and not static_path(url, self.static_dir).exists()):
            part = self.events.iloc[number * CHUNK : (number + 1) * CHUNK]
            rows = [
                marker_row(e) if not pd.isna(e.latitude) else None
                for e in part.itertuples(index=False)
            ]
            self._urls[number] = (
                self._write(rows)
                if self._write
                else write_static_json(rows, "events", self.static_dir, folder=self.folder)
            )
        return self._urls[number]

    def urls(self) -> list[str]:
        """The addresses of the chunks written so far."""
        return list(self._urls.values())

    def payload(self, window: pd.DataFrame, units: dict, centres: dict) -> dict:
        """What the map needs to draw ``window`` (a filtered slice of this table).

        Up to ``MAX_MARKERS`` placed events are sent as positions into the chunk files; above
        that, as counts per province (see :func:`dashboard.mapview.payload.aggregate_payload`).
        """
        placed = window[window["latitude"].notna()]
        if len(placed) > MAX_MARKERS:
            return aggregate_payload(placed, units, centres)
        positions = self.events.index.get_indexer(placed.index)
        chunks = {str(n): self.chunk_url(int(n)) for n in np.unique(positions // CHUNK)}
        ranges = position_ranges(positions)
        return keyed({"mode": "markers", "chunks": chunks, "size": CHUNK, "show": ranges})


def position_ranges(positions: np.ndarray) -> list[list[int]]:
    """Sorted positions as half-open ``[start, end)`` runs: ``[3, 4, 5, 9]`` → ``[[3, 6], [9, 10]]``."""
    if not len(positions):
        return []
    ordered = np.sort(positions)
    breaks = np.flatnonzero(np.diff(ordered) != 1) + 1
    starts = ordered[np.r_[0, breaks]]
    ends = ordered[np.r_[breaks - 1, len(ordered) - 1]] + 1
    return [[int(s), int(e)] for s, e in zip(starts, ends, strict=True)]
