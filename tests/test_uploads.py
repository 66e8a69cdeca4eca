from pathlib import Path

import pytest

from dashboard.data import DataError
from dashboard.data.uploads import save_upload, upload_suffix


@pytest.mark.parametrize(
    "claimed",
    [
        "../../../../tmp/evil.geojson",
        "..\\..\\evil.geojson",
        "/etc/naqsha.geojson",
        "dashboard/static/data/options-0123.geojson",
    ],
)
def test_an_uploads_name_never_becomes_its_path(tmp_path: Path, claimed: str):
    work = tmp_path / "work"
    work.mkdir()
    path = save_upload(b"{}", claimed, "province", work)
    assert path == work / "province.geojson"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["province.geojson", "work"]


def test_an_unknown_format_is_refused_by_name(tmp_path: Path):
    with pytest.raises(DataError) as error:
        save_upload(b"x", "boundaries.exe", "district", tmp_path)
    assert "boundaries.exe" in str(error.value) and ".zip" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_suffixes_are_matched_case_insensitively():
    assert upload_suffix("AFG_ADM2.ZIP") == ".zip"
    assert upload_suffix("a.GeoJSON") == ".geojson"
