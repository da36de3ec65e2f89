"""One behaviour for both backends: every test here runs on the embedded store and on a live Virtuoso loaded by
``collabkg publish`` (tests/backends/conftest.py), and compares what the server answers with what the
embedded store itself answers (graph/sparql.run_query on the same build)."""

from __future__ import annotations

import json
import time
import urllib.parse

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from support import QUERY_TIMEOUT, Reply, Served, call, get

from collabkg.graph.gate import GateError
from collabkg.graph.queries import named_queries
from collabkg.graph.sparql import run_query

CATALOGUE = "https://w3id.org/collabkg/id/graph/catalogue"
ONTOLOGY = "https://w3id.org/collabkg/ontology"
BODY = "https://w3id.org/collabkg/id/body/barnardos"


def post(served: Served, query: str, accept: str = "application/sparql-results+json", **params: str) -> Reply:
    body = urllib.parse.urlencode({"query": query, **params}).encode("utf-8")
    return call(f"{served.url}/sparql", "POST", body, {"Accept": accept,
                                                       "Content-Type": "application/x-www-form-urlencoded"})


def expected(store: pyoxigraph.Store, query: str, format_name: str = "json") -> bytes:
    return run_query(store, query, format_name)


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_the_example_queries_answer_exactly_as_the_embedded_store(served: Served, embedded_store: pyoxigraph.Store,
                                                                  name: str) -> None:
    query = named_queries()[name].sparql
    reply = post(served, query)
    assert reply.status == 200, reply.text
    assert reply.body == expected(embedded_store, query), f"{served.name}: {name} answers differently"


@pytest.mark.parametrize(("format_name", "accept"), [("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                                                     ("xml", "application/sparql-results+xml")])
def test_results_come_in_every_format_as_the_embedded_store_writes_them(
        served: Served, embedded_store: pyoxigraph.Store, format_name: str, accept: str) -> None:
    query = named_queries()["funding-by-collaboration"].sparql
    reply = post(served, query, accept)
    assert reply.status == 200 and reply.headers["content-type"].startswith(accept)
    assert reply.body == expected(embedded_store, query, format_name)


@pytest.mark.parametrize("query", [
    "ASK { ?c a ckg:Collaboration }",
    "ASK { ?c a <http://example.org/Nothing> }",
    # predeclared prefixes, and a query's own declaration winning over one
    "SELECT (COUNT(*) AS ?n) WHERE { ?c a org:OrganizationalCollaboration ; rdfs:label ?l }",
    "PREFIX schema: <http://schema.org/> SELECT (COUNT(*) AS ?n) WHERE { ?g schema:funder ?f }",
    # the union default graph, and the graphs under their published names
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?doc (COUNT(*) AS ?n) WHERE { ?doc a dcterms:BibliographicResource . GRAPH ?doc { ?s ?p ?o } } "
    "GROUP BY ?doc ORDER BY ?doc",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{CATALOGUE}> {{ ?s ?p ?o }} }}",
    f"SELECT (COUNT(*) AS ?n) FROM <{CATALOGUE}> WHERE {{ ?s ?p ?o }}",
    f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{CATALOGUE}> FROM NAMED <{ONTOLOGY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} "
    "GROUP BY ?g ORDER BY ?g",
    f"SELECT (COUNT(*) AS ?n) FROM <{CATALOGUE}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "SELECT (COUNT(*) AS ?n) FROM <https://example.org/no-such-graph> WHERE { ?s ?p ?o }",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{CATALOGUE}?version=1> {{ ?s ?p ?o }} }}",
    "SELECT ?from WHERE { BIND(1 AS ?from) }",
])
def test_queries_see_the_same_dataset(served: Served, embedded_store: pyoxigraph.Store, query: str) -> None:
    reply = post(served, query)
    assert reply.status == 200, reply.text
    assert reply.body == expected(embedded_store, query)


def test_the_protocol_dataset_parameters_choose_the_same_graphs(served: Served,
                                                                 embedded_store: pyoxigraph.Store) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g ORDER BY ?g"
    only_catalogue = post(served, query, **{"default-graph-uri": CATALOGUE})
    named_ontology = post(served, query, **{"named-graph-uri": ONTOLOGY})
    counts = {row.get("g", {}).get("value"): int(row["n"]["value"])
              for row in json.loads(only_catalogue.body)["results"]["bindings"]}
    total = sum(1 for _ in embedded_store.quads_for_pattern(None, None, None, None))
    in_catalogue = sum(1 for _ in embedded_store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(CATALOGUE)))
    in_ontology = sum(1 for _ in embedded_store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(ONTOLOGY)))
    assert counts[None] == in_catalogue and sum(v for k, v in counts.items() if k) == total  # every graph named
    named = {row.get("g", {}).get("value"): int(row["n"]["value"])
             for row in json.loads(named_ontology.body)["results"]["bindings"]}
    assert named == {None: total, ONTOLOGY: in_ontology}  # the union as the default graph, one named graph


