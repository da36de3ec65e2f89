"""One way for code above the store to ask it questions: a :class:`QueryRunner` answers SELECT, ASK and
CONSTRUCT/DESCRIBE, whether the answers come from an open store (the command line, tests) or from the
server's time-limited worker pool (the API). Entity pages, projections and the dataset description are
written against this interface and never open the store themselves.
"""

from __future__ import annotations

import json
from typing import NamedTuple, Protocol

import pyoxigraph

from collabkg.graph.backends import QueryBackend
from collabkg.graph.gate import check_query
from collabkg.graph.query_pool import QueryJob
from collabkg.graph.sparql import evaluate, serialise


class Term(NamedTuple):
    """One value of a solution: ``kind`` is "uri", "literal" or "bnode" (as in SPARQL JSON results)."""

    value: str
    kind: str
    lang: str | None = None
    datatype: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"


Row = dict[str, Term]


class QueryRunner(Protocol):
    def select(self, sparql: str) -> list[Row]:
        """The solutions of a SELECT query (unbound variables are absent from a row)."""

    def ask(self, sparql: str) -> bool:
        """The answer of an ASK query."""

    def graph(self, sparql: str, format_name: str = "turtle") -> bytes:
        """A CONSTRUCT or DESCRIBE query's triples, serialised (turtle, ntriples, jsonld, xml)."""


def rows_from_json(body: bytes) -> list[Row]:
    """Rows of SPARQL 1.1 JSON results.

    >>> rows_from_json(b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri","value":"http://a"}}]}}')
    [{'x': Term(value='http://a', kind='uri', lang=None, datatype=None)}]
    """
    payload = json.loads(body)
    rows = []
    for binding in payload["results"]["bindings"]:
        rows.append({name: Term(value["value"], "literal" if value["type"] == "typed-literal" else value["type"],
                                value.get("xml:lang"), value.get("datatype"))
                     for name, value in binding.items()})
    return rows


class StoreRunner:
    """Answers from an open store, in this process (the command line and tests).

    >>> store = pyoxigraph.Store()
    >>> StoreRunner(store).ask("ASK { ?s ?p ?o }")
    False
    """

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    def select(self, sparql: str) -> list[Row]:
        return rows_from_json(serialise(evaluate(self.store, sparql), "json"))

    def ask(self, sparql: str) -> bool:
        return bool(json.loads(serialise(evaluate(self.store, sparql), "json"))["boolean"])

    def graph(self, sparql: str, format_name: str = "turtle") -> bytes:
        return serialise(evaluate(self.store, sparql), format_name)


class PoolRunner:
    """Answers from the query backend (graph/backends: the worker pool or a remote server), under its time
    limit (the API)."""

    def __init__(self, pool: QueryBackend) -> None:
        self.pool = pool

    def _run(self, sparql: str, format_name: str) -> bytes:
        checked = check_query(sparql)
        return self.pool.run(QueryJob(checked.text, format_name, checked.has_dataset)).body

    def select(self, sparql: str) -> list[Row]:
        return rows_from_json(self._run(sparql, "json"))

    def ask(self, sparql: str) -> bool:
        return bool(json.loads(self._run(sparql, "json"))["boolean"])

    def graph(self, sparql: str, format_name: str = "turtle") -> bytes:
        return self._run(sparql, format_name)
