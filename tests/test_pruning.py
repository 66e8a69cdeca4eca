"""The static data folder is pruned of files no live dataset uses, and what was pruned comes back."""

import os
import time

from dashboard.mapview.eventfiles import EventFiles
from dashboard.mapview.pruning import MAX_AGE_S, prune, static_path, used_files
from dashboard.mapview.resources import files_missing, prepare_map

DAY_AND_A_BIT = MAX_AGE_S + 3600


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_only_old_unused_files_of_ours_are_removed(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    names = {
        "old": "geometry-0123456789abcdef.json",
        "old_gz": "geometry-0123456789abcdef.json.gz",
        "kept": "options-aaaaaaaaaaaaaaaa.json",
        "young": "events-bbbbbbbbbbbbbbbb.json",
        "tmp": "track-cccccccccccccccc.json.tmp",
        "foreign": "notes.json",
    }
    for name in names.values():
        (data / name).write_text("{}")
    session = data / "session-abc"
    session.mkdir()
    (session / "events-dddddddddddddddd.json").write_text("[]")
    for key in ("old", "old_gz", "kept", "tmp", "foreign"):
        age(data / names[key], DAY_AND_A_BIT)
    age(session, DAY_AND_A_BIT)
    removed = prune({data / names["kept"]}, tmp_path)
    assert sorted(p.name for p in removed) == sorted(
        [names["old"], names["old_gz"], names["tmp"], "session-abc"]
    )
    assert sorted(p.name for p in data.iterdir()) == sorted(
        [names["kept"], names["young"], names["foreign"]]
    )


def test_a_missing_folder_prunes_nothing(tmp_path):
    assert prune(set(), tmp_path) == []


def test_a_compressed_file_keeps_its_plain_twin(tmp_path):
    url = "../../app/static/data/geometry-0123456789abcdef.json.gz"
    assert static_path(url, tmp_path) == tmp_path / "data" / "geometry-0123456789abcdef.json.gz"
    assert {p.name for p in used_files([url, None], tmp_path)} == {
        "geometry-0123456789abcdef.json.gz",
        "geometry-0123456789abcdef.json",
    }


def test_preparing_a_dataset_prunes_another_datasets_stale_files(tiny, tmp_path):
    dataset, timeline = tiny
    stale = tmp_path / "data" / "geometry-ffffffffffffffff.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    age(stale, DAY_AND_A_BIT)
    resources = prepare_map(dataset, timeline, tmp_path)
    assert not stale.exists()
    for path in used_files(resources.options.values(), tmp_path):
        assert path.exists()


def test_files_pruned_while_idle_are_reported_and_event_chunks_rewritten(tiny, tmp_path):
    dataset, timeline = tiny
    resources = prepare_map(dataset, timeline, tmp_path)
    assert not files_missing(resources)
    static_path(resources.options["trackUrl"], tmp_path).unlink()
    assert files_missing(resources)
    files = EventFiles(dataset.events, tmp_path)
    url = files.chunk_url(0)
    static_path(url, tmp_path).unlink()
    assert files.chunk_url(0) == url and static_path(url, tmp_path).exists()
