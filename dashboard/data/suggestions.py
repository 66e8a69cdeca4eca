"""Suggested rows for ``control.csv`` from ACLED's territorial-change events, for review:
who took which unit on which date, as ACLED says, never written into the data by themselves."""

from __future__ import annotations

import pandas as pd

from dashboard.data.records import Unit
from dashboard.data.vocabulary import AFGHANISTAN_2021, Vocabulary
from dashboard.spreadsheet import csv_text

TERRITORY_SUB_EVENTS = (
    "Non-state actor overtakes territory",
    "Government regains territory",
    "Non-violent transfer of territory",
)
SUGGESTION_COLUMNS = (
    "unit", "level", "status", "valid_from", "valid_to", "confidence", "claimed_by", "disputed_by",
    "date_precision", "source_url", "source_publisher", "source_title", "note",
)  # fmt: skip


def suggested_changes(
    events: pd.DataFrame, units: dict[str, Unit], vocabulary: Vocabulary = AFGHANISTAN_2021
) -> list[dict]:
    """Suggested ``control.csv`` rows from events that change who holds territory.

    Events whose ``sub_event_type`` is one of :data:`TERRITORY_SUB_EVENTS` become one dict each,
    with the ``control.csv`` columns (:data:`SUGGESTION_COLUMNS`) plus ``event_id_cnty`` and
    ``skipped``. ``skipped`` is empty for a suggestion, and otherwise says why the event gives
    none (an actor that maps to no status, or an event tied to no unit); such rows have an empty
    ``status``. The unit is the event's district if it has one, else its province.

    Suggestions have confidence ``low``: they are for review, not for direct use. The status
    is the side whose ``acled_actors`` match ``actor1`` (:meth:`Vocabulary.actor_side`). For the
    shipped data: Taliban → taliban; National Resistance Front or any militia (including
    ACLED's ``Militia (Pro-Government)``) → resistance; Afghan military, police or government
    forces → government, except ACLED's post-August-2021 actors ``... (2021-)``, which are the
    Taliban state → taliban.
    """
    chosen = events[events["sub_event_type"].isin(TERRITORY_SUB_EVENTS)]
    return [_suggestion(rec, units, vocabulary) for rec in chosen.to_dict("records")]


def _suggestion(rec: dict, units: dict[str, Unit], vocabulary: Vocabulary) -> dict:
    event_id = str(rec["event_id_cnty"])
    code = rec.get("district") or rec.get("province") or ""
    status = vocabulary.actor_side(str(rec["actor1"]))
    skipped = ""
    if not status:
        sides = ", ".join(side.label for side in vocabulary.sides)
        skipped = f"actor1 '{rec['actor1']}' matches none of the sides ({sides}), or more than one"
    elif not code:
        skipped = "the event is tied to no unit"
    day = pd.Timestamp(rec["event_date"]).date().isoformat()
    precise = not pd.isna(rec["time_precision"]) and int(rec["time_precision"]) == 1
    return {
        "unit": code,
        "level": units[code].level if code in units else "",
        "status": "" if skipped else status,
        "valid_from": day,
        "valid_to": "",
        "confidence": "low",
        "claimed_by": "",
        "disputed_by": "",
        "date_precision": "day" if precise else "approximate",
        "source_url": rec["source_url"],
        "source_publisher": f"ACLED ({rec['source']})" if rec["source"] else "ACLED",
        "source_title": f"ACLED event {event_id}: {rec['sub_event_type']}",
        "note": f"Suggested from ACLED event {event_id} ({rec['actor1']}); review before use. ACLED notes: {rec['notes']}",
        "event_id_cnty": event_id,
        "skipped": skipped,
    }


def suggestions_csv(rows: list[dict]) -> str:
    """The suggestions that are not skipped, as ``control.csv`` text (header included), safe to
    open in a spreadsheet for review."""
    return csv_text(list(SUGGESTION_COLUMNS), (r for r in rows if not r.get("skipped")))
