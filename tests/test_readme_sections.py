"""The README tables written by commands and benchmarks: one section replaced, the rest left as it was."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from collabkg import readme_sections
from collabkg.readme_sections import replace_section

README = "# t\n<!-- a:start -->\nold a\n<!-- a:end -->\nmiddle\n<!-- b:start -->\nold b\n<!-- b:end -->\nend\n"


def test_only_the_named_section_changes(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    replace_section(readme, "b", "| new | table |")
    assert readme.read_text(encoding="utf-8") == README.replace("old b", "| new | table |")


@pytest.mark.parametrize("text", ["no markers\n", "<!-- a:start -->\nonly a start\n",
                                  "<!-- a:end -->\n<!-- a:start -->\n"])
def test_missing_markers_are_an_error_and_nothing_is_written(tmp_path: Path, text: str) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="no <!-- a:start --> ... <!-- a:end --> markers"):
        replace_section(readme, "a", "table")
    assert readme.read_text(encoding="utf-8") == text


def test_examples() -> None:
    assert doctest.testmod(readme_sections).failed == 0
