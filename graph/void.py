"""The dataset description (``/.well-known/void``): VoID and DCAT together, made from the published version's
metadata and the reports' catalogue facts. Addresses of the endpoint, dumps and pages are those of the
server that answers (``site``), so a deployment under its own domain describes itself correctly.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD

from collabkg.graph.publication import CHECKSUMS, DUMP_FILES, DUMPS, Metadata
from collabkg.graph.queries import resource_query
from collabkg.graph.query_runner import QueryRunner
from collabkg.ontology.terms import PREFIXES

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
TITLE = "collabkg: collaborations between UK public bodies, their governance, funding and causal claims"
DESCRIPTION = ("A knowledge graph of collaborations between public bodies (councils, NHS boards, charities, "
               "government bodies) curated from published evaluation reports: the bodies and their roles, "
               "governance units and reporting lines, posts, funding of every kind, and the enabler and "
               "barrier claims the reports make, each fact tied to the exact passage that supports it.")


def citation(metadata: Metadata | None) -> str:
    """How to cite the dataset."""
    version = f"version {metadata.version}, {metadata.created[:10]}" if metadata else "unpublished build"
    return f"collabkg knowledge graph of public-sector collaborations ({version}). https://w3id.org/collabkg/"


def void_graph(runner: QueryRunner, metadata: Metadata, version: Path, site: str, base_iri: str) -> Graph:
    """The VoID + DCAT description of the published ``version``; ``site`` is the server's address."""
    graph = Graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("sd", SD), ("foaf", FOAF),
                              ("spdx", SPDX)):
        graph.bind(prefix, namespace)
    site = site.rstrip("/")
    dataset = URIRef(f"{site}/.well-known/void#dataset")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    graph.add((dataset, DCTERMS.license, CC_BY))
    graph.add((dataset, DCTERMS.rights, Literal(
        "Ontology, shapes and curated data: CC BY 4.0. Quotes come from the source reports, each under its own "
        "licence (dcterms:source).", lang="en")))
    graph.add((dataset, DCTERMS.publisher, Literal("the collabkg project")))
    graph.add((dataset, DCTERMS.created, Literal(metadata.created, datatype=XSD.dateTime)))
    graph.add((dataset, DCTERMS.modified, Literal(metadata.created, datatype=XSD.dateTime)))
    graph.add((dataset, URIRef("http://www.w3.org/2002/07/owl#versionInfo"), Literal(metadata.version)))
    graph.add((dataset, DCTERMS.bibliographicCitation, Literal(citation(metadata))))
    graph.add((dataset, VOID.triples, Literal(metadata.triples, datatype=XSD.integer)))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(f"{site}/sparql")))
    graph.add((dataset, VOID.uriSpace, Literal(base_iri)))
    graph.add((dataset, VOID.rootResource, URIRef(f"{site}/ontology")))
    graph.add((dataset, DCAT.landingPage, URIRef(f"{site}/")))
    for vocabulary in sorted({str(namespace) for namespace in PREFIXES.values()}):
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for row in runner.select(resource_query("reports")):
        report = URIRef(row["report"].value)
        graph.add((dataset, DCTERMS.source, report))
        graph.add((dataset, VOID.rootResource, report))
        graph.add((report, DCTERMS.title, Literal(row["title"].value)))
        graph.add((report, DCTERMS.publisher, Literal(row["publisher"].value)))
        graph.add((report, DCTERMS.issued, Literal(row["issued"].value)))
        graph.add((report, FOAF.page, URIRef(_page(report, site, base_iri))))
        if "license" in row:
            graph.add((report, DCTERMS.license, URIRef(row["license"].value)))
        if "rights" in row:
            graph.add((report, DCTERMS.rights, Literal(row["rights"].value)))
    for row in runner.select(resource_query("examples")):
        graph.add((dataset, VOID.exampleResource, URIRef(row["resource"].value)))
    for name, triples in metadata.graphs.items():
        if not name:
            continue
        subset = URIRef(f"{site}/.well-known/void#graph-{len(list(graph.objects(dataset, VOID.subset)))}")
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, URIRef(name)))
        graph.add((subset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    sums = _checksums(version)
    for name, (media_type, encoding) in DUMP_FILES.items():
        url = URIRef(f"{site}/dumps/{name}")
        graph.add((dataset, VOID.dataDump, url))
        distribution = URIRef(f"{site}/.well-known/void#dump-{name}")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.mediaType, Literal(media_type)))
        if encoding:
            graph.add((distribution, DCAT.compressFormat, Literal("application/gzip")))
        graph.add((distribution, RDFS.label, Literal(name)))
        if name in sums:
            checksum = BNode()
            graph.add((distribution, SPDX.checksum, checksum))
            graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            graph.add((checksum, SPDX.checksumValue, Literal(sums[name], datatype=XSD.hexBinary)))
    return graph


def _page(iri: URIRef, site: str, base_iri: str) -> str:
    return f"{site}/id/{str(iri)[len(base_iri):]}" if str(iri).startswith(base_iri) else str(iri)


def _checksums(version: Path) -> dict[str, str]:
    try:
        lines = (version / DUMPS / CHECKSUMS).read_text(encoding="ascii").splitlines()
    except OSError:
        return {}
    return {name.strip(): digest for digest, _, name in (line.partition("  ") for line in lines)}
