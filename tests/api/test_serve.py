"""``collabkg serve`` builds the store first when it is missing, then serves it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from support import DATA


def test_serve_builds_a_missing_store_then_answers(tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = {**os.environ, "COLLABKG_CASES": str(DATA / "mini" / "cases"),
           "COLLABKG_CORPUS": str(DATA / "mini" / "corpus"), "COLLABKG_REASONER": "none"}
    log = tmp_path / "serve.log"
    with open(log, "w") as output:
        process = subprocess.Popen([str(Path(sys.executable).with_name("collabkg")), "serve", "--store", str(store),
                                    "--port", "0", "--query-workers", "1"], stdout=output,
                                   stderr=subprocess.STDOUT, env=env)
    try:
        match = None
        deadline = time.monotonic() + 120
        while match is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
        assert match, log.read_text()
        assert "building it first" in log.read_text()
        url = f"http://127.0.0.1:{match.group(1)}/sparql?query=" + urllib.parse.quote(
            "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/collabkg/ontology#CausalClaim> }")
        with urllib.request.urlopen(url, timeout=30) as response:
            body = json.loads(response.read())
        assert body["results"]["bindings"][0]["n"]["value"] == "3"
        assert store.is_symlink()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_taken_port_is_one_line_before_any_build(tmp_path: Path) -> None:
    import socket

    from support import assert_no_traceback, run_cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = run_cli("serve", "--store", str(tmp_path / "no-store-yet"), "--port", str(port))
    assert result.returncode == 1
    assert_no_traceback(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0], result.stderr
    assert not (tmp_path / "no-store-yet").exists()  # nothing was built
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("port", ["80000", "-1", "http"])
def test_a_port_out_of_range_is_refused(tmp_path: Path, port: str) -> None:
    from support import assert_no_traceback, run_cli

    result = run_cli("serve", "--store", str(tmp_path / "store"), "--port", port)
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "port" in result.stderr and len(result.stderr.strip().splitlines()) == 1
