"""Tying places to units by name: spelling-tolerant keys over names and aliases."""

from __future__ import annotations

import re
import unicodedata

from dashboard.data.records import Unit

# Words that join two names ("Dand wa Patan", "Lash-e-Juwayn"); the variant key leaves them out.
_JOINING_WORDS = frozenset({"e", "i", "o", "u", "wa", "va"})


def name_key(name: str) -> str:
    """A spelling-tolerant key: case, accents, spaces, hyphens and ``-e-``/``-i-`` ignored.

    ``Sar-e-Pol``, ``Sar-e Pol``, ``sar i pol`` and ``Sarpol`` all give ``sarpol``.
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"(?<=[a-z])[\s\-_']+[ei][\s\-_']+(?=[a-z])", "", text)
    return re.sub(r"[^a-z0-9]", "", text)


def variant_key(name: str) -> str:
    """A looser key for transliteration variants: :func:`name_key` of each word, without
    joining words (``wa``, ``-e-``), a word's final ``h`` after a vowel, vowels and doubled letters.

    ``Dih Salah`` and ``Deh Salah``, ``Puli Hisar`` and ``Pul-e-Hisar``, ``Unaba`` and ``Anaba``,
    ``Chahar Darah`` and ``Chahar Dara`` each give one key. Keys this loose can collide, so a
    match on them is reported as a spelling variant, never taken silently.
    """
    words = [name_key(w) for w in re.split(r"[\s\-_'()/,.]+", name)]
    words = [w[:-1] if re.search(r"[aeiouy]h$", w) else w for w in words if w not in _JOINING_WORDS]
    consonants = re.sub(r"[aeiouy]", "", "".join(words))
    return re.sub(r"(.)\1+", r"\1", consonants)


def spellings(name: str) -> list[str]:
    """A name as written and without its parentheses: ``Khenj (Hissa-e-Awal)``, ``Khenj``."""
    return [text for text in (name, re.sub(r"\(.*?\)", "", name)) if text.strip()]


def name_variants(unit: Unit) -> list[tuple[str, str]]:
    """``(text, kind)`` for each name a unit goes by: its :func:`spellings` (kind ``"name"``)
    and each alias (kind ``"alias"``)."""
    names = [(text, "name") for text in spellings(unit.name_en)]
    return names + [(alias, "alias") for alias in unit.aliases]


def name_index(units: dict[str, Unit]) -> dict[tuple[str, str], str]:
    """``(parent or '', key) -> P-code``, each unit under its full name, without parentheses,
    and under its aliases."""
    index: dict[tuple[str, str], str] = {}
    for unit in units.values():
        parent = (unit.parent or "") if unit.level == "district" else ""
        for variant, _ in name_variants(unit):
            if name_key(variant):
                index.setdefault((parent, name_key(variant)), unit.unit)
    return index


def district_named(
    index: dict[tuple[str, str], str], units: dict[str, Unit], province: str, name: str
) -> str:
    """The P-code of the district of ``province`` called ``name`` (or an alias), or ''."""
    code = index.get((province, name_key(name)), "") if name else ""
    return code if code and units[code].level == "district" else ""
