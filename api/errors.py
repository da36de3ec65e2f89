"""One error shape for the whole API, raised as :class:`ApiError` and rendered by one handler.

Body: ``{"error": {"status": 400, "title": "Bad Request", "message": "..."}}`` as JSON.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    from http import HTTPStatus

    title = HTTPStatus(status).phrase
    response = jsonify({"error": {"status": status, "title": title, "message": message}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error_response(error.status, error.message, error.headers)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        message = error.description or error.name
        if error.code == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            message = f"the request is larger than the limit of {limit:,} bytes"
        return error_response(error.code or 500, message)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error")
        return error_response(500, f"internal error: {type(error).__name__}")
