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


_NOT_IN_IRI = frozenset('<>"{}|^`\\')


class NotAnIri(ValueError):
    """A value that cannot be written into a query as an IRI."""


def iri_term(iri: str) -> str:
    """``iri`` as a SPARQL IRI term, checked character by character (SPARQL 1.1 grammar, IRIREF): a value
    that could end the IRI early and let text into the query is refused.

    >>> iri_term("https://w3id.org/collabkg/id/body/gwynedd-council")
    '<https://w3id.org/collabkg/id/body/gwynedd-council>'
    >>> iri_term("http://x> } ; DROP ALL #")
    Traceback (most recent call last):
    ...
    collabkg.graph.queries.NotAnIri: not an IRI: 'http://x> } ; DROP ALL #'
    """
    if not iri or ":" not in iri or any(ch in _NOT_IN_IRI or ord(ch) <= 0x20 for ch in iri):
        raise NotAnIri(f"not an IRI: {iri!r}")
    return f"<{iri}>"


@cache
def _resource_text(name: str) -> str:
    return (Path(str(files("collabkg.graph.queries.resources"))) / f"{name}.rq").read_text(encoding="utf-8")


def resource_query(name: str, this: str | None = None) -> str:
    """A query of ``graph/queries/resources`` (entity pages, dumps, the dataset description), with ``$this``
    bound to the IRI ``this`` (checked by :func:`iri_term`).

    >>> "<https://w3id.org/collabkg/id/body/b>" in resource_query("describe", "https://w3id.org/collabkg/id/body/b")
    True
    """
    text = _resource_text(name)
    return text if this is None else text.replace("$this", iri_term(this))
