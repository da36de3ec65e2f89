"""What a newcomer meets first at the endpoint: prefixes that need no declaring, and errors a person can read."""

from __future__ import annotations

import json
import re

import pytest
import rdflib
from support import ROOT, call, get

from collabkg.graph.sparql import PREDECLARED_PREFIXES

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


def test_a_query_may_use_the_contract_prefixes_without_declaring_them(server: str) -> None:
    reply = get(server, "SELECT ?c ?name WHERE { ?c a ckg:Collaboration ; rdfs:label ?name } ORDER BY ?name")
    assert reply.status == 200, reply.text
    rows = json.loads(reply.body)["results"]["bindings"]
    assert len(rows) > 10
    assert all(row["c"]["value"].startswith("https://w3id.org/collabkg/id/") for row in rows)


@pytest.mark.parametrize("prefix", ["org", "prov", "oa", "dcterms", "skos", "schema", "rdfs", "ckg", "rdf", "xsd",
                                    "owl"])
def test_every_prefix_of_the_contract_and_rdf_xsd_owl_is_predeclared(server: str, prefix: str) -> None:
    reply = get(server, f"ASK {{ BIND({prefix}:x AS ?x) }}")
    assert reply.status == 200, reply.text
    assert json.loads(reply.body)["boolean"] is True


def test_a_querys_own_declaration_wins(server: str) -> None:
    query = "PREFIX ckg: <http://example.org/other#> SELECT (COUNT(*) AS ?n) WHERE { ?c a ckg:Collaboration }"
    reply = get(server, query)
    assert reply.status == 200, reply.text
    assert json.loads(reply.body)["results"]["bindings"][0]["n"]["value"] == "0"


def test_the_readme_lists_the_predeclared_prefixes() -> None:
    rows = re.findall(r"^\| `(\w+):` \| `([^`]+)` \|$", (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    assert dict(rows) == PREDECLARED_PREFIXES


def test_the_service_description_lists_the_predeclared_prefixes(server: str) -> None:
    reply = call(f"{server}/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    service = graph.value(None, rdflib.RDF.type, SD.Service)
    declared = {str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
                for d in graph.objects(service, SH.declare)}
    assert declared == PREDECLARED_PREFIXES
    assert "ckg" in declared and "rdf" in declared


# errors: line and column, the offending line with a caret under the position, one short sentence -------------

@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT ?name WHERE {\n  ?c a foo:Collaboration ;\n     rdfs:label ?name .\n}",
     "error at 2:8: unknown prefix `foo:`: declare it with PREFIX foo: <…>\n"
     "    ?c a foo:Collaboration ;\n"
     "         ^"),
    ("SELECT ?c WHERE {\n  ?c rdfs:label\n}",
     "error at 3:1: a triple pattern needs an object here\n"
     "  }\n"
     "  ^"),
    ("SELECT ?c WHERE { ?c a ckg:Collaboration }\nLIMT 5",
     "error at 2:1: unexpected `LIMT`: not a SPARQL keyword (check its spelling)\n"
     "  LIMT 5\n"
     "  ^"),
    ("SELECT ?c WHERE { ?c a ckg:Collaboration . FILTR(?c) }",
     "error at 1:44: unexpected `FILTR`: not a SPARQL keyword (check its spelling)\n"
     "  SELECT ?c WHERE { ?c a ckg:Collaboration . FILTR(?c) }\n"
     "                                             ^"),
], ids=["unknown prefix", "missing object", "typo'd keyword", "typo'd function"])
def test_common_mistakes_get_a_short_message_with_position_and_caret(server: str, query: str,
                                                                     expected: str) -> None:
    reply = get(server, query)
    assert reply.status == 400
    message = reply.error_message()
    assert message == expected
    assert len(message) < 300
    assert "LATERAL" not in message and "\\u{" not in message  # never the grammar's alternatives
