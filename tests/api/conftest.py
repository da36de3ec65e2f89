"""A live server: the real ``collabkg serve`` on 127.0.0.1 (port 0), on the session's built store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import MAX_REQUEST_BYTES, MAX_RESULT_BYTES, QUERY_TIMEOUT, LoopbackListener, serving


@pytest.fixture(scope="session")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {"COLLABKG_MAX_REQUEST_BYTES": str(MAX_REQUEST_BYTES), "COLLABKG_MAX_RESULT_BYTES": str(MAX_RESULT_BYTES)}
    log = tmp_path_factory.mktemp("server") / "server.log"
    with serving(built_store, log, "--query-timeout", str(QUERY_TIMEOUT), env=env) as (url, _):
        yield url


@pytest.fixture(scope="session")
def listener() -> Iterator[LoopbackListener]:
    """One listener for the whole session: at its end it must have seen no connection at all."""
    listening = LoopbackListener()
    yield listening
    listening.close()
    assert listening.connections == 0, "the server made an outgoing connection"
