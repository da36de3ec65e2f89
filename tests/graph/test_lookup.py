"""Look-ups answered in the serving process (graph/lookup): which queries count as one, that their answers
are the workers' answers byte for byte, that they keep being answered while every worker is busy, and that
the serving process they run in cannot open a network connection."""

from __future__ import annotations

import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import call, serving

from collabkg.graph import lookup as lookup_module
from collabkg.graph import query_pool
from collabkg.graph.gate import check_query
from collabkg.graph.lookup import as_lookup
from collabkg.graph.query_pool import QueryBusy, QueryJob, QueryPool, _evaluate, published_version
from collabkg.graph.store import database

IRI = "https://w3id.org/collabkg/id/body/barnardos"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.mark.parametrize("query", [
    f"SELECT ?p ?o WHERE {{ <{IRI}> ?p ?o }}",
    f"SELECT * {{ <{IRI}> ?p ?o . }}",
    f"SELECT DISTINCT ?s WHERE {{ ?s ?p <{IRI}> }} LIMIT 10 OFFSET 2",
    f"PREFIX x: <http://x/> SELECT ?o WHERE {{ <{IRI}> x:y ?o }}",
    f"SELECT ?o WHERE {{ <{IRI}> a ?o }}",
    f"SELECT ?o WHERE {{ <{IRI}> <http://www.w3.org/2000/01/rdf-schema#label> ?o }} OFFSET 1 LIMIT 1",
])
def test_one_triple_pattern_about_an_iri_is_a_look_up(query: str) -> None:
    assert as_lookup(check_query(query)) is not None


@pytest.mark.parametrize("query", [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",  # no constant: the whole store
    f"SELECT ?p WHERE {{ <{IRI}> ?p ?o . ?o ?q ?r }}",  # a join
    f"SELECT ?p WHERE {{ <{IRI}> ?p/?q ?o }}",  # a path
    f"SELECT ?p WHERE {{ <{IRI}> ?p ?o FILTER(?o) }}",
    f"SELECT ?p WHERE {{ <{IRI}> ?p ?o }} ORDER BY ?o",
    f"SELECT ?p FROM <http://g> WHERE {{ <{IRI}> ?p ?o }}",  # a dataset of its own
    f"SELECT ?p WHERE {{ GRAPH ?g {{ <{IRI}> ?p ?o }} }}",
    "BASE <http://x/> SELECT ?p WHERE { <a> ?p ?o }",  # relative IRIs
    "SELECT ?p WHERE { <a> ?p ?o }",
    f"SELECT ?p WHERE {{ <{IRI}> ?p 'x' }}",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ <{IRI}> ?p ?o }}",
    f"ASK {{ <{IRI}> ?p ?o }}",
    f"CONSTRUCT {{ <{IRI}> ?p ?o }} WHERE {{ <{IRI}> ?p ?o }}",
    f"DESCRIBE <{IRI}>",
    f"SELECT ?p WHERE {{ <{IRI}> ?p ?o }} LIMIT 10 LIMIT 2",
    f"SELECT ?p WHERE {{ <{IRI}> ?p ?o }} VALUES ?p {{ <http://a> }}",
])
def test_anything_else_is_not(query: str) -> None:
    assert as_lookup(check_query(query)) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "SELECT", "?p", "?o", "*", "{", "}", ".", f"<{IRI}>", "WHERE", "LIMIT", "OFFSET", "1", "SERVICE",
    "<http://127.0.0.1:9/>", "OPTIONAL", "UNION", "GRAPH", "FROM", "FILTER", "(", ")", "/", "a", ";", ","
]), max_size=14))
def test_every_look_up_is_one_pattern_with_no_service_path_or_group(words: list[str]) -> None:
    """Whatever the tokens, what is taken for a look-up has braces once, a constant IRI and none of the
    keywords that would make its work unbounded or reach the network."""
    try:
        checked = check_query(" ".join(words))
    except Exception:  # noqa: BLE001 - the gate refusing the text is fine here
        return
    if as_lookup(checked) is None:
        return
    texts = [token.text.upper() for token in checked.tokens]
    assert texts.count("{") == 1 and texts.count("}") == 1 and f"<{IRI.upper()}>" in texts
    assert not {"SERVICE", "OPTIONAL", "UNION", "GRAPH", "FROM", "FILTER", "/", ";", ","} & set(texts)


