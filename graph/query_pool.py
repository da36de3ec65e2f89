"""Read-only SPARQL under a hard time limit: queries run in a pool of worker processes.

Oxigraph cannot cancel a running query from Python, and a thread cannot be stopped, so each query runs in
a worker process that holds its own read-only handle on the store. A query that outlives its limit is
stopped by killing its worker (the operating system frees everything it held) and a fresh worker takes its
place in the background; other queries keep running in the other workers meanwhile.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

_CONTEXT = multiprocessing.get_context("spawn")  # a fork would copy the parent's open store and threads


class QueryTimeout(RuntimeError):
    """The query ran past its time limit and was stopped."""


class QueryTooLarge(RuntimeError):
    """The serialised result is larger than the configured bound."""


class QueryFailed(RuntimeError):
    """The query could not be evaluated (a worker crashed or the store failed)."""


@dataclass(frozen=True)
class QueryJob:
    query: str
    format_name: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryAnswer:
    body: bytes
    seconds: float


def _worker_main(store_path: str, connection: Connection, max_result_bytes: int) -> None:
    """Worker loop: open the store once, then answer one job at a time until the pipe closes."""
    import pyoxigraph

    from collabkg.graph.sparql import QueryRefused, execute, serialise

    store = pyoxigraph.Store.read_only(store_path)
    connection.send(("ready",))
    while True:
        try:
            job: QueryJob = connection.recv()
        except (EOFError, OSError):
            return
        started = time.perf_counter()
        try:
            results = execute(store, job.query, list(job.default_graphs) or None, list(job.named_graphs) or None)
            body = serialise(results, job.format_name)
        except SyntaxError as error:
            connection.send(("syntax", str(error)))
            continue
        except QueryRefused as error:
            connection.send(("refused", str(error)))
            continue
        except Exception as error:  # noqa: BLE001 - any evaluation failure is reported, never kills the worker
            connection.send(("failed", f"{type(error).__name__}: {error}"))
            continue
        if len(body) > max_result_bytes:
            connection.send(("too-large", len(body)))
            continue
        connection.send(("ok", body, time.perf_counter() - started))


@dataclass(eq=False)
class _Worker:
    process: Any
    connection: Connection
    jobs: int = 0
    started: float = field(default_factory=time.monotonic)


class QueryPool:
    """A fixed number of worker processes sharing one read-only store.

    >>> import tempfile
    >>> from collabkg.graph.store import publish
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = publish(b'<http://a> <http://b> "c" <http://g> .\\n', folder / "store")
    >>> with QueryPool(folder / "store", workers=1, timeout=5) as pool:
    ...     pool.run(QueryJob("SELECT ?o WHERE { ?s ?p ?o }", "csv")).body
    b'o\\r\\nc\\r\\n'
    """

    def __init__(self, store: Path, workers: int = 2, timeout: float = 10.0,
                 max_result_bytes: int = 64 * 1024 * 1024, start_timeout: float = 60.0) -> None:
        self.store_path = str(store.resolve())
        self.size = max(1, workers)
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.start_timeout = start_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for worker in [self._spawn() for _ in range(self.size)]:
            self._await_ready(worker)
            self._idle.put(worker)

    def __enter__(self) -> QueryPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _spawn(self) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_worker_main, args=(self.store_path, child, self.max_result_bytes),
                                   daemon=True, name="collabkg-query-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        if not worker.connection.poll(self.start_timeout):
            self._kill(worker)
            raise QueryFailed("a query worker did not start in time")
        message = worker.connection.recv()
        if message != ("ready",):
            self._kill(worker)
            raise QueryFailed(f"a query worker failed to start: {message!r}")

    def _kill(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()

    def _replace(self) -> None:
        """Start a worker in place of a killed one, off the request's path."""
        def start() -> None:
            if self._closed:
                return
            try:
                worker = self._spawn()
                self._await_ready(worker)
            except (QueryFailed, OSError):
                time.sleep(1)
                threading.Thread(target=start, daemon=True).start()
                return
            if self._closed:
                self._kill(worker)
            else:
                self._idle.put(worker)

        threading.Thread(target=start, daemon=True, name="collabkg-query-worker-restart").start()

    def run(self, job: QueryJob, timeout: float | None = None) -> QueryAnswer:
        """Run one job; raise SyntaxError (with Oxigraph's message and position), QueryTimeout,
        QueryTooLarge, QueryRefused or QueryFailed."""
        from collabkg.graph.sparql import QueryRefused

        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            raise QueryTimeout(f"no query worker became free within the time limit of {limit:g} s") from None
        try:
            worker.connection.send(job)
            remaining = max(0.0, deadline - time.monotonic())
            if not worker.connection.poll(remaining):
                self._kill(worker)
                self._replace()
                raise QueryTimeout(f"the query was stopped at its time limit of {limit:g} s")
            message = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._kill(worker)
            self._replace()
            raise QueryFailed("the query worker stopped unexpectedly") from None
        worker.jobs += 1
        self._idle.put(worker)
        kind = message[0]
        if kind == "ok":
            return QueryAnswer(message[1], message[2])
        if kind == "syntax":
            raise SyntaxError(message[1])
        if kind == "refused":
            raise QueryRefused(message[1])
        if kind == "too-large":
            raise QueryTooLarge(f"the result is {message[1]:,} bytes, over the limit of "
                                f"{self.max_result_bytes:,}; add a LIMIT or narrow the query")
        raise QueryFailed(message[1])

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._kill(worker)
