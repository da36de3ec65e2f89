"""Researchers' own clients against the live server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

MEMBERS = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name WHERE {
  <https://w3id.org/collabkg/id/collaboration/north-of-tyne-collaboration> org:hasMember/rdfs:label ?name
} ORDER BY ?name"""
EXPECTED = ["Newcastle City Council", "North Tyneside Council", "Northumberland County Council"]


def test_sparqlwrapper_select_in_json_xml_and_csv(server: str) -> None:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(MEMBERS)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert [row["name"]["value"] for row in rows] == EXPECTED
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    assert len(document.getElementsByTagName("result")) == 3  # type: ignore[union-attr]
    client.setReturnFormat(CSV)
    assert client.queryAndConvert().decode().splitlines()[1:] == EXPECTED  # type: ignore[union-attr]


def test_sparqlwrapper_post_and_construct(server: str) -> None:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setMethod("POST")
    client.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 10")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert len(graph) == 10


def test_rdflib_sparqlstore(server: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=f"{server}/sparql", returnFormat="json"))
    names = sorted(str(row[0]) for row in graph.query(MEMBERS))
    assert names == EXPECTED
    label = graph.value(rdflib.URIRef("https://w3id.org/collabkg/id/body/barnardos"), rdflib.RDFS.label)
    assert str(label) == "Barnardo's"
