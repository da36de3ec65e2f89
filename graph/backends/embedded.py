"""The embedded backend: the published on-disk Oxigraph store, queried through the worker pool."""

from __future__ import annotations

from collabkg.graph.query_pool import QueryPool, published_version


class EmbeddedBackend(QueryPool):
    """The worker pool (graph/query_pool.py) on the published store; its data version is the version folder
    the store's link points at, so a build changes it."""

    def data_version(self) -> str:
        return published_version(self.store)
