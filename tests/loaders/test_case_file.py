"""The case-file loader: the RDF it makes, and a clear, located message for each kind of bad input."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from support import DATA

from collabkg.loaders.base import LoadError
from collabkg.loaders.case_file import CaseFileLoader
from collabkg.loaders.corpus import Corpus
from collabkg.ontology.iris import IriMinter
from collabkg.ontology.terms import CKG, OA, ORG, PROV, RDF, RDFS, SCHEMA

BASE = "https://example.org/id/"
MINI = DATA / "mini"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A private copy of the mini corpus and cases, for tests that break it."""
    shutil.copytree(MINI, tmp_path / "mini")
    return tmp_path / "mini"


def load(folder: Path) -> Dataset:
    corpus = Corpus(folder / "corpus")
    dataset = Dataset()
    minter = IriMinter(BASE)
    corpus.load_into(dataset, minter)
    CaseFileLoader(folder / "cases", corpus, minter).load_into(dataset)
    return dataset


def problems(folder: Path) -> list[str]:
    with pytest.raises(LoadError) as caught:
        load(folder)
    return [str(problem) for problem in caught.value.problems]


def test_loads_every_kind_of_fact_into_the_report_graph() -> None:
    dataset = load(MINI)
    graph = dataset.graph(URIRef(BASE + "report/r1"))
    collab = URIRef(BASE + "collaboration/test-partnership")
    alpha = URIRef(BASE + "body/alpha-council")
    assert (collab, ORG.hasMember, alpha) in graph
    membership = URIRef(BASE + "collaboration/test-partnership/membership/alpha-council-lead")
    assert (membership, ORG.role, CKG["role-lead"]) in graph
    unit = URIRef(BASE + "collaboration/test-partnership/unit/steering-board")
    assert (unit, ORG.reportsTo, alpha) in graph
    grant = URIRef(BASE + "collaboration/test-partnership/funding/pilot-grant")
    amount = graph.value(grant, SCHEMA.amount)
    assert graph.value(amount, SCHEMA.value) == Literal("250000", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))
    claims = set(graph.subjects(RDF.type, CKG.CausalClaim))
    assert len(claims) == 2
    catalogue = dataset.graph(URIRef(BASE + "graph/catalogue"))
    assert (alpha, RDFS.label, Literal("Alpha Council", lang="en")) in catalogue


def test_offsets_are_computed_and_the_second_occurrence_is_used() -> None:
    dataset = load(MINI)
    text = (MINI / "corpus" / "r1.txt").read_text(encoding="utf-8")
    graph = dataset.graph(URIRef(BASE + "report/r1"))
    quote = "Staff turnover slowed decisions."
    second = text.index(quote, text.index(quote) + 1)
    selectors = [s for s in graph.subjects(OA.exact, Literal(quote))]
    assert len(selectors) == 1
    evidence = graph.value(None, OA.hasSelector, selectors[0])
    positions = [s for s in graph.objects(evidence, OA.hasSelector) if (s, OA.start, None) in graph]
    assert int(graph.value(positions[0], OA.start)) == second
    assert int(graph.value(positions[0], OA.end)) == second + len(quote)