def graph_of(body: bytes, rdf_format: pyoxigraph.RdfFormat) -> Graph:
    """An answer's triples, read by pyoxigraph and compared by rdflib (blank nodes matched by isomorphism)."""
    triples = [quad.triple for quad in pyoxigraph.parse(body, format=rdf_format)]
    return Graph().parse(data=pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES), format="nt")


def test_construct_gives_the_same_triples(served: Served, embedded_store: pyoxigraph.Store) -> None:
    query = (f"CONSTRUCT {{ <{BODY}> ?p ?o . ?s ?q <{BODY}> }} "
             f"WHERE {{ {{ <{BODY}> ?p ?o }} UNION {{ ?s ?q <{BODY}> }} }}")
    for accept, format_name, rdf_format in (("text/turtle", "turtle", pyoxigraph.RdfFormat.TURTLE),
                                            ("application/n-triples", "ntriples", pyoxigraph.RdfFormat.N_TRIPLES),
                                            ("application/ld+json", "jsonld", pyoxigraph.RdfFormat.JSON_LD)):
        reply = post(served, query, accept)
        assert reply.status == 200 and reply.headers["content-type"].startswith(accept)
        answered = graph_of(reply.body, rdf_format)
        local = graph_of(expected(embedded_store, query, format_name), rdf_format)
        assert len(answered) > 10 and isomorphic(answered, local)


@pytest.mark.parametrize("query", [
    f"DESCRIBE <{BODY}>",
    # blank nodes: the ontology's OWL restrictions and lists are described through them
    "DESCRIBE ?class WHERE { ?class owl:equivalentClass|owl:disjointUnionOf ?axiom . FILTER(isBlank(?axiom)) }",
    "DESCRIBE ?report ?publisher WHERE { ?report a dcterms:BibliographicResource ; dcterms:publisher ?publisher } "
    "ORDER BY ?report ?publisher LIMIT 2",  # a total order: which rows a LIMIT keeps is then defined
])
def test_describe_gives_the_concise_bounded_description(served: Served, embedded_store: pyoxigraph.Store,
                                                        query: str) -> None:
    reply = post(served, query, "text/turtle")
    assert reply.status == 200, reply.text
    answered = graph_of(reply.body, pyoxigraph.RdfFormat.TURTLE)
    local = graph_of(expected(embedded_store, query, "turtle"), pyoxigraph.RdfFormat.TURTLE)
    assert len(local) >= 3 and isomorphic(answered, local), f"{served.name}: {len(answered)} vs {len(local)} triples"


def test_describe_of_nothing_is_an_empty_graph(served: Served) -> None:
    reply = post(served, "DESCRIBE ?x WHERE { ?x a <http://example.org/NoSuchClass> }", "application/n-triples")
    assert reply.status == 200 and reply.body.strip() == b"", reply.text


@pytest.mark.parametrize(("query", "status"), [
    ("INSERT DATA { <http://a> <http://b> <http://c> }", 403),
    ("DELETE WHERE { ?s ?p ?o }", 403),
    ("LOAD <http://example.org/data.ttl>", 403),
    ("DROP ALL", 403),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403),
    ("SELECT * WHERE { ?s ?p ?o 115SERVICE <http://127.0.0.1:9/> { } }", 403),
    ("SELECT * WHERE { ?s ?p }", 400),
    ("SELECT ?x WHERE { ?x a ckg:Collaboration } LIMT 5", 400),
    ("ASK { ?s ?p ?o . FILTER( }", 400),
    ("ASK WHERE { ?s nope:thing ?o }", 400),
    ("DESCRIBE ?x WHERE { ?x ?p }", 400),
    ("CONSTRUCT { ?s ?p } WHERE { ?s ?p ?o }", 400),
    ("SELEC * WHERE { }", 400),
    ("SELECT * WHERE { { { ?s ?p ?o }", 400),
])
def test_the_gate_refuses_the_same_inputs_with_the_same_message(served: Served, embedded_store: pyoxigraph.Store,
                                                                query: str, status: int) -> None:
    with pytest.raises(GateError) as refused:
        run_query(embedded_store, query)
    reply = post(served, query, "*/*")
    assert reply.status == status == refused.value.status
    assert reply.error_message() == str(refused.value)


