"""One mapping of a case file, with where it is, and typed accessors that record a located problem instead
of raising, so that a file's every problem is reported in one run."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from collabkg.loaders.yaml_source import LineDict
from collabkg.ontology.iris import is_slug

#: receives (line, entry path, message) for each problem found
ProblemSink = Callable[[int | None, str, str], None]


class CaseEntry:
    """A mapping in a case file, with where it is, and typed accessors that record problems."""

    def __init__(self, report: ProblemSink, data: Any, path: str, line: int | None) -> None:
        self.report = report
        self.path = path
        self.line = data.line if isinstance(data, LineDict) else line
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            self.problem(f"expected a mapping, found {type(data).__name__}")

    def problem(self, message: str, key: str | None = None) -> None:
        entry = f"{self.path}.{key}" if key else self.path
        self.report(self.line, entry, message)

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem("is missing", key)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(f"must be text, found {type(value).__name__}", key)
            return None
        text = str(value).strip()
        if not text:
            if required:
                self.problem("is empty", key)
            return None
        return text

    def slug(self, key: str, required: bool = True) -> str | None:
        value = self.text(key, required)
        if value is not None and not is_slug(value):
            self.problem(f"{value!r} is not an identifier (lowercase letters, digits and hyphens)", key)
            return None
        return value

    def choice(self, key: str, allowed: Iterable[str], required: bool = True) -> str | None:
        value = self.text(key, required)
        allowed = tuple(allowed)
        if value is not None and value not in allowed:
            self.problem(f"{value!r} is not one of: {', '.join(sorted(allowed))}", key)
            return None
        return value

    def words(self, key: str) -> list[str]:
        """A value that may be one word or a list of words."""
        value = self.data.get(key)
        if value is None:
            return []
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) and item.strip() for item in values):
            self.problem("must be a word or a list of words", key)
            return []
        return [item.strip() for item in values]

    def items(self, key: str) -> Iterator[CaseEntry]:
        value = self.data.get(key)
        if value is None:
            return
        if not isinstance(value, list):
            self.problem("must be a list", key)
            return
        for index, item in enumerate(value):
            yield CaseEntry(self.report, item, f"{self.path}.{key}[{index}]" if self.path else f"{key}[{index}]",
                         self.line)

    def unknown_keys(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                self.problem(f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
