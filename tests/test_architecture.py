"""Data flows one way: each folder imports only the folders to its left (README "How it is built")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import ROOT

ALLOWED = {
    "ontology": {"ontology"},
    "shapes": {"shapes", "ontology"},
    "loaders": {"loaders", "ontology"},
    "graph": {"graph", "ontology", "shapes", "loaders", "settings"},
    "api": {"api", "graph", "ontology", "settings"},
}
FORBIDDEN_THIRD_PARTY = {"graph": {"flask", "werkzeug"}, "loaders": {"flask"}, "ontology": {"flask"},
                         "shapes": {"flask"}}


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_folder_imports_only_what_it_may(folder: str) -> None:
    for path in (ROOT / folder).rglob("*.py"):
        for name in imports(path):
            if name.startswith("collabkg."):
                target = name.split(".")[1]
                assert target in ALLOWED[folder], f"{path.relative_to(ROOT)} imports {name}"
            assert name.split(".")[0] not in FORBIDDEN_THIRD_PARTY.get(folder, set()), \
                f"{path.relative_to(ROOT)} imports {name}"


def test_views_hold_no_sparql() -> None:
    for path in (ROOT / "api").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "WHERE {" not in text and "SELECT ?" not in text, f"{path.name} holds a SPARQL string"
