"""The read-scaling path of "Deploying at scale": several ``collabkg serve`` processes on one published store
version (read-only), behind a load balancer (nginx) that spreads requests over them, fails over when one
stops, and caches answers in front, revalidated with the servers' ETags."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from load_balancer import NginxUnavailable, nginx_in_front
from support import Served, call, get, serving

QUERY = "SELECT ?c ?name WHERE { ?c a ckg:Collaboration ; rdfs:label ?name } ORDER BY ?c"


@pytest.fixture(scope="module")
def readers(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Served]]:
    """Two servers reading the same store version."""
    with ExitStack() as stack:
        servers = []
        for number in (1, 2):
            log = tmp_path_factory.mktemp(f"reader-{number}") / "server.log"
            url, process = stack.enter_context(serving(built_store, log, "--query-workers", "1"))
            servers.append(Served(f"reader {number} (pid {process.pid})", url))
        yield servers


@contextmanager
def balanced(readers: list[Served], cache: bool = False) -> Iterator[str]:
    try:
        with nginx_in_front([reader.url for reader in readers], cache=cache) as front:
            yield front
    except NginxUnavailable as error:
        pytest.fail(str(error))


def test_the_balancer_spreads_requests_over_the_readers_which_answer_alike(readers: list[Served]) -> None:
    with balanced(readers) as front:
        replies = [get(front, QUERY) for _ in range(8)]
    assert all(reply.status == 200 for reply in replies)
    upstreams = {reply.headers["x-upstream"] for reply in replies}
    assert upstreams == {reader.url.removeprefix("http://") for reader in readers}
    assert len({reply.body for reply in replies}) == 1 and len({reply.headers["etag"] for reply in replies}) == 1


def test_an_answer_from_one_reader_is_revalidated_by_another(readers: list[Served]) -> None:
    first = get(readers[0].url, QUERY)
    url = f"{readers[1].url}/sparql?" + urllib.parse.urlencode({"query": QUERY})
    assert call(url, headers={"If-None-Match": first.headers["etag"]}).status == 304


def test_a_cache_in_front_answers_repeated_queries_and_revalidates_them(readers: list[Served]) -> None:
    with balanced(readers, cache=True) as front:
        first, again = get(front, QUERY), get(front, QUERY)
        assert first.headers["x-cache-status"] == "MISS" and again.headers["x-cache-status"] == "HIT"
        assert first.body == again.body
        time.sleep(2.2)  # past the second (counted in whole seconds) for which the cache may answer alone
        revalidated = get(front, QUERY)
        assert revalidated.headers["x-cache-status"] == "REVALIDATED" and revalidated.body == first.body


def test_the_balancer_fails_over_when_a_reader_stops(built_store: Path, readers: list[Served],
                                                     tmp_path: Path) -> None:
    with serving(built_store, tmp_path / "third.log", "--query-workers", "1") as (url, process):
        with balanced([readers[0], Served("third", url)]) as front:
            assert get(front, QUERY).status == 200
            process.terminate()
            process.wait(timeout=10)
            replies = [get(front, QUERY) for _ in range(6)]
    assert all(reply.status == 200 for reply in replies)
    # each answer came from the reader still running (after a failed try on the stopped one, at first)
    assert {reply.headers["x-upstream"].split(", ")[-1] for reply in replies} == {
        readers[0].url.removeprefix("http://")}
