"""Reading a shared link (``?date=…&unit=…&view=…``): what it asks for, and what it could not give.

A link may be old, mistyped or hostile. Nothing in it is trusted: the date is clamped to the
data's period, the unit must be a known code (in any case), the view must be three numbers in
range; whatever is not understood is replaced by a default and named in a notice, so that the
reader knows the view differs from the link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from dashboard.mapview.basemap import parse_view


@dataclass(frozen=True)
class Address:
    date: date
    unit: str  # "" for none
    view: list[float] | None
    notices: tuple[str, ...] = ()


def unit_code(text: str, codes: Mapping[str, object]) -> str:
    """The code in ``codes`` that ``text`` names, compared case-insensitively, or ''."""
    by_fold = {code.casefold(): code for code in codes}
    return by_fold.get(text.strip().casefold(), "")


def read_address(
    params: Mapping[str, str], first: date, last: date, units: Mapping[str, object], default: date
) -> Address:
    """The view a link asks for, within the data; ``notices`` says, in plain words, what was
    not understood and what is shown instead (the caller shows them as text, escaped)."""
    notices = []
    chosen = min(max(default, first), last)
    raw_date = params.get("date", "")
    if raw_date:
        try:
            asked = date.fromisoformat(raw_date)
        except ValueError:
            notices.append(
                f"The link's date '{raw_date}' is not a date (YYYY-MM-DD); showing {chosen}."
            )
        else:
            chosen = min(max(asked, first), last)
            if chosen != asked:
                notices.append(
                    f"The link's date {asked} is outside the data ({first} to {last}); "
                    f"showing {chosen}."
                )
    raw_unit = params.get("unit", "")
    unit = unit_code(raw_unit, units) if raw_unit else ""
    if raw_unit and not unit:
        notices.append(
            f"The link's unit '{raw_unit}' is not a province or district code (such as AF08); "
            "showing the whole map."
        )
    raw_view = params.get("view", "")
    view = parse_view(raw_view) if raw_view else None
    if raw_view and view is None:
        notices.append(
            f"The link's view '{raw_view}' is not latitude,longitude,zoom; showing the whole map."
        )
    return Address(chosen, unit, view, tuple(notices))
