"""The SPARQL 1.1 Protocol against the live server, with every result format parsed back by an independent
parser (json, csv, xml.etree, rdflib)."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
import xml.etree.ElementTree as ET

import pytest
import rdflib
from support import MAX_REQUEST_BYTES, QUERY_TIMEOUT, Reply, call, count_from_json, get

COUNT_COLLABORATIONS = ("SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/collabkg/ontology#Collaboration> }")
SOME_LABELS = ("SELECT ?c ?label WHERE { ?c a <https://w3id.org/collabkg/ontology#Collaboration> ; "
               "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label LIMIT 5")
CONSTRUCT = ("CONSTRUCT { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label } WHERE { ?c a "
             "<https://w3id.org/collabkg/ontology#Collaboration> ; "
             "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SRX = "{http://www.w3.org/2005/sparql-results#}"


# query by GET, POST form and POST application/sparql-query ---------------------------------------------------

def test_query_by_get(server: str) -> None:
    reply = get(server, COUNT_COLLABORATIONS)
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/sparql-results+json")
    assert count_from_json(reply) > 20


def test_query_by_post_form(server: str) -> None:
    body = urllib.parse.urlencode({"query": COUNT_COLLABORATIONS}).encode()
    reply = call(f"{server}/sparql", "POST", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 200 and count_from_json(reply) > 20


def test_query_by_post_sparql_query(server: str) -> None:
    reply = call(f"{server}/sparql", "POST", COUNT_COLLABORATIONS.encode(),
                 {"Content-Type": "application/sparql-query"})
    assert reply.status == 200 and count_from_json(reply) > 20


# result formats ------------------------------------------------------------------------------------------------

def test_select_as_xml(server: str) -> None:
    reply = get(server, SOME_LABELS, "application/sparql-results+xml")
    assert reply.headers["content-type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(reply.body)
    assert len(root.findall(f"{SRX}results/{SRX}result")) == 5


def test_select_as_csv_and_tsv(server: str) -> None:
    csv_rows = list(csv.reader(io.StringIO(get(server, SOME_LABELS, "text/csv").text)))
    assert csv_rows[0] == ["c", "label"] and len(csv_rows) == 6
    tsv_reply = get(server, SOME_LABELS, "text/tab-separated-values")
    assert tsv_reply.headers["content-type"].startswith("text/tab-separated-values")
    tsv_rows = list(csv.reader(io.StringIO(tsv_reply.text), delimiter="\t"))
    assert tsv_rows[0] == ["?c", "?label"] and len(tsv_rows) == 6


def test_ask(server: str) -> None:
    reply = get(server, "ASK { ?c a <https://w3id.org/collabkg/ontology#Collaboration> }")
    assert json.loads(reply.body)["boolean"] is True
    root = ET.fromstring(get(server, "ASK { <http://nothing> ?p ?o }", "application/sparql-results+xml").body)
    assert root.find(f"{SRX}boolean").text == "false"  # type: ignore[union-attr]


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
def test_construct_in_each_graph_format(server: str, accept: str, rdflib_format: str) -> None:
    reply = get(server, CONSTRUCT, accept)
    assert reply.status == 200
    assert reply.headers["content-type"].startswith(accept)
    with warnings.catch_warnings():  # rdflib's JSON-LD parser builds a deprecated ConjunctiveGraph internally
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = rdflib.Graph().parse(data=reply.body, format=rdflib_format)
    assert len(graph) > 20


def test_describe(server: str) -> None:
    reply = get(server, "DESCRIBE <https://w3id.org/collabkg/id/body/barnardos>", "text/turtle")
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/collabkg/id/body/barnardos"), rdflib.RDFS.label,
            rdflib.Literal("Barnardo's", lang="en")) in graph


def test_accept_with_quality_values(server: str) -> None:
    reply = get(server, SOME_LABELS, "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1")
    assert reply.headers["content-type"].startswith("application/sparql-results+xml")
    reply = get(server, CONSTRUCT, "application/rdf+xml;q=0.2, application/n-triples")
    assert reply.headers["content-type"].startswith("application/n-triples")


def test_format_parameter_for_browsers(server: str) -> None:
    reply = get(server, SOME_LABELS, "text/html", format="csv")
    assert reply.headers["content-type"].startswith("text/csv")
    reply = get(server, CONSTRUCT, None, format="jsonld", download="1")
    assert reply.headers["content-type"].startswith("application/ld+json")
    assert "attachment" in reply.headers["content-disposition"]


def test_unsupported_accept_is_406(server: str) -> None:
    reply = get(server, SOME_LABELS, "image/png")
    assert reply.status == 406
    assert "image/png" in reply.error_message()
    assert get(server, SOME_LABELS, None, format="turtle").status == 406  # a graph format for a SELECT


# dataset parameters ---------------------------------------------------------------------------------------------

def test_default_graph_uri_restricts_the_default_graph(server: str) -> None:
    report = "https://w3id.org/collabkg/id/report/000_19c409783d911f52"
    union = count_from_json(get(server, COUNT_COLLABORATIONS))
    restricted = count_from_json(get(server, COUNT_COLLABORATIONS, None, **{"default-graph-uri": report}))
    assert 0 < restricted < union


def test_named_graph_uri_restricts_graph_patterns(server: str) -> None:
    report = "https://w3id.org/collabkg/id/report/001_c71fa15380b2d97f"
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = json.loads(get(server, query, None, **{"named-graph-uri": report}).body)["results"]["bindings"]
    assert [row["g"]["value"] for row in rows] == [report]


# errors -------------------------------------------------------------------------------------------------------

def test_malformed_query_is_400_with_the_parsers_message_and_position(server: str) -> None:
    reply = get(server, "SELECT * WHERE { ?s ?p }")
    assert reply.status == 400
    message = reply.error_message()
    assert message.startswith("error at 1:24: a triple pattern needs an object here")
    assert message.endswith("\n" + " " * 25 + "^")  # a caret under the position, below the line


@pytest.mark.parametrize("query", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "DROP ALL",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
])
def test_updates_load_and_service_are_refused(server: str, query: str) -> None:
    for reply in (get(server, query),
                  call(f"{server}/sparql", "POST", query.encode(), {"Content-Type": "application/sparql-query"})):
        assert reply.status == 403, query
        assert "refused" in reply.error_message()


def test_update_operations_are_refused_by_every_protocol_form(server: str) -> None:
    update = "INSERT DATA { <http://a> <http://b> <http://c> }"
    replies = [
        call(f"{server}/sparql", "POST", update.encode(), {"Content-Type": "application/sparql-update"}),
        call(f"{server}/sparql", "POST", urllib.parse.urlencode({"update": update}).encode(),
             {"Content-Type": "application/x-www-form-urlencoded"}),
        call(f"{server}/sparql?" + urllib.parse.urlencode({"update": update})),
    ]
    assert [r.status for r in replies] == [403, 403, 403]
    assert count_from_json(get(server, "SELECT (COUNT(*) AS ?n) WHERE { <http://a> ?p ?o }")) == 0


def test_from_a_local_file_reads_nothing(server: str) -> None:
    reply = get(server, "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert reply.status == 200
    assert json.loads(reply.body)["results"]["bindings"] == []


def test_oversized_request_is_413(server: str) -> None:
    padding = "#" + "x" * MAX_REQUEST_BYTES + "\n"
    reply = call(f"{server}/sparql", "POST", (padding + "ASK {}").encode(),
                 {"Content-Type": "application/sparql-query"})
    assert reply.status == 413
    assert "limit" in reply.error_message()


def test_unsupported_post_content_type_is_415(server: str) -> None:
    reply = call(f"{server}/sparql", "POST", b"ASK {}", {"Content-Type": "text/plain"})
    assert reply.status == 415


def test_oversized_result_is_refused_with_advice(server: str) -> None:
    reply = get(server, "SELECT * WHERE { ?s ?p ?o }")
    assert reply.status == 422
    assert "LIMIT" in reply.error_message()


def test_missing_query_parameter_is_400(server: str) -> None:
    reply = call(f"{server}/sparql?default-graph-uri=http://x")
    assert reply.status == 400


# time limit ---------------------------------------------------------------------------------------------------

def test_expensive_query_is_stopped_while_a_simple_one_still_answers(server: str) -> None:
    outcome: dict[str, object] = {}

    def expensive() -> None:
        started = time.monotonic()
        outcome["reply"] = get(server, EXPENSIVE)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=expensive)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    simple = get(server, "ASK { <https://w3id.org/collabkg/id/body/barnardos> ?p ?o }")
    simple_seconds = time.monotonic() - started
    thread.join(timeout=30)
    assert simple.status == 200 and simple_seconds < 1.0
    reply = outcome["reply"]
    assert isinstance(reply, Reply) and reply.status == 503
    assert "time limit" in reply.error_message()
    assert QUERY_TIMEOUT <= float(outcome["seconds"]) < QUERY_TIMEOUT + 1.0  # type: ignore[arg-type]
    # the stopped worker is replaced: the endpoint keeps answering
    for _ in range(5):
        assert get(server, COUNT_COLLABORATIONS).status == 200


# service description and CORS ---------------------------------------------------------------------------------

def test_service_description(server: str) -> None:
    reply = call(f"{server}/sparql", headers={"Accept": "text/turtle"})
    assert reply.status == 200
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = graph.value(None, rdflib.RDF.type, sd.Service)
    assert graph.value(service, sd.endpoint) == rdflib.URIRef(f"{server}/sparql")
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph


def test_cors_preflight_and_headers(server: str) -> None:
    preflight = call(f"{server}/sparql", "OPTIONS", headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert get(server, COUNT_COLLABORATIONS).headers["access-control-allow-origin"] == "*"
    assert get(server, "SELECT * WHERE {").headers["access-control-allow-origin"] == "*"  # errors too
