import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_streamlit_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    for section, settings in config.items():
        if section == "theme":  # described as a whole ("a light theme")
            continue
        for name in settings:
            assert f"{section}.{name}" in readme, f"{section}.{name} is not in README.md"
