"""The endpoint tried as a hostile client would: every trick that once made it call out, freeze, crash or
answer wrongly, against the live server, while a loopback listener counts outgoing connections.

README "What a client can rely on" names these tests.
"""

from __future__ import annotations

import json
import select
import socket
import statistics
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import LoopbackListener, Reply, call, count_from_json, get, serving

from collabkg.graph.query_pool import QueryFailed, QueryJob, QueryPool

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?c a <https://w3id.org/collabkg/ontology#Collaboration> }"


def service_tricks(url: str) -> list[str]:
    """Spellings of SERVICE aimed at ``url``; each once passed a text match (see issue 8)."""
    return [
        f"SELECT * WHERE {{ ?s ?p ?o # comment\r SERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p <http://a\u00a0#> SERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o 115SERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?a ?b ?c }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?a ?b ?c }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ OPTIONAL {{ service <{url}> {{ ?a ?b ?c }} }} }} }} }}",
        f"CONSTRUCT WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    ]


def in_every_form(server: str, query: str, **params: str) -> list[Reply]:
    """The same query by GET, POST form and POST application/sparql-query."""
    encoded = urllib.parse.urlencode({"query": query, **params})
    return [
        call(f"{server}/sparql?{encoded}"),
        call(f"{server}/sparql", "POST", encoded.encode(), {"Content-Type": "application/x-www-form-urlencoded"}),
        call(f"{server}/sparql?{urllib.parse.urlencode(params)}", "POST", query.encode("utf-8"),
             {"Content-Type": "application/sparql-query"}),
    ]


# calling out ------------------------------------------------------------------------------------------------

def test_service_is_refused_in_every_spelling_and_protocol_form(server: str, listener: LoopbackListener) -> None:
    for query in service_tricks(listener.url):
        for reply in in_every_form(server, query):
            assert reply.status == 403, query
            assert "SERVICE is refused" in reply.error_message()
    time.sleep(0.3)
    assert listener.connections == 0


def test_a_worker_cannot_open_a_connection_even_if_service_reached_it(built_store: Path,
                                                                      listener: LoopbackListener) -> None:
    """The second wall: a job that skips the gate still cannot call out (graph/sandbox.py)."""
    with QueryPool(built_store, workers=1, timeout=10) as pool:
        with pytest.raises(QueryFailed, match="Permission denied"):
            pool.run(QueryJob(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}", "json"))
        assert pool.run(QueryJob("ASK {}", "json")).body == b'{"head":{},"boolean":true}'
    time.sleep(0.3)
    assert listener.connections == 0


# what text matching got wrong -------------------------------------------------------------------------------

def test_a_variable_named_from_keeps_the_union_default_graph(server: str) -> None:
    plain = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/collabkg/ontology#Collaboration> }"
    with_from = plain.replace("?c", "?from")
    assert count_from_json(get(server, with_from)) == count_from_json(get(server, plain)) > 0


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service a <https://w3id.org/collabkg/ontology#Collaboration> } LIMIT 1",
    "PREFIX copy: <https://w3id.org/collabkg/ontology#> SELECT * WHERE { ?c a copy:Collaboration } LIMIT 1",
    "SELECT * WHERE { ?s ?p 'INSERT DATA SERVICE' } LIMIT 1",
])
def test_words_inside_names_and_strings_are_not_keywords(server: str, query: str) -> None:
    for reply in in_every_form(server, query):
        assert reply.status == 200, reply.body


@pytest.mark.parametrize(("query", "position"), [
    ("SELEC * WHERE { ?s ?p ?o }", "error at 1:1:"),
    ("CONSTRCT WHERE { ?s ?p ?o }", "error at 1:1:"),
    ("", "error at 1:1:"),
    ("# nothing but a comment", "error at 1:24:"),
    ("SELECT * WHERE { ?s ?p ?o } LIMT 5", "error at 1:29:"),
])
def test_typos_and_empty_queries_are_400_with_a_position(server: str, query: str, position: str) -> None:
    for reply in in_every_form(server, query):
        assert reply.status == 400
        assert reply.error_message().startswith(position)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
    "SELECT * WHERE { FILTER(" + "(" * 20000 + "1" + ")" * 20000 + ") }",
    "SELECT * WHERE { FILTER(" + " + ".join(["1"] * 50000) + ") }",
])
def test_deep_nesting_is_400_and_crashes_nothing(server: str, query: str) -> None:
    reply = call(f"{server}/sparql", "POST", query.encode(), {"Content-Type": "application/sparql-query"})
    assert reply.status in (400, 413)
    assert reply.error_message()
    assert get(server, CHEAP).status == 200


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_an_invalid_graph_iri_is_400(server: str, parameter: str) -> None:
    for reply in in_every_form(server, "ASK {}", **{parameter: "not an iri"}):
        assert reply.status == 400
        assert parameter in reply.error_message()


# HTTP edges -------------------------------------------------------------------------------------------------

def test_head_answers_as_get_without_a_body(server: str) -> None:
    url = f"{server}/sparql?" + urllib.parse.urlencode({"query": CHEAP})
    head, got = call(url, "HEAD"), call(url)
    assert head.status == got.status == 200
    assert head.body == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert call(f"{server}/sparql", "HEAD").status == 200  # the service description


