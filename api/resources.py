"""Linked data: every instance IRI dereferences under ``/id/...`` (HTML for people; Turtle, N-Triples and
JSON-LD by ``Accept``), the report texts with a passage highlighted, the ontology and its concepts at
``/ontology``, the dataset description at ``/.well-known/void`` and the dumps at ``/dumps/``.

Cool URIs (https://www.w3.org/TR/cooluris/): the IRIs are slash IRIs answered with **200 and
Content-Location** naming the document served (``/id/body/barnardos.ttl`` and so on), chosen over a 303 so a
client needs one round trip; ``Vary: Accept`` keeps caches honest. The configured ``base_iri`` maps onto
``/id/`` of whatever server answers, so a deployment under its own domain works without a rebuild.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_from_directory
from werkzeug.wrappers.response import Response as BaseResponse

from collabkg.api.errors import ApiError
from collabkg.api.query_service import runner
from collabkg.graph.publication import CHECKSUMS, DUMP_FILES, DUMPS, ONTOLOGY_HTML, Metadata, published_file
from collabkg.graph.queries import NotAnIri, resource_query
from collabkg.graph.query_pool import published_version
from collabkg.graph.report_texts import report_text, split_at_passage
from collabkg.graph.resources import CKG, entity
from collabkg.graph.void import citation, void_graph

blueprint = Blueprint("resources", __name__)

#: media type -> (format name of graph/sparql, file extension)
RDF_TYPES = {"text/turtle": ("turtle", "ttl"), "application/n-triples": ("ntriples", "nt"),
             "application/ld+json": ("jsonld", "jsonld")}
EXTENSIONS = {"html": "text/html", "ttl": "text/turtle", "nt": "application/n-triples",
              "jsonld": "application/ld+json"}
ALIASES = {"application/json": "application/ld+json", "application/x-turtle": "text/turtle",
           "text/plain": "application/n-triples", "application/xhtml+xml": "text/html"}


def _settings():  # type: ignore[no-untyped-def]
    return current_app.config["COLLABKG_SETTINGS"]


def _version() -> Path:
    return Path(published_version(_settings().store))


def _negotiate(extension: str | None) -> str:
    """The media type to answer with: the document's extension, else ``Accept`` (HTML when absent)."""
    if extension is not None:
        return EXTENSIONS[extension]
    if not request.headers.get("Accept"):
        return "text/html"
    offered = ["text/html", *RDF_TYPES, *ALIASES]
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        raise ApiError(406, "this resource is available as text/html, text/turtle, application/n-triples and "
                            "application/ld+json")
    return ALIASES.get(best, best)


def _split_extension(rest: str) -> tuple[str, str | None]:
    stem, dot, extension = rest.rpartition(".")
    if dot and extension in EXTENSIONS and "/" not in extension:
        return stem, extension
    return rest, None


@blueprint.app_template_global()
def page_url(iri: str) -> str:
    """Where a resource's page is on this server: instance IRIs under /id/, terms and concepts under
    /ontology/, anything else at its own address."""
    base = _settings().base_iri
    if iri.startswith(base):
        return "/id/" + iri[len(base):]
    if iri.startswith(CKG):
        return "/ontology/" + iri[len(CKG):]
    return iri


@blueprint.app_template_global()
def passage_url(report: str, start: int, end: int) -> str:
    """The report text page with the passage ``start``..``end`` highlighted and scrolled into view."""
    return f"/reports/{report.rsplit('/', 1)[-1]}/text?char={start},{end}#passage"


@blueprint.app_template_global()
def dataset_citation() -> str:
    return citation(Metadata.read(_version()))


def _rdf(iri: str, media_type: str) -> Response:
    format_name, _ = RDF_TYPES[media_type]
    body = runner().graph(resource_query("describe", iri), format_name)
    return Response(body, mimetype=media_type)


def _not_found(iri: str, media_type: str) -> Response:
    message = f"{iri} is not described in this dataset"
    if media_type == "text/html":
        return Response(render_template("entity/not_found.html", iri=iri, message=message), status=404)
    if media_type == "application/ld+json":
        return Response(f'{{"@id": "{iri}", "rdfs:comment": "{message}"}}', status=404, mimetype=media_type)
    return Response(f"# {message}\n", status=404, mimetype=media_type)


@blueprint.route("/id/<path:rest>", methods=["GET", "HEAD"])
def resource(rest: str) -> Response:
    path, extension = _split_extension(rest)
    media_type = _negotiate(extension)
    iri = _settings().base_iri + path
    try:
        resource_query("types", iri)
    except NotAnIri:
        return _not_found(iri, media_type)
    if media_type == "text/html":
        page = entity(runner(), iri, _settings().base_iri + "report/")
        if page is None:
            return _not_found(iri, media_type)
        response = Response(render_template(f"entity/{page.kind}.html", page=page))
    else:
        if not runner().ask(resource_query("exists", iri)):
            return _not_found(iri, media_type)
        response = _rdf(iri, media_type)
    document = {"text/html": "html", **{t: ext for t, (_, ext) in RDF_TYPES.items()}}[media_type]
    response.headers["Content-Location"] = f"/id/{path}.{document}"
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(f'</id/{path}.{ext}>; rel="alternate"; type="{t}"'
                                         for t, (_, ext) in RDF_TYPES.items())
    return response


