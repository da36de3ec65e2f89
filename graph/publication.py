"""What a build publishes beside the database, in the same version folder and so atomically with it:
the dumps (N-Quads, TriG, compact JSON-LD with its context, each gzip-compressed, and the claims CSV) with
their SHA-256 checksums, the ontology's HTML documentation (pyLODE), and the dataset's metadata (version,
date, triples per named graph) that the VoID description and citations are made from.
"""

from __future__ import annotations

import csv
import gc
import gzip
import hashlib
import io
import json
import logging
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Dataset

from collabkg.graph.queries import resource_query
from collabkg.graph.query_runner import StoreRunner
from collabkg.graph.search import INDEX_FILE, build_index
from collabkg.ontology.terms import PREFIXES, ontology_files

DUMPS = "dumps"
CLAIMS_CSV = "claims.csv"
CONTEXT = "context.jsonld"
CHECKSUMS = "SHA256SUMS"
ONTOLOGY_HTML = "docs/ontology.html"
METADATA = "metadata.json"
#: dump file name -> (media type, content encoding)
DUMP_FILES = {
    "collabkg.nq.gz": ("application/n-quads", "gzip"),
    "collabkg.trig.gz": ("application/trig", "gzip"),
    "collabkg.jsonld.gz": ("application/ld+json", "gzip"),
    CONTEXT: ("application/ld+json", None),
    CLAIMS_CSV: ("text/csv", None),
}
CLAIMS_COLUMNS = ("claim", "report", "collaboration", "cause", "factor_category", "effect", "outcome_category",
                  "polarity", "modality", "evidence_type", "quote", "start", "end", "cited_source")


def json_ld_context(base_iri: str) -> dict[str, object]:
    """The published ``@context``: the contract's prefixes and short keys for the terms people read most."""
    context: dict[str, object] = {prefix: str(namespace) for prefix, namespace in sorted(PREFIXES.items())}
    context["id"] = base_iri
    as_iri = {"cause": "ckg:cause", "effect": "ckg:effect", "polarity": "ckg:polarity", "category": "ckg:category",
              "context": "ckg:context", "modality": "ckg:modality", "evidenceType": "ckg:evidenceType",
              "derivedFrom": "prov:wasDerivedFrom", "hasMember": "org:hasMember", "member": "org:member",
              "organization": "org:organization", "role": "org:role", "unitOf": "org:unitOf",
              "reportsTo": "org:reportsTo", "postIn": "org:postIn", "funder": "schema:funder",
              "fundedItem": "schema:fundedItem", "fundingKind": "ckg:fundingKind", "status": "ckg:status",
              "source": "oa:hasSource", "selector": "oa:hasSelector", "inScheme": "skos:inScheme"}
    for key, term in as_iri.items():
        context[key] = {"@id": term, "@type": "@id"}
    context.update({"label": "rdfs:label", "exact": "oa:exact", "title": "dcterms:title",
                    "prefLabel": "skos:prefLabel", "definition": "skos:definition"})
    return {"@context": context}


@dataclass(frozen=True)
class Metadata:
    version: str
    created: str  # ISO 8601, UTC
    triples: int
    graphs: dict[str, int]  # named graph IRI -> triples

    @staticmethod
    def read(version: Path) -> Metadata | None:
        try:
            data = json.loads((version / METADATA).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return Metadata(data["version"], data["created"], data["triples"], data["graphs"])


def write_publication(folder: Path, store: pyoxigraph.Store, dataset: Dataset, nquads: bytes, base_iri: str,
                      report_texts: dict[str, str]) -> None:
    """Write everything published with the database of ``folder`` (see the module's docstring)."""
    dumps = folder / DUMPS
    dumps.mkdir(parents=True, exist_ok=True)
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    _write(dumps / "collabkg.nq.gz", gzip.compress(nquads, mtime=0))
    trig = store.dump(format=pyoxigraph.RdfFormat.TRIG, prefixes=prefixes) or b""
    _write(dumps / "collabkg.trig.gz", gzip.compress(trig, mtime=0))
    context = json_ld_context(base_iri)
    _write(dumps / CONTEXT, json.dumps(context, indent=2).encode("utf-8"))
    with warnings.catch_warnings():  # rdflib 7's JSON-LD writer calls its own deprecated Dataset.contexts
        warnings.simplefilter("ignore", DeprecationWarning)
        json_ld = dataset.serialize(format="json-ld", context=context["@context"], auto_compact=True)
    _write(dumps / "collabkg.jsonld.gz", gzip.compress(json_ld.encode("utf-8"), mtime=0))
    _write(dumps / CLAIMS_CSV, claims_csv(StoreRunner(store)))
    sums = "".join(f"{hashlib.sha256((dumps / name).read_bytes()).hexdigest()}  {name}\n" for name in DUMP_FILES)
    _write(dumps / CHECKSUMS, sums.encode("ascii"))
    texts = {row["report"].value: text for row in StoreRunner(store).select(resource_query("reports"))
             if (text := report_texts.get(row["report"].value.rsplit("/", 1)[-1])) is not None}
    build_index(folder / INDEX_FILE, StoreRunner(store), texts)
    (folder / "docs").mkdir(exist_ok=True)
    _write(folder / ONTOLOGY_HTML, ontology_html().encode("utf-8"))
    graphs: dict[str, int] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        name = quad.graph_name.value if isinstance(quad.graph_name, pyoxigraph.NamedNode) else ""
        graphs[name] = graphs.get(name, 0) + 1
    metadata = {"version": folder.name.removesuffix(".building"), "created": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                time.gmtime()), "triples": sum(graphs.values()), "graphs": dict(sorted(graphs.items()))}
    _write(folder / METADATA, json.dumps(metadata, indent=2).encode("utf-8"))


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o644)  # published files are for everyone to read


def claims_csv(runner: StoreRunner) -> bytes:
    """One row per claim and evidence passage (contract: ``/dumps/claims.csv``)."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(CLAIMS_COLUMNS)
    for row in runner.select(resource_query("claims-csv")):
        writer.writerow([row[column].value if column in row else "" for column in CLAIMS_COLUMNS])
    return output.getvalue().encode("utf-8")


def ontology_html() -> str:
    """The ontology's documentation, generated by pyLODE from ``ontology/collabkg.ttl``."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    from pylode import OntPub  # configures the root logger at DEBUG when first imported: undo that below

    path = next(p for p in ontology_files().values() if p.name == "collabkg.ttl")
    with warnings.catch_warnings():  # pyLODE leaves its CSS file open; collect it here, silently
        warnings.simplefilter("ignore", ResourceWarning)
        root.setLevel(logging.WARNING)
        html = str(OntPub(ontology=str(path)).make_html())
        gc.collect()
    root.setLevel(level)
    root.handlers[:] = handlers
    return html


def published_file(version: Path, relative: str) -> Path | None:
    """A file published with ``version`` (None when it is not there, e.g. a store built before it)."""
    path = version / relative
    return path if path.is_file() else None
