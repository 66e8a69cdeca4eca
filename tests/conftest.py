"""Shared fixtures: the shipped data, and a tiny synthetic data directory to break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.data import SHIPPED_DATA, load_dataset
from dashboard.timeline import Timeline
from harness.browser import ARTIFACTS, chromium, log_problems, server_log, streamlit_server

TINY = Path(__file__).parent / "fixtures" / "tiny"
SHARED_BOUNDARIES = (
    Path(__file__).resolve().parents[1].parent / "shared" / "boundaries" / "cod-ab-afg-2018"
)


@pytest.fixture(scope="session")
def shipped():
    return load_dataset(SHIPPED_DATA)


@pytest.fixture(scope="session")
def shipped_timeline(shipped):
    return Timeline.from_dataset(shipped)


@pytest.fixture
def tiny_dir(tmp_path) -> Path:
    """A writable copy of the tiny synthetic data directory."""
    target = tmp_path / "tiny"
    shutil.copytree(TINY, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    """Edit one file of a fixture copy; fails loudly if the text to replace is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can screenshot on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def tiny():
    """The tiny fixture dataset and its timeline."""
    dataset = load_dataset(TINY)
    return dataset, Timeline.from_dataset(dataset)


@pytest.fixture(scope="module")
def server():
    """The dashboard served as the quick start serves it, for one browser-test module. Every
    page the module opened ran on it: afterwards its log must hold no warning (such as a
    deprecated argument) and no traceback."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as url:
        yield url
    assert not log_problems(url), server_log(url).read_text(encoding="utf-8")[-3000:]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, for one browser-test module."""
    with chromium() as launched:
        yield launched
