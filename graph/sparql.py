"""Running read-only SPARQL on the store: the one place queries are executed and results serialised.

Every query passes :func:`collabkg.graph.gate.check_query` first; what runs here is the text the gate wrote
out, never the text a client sent. The endpoint predeclares the prefixes of the contract (section 1) and
``rdf:``, ``xsd:``, ``owl:``, so a query may use them without ``PREFIX`` lines; its own declarations win.
"""

from __future__ import annotations

import pyoxigraph

from collabkg.graph.gate import CheckedQuery, QueryRejected, check_query
from collabkg.ontology.terms import PREFIXES, RDF

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
#: prefixes every query may use without declaring them: the project's, and ``rdf:`` which it never binds
PREDECLARED_PREFIXES: dict[str, str] = {prefix: str(namespace) for prefix, namespace in
                                        sorted({**PREFIXES, "rdf": RDF}.items())}


class UnsupportedFormat(ValueError):
    """A result format that does not fit the query's form (a graph format for SELECT, say)."""


def execute(store: pyoxigraph.Store, query: str, has_dataset: bool, default_graphs: list[str] | None = None,
            named_graphs: list[str] | None = None) -> object:
    """Run ``query``, a text :func:`~collabkg.graph.gate.check_query` wrote out. The dataset is the
    protocol's ``default_graphs``/``named_graphs`` when given (they override FROM, SPARQL 1.1 Protocol 2.1.4),
    else the query's own FROM / FROM NAMED (``has_dataset``), else the union of all graphs as the default
    graph and every graph as named. Raises SyntaxError (the engine's message) or OSError."""
    if not default_graphs and not named_graphs and has_dataset:
        return store.query(query, prefixes=PREDECLARED_PREFIXES)
    default: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.DefaultGraph] | None = (
        [pyoxigraph.NamedNode(iri) for iri in default_graphs] if default_graphs else None)
    named: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode] | None = (
        [pyoxigraph.NamedNode(iri) for iri in named_graphs] if named_graphs else None)
    return store.query(query, prefixes=PREDECLARED_PREFIXES, use_default_graph_as_union=default is None,
                       default_graph=default, named_graphs=named)


def check_graph_iris(iris: list[str], parameter: str) -> None:
    """Raise :class:`QueryRejected` unless every IRI of a ``default-graph-uri`` / ``named-graph-uri``
    parameter is an absolute IRI."""
    for iri in iris:
        try:
            pyoxigraph.NamedNode(iri)
        except ValueError:
            shown = iri if len(iri) <= 80 else iri[:77] + "..."
            raise QueryRejected(f"{parameter} {shown!r} is not an absolute IRI") from None


def serialise(results: object, format_name: str | None) -> bytes:
    """Serialise solutions, a boolean or triples in ``format_name`` (None: json, or turtle for graphs)."""
    if isinstance(results, pyoxigraph.QueryTriples):
        rdf_format = GRAPH_FORMATS.get(format_name or "turtle")
        if rdf_format is None:
            raise UnsupportedFormat(f"format {format_name!r} is for SELECT and ASK; graphs come as "
                               f"{', '.join(GRAPH_FORMATS)}")
        return pyoxigraph.serialize(results, format=rdf_format, prefixes=PREDECLARED_PREFIXES) or b""
    result_format = RESULT_FORMATS.get(format_name or "json")
    if result_format is None:
        raise UnsupportedFormat(f"format {format_name!r} is for CONSTRUCT and DESCRIBE; results come as "
                           f"{', '.join(RESULT_FORMATS)}")
    return results.serialize(format=result_format) or b""  # type: ignore[attr-defined]


def run_query(store: pyoxigraph.Store, query: str, format_name: str | None = None) -> bytes:
    """Check a query at the gate, run it and serialise its results; raise
    :class:`~collabkg.graph.gate.GateError` (with the position in ``query``) for a query that is refused
    or malformed.

    >>> store = pyoxigraph.Store()
    >>> run_query(store, "ASK { ?s ?p ?o }", "json")
    b'{"head":{},"boolean":false}'
    """
    return serialise(evaluate(store, query), format_name)


def evaluate(store: pyoxigraph.Store, query: str) -> object:
    """Check a query at the gate and run it on the union default graph (or its own FROM): solutions, a
    boolean or triples; :class:`~collabkg.graph.gate.GateError` for a query refused or malformed."""
    checked = check_query(query)
    try:
        return execute(store, checked.text, checked.has_dataset)
    except SyntaxError as error:
        raise engine_syntax_error(checked, query, str(error)) from None


def engine_syntax_error(checked: CheckedQuery, request: str, message: str) -> QueryRejected:
    """The engine's syntax error on the gate's text, placed at its line and column in the request."""
    from collabkg.graph.query_errors import readable_syntax_error

    return readable_syntax_error(checked, request, message)
