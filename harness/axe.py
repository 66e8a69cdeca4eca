"""axe-core audits of a page and of every frame in it (the map is a frame of the dashboard).

axe-core comes from the installed ``axe-playwright-python`` package (a test dependency), never
from a copy in this repository. Its ``Axe.run`` injects axe into the page only; axe audits a
frame only when its script is in that frame too, so :func:`audit` puts it into every frame
first. Rules that apply to a whole page (one ``main`` landmark, one ``h1``) then apply to the
dashboard's page, not to the map's frame inside it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from harness.browser import ROOT

# What the tests allow: violations of lower impact are listed, and saved, for information.
BLOCKING = ("serious", "critical")
ARTIFACTS = ROOT / "test-artifacts" / "accessibility"
# Rules switched off, each for markup we cannot change (README, "Accessibility"). None so far.
EXCLUDED: dict[str, str] = {}


def audit(page) -> list[dict]:
    """Run axe-core on ``page`` and in each of its frames.

    Parameters
    ----------
    page
        A Playwright page, loaded.

    Returns
    -------
    list[dict]
        axe's violations, one per rule; a node inside a frame has the frame's selector first
        in its ``target``.
    """
    axe = Axe()
    for frame in page.frames:
        if frame != page.main_frame:
            frame.evaluate(axe.axe_script)
    options = {
        "resultTypes": ["violations"],
        "rules": {rule: {"enabled": False} for rule in EXCLUDED},
    }
    return axe.run(page, options=options).response["violations"]


def found(violations: list[dict]) -> list[dict]:
    """One row per rule and document (``page`` or ``frame``): id, impact, count, help and the
    first few elements."""
    rows: dict[tuple, dict] = {}
    for violation in violations:
        for node in violation["nodes"]:
            where = "frame" if len(node["target"]) > 1 else "page"
            row = rows.setdefault(
                (violation["id"], where),
                {
                    "id": violation["id"],
                    "impact": violation["impact"],
                    "where": where,
                    "help": violation["help"],
                    "count": 0,
                    "examples": [],
                },
            )
            row["count"] += 1
            if len(row["examples"]) < 3:
                row["examples"].append(
                    {
                        "target": node["target"],
                        "html": node["html"][:200],
                        "why": node["failureSummary"],
                    }
                )
    return list(rows.values())


def keep(name: str, violations: list[dict]) -> Path:
    """Save :func:`found`'s rows of ``violations`` to ``test-artifacts/accessibility/<name>.json``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.json"
    path.write_text(json.dumps(found(violations), indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def blocking(violations: list[dict]) -> list[dict]:
    """The rows of :func:`found` whose impact is serious or critical."""
    return [row for row in found(violations) if row["impact"] in BLOCKING]


def counts(violations: list[dict]) -> Counter:
    """Elements per ``(rule, impact, where)``, for a short message."""
    return Counter(
        {(row["id"], row["impact"], row["where"]): row["count"] for row in found(violations)}
    )