def test_iris_are_stable_across_loads() -> None:
    first = {str(q[0]) for q in load(MINI).quads((None, None, None, None))}
    second = {str(q[0]) for q in load(MINI).quads((None, None, None, None))}
    assert first == second


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASE = "cases/r1-test-partnership.yaml"


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    (CASE, "quote: \"Staff turnover slowed decisions.\"\n    occurrence: 2",
     "quote: \"Staff turnover slowed decisions.\"", "claims[1].quote: quote occurs 2 times"),
    (CASE, "essential to keeping the work on track", "crucial to keeping the work on track",
     "claims[0].quote: not found in the report; the nearest passage (line 2)"),
    (CASE, "factor: staff-continuity", "factor: staff-happiness", "claims[1].factor: unknown factor 'staff-happiness'"),
    (CASE, "outcome: delivery-pace\n    polarity: hinders", "outcome: leadership\n    polarity: hinders",
     "claims[1].outcome: unknown outcome 'leadership' (that is a factor id)"),
    (CASE, "polarity: hinders", "polarity: slows", "claims[1].polarity: 'slows' is not one of"),
    (CASE, "modality: perceived", "modality: rumoured", "claims[1].modality: 'rumoured' is not one of"),
    (CASE, "role: lead", "role: boss", "members[0].role: 'boss' is not one of"),
    (CASE, "body: beta-health-board", "body: gamma-trust", "members[1].body: unknown body 'gamma-trust'"),
    (CASE, "amount: 250000", "amount: lots", "funding[0].amount: must be a positive number"),
    (CASE, "start: 2019", "start: 'spring 2019'", "funding[0].start: 'spring 2019' is not YYYY"),
    (CASE, "in: steering-board", "in: nowhere", "posts[0].in: unknown unit or collaboration or body 'nowhere'"),
    (CASE, "  - id: steering-board", "  - id: Steering Board", "units[0].id: 'Steering Board' is not an identifier"),
    (CASE, "    about: [project-manager]", "    colour: blue", "claims[0]: unknown key 'colour'"),
    (CASE, "members:\n  - {body: alpha-council, role: lead",
     "members:\n  - {body: alpha-council, role: lead, quote: \"x\"}\n  - {body: alpha-council, role: lead",
     "members[1]: duplicate entry: the same body and role as line"),
    (CASE, "label: Test Partnership", "label: Test Partnership\n  label: Again", "YAML syntax error: duplicate key"),
    (CASE, "collaboration:\n", "collaboration: [\n", "YAML syntax error"),
    ("cases/bodies.yaml", "kind: health-body", "kind: hospital", "bodies[1].kind: 'hospital' is not one of"),
    ("cases/bodies.yaml", "  - {id: ministry",
     "  - {id: alpha-council, label: Alpha, kind: other-body}\n  - {id: ministry",
     "body 'alpha-council' is already declared"),
    ("corpus/reports.yaml", "file: r1.txt", "file: missing.txt", "report file is missing"),
])
def test_bad_input_names_file_line_and_entry(mini: Path, file: str, old: str, new: str, expected: str) -> None:
    edit(mini / file, old, new)
    found = problems(mini)
    assert any(expected in problem for problem in found), found
    culprit = str(mini / file)
    assert any(problem.startswith(culprit) for problem in found), found


def test_report_that_is_not_utf8_is_named(mini: Path) -> None:
    (mini / "corpus" / "r1.txt").write_bytes("Alpha Council caf\u00e9".encode("latin-1"))
    found = problems(mini)
    assert any("r1.txt" in p and "not UTF-8" in p for p in found), found


@pytest.mark.parametrize("damage", ["missing", "not UTF-8"])
def test_an_unreadable_report_is_one_problem_with_one_cause(mini: Path, damage: str) -> None:
    """Issue 8: a missing or undecodable report once also gave lines saying it was not listed."""
    report = mini / "corpus" / "r1.txt"
    if damage == "missing":
        report.unlink()
    else:
        report.write_bytes(b"caf\xe9")
    found = problems(mini)
    assert len(found) == 1 and damage in found[0], found


def test_a_bad_state_effect_under_hinders_is_refused_with_file_and_entry(mini: Path) -> None:
    edit(mini / CASE, "effect: decisions", "effect: delays to decisions")
    found = problems(mini)
    assert any(p.startswith(str(mini / CASE)) and "claims[1].effect" in p and "names a bad state ('delays')" in p
               for p in found), found


def test_one_finding_stated_twice_is_refused_until_its_passages_are_merged(mini: Path) -> None:
    case = mini / CASE
    text = case.read_text(encoding="utf-8")
    block = text[text.index("  - cause: staff turnover"):]
    second = block.replace("cause: staff turnover", "cause: turnover of staff").replace(
        "occurrence: 2", "occurrence: 1")
    case.write_text(text + second, encoding="utf-8")
    assert any("states the same finding as" in p and "add this passage under `also:`" in p
               for p in problems(mini))
    merged = text.replace("    occurrence: 2",
                          '    occurrence: 2\n    also: [{quote: "Staff turnover slowed decisions.", occurrence: 1}]')
    case.write_text(merged, encoding="utf-8")
    graph = load(mini).graph(URIRef(BASE + "report/r1"))
    claims = [c for c in graph.subjects(RDF.type, CKG.CausalClaim)
              if "staff turnover" in str(graph.value(c, RDFS.label))]
    assert len(claims) == 1
    assert len(set(graph.objects(claims[0], PROV.wasDerivedFrom))) == 2


