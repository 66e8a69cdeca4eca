"""Load and validate data directories into typed records. The only place that parses files."""

from dashboard.data.dataset import SHIPPED_DATA, Dataset, load_dataset
from dashboard.data.problems import DataError, Problem
from dashboard.data.records import (
    CONFIDENCES,
    PARTIAL,
    RECORD_STATUSES,
    STATUSES,
    UNKNOWN,
    ControlRecord,
    Unit,
)

__all__ = [
    "CONFIDENCES",
    "PARTIAL",
    "RECORD_STATUSES",
    "SHIPPED_DATA",
    "STATUSES",
    "UNKNOWN",
    "ControlRecord",
    "DataError",
    "Dataset",
    "Problem",
    "Unit",
    "load_dataset",
]
