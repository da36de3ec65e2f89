"""The shared backend suite runs every test twice: on ``collabkg serve`` with the embedded store, and on
``collabkg serve --backend`` over a live Virtuoso that ``collabkg publish`` loaded. Virtuoso is started by
the tests (tests/virtuoso.py); when it cannot be, the tests fail: CI must prove the remote backend works."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from support import QUERY_TIMEOUT, Served, run_cli, serving
from virtuoso import Virtuoso, live_virtuoso

from collabkg.graph.store import open_store


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    server = live_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def published(virtuoso: Virtuoso, built_store: Path) -> Virtuoso:
    """The session's store, published to the session's Virtuoso."""
    result = run_cli("publish", "--store", str(built_store), "--to", virtuoso.graph_store, env=virtuoso.publish_env)
    assert result.returncode == 0, result.stderr
    return virtuoso


def _serve(store: Path, folder: Path, name: str, *arguments: str) -> Iterator[Served]:
    with serving(store, folder / "server.log", "--query-timeout", str(QUERY_TIMEOUT), *arguments) as (url, _):
        yield Served(name, url)


@pytest.fixture(scope="session")
def embedded_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _serve(built_store, tmp_path_factory.mktemp("serve-embedded"), "embedded")


@pytest.fixture(scope="session")
def virtuoso_server(built_store: Path, published: Virtuoso, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[Served]:
    yield from _serve(built_store, tmp_path_factory.mktemp("serve-virtuoso"), "virtuoso", "--backend", published.sparql)


@pytest.fixture(scope="session", params=["embedded", "virtuoso"])
def served(request: pytest.FixtureRequest) -> Served:
    """The collabkg server on each backend in turn."""
    server: Served = request.getfixturevalue(f"{request.param}_server")
    return server


@pytest.fixture(scope="session")
def embedded_store(built_store: Path) -> pyoxigraph.Store:
    """The session's store, opened here: the answers every backend must give."""
    return open_store(built_store)
