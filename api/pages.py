"""``/``: the query page, with the researchers' questions as example queries. No CDN: everything it
loads is served from ``api/static``."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from collabkg.graph.queries import named_queries

blueprint = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/static")


@blueprint.route("/")
def index() -> str:
    examples = [{"name": q.name, "title": q.title, "question": q.question, "sparql": q.sparql}
                for q in named_queries().values()]
    settings = current_app.config["COLLABKG_SETTINGS"]
    return render_template("index.html", examples=examples, timeout=settings.query_timeout)