SECONDMENT = """  - id: board-secondment
    kind: in-kind
    status: proposed
    funder: alpha-council
    funded: steering-board
    period: "2019-20"
    start: 2019
    end: 2020
    quote: "The Steering Board"
  - id: pilot-grant"""


def test_funding_of_every_kind_with_status_and_funded_item(mini: Path) -> None:
    edit(mini / CASE, "  - id: pilot-grant", SECONDMENT)
    graph = load(mini).graph(URIRef(BASE + "report/r1"))
    funding = URIRef(BASE + "collaboration/test-partnership/funding/board-secondment")
    assert (funding, RDF.type, CKG.Funding) in graph
    assert (funding, RDF.type, SCHEMA.MonetaryGrant) not in graph
    assert graph.value(funding, CKG.fundingKind) == CKG.InKindSupport
    assert graph.value(funding, CKG.status) == CKG.Proposed
    unit = URIRef(BASE + "collaboration/test-partnership/unit/steering-board")
    assert graph.value(funding, SCHEMA.fundedItem) == unit
    assert str(graph.value(funding, SCHEMA.endDate)) == "2020"
    grant = URIRef(BASE + "collaboration/test-partnership/funding/pilot-grant")
    assert graph.value(grant, CKG.fundingKind) == CKG.GrantFunding
    assert (grant, RDF.type, SCHEMA.MonetaryGrant) in graph


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    kind: grant\n", "", "funding[0].kind: is missing"),
    ("kind: grant", "kind: loan", "funding[0].kind: 'loan' is not one of"),
    ("    stream: pilot-fund\n", "", "funding[0].stream: is missing"),
    ("kind: grant", "kind: grant\n    status: maybe", "funding[0].status: 'maybe' is not one of"),
    ("kind: grant", "kind: grant\n    funded: nowhere", "funding[0].funded: unknown unit or post or collaboration"),
])
def test_funding_without_kind_stream_or_known_item_is_refused(mini: Path, old: str, new: str, expected: str) -> None:
    edit(mini / CASE, old, new)
    found = problems(mini)
    assert any(expected in p for p in found), found


def test_duplicate_claim_on_the_same_passage_is_refused(mini: Path) -> None:
    case = mini / CASE
    text = case.read_text(encoding="utf-8")
    block = text[text.index("  - cause: staff turnover"):]
    case.write_text(text + block, encoding="utf-8")
    assert any("duplicate claim" in p for p in problems(mini))


def test_all_problems_are_reported_at_once(mini: Path) -> None:
    edit(mini / CASE, "factor: staff-continuity", "factor: nope")
    edit(mini / CASE, "role: lead", "role: boss")
    assert len(problems(mini)) >= 2


def test_settings_point_build_at_other_folders(mini: Path, tmp_path: Path) -> None:
    from collabkg.graph.build import load_dataset
    from collabkg.settings import load_settings

    settings = replace(load_settings(), cases=mini / "cases", corpus=mini / "corpus", store=tmp_path / "s")
    dataset = load_dataset(settings)
    assert any(True for _ in dataset.quads((None, RDF.type, CKG.CausalClaim, None)))


def test_collaboration_reporting_line_is_kept() -> None:
    graph = load(MINI).graph(URIRef(BASE + "report/r1"))
    assert (URIRef(BASE + "collaboration/test-partnership"), ORG.reportsTo, URIRef(BASE + "body/ministry")) in graph


def test_a_second_report_adds_claims_about_a_collaboration_declared_elsewhere() -> None:
    dataset = load(MINI)
    graph = dataset.graph(URIRef(BASE + "report/r2"))
    collaboration = URIRef(BASE + "collaboration/test-partnership")
    claims = list(graph.subjects(CKG.context, collaboration))
    assert len(claims) == 1
    assert (collaboration, RDFS.label, None) not in graph  # declared once, in r1's graph
    assert (collaboration, RDFS.label, None) in dataset.graph(URIRef(BASE + "report/r1"))


def test_ref_to_an_unknown_collaboration_is_named(mini: Path) -> None:
    edit(mini / "cases/r2-test-partnership.yaml", "ref: test-partnership", "ref: no-such-partnership")
    assert any("collaboration.ref: unknown collaboration 'no-such-partnership'" in p for p in problems(mini))
