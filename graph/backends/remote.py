"""The remote backend: a SPARQL 1.1 server that ``collabkg publish`` loaded, asked through the SPARQL 1.1
Protocol (https://www.w3.org/TR/sparql11-protocol/) under the same rules as the embedded store.

- **The same gate and parser.** A job's text has passed the gate (graph/gate.py); before anything is sent
  it is parsed by the embedded store's own SPARQL parser (on an empty store, without evaluating it), so a
  malformed query gets the very same 400, with the same position, on either backend.
- **The same data.** The query is rewritten to the current version's stored graphs, with the predeclared
  prefixes and the union default graph (graph/backends/rewrite.py); the current version is read from the
  publication record (graph/backends/versions.py) at most once per ``refresh_seconds``.
- **The same answers.** SELECT and ASK come back as SPARQL JSON results and CONSTRUCT as N-Triples, and are
  written out by the embedded store's serialisers in the negotiated format, with its prefixes.
- **The same time limit and fair shares.** At most ``workers`` queries are sent at once; one still running
  after ``long_after`` seconds needs one of ``long_slots``; at the time limit the request is abandoned (its
  connection closed) and QueryTimeout raised. The server may go on computing until its own limit, so set
  that to the same value (Virtuoso: ``MaxQueryExecutionTime``). An answer the server marks as partial
  (Virtuoso's "anytime" results) is never passed on.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph

from collabkg.graph.backends.http import Credentials, Exchange, HttpClient, HttpUnavailable, Reply, ReplyTooLarge
from collabkg.graph.backends.rewrite import (
    RemoteQuery,
    describe_as_construct,
    describe_named,
    described_resources,
    remote_query,
)
from collabkg.graph.backends.versions import PublicationRecord, PublishedVersion, read_record, record_graph
from collabkg.graph.gate import CheckedQuery, Token, check_query, with_tokens
from collabkg.graph.queries.backends import backend_query
from collabkg.graph.query_pool import (
    LongQueries,
    QueryAnswer,
    QueryBusy,
    QueryFailed,
    QueryJob,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
    published_version,
)
from collabkg.graph.sparql import GRAPH_FORMATS, PREDECLARED_PREFIXES, UnsupportedFormat, serialise

log = logging.getLogger("collabkg.backends.remote")

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
_RESULT_PARSERS = {
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "application/json": pyoxigraph.QueryResultsFormat.JSON,
    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
    "application/xml": pyoxigraph.QueryResultsFormat.XML,
    "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
}
_GRAPH_PARSERS = {
    "application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
    "text/plain": pyoxigraph.RdfFormat.N_TRIPLES,
    "text/turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/x-turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/rdf+xml": pyoxigraph.RdfFormat.RDF_XML,
    "application/ld+json": pyoxigraph.RdfFormat.JSON_LD,
}
#: headers by which Virtuoso marks an answer cut short by its own limits ("anytime" queries)
_PARTIAL_HEADERS = ("x-sql-state", "x-exec-milliseconds-limit")
_DESCRIBE_DEPTHS = (3, 8, 32)
_EMPTY_STORE = pyoxigraph.Store()  # parses queries; nothing is ever evaluated on it


class NoPublishedVersion(QueryFailed):
    """The remote server has no complete version published by ``collabkg publish``."""


def check_syntax(checked: CheckedQuery) -> None:
    """Parse the gate's text with the embedded store's parser, evaluating nothing; QuerySyntaxError with
    the parser's message (positions in the gate's text) when it does not parse."""
    text, shift_after, shift = checked.text, -1, 0
    if checked.form == "ASK":
        # An ASK would be evaluated at once; as a SELECT the parsed query is only prepared (lazily).
        index = next(i for i, token in enumerate(checked.tokens) if token.text.upper() == "ASK")
        fresh = "?collabkg_ask"
        while any(token.text == fresh for token in checked.tokens):
            fresh += "_"
        replaced = list(checked.tokens)
        replaced[index:index + 1] = [Token("word", "SELECT", 0), Token("punct", "(", 0), Token("number", "1", 0),
                                     Token("word", "AS", 0), Token("var", fresh, 0), Token("punct", ")", 0)]
        rewritten = with_tokens(checked, replaced)
        text = rewritten.text
        shift_after, shift = checked.starts[index], len(text) - len(checked.text)
    try:
        _EMPTY_STORE.query(text, prefixes=PREDECLARED_PREFIXES)
    except SyntaxError as error:
        raise QuerySyntaxError(_shift_column(str(error), shift_after, shift)) from None
    except Exception as error:  # noqa: BLE001 - reported as the embedded store's workers report it
        raise QueryFailed(f"{type(error).__name__}: {error}") from None


def _shift_column(message: str, after: int, shift: int) -> str:
    """Move the column of ``error at 1:C:`` back by ``shift`` when it lies past column ``after``."""
    if not shift or not message.startswith("error at 1:"):
        return message
    position, _, rest = message[len("error at 1:"):].partition(":")
    if not position.isdigit() or int(position) - 1 <= after:
        return message
    return f"error at 1:{max(1, int(position) - shift)}:{rest}"


class RemoteBackend:
    """Queries answered by a remote SPARQL 1.1 endpoint that holds versions published by ``collabkg publish``.

    ``local_store`` is the published build the search index and dumps come from; when it is the version
    the server has current, the data version (for ETags and caches) is the same as the embedded store's.
    """

    def __init__(self, endpoint: str, base_iri: str, local_store: Path | None = None, workers: int = 3,
                 timeout: float = 10.0, max_result_bytes: int = 64 * 1024 * 1024, long_after: float = 1.0,
                 long_slots: int | None = None, refresh_seconds: float = 1.0,
                 credentials: Credentials | None = None) -> None:
        self.endpoint = endpoint
        self.client = HttpClient(endpoint, credentials)
        self.target = self.client.target(endpoint)
        self.record = record_graph(base_iri)
        self.local_store = local_store
        self.size = max(1, workers)
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.long_after = long_after
        self.long_slots = max(1, self.size - 1) if long_slots is None else max(0, long_slots)
        self.refresh_seconds = refresh_seconds
        self._condition = threading.Condition()
        self._running = 0
        self._long = LongQueries(self.long_slots, long_after)
        self._closed = False
        self._version: PublishedVersion | None = None
        self._read_at = float("-inf")
        self._refresh_lock = threading.Lock()
        self._warned_about: str | None = None

    def __enter__(self) -> RemoteBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the current version ----------------------------------------------------------------------------

    def read_record(self, timeout: float = 10.0) -> PublicationRecord:
        """The publication record as the server has it now."""
        reply = self.send_query(backend_query("record", record=self.record), GRAPH_ACCEPT, timeout)
        return read_record(self.record, self._triples(reply))

    def current(self) -> PublishedVersion:
        """The current version, re-read at most once per ``refresh_seconds``; when the record cannot be read
        (the server is rewriting it, or briefly unreachable) the version last read is kept."""
        now = time.monotonic()
        if self._version is not None and now - self._read_at < self.refresh_seconds:
            return self._version
        with self._refresh_lock:
            if self._version is not None and time.monotonic() - self._read_at < self.refresh_seconds:
                return self._version
            try:
                version = self.read_record().current
            except (QueryFailed, QueryTimeout, QueryTooLarge) as error:
                if self._version is None:
                    raise QueryFailed(f"cannot read the published version from {self.endpoint}: {error}") from None
                log.warning("keeping version %s: %s", self._version.publication, error)
                version = None
            if version is None and self._version is None:
                raise NoPublishedVersion(f"{self.endpoint} has no version published by `collabkg publish` (no "
                                         f"complete record in the graph <{self.record}>)")
            if version is not None and version != self._version:
                if self._version is not None:
                    log.info("now answering from version %s (was %s)", version.publication, self._version.publication)
                self._version = version
            self._read_at = time.monotonic()
            assert self._version is not None
            return self._version

    def data_version(self) -> str:
        version = self.current()
        if self.local_store is not None:
            local = published_version(self.local_store)
            if Path(local).name == version.store_version:
                return local
            if self._warned_about != version.publication:
                self._warned_about = version.publication
                log.warning("the remote version %s was published from build %s, but the search index and dumps "
                            "are those of %s", version.publication, version.store_version, Path(local).name)
        return f"{self.endpoint}#{version.publication}"

    # -- queries ------------------------------------------------------------------------------------------

    def run(self, job: QueryJob, timeout: float | None = None) -> QueryAnswer:
        """Run one job; raise QuerySyntaxError (the embedded parser's message and position), QueryTimeout,
        QueryBusy, QueryTooLarge or QueryFailed, as the embedded store does."""
        limit = self.timeout if timeout is None else timeout
        started = time.perf_counter()
        deadline = time.monotonic() + limit
        checked = check_query(job.query)
        check_syntax(checked)
        version = self.current()
        if checked.form == "DESCRIBE":
            triples = self._describe(job, checked, version, deadline, limit)
            body = self._serialise_triples(triples, job.format_name)
        elif checked.form == "CONSTRUCT":
            reply = self._ask_with_slot(remote_query(job, version, checked), GRAPH_ACCEPT, deadline, limit)
            body = self._serialise_triples(self._triples(reply), job.format_name)
        else:
            reply = self._ask_with_slot(remote_query(job, version, checked), RESULTS_ACCEPT, deadline, limit)
            body = self._serialise_results(reply, job.format_name)
        if len(body) > self.max_result_bytes:
            raise QueryTooLarge(f"the result is {len(body):,} bytes, over the limit of "
                                f"{self.max_result_bytes:,}; add a LIMIT or narrow the query")
        return QueryAnswer(body, time.perf_counter() - started)

    def _describe(self, job: QueryJob, checked: CheckedQuery, version: PublishedVersion, deadline: float,
                  limit: float) -> list[pyoxigraph.Triple]:
        """The concise bounded description, blank-node chains followed deeper until none is cut. Resources
        given as variables are looked up first and then described by name (graph/backends/rewrite.py says
        why); a blank node among them cannot be named, so its query is described in one CONSTRUCT."""
        triples: list[pyoxigraph.Triple] = []
        resources_query = described_resources(checked)
        if resources_query is not None:
            reply = self._ask_with_slot(remote_query(job, version, resources_query), RESULTS_ACCEPT, deadline, limit)
            resources = list(dict.fromkeys(term for solution in self._solutions(reply) for term in solution
                                           if term is not None and not isinstance(term, pyoxigraph.Literal)))
            if not any(isinstance(term, pyoxigraph.BlankNode) for term in resources):
                named = describe_named(checked, [str(term) for term in resources])
                if named is None:
                    return triples
                checked = named
        for depth in _DESCRIBE_DEPTHS:
            construct = describe_as_construct(checked, depth)
            reply = self._ask_with_slot(remote_query(job, version, construct), GRAPH_ACCEPT, deadline, limit)
            triples = list(dict.fromkeys(self._triples(reply)))
            subjects = {triple.subject for triple in triples}
            if all(not isinstance(t.object, pyoxigraph.BlankNode) or t.object in subjects for t in triples):
                break
        return triples

    def _ask_with_slot(self, query: RemoteQuery, accept: str, deadline: float, limit: float) -> Reply:
        """Send ``query`` when a connection slot is free, and wait for its answer under the fair-share rules."""
        with self._condition:
            while self._running >= self.size:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    raise QueryBusy("every query worker was busy until this query's time limit; retry shortly")
                self._condition.wait(remaining)
            self._running += 1
        try:
            exchange = self._send(query, accept)
            with self._long.answer_awaited(exchange.wait, exchange.abandon, deadline, limit):
                try:
                    reply = exchange.read(deadline, 4 * self.max_result_bytes)
                except TimeoutError:
                    raise QueryTimeout(f"the query was stopped at its time limit of {limit:g} s") from None
        except ReplyTooLarge:
            raise QueryTooLarge(f"the result is over the limit of {self.max_result_bytes:,} bytes; add a LIMIT or "
                                "narrow the query") from None
        except HttpUnavailable as error:
            raise QueryFailed(f"the SPARQL server did not answer: {error}") from None
        finally:
            with self._condition:
                self._running -= 1
                self._condition.notify()
        return self._checked_reply(reply, limit)

    def _send(self, query: RemoteQuery, accept: str) -> Exchange:
        parameters = [("query", query.text)]
        parameters += [("default-graph-uri", iri) for iri in query.default_graphs]
        parameters += [("named-graph-uri", iri) for iri in query.named_graphs]
        body = urllib.parse.urlencode(parameters).encode("utf-8")
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        return self.client.send("POST", self.target, body, headers)

    def send_query(self, text: str, accept: str, timeout: float) -> Reply:
        """Send the query ``text`` as it is, outside the fair-share slots and without a dataset (the
        publication record, the count of a stored graph)."""
        deadline = time.monotonic() + timeout
        try:
            exchange = self._send(RemoteQuery(text, (), ()), accept)
            if not exchange.wait(deadline):
                exchange.abandon()
                raise QueryTimeout("the SPARQL server did not answer in time")
            reply = exchange.read(deadline, self.max_result_bytes)
        except TimeoutError:
            raise QueryTimeout("the SPARQL server did not answer in time") from None
        except ReplyTooLarge as error:
            raise QueryTooLarge(str(error)) from None
        except HttpUnavailable as error:
            raise QueryFailed(f"the SPARQL server did not answer: {error}") from None
        return self._checked_reply(reply, 0)

    def _checked_reply(self, reply: Reply, limit: float) -> Reply:
        if reply.status == 200 and not any(name in reply.headers for name in _PARTIAL_HEADERS):
            return reply
        text = reply.message().lower()
        if reply.status in (200, 504) or "timeout" in text or "timed out" in text or "estimated execution time" in text:
            # Partial answers are never passed on: the client is told the query ran out of time.
            raise QueryTimeout(f"the query was stopped at its time limit of {limit:g} s" if limit else
                               "the SPARQL server stopped the query at its own time limit")
        if 400 <= reply.status < 500:
            raise QuerySyntaxError(f"the SPARQL server cannot run this query ({reply.status}): {reply.message()}")
        raise QueryFailed(f"the SPARQL server failed ({reply.status}): {reply.message()}")

    # -- answers ---------------------------------------------------------------------------------------

    def _triples(self, reply: Reply) -> list[pyoxigraph.Triple]:
        rdf_format = _GRAPH_PARSERS.get(reply.media_type)
        if rdf_format is None:
            raise QueryFailed(f"the SPARQL server answered a graph as {reply.media_type or 'nothing'}, "
                              "which cannot be read")
        try:
            return [quad.triple for quad in pyoxigraph.parse(reply.body, format=rdf_format)]
        except (SyntaxError, ValueError) as error:
            raise QueryFailed(f"the SPARQL server's answer cannot be read: {error}") from None

    def _results(self, reply: Reply) -> pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean:
        results_format = _RESULT_PARSERS.get(reply.media_type)
        if results_format is None:
            raise QueryFailed(f"the SPARQL server answered as {reply.media_type or 'nothing'}, which cannot be read")
        try:
            return pyoxigraph.parse_query_results(reply.body, format=results_format)
        except (SyntaxError, ValueError) as error:
            raise QueryFailed(f"the SPARQL server's answer cannot be read: {error}") from None

    def _solutions(self, reply: Reply) -> list[pyoxigraph.QuerySolution]:
        results = self._results(reply)
        if isinstance(results, pyoxigraph.QueryBoolean):
            raise QueryFailed("the SPARQL server answered a SELECT with a boolean")
        try:
            return list(results)
        except (SyntaxError, ValueError) as error:
            raise QueryFailed(f"the SPARQL server's answer cannot be read: {error}") from None

    def _serialise_results(self, reply: Reply, format_name: str | None) -> bytes:
        results = self._results(reply)
        try:
            return serialise(results, format_name)
        except UnsupportedFormat as error:
            raise QueryFailed(str(error)) from None
        except (SyntaxError, ValueError) as error:
            raise QueryFailed(f"the SPARQL server's answer cannot be read: {error}") from None

    @staticmethod
    def _serialise_triples(triples: list[pyoxigraph.Triple], format_name: str | None) -> bytes:
        rdf_format = GRAPH_FORMATS.get(format_name or "turtle")
        if rdf_format is None:
            raise QueryFailed(f"format {format_name!r} is for SELECT and ASK; graphs come as "
                              f"{', '.join(GRAPH_FORMATS)}")
        return pyoxigraph.serialize(triples, format=rdf_format, prefixes=PREDECLARED_PREFIXES) or b""

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()
        self.client.close()
