"""Read-only SPARQL under a hard time limit, fairly shared: queries run in a pool of worker processes.

Oxigraph cannot cancel a running query from Python, and a thread cannot be stopped, so each query runs in
a worker process that holds its own read-only handle on the published store version. A query that outlives
its limit is stopped by killing its worker (the operating system frees everything it held) and a fresh
worker takes its place in the background.

Fairness (``docs/decisions/0005-fair-scheduling-of-queries.md``): every query starts as a *short* query.
One that is still running after ``long_after`` seconds becomes *long* and needs one of ``long_slots``
(fewer than the workers, so some capacity is always kept for new queries); when they are all taken, it is
stopped there and the client is told the server is busy (503 with Retry-After). A request waits for a free
worker at most until its own deadline. So clients that keep sending runaway queries hold at most
``long_slots`` workers between them, and cheap queries keep being answered by the others.

Workers run in a sandbox (:mod:`collabkg.graph.sandbox`: no network), evaluate on a thread with a large
stack (the engine's parser and optimiser recurse), and each holds a shared lock on its store version so a
build never prunes a version a worker still reads. When a build publishes a new version, idle workers are
replaced by workers on the new one and busy ones are replaced when they finish.

Look-ups of one resource whose work is bounded before it starts (graph/lookup) are answered in the calling
process from its own read-only handle on the same version, also locked while it is read: the hop to a
worker would cost more than the look-up, and look-ups keep being answered while every worker is busy.
"""

from __future__ import annotations

import fcntl
import functools
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

log = logging.getLogger("collabkg.query_pool")

# A fork server starts workers from a process that has already imported the engine: a replacement is
# ready in a fraction of the time a fresh interpreter takes, and no parent thread or open store is copied.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["pyoxigraph", "collabkg.graph.sparql", "collabkg.graph.sandbox"])
EVALUATION_STACK_BYTES = 512 * 1024 * 1024
#: a longer query is not lexed a second time to see if it is a look-up (graph/lookup): analytic queries are longer
_LOOKUP_MAX_CHARS = 600


class QueryTimeout(RuntimeError):
    """The query ran past its time limit and was stopped."""


class QueryBusy(RuntimeError):
    """The server had no capacity for this query in time; the client may retry."""


class QueryTooLarge(RuntimeError):
    """The serialised result is larger than the configured bound."""


class QueryFailed(RuntimeError):
    """The query could not be evaluated (a worker crashed or the store failed)."""


class QuerySyntaxError(ValueError):
    """The engine could not parse the query; the message is the engine's, with its position."""


@dataclass(frozen=True)
class QueryJob:
    query: str  # the gate's text
    format_name: str | None
    has_dataset: bool = False
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryAnswer:
    body: bytes
    seconds: float


def _worker_main(store_path: str, connection: Connection, max_result_bytes: int) -> None:
    """Close the network, lock and open the store version, then answer one job at a time."""
    try:
        from collabkg.graph.sandbox import forbid_network

        forbid_network()
        _, store = _open_locked(store_path)  # the lock is held until the process ends
    except Exception as error:  # noqa: BLE001 - any start-up failure is reported to the pool, which retries
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    connection.send(("ready",))
    threading.stack_size(EVALUATION_STACK_BYTES)
    thread = threading.Thread(target=_answer_jobs, args=(store, connection, max_result_bytes),
                              name="collabkg-evaluation")
    thread.start()
    thread.join()


def _open_locked(version: str) -> tuple[int, Any]:
    """A read-only store on ``version`` and the descriptor of a shared lock on its folder, taken first: a
    build never prunes a version whose folder is locked, so the version stays while the store reads it."""
    import pyoxigraph

    from collabkg.graph.store import database

    lock = os.open(version, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)
        return lock, pyoxigraph.Store.read_only(str(database(Path(version))))
    except BaseException:
        os.close(lock)
        raise


def _answer_jobs(store: Any, connection: Connection, max_result_bytes: int) -> None:
    while True:
        try:
            job: QueryJob = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(_evaluate(store, job, max_result_bytes))


