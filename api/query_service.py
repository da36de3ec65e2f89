"""Attaches the query backend (graph/backends: the embedded store's worker pool, or a remote SPARQL server
with ``backend`` set) to the application: started on first use, closed at exit; and, behind a proxy that
names the client, a limit on the queries one client may have running at once."""

from __future__ import annotations

import atexit
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, request

from collabkg.api.errors import ApiError
from collabkg.graph.backends import QueryBackend, open_backend
from collabkg.graph.query_runner import PoolRunner, QueryRunner
from collabkg.graph.result_cache import ResultCache
from collabkg.settings import Settings

_EXTENSION = "collabkg_query_pool"


class _PoolHolder:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool: QueryBackend | None = None
        self.lock = threading.Lock()
        self.running: Counter[str] = Counter()
        self.cache = ResultCache(settings.result_cache_bytes)

    def get(self) -> QueryBackend:
        with self.lock:
            if self.pool is None:
                self.pool = open_backend(self.settings)
                atexit.register(self.close)
            return self.pool

    @contextmanager
    def client_slot(self, client: str) -> Iterator[None]:
        with self.lock:
            if self.running[client] >= self.settings.client_max_queries:
                raise ApiError(429, f"this client already has {self.running[client]} queries running; wait for "
                                    "them to finish", {"Retry-After": "1"})
            self.running[client] += 1
        try:
            yield
        finally:
            with self.lock:
                self.running[client] -= 1
                if not self.running[client]:
                    del self.running[client]

    def close(self) -> None:
        with self.lock:
            if self.pool is not None:
                self.pool.close()
                self.pool = None


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = _PoolHolder(app.config["COLLABKG_SETTINGS"])


def query_pool() -> QueryBackend:
    """The backend that answers queries (graph/backends): the embedded store's pool or a remote server."""
    holder: _PoolHolder = current_app.extensions[_EXTENSION]
    return holder.get()


def data_version() -> str:
    """Names the data answering now (a new published version changes it): caches and ETags key on it."""
    return query_pool().data_version()


def result_cache() -> ResultCache:
    holder: _PoolHolder = current_app.extensions[_EXTENSION]
    return holder.cache


def runner() -> QueryRunner:
    """Ask the store questions from a view, under the time limit (graph/query_runner)."""
    return PoolRunner(query_pool())


@contextmanager
def client_slot() -> Iterator[None]:
    """Count this request's query against its client, when a proxy header says who the client is."""
    holder: _PoolHolder = current_app.extensions[_EXTENSION]
    header = holder.settings.client_header
    value = request.headers.get(header) if header else None
    if not value:
        yield
        return
    # The proxy appends the address it saw; the first entry is the client as the first proxy saw it.
    client = value.split(",", 1)[0].strip()[:200]
    with holder.client_slot(client):
        yield


def start(app: Flask) -> None:
    """Start the workers now rather than on the first query; with a remote backend, read its current
    version now, so that a server that cannot be reached or holds no published version is reported at once."""
    backend = app.extensions[_EXTENSION].get()
    backend.data_version()


def close(app: Flask) -> None:
    app.extensions[_EXTENSION].close()
