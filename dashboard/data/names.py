"""Tying places to units by name: spelling-tolerant keys over names and aliases."""

from __future__ import annotations

import re
import unicodedata

from dashboard.data.records import Unit


def name_key(name: str) -> str:
    """A spelling-tolerant key: case, accents, spaces, hyphens and ``-e-``/``-i-`` ignored.

    ``Sar-e-Pol``, ``Sar-e Pol``, ``sar i pol`` and ``Sarpol`` all give ``sarpol``.
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"(?<=[a-z])[\s\-_']+[ei][\s\-_']+(?=[a-z])", "", text)
    return re.sub(r"[^a-z0-9]", "", text)


def name_index(units: dict[str, Unit]) -> dict[tuple[str, str], str]:
    """``(parent or '', key) -> P-code``, each unit under its full name, without parentheses,
    and under its aliases."""
    index: dict[tuple[str, str], str] = {}
    for unit in units.values():
        parent = (unit.parent or "") if unit.level == "district" else ""
        for variant in (unit.name_en, re.sub(r"\(.*?\)", "", unit.name_en), *unit.aliases):
            if name_key(variant):
                index.setdefault((parent, name_key(variant)), unit.unit)
    return index


def district_named(
    index: dict[tuple[str, str], str], units: dict[str, Unit], province: str, name: str
) -> str:
    """The P-code of the district of ``province`` called ``name`` (or an alias), or ''."""
    code = index.get((province, name_key(name)), "") if name else ""
    return code if code and units[code].level == "district" else ""
