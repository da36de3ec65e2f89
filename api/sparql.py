"""``/sparql``: the SPARQL 1.1 Protocol for queries (https://www.w3.org/TR/sparql11-protocol/).

Query by GET, by POST form (``application/x-www-form-urlencoded``) and by POST ``application/sparql-query``
(section 2.1); ``default-graph-uri`` and ``named-graph-uri`` set the dataset (section 2.1.4). Results are
negotiated by ``Accept`` with quality values, or chosen by a ``format`` parameter for browsers. ``GET
/sparql`` with no query returns the SPARQL 1.1 Service Description.

Read-only by design: updates (section 2.2), ``LOAD`` and ``SERVICE`` are refused with 403, so nothing a client
sends can change the data, make the server read a file or call another host. The decision is taken on the
query's tokens by the gate (graph/gate), and what the engine runs is the gate's text; the workers that
evaluate it cannot open a network connection anyway (graph/sandbox).
"""

from __future__ import annotations

import functools
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from collabkg.api.errors import ApiError
from collabkg.api.query_service import client_slot, data_version, query_pool, result_cache
from collabkg.api.search import optional_search_index
from collabkg.api.service_description import service_description
from collabkg.graph.gate import GateError, check_query
from collabkg.graph.publication import Metadata
from collabkg.graph.query_pool import (
    QueryAnswer,
    QueryBusy,
    QueryFailed,
    QueryJob,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
)
from collabkg.graph.result_cache import CacheKey
from collabkg.graph.sparql import check_graph_iris, engine_syntax_error
from collabkg.graph.text_match import rewrite_text_matches

blueprint = Blueprint("sparql", __name__)

# media type -> format name, for SELECT/ASK results and for CONSTRUCT/DESCRIBE graphs; first is the default
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "xml",
    "application/x-turtle": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
}
CANONICAL = {
    ("results", "json"): "application/sparql-results+json", ("results", "xml"): "application/sparql-results+xml",
    ("results", "csv"): "text/csv", ("results", "tsv"): "text/tab-separated-values",
    ("graph", "turtle"): "text/turtle", ("graph", "ntriples"): "application/n-triples",
    ("graph", "jsonld"): "application/ld+json", ("graph", "xml"): "application/rdf+xml",
}
FORMAT_NAMES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "turtle": "turtle", "ttl": "turtle",
                "ntriples": "ntriples", "nt": "ntriples", "jsonld": "jsonld", "json-ld": "jsonld",
                "rdfxml": "xml", "rdf": "xml"}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, X-Query-Seconds, X-Cache",
    "Access-Control-Max-Age": "86400",
}