def _evaluate(store: Any, job: QueryJob, max_result_bytes: int) -> tuple[Any, ...]:
    """Evaluate and serialise ``job`` on ``store``: ("ok", body, seconds), or the kind of failure and its
    message ("syntax", "format", "too-large", "failed")."""
    from collabkg.graph.sparql import UnsupportedFormat, execute, serialise

    started = time.perf_counter()
    try:
        results = execute(store, job.query, job.has_dataset, list(job.default_graphs) or None,
                          list(job.named_graphs) or None)
        body = serialise(results, job.format_name)
    except SyntaxError as error:
        return ("syntax", str(error))
    except UnsupportedFormat as error:
        return ("format", str(error))
    except Exception as error:  # noqa: BLE001 - any evaluation failure is reported, never kills the worker
        return ("failed", f"{type(error).__name__}: {error}")
    if len(body) > max_result_bytes:
        return ("too-large", len(body))
    return ("ok", body, time.perf_counter() - started)


def published_version(store: Path) -> str:
    """The version folder the published store points at now (asked on every query: one readlink, the
    folder holding the link being resolved once)."""
    path = os.path.abspath(store)
    try:
        target = os.readlink(path)
    except OSError:  # not a link (or nothing there): as the operating system resolves it
        return os.path.realpath(path)
    return os.path.normpath(os.path.join(_resolved_folder(os.path.dirname(path)), target))


@functools.lru_cache(maxsize=64)
def _resolved_folder(folder: str) -> str:
    return os.path.realpath(folder)


class LongQueries:
    """The fair-share rule of decision 0005, for any backend: a query still unanswered after ``long_after``
    seconds is *long* and needs one of ``slots``; without one it is stopped (QueryBusy), and at its deadline
    it is stopped (QueryTimeout). The backend says how to wait for an answer and how to stop a query."""

    def __init__(self, slots: int, long_after: float) -> None:
        self.slots = slots
        self.long_after = long_after
        self._lock = threading.Lock()
        self._running = 0

    @contextmanager
    def answer_awaited(self, answered_by: Callable[[float], bool], stop: Callable[[], None], deadline: float,
                       limit: float) -> Iterator[None]:
        """Return (enter the block) once ``answered_by(until)`` (until: a monotonic time) says the answer is
        there; a long slot taken on the way is held until the block ends. ``stop`` is called before raising."""
        remaining = deadline - time.monotonic()
        answered = answered_by(time.monotonic() + max(0.0, min(self.long_after, remaining)))
        holding = False
        if not answered and remaining > self.long_after:
            with self._lock:
                if self._running < self.slots:
                    self._running += 1
                    holding = True
            if not holding:
                stop()
                raise QueryBusy(f"the query was stopped after {self.long_after:g} s: the server's capacity for "
                                "long-running queries is in use; retry shortly, or narrow the query")
        try:
            if holding:
                answered = answered_by(deadline)
            if not answered:
                stop()
                raise QueryTimeout(f"the query was stopped at its time limit of {limit:g} s")
            yield
        finally:
            if holding:
                with self._lock:
                    self._running -= 1


@dataclass(eq=False)
class _Worker:
    process: Any
    connection: Connection
    version: str
    started: float = field(default_factory=time.monotonic)
    killed: bool = False


