"""The researchers' questions (shared QUESTIONS.md) asked of the real graph in SPARQL, with answers checked
against the reports. Facts asserted here were read in the report texts (line numbers in comments)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
import yaml

from collabkg.graph.queries import named_queries
from collabkg.graph.sparql import evaluate
from collabkg.graph.store import open_store
from collabkg.settings import Settings

PREFIXES = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX ckg: <https://w3id.org/collabkg/ontology#>
PREFIX id: <https://w3id.org/collabkg/id/>
"""


@pytest.fixture(scope="module")
def store(built_store: Path) -> pyoxigraph.Store:
    return open_store(built_store)


def select(store: pyoxigraph.Store, query: str) -> list[dict[str, str]]:
    solutions = evaluate(store, PREFIXES + query)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in solutions]


def named(store: pyoxigraph.Store, name: str) -> list[dict[str, str]]:
    return select(store, named_queries()[name].sparql)


def test_every_named_query_runs(store: pyoxigraph.Store) -> None:
    for name in named_queries():
        named(store, name)


# Q1 -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("collaboration", "members"), [
    # 000 line 64: "3 local authorities (Newcastle, Northumberland and North Tyneside)"
    ("North of Tyne Collaboration", {"Newcastle City Council", "Northumberland County Council",
                                     "North Tyneside Council"}),
    # 001 line 64: "the five north London boroughs of Camden, Enfield, Hackney, Haringey and Islington"
    ("North London Children's Efficiency Programme (NLCEP) residential innovation project",
     {"London Borough of Camden", "London Borough of Enfield", "London Borough of Hackney",
      "London Borough of Haringey", "London Borough of Islington"}),
    # 002 line 15: "Angus, Dundee and Perth and Kinross Councils, NHS Tayside"
    ("Tayside", {"Angus Council", "Dundee City Council", "Perth and Kinross Council", "NHS Tayside"}),
    # 003 line 423: ABMU Health Board with Bridgend, Neath Port Talbot and Swansea
    ("Western Bay", {"Abertawe Bro Morgannwg University Health Board", "Bridgend County Borough Council",
                     "Neath Port Talbot County Borough Council", "City and County of Swansea"}),
    # 003 line 846: Rhondda Cynon Taf and Merthyr Tydfil
    ("ICT", {"Rhondda Cynon Taf County Borough Council", "Merthyr Tydfil County Borough Council"}),
])
def test_members_of_each_collaboration(store: pyoxigraph.Store, collaboration: str, members: set[str]) -> None:
    rows = named(store, "members-by-collaboration")
    found = {r["bodyName"] for r in rows if collaboration.lower() in r["collaborationName"].lower()}
    assert members <= found, found
    assert all(r.get("quote") for r in rows), "every membership carries its quote"


def test_roles_are_from_the_role_scheme(store: pyoxigraph.Store) -> None:
    roles = {r["role"] for r in named(store, "members-by-collaboration")}
    assert "member" in roles and roles <= {"lead", "host", "accountable body", "member"}


# Q2, Q3 ------------------------------------------------------------------------------------------------------

def test_bodies_connecting_collaborations(store: pyoxigraph.Store) -> None:
    rows = {r["bodyName"]: int(r["collaborations"]) for r in named(store, "bodies-in-several-collaborations")}
    assert rows, "some bodies take part in several collaborations"
    assert all(count > 1 for count in rows.values())
    # Newcastle is in the North of Tyne Collaboration and the wider North of Tyne Devolution (000 line 74)
    assert rows.get("Newcastle City Council", 0) >= 2


def test_collaborations_with_health_voluntary_or_government_bodies(store: pyoxigraph.Store) -> None:
    rows = named(store, "collaborations-by-kind-of-member")
    kinds = {r["kind"] for r in rows}
    assert {"Health body", "Voluntary organisation", "Government body"} <= kinds
    assert any("Western Bay" in r["collaborationName"] and r["kind"] == "Health body" for r in rows)
    assert any("Barnardo's" == r["bodyName"] and r["kind"] == "Voluntary organisation" for r in rows)