@blueprint.after_request
def _cors(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    response.headers.add("Vary", "Accept")
    return response


def _negotiate(kind: str, format_parameter: str | None) -> tuple[str, str]:
    """(format name, media type) for a result ``kind`` ("results" or "graph"), or a 406."""
    return _negotiated(kind, format_parameter, request.headers.get("Accept") or "")


@functools.lru_cache(maxsize=256)
def _negotiated(kind: str, format_parameter: str | None, accept_header: str) -> tuple[str, str]:
    """:func:`_negotiate` for one Accept header: clients send the same few again and again."""
    table = RESULT_TYPES if kind == "results" else GRAPH_TYPES
    if format_parameter:
        name = FORMAT_NAMES.get(format_parameter.lower()) or table.get(format_parameter.lower())
        if name is None or (kind, name) not in CANONICAL:
            allowed = sorted({n for (k, n) in CANONICAL if k == kind})
            raise ApiError(406, f"format {format_parameter!r} is not available for this query; "
                                f"use one of {', '.join(allowed)}")
        return name, CANONICAL[(kind, name)]
    if not accept_header:
        name = next(iter(table.values()))
        return name, CANONICAL[(kind, name)]
    best = parse_accept_header(accept_header, MIMEAccept).best_match(list(table))
    if best is None:
        available = ", ".join(sorted({CANONICAL[(kind, n)] for n in table.values()}))
        raise ApiError(406, f"none of the accepted media types ({accept_header}) is available; "
                            f"this query can answer in {available}")
    name = table[best]
    return name, CANONICAL[(kind, name)]


def _read_request() -> tuple[str | None, list[str], list[str]]:
    """The query and the dataset parameters, from whichever of the three protocol forms was used."""
    if request.method in ("GET", "HEAD"):
        queries = request.args.getlist("query")
        if request.args.getlist("update"):
            raise ApiError(403, "updates are refused: this endpoint is read-only")
        defaults, named = request.args.getlist("default-graph-uri"), request.args.getlist("named-graph-uri")
    else:
        media_type = (request.mimetype or "").lower()
        if media_type == "application/x-www-form-urlencoded":
            if request.form.getlist("update"):
                raise ApiError(403, "updates are refused: this endpoint is read-only")
            queries = request.form.getlist("query")
            defaults = request.form.getlist("default-graph-uri") + request.args.getlist("default-graph-uri")
            named = request.form.getlist("named-graph-uri") + request.args.getlist("named-graph-uri")
        elif media_type == "application/sparql-query":
            queries = [request.get_data(as_text=True)]
            defaults, named = request.args.getlist("default-graph-uri"), request.args.getlist("named-graph-uri")
        elif media_type == "application/sparql-update":
            raise ApiError(403, "updates are refused: this endpoint is read-only")
        else:
            raise ApiError(415, "POST a query as application/x-www-form-urlencoded (query=...) or as "
                                "application/sparql-query (SPARQL 1.1 Protocol, section 2.1)")
    if len(queries) > 1:
        raise ApiError(400, "exactly one query parameter is allowed")
    return (queries[0] if queries else None), defaults, named


@functools.lru_cache(maxsize=8)
def _last_modified(version: str) -> tuple[tuple[str, str], ...]:
    """Last-Modified: when the version answering was published (a version never changes: read once)."""
    metadata = Metadata.read(Path(version))
    if metadata is None:
        return ()
    published = datetime.strptime(metadata.created, "%Y-%m-%dT%H:%M:%S%z")
    return (("Last-Modified", format_datetime(published, usegmt=True)),)


@blueprint.route("/sparql", methods=["OPTIONS"])
def preflight() -> Response:
    return Response(status=204)


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query, default_graphs, named_graphs = _read_request()
    settings = current_app.config["COLLABKG_SETTINGS"]
    if query is None:
        if request.method in ("GET", "HEAD") and not request.args:
            return service_description(request.base_url)
        raise ApiError(400, "missing the query parameter")
    if len(query.encode("utf-8")) > settings.max_request_bytes:
        raise ApiError(413, f"the query is larger than the limit of {settings.max_request_bytes:,} bytes")
    try:
        checked = check_query(query)
        check_graph_iris(default_graphs, "default-graph-uri")
        check_graph_iris(named_graphs, "named-graph-uri")
        checked = rewrite_text_matches(checked, query, optional_search_index)
    except GateError as error:
        raise ApiError(error.status, str(error)) from None
    kind = "graph" if checked.form in ("CONSTRUCT", "DESCRIBE") else "results"
    format_name, media_type = _negotiate(kind, request.values.get("format"))
    job = QueryJob(checked.text, format_name, checked.has_dataset, tuple(default_graphs), tuple(named_graphs))
    version = data_version()  # the embedded store's version folder, or the remote server's version
    key = CacheKey(version, job.query, job.format_name, job.has_dataset, job.default_graphs, job.named_graphs)
    validators = {"ETag": f'"{key.etag()}"', "Cache-Control": "no-cache", **dict(_last_modified(version))}
    if request.if_none_match.contains(key.etag()):
        return Response(status=304, headers=validators)
    cached = result_cache().get(key)
    try:
        if cached is not None:
            answer = QueryAnswer(cached, 0.0)
        else:
            with client_slot():
                answer = query_pool().run(job)
            result_cache().put(key, answer.body)
    except QuerySyntaxError as error:
        raise ApiError(400, str(engine_syntax_error(checked, query, str(error)))) from None
    except QueryTimeout as error:
        raise ApiError(503, str(error), {"Retry-After": "1"}) from None
    except QueryBusy as error:
        raise ApiError(503, str(error), {"Retry-After": "2"}) from None
    except QueryTooLarge as error:
        raise ApiError(422, str(error)) from None
    except QueryFailed as error:
        raise ApiError(500, str(error)) from None
    response = Response(answer.body, mimetype=media_type)
    if media_type.startswith("text/") or media_type.endswith(("json", "xml", "triples")):
        response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
    response.headers["X-Query-Seconds"] = f"{answer.seconds:.4f}"
    response.headers["X-Cache"] = "hit" if cached is not None else "miss"
    response.headers.update(validators)
    if request.values.get("format") and request.method == "GET" and request.args.get("download"):
        extension = {"json": "srj", "xml": "srx" if kind == "results" else "rdf", "csv": "csv", "tsv": "tsv",
                     "turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld"}[format_name]
        response.headers["Content-Disposition"] = f'attachment; filename="results.{extension}"'
    return response
