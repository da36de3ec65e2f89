"""``/search``: full-text search over the evidence (graph/search.py): an HTML page with a search box and
filters for people, JSON (``Accept: application/json``) for programs, ``limit`` and ``offset`` to page."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from collabkg.api.errors import ApiError
from collabkg.graph.query_pool import published_version
from collabkg.graph.search import FILTERS, INDEX_FILE, SearchIndex, SearchSyntaxError

blueprint = Blueprint("search", __name__)


def search_index() -> SearchIndex:
    index = optional_search_index()
    if index is None:
        raise ApiError(503, "the published store has no search index yet; run `collabkg build`")
    return index


def optional_search_index() -> SearchIndex | None:
    """The index of the published version, or None for a store built before the index existed."""
    settings = current_app.config["COLLABKG_SETTINGS"]
    path = Path(published_version(settings.store)) / INDEX_FILE
    return SearchIndex(path, settings.base_iri) if path.is_file() else None


def _number(name: str, default: int, largest: int) -> int:
    value = request.args.get(name, "")
    if not value:
        return default
    if not value.isdigit() or int(value) > largest:
        raise ApiError(400, f"{name} must be a whole number from 0 to {largest:,}")
    return int(value)


@blueprint.route("/search", methods=["GET", "HEAD"])
def search() -> Response:
    text = request.args.get("q", "")
    limit, offset = _number("limit", 20, 200), _number("offset", 0, 10_000)
    filters = {name: request.args.getlist(name) for name in FILTERS if request.args.getlist(name)}
    wants_json = request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json" \
        and request.headers.get("Accept")
    result = None
    if text.strip() or wants_json:
        try:
            result = search_index().search(text, filters, limit, offset)
        except SearchSyntaxError as error:
            raise ApiError(400, str(error)) from None
    if wants_json and result is not None:
        return jsonify(result.as_json())
    return Response(render_template("search.html", q=text, result=result, filters=filters, limit=limit,
                                    offset=offset))
