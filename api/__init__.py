"""The Flask application: ``create_app`` sets defaults, applies overrides, attaches the query service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from collabkg.settings import Settings, load_settings


def create_app(settings: Settings | None = None, config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application for ``settings`` (default: from the environment).

    ``config`` overrides Flask configuration keys (tests set ``TESTING`` there).
    """
    from collabkg.api import errors, pages, query_service, resources, search, sparql, viz

    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.from_mapping(
        COLLABKG_SETTINGS=settings,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        JSON_SORT_KEYS=False,
    )
    if config:
        app.config.update(config)
    errors.init_app(app)
    query_service.init_app(app)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(resources.blueprint)
    app.register_blueprint(search.blueprint)
    app.register_blueprint(viz.blueprint)
    return app
