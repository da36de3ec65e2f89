"""The small base every loader shares: problems it reports, the error that carries them, the Loader API."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input, located as precisely as the input allows.

    >>> print(Problem("cases/x.yaml", 12, "claims[3].quote", "not found in the report"))
    cases/x.yaml:12: claims[3].quote: not found in the report
    """

    file: str
    line: int | None
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        entry = f" {self.entry}:" if self.entry else ""
        return f"{where}:{entry} {self.message}"


class LoadError(Exception):
    """Raised when inputs have problems; carries every problem found, not only the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s) in the input")

    def render(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class Loader(ABC):
    """Turns one kind of input into RDF quads in a dataset (one named graph per source report)."""

    #: file name patterns this loader reads, e.g. ("*.yaml",)
    patterns: tuple[str, ...] = ()

    @abstractmethod
    def load_into(self, dataset: Dataset) -> None:
        """Add this input's quads to ``dataset``; raise :class:`LoadError` listing every problem."""

    @classmethod
    def iter_sources(cls, folder: Path) -> Iterator[Path]:
        """The files of ``folder`` this loader reads, in a stable order."""
        for pattern in cls.patterns:
            yield from sorted(folder.glob(pattern))
