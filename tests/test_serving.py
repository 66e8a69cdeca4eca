"""Preparing a dataset once: the process cache, the disk cache by content hash, and their safety."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import replace_in

from dashboard import serving
from dashboard.data import DataError
from dashboard.mapview.pruning import static_path


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NAQSHA_CACHE_DIR", str(folder))
    monkeypatch.setattr(serving, "_PROCESS", {})
    return folder


def no_loading(monkeypatch) -> None:
    """Make loading from the data files fail, so a test can see that the cache answered."""

    def refuse(directory):
        raise AssertionError(f"{directory} was loaded again instead of read from the cache")

    monkeypatch.setattr(serving, "load_dataset", refuse)


def test_a_dataset_is_prepared_once_per_process(tiny_dir, tmp_path, cache):
    first = serving.prepared(tiny_dir, tmp_path / "static")
    assert serving.prepared(tiny_dir, tmp_path / "static") is first
    assert len(first.dataset.units) == len(first.timeline.units)
    assert static_path(first.resources.options["geometryUrl"], tmp_path / "static").exists()


def test_a_restarted_server_reads_the_prepared_data_from_disk(
    tiny_dir, tmp_path, cache, monkeypatch
):
    before = serving.prepared(tiny_dir, tmp_path / "static")
    monkeypatch.setattr(serving, "_PROCESS", {})  # a new process
    no_loading(monkeypatch)
    after = serving.prepared(tiny_dir, tmp_path / "static")
    assert after.resources.options == before.resources.options
    assert list(after.dataset.units) == list(before.dataset.units)
    assert [p.name for p in cache.iterdir()] == [f"{serving.content_key(tiny_dir)}.pickle"]
    assert cache.stat().st_mode & 0o777 == 0o700


def test_changed_data_is_loaded_again(tiny_dir, tmp_path, cache):
    before = serving.prepared(tiny_dir, tmp_path / "static")
    key = serving.content_key(tiny_dir)
    replace_in(tiny_dir / "units.csv", "Alpha Town", "Alfa Town")
    assert serving.content_key(tiny_dir) != key
    after = serving.prepared(tiny_dir, tmp_path / "static")
    assert after is not before
    assert after.dataset.units["AF01"].centre_name == "Alfa Town"
    assert len(list(cache.glob("*.pickle"))) == 2


def test_bad_data_is_reported_and_never_cached(tiny_dir, tmp_path, cache):
    replace_in(tiny_dir / "control.csv", "high", "very high")
    with pytest.raises(DataError):
        serving.prepared(tiny_dir, tmp_path / "static")
    assert not cache.exists() or not list(cache.glob("*.pickle"))


@pytest.mark.parametrize("damage", ["truncated", "writable by others"])
def test_a_damaged_or_unsafe_cache_file_is_never_used(
    tiny_dir, tmp_path, cache, monkeypatch, damage
):
    serving.prepared(tiny_dir, tmp_path / "static")
    monkeypatch.setattr(serving, "_PROCESS", {})
    path = cache / f"{serving.content_key(tiny_dir)}.pickle"
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:100])
    else:
        path.chmod(0o666)
    loaded = []
    real = serving.load_dataset
    monkeypatch.setattr(serving, "load_dataset", lambda d: loaded.append(d) or real(d))
    serving.prepared(tiny_dir, tmp_path / "static")
    assert loaded == [tiny_dir]  # built from the files, and the cache file written anew
    assert path.stat().st_mode & 0o777 == 0o600


def test_map_files_pruned_while_cached_are_written_again(tiny_dir, tmp_path, cache, monkeypatch):
    static = tmp_path / "static"
    first = serving.prepared(tiny_dir, static)
    geometry = static_path(first.resources.options["geometryUrl"], static)
    monkeypatch.setattr(serving, "_PROCESS", {})
    geometry.unlink()
    serving.prepared(tiny_dir, static)
    assert geometry.exists()
    geometry.unlink()  # pruned by another process while this one sat idle
    serving.prepared(tiny_dir, static, check=True)
    assert geometry.exists()


def test_the_key_covers_the_code(tiny_dir, monkeypatch, tmp_path):
    key = serving.content_key(tiny_dir)
    code = tmp_path / "code"
    (code / "sub").mkdir(parents=True)
    (code / "sub" / "module.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(serving, "PACKAGE", code)
    assert serving.content_key(tiny_dir) != key


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NAQSHA_CACHE_DIR", str(tmp_path / "mine"))
    assert serving.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("NAQSHA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert serving.cache_dir() == tmp_path / "xdg" / "naqsha"
    assert os.environ.get("NAQSHA_CACHE_DIR") is None
