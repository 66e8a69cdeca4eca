"""Typed records for administrative units and control intervals, and the vocabularies they use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LEVELS = ("province", "district")
# The statuses every data package has besides its own sides (dashboard.data.vocabulary):
# contested, written in control.csv; derived, never written: a province whose districts
# disagree, and no record at all.
CONTESTED = "contested"
PARTIAL = "partial"
UNKNOWN = "unknown"
CONFIDENCES = ("high", "medium", "low")
DATE_PRECISIONS = ("day", "approximate")


@dataclass(frozen=True)
class Unit:
    """A province or district, identified by its P-code."""

    unit: str
    level: str
    parent: str | None
    name_en: str
    name_fa: str = ""
    iso_code: str = ""
    centre_name: str = ""
    centre_lat: float | None = None
    centre_lon: float | None = None
    centre_source_url: str = ""
    note: str = ""
    row: int = 0
    aliases: tuple[str, ...] = ()  # other spellings, and later districts this one contains


@dataclass(frozen=True)
class ControlRecord:
    """One status interval of one unit, with its source.

    ``valid_from`` and ``valid_to`` are both inclusive; ``valid_to`` is ``None`` while the status
    still holds at the end of the data.
    """

    unit: str
    status: str
    valid_from: date
    valid_to: date | None
    confidence: str
    source_url: str
    claimed_by: str = ""
    disputed_by: str = ""
    date_precision: str = "day"
    source_publisher: str = ""
    source_title: str = ""
    note: str = ""
    row: int = 0

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_claim(self) -> bool:
        return bool(self.claimed_by or self.disputed_by)


@dataclass(frozen=True)
class KeyDate:
    """A date worth a shortcut, such as the fall of Kabul."""

    date: date
    label: str
    source_url: str