def _raw(server: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes; read the answer even when the server answers (and closes) before reading them all."""
    host, port = server.removeprefix("http://").split(":")
    data = b""
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        try:
            for start in range(0, len(request), 16384):
                connection.sendall(request[start:start + 16384])
                if select.select([connection], [], [], 0.01)[0]:
                    break  # the server has answered already
            while chunk := connection.recv(65536):
                data += chunk
        except (BrokenPipeError, ConnectionResetError):
            pass
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET /sparql?query=" + b"a" * 300_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431),
    (b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n", 431),
    (b"POST /sparql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
     b"Content-Type: application/sparql-query\r\n\r\nZZ\r\nASK {}\r\n0\r\n\r\n", 400),
])
def test_errors_the_http_server_answers_itself_use_the_json_shape(server: str, request_bytes: bytes,
                                                                   status: int) -> None:
    code, headers, body = _raw(server, request_bytes)
    assert code == status
    assert headers["content-type"].startswith("application/json")
    error = json.loads(body)["error"]
    assert error["status"] == status and error["message"]


# load: a server with default settings -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def default_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server as ./scripts/run.sh starts it: default workers, time limit and request size."""
    with serving(built_store, tmp_path_factory.mktemp("default") / "serve.log") as (url, _):
        yield url


def _timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def test_a_megabyte_of_pathological_text_does_not_hold_up_other_clients(default_server: str) -> None:
    """Issue 8: 64 KB of escaped quotes once held a concurrent ASK for 11 s. The figures against the
    thresholds (1 s, 100 ms) are in the README, measured by benchmarks/hostile_clients.py; here the bounds
    are loose enough for a loaded CI machine and tight enough to catch quadratic work."""
    body = ('SELECT * WHERE { ?s ?p "' + '\\"' * 500_000 + '" }').encode()
    latencies: list[float] = []
    stop = threading.Event()

    def ask_repeatedly() -> None:
        while not stop.is_set():
            latencies.append(_timed(lambda: get(default_server, CHEAP)))

    asker = threading.Thread(target=ask_repeatedly)
    asker.start()
    try:
        seconds = _timed(lambda: call(f"{default_server}/sparql", "POST", body,
                                      {"Content-Type": "application/sparql-query"}))
    finally:
        stop.set()
        asker.join()
    assert seconds < 5
    assert latencies and max(latencies) < 2


def test_two_runaway_clients_do_not_starve_a_third(default_server: str) -> None:
    """Issue 8's starvation test, with default settings: while two clients keep sending cartesian products,
    a third client's cheap look-ups are answered in under a second at least 95% of the time."""
    stop = threading.Event()
    runaway_statuses: list[int] = []

    def runaway() -> None:
        while not stop.is_set():
            runaway_statuses.append(get(default_server, CARTESIAN).status)

    runaways = [threading.Thread(target=runaway) for _ in range(2)]
    for thread in runaways:
        thread.start()
    time.sleep(1.5)  # let the runaway queries take their workers
    latencies: list[float] = []
    statuses: list[int] = []
    try:
        until = time.monotonic() + 20
        while time.monotonic() < until:
            started = time.perf_counter()
            statuses.append(get(default_server, CHEAP).status)
            latencies.append(time.perf_counter() - started)
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in runaways:
            thread.join()
    fast = sum(1 for seconds, status in zip(latencies, statuses, strict=True) if status == 200 and seconds < 1)
    assert fast / len(latencies) >= 0.95, (statistics.quantiles(latencies, n=20), statuses.count(200))
    assert set(runaway_statuses) <= {503}  # the runaways were stopped, and told so


# rebuilds ---------------------------------------------------------------------------------------------------

def _worker_pids(server_pid: int) -> list[int]:
    """The query workers: children of the server (the fork server) and their children."""
    def children(pid: int) -> list[int]:
        try:
            text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    found = []
    for child in children(server_pid):
        found.extend(children(child))
    return found


def test_the_server_follows_the_store_across_rebuilds_and_worker_deaths(tmp_path: Path) -> None:
    import os
    import shutil
    import signal

    from support import DATA, run_cli

    shutil.copytree(DATA / "mini", tmp_path / "mini")
    store = tmp_path / "data" / "store"
    env = {"COLLABKG_CASES": str(tmp_path / "mini" / "cases"), "COLLABKG_CORPUS": str(tmp_path / "mini" / "corpus"),
           "COLLABKG_REASONER": "none", "COLLABKG_STORE": str(store)}
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/collabkg/ontology#Collaboration> }"
    label = ("SELECT ?label WHERE { ?c a <https://w3id.org/collabkg/ontology#Collaboration> ; "
             "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    assert run_cli("build", env=env).returncode == 0
    with serving(store, tmp_path / "serve.log", env=env) as (url, process):
        before = count_from_json(get(url, count))
        case = tmp_path / "mini" / "cases" / "r1-test-partnership.yaml"
        original = case.read_text()
        for round_ in range(3):  # each build publishes a new version; old ones are pruned when unused
            case.write_text(original.replace("label: Test Partnership", f"label: Test Partnership v{round_}"))
            assert run_cli("build", env=env).returncode == 0
            reply = get(url, label)
            assert reply.status == 200
            assert [row["label"]["value"] for row in json.loads(reply.body)["results"]["bindings"]] == [
                f"Test Partnership v{round_}"]
        for pid in _worker_pids(process.pid):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        reply = get(url, count)
        while reply.status != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
            reply = get(url, count)
        assert reply.status == 200
        assert count_from_json(reply) == before
        versions = [p for p in (store.parent / ".store.versions").iterdir() if not p.name.endswith(".building")]
        assert len(versions) <= 3  # unused versions were pruned