def test_a_query_past_the_time_limit_is_stopped_and_the_client_told(served: Served) -> None:
    runaway = 'SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) = CONCAT(STR(?f), "x")) } LIMIT 1'
    started = time.monotonic()
    reply = get(served.url, runaway)
    took = time.monotonic() - started
    assert reply.status == 503 and reply.headers.get("retry-after")
    assert f"stopped at its time limit of {QUERY_TIMEOUT} s" in reply.error_message()
    assert QUERY_TIMEOUT - 0.2 < took < QUERY_TIMEOUT + 2.5
    # the server is not held up by the runaway query it abandoned
    quick = get(served.url, "ASK { ?c a ckg:Collaboration }")
    assert quick.status == 200 and json.loads(quick.body)["boolean"] is True


def test_answers_are_cached_and_revalidated_alike(served: Served) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?c a ckg:Collaboration }"
    first = get(served.url, query)
    again = get(served.url, query)
    assert first.headers["etag"] == again.headers["etag"] and again.headers["x-cache"] == "hit"
    url = f"{served.url}/sparql?" + urllib.parse.urlencode({"query": query})
    assert call(url, headers={"If-None-Match": first.headers["etag"]}).status == 304


PAGES = [
    ("/id/body/barnardos", "text/turtle"),
    ("/id/body/barnardos", "text/html"),
    ("/id/collaboration/north-of-tyne-collaboration", "text/html"),
    ("/.well-known/void", "text/turtle"),
    ("/ontology", "text/turtle"),
    ("/search?q=project+manager", "application/json"),
    ("/dumps/SHA256SUMS", "text/plain"),
    ("/viz/", "text/html"),
    ("/viz/network.json", "application/json"),
    ("/viz/collaboration/north-of-tyne-collaboration.json", "application/json"),
    ("/viz/evidence-map/data.json", "application/json"),
    ("/", "text/html"),
]


def unordered(value: object) -> object:
    """A JSON value with every list sorted: where a page's query has no ORDER BY, servers list rows in
    their own order, and that order is all that may differ."""
    if isinstance(value, dict):
        return {key: unordered(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((unordered(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


@pytest.mark.parametrize(("path", "accept"), PAGES)
def test_everything_above_the_store_answers_the_same_on_both_backends(
        embedded_server: Served, virtuoso_server: Served, path: str, accept: str) -> None:
    on_embedded = call(embedded_server.url + path, headers={"Accept": accept})
    on_virtuoso = call(virtuoso_server.url + path, headers={"Accept": accept})
    assert on_embedded.status == on_virtuoso.status == 200, on_virtuoso.text[:300]
    # the servers' own addresses (the endpoint in the dataset description) are no difference
    embedded_body = on_embedded.body.replace(embedded_server.url.encode(), b"http://server.example")
    virtuoso_body = on_virtuoso.body.replace(virtuoso_server.url.encode(), b"http://server.example")
    if accept == "text/turtle":
        embedded_graph = graph_of(embedded_body, pyoxigraph.RdfFormat.TURTLE)
        assert len(embedded_graph) > 5
        assert isomorphic(embedded_graph, graph_of(virtuoso_body, pyoxigraph.RdfFormat.TURTLE))
    elif accept == "application/json":
        assert unordered(json.loads(embedded_body)) == unordered(json.loads(virtuoso_body))
    else:  # the same elements and text, in the order each server listed the rows
        assert sorted(embedded_body.split(b">")) == sorted(virtuoso_body.split(b">"))


def test_both_backends_give_one_answer_the_same_entity_tag(embedded_server: Served, virtuoso_server: Served) -> None:
    """The same build answers on both, so a cache or a load balancer in front may mix them."""
    query = "SELECT ?c WHERE { ?c a ckg:Collaboration } ORDER BY ?c"
    on_embedded, on_virtuoso = get(embedded_server.url, query), get(virtuoso_server.url, query)
    assert on_embedded.body == on_virtuoso.body
    assert on_embedded.headers["etag"] == on_virtuoso.headers["etag"]
    assert on_embedded.headers["last-modified"] == on_virtuoso.headers["last-modified"]
