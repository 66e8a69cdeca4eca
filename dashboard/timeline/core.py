"""Status segments per unit, derived once from the control records, then queried by date.

Rules (``geodata/README.md`` repeats them word for word; a test checks):

* A unit's own record gives its status on the dates it covers. For a province that record says
  who holds its capital: a side holds a province when it holds its capital, whatever happens in
  its other districts (the map shows those one by one, so a reader sees both).
* On dates a province has no record of its own, its status comes from its districts' records:
  the status they share if they agree, ``partial`` if they differ.
* A district with no record of its own on a date follows its province's own record
  (``inherited`` is then true; the map draws it faded and its tooltip says so), also before its
  first and after its last record.
* A change that a district only inherits (its province changed, and the district has no record
  of its own on either side) is not listed among the changes: the province's change is.
* A date no record covers is ``unknown``.
* A derived province status takes as its source the most recent district record (on a tie, the
  more confident one); "since" is the first day of the current run of the same status.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from dashboard.data.records import CONFIDENCES, PARTIAL, UNKNOWN, ControlRecord, Unit
from dashboard.data.vocabulary import AFGHANISTAN_2021, Vocabulary

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Segment:
    """A run of days (``end`` inclusive, ``None`` = open) on which a unit's state is constant."""

    start: date
    end: date | None
    status: str
    record: ControlRecord | None
    confidence: str
    since: date
    inherited: bool = False

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class UnitState:
    """One unit on one date: its status, since when, and the record that says so."""

    unit: Unit
    status: str
    since: date | None
    confidence: str
    record: ControlRecord | None
    inherited: bool = False
    districts: dict[str, str] = field(default_factory=dict)

    @property
    def approximate(self) -> bool:
        """True when the date is inferred or the status rests on a disputed claim."""
        return self.record is not None and (
            self.record.date_precision == "approximate" or self.record.is_claim
        )

    def districts_with(self, status: str) -> list[str]:
        return [code for code, s in self.districts.items() if s == status]


@dataclass(frozen=True)
class Change:
    """A unit's status changing on a date."""

    date: date
    unit: Unit
    from_status: str
    to_status: str
    confidence: str
    record: ControlRecord | None


