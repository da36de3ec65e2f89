"""Attaches the query pool (graph/query_pool) to the application: started on first use, closed at exit."""

from __future__ import annotations

import atexit
import threading

from flask import Flask, current_app

from collabkg.graph.query_pool import QueryPool
from collabkg.settings import Settings

_EXTENSION = "collabkg_query_pool"


class _PoolHolder:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool: QueryPool | None = None
        self.lock = threading.Lock()

    def get(self) -> QueryPool:
        with self.lock:
            if self.pool is None:
                self.pool = QueryPool(self.settings.store, workers=self.settings.query_workers,
                                      timeout=self.settings.query_timeout,
                                      max_result_bytes=self.settings.max_result_bytes)
                atexit.register(self.close)
            return self.pool

    def close(self) -> None:
        with self.lock:
            if self.pool is not None:
                self.pool.close()
                self.pool = None


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = _PoolHolder(app.config["COLLABKG_SETTINGS"])


def query_pool() -> QueryPool:
    holder: _PoolHolder = current_app.extensions[_EXTENSION]
    return holder.get()


def close(app: Flask) -> None:
    app.extensions[_EXTENSION].close()
