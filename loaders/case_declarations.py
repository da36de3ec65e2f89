"""What case files declare for other files to refer to: bodies, funding streams, collaborations, references.

Declarations are collected from every file before any file is checked, so a file may use an id another
file declares; a second declaration of the same id is a problem in the file that makes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collabkg.loaders.base import Problem
from collabkg.loaders.yaml_source import LineDict
from collabkg.ontology.iris import is_slug
from collabkg.ontology.terms import BODY_KINDS


@dataclass
class Declarations:
    """Identifiers declared across all case files.

    >>> from collabkg.loaders.yaml_source import LineDict
    >>> declarations, problems = declare({Path("a.yaml"): {"bodies": [
    ...     {"id": "alpha-council", "label": "Alpha Council", "kind": "local-authority"}]}})
    >>> declarations.bodies["alpha-council"][:2], problems
    (('Alpha Council', 'local-authority'), [])
    """

    bodies: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (label, kind, file)
    streams: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (label, file)
    collaborations: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (label, file)
    references: dict[tuple[str, str], str] = field(default_factory=dict)  # (report, id) -> file
    alt_labels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # body id -> short names (acronyms)


def declare(files: dict[Path, Any], wanted: Callable[[Path], bool] = lambda _: True,
            ) -> tuple[Declarations, list[Problem]]:
    """Collect the declarations of parsed case files; problems are kept for the files ``wanted``."""
    declarations = Declarations()
    problems: list[Problem] = []

    def problem(path: Path, item: Any, entry: str, message: str) -> None:
        if wanted(path):
            problems.append(Problem(str(path), item.line if isinstance(item, LineDict) else None, entry, message))

    for path, data in files.items():
        if not isinstance(data, dict):
            problem(path, data, "", "a case file must be a YAML mapping")
            continue
        report = data.get("report")
        for key in ("bodies", "funding_streams"):
            for index, item in enumerate(data.get(key) or []):
                _declare_one(declarations, path, key, index, item, problem)
        collaboration = data.get("collaboration")
        if isinstance(collaboration, dict) and isinstance(collaboration.get("id"), str):
            cid = collaboration["id"]
            if cid in declarations.collaborations:
                problem(path, collaboration, "collaboration.id",
                        f"collaboration {cid!r} is also declared in {declarations.collaborations[cid][1]}")
            else:
                declarations.collaborations[cid] = (str(collaboration.get("label")), str(path))
        for index, item in enumerate(data.get("references") or []):
            if isinstance(item, dict) and isinstance(item.get("id"), str) and isinstance(report, str):
                reference = (report, item["id"])
                if reference in declarations.references:
                    problem(path, item, f"references[{index}].id", f"reference {item['id']!r} of report {report} "
                            f"is also declared in {declarations.references[reference]}")
                else:
                    declarations.references[reference] = str(path)
    return declarations, problems


def _declare_one(declarations: Declarations, path: Path, key: str, index: int, item: Any,
                 problem: Callable[[Path, Any, str, str], None]) -> None:
    entry = f"{key}[{index}]"
    if not isinstance(item, dict):
        problem(path, item, entry, "expected a mapping with id and label")
        return
    item_id, label = item.get("id"), item.get("label")
    if not isinstance(item_id, str) or not is_slug(item_id):
        problem(path, item, entry + ".id", f"{item_id!r} is not an identifier")
        return
    if not isinstance(label, str) or not label.strip():
        problem(path, item, entry + ".label", "is missing")
        return
    if key == "bodies":
        body_kind = item.get("kind")
        if body_kind not in BODY_KINDS:
            problem(path, item, entry + ".kind", f"{body_kind!r} is not one of: {', '.join(BODY_KINDS)}")
            return
        unknown = set(item) - {"id", "label", "kind", "alt_labels", "note"}
        if unknown:
            problem(path, item, entry, f"unknown key(s): {', '.join(sorted(unknown))}")
        if item_id in declarations.bodies:
            problem(path, item, entry + ".id",
                    f"body {item_id!r} is already declared in {declarations.bodies[item_id][2]}")
            return
        alt_labels = item.get("alt_labels") or []
        if not isinstance(alt_labels, list) or not all(isinstance(a, str) and a.strip() for a in alt_labels):
            problem(path, item, entry + ".alt_labels", "must be a list of names")
            alt_labels = []
        declarations.bodies[item_id] = (label.strip(), str(body_kind), str(path))
        declarations.alt_labels[item_id] = tuple(a.strip() for a in alt_labels)
    else:
        if item_id in declarations.streams:
            problem(path, item, entry + ".id",
                    f"funding stream {item_id!r} is already declared in {declarations.streams[item_id][1]}")
            return
        declarations.streams[item_id] = (label.strip(), str(path))
