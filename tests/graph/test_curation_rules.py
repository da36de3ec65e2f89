"""The published graph keeps the claim standard (cases/README.md): no effect under hinders names a bad state,
no finding is counted twice, funding is recorded of every kind the reports state."""

from __future__ import annotations

from pathlib import Path

import pytest

from collabkg.graph.query_runner import StoreRunner
from collabkg.graph.store import open_store
from collabkg.loaders.claim_rules import bad_state


@pytest.fixture(scope="module")
def runner(built_store: Path) -> StoreRunner:
    return StoreRunner(open_store(built_store))


def test_no_effect_under_hinders_names_a_bad_state(runner: StoreRunner) -> None:
    rows = runner.select("SELECT ?effect WHERE { ?k ckg:polarity ckg:Hinders ; ckg:effect/rdfs:label ?effect }")
    assert rows
    assert [row["effect"].value for row in rows if bad_state(row["effect"].value)] == []


def test_no_claim_is_stated_twice_in_one_report_at_the_same_place(runner: StoreRunner) -> None:
    rows = runner.select("""
        SELECT ?report ?start ?end ?cause ?effect ?p (COUNT(DISTINCT ?k) AS ?claims) WHERE {
          ?k ckg:cause/rdfs:label ?cause ; ckg:effect/rdfs:label ?effect ; ckg:polarity ?p ;
             prov:wasDerivedFrom [ oa:hasSource ?report ; oa:hasSelector [ oa:start ?start ; oa:end ?end ] ] .
        } GROUP BY ?report ?start ?end ?cause ?effect ?p HAVING (COUNT(DISTINCT ?k) > 1)""")
    assert rows == []


def test_findings_stated_in_several_places_are_one_claim_with_several_passages(runner: StoreRunner) -> None:
    rows = runner.select("SELECT ?k WHERE { ?k a ckg:CausalClaim ; prov:wasDerivedFrom ?a , ?b FILTER(?a != ?b) }")
    assert len({row["k"].value for row in rows}) >= 50


def test_funding_of_every_kind_the_reports_state(runner: StoreRunner) -> None:
    kinds = {row["kind"].value: int(row["n"].value) for row in runner.select(
        "SELECT ?kind (COUNT(?f) AS ?n) WHERE { ?f ckg:fundingKind ?kind } GROUP BY ?kind")}
    ckg = "https://w3id.org/collabkg/ontology#"
    for kind in ("GrantFunding", "MemberContribution", "InKindSupport", "ContractFunding", "PooledBudget"):
        assert kinds.get(ckg + kind, 0) >= 1, kind
    proposed = runner.select("SELECT ?f WHERE { ?f ckg:status ckg:Proposed }")
    assert proposed
    dated = runner.select("SELECT ?f WHERE { ?f a ckg:Funding ; schema:startDate ?s }")
    assert len(dated) >= 5


def test_bodies_have_their_short_names(runner: StoreRunner) -> None:
    names = {row["n"].value for row in runner.select(
        "SELECT ?n WHERE { ?b a org:Organization ; skos:altLabel ?n }")}
    assert {"WLGA", "DfE", "NSPCC"} <= names
