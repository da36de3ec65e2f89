"""The README documents what users rely on: the two commands, every setting, current counts."""

from __future__ import annotations

from support import ROOT

from collabkg.graph.build import BuildResult
from collabkg.graph.summary import summary_rows, summary_table
from collabkg.readme_sections import markers
from collabkg.settings import SETTINGS, Settings

README = ROOT / "README.md"


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    text = README.read_text(encoding="utf-8")
    first_block = text.split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["./scripts/run.sh", "./scripts/test.sh"]
    assert "./scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in text, setting.name
        assert f"`{setting.env}`" in text, setting.env


def test_counts_table_is_current(built: BuildResult, settings: Settings) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = markers("counts")
    current = text.split(start, 1)[1].split(end, 1)[0].strip()
    expected = summary_table(summary_rows(built.dataset, settings))
    assert current == expected, "README counts are stale: run `collabkg build --readme README.md`"


def test_every_top_folder_says_what_it_holds_and_may_import() -> None:
    for folder in ("ontology", "shapes", "loaders", "graph", "api", "cases", "corpus"):
        assert (ROOT / folder / "README.md").exists(), folder
