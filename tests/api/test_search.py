"""Full-text search over the evidence (/search and ckg:textMatch in SPARQL) and HTTP caching of answers."""

from __future__ import annotations

import json
import shutil
import urllib.parse
from pathlib import Path

import pytest
from support import DATA, call, get, run_cli, serving

from collabkg.graph.query_runner import StoreRunner
from collabkg.graph.store import open_store


def search(server: str, **params: str | int) -> dict:  # type: ignore[type-arg]
    reply = call(f"{server}/search?" + urllib.parse.urlencode(params), headers={"Accept": "application/json"})
    assert reply.status == 200, reply.body[:300]
    return json.loads(reply.body)  # type: ignore[no-any-return]


def every_claim_found(server: str, q: str) -> set[str]:
    found: set[str] = set()
    offset = 0
    while True:
        page = search(server, q=q, limit=200, offset=offset)
        found |= {hit["claim"] for hit in page["hits"]}
        offset += 200
        if offset >= page["total"]:
            return found


@pytest.fixture(scope="module")
def runner(built_store: Path) -> StoreRunner:
    return StoreRunner(open_store(built_store))


def test_search_answers_in_the_contract_shape(server: str) -> None:
    result = search(server, q="trust", limit=5)
    assert result["total"] > 5 and len(result["hits"]) == 5
    hit = result["hits"][0]
    assert {"claim", "quote", "snippet", "score", "report"} <= set(hit)
    assert "<mark>" in hit["snippet"] and hit["claim"].startswith("https://w3id.org/collabkg/id/claim/")
    second_page = search(server, q="trust", limit=5, offset=5)
    assert {h["claim"] for h in second_page["hits"]}.isdisjoint({h["claim"] for h in result["hits"]})


@pytest.mark.parametrize("word", ["trust", "leadership", "funding", "manager", "culture", "savings"])
def test_single_words_find_what_a_substring_scan_finds(server: str, runner: StoreRunner, word: str) -> None:
    scanned = {row["k"].value for row in runner.select(
        f"SELECT DISTINCT ?k WHERE {{ ?k a ckg:CausalClaim ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?q "
        f'FILTER(CONTAINS(LCASE(?q), "{word}")) }}')}
    found = every_claim_found(server, word)
    assert scanned and len(scanned & found) / len(scanned) >= 0.95, (word, len(scanned), len(scanned & found))


def test_a_two_word_query_ranks_a_passage_with_both_first(server: str) -> None:
    best = search(server, q="project manager", limit=1)["hits"][0]
    assert "project manager" in best["quote"].lower()
    phrase = search(server, q='"project manager"')  # a phrase: stemmed words next to each other
    assert all("project manag" in hit["quote"].lower() for hit in phrase["hits"][:3])


def test_filters_narrow_the_search(server: str) -> None:
    everything = search(server, q="trust")["total"]
    hindering = search(server, q="trust", polarity="hinders")
    assert 0 < hindering["total"] < everything
    assert {hit["polarity"] for hit in hindering["hits"]} == {"hinders"}
    in_report = search(server, q="trust", report="003_cce5b0048c2aeada")
    assert {hit["report"].rsplit("/", 1)[-1] for hit in in_report["hits"]} == {"003_cce5b0048c2aeada"}


@pytest.mark.parametrize("q", ['"unclosed', "AND (", "trust NEAR("])
def test_bad_search_syntax_is_400_with_a_clear_message(server: str, q: str) -> None:
    reply = call(f"{server}/search?" + urllib.parse.urlencode({"q": q}), headers={"Accept": "application/json"})
    assert reply.status == 400
    assert "cannot read the search" in reply.error_message()


def test_the_search_page_for_people(server: str) -> None:
    page = call(f"{server}/search?q=trust").text
    assert "<mark>" in page and "see it in the report" in page and 'name="q"' in page


def test_text_search_inside_sparql_joins_with_other_patterns(server: str) -> None:
    query = ('SELECT ?claim ?cause WHERE { ?claim ckg:textMatch "project manager" . '
             "?claim ckg:cause/rdfs:label ?cause ; ckg:polarity ckg:Hinders }")
    rows = json.loads(get(server, query).body)["results"]["bindings"]
    assert rows and {row["claim"]["value"] for row in rows} <= every_claim_found(server, "project manager")
    bad = get(server, 'SELECT * WHERE { ?c ckg:textMatch ?notAString }')
    assert bad.status == 400 and "ckg:textMatch needs" in bad.error_message()


def test_etags_304_and_the_result_cache(server: str) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?c a ckg:Collaboration }"
    first = get(server, query)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache" and "last-modified" in first.headers
    again = get(server, query)
    assert again.headers["etag"] == etag and again.headers["x-cache"] == "hit" and again.body == first.body
    url = f"{server}/sparql?" + urllib.parse.urlencode({"query": query})
    assert call(url, headers={"If-None-Match": etag}).status == 304
    assert call(url, headers={"If-None-Match": '"something-else"'}).status == 200
    other_format = call(url, headers={"Accept": "text/csv"})
    assert other_format.headers["etag"] != etag


def test_a_rebuild_invalidates_etags_and_cached_answers(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    env = {"COLLABKG_CASES": str(tmp_path / "mini" / "cases"), "COLLABKG_CORPUS": str(tmp_path / "mini" / "corpus"),
           "COLLABKG_REASONER": "none", "COLLABKG_STORE": str(tmp_path / "store")}
    assert run_cli("build", env=env).returncode == 0
    query = "SELECT ?label WHERE { ?c a ckg:Collaboration ; rdfs:label ?label }"
    with serving(tmp_path / "store", tmp_path / "serve.log", env=env) as (url, _):
        before = get(url, query)
        assert get(url, query).headers["x-cache"] == "hit"
        case = tmp_path / "mini" / "cases" / "r1-test-partnership.yaml"
        case.write_text(case.read_text().replace("label: Test Partnership", "label: Renamed Partnership"))
        assert run_cli("build", env=env).returncode == 0
        after = get(url, query)
        assert after.headers["x-cache"] == "miss" and after.headers["etag"] != before.headers["etag"]
        assert "Renamed Partnership" in after.text and "Renamed Partnership" not in before.text
        old = call(f"{url}/sparql?" + urllib.parse.urlencode({"query": query}),
                   headers={"If-None-Match": before.headers["etag"]})
        assert old.status == 200