# Q4, Q5 ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("collaboration", "funder", "stream", "amount"), [
    ("Western Bay", "Welsh Government", "Regional Collaboration Fund", Decimal("3797000")),  # 003 line 425
    ("ICT", "Welsh Government", "Regional Collaboration Fund", Decimal("3057000")),  # 003 line 868
    ("School Improvement", "Welsh Government", "Regional Collaboration Fund", Decimal("1200000")),  # line 1274
    ("Legal Services", "Welsh Government", "European Social Fund", Decimal("144933")),  # 003 line 331
])
def test_who_funded_what_and_how_much(store: pyoxigraph.Store, collaboration: str, funder: str, stream: str,
                                      amount: Decimal) -> None:
    rows = named(store, "funding-by-collaboration")
    matches = [r for r in rows if collaboration.lower() in r["collaborationName"].lower()
               and r["funderName"] == funder and r["streamName"] == stream and "amount" in r]
    assert any(Decimal(r["amount"]) == amount and r["currency"] == "GBP" for r in matches), matches


def test_grant_period_as_the_report_states_it(store: pyoxigraph.Store) -> None:
    rows = [r for r in named(store, "funding-by-collaboration")
            if "Western Bay" in r["collaborationName"] and r.get("amount") == "3797000"]
    assert rows and rows[0].get("start", "").startswith("2013-04") and rows[0].get("end", "").startswith("2016-03")


def test_funding_streams_that_funded_several_collaborations(store: pyoxigraph.Store) -> None:
    rows = {r["streamName"]: int(r["collaborations"]) for r in named(store, "streams-funding-several-collaborations")}
    assert rows.get("Regional Collaboration Fund", 0) >= 4  # the Welsh case studies (003)


# Q6 ----------------------------------------------------------------------------------------------------------

def test_reporting_lines(store: pyoxigraph.Store) -> None:
    rows = named(store, "governance-units")
    # 000 line 74: "The NoT Collaboration Board reported into the North of Tyne Devolution"
    assert any("North of Tyne Collaboration" == r["collaborationName"] and "Board" in r["unitName"]
               and "North of Tyne Devolution" in r.get("reportsTo", "") for r in rows)
    # 002: the Directors' Group reports to the Strategic Group
    assert any("Directors" in r["unitName"] and "Strategic Group" in r.get("reportsTo", "") for r in rows)
    assert any(r.get("members") for r in rows), "who sits on units is recorded"


# Q7, Q8, Q9 --------------------------------------------------------------------------------------------------

def test_enablers_of_savings_with_counts_and_quotes(store: pyoxigraph.Store) -> None:
    rows = named(store, "enablers-of-savings")
    assert len(rows) >= 5
    assert all(int(r["claims"]) >= 1 and int(r["reports"]) >= 1 and r["example"] for r in rows)
    assert sum(int(r["claims"]) for r in rows) >= 20


def test_barriers_causing_delays(store: pyoxigraph.Store) -> None:
    rows = named(store, "barriers-causing-delays")
    assert len(rows) >= 20
    # 001 executive summary: inconsistent commitment was "slowing down decision making"
    assert any("slowing down decision making" in r["quote"] for r in rows)


def test_lack_of_admin_support_is_a_project_management_barrier(store: pyoxigraph.Store) -> None:
    # 001 line 88: "the lack of administrative support for the project lead" impeded progress
    rows = select(store, """
        SELECT ?claim WHERE {
          ?claim ckg:polarity ckg:Hinders ; ckg:cause/ckg:category ckg:factor-project-management ;
                 prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quote .
          FILTER(CONTAINS(?quote, "lack of administrative support"))
        }""")
    assert rows


def test_factors_both_enabler_and_barrier(store: pyoxigraph.Store) -> None:
    rows = {r["factor"]: r for r in named(store, "factors-both-enabler-and-barrier")}
    assert "Staff continuity and turnover" in rows or "Commitment and engagement of partners" in rows
    assert all(int(r["asEnabler"]) > 0 and int(r["asBarrier"]) > 0 for r in rows.values())