class _Reader:
    """The serving process's own read-only handle on one version, locked like a worker's; the lock is let go
    when the version is no longer current and no look-up still reads it."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.lock, self.store = _open_locked(version)
        self.readers = 0
        self.retired = False

    def retire(self) -> None:
        """No new look-up will read this version; the lock goes with the last one that does."""
        self.retired = True
        self.close_if_done()

    def close_if_done(self) -> None:
        if self.retired and not self.readers and self.lock >= 0:
            os.close(self.lock)
            self.lock = -1


class QueryPool:
    """Worker processes sharing the published store, with a time limit and fair shares.

    >>> import tempfile
    >>> from collabkg.graph.store import publish
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = publish(b'<http://a> <http://b> "c" <http://g> .\\n', folder / "store")
    >>> with QueryPool(folder / "store", workers=1, timeout=5) as pool:
    ...     pool.run(QueryJob("SELECT ?o WHERE { ?s ?p ?o }", "csv")).body
    b'o\\r\\nc\\r\\n'
    """

    def __init__(self, store: Path, workers: int = 3, timeout: float = 10.0,
                 max_result_bytes: int = 64 * 1024 * 1024, long_after: float = 1.0,
                 long_slots: int | None = None, start_timeout: float = 60.0) -> None:
        self.store = store
        self.size = max(1, workers)
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.long_after = long_after
        self.long_slots = max(1, self.size - 1) if long_slots is None else max(0, long_slots)
        self.start_timeout = start_timeout
        self._condition = threading.Condition()
        self._idle: deque[_Worker] = deque()
        self._live: set[_Worker] = set()
        self._starting = 0
        self._long = LongQueries(self.long_slots, long_after)
        self._closed = False
        self._version = published_version(store)
        self._reader: _Reader | None = None
        self._unreadable: str | None = None  # a version this process could not open for look-ups
        self._reader_lock = threading.Lock()
        self.failures: deque[str] = deque(maxlen=20)  # recent start-up failures, for operators
        for _ in range(self.size):
            self._start_one()
        with self._condition:
            ready = self._condition.wait_for(lambda: len(self._idle) == self.size or not self._starting,
                                             timeout=start_timeout)
            if not self._idle:
                reason = self.failures[-1] if self.failures else "timed out"
                self.close()
                raise QueryFailed(f"no query worker could start on {store}: {reason}")
            if not ready:
                log.warning("only %d of %d query workers started in time", len(self._idle), self.size)

    def __enter__(self) -> QueryPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- workers --------------------------------------------------------------------------------

    def _start_one(self) -> None:
        """Start a worker in the background; retry with back-off until it starts or the pool closes."""
        with self._condition:
            self._starting += 1
        threading.Thread(target=self._starter, daemon=True, name="collabkg-query-worker-start").start()

    def _starter(self) -> None:
        delay = 0.2
        try:
            while not self._closed:
                try:
                    worker = self._spawn(published_version(self.store))
                except Exception as error:  # noqa: BLE001 - reported and retried, never lost
                    message = f"a query worker failed to start: {error}"
                    self.failures.append(message)
                    log.error("%s; retrying in %.1f s", message, delay)
                    time.sleep(delay)
                    delay = min(delay * 2, 10.0)
                    continue
                with self._condition:
                    if not self._closed:
                        self._live.add(worker)
                        self._idle.append(worker)
                        self._condition.notify_all()
                        return
                self._kill(worker)  # the pool closed while this worker started
                return
        finally:
            with self._condition:
                self._starting -= 1
                self._condition.notify_all()

    def _spawn(self, version: str) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_worker_main, args=(version, child, self.max_result_bytes),
                                   daemon=True, name="collabkg-query-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent, version)
        if not parent.poll(self.start_timeout):
            self._kill(worker)
            raise QueryFailed("it did not start in time")
        try:
            message = parent.recv()
        except (EOFError, OSError):
            self._kill(worker)
            raise QueryFailed(f"it exited with code {process.exitcode}") from None
        if message != ("ready",):
            self._kill(worker)
            raise QueryFailed(str(message[1]) if len(message) > 1 else repr(message))
        return worker

    def _kill(self, worker: _Worker) -> None:
        with self._condition:
            self._live.discard(worker)
            if worker.killed:  # a query's thread and close() may both stop a worker: its pipe is closed once
                return
            worker.killed = True
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()

    def _retire(self, worker: _Worker) -> None:
        """Stop ``worker`` and start another in its place."""
        self._kill(worker)
        if not self._closed:
            self._start_one()

    def _follow_published_version(self) -> None:
        """After a build, replace idle workers by workers on the new version (busy ones on release)."""
        current = published_version(self.store)
        if current == self._version:
            return
        with self._condition:
            if current == self._version:
                return
            self._version = current
            stale = [worker for worker in self._idle if worker.version != current]
            for worker in stale:
                self._idle.remove(worker)
        for worker in stale:
            self._retire(worker)

    def _acquire(self, deadline: float) -> _Worker:
        with self._condition:
            while True:
                while self._idle:
                    worker = self._idle.popleft()
                    if worker.version == self._version and worker.process.is_alive():
                        return worker
                    threading.Thread(target=self._retire, args=(worker,), daemon=True).start()
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    raise QueryBusy("every query worker was busy until this query's time limit; retry shortly")
                self._condition.wait(remaining)

    def _release(self, worker: _Worker) -> None:
        with self._condition:
            if worker.version == self._version and not self._closed:
                self._idle.append(worker)
                self._condition.notify()
                return
        self._retire(worker)

    # -- queries --------------------------------------------------------------------------------

    def run(self, job: QueryJob, timeout: float | None = None) -> QueryAnswer:
        """Run one job; raise QuerySyntaxError (the engine's message and position), QueryTimeout, QueryBusy,
        QueryTooLarge or QueryFailed."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        self._follow_published_version()
        answer = self._look_up_here(job)
        if answer is not None:
            return answer
        worker = self._acquire(deadline)
        try:
            worker.connection.send(job)
            with self._long.answer_awaited(
                    lambda until: worker.connection.poll(max(0.0, until - time.monotonic())),
                    lambda: self._retire(worker), deadline, limit):
                message = worker.connection.recv()
        except (EOFError, OSError):
            self._retire(worker)
            raise QueryFailed("the query worker stopped unexpectedly") from None
        self._release(worker)
        return self._answer(message)

    def _answer(self, message: tuple[Any, ...]) -> QueryAnswer:
        """The answer a worker (or :meth:`_look_up_here`) sent, or the error it stands for."""
        kind = message[0]
        if kind == "ok":
            return QueryAnswer(message[1], message[2])
        if kind == "syntax":
            raise QuerySyntaxError(message[1])
        if kind == "too-large":
            raise QueryTooLarge(f"the result is {message[1]:,} bytes, over the limit of "
                                f"{self.max_result_bytes:,}; add a LIMIT or narrow the query")
        raise QueryFailed(message[1])

    # -- look-ups answered here -----------------------------------------------------------------

    def _look_up_here(self, job: QueryJob) -> QueryAnswer | None:
        """The answer to ``job`` when it is a bounded look-up (graph/lookup), evaluated in this process;
        None for every other query, which a worker answers."""
        from collabkg.graph.gate import GateError, check_query
        from collabkg.graph.lookup import as_lookup

        if job.default_graphs or job.named_graphs or job.has_dataset or len(job.query) > _LOOKUP_MAX_CHARS:
            return None
        try:
            lookup = as_lookup(check_query(job.query))
        except GateError:
            return None
        if lookup is None:
            return None
        reader = self._open_reader()
        if reader is None:
            return None
        try:
            if not lookup.is_bounded(reader.store):
                return None
            return self._answer(_evaluate(reader.store, job, self.max_result_bytes))
        finally:
            with self._reader_lock:
                reader.readers -= 1
                reader.close_if_done()

    def _open_reader(self) -> _Reader | None:
        """The current version's reader, counted as in use; None if it cannot be opened (workers answer)."""
        with self._reader_lock:
            reader = self._reader
            if reader is None or reader.version != self._version:
                if reader is not None:
                    reader.retire()
                self._reader = None
                if self._unreadable == self._version:  # tried once for this version: the workers answer
                    return None
                try:
                    reader = self._reader = _Reader(self._version)
                except (OSError, ValueError) as error:
                    self._unreadable = self._version
                    log.warning("look-ups go to the workers: cannot read %s here (%s)", self._version, error)
                    return None
            reader.readers += 1
            return reader

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for operators and tests)."""
        with self._condition:
            return [worker.process.pid for worker in self._live]

    def close(self) -> None:
        with self._reader_lock:
            if self._reader is not None:
                self._reader.retire()
                self._reader = None
        with self._condition:
            self._closed = True
            workers = list(self._live)
            self._idle.clear()
            self._condition.notify_all()
        for worker in workers:
            self._kill(worker)
