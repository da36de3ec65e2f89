"""``/``: the query page, YASGUI (https://github.com/rdfjs/Yasgui) with the researchers' questions as example
queries. No CDN: YASGUI is vendored in ``api/static/vendor/yasgui`` (``scripts/vendor-yasgui.sh`` updates it)
and everything the page loads is served from ``api/static``."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from collabkg.graph.queries import named_queries
from collabkg.graph.sparql import PREDECLARED_PREFIXES

blueprint = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/static")

#: where the entity page of an instance IRI ``<base_iri><path>`` lives, below the application's root
ENTITY_PATH = "/id/"


@blueprint.route("/")
def index() -> str:
    settings = current_app.config["COLLABKG_SETTINGS"]
    data = {
        "prefixes": PREDECLARED_PREFIXES,
        "examples": [{"name": q.name, "title": q.title, "question": q.question, "sparql": q.sparql}
                     for q in named_queries().values()],
    }
    return render_template("index.html", data=data, endpoint=url_for("sparql.sparql"), base_iri=settings.base_iri,
                           entity_path=request.script_root + ENTITY_PATH, timeout=settings.query_timeout)
