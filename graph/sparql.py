"""Running read-only SPARQL on the store: the one place queries are executed and results serialised.

Updates, ``LOAD`` and ``SERVICE`` are refused before the query reaches Oxigraph: the store is for
reading, and ``SERVICE`` would make the process call other hosts on a user's behalf
(SPARQL 1.1 Federated Query, section 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph

RESULT_FORMATS: dict[str, pyoxigraph.QueryResultsFormat] = {
    "json": pyoxigraph.QueryResultsFormat.JSON,
    "xml": pyoxigraph.QueryResultsFormat.XML,
    "csv": pyoxigraph.QueryResultsFormat.CSV,
    "tsv": pyoxigraph.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, pyoxigraph.RdfFormat] = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
    "xml": pyoxigraph.RdfFormat.RDF_XML,
}

# Strings, IRIs and comments can contain any word; they are blanked before looking at keywords.
_NOT_KEYWORDS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*", re.S)
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_SERVICE = re.compile(r"\bSERVICE\b", re.I)
_FROM = re.compile(r"\bFROM\b", re.I)


class QueryRefused(ValueError):
    """A query this read-only endpoint will not run; the message says why."""


@dataclass(frozen=True)
class QueryForm:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    has_dataset: bool  # the query names its own dataset (FROM / FROM NAMED)


def query_form(query: str) -> QueryForm:
    """The form of a query; refuses updates and SERVICE.

    >>> query_form("PREFIX ex: <http://ex/insert> SELECT * WHERE { ?s ?p 'DELETE' }").form
    'SELECT'
    >>> query_form("INSERT DATA { <http://a> <http://b> <http://c> }")
    Traceback (most recent call last):
    ...
    collabkg.graph.sparql.QueryRefused: updates are refused: this endpoint is read-only (INSERT)
    """
    code = _NOT_KEYWORDS.sub(" ", query)
    form = _FORM.search(code)
    update = _UPDATE.search(code)
    if update and (form is None or update.start() < form.start()):
        raise QueryRefused(f"updates are refused: this endpoint is read-only ({update.group(1).upper()})")
    if _SERVICE.search(code):
        raise QueryRefused("SERVICE is refused: queries run on this dataset only and never call other hosts")
    if form is None:
        raise QueryRefused("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return QueryForm(form.group(1).upper(), bool(_FROM.search(code)))


def execute(store: pyoxigraph.Store, query: str, default_graphs: list[str] | None = None,
            named_graphs: list[str] | None = None) -> object:
    """Run ``query``. The dataset is the protocol's ``default_graphs``/``named_graphs`` when given (they
    override FROM, SPARQL 1.1 Protocol 2.1.4), else the query's FROM / FROM NAMED, else the union of all
    graphs as the default graph and every graph as named."""
    form = query_form(query)
    if not default_graphs and not named_graphs and form.has_dataset:
        return store.query(query)
    default: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.DefaultGraph] | None = (
        [pyoxigraph.NamedNode(iri) for iri in default_graphs] if default_graphs else None)
    named: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode] | None = (
        [pyoxigraph.NamedNode(iri) for iri in named_graphs] if named_graphs else None)
    return store.query(query, use_default_graph_as_union=default is None, default_graph=default,
                       named_graphs=named)


def serialise(results: object, format_name: str | None) -> bytes:
    """Serialise solutions, a boolean or triples in ``format_name`` (None: json, or turtle for graphs)."""
    if isinstance(results, pyoxigraph.QueryTriples):
        rdf_format = GRAPH_FORMATS.get(format_name or "turtle")
        if rdf_format is None:
            raise QueryRefused(f"format {format_name!r} is for SELECT and ASK; graphs come as "
                               f"{', '.join(GRAPH_FORMATS)}")
        from collabkg.ontology.terms import PREFIXES

        prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        return pyoxigraph.serialize(results, format=rdf_format, prefixes=prefixes) or b""
    result_format = RESULT_FORMATS.get(format_name or "json")
    if result_format is None:
        raise QueryRefused(f"format {format_name!r} is for CONSTRUCT and DESCRIBE; results come as "
                           f"{', '.join(RESULT_FORMATS)}")
    return results.serialize(format=result_format) or b""  # type: ignore[attr-defined]


def run_query(store: pyoxigraph.Store, query: str, format_name: str | None = None) -> bytes:
    """Run a read-only query and serialise its results."""
    return serialise(execute(store, query), format_name)
