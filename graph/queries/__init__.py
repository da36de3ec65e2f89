"""Named SPARQL queries, one file each, named after the question it answers (shared QUESTIONS.md).

Each ``.rq`` file starts with ``# title:`` and ``# question:`` lines. Views and tests take queries from
here; no SPARQL string lives in a view.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    question: str
    sparql: str


@cache
def named_queries() -> dict[str, NamedQuery]:
    """The named queries by name (the file name without its number and extension).

    >>> queries = named_queries()
    >>> queries["members-by-collaboration"].question.startswith("Which bodies are members")
    True
    >>> len(queries)
    13
    """
    folder = Path(str(files("collabkg.graph.queries")))
    queries = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = {key.strip(): value.strip() for key, _, value in
                  (line[1:].partition(":") for line in text.splitlines() if line.startswith("#"))}
        name = path.stem.split("-", 1)[1]
        queries[name] = NamedQuery(name, header["title"], header["question"], text)
    return queries
