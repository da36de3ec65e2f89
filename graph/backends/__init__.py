"""One store interface, two backends: what the API asks queries of, whichever store answers them.

Everything above ``graph/`` (the SPARQL endpoint, entity pages, search, drawings, exports) sends a
:class:`~collabkg.graph.query_pool.QueryJob` (the gate's text, a format, the dataset) to a
:class:`QueryBackend` and gets back a :class:`~collabkg.graph.query_pool.QueryAnswer` or one of the query
errors of :mod:`collabkg.graph.query_pool`. Two backends keep that contract:

- :class:`~collabkg.graph.backends.embedded.EmbeddedBackend`: the on-disk Oxigraph store, evaluated in
  time-limited worker processes (the default);
- :class:`~collabkg.graph.backends.remote.RemoteBackend`: any SPARQL 1.1 server that ``collabkg publish``
  loaded (Virtuoso, Jena Fuseki, GraphDB, ...), reached by the SPARQL 1.1 Protocol, with the same gate,
  prefixes, dataset, time limit and result formats.
"""

from __future__ import annotations

from typing import Protocol

from collabkg.graph.query_pool import QueryAnswer, QueryJob
from collabkg.settings import Settings


class QueryBackend(Protocol):
    def run(self, job: QueryJob, timeout: float | None = None) -> QueryAnswer:
        """Answer one job under the time limit; raise QuerySyntaxError, QueryTimeout, QueryBusy,
        QueryTooLarge or QueryFailed (graph/query_pool.py)."""

    def data_version(self) -> str:
        """Names the data that answers now: it changes when a new version is published (caches and ETags
        are keyed on it)."""

    def close(self) -> None:
        """Stop the backend's workers or connections."""


def open_backend(settings: Settings) -> QueryBackend:
    """The backend the settings choose: the remote endpoint of ``settings.backend`` when it is set, else
    the embedded store at ``settings.store`` (whose workers start now)."""
    if settings.backend:
        from collabkg.graph.backends.remote import RemoteBackend

        return RemoteBackend(settings.backend, settings.base_iri, settings.store, workers=settings.query_workers,
                             timeout=settings.query_timeout, max_result_bytes=settings.max_result_bytes,
                             long_after=settings.long_query_after, long_slots=settings.long_query_slots)
    from collabkg.graph.backends.embedded import EmbeddedBackend

    return EmbeddedBackend(settings.store, workers=settings.query_workers, timeout=settings.query_timeout,
                           max_result_bytes=settings.max_result_bytes, long_after=settings.long_query_after,
                           long_slots=settings.long_query_slots)
