"""What a data package calls things: its area, its sides, its second language, its framing.

``datapackage.json`` declares them (see the README, "A data package for another conflict"); a
package that declares none gets :data:`AFGHANISTAN_2021`, the shipped package's own values.
Besides its sides, every package has three statuses of its own: ``contested`` (written in
``control.csv``), and ``partial`` and ``unknown`` (derived, never written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.data.problems import DataError, Problem
from dashboard.data.records import CONTESTED, PARTIAL, UNKNOWN

# Okabe-Ito colours, which stay distinct for the common forms of colour blindness: a side that
# declares no colour gets the next of these. Orange and reddish purple are taken by the
# contested and partial statuses.
SIDE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#56B4E9", "#F0E442", "#000000")
BUILT_IN = (CONTESTED, PARTIAL, UNKNOWN)
SIDE_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
DIRECTIONS = ("ltr", "rtl")


@dataclass(frozen=True)
class Side:
    """A party that can hold territory: its status code, label, description and colour, and
    the ACLED ``actor1`` texts that stand for it (see :meth:`Vocabulary.actor_side`)."""

    code: str
    label: str
    description: str
    colour: str
    acled_actors: tuple[str, ...] = ()


@dataclass(frozen=True)
class SecondName:
    """The language of each unit's second name (``name_fa`` in ``units.csv``)."""

    language: str  # a BCP 47 tag, e.g. "fa"
    label: str  # what the detail table calls it, e.g. "Dari"
    direction: str  # "rtl" or "ltr"


@dataclass(frozen=True)
class Vocabulary:
    """A data package's names for its area and sides.

    Attributes
    ----------
    area : str
        The area's name, e.g. ``"Afghanistan"``.
    subtitle : str
        One line under the app's title, e.g. "Who controlled which part of Afghanistan …".
    sides : tuple of Side
        In the order the legend, counters and charts list them.
    second_name : SecondName
    framing : tuple of float or None
        ``(west, south, east, north)`` the map opens on; ``None`` fits it to the data.
    """

    area: str
    subtitle: str
    sides: tuple[Side, ...]
    second_name: SecondName
    framing: tuple[float, float, float, float] | None = None

    @property
    def record_statuses(self) -> tuple[str, ...]:
        """The statuses ``control.csv`` may hold: every side, and ``contested``."""
        return (*(s.code for s in self.sides), CONTESTED)

    @property
    def statuses(self) -> tuple[str, ...]:
        """Every status in display order: the sides, contested, partial, unknown."""
        return (*self.record_statuses, PARTIAL, UNKNOWN)

    def actor_side(self, actor: str) -> str:
        """The side an ACLED ``actor1`` stands for, or '' if none or more than one.

        An actor belongs to a side when it contains one of the side's ``acled_actors`` texts
        (ignoring case) and none of its texts that begin with ``!``.
        """
        lowered = actor.casefold()
        found = [side.code for side in self.sides if _matches(lowered, side.acled_actors)]
        return found[0] if len(found) == 1 else ""


def _matches(actor: str, patterns: tuple[str, ...]) -> bool:
    wanted = [p.casefold() for p in patterns if not p.startswith("!")]
    unwanted = [p[1:].casefold() for p in patterns if p.startswith("!")]
    return any(w in actor for w in wanted) and not any(u in actor for u in unwanted)


AFGHANISTAN_2021 = Vocabulary(
    area="Afghanistan",
    subtitle="Who controlled which part of Afghanistan on each day of 2021, and how we know.",
    sides=(
        Side(
            "government",
            "Government",
            "Held by the Islamic Republic of Afghanistan",
            "#0072B2",
            (
                "Military Forces of Afghanistan",
                "Police Forces of Afghanistan",
                "Government",
                "!(2021-)",
                "!Militia",
            ),
        ),
        Side("taliban", "Taliban", "Held by the Taliban", "#D55E00", ("Taliban", "(2021-)")),
        Side(
            "resistance",
            "Resistance",
            "Held by the National Resistance Front or other anti-Taliban forces",
            "#009E73",
            ("National Resistance Front", "Militia", "!Taliban"),
        ),
    ),
    second_name=SecondName("fa", "Dari", "rtl"),
)


