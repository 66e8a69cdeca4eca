"""Validation problems that name the file, row and field, and say how to fix them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file.

    Parameters
    ----------
    file : str
        The file's name as the user knows it.
    row : int or None
        The 1-based line number in the file (the header is line 1), or the feature number for
        GeoJSON; ``None`` when the problem concerns the whole file.
    field : str or None
        The column or property at fault.
    message : str
        What is wrong.
    fix : str
        What the user should do about it.
    """

    file: str
    row: int | None
    field: str | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}. Fix: {self.fix}"


class DataError(Exception):
    """Raised when input files have problems; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def one(
        cls, file: str, row: int | None, field: str | None, message: str, fix: str
    ) -> DataError:
        """The error for a single problem (the arguments of :class:`Problem`)."""
        return cls([Problem(file, row, field, message, fix)])
