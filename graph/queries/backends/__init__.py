"""SPARQL the backends and ``collabkg publish`` send a remote server about the versions it holds
(graph/backends/versions.py): the publication record, and the triples of one stored graph."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from collabkg.graph.queries import iri_term


@cache
def _text(name: str) -> str:
    return (Path(str(files("collabkg.graph.queries.backends"))) / f"{name}.rq").read_text(encoding="utf-8")


def backend_query(name: str, **iris: str) -> str:
    """The query ``name`` with each ``$key`` bound to the IRI ``iris[key]`` (checked by ``iri_term``).

    >>> "<http://example.org/g>" in backend_query("graph-triples", graph="http://example.org/g")
    True
    """
    text = _text(name)
    for key, iri in iris.items():
        text = text.replace(f"${key}", iri_term(iri))
    return text