class Timeline:
    """All units' segments, computed once from the records; every query is a lookup.

    Parameters
    ----------
    units : dict of str to Unit
    control : sequence of ControlRecord
    vocabulary : Vocabulary
        The data package's statuses, in display order (``dashboard.data.vocabulary``).
    """

    def __init__(
        self,
        units: dict[str, Unit],
        control: tuple[ControlRecord, ...],
        vocabulary: Vocabulary = AFGHANISTAN_2021,
    ):
        self.units = units
        self.vocabulary = vocabulary
        self._own: dict[str, list[ControlRecord]] = defaultdict(list)
        for record in control:
            self._own[record.unit].append(record)
        self._children: dict[str, list[str]] = defaultdict(list)
        for unit in units.values():
            if unit.parent:
                self._children[unit.parent].append(unit.unit)
        self.segments: dict[str, list[Segment]] = {code: self._segments_of(code) for code in units}
        self._starts = {code: [s.start for s in segs] for code, segs in self.segments.items()}

    @classmethod
    def from_dataset(cls, dataset) -> Timeline:
        """The timeline of a loaded ``dashboard.data.Dataset``."""
        return cls(dataset.units, dataset.control, dataset.vocabulary)

    # -- queries ---------------------------------------------------------------------------
    def state(self, code: str, day: date) -> UnitState:
        unit = self.units[code]
        segment = self.segment_on(code, day)
        districts = {
            child: self.segment_status(child, day) for child in self._children.get(code, [])
        }
        if segment is None:
            return UnitState(unit, UNKNOWN, None, "", None, districts=districts)
        return UnitState(
            unit,
            segment.status,
            segment.since,
            segment.confidence,
            segment.record,
            segment.inherited,
            districts,
        )

    def state_on(self, day: date) -> dict[str, UnitState]:
        """Every unit's state on ``day``, keyed by P-code in ``units`` order."""
        return {code: self.state(code, day) for code in self.units}

    def segment_on(self, code: str, day: date) -> Segment | None:
        index = bisect.bisect_right(self._starts[code], day) - 1
        if index >= 0 and self.segments[code][index].covers(day):
            return self.segments[code][index]
        return None

    def segment_status(self, code: str, day: date) -> str:
        segment = self.segment_on(code, day)
        return segment.status if segment else UNKNOWN

    def history(self, code: str) -> list[Segment]:
        return list(self.segments[code])

    def records_of(self, code: str) -> list[ControlRecord]:
        """The unit's own records and, for a province, those of its districts, by date."""
        records = [
            *self._own.get(code, []),
            *(r for child in self._children.get(code, []) for r in self._own.get(child, [])),
        ]
        return sorted(records, key=lambda r: (r.valid_from, r.unit))

    def changes(self, start: date, end: date) -> list[Change]:
        """Every status change dated from ``start`` to ``end`` inclusive, by date then unit."""
        found = []
        for code, segments in self.segments.items():
            for before, after in zip(segments, segments[1:], strict=False):
                if (
                    start <= after.start <= end
                    and before.status != after.status
                    and before.end == after.start - ONE_DAY
                    and not (before.inherited and after.inherited)
                ):
                    found.append(
                        Change(
                            after.start,
                            self.units[code],
                            before.status,
                            after.status,
                            after.confidence,
                            after.record,
                        )
                    )
        return sorted(found, key=lambda c: (c.date, c.unit.level != "province", c.unit.unit))

    def change_dates(self) -> list[date]:
        """The sorted dates on which any unit's status changes."""
        return sorted({c.date for c in self.changes(date.min, date.max)})

    def span(self) -> tuple[date, date]:
        """The first and last date the records speak of (open intervals end at the last date)."""
        records = [r for rs in self._own.values() for r in rs]
        if not records:
            today = date(2021, 5, 1)
            return today, today
        ends = [r.valid_to or r.valid_from for r in records] + [r.valid_from for r in records]
        return min(r.valid_from for r in records), max(ends)

    # -- derivation ------------------------------------------------------------------------
    def _segments_of(self, code: str) -> list[Segment]:
        own = self._own.get(code, [])
        child_records = [
            r for child in self._children.get(code, []) for r in self._own.get(child, [])
        ]
        parent = self.units[code].parent
        if child_records:
            pieces = self._derived_pieces(code, own, child_records)
        elif not parent:
            pieces = [(r.valid_from, r.valid_to, r.status, r, r.confidence, False) for r in own]
        else:
            pieces = _own_else_inherited(own, self._own.get(parent, []))
        return _with_since(pieces)

    def _derived_pieces(
        self, code: str, own: list[ControlRecord], child_records: list[ControlRecord]
    ) -> list[tuple]:
        bounds = sorted(
            {r.valid_from for r in [*own, *child_records]}
            | {r.valid_to + ONE_DAY for r in [*own, *child_records] if r.valid_to}
        )
        pieces = []
        for start, nxt in zip(bounds, [*bounds[1:], None], strict=False):
            end = nxt - ONE_DAY if nxt else None
            piece = self._piece_on(code, own, start, end)
            if piece is not None:
                pieces.append(piece)
        return pieces

    def _piece_on(
        self, code: str, own: list[ControlRecord], start: date, end: date | None
    ) -> tuple | None:
        own_record = _covering(own, start)
        if own_record is not None:
            return (start, end, own_record.status, own_record, own_record.confidence, False)
        district_records = [
            r
            for child in self._children[code]
            if (r := _covering(self._own.get(child, []), start)) is not None
        ]
        if not district_records:
            return None
        statuses = {r.status for r in district_records}
        status = statuses.pop() if len(statuses) == 1 else PARTIAL
        latest = max(
            district_records, key=lambda r: (r.valid_from, -CONFIDENCES.index(r.confidence))
        )
        confidence = max((r.confidence for r in district_records), key=CONFIDENCES.index)
        return (start, end, status, latest, confidence, False)


def _own_else_inherited(own: list[ControlRecord], parents: list[ControlRecord]) -> list[tuple]:
    """A district's pieces: its own record where one covers the date, else its province's own
    record (marked inherited)."""
    records = [*own, *parents]
    bounds = sorted(
        {r.valid_from for r in records} | {r.valid_to + ONE_DAY for r in records if r.valid_to}
    )
    pieces = []
    for start, nxt in zip(bounds, [*bounds[1:], None], strict=False):
        record = _covering(own, start)
        inherited = record is None
        record = record or _covering(parents, start)
        if record is not None:
            end = nxt - ONE_DAY if nxt else None
            pieces.append((start, end, record.status, record, record.confidence, inherited))
    return pieces


def _covering(records: list[ControlRecord], day: date) -> ControlRecord | None:
    return next((r for r in records if r.covers(day)), None)


def _with_since(pieces: list[tuple]) -> list[Segment]:
    segments: list[Segment] = []
    for start, end, status, record, confidence, inherited in pieces:
        previous = segments[-1] if segments else None
        contiguous = (
            previous is not None and previous.end == start - ONE_DAY and previous.status == status
        )
        since = previous.since if contiguous else start
        segments.append(Segment(start, end, status, record, confidence, since, inherited))
    return segments


def period(dataset, timeline: Timeline) -> tuple[date, date]:
    """The slider's range: what the data (a ``Dataset``) declares, else its records' and events'
    dates."""
    if dataset.period:
        return dataset.period
    first, last = timeline.span()
    if len(dataset.events):
        last = max(last, dataset.events["event_date"].max().date())
    return first, last


def opening_date(dataset, timeline: Timeline) -> date:
    """The date the map opens on when a link names none: the package's ``period.opens`` (the
    shipped data: 4 September 2021, Panjshir split), else the last date of its period."""
    first, last = period(dataset, timeline)
    opens = dataset.opening_date
    return opens if opens and first <= opens <= last else last
