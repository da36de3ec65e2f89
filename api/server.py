"""The production HTTP server (waitress), with the project's one error shape for the errors waitress answers
itself before the application sees a request: a request line or headers over its limit (431), broken
chunked framing or a malformed request (400), a body over its limit (413)."""

from __future__ import annotations

import json
import socket
from typing import Any

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask


class JsonErrorTask(ErrorTask):
    """waitress's error response, as ``{"error": {"status", "title", "message"}}`` (api/errors.py)."""

    def execute(self) -> None:
        error = self.request.error
        message = " ".join(str(error.body).split()) or error.reason
        body = json.dumps({"error": {"status": error.code, "title": error.reason,
                                     "message": message[0].lower() + message[1:]}}).encode("utf-8")
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonErrorChannel(HTTPChannel):
    error_task_class = JsonErrorTask


class PortUnavailable(OSError):
    """The address cannot be listened on; the message says why in one line."""


def http_server(app: Flask, host: str, port: int, threads: int) -> Any:
    """A waitress server bound to ``host``:``port`` (0: any free port), answering its own errors in the API's
    error shape; :class:`PortUnavailable` when the port is taken or not allowed."""
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="collabkg")
    except OSError as error:
        reason = error.strerror or str(error)
        if isinstance(error, socket.gaierror):
            reason = f"unknown host ({reason})"
        raise PortUnavailable(f"cannot listen on {host}:{port}: {reason}") from None
    server.channel_class = JsonErrorChannel
    return server
