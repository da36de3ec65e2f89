"""``collabkg publish --to URL`` into a live Virtuoso of its own (started for this module), and
``collabkg serve --backend`` following what it publishes: versions switched in one write, counts checked,
old versions dropped, and the previous version readable when a publish fails or is killed part-way."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from support import Served, assert_no_traceback, get, run_cli, serving
from virtuoso import Virtuoso, live_virtuoso

from collabkg.graph.backends.remote import RemoteBackend
from collabkg.graph.backends.versions import PublicationRecord
from collabkg.graph.publication import DUMPS
from collabkg.graph.queries import named_queries
from collabkg.graph.query_pool import published_version
from collabkg.graph.sparql import run_query
from collabkg.graph.store import open_store, publish
from collabkg.settings import Settings

MARKER = "https://w3id.org/collabkg/id/graph/test-marker"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    virtuoso = live_virtuoso(tmp_path_factory.mktemp("virtuoso-publish"))
    yield virtuoso
    virtuoso.stop()


def record_of(virtuoso: Virtuoso, settings: Settings) -> PublicationRecord:
    with RemoteBackend(virtuoso.sparql, settings.base_iri) as backend:
        return backend.read_record()


def stored_triples(virtuoso: Virtuoso, graph: str) -> int:
    with RemoteBackend(virtuoso.sparql, settings_base()) as backend:
        reply = backend.send_query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                                   "application/sparql-results+json", 30)
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


def settings_base() -> str:
    return "https://w3id.org/collabkg/id/"


def variant(built_store: Path, folder: Path, extra: str, bulk_triples: int = 0) -> Path:
    """A store version with the build's quads and ``extra`` (N-Quads), and ``bulk_triples`` more in a graph
    of their own (to make a publish take a while)."""
    nquads = gzip.decompress((Path(published_version(built_store)) / DUMPS / "collabkg.nq.gz").read_bytes())
    bulk = "".join(f'<{settings_base()}bulk/{i}> <http://example.org/value> "{i}" <{settings_base()}graph/bulk> .\n'
                   for i in range(bulk_triples))
    publish(nquads + extra.encode() + bulk.encode(), folder / "store")
    return folder / "store"


def marker(value: str) -> str:
    return f'<{MARKER}> <http://example.org/says> "{value}" <{MARKER}> .\n'


def publish_to(virtuoso: Virtuoso, store: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("publish", "--store", str(store), "--to", virtuoso.graph_store, env=env or virtuoso.publish_env)


def says(served: Served) -> set[str]:
    reply = get(served.url, f"SELECT ?v WHERE {{ GRAPH <{MARKER}> {{ ?s ?p ?v }} }}")
    assert reply.status == 200, reply.text
    return {row["v"]["value"] for row in json.loads(reply.body)["results"]["bindings"]}


def wait_for(condition: object, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_publish_loads_every_graph_checks_it_and_makes_it_current(server: Virtuoso, built_store: Path,
                                                                 settings: Settings) -> None:
    result = publish_to(server, built_store)
    assert result.returncode == 0, result.stderr
    build = Path(published_version(built_store)).name
    assert f"as version {build}, now current" in result.stdout
    assert "Counting the triples of the" in result.stderr  # the counts were checked before the switch
    current = record_of(server, settings).current
    assert current is not None and current.store_version == build
    local = pyoxigraph.Store.read_only(str(Path(published_version(built_store)) / "oxigraph"))
    for graph in current.graphs:
        expected = sum(1 for _ in local.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph.name)))
        assert graph.triples == expected == stored_triples(server, graph.stored)
        assert graph.stored == f"{graph.name}?version={build}"
    again = publish_to(server, built_store)
    assert again.returncode == 0 and "already current" in again.stdout


def test_wrong_credentials_are_refused_in_one_line_and_change_nothing(server: Virtuoso, tmp_path: Path,
                                                                       settings: Settings) -> None:
    before = record_of(server, settings)
    store = variant(settings.store, tmp_path, marker("never"))
    result = publish_to(server, store, {"COLLABKG_PUBLISH_USER": "collabkg_publisher",
                                        "COLLABKG_PUBLISH_PASSWORD": "wrong"})
    assert result.returncode == 1 and "refused the credentials" in result.stderr
    assert_no_traceback(result)
    assert record_of(server, settings).current == before.current


def test_serve_follows_each_new_version_and_older_ones_are_dropped(server: Virtuoso, built_store: Path,
                                                                   settings: Settings, tmp_path: Path) -> None:
    assert publish_to(server, built_store).returncode == 0
    with serving(built_store, tmp_path / "serve.log", "--backend", server.sparql) as (url, _):
        served = Served("virtuoso", url)
        assert says(served) == set()
        first = variant(built_store, tmp_path / "first", marker("first"))
        assert publish_to(server, first).returncode == 0
        assert wait_for(lambda: says(served) == {"first"}), "the server did not follow the new version"
        second = variant(built_store, tmp_path / "second", marker("second"))
        result = publish_to(server, second)
        assert result.returncode == 0 and "kept as the previous one" in result.stdout
        assert wait_for(lambda: says(served) == {"second"})
        record = record_of(server, settings)
        assert record.current is not None and record.current.store_version == Path(published_version(second)).name
        assert {v.store_version for v in record.versions} == {Path(published_version(p)).name for p in (first, second)}
        # the version before the previous one is gone from the server
        build = Path(published_version(built_store)).name
        assert stored_triples(server, f"{settings_base()}graph/catalogue?version={build}") == 0


def test_a_publish_killed_part_way_leaves_the_previous_version_readable(
        server: Virtuoso, built_store: Path, settings: Settings, tmp_path: Path) -> None:
    assert publish_to(server, built_store).returncode == 0
    before = record_of(server, settings).current
    large = variant(built_store, tmp_path / "large", marker("large"), bulk_triples=400_000)
    with serving(built_store, tmp_path / "serve.log", "--backend", server.sparql) as (url, _):
        served = Served("virtuoso", url)
        command = [str(Path(sys.executable).with_name("collabkg")), "publish", "--store", str(large),
                   "--to", server.graph_store]
        with subprocess.Popen(command, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, **server.publish_env}) as publishing:
            assert publishing.stderr is not None
            for line in publishing.stderr:
                if line.startswith("Loading graph") and "graph/bulk" in line:
                    os.kill(publishing.pid, signal.SIGKILL)  # in the middle of loading the large graph
                    break
            publishing.wait(timeout=30)
        assert publishing.returncode == -signal.SIGKILL
        assert record_of(server, settings).current == before  # never switched
        time.sleep(1.5)  # past the server's re-reading of the record
        assert says(served) == set()
        for name in ("members-by-collaboration", "governance-units"):
            query = named_queries()[name].sparql
            assert get(url, query).body == run_query(open_store(built_store), query, "json")
    # the next publish clears what the killed one left
    after = variant(built_store, tmp_path / "after", marker("after"))
    result = publish_to(server, after)
    assert result.returncode == 0, result.stderr
    assert "Dropping the graphs of version" in result.stderr
    assert stored_triples(server, f"{settings_base()}graph/bulk?version={Path(published_version(large)).name}") == 0


def test_serve_with_a_backend_it_cannot_use_says_why_in_one_line(server: Virtuoso, built_store: Path) -> None:
    unreachable = run_cli("serve", "--store", str(built_store), "--port", "0", "--backend",
                          "http://127.0.0.1:9/sparql")
    assert unreachable.returncode == 1 and "cannot read the published version" in unreachable.stderr
    assert_no_traceback(unreachable)
    other_dataset = run_cli("serve", "--store", str(built_store), "--port", "0", "--backend", server.sparql,
                            env={"COLLABKG_BASE_IRI": "https://example.org/other/"})
    assert other_dataset.returncode == 1 and "has no version published" in other_dataset.stderr
    assert_no_traceback(other_dataset)
