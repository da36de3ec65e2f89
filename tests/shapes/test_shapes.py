"""Each contract pattern: the conforming sample passes, and each hand-made violation is rejected with the
specific focus node and path (not merely "does not conform")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from collabkg.graph.dataset_io import with_vocabularies
from collabkg.ontology.terms import CKG, DCTERMS, OA, ORG, PROV, SCHEMA, ontology_files
from collabkg.shapes.validation import shapes_file, validate

DATA = Path(__file__).resolve().parent.parent / "data"
ID = "https://w3id.org/collabkg/id/"


def sample() -> Graph:
    return with_vocabularies(Graph().parse(DATA / "conforming.ttl", format="turtle"))


def i(name: str) -> URIRef:
    return URIRef(ID + name)


def remove(s: str, p: URIRef, o: object = None) -> Callable[[Graph], None]:
    return lambda g: g.remove((i(s), p, o))  # type: ignore[arg-type]


def add(s: str, p: URIRef, o: object) -> Callable[[Graph], None]:
    return lambda g: g.add((i(s), p, o))  # type: ignore[arg-type]


def replace(s: str, p: URIRef, o: object) -> Callable[[Graph], None]:
    return lambda g: g.set((i(s), p, o))  # type: ignore[arg-type]


# (name, mutation, focus node, path) — path None for whole-node constraints
VIOLATIONS = [
    ("claim without evidence", remove("claim", PROV.wasDerivedFrom), "claim", "prov:wasDerivedFrom"),
    ("polarity outside the set", replace("claim", CKG.polarity, CKG.Perhaps), "claim", "ckg:polarity"),
    ("two polarities", add("claim", CKG.polarity, CKG.Hinders), "claim", "ckg:polarity"),
    ("modality outside the set", replace("claim", CKG.modality, CKG.Enables), "claim", "ckg:modality"),
    ("evidence type outside the set", replace("claim", CKG.evidenceType, CKG.Rumour), "claim", "ckg:evidenceType"),
    ("claim without cause", remove("claim", CKG.cause), "claim", "ckg:cause"),
    ("claim without effect", remove("claim", CKG.effect), "claim", "ckg:effect"),
    ("cause category from the outcome scheme", replace("cause", CKG.category, CKG["outcome-delivery-pace"]),
     "cause", "ckg:category"),
    ("effect category from the factor scheme", replace("effect", CKG.category, CKG["factor-leadership"]),
     "effect", "ckg:category"),
    ("cause without category", remove("cause", CKG.category), "cause", "ckg:category"),
    ("cited source not a publication", replace("claim", CKG.citedSource, i("body-dfe")), "claim",
     "ckg:citedSource"),
    ("grant without funder", remove("grant", SCHEMA.funder), "grant", "schema:funder"),
    ("grant without funding stream", remove("grant", CKG.fundingStream), "grant", "ckg:fundingStream"),
    ("grant without funded item", remove("grant", SCHEMA.fundedItem), "grant", "schema:fundedItem"),
    ("funding without funder", remove("secondment", SCHEMA.funder), "secondment", "schema:funder"),
    ("funding without kind", remove("secondment", CKG.fundingKind), "secondment", "ckg:fundingKind"),
    ("funding kind outside the scheme", replace("secondment", CKG.fundingKind, CKG.Enables), "secondment",
     "ckg:fundingKind"),
    ("funding without funded item", remove("secondment", SCHEMA.fundedItem), "secondment", "schema:fundedItem"),
    ("funding of a body", replace("secondment", SCHEMA.fundedItem, i("body-dfe")), "secondment",
     "schema:fundedItem"),
    ("funding without status", remove("secondment", CKG.status), "secondment", "ckg:status"),
    ("status outside the set", replace("secondment", CKG.status, CKG.Observed), "secondment", "ckg:status"),
    ("end date not a date", replace("secondment", SCHEMA.endDate, Literal("year 3")), "secondment",
     "schema:endDate"),
    ("grant of another kind", replace("grant", CKG.fundingKind, CKG.PooledBudget), "grant", "ckg:fundingKind"),
    ("amount in another currency", replace("amount", SCHEMA.currency, Literal("EUR")), "grant", "schema:amount"),
    ("negative amount", replace("amount", SCHEMA.value, Literal("-5", datatype=XSD.decimal)), "grant",
     "schema:amount"),
    ("membership without member", remove("membership", ORG.member), "membership", "org:member"),
    ("membership without role", remove("membership", ORG.role), "membership", "org:role"),
    ("membership without organisation", remove("membership", ORG.organization), "membership",
     "org:organization"),
    ("membership without evidence", remove("membership", PROV.wasDerivedFrom), "membership",
     "prov:wasDerivedFrom"),
    ("unit not a unit of a collaboration", remove("board", ORG.unitOf), "board", "org:unitOf"),
    ("unit without evidence", remove("board", PROV.wasDerivedFrom), "board", "prov:wasDerivedFrom"),
    ("post in nothing", remove("post", ORG.postIn), "post", "org:postIn"),
    ("post without evidence", remove("post", PROV.wasDerivedFrom), "post", "prov:wasDerivedFrom"),
    ("quote selector without oa:exact", remove("ev-quote", OA.exact), "ev-quote", "oa:exact"),
    ("position without start", remove("ev-position", OA.start), "ev-position", "oa:start"),
    ("negative start", replace("ev-position", OA.start, Literal(-3, datatype=XSD.integer)), "ev-position",
     "oa:start"),
    ("start not an integer", replace("ev-position", OA.start, Literal("ten")), "ev-position", "oa:start"),
    ("start after end", replace("ev-position", OA.start, Literal(50, datatype=XSD.nonNegativeInteger)),
     "ev-position", "oa:start"),
    ("evidence without source", remove("ev", OA.hasSource), "ev", "oa:hasSource"),
    ("evidence without quote selector", remove("ev", OA.hasSelector, i("ev-quote")), "ev", "oa:hasSelector"),
    ("missing label", remove("collab", RDFS.label), "collab", "rdfs:label"),
    ("two labels", add("body-newcastle", RDFS.label, Literal("Newcastle", lang="en")), "body-newcastle",
     "rdfs:label"),
    ("label not in English", replace("post", RDFS.label, Literal("Chef de projet", lang="fr")), "post",
     "rdfs:label"),
    ("label without language", replace("grant", RDFS.label, Literal("grant")), "grant", "rdfs:label"),
    ("body without a kind", remove("body-newcastle", RDF.type, CKG.LocalAuthority), "body-newcastle", None),
    ("body of two kinds", add("body-newcastle", RDF.type, CKG.VoluntaryOrganisation), "body-newcastle", None),
    ("report without publisher", remove("report-r", DCTERMS.publisher), "report-r", "dcterms:publisher"),
    ("report without date", remove("report-r", DCTERMS.issued), "report-r", "dcterms:issued"),
    ("report without title", remove("report-r", DCTERMS.title), "report-r", "dcterms:title"),
    ("involvement without body", remove("involvement", CKG.involvedBody), "involvement", "ckg:involvedBody"),
    ("quote length differs from offsets", replace("ev-quote", OA.exact, Literal("too short")), "ev", None),
    ("membership not mirrored by org:hasMember", remove("collab", ORG.hasMember), "membership", None),
]


def test_conforming_sample_conforms() -> None:
    report = validate(sample())
    assert report.conforms, report.render()


@pytest.mark.parametrize(("name", "mutate", "focus", "path"), VIOLATIONS, ids=[v[0] for v in VIOLATIONS])
def test_violation_is_reported_at_its_focus_and_path(name: str, mutate: Callable[[Graph], None], focus: str,
                                                      path: str | None) -> None:
    graph = sample()
    mutate(graph)
    report = validate(graph)
    assert not report.conforms, name
    found = {(result.focus, result.path) for result in report.results}
    assert (ID + focus, path) in found, f"{name}: expected ({focus}, {path}) in {sorted(found)}"
    assert all(result.message for result in report.results)


def test_every_shape_has_a_message_naming_an_ontology_or_contract_term() -> None:
    shapes = Graph().parse(shapes_file())
    sh = "http://www.w3.org/ns/shacl#"
    for constraint, message in shapes.subject_objects(URIRef(sh + "message")):
        assert "ckg:" in message or "Contract" in message or "oa:" in message or "schema:" in message \
            or "skos" in message or "scheme" in message, (constraint, message)
    for shape in shapes.subjects(RDF.type, URIRef(sh + "NodeShape")):
        has_message = (shape, URIRef(sh + "message"), None) in shapes or any(
            (prop, URIRef(sh + "message"), None) in shapes for prop in shapes.objects(shape, URIRef(sh + "property")))
        assert has_message, shape


def test_shapes_conform_to_shacl_for_shacl() -> None:
    # meta-validation: the shapes graph itself is checked against the SHACL-SHACL shapes (SHACL appendix C)
    conforms, _, text = pyshacl_validate(Graph(), shacl_graph=Graph().parse(shapes_file()), meta_shacl=True)
    assert conforms, text


def test_shapes_and_ontology_files_parse() -> None:
    assert len(Graph().parse(shapes_file())) > 100
    for path in ontology_files().values():
        assert len(Graph().parse(path)) > 100


def test_curation_rules_pass_on_the_sample() -> None:
    assert validate(sample(), curation=True).conforms


def test_curation_refuses_a_collaboration_without_members() -> None:
    graph = sample()
    graph.remove((i("collab"), ORG.hasMember, None))
    graph.remove((i("membership"), None, None))
    report = validate(graph, curation=True)
    assert (ID + "collab", "org:hasMember") in {(r.focus, r.path) for r in report.results}
    assert validate(graph).conforms  # the public contract itself allows it


def test_curation_refuses_a_duplicate_claim_on_the_same_passage() -> None:
    graph = sample()
    twin, cause, effect = i("claim-twin"), i("cause-twin"), i("effect-twin")
    for _, p, o in list(graph.triples((i("claim"), None, None))):
        graph.add((twin, p, o))
    graph.set((twin, CKG.cause, cause))
    graph.set((twin, CKG.effect, effect))
    for _, p, o in list(graph.triples((i("cause"), None, None))):
        graph.add((cause, p, o))
    graph.set((cause, RDFS.label, Literal("A Dedicated Project Manager", lang="en")))  # same words, other case
    for _, p, o in list(graph.triples((i("effect"), None, None))):
        graph.add((effect, p, o))
    report = validate(graph, curation=True)
    assert {(ID + "claim", ID + "claim-twin"), (ID + "claim-twin", ID + "claim")} <= {
        (r.focus, r.value) for r in report.results}
