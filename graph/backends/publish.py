"""``collabkg publish --to URL``: load the published store into a remote SPARQL server, as close to atomic
as the SPARQL 1.1 Graph Store Protocol allows (https://www.w3.org/TR/sparql11-http-rdf-update/).

1. Read the server's publication record (graph/backends/versions.py). When its current version is this
   build and every graph still has its triples, there is nothing to do.
2. Note the new version in the record as *being loaded* (not current): a publish that dies from here on
   leaves graphs that the next publish finds in the record and drops.
3. ``PUT`` every named graph of the build, as N-Triples, under its versioned name. Readers are not
   affected: nothing reads those names yet.
4. Count the triples of every loaded graph with SPARQL ``COUNT`` on the query endpoint; any difference
   stops the publish here, with the previous version still current.
5. Switch: one ``PUT`` of the record makes the new version current and keeps the previous one. On a
   transactional server (Virtuoso, Fuseki/TDB2, GraphDB, Stardog) readers see the old record or the new
   one; a reader that catches a record half-written ignores it and keeps the version it knew.
6. Drop the graphs of every other version (older ones, and those of publishes that failed), then write
   the record without them.

The previous version stays on the server until the next publish, so readers that have not yet re-read
the record (``collabkg serve --backend`` re-reads it every second) still get complete answers.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph

from collabkg.graph.backends.http import Credentials, HttpClient, HttpUnavailable
from collabkg.graph.backends.remote import RESULTS_ACCEPT, NoPublishedVersion, RemoteBackend
from collabkg.graph.backends.versions import (
    PublicationRecord,
    PublishedGraph,
    PublishedVersion,
    record_graph,
    record_triples,
    stored_graph,
)
from collabkg.graph.publication import Metadata
from collabkg.graph.queries.backends import backend_query
from collabkg.graph.query_pool import QueryFailed, QueryTimeout, published_version
from collabkg.graph.store import StoreError, open_store

Progress = Callable[[str], None]


class PublishError(RuntimeError):
    """The publish stopped; the message says where, and that the previous version is still current."""


@dataclass(frozen=True)
class PublishResult:
    version: PublishedVersion
    previous: PublishedVersion | None
    dropped: tuple[str, ...]  # publications whose graphs were removed
    already_current: bool = False


def default_query_endpoint(graph_store: str) -> str:
    """The SPARQL query endpoint beside a graph store endpoint, by the usual layouts: Virtuoso's
    ``/sparql-graph-crud(-auth)`` and Fuseki's ``/DATASET/data`` are beside ``/sparql`` and ``/DATASET/sparql``.

    >>> default_query_endpoint("http://127.0.0.1:8890/sparql-graph-crud-auth")
    'http://127.0.0.1:8890/sparql'
    >>> default_query_endpoint("http://127.0.0.1:3030/collabkg/data")
    'http://127.0.0.1:3030/collabkg/sparql'
    """
    parts = urllib.parse.urlsplit(graph_store)
    folder, _, _ = parts.path.rstrip("/").rpartition("/")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"{folder}/sparql", "", ""))


def _local_version(store: Path) -> tuple[str, str, list[tuple[str, list[pyoxigraph.Triple]]]]:
    """(build version, when it was built, [(graph name, its triples)]) of the published store."""
    database = open_store(store)
    folder = Path(published_version(store))
    metadata = Metadata.read(folder)
    issued = metadata.created if metadata else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    graphs: list[tuple[str, list[pyoxigraph.Triple]]] = []
    for name in sorted(graph.value for graph in database.named_graphs() if isinstance(graph, pyoxigraph.NamedNode)):
        triples = [quad.triple for quad in database.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(name))]
        if triples:
            graphs.append((name, triples))
    if any(True for _ in database.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())):
        raise StoreError(f"{store}: the default graph holds triples; only named graphs can be published")
    if not graphs:
        raise StoreError(f"{store}: the store holds no named graph to publish")
    return folder.name, issued, graphs


class Publisher:
    """Writes versions into one remote server: graphs through its Graph Store Protocol endpoint, checks
    through its query endpoint."""

    def __init__(self, graph_store: str, query_endpoint: str, base_iri: str,
                 credentials: Credentials | None, progress: Progress | None = None) -> None:
        self.graph_store = graph_store
        self.client = HttpClient(graph_store, credentials)
        self.reader = RemoteBackend(query_endpoint, base_iri, timeout=120.0, max_result_bytes=1 << 30)
        self.record = record_graph(base_iri)
        self.progress = progress or (lambda message: None)

    def close(self) -> None:
        self.client.close()
        self.reader.close()

    # -- Graph Store Protocol -----------------------------------------------------------------------

    def _graph_url(self, graph: str) -> str:
        joiner = "&" if "?" in self.graph_store else "?"
        return f"{self.graph_store}{joiner}{urllib.parse.urlencode({'graph': graph})}"

    def _put(self, graph: str, triples: list[pyoxigraph.Triple]) -> None:
        body = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
        reply = self._call("PUT", graph, body, {"Content-Type": "application/n-triples"})
        if reply not in (200, 201, 204):
            raise PublishError(f"{self.graph_store} refused graph <{graph}> (HTTP {reply})")

    def _delete(self, graph: str) -> None:
        reply = self._call("DELETE", graph, None, {})
        if reply not in (200, 202, 204, 404):
            raise PublishError(f"{self.graph_store} did not drop graph <{graph}> (HTTP {reply})")

    def _call(self, method: str, graph: str, body: bytes | None, headers: dict[str, str]) -> int:
        try:
            reply = self.client.request(method, self._graph_url(graph), body, headers)
        except (HttpUnavailable, TimeoutError) as error:
            raise PublishError(f"{self.graph_store}: {error}") from None
        if reply.status in (401, 403):
            raise PublishError(f"{self.graph_store} refused the credentials (HTTP {reply.status}); set "
                               "COLLABKG_PUBLISH_USER and COLLABKG_PUBLISH_PASSWORD to an account that may write")
        return reply.status

    def _write_record(self, current: PublishedVersion | None, versions: list[PublishedVersion]) -> None:
        self._put(self.record, record_triples(self.record, current, versions))

    # -- checks -------------------------------------------------------------------------------------

    def read_record(self) -> PublicationRecord:
        try:
            return self.reader.read_record(timeout=120.0)
        except NoPublishedVersion:
            return PublicationRecord(None, ())
        except (QueryFailed, QueryTimeout) as error:
            raise PublishError(f"cannot read the publication record: {error}") from None

    def stored_triples(self, graph: str) -> int:
        """Triples the server holds in the stored graph ``graph`` (SPARQL COUNT on the query endpoint)."""
        try:
            reply = self.reader.send_query(backend_query("graph-triples", graph=graph), RESULTS_ACCEPT, 120.0)
            solutions = pyoxigraph.parse_query_results(reply.body, format=pyoxigraph.QueryResultsFormat.JSON)
            row = next(iter(solutions))  # type: ignore[arg-type]
        except (QueryFailed, QueryTimeout, StopIteration, SyntaxError) as error:
            raise PublishError(f"cannot count the triples of <{graph}>: {error}") from None
        value = row["triples"]
        return int(value.value) if value is not None else 0

    def differences(self, version: PublishedVersion) -> list[str]:
        """Each graph of ``version`` whose triples on the server are not those published."""
        found = []
        for graph in version.graphs:
            held = self.stored_triples(graph.stored)
            if held != graph.triples:
                found.append(f"<{graph.name}> has {held:,} triples on the server, {graph.triples:,} published")
        return found

    # -- publishing ---------------------------------------------------------------------------------

    def publish(self, store: Path) -> PublishResult:
        build, issued, graphs = _local_version(store)
        record = self.read_record()
        current = record.current
        if current is not None and current.store_version == build and not self.differences(current):
            return PublishResult(current, record.version(current.previous), (), already_current=True)
        taken = {version.publication for version in record.versions}
        publication, number = build, 1
        while publication in taken:
            number += 1
            publication = f"{build}-{number}"
        new = PublishedVersion(publication, build, issued, "", tuple(
            PublishedGraph(name, stored_graph(name, publication), len(triples)) for name, triples in graphs),
            current.publication if current else None)
        self.progress(f"Noting version {publication} in <{self.record}> as being loaded")
        self._write_record(current, [*record.versions, new])
        for number, (name, triples) in enumerate(graphs, 1):
            self.progress(f"Loading graph {number} of {len(graphs)}: <{name}> ({len(triples):,} triples)")
            self._put(stored_graph(name, publication), triples)
        self.progress(f"Counting the triples of the {len(graphs)} loaded graphs")
        problems = self.differences(new)
        if problems:
            raise PublishError("the server does not hold what was loaded: " + "; ".join(problems) +
                               "; the previous version is still current")
        switched = replace(new, switched=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        kept = [switched] + ([current] if current else [])
        others = [v for v in record.versions if v.publication not in {k.publication for k in kept}]
        self.progress(f"Making version {publication} current")
        self._write_record(switched, kept + others)
        if self.read_record().current != switched:
            raise PublishError(f"the record in <{self.record}> does not show version {publication} as current "
                               "after it was written")
        for version in others:
            self.progress(f"Dropping the graphs of version {version.publication}")
            for graph in version.graphs:
                self._delete(graph.stored)
        if others:
            self._write_record(switched, kept)
        return PublishResult(switched, current, tuple(v.publication for v in others))


def publish_to(store: Path, graph_store: str, base_iri: str, credentials: Credentials | None,
               query_endpoint: str | None = None, progress: Progress | None = None) -> PublishResult:
    """Publish the store's current version to the server whose Graph Store Protocol endpoint is
    ``graph_store`` (see the module's docstring); :class:`PublishError` when it stops."""
    publisher = Publisher(graph_store, query_endpoint or default_query_endpoint(graph_store), base_iri,
                          credentials, progress)
    try:
        return publisher.publish(store)
    finally:
        publisher.close()
