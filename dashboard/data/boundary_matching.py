"""Matching boundary features to ``units.csv`` when a file has no P-codes (geoBoundaries).

Provinces are matched on their ISO 3166-2 code (``shapeISO`` against ``iso_3166_2``). A district
is given the province it overlaps most (of the imported provinces, else the data's), then the
district of that province whose name or alias it bears, compared with the spelling-tolerant keys
of :mod:`dashboard.data.names`: first :func:`~dashboard.data.names.name_key`, then the looser
:func:`~dashboard.data.names.variant_key` (a spelling variant, reported as a warning).

Nothing is guessed silently: every match is listed; a name that fits two districts, or two
features that claim one district (unless one bears its name and the other only an alias or a
variant), leave the features unmatched, and every unmatched feature is listed with the closest
names of its province. Features matched by code or ISO code whose name is neither the unit's
name nor an alias get a warning: the code may point at the wrong polygon.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import shapely

from dashboard.data.names import name_key, name_variants, spellings, variant_key
from dashboard.data.problems import Problem
from dashboard.data.records import Unit

# How a feature was matched, in the order the report counts them.
MATCH_KINDS = ("code", "ISO", "name", "alias", "spelling variant")
# When two features claim one district, a match on its name beats one on an alias or variant.
_RANK = {"name": 0, "alias": 1, "spelling variant": 2}
# A district with less of its area than this in the province it overlaps most is reported.
MIN_PROVINCE_SHARE = 0.5
ALLOW_UNMATCHED_FIX = (
    "give --allow-unmatched (in the app: 'Leave out shapes that match no unit') to leave it out: "
    "it is listed in the report and the unit keeps its old shape"
)


@dataclass
class Matching:
    """What matching found, for the import report.

    Attributes
    ----------
    counts : Counter
        Features matched, by kind (one of :data:`MATCH_KINDS`).
    matches : list of str
        One line per feature matched by ISO code or name ("file, row N: 'Dih Salah' → AF0908
        Deh Salah (spelling variant)"); features with P-codes are only counted.
    warnings : list of Problem
        What the import accepts but the user should check.
    unmatched : list of Problem
        Features left without a unit (unknown names, ambiguities); the import refuses them
        unless told to leave them out.
    problems : list of Problem
        What always refuses the import (an unknown or repeated ISO code).
    """

    counts: Counter = field(default_factory=Counter)
    matches: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unmatched: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def counts_text(self) -> str:
        """``Matched 34 by ISO, 390 by name, 4 by spelling variant`` (kinds with none left out)."""
        parts = [f"{self.counts[k]} by {k}" for k in MATCH_KINDS if self.counts[k]]
        return "Matched " + (", ".join(parts) or "nothing")


def match_units(
    frame: gpd.GeoDataFrame,
    level: str,
    units: dict[str, Unit],
    provinces: gpd.GeoSeries,
    matching: Matching,
) -> gpd.GeoDataFrame:
    """Fill in ``unit`` (and a district's ``parent``) of features read without P-codes.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        A result of :func:`~dashboard.data.boundaries.read_official_boundaries`; its
        ``attrs["match_by"]`` says whether it holds codes, ISO codes or only names.
    level : str
        ``"province"`` or ``"district"``.
    units : dict
        The data directory's units, by P-code.
    provinces : geopandas.GeoSeries
        Province polygons by P-code, to find each district's province.
    matching : Matching
        Receives the matches, warnings, unmatched features and problems.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy; unmatched features keep an empty ``unit``.
    """
    frame = frame.copy()
    file = frame.attrs.get("source_file", "boundaries")
    name_field = frame.attrs.get("name_field") or "shapeName"
    match_by = frame.attrs.get("match_by", "code")
    names = list(frame["name_en"])
    if match_by == "code":
        matching.counts["code"] += len(frame)
        _check_names(file, name_field, frame, units, "code", matching)
        return frame
    claims: dict[int, tuple[str, str]] = {}  # row -> (code, kind)
    if level == "district":
        frame["parent"] = _parents_by_overlap(file, frame, provinces, units, matching)
    isos = frame.attrs.get("iso", [""] * len(frame))
    by_iso = {u.iso_code.upper(): c for c, u in units.items() if u.level == level and u.iso_code}
    seen: dict[str, int] = {}
    for row, (name, parent, iso) in enumerate(
        zip(names, frame["parent"], isos, strict=True), start=1
    ):
        if iso:
            code = _iso_match(file, row, name, iso, by_iso, seen, matching)
            if code:
                claims[row] = (code, "ISO")
        elif level == "province" or parent:
            found = _named(file, row, name_field, name, parent, level, units, matching)
            if found:
                claims[row] = found
    codes = _settle_claims(file, name_field, names, claims, units, matching)
    frame["unit"] = [codes.get(row, "") for row in range(1, len(frame) + 1)]
    for row, code in sorted(codes.items()):
        kind = claims[row][1]
        matching.counts[kind] += 1
        matching.matches.append(
            f"{file}, row {row}: '{names[row - 1]}' → {code} {units[code].name_en} ({kind})"
        )
    _check_names(file, name_field, frame, units, "ISO", matching)
    return frame


def _iso_match(
    file: str,
    row: int,
    name: str,
    iso: str,
    by_iso: dict[str, str],
    seen: dict[str, int],
    matching: Matching,
) -> str:
    code = by_iso.get(iso, "")
    if not code:
        known = ", ".join(sorted(by_iso)) or "none"
        matching.problems.append(
            Problem(
                file, row, "shapeISO",
                f"the ISO 3166-2 code '{iso}' ('{name}') is no province's iso_3166_2 in units.csv (they are: {known})",
                "correct the feature's shapeISO, or add the code to its province's iso_3166_2 column in units.csv",
            )
        )  # fmt: skip
    elif iso in seen:
        matching.problems.append(
            Problem(
                file, row, "shapeISO",
                f"the ISO 3166-2 code '{iso}' ('{name}') is also used by feature {seen[iso]}",
                "give every province its own code, or dissolve the parts into one feature (QGIS 'Dissolve' by shapeISO)",
            )
        )  # fmt: skip
        code = ""
    seen.setdefault(iso, row)
    return code


def _parents_by_overlap(
    file: str,
    frame: gpd.GeoDataFrame,
    provinces: gpd.GeoSeries,
    units: dict[str, Unit],
    matching: Matching,
) -> list[str]:
    """Each feature's province: the one it overlaps most; '' (and an unmatched entry) if none."""
    codes = list(provinces.index)
    shapes = list(provinces.values)
    tree = shapely.STRtree(shapes)
    parents = []
    for row, (name, shape) in enumerate(
        zip(frame["name_en"], frame.geometry, strict=True), start=1
    ):
        overlaps = {codes[i]: shape.intersection(shapes[i]).area for i in tree.query(shape)}
        best = max(overlaps, key=overlaps.__getitem__, default="")
        if not best or overlaps[best] <= 0:
            matching.unmatched.append(
                Problem(
                    file, row, "geometry",
                    f"feature {row} ('{name}') lies in none of the provinces",
                    f"check that it belongs to this country and its coordinates are longitude/latitude; or {ALLOW_UNMATCHED_FIX}",
                )
            )  # fmt: skip
            parents.append("")
            continue
        share = overlaps[best] / shape.area
        if share < MIN_PROVINCE_SHARE:
            matching.warnings.append(
                Problem(
                    file, row, "geometry",
                    f"only {share:.0%} of feature {row} ('{name}') lies in {best} {units[best].name_en}, the province it overlaps most, where it is looked for",
                    "check that the district and province boundaries belong together",
                )
            )  # fmt: skip
        parents.append(best)
    return parents


def _named(
    file: str,
    row: int,
    field_name: str,
    name: str,
    parent: str,
    level: str,
    units: dict[str, Unit],
    matching: Matching,
) -> tuple[str, str] | None:
    """The ``(code, kind)`` of the one unit of ``parent`` called ``name``; None (with an
    unmatched entry) if none or several are."""
    members = {
        c: u for c, u in units.items() if u.level == level and (u.parent or "") == (parent or "")
    }
    found = _candidates(name, members, name_key) or {
        c: "spelling variant" for c in _candidates(name, members, variant_key)
    }
    where = f" of {parent} {units[parent].name_en}" if parent else ""
    if len(found) == 1:
        return next(iter(found.items()))
    if found:
        fits = ", ".join(f"{c} {members[c].name_en} ({kind})" for c, kind in sorted(found.items()))
        message = f"'{name}' fits several {level}s{where}: {fits}"
        fix = f"give the file a P-code field, or keep the name as the alias of one unit only in units.csv; or {ALLOW_UNMATCHED_FIX}"
    else:
        close = difflib.get_close_matches(name, [u.name_en for u in members.values()], n=3)
        hint = f" (closest: {', '.join(close)})" if close else ""
        message = f"'{name}' is no {level}{where} in units.csv, by name or alias{hint}"
        fix = f"if it is one of them, add '{name}' to its aliases in units.csv; or {ALLOW_UNMATCHED_FIX}"
    matching.unmatched.append(Problem(file, row, field_name, message, fix))
    return None


def _candidates(name: str, members: dict[str, Unit], key: Callable[[str], str]) -> dict[str, str]:
    """``code -> kind`` of the units one of whose names has the same ``key`` as ``name``."""
    wanted = {key(text) for text in spellings(name)} - {""}
    found: dict[str, str] = {}
    for code, unit in members.items():
        kinds = [kind for text, kind in name_variants(unit) if key(text) in wanted]
        if kinds:
            found[code] = min(kinds, key=_RANK.__getitem__)
    return found


def _settle_claims(
    file: str,
    field_name: str,
    names: list[str],
    claims: dict[int, tuple[str, str]],
    units: dict[str, Unit],
    matching: Matching,
) -> dict[int, str]:
    """``row -> code`` for the claims no other feature disputes; a code claimed by several
    features goes to the one that bears its name, else to none."""
    by_code: dict[str, list[int]] = {}
    for row, (code, _) in claims.items():
        by_code.setdefault(code, []).append(row)
    codes = {}
    for code, rows in by_code.items():
        rank = [_RANK.get(claims[r][1], -1) for r in rows]  # an ISO code ranks first
        best = min(rank)
        if len(rows) == 1 or (best <= _RANK["name"] and rank.count(best) == 1):
            codes[rows[rank.index(best)]] = code
        for row in rows:
            if codes.get(row) == code:
                continue
            others = ", ".join(f"{r} ('{names[r - 1]}', {claims[r][1]})" for r in rows if r != row)
            matching.unmatched.append(
                Problem(
                    file, row, field_name,
                    f"'{names[row - 1]}' ({claims[row][1]}) and feature(s) {others} all claim {code} {units[code].name_en}",
                    f"keep one feature per unit (QGIS 'Dissolve'), or give the file a P-code field; or {ALLOW_UNMATCHED_FIX}",
                )
            )  # fmt: skip
    for row, code in codes.items():
        if claims[row][1] == "spelling variant":
            matching.warnings.append(
                Problem(
                    file, row, field_name,
                    f"'{names[row - 1]}' was taken for {code} {units[code].name_en} as a spelling variant",
                    "check it; if it is right, add the spelling to the unit's aliases in units.csv to make it a plain match",
                )
            )  # fmt: skip
    return codes


def _check_names(
    file: str,
    field_name: str,
    frame: gpd.GeoDataFrame,
    units: dict[str, Unit],
    kind: str,
    matching: Matching,
) -> None:
    """Warn where a feature matched by code or ISO code bears neither its unit's name nor an
    alias, nor a spelling variant of one: the code may point at the wrong polygon."""
    isos = frame.attrs.get("iso") if kind == "ISO" else None
    for row, (code, name) in enumerate(zip(frame["unit"], frame["name_en"], strict=True), start=1):
        unit = units.get(code)
        if unit is None or not name or (isos is not None and not isos[row - 1]):
            continue
        alone = {code: unit}
        if _candidates(name, alone, name_key) or _candidates(name, alone, variant_key):
            continue
        what = f"ISO code {isos[row - 1]} ({code})" if isos is not None else f"P-code {code}"
        also = f" (aliases: {', '.join(unit.aliases)})" if unit.aliases else ""
        matching.warnings.append(
            Problem(
                file, row, field_name,
                f"the feature with {what} is called '{name}' there, but {code} is '{unit.name_en}'{also} in units.csv",
                f"check that {code} points at the right polygon; if '{name}' is another spelling, add it to the unit's aliases in units.csv",
            )
        )  # fmt: skip