# Q10, Q11, Q12, Q13 ------------------------------------------------------------------------------------------

def test_claims_by_modality(store: pyoxigraph.Store) -> None:
    rows = {r["modality"]: int(r["claims"]) for r in named(store, "claims-by-modality")}
    assert set(rows) == {"Observed", "Perceived", "Anticipated", "Recommended"}
    assert all(count >= 20 for count in rows.values())


def test_evidence_types_and_cited_publications(store: pyoxigraph.Store) -> None:
    rows = named(store, "evidence-and-cited-sources")
    types = {r["evidenceType"] for r in rows}
    assert {"Interview", "Documentary", "Literature"} <= types
    cited = [r for r in rows if r["evidenceType"] == "Literature" and r.get("citedSources")]
    assert cited and any("Percy-Smith" in r["citedSources"] for r in cited)


def test_pairs_agreed_by_independent_reports(store: pyoxigraph.Store) -> None:
    rows = named(store, "pairs-agreed-by-independent-reports")
    assert any(int(r["reports"]) >= 3 for r in rows)
    assert any(int(r["reports"]) == 1 for r in rows)


def test_recurring_posts(store: pyoxigraph.Store) -> None:
    rows = {r["postType"]: r for r in named(store, "recurring-posts")}
    managers = rows["project or programme manager"]
    assert int(managers["collaborations"]) >= 4  # a dedicated project manager recurs across the Welsh cases
    assert int(managers["claims"]) >= 3 and managers["exampleClaim"]
    assert "chief executive" in rows


# Whole-graph checks ------------------------------------------------------------------------------------------

def test_every_quote_is_verbatim_at_its_offsets(store: pyoxigraph.Store, settings: Settings) -> None:
    texts = {}
    index = yaml.safe_load((settings.corpus / "reports.yaml").read_text(encoding="utf-8"))
    for report in index["reports"]:
        texts[f"{settings.base_iri}report/{report['id']}"] = (settings.corpus / report["file"]).read_text(
            encoding="utf-8")
    rows = select(store, """
        SELECT ?doc ?exact ?start ?end WHERE {
          ?ev oa:hasSource ?doc ; oa:hasSelector ?q , ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
        }""")
    assert len(rows) > 1000
    for row in rows:
        assert texts[row["doc"]][int(row["start"]):int(row["end"])] == row["exact"], row


def test_reports_metadata(store: pyoxigraph.Store) -> None:
    rows = select(store, """
        SELECT ?doc ?title ?publisher ?issued WHERE {
          ?doc a dcterms:BibliographicResource ; dcterms:title ?title ; dcterms:publisher ?publisher ;
               dcterms:issued ?issued .
        }""")
    assert len(rows) == 5
    assert {r["issued"] for r in rows} == {"2019-12", "2016-06", "2017-10-30", "2016-11-10", "2024-03"}


def test_facts_sit_in_their_reports_named_graph(store: pyoxigraph.Store) -> None:
    rows = select(store, """
        SELECT (COUNT(*) AS ?n) WHERE {
          GRAPH ?g { ?claim a ckg:CausalClaim ; prov:wasDerivedFrom/oa:hasSource ?doc }
          FILTER(?g != ?doc)
        }""")
    assert rows[0]["n"] == "0"


def test_one_node_per_body_across_reports(store: pyoxigraph.Store) -> None:
    rows = select(store, """
        SELECT ?label (COUNT(DISTINCT ?body) AS ?n) WHERE { ?body a ckg:Body ; rdfs:label ?label }
        GROUP BY ?label HAVING (COUNT(DISTINCT ?body) > 1)""")
    assert rows == []
    # Welsh Government takes part in collaborations described in more than one case file as one node
    rows = select(store, """
       SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
          ?i ckg:involvedBody <https://w3id.org/collabkg/id/body/welsh-government> ; ckg:involvedIn ?c }""")
    assert int(rows[0]["n"]) >= 4


def test_on_the_order_of_a_thousand_claims(store: pyoxigraph.Store) -> None:
    rows = select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?c a ckg:CausalClaim }")
    assert int(rows[0]["n"]) >= 1000
