"""Versions of the dataset on a remote SPARQL server: versioned graph names and the publication record.

A remote server has one quad store for everyone, so a version cannot be swapped in by renaming a folder
(graph/store.py). Instead every named graph ``G`` of a version is loaded under its own *stored* name,
``G?version=ID`` (``&version=`` when ``G`` already has a query part), and a small named graph, the
*publication record* ``<base>graph/publication``, says which version is current. Switching versions is
one write of that record; readers (``collabkg serve --backend``) read it and query the current version's
stored graphs under their published names (graph/backends/rewrite.py).

The record uses DCAT 3's versioning terms (https://www.w3.org/TR/vocab-dcat-3/#dataset-versions)::

    <R> dcat:hasCurrentVersion <R?version=ID> ; dcat:hasVersion <R?version=ID>, <R?version=OLD> .
    <R?version=ID> dcterms:identifier "ID" ; dcat:version "build version" ; void:triples 69507 ;
        dcterms:issued "built at"^^xsd:dateTime ; dcterms:modified "made current at"^^xsd:dateTime ;
        dcat:previousVersion <R?version=OLD> ; dcterms:hasPart <G?version=ID>, ... .
    <G?version=ID> dcterms:isVersionOf <G> ; void:triples 663 .

A version is complete when its graphs' triples add up to its ``void:triples``; a record read while a
server is rewriting it is ignored, not trusted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph

DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
XSD_DATETIME = pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


def record_graph(base_iri: str) -> str:
    """The IRI of the publication record of the dataset whose instance IRIs start with ``base_iri``.

    >>> record_graph("https://w3id.org/collabkg/id/")
    'https://w3id.org/collabkg/id/graph/publication'
    """
    return f"{base_iri}graph/publication"


def stored_graph(name: str, publication: str) -> str:
    """The name under which graph ``name`` of publication ``publication`` is stored on the remote server.

    >>> stored_graph("https://w3id.org/collabkg/ontology", "20261205T1200")
    'https://w3id.org/collabkg/ontology?version=20261205T1200'
    >>> stored_graph("http://example.org/g?a=1#x", "v2")
    'http://example.org/g?a=1&version=v2#x'
    """
    before_fragment, hash_sign, fragment = name.partition("#")
    joiner = "&" if "?" in before_fragment else "?"
    return f"{before_fragment}{joiner}version={publication}{hash_sign}{fragment}"


@dataclass(frozen=True)
class PublishedGraph:
    name: str  # the graph's IRI in the published store, as queries name it
    stored: str  # its name on the remote server
    triples: int


@dataclass(frozen=True)
class PublishedVersion:
    """One version of the dataset on a remote server."""

    publication: str  # the identifier in its stored graph names
    store_version: str  # the version folder of the build it was published from (graph/store.py)
    issued: str  # when that build was made, ISO 8601
    switched: str  # when it was made current, ISO 8601 ("" while it is being loaded)
    graphs: tuple[PublishedGraph, ...]
    previous: str | None = None  # the publication kept as the previous version

    @property
    def triples(self) -> int:
        return sum(graph.triples for graph in self.graphs)

    def stored_name(self, name: str) -> str:
        """The stored name of published graph ``name``; for a graph this version does not have, a name no
        graph is stored under, so that it reads as empty (as an unknown graph does in the embedded store)."""
        for graph in self.graphs:
            if graph.name == name:
                return graph.stored
        return stored_graph(name, self.publication)

    def published_name(self, stored: str) -> str | None:
        return next((graph.name for graph in self.graphs if graph.stored == stored), None)


@dataclass(frozen=True)
class PublicationRecord:
    """What the record says: the current version, and every version whose graphs are on the server."""

    current: PublishedVersion | None
    versions: tuple[PublishedVersion, ...]

    def version(self, publication: str | None) -> PublishedVersion | None:
        return next((v for v in self.versions if v.publication == publication), None)


def _version_node(record: str, publication: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(stored_graph(record, publication))


def record_triples(record: str, current: PublishedVersion | None,
                   versions: Iterable[PublishedVersion]) -> list[pyoxigraph.Triple]:
    """The triples of the publication record graph ``record`` (see the module's docstring)."""
    this = pyoxigraph.NamedNode(record)
    triples: list[pyoxigraph.Triple] = []

    def add(subject: pyoxigraph.NamedNode, predicate: str, value: pyoxigraph.NamedNode | pyoxigraph.Literal) -> None:
        triples.append(pyoxigraph.Triple(subject, pyoxigraph.NamedNode(predicate), value))

    if current is not None:
        add(this, DCAT + "hasCurrentVersion", _version_node(record, current.publication))
    for version in versions:
        node = _version_node(record, version.publication)
        add(this, DCAT + "hasVersion", node)
        add(node, DCTERMS + "identifier", pyoxigraph.Literal(version.publication))
        add(node, DCAT + "version", pyoxigraph.Literal(version.store_version))
        add(node, DCTERMS + "issued", pyoxigraph.Literal(version.issued, datatype=XSD_DATETIME))
        if version.switched:
            add(node, DCTERMS + "modified", pyoxigraph.Literal(version.switched, datatype=XSD_DATETIME))
        add(node, VOID + "triples", pyoxigraph.Literal(str(version.triples),
                                                       datatype=pyoxigraph.NamedNode(
                                                           "http://www.w3.org/2001/XMLSchema#integer")))
        if version.previous:
            add(node, DCAT + "previousVersion", _version_node(record, version.previous))
        for graph in version.graphs:
            part = pyoxigraph.NamedNode(graph.stored)
            add(node, DCTERMS + "hasPart", part)
            add(part, DCTERMS + "isVersionOf", pyoxigraph.NamedNode(graph.name))
            add(part, VOID + "triples", pyoxigraph.Literal(str(graph.triples), datatype=pyoxigraph.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer")))
    return triples


def read_record(record: str, triples: Iterable[pyoxigraph.Triple]) -> PublicationRecord:
    """The record in ``triples`` (the record graph's content). A version whose graphs do not add up to its
    stated total is left out: it was read while being written.

    >>> version = PublishedVersion("v1", "20261205", "2026-12-05T12:00:00Z", "2026-12-05T12:05:00Z",
    ...                            (PublishedGraph("http://g", "http://g?version=v1", 2),))
    >>> read = read_record("http://r", record_triples("http://r", version, [version]))
    >>> read.current == version
    True
    >>> read_record("http://r", record_triples("http://r", version, [version])[:-1]).current is None
    True
    """
    by_subject: dict[str, dict[str, list[str]]] = {}
    for triple in triples:
        subject, value = triple.subject, triple.object
        if isinstance(subject, pyoxigraph.Triple) or isinstance(value, pyoxigraph.Triple):
            continue  # RDF-star terms are no part of a record
        by_subject.setdefault(subject.value, {}).setdefault(triple.predicate.value, []).append(value.value)

    def first(subject: str, predicate: str) -> str | None:
        values = by_subject.get(subject, {}).get(predicate, [])
        return values[0] if values else None

    versions: list[PublishedVersion] = []
    for node in sorted(by_subject.get(record, {}).get(DCAT + "hasVersion", [])):
        publication = first(node, DCTERMS + "identifier")
        store_version = first(node, DCAT + "version")
        total = first(node, VOID + "triples")
        if publication is None or store_version is None or total is None or not total.isdigit():
            continue
        graphs = []
        for part in sorted(by_subject.get(node, {}).get(DCTERMS + "hasPart", [])):
            name, triples_text = first(part, DCTERMS + "isVersionOf"), first(part, VOID + "triples")
            if name is not None and triples_text is not None and triples_text.isdigit():
                graphs.append(PublishedGraph(name, part, int(triples_text)))
        previous_node = first(node, DCAT + "previousVersion")
        version = PublishedVersion(publication, store_version, first(node, DCTERMS + "issued") or "",
                                   first(node, DCTERMS + "modified") or "", tuple(graphs),
                                   first(previous_node, DCTERMS + "identifier") if previous_node else None)
        if graphs and version.triples == int(total):
            versions.append(version)
    current_node = first(record, DCAT + "hasCurrentVersion")
    current_id = first(current_node, DCTERMS + "identifier") if current_node else None
    current = next((v for v in versions if v.publication == current_id and v.switched), None)
    return PublicationRecord(current, tuple(versions))