def vocabulary_of(meta: dict, name: str = "datapackage.json") -> Vocabulary:
    """The vocabulary ``datapackage.json`` (already parsed as ``meta``) declares.

    Raises
    ------
    DataError
        Naming the file, the field and the fix for each declaration that cannot be used.
    """
    if not any(key in meta for key in ("area", "sides", "second_name", "framing")):
        return AFGHANISTAN_2021
    problems: list[Problem] = []
    area = _area(meta.get("area", {}), name, problems)
    sides = _sides(meta.get("sides"), name, problems)
    second = _second_name(meta.get("second_name", {}), name, problems)
    framing = _framing(meta.get("framing"), name, problems)
    if problems:
        raise DataError(problems)
    return Vocabulary(area[0], area[1], sides, second, framing)


def _problem(name: str, field: str, message: str, fix: str) -> Problem:
    return Problem(name, None, field, message, fix)


def _text(value, default: str = "") -> str:
    return value.strip() if isinstance(value, str) and value.strip() else default


def _area(area, name: str, problems: list[Problem]) -> tuple[str, str]:
    fix = 'write "area": {"name": "Tajikistan", "subtitle": "Who controlled …"}'
    if not isinstance(area, dict) or not _text(area.get("name")):
        problems.append(_problem(name, "area", "does not name the area", fix))
        return "", ""
    label = _text(area["name"])
    return label, _text(
        area.get("subtitle"), f"Who controlled which part of {label}, and how we know."
    )


def _sides(sides, name: str, problems: list[Problem]) -> tuple[Side, ...]:
    fix = 'write "sides": [{"code": "government", "label": "Government", "description": "…"}, …]'
    if not isinstance(sides, list) or not sides:
        problems.append(_problem(name, "sides", "does not list the sides", fix))
        return ()
    parsed, seen = [], set()
    for number, side in enumerate(sides, start=1):
        field = f"sides[{number}]"
        if not isinstance(side, dict):
            problems.append(_problem(name, field, "is not an object", fix))
            continue
        code = side.get("code")
        if not isinstance(code, str) or not SIDE_CODE.fullmatch(code) or code in BUILT_IN:
            problems.append(
                _problem(
                    name,
                    f"{field}.code",
                    f"'{code}' is not a usable status code",
                    "use lower-case letters, digits and _ (e.g. 'government'), and not "
                    + ", ".join(BUILT_IN),
                )
            )
            continue
        if code in seen:
            problems.append(_problem(name, f"{field}.code", f"'{code}' is listed twice", fix))
            continue
        seen.add(code)
        colour = side.get("colour") or SIDE_COLOURS[(number - 1) % len(SIDE_COLOURS)]
        if not isinstance(colour, str) or not COLOUR.fullmatch(colour):
            problems.append(
                _problem(name, f"{field}.colour", f"'{colour}' is not a colour", "write #RRGGBB")
            )
            continue
        actors = side.get("acled_actors", [])
        if not isinstance(actors, list) or not all(isinstance(a, str) and a for a in actors):
            problems.append(
                _problem(
                    name,
                    f"{field}.acled_actors",
                    "is not a list of texts",
                    'write "acled_actors": ["Taliban", "!Militia"]',
                )
            )
            continue
        label = _text(side.get("label"), code.replace("_", " ").capitalize())
        description = _text(side.get("description"), f"Held by {label}")
        parsed.append(Side(code, label, description, colour.upper(), tuple(actors)))
    return tuple(parsed)


def _second_name(second, name: str, problems: list[Problem]) -> SecondName:
    fix = 'write "second_name": {"language": "fa", "label": "Dari", "direction": "rtl"}'
    if not isinstance(second, dict):
        problems.append(_problem(name, "second_name", "is not an object", fix))
        return AFGHANISTAN_2021.second_name
    direction = second.get("direction", "ltr")
    if direction not in DIRECTIONS:
        problems.append(
            _problem(name, "second_name.direction", f"'{direction}' is not ltr or rtl", fix)
        )
    language = _text(second.get("language"), "und")
    return SecondName(language, _text(second.get("label"), "Other name"), str(direction))


def _framing(framing, name: str, problems: list[Problem]):
    if framing is None:
        return None
    fix = 'write "framing": {"bounds": [west, south, east, north]} in degrees, or leave it out'
    bounds = framing.get("bounds") if isinstance(framing, dict) else None
    try:
        west, south, east, north = (float(v) for v in bounds)
    except (TypeError, ValueError):
        problems.append(_problem(name, "framing", "is not four bounds", fix))
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        problems.append(_problem(name, "framing.bounds", f"{bounds} is not a box", fix))
        return None
    return (west, south, east, north)
