"""``/viz/``: governance structures, the network of bodies and the evidence map, drawn in the browser.

Pages are HTML; the data they draw comes from JSON routes beside them, which are the same exports as
``collabkg viz`` (graph/viz_exports.py). Every page links to the SPARQL query that produced it, on the query
page (``/?query=``). Cytoscape.js and its dagre layout are vendored under ``api/static/vendor``: nothing is
loaded from another host.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import networkx as nx
from flask import Blueprint, Response, current_app, jsonify, render_template, request

from collabkg.api.errors import ApiError, error_response
from collabkg.api.query_service import runner
from collabkg.api.resources import page_url, passage_url
from collabkg.graph.drawing import DrawingUnavailable
from collabkg.graph.evidence_map import (
    EvidenceFilters,
    FilterError,
    cell_claims,
    cell_claims_query,
    evidence_facets,
    evidence_map,
    parse_filters,
)
from collabkg.graph.network_measures import (
    body_measures,
    broker_groups,
    governance_reporting_lines,
    reporting_hierarchy,
)
from collabkg.graph.projections import (
    ProjectionError,
    bodies_collaborations_graph,
    bodies_projection,
    collaborations,
    collaborations_query,
    governance_digraph,
    network_query,
    reporting_digraphs,
    resolve_collaboration,
)
from collabkg.graph.queries.projections import QueryParameterError
from collabkg.graph.query_pool import QueryBusy, QueryTimeout
from collabkg.graph.viz_exports import (
    FORMATS,
    MEDIA_TYPES,
    evidence_map_export,
    governance_export,
    measured_network,
    network_export,
)
from collabkg.graph.viz_style import EDGE_STYLES, NODE_STYLES

blueprint = Blueprint("viz", __name__, url_prefix="/viz", template_folder="templates", static_folder="static",
                      static_url_path="/static")
_FORMAT = "any(" + ", ".join(FORMATS) + ")"


@blueprint.errorhandler(QueryTimeout)
@blueprint.errorhandler(QueryBusy)
def _busy(error: Exception) -> Response:
    return error_response(503, f"the view's query did not finish: {error}", {"Retry-After": "2"})


@blueprint.app_template_global()
def sparql_link(query: str) -> str:
    """The query page with ``query`` in its editor."""
    return "/?" + urlencode({"query": query})


def _download(body: bytes, format_name: str, name: str) -> Response:
    response = Response(body, mimetype=MEDIA_TYPES[format_name])
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{format_name}"'
    return response


def _drawn(make: Callable[[], bytes]) -> bytes:
    try:
        return make()
    except DrawingUnavailable as error:
        raise ApiError(503, str(error)) from None


@blueprint.route("/")
def index() -> str:
    known = collaborations(runner())
    lines = reporting_digraphs(runner())
    hierarchies = {c.iri: reporting_hierarchy(lines.get(c.iri, nx.DiGraph())) for c in known}
    return render_template("viz/index.html", collaborations=known, hierarchies=hierarchies,
                           query=collaborations_query())


def _collaboration(slug: str) -> nx.MultiDiGraph:
    try:
        found = resolve_collaboration(runner(), slug)
    except ProjectionError as error:
        raise ApiError(404, str(error)) from None
    return governance_digraph(runner(), found.iri)


@blueprint.route("/collaboration/<slug>")
def governance(slug: str) -> str:
    graph = _collaboration(slug)
    hierarchy = reporting_hierarchy(governance_reporting_lines(graph))
    kinds = sorted({kind for _, kind in graph.nodes(data="kind")}, key=list(NODE_STYLES).index)
    relations = sorted({r for *_, r in graph.edges(data="relation") if r != "unitOf"}, key=list(EDGE_STYLES).index)
    return render_template("viz/governance.html", graph=graph, slug=slug, hierarchy=hierarchy,
                           kinds=[(k, NODE_STYLES[k]) for k in kinds],
                           relations=[(r, EDGE_STYLES[r]) for r in relations], formats=FORMATS)


@blueprint.route(f"/collaboration/<slug>.<{_FORMAT}:format_name>")
def governance_file(slug: str, format_name: str) -> Response:
    graph = _collaboration(slug)
    return _download(_drawn(lambda: governance_export(graph, format_name)), format_name, slug)


def _network() -> nx.Graph:
    two_mode = bodies_collaborations_graph(runner())
    return measured_network(two_mode, bodies_projection(two_mode), bool(request.args.get("projected")))


@blueprint.route("/network")
def network() -> str:
    two_mode = bodies_collaborations_graph(runner())
    projection = bodies_projection(two_mode)
    labels = {node: label for node, label in two_mode.nodes(data="label")}
    brokers = {body: [[labels[c] for c in group] for group in groups]
               for body, groups in broker_groups(two_mode).items()}
    kinds = sorted({kind for _, kind in two_mode.nodes(data="kind")}, key=list(NODE_STYLES).index)
    return render_template("viz/network.html", measures=body_measures(two_mode, projection), brokers=brokers,
                           labels=labels, bodies=projection.number_of_nodes(),
                           collaborations=two_mode.number_of_nodes() - projection.number_of_nodes(),
                           ties=projection.number_of_edges(), query=network_query(),
                           kinds=[(k, NODE_STYLES[k]) for k in kinds], formats=FORMATS)


@blueprint.route(f"/network.<{_FORMAT}:format_name>")
def network_file(format_name: str) -> Response:
    graph = _network()
    return _download(_drawn(lambda: network_export(graph, format_name)), format_name, "network")


def _filters() -> EvidenceFilters:
    try:
        return parse_filters(evidence_facets(runner()), request.args.getlist("modality"),
                             request.args.getlist("evidence_type"), request.args.getlist("report"),
                             request.args.getlist("body_kind"))
    except FilterError as error:
        raise ApiError(400, str(error)) from None


@blueprint.route("/evidence-map")
def evidence() -> str:
    facets = evidence_facets(runner())
    return render_template("viz/evidence_map.html", facets=facets, formats=FORMATS,
                           base_iri=current_app.config["COLLABKG_SETTINGS"].base_iri)


@blueprint.route("/evidence-map/data.json")
def evidence_data() -> Response:
    """What the evidence-map page draws: the cells (as ``collabkg viz --evidence-map`` writes them), the
    rows and columns with their labels, and the query that counted them."""
    mapped = evidence_map(runner(), _filters())
    return jsonify({"factors": [h.__dict__ for h in mapped.factors], "outcomes": [h.__dict__ for h in mapped.outcomes],
                    "cells": [cell.as_json() for cell in mapped.cells], "gaps": len(mapped.gaps()),
                    "single_source": len(mapped.single_source()), "query": mapped.query,
                    "query_page": sparql_link(mapped.query)})


@blueprint.route("/evidence-map/claims.json")
def evidence_claims() -> Response:
    """The claims of one cell with their quotes and links to their evidence."""
    factor, outcome = request.args.get("factor", ""), request.args.get("outcome", "")
    polarity = request.args.get("polarity", "")
    filters = _filters()
    try:
        query = cell_claims_query(factor, outcome, polarity, filters)
        claims = cell_claims(runner(), factor, outcome, polarity, filters)
    except (FilterError, QueryParameterError) as error:
        raise ApiError(400, str(error)) from None
    return jsonify({"query": query, "query_page": sparql_link(query), "claims": [
        {"claim": c.claim, "page": page_url(c.claim), "cause": c.cause, "effect": c.effect, "modality": c.modality,
         "evidence_types": c.evidence_types, "collaboration": c.collaboration,
         "collaboration_label": c.collaboration_label,
         "collaboration_page": page_url(c.collaboration) if c.collaboration else "",
         "cited_source": c.cited_source_label or c.cited_source,
         "passages": [{"passage": p.iri, "page": page_url(p.iri), "report": p.report, "report_title": p.report_title,
                       "quote": p.quote, "start": p.start, "end": p.end,
                       "text": passage_url(p.report, p.start, p.end) if p.start is not None and p.end is not None
                       else page_url(p.report)} for p in c.passages]}
        for c in claims]})


@blueprint.route(f"/evidence-map.<{_FORMAT}:format_name>")
def evidence_file(format_name: str) -> Response:
    mapped = evidence_map(runner(), _filters())
    return _download(_drawn(lambda: evidence_map_export(mapped, format_name)), format_name, "evidence-map")