def _resources(store: Path, count: int) -> list[str]:
    handle = pyoxigraph.Store.read_only(str(database(Path(published_version(store)))))
    rows = handle.query("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?t } FILTER(isIRI(?s)) } "
                        f"ORDER BY ?s LIMIT {count}")
    return [row[0].value for row in rows]


def test_look_ups_answer_as_the_workers_do(built_store: Path) -> None:
    version = pyoxigraph.Store.read_only(str(database(Path(published_version(built_store)))))
    with QueryPool(built_store, workers=1, timeout=10) as pool:
        for index, iri in enumerate(_resources(built_store, 400)):
            for query, format_name in ((f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}", ("json", "xml", "csv")[index % 3]),
                                       (f"SELECT * WHERE {{ ?s ?p <{iri}> }} LIMIT 5", "tsv")):
                job = QueryJob(query, format_name)
                expected = _evaluate(version, job, 1 << 30)
                assert expected[0] == "ok"
                assert pool.run(job).body == expected[1], query


def test_look_ups_are_answered_while_every_worker_is_busy(built_store: Path) -> None:
    with QueryPool(built_store, workers=1, timeout=20, long_after=30) as pool:
        outcome: list[object] = []
        runaway = threading.Thread(target=lambda: outcome.append(_run_or_error(pool, QueryJob(CARTESIAN, "json"))))
        runaway.start()
        time.sleep(0.5)  # the runaway query now holds the only worker
        answer = pool.run(QueryJob(f"SELECT ?p ?o WHERE {{ <{IRI}> ?p ?o }}", "json"), timeout=2)
        assert b'"bindings":[{' in answer.body.replace(b" ", b"") and runaway.is_alive()
        with pytest.raises(QueryBusy):  # anything else still needs the worker
            pool.run(QueryJob(f"SELECT ?p WHERE {{ <{IRI}> ?p ?o . ?o ?q ?r }}", "json"), timeout=1)
    runaway.join(timeout=30)


def test_a_look_up_over_the_cap_goes_to_a_worker(built_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookup_module, "MAX_TRIPLES", 2)
    with QueryPool(built_store, workers=1, timeout=20, long_after=30) as pool:
        runaway = threading.Thread(target=lambda: _run_or_error(pool, QueryJob(CARTESIAN, "json")))
        runaway.start()
        time.sleep(0.5)
        with pytest.raises(QueryBusy):  # more than 2 triples about the body: the busy worker is needed
            pool.run(QueryJob(f"SELECT ?p ?o WHERE {{ <{IRI}> ?p ?o }}", "json"), timeout=1)
    runaway.join(timeout=30)


def _run_or_error(pool: QueryPool, job: QueryJob) -> object:
    try:
        return pool.run(job)
    except Exception as error:  # noqa: BLE001 - the runaway query's own outcome does not matter here
        return error


def test_the_serving_process_cannot_open_a_network_connection(built_store: Path, tmp_path: Path) -> None:
    """Look-ups are evaluated in the serving process, so on the embedded store it gets the workers' sandbox
    (seccomp, graph/sandbox): the kernel reports the filter, and the server still answers over its socket."""
    with serving(built_store, tmp_path / "serve.log") as (url, process):
        status = Path(f"/proc/{process.pid}/status").read_text()
        assert "Seccomp:\t2" in status
        reply = call(f"{url}/sparql?" + urllib.parse.urlencode({"query": f"SELECT ?p WHERE {{ <{IRI}> ?p ?o }}"}),
                     "GET", None, {"Accept": "text/csv"})
        assert reply.status == 200 and b"http://www.w3.org/1999/02/22-rdf-syntax-ns#type" in reply.body


def test_a_version_this_process_cannot_read_leaves_look_ups_to_the_workers(
        built_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []

    def unreadable(version: str) -> None:
        attempts.append(version)
        raise OSError("no permission")

    monkeypatch.setattr(query_pool, "_Reader", unreadable)
    with QueryPool(built_store, workers=1, timeout=10) as pool:
        for _ in range(3):
            answer = pool.run(QueryJob(f"SELECT ?p ?o WHERE {{ <{IRI}> ?p ?o }}", "csv"))
            assert b"http://www.w3.org/1999/02/22-rdf-syntax-ns#type" in answer.body
    assert attempts == [published_version(built_store)]  # tried once for the version, not on every look-up
