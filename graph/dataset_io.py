"""Reading RDF files and the store into rdflib graphs, and writing the dataset out (exports).

Parsing uses Oxigraph's parsers, whose syntax errors carry a line and column, so a malformed file gets
a one-line message that says where.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pyoxigraph
from rdflib import Dataset, Graph

from collabkg.graph.store import open_store
from collabkg.ontology.terms import bind_prefixes, ontology_files

EXPORT_FORMATS: dict[str, pyoxigraph.RdfFormat] = {
    "nquads": pyoxigraph.RdfFormat.N_QUADS,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
}
_BY_EXTENSION = {
    ".ttl": pyoxigraph.RdfFormat.TURTLE, ".turtle": pyoxigraph.RdfFormat.TURTLE,
    ".trig": pyoxigraph.RdfFormat.TRIG, ".nq": pyoxigraph.RdfFormat.N_QUADS,
    ".nquads": pyoxigraph.RdfFormat.N_QUADS, ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
    ".jsonld": pyoxigraph.RdfFormat.JSON_LD, ".json": pyoxigraph.RdfFormat.JSON_LD,
    ".rdf": pyoxigraph.RdfFormat.RDF_XML, ".owl": pyoxigraph.RdfFormat.RDF_XML,
    ".xml": pyoxigraph.RdfFormat.RDF_XML, ".n3": pyoxigraph.RdfFormat.N3,
}


class RdfInputError(ValueError):
    """A file that cannot be read as RDF; the message names the file and the line."""


def read_rdf_file(path: Path) -> Graph:
    """Parse any RDF file (Turtle, TriG, N-Quads, N-Triples, JSON-LD, RDF/XML) into one union graph.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "bad.ttl").write_text("<http://a> <http://b> .\\n")
    24
    >>> try:
    ...     read_rdf_file(folder / "bad.ttl")
    ... except RdfInputError as error:
    ...     print("line 1 column 23" in str(error))
    True
    """
    rdf_format = _BY_EXTENSION.get(path.suffix.lower())
    if rdf_format is None:
        raise RdfInputError(f"{path}: unknown RDF file extension {path.suffix!r} "
                            f"(use one of {', '.join(sorted(_BY_EXTENSION))})")
    try:
        quads = list(pyoxigraph.parse(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri()))
    except FileNotFoundError:
        raise RdfInputError(f"{path}: no such file") from None
    except SyntaxError as error:
        message = _first_line(str(error))
        position = "" if "line" in message else _position(error)
        raise RdfInputError(f"{path}: {position}{message}") from None
    except (OSError, ValueError) as error:
        raise RdfInputError(f"{path}: {_first_line(str(error))}") from None
    data = pyoxigraph.serialize(
        [pyoxigraph.Quad(q.subject, q.predicate, q.object, pyoxigraph.DefaultGraph()) for q in quads],
        format=pyoxigraph.RdfFormat.N_QUADS)
    graph = bind_prefixes(Graph())
    graph.parse(data=data, format="nquads")
    return graph


def _position(error: SyntaxError) -> str:
    if error.lineno:
        return f"line {error.lineno}" + (f", column {error.offset}" if error.offset else "") + ": "
    return ""


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "unreadable")


def with_vocabularies(graph: Graph) -> Graph:
    """``graph`` plus the ontology and concept schemes, which the shapes' class and scheme checks read."""
    for path in ontology_files().values():
        graph.parse(path, format="turtle")
    return graph


def store_union(store: Path) -> Graph:
    """All quads of the published store, as one rdflib graph."""
    oxigraph = open_store(store)
    data = oxigraph.dump(format=pyoxigraph.RdfFormat.N_QUADS)
    dataset = Dataset()
    dataset.parse(data=data, format="nquads")
    union = bind_prefixes(Graph())
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        union.add((subject, predicate, obj))
    return union


def export(store: Path, format_name: str, output: BinaryIO) -> None:
    """Write the whole dataset. Turtle has no named graphs, so it gets the union of all graphs."""
    rdf_format = EXPORT_FORMATS[format_name]
    oxigraph = open_store(store)
    if rdf_format.supports_datasets:
        oxigraph.dump(output, format=rdf_format, prefixes=_prefixes())
        return
    triples = oxigraph.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    output.write(pyoxigraph.serialize(triples, format=rdf_format, prefixes=_prefixes()) or b"")


def _prefixes() -> dict[str, str]:
    from collabkg.ontology.terms import PREFIXES

    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write a file through a temporary sibling and a rename, so a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as output:
            write(output)
        # mkstemp makes the file readable by its owner only; exports and dumps are for everyone.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