@blueprint.route("/reports/<report_id>/text")
def report_page(report_id: str) -> str:
    text = report_text(_settings().corpus, report_id)
    if text is None:
        abort(404)
    parts = None
    char = request.args.get("char", "")
    start_text, _, end_text = char.partition(",")
    if start_text.isdigit() and end_text.isdigit():
        parts = split_at_passage(text, int(start_text), int(end_text))
        if parts is None:
            raise ApiError(400, f"char={char} is outside the report ({len(text):,} characters)")
    elif char:
        raise ApiError(400, "char must be two offsets, start,end (RFC 5147 style), e.g. char=120,180")
    report_iri = _settings().base_iri + "report/" + report_id
    return render_template("entity/report_text.html", report_id=report_id, report_iri=report_iri,
                           text=text, parts=parts)


@blueprint.route("/ontology", methods=["GET", "HEAD"])
def ontology() -> Response:
    media_type = _negotiate(None)
    if media_type != "text/html":
        format_name, _ = RDF_TYPES[media_type]
        return Response(runner().graph(resource_query("ontology"), format_name), mimetype=media_type,
                        headers={"Vary": "Accept"})
    documentation = published_file(_version(), ONTOLOGY_HTML)
    schemes: dict[str, list[dict[str, str]]] = {}
    for row in runner().select(resource_query("schemes")):
        schemes.setdefault(row["schemeLabel"].value, []).append({k: v.value for k, v in row.items()})
    generated = documentation.read_text(encoding="utf-8") if documentation else ""
    body_start = generated.find("<body")
    body = generated[generated.find(">", body_start) + 1:generated.rfind("</body>")] if body_start >= 0 else ""
    head_start, head_end = generated.find("<head>"), generated.find("</head>")
    head = generated[head_start + 6:head_end] if head_start >= 0 else ""
    return Response(render_template("entity/ontology.html", generated_head=head, generated_body=body,
                                    schemes=schemes), headers={"Vary": "Accept"})


@blueprint.route("/ontology/<name>", methods=["GET", "HEAD"])
def term(name: str) -> BaseResponse:
    iri = CKG + name
    try:
        page = entity(runner(), iri, _settings().base_iri + "report/")
    except NotAnIri:
        page = None
    if page is None:
        return _not_found(iri, "text/html")
    if page.kind != "concept":
        return redirect(f"/ontology#{name}", code=303)  # classes and properties are documented there
    return Response(render_template("entity/concept.html", page=page))


@blueprint.route("/.well-known/void", methods=["GET", "HEAD"])
def void() -> Response:
    version = _version()
    metadata = Metadata.read(version)
    if metadata is None:
        raise ApiError(503, "the published store has no dataset metadata yet; run `collabkg build`")
    accept = request.accept_mimetypes.best_match(list(RDF_TYPES) + list(ALIASES)) if request.headers.get(
        "Accept") else "text/turtle"
    media_type = ALIASES.get(accept or "", accept or "text/turtle")
    if media_type not in RDF_TYPES:
        media_type = "text/turtle"
    graph = void_graph(runner(), metadata, version, request.host_url, _settings().base_iri)
    format_name = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}[RDF_TYPES[media_type][0]]
    return Response(graph.serialize(format=format_name), mimetype=media_type, headers={"Vary": "Accept"})


@blueprint.route("/dumps/")
def dumps_index() -> str:
    version = _version()
    sums = {}
    checksums = published_file(version, f"{DUMPS}/{CHECKSUMS}")
    if checksums is not None:
        for line in checksums.read_text(encoding="ascii").splitlines():
            digest, _, name = line.partition("  ")
            sums[name] = digest
    files = [{"name": name, "media_type": media_type, "size": (version / DUMPS / name).stat().st_size,
              "sha256": sums.get(name, "")} for name, (media_type, _) in DUMP_FILES.items()
             if (version / DUMPS / name).is_file()]
    return render_template("entity/dumps.html", files=files, metadata=Metadata.read(version))


@blueprint.route("/dumps/<name>")
def dump(name: str) -> Response:
    if name not in DUMP_FILES and name != CHECKSUMS:
        abort(404)
    folder = _version() / DUMPS
    media_type = DUMP_FILES[name][0] if name in DUMP_FILES else "text/plain"
    if name.endswith(".gz"):
        return send_from_directory(folder, name, mimetype="application/gzip", as_attachment=True)
    return send_from_directory(folder, name, mimetype=media_type)
