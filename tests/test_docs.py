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


def readme_count(text: str, file: str) -> str:
    """The "Rows / features" cell of ``file``'s row in geodata/README.md's table of files."""
    row = next(line for line in text.splitlines() if line.startswith(f"| `{file}` |"))
    return row.rstrip(" |").rsplit("|", 1)[1].strip()


def test_geodata_readme_counts_match_the_files(shipped):
    text = (ROOT / "geodata" / "README.md").read_text(encoding="utf-8")
    provinces = len(shipped.provinces())
    districts = len(shipped.units) - provinces
    assert readme_count(text, "units.csv").startswith(
        f"{len(shipped.units)} ({provinces} provinces, {districts} districts)"
    )
    assert readme_count(text, "boundaries.geojson").startswith(f"{len(shipped.geometry)} features")
    by_level = [shipped.units[r.unit].level for r in shipped.control]
    assert readme_count(text, "control.csv") == (
        f"{len(by_level)} ({by_level.count('province')} province rows, "
        f"{by_level.count('district')} district rows)"
    )
    assert readme_count(text, "events.csv").startswith(str(len(shipped.events)))
    assert readme_count(text, "key_dates.csv") == str(len(shipped.key_dates))
    unplaced = int(shipped.events["latitude"].isna().sum())
    assert (
        f"{unplaced} events have no\ncoordinates" in text
        or f"{unplaced} events have no coordinates" in text
    )


def test_every_cli_command_and_option_is_documented_in_the_readme():
    from dashboard.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name, sub in commands.items():
        assert f"python -m dashboard {name}" in readme, name
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert f"`{flag}" in readme or f" {flag} " in readme or f"[{flag}" in readme, (
                        name,
                        flag,
                    )


def test_the_panjshir_example_is_what_status_prints(shipped):
    """geodata/README.md quotes `status --date 2021-09-04` for Panjshir; it must stay true."""
    import csv
    import io
    from datetime import date

    from dashboard.export import state_csv
    from dashboard.timeline import Timeline

    text = (ROOT / "geodata" / "README.md").read_text(encoding="utf-8")
    after = text[text.index("### Example: Panjshir on 2021-09-04") :]
    block = after.split("```", 2)[1].strip().splitlines()
    printed = state_csv(shipped, Timeline.from_dataset(shipped), date(2021, 9, 4)).splitlines()
    wanted = [line for line in printed if line.startswith(("unit,", "AF08"))]
    assert block == wanted
    assert list(csv.reader(io.StringIO(block[-1])))[0][:2] == ["AF0807", "Paryan"]
