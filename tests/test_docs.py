import json
import re
import tomllib
from pathlib import Path

from dashboard.data.events import EVENT_TAXONOMY
from dashboard.data.published import KINDS, MEASURES
from dashboard.data.records import CONFIDENCES, DATE_PRECISIONS, LEVELS
from dashboard.data.vocabulary import vocabulary_of
from dashboard.mapview.legend import EVENT_SHORT_NAMES
from dashboard.style import EVENT_STYLES
from dashboard.timeline import core

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


def bullets(text: str, marker: str) -> list[str]:
    """The list items of ``text`` that start with ``marker``, each on one line."""
    items = re.split(rf"^{re.escape(marker)} ", text, flags=re.M)[1:]
    return [" ".join(item.split("\n\n")[0].split()) for item in items]


def test_the_derivation_rules_in_the_data_readme_are_the_codes():
    code = core.__doc__.replace("``", "`")
    readme = (ROOT / "geodata" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Derivation: from records to the map")[1].split("### Example")[0]
    assert bullets(section, "-") == bullets(code, "*")
    assert len(bullets(code, "*")) == 6


def test_the_data_package_enums_are_the_codes_vocabularies():
    package = json.loads((ROOT / "geodata" / "datapackage.json").read_text(encoding="utf-8"))
    enums = {
        (resource["name"], field["name"]): field["constraints"]["enum"]
        for resource in package["resources"]
        for field in resource.get("schema", {}).get("fields", [])
        if "enum" in field.get("constraints", {})
    }
    assert enums == {
        ("units", "level"): list(LEVELS),
        ("control", "level"): list(LEVELS),
        ("control", "status"): list(vocabulary_of(package).record_statuses),
        ("control", "confidence"): list(CONFIDENCES),
        ("control", "date_precision"): list(DATE_PRECISIONS),
        ("events", "event_type"): list(EVENT_TAXONOMY),
        ("events", "sub_event_type"): sorted(s for subs in EVENT_TAXONOMY.values() for s in subs),
        ("events", "time_precision"): [1, 2, 3],
        ("events", "geo_precision"): [1, 2, 3],
        ("events", "confidence"): list(CONFIDENCES),
        ("published_counts", "kind"): list(KINDS),
        ("published_counts", "measure"): list(MEASURES),
    }


def test_every_event_type_has_a_marker_and_a_legend_name():
    assert list(EVENT_STYLES) == list(EVENT_TAXONOMY)
    assert list(EVENT_SHORT_NAMES) == list(EVENT_TAXONOMY)
    letters = [letter for _, letter in EVENT_STYLES.values()]
    assert len(set(letters)) == len(letters)


def test_only_the_app_imports_streamlit():
    """The layers below the app are pure; ``dashboard/launch.py`` only starts Streamlit's server
    (for ``python -m dashboard serve``)."""
    importing = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(import streamlit|from streamlit)", text, re.M):
            importing.add(path.relative_to(ROOT).as_posix())
    app = {
        "dashboard/app.py",
        *(f"dashboard/ui/{p.name}" for p in (ROOT / "dashboard/ui").glob("*.py")),
    }
    assert importing - app == {"dashboard/launch.py"}
    launch = (ROOT / "dashboard" / "launch.py").read_text(encoding="utf-8")
    assert re.findall(r"^\s*(?:import streamlit|from streamlit.*)$", launch, re.M) == [
        "        from streamlit.web.server.starlette import starlette_server",
        "    from streamlit.web import cli as streamlit_cli",
    ]


def test_no_module_is_over_400_lines():
    sources = [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "dashboard/mapview/web").glob("*.js")]
    long = {
        p.name: n for p in sources if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
