"""Load and validate data directories into typed records. The only place that parses files."""

from dashboard.data.dataset import SHIPPED_DATA, Dataset, load_dataset
from dashboard.data.problems import DataError, Problem
from dashboard.data.records import (
    CONFIDENCES,
    CONTESTED,
    PARTIAL,
    UNKNOWN,
    ControlRecord,
    Unit,
)
from dashboard.data.vocabulary import AFGHANISTAN_2021, Side, Vocabulary

__all__ = [
    "AFGHANISTAN_2021",
    "Side",
    "Vocabulary",
    "CONFIDENCES",
    "CONTESTED",
    "PARTIAL",
    "SHIPPED_DATA",
    "UNKNOWN",
    "ControlRecord",
    "DataError",
    "Dataset",
    "Problem",
    "Unit",
    "load_dataset",
]
