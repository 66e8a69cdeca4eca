"""How the benchmarks print and keep their figures: a Markdown table, and the JSON beside it."""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "benchmarks" / "out"


def markdown_table(headers: list[str], rows: list[list]) -> str:
    """A Markdown table of ``rows`` (one value per header, printed as they are)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def keep(results: dict, name: str) -> Path:
    """Write ``results`` to ``benchmarks/out/<name>-latest.json``; return the path."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}-latest.json"
    path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return path
