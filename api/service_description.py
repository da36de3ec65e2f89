"""The SPARQL 1.1 Service Description of ``/sparql`` (https://www.w3.org/TR/sparql11-service-description/).

The prefixes a query may use without declaring them are listed as SHACL prefix declarations
(``sh:declare [ sh:prefix "ckg" ; sh:namespace "…"^^xsd:anyURI ]``, SHACL section 5.2.1), the vocabulary
SPARQL tools read prefixes from; the Service Description vocabulary has no term of its own for them.
"""

from __future__ import annotations

from flask import Response, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH, XSD

from collabkg.graph.sparql import PREDECLARED_PREFIXES

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

_MEDIA = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
          "application/rdf+xml": "xml"}


def service_description(endpoint: str) -> Response:
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    graph.bind("sh", SH)
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    # sd:BasicFederatedQuery is deliberately absent: SERVICE is refused.
    for result_format in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                          "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        graph.add((service, SD.resultFormat, FORMATS[result_format]))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((service, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), Literal(
        "collabkg: collaborations between public bodies, their governance, funding and causal claims. "
        "Read-only; the default graph is the union of all named graphs; queries run under a time limit; "
        "the prefixes declared here may be used without PREFIX lines (a query's own declarations win).",
        lang="en")))
    for prefix, namespace in PREDECLARED_PREFIXES.items():
        declaration = BNode()
        graph.add((service, SH.declare, declaration))
        graph.add((declaration, RDF.type, SH.PrefixDeclaration))
        graph.add((declaration, SH.prefix, Literal(prefix)))
        graph.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    media = request.accept_mimetypes.best_match(list(_MEDIA), default="text/turtle") or "text/turtle"
    body = graph.serialize(format=_MEDIA[media])
    return Response(body, mimetype=media)
