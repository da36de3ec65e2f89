"""A live server: the real ``collabkg serve`` on 127.0.0.1 (port 0), on the session's built store."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import MAX_REQUEST_BYTES, MAX_RESULT_BYTES, QUERY_TIMEOUT


@pytest.fixture(scope="session")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    command = [str(Path(sys.executable).with_name("collabkg")), "serve", "--store", str(built_store),
               "--host", "127.0.0.1", "--port", "0", "--query-timeout", str(QUERY_TIMEOUT), "--query-workers", "2"]
    env = {**os.environ, "COLLABKG_MAX_REQUEST_BYTES": str(MAX_REQUEST_BYTES),
           "COLLABKG_MAX_RESULT_BYTES": str(MAX_RESULT_BYTES)}
    log = tmp_path_factory.mktemp("server") / "server.log"
    with open(log, "w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    match = None
    deadline = time.monotonic() + 60
    while match is None and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
    if match is None:
        process.kill()
        raise RuntimeError(f"server did not start: {log.read_text()}")
    yield f"http://127.0.0.1:{match.group(1)}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
