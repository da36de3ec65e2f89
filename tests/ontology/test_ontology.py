"""The ontology parses, defines every contract term with label and comment, and is consistent."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from collabkg.ontology.reasoning import check_consistency
from collabkg.ontology.terms import CKG, ONTOLOGY_GRAPH, concept_ids, ontology_files, ontology_graph, schemes_graph

# Every ckg: term the public contract (CONTRACT.md section 1) names.
CONTRACT_CLASSES = ["Collaboration", "LocalAuthority", "HealthBody", "GovernmentBody", "VoluntaryOrganisation",
                    "PrivateCompany", "ResearchOrganisation", "OtherBody", "FundingStream", "CausalClaim"]
CONTRACT_PROPERTIES = ["fundingStream", "cause", "effect", "polarity", "context", "category", "evidenceType",
                       "modality", "citedSource"]
CONTRACT_INDIVIDUALS = ["Enables", "Hinders", "Observed", "Perceived", "Anticipated", "Recommended"]
CONTRACT_SCHEMES = ["FactorScheme", "OutcomeScheme"]
ORG = "http://www.w3.org/ns/org#"


def test_every_file_parses_with_rdflib() -> None:
    for path in ontology_files().values():
        assert len(Graph().parse(path, format="turtle")) > 100, path


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_contract_class_is_defined_with_label_and_comment(name: str) -> None:
    graph = ontology_graph()
    term = CKG[name]
    assert (term, RDF.type, OWL.Class) in graph
    assert graph.value(term, RDFS.label).language == "en"
    assert len(str(graph.value(term, RDFS.comment))) > 20


@pytest.mark.parametrize("name", CONTRACT_PROPERTIES)
def test_contract_property_is_defined_with_label_comment_domain_range(name: str) -> None:
    graph = ontology_graph()
    term = CKG[name]
    assert (term, RDF.type, OWL.ObjectProperty) in graph
    assert graph.value(term, RDFS.label) is not None
    assert graph.value(term, RDFS.comment) is not None
    assert graph.value(term, RDFS.range) is not None
    if name != "category":  # ckg:category serves both factors and outcomes, so it has no single domain
        assert graph.value(term, RDFS.domain) is not None


@pytest.mark.parametrize("name", CONTRACT_INDIVIDUALS + CONTRACT_SCHEMES)
def test_contract_individual_is_defined_with_label(name: str) -> None:
    graph = ontology_graph() + schemes_graph()
    assert graph.value(CKG[name], RDFS.label) is not None


def test_alignment_to_w3c_terms() -> None:
    graph = ontology_graph()
    assert (CKG.Collaboration, RDFS.subClassOf, URIRef(ORG + "OrganizationalCollaboration")) in graph
    assert (CKG.CausalClaim, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in graph
    assert (CKG.Body, RDFS.subClassOf, URIRef(ORG + "Organization")) in graph
    kinds = [CKG[n] for n in CONTRACT_CLASSES[1:8]]
    for kind in kinds:
        assert URIRef(ORG + "Organization") in set(graph.transitive_objects(kind, RDFS.subClassOf))
    # the body kinds are pairwise disjoint (owl:disjointUnionOf on ckg:Body)
    assert graph.value(CKG.Body, OWL.disjointUnionOf) is not None


def test_ontology_metadata() -> None:
    graph = ontology_graph()
    assert graph.value(ONTOLOGY_GRAPH, OWL.versionIRI) is not None
    assert graph.value(ONTOLOGY_GRAPH, DCTERMS.license) is not None
    assert graph.value(ONTOLOGY_GRAPH, DCTERMS.creator) is not None


@pytest.mark.parametrize("scheme", ["FactorScheme", "OutcomeScheme", "EvidenceTypeScheme", "ModalityScheme",
                                    "RoleScheme"])
def test_every_concept_has_preflabel_definition_and_scheme(scheme: str) -> None:
    graph = schemes_graph()
    concepts = set(graph.subjects(SKOS.inScheme, CKG[scheme]))
    assert len(concepts) >= 4
    for concept in concepts:
        labels = list(graph.objects(concept, SKOS.prefLabel))
        assert len(labels) == 1 and isinstance(labels[0], Literal) and labels[0].language == "en", concept
        assert graph.value(concept, SKOS.definition) is not None, concept
        if scheme in ("FactorScheme", "OutcomeScheme"):
            assert graph.value(concept, SKOS.scopeNote) is not None, concept
            broader = graph.value(concept, SKOS.broader)
            assert broader is not None or (concept, SKOS.topConceptOf, CKG[scheme]) in graph
            if broader is not None:  # a hierarchy stays inside its scheme
                assert (broader, SKOS.inScheme, CKG[scheme]) in graph


def test_factor_scheme_covers_what_the_reports_discuss() -> None:
    factors = concept_ids("FactorScheme")
    for expected in ["leadership", "trust-relationships", "shared-purpose", "governance", "project-management",
                     "resources-funding", "commitment", "history-of-joint-working", "staff-continuity",
                     "communication", "clarity-of-roles", "political-policy-context", "organisational-culture",
                     "data-systems", "risk-management", "commissioning-procurement"]:
        assert expected in factors
    outcomes = concept_ids("OutcomeScheme")
    for expected in ["efficiency-savings", "service-quality", "outcomes-for-people", "shared-learning-capacity",
                     "delivery-pace", "sustainability", "workforce-stability", "agreements-plans"]:
        assert expected in outcomes


@pytest.mark.reasoner
def test_reasoner_finds_the_ontology_consistent() -> None:
    report = check_consistency()
    assert report.consistent, report.render()
    assert report.unsatisfiable_classes == ()


@pytest.mark.reasoner
def test_reasoner_catches_an_individual_of_two_disjoint_classes() -> None:
    data = Graph()
    body = URIRef("https://w3id.org/collabkg/id/body/confused")
    data.add((body, RDF.type, CKG.LocalAuthority))
    data.add((body, RDF.type, CKG.VoluntaryOrganisation))
    report = check_consistency(data)
    assert not report.consistent
    assert str(body) in report.explanation


@pytest.mark.reasoner
def test_reasoner_names_a_class_that_can_have_no_member() -> None:
    data = Graph()
    hybrid = URIRef("https://w3id.org/collabkg/ontology#CouncilCharity")
    data.add((hybrid, RDF.type, OWL.Class))
    data.add((hybrid, RDFS.subClassOf, CKG.LocalAuthority))
    data.add((hybrid, RDFS.subClassOf, CKG.VoluntaryOrganisation))
    report = check_consistency(data)
    assert report.consistent is False and report.unsatisfiable_classes == (str(hybrid),)
    assert "Unsatisfiable classes (hermit)" in report.render() and str(hybrid) in report.render()


@pytest.mark.reasoner
def test_reasoner_catches_a_polarity_outside_the_closed_set() -> None:
    # ckg:Polarity is owl:oneOf (Enables Hinders) and Enables/Hinders are different individuals via
    # the closed class; a third polarity declared different from both contradicts the ontology.
    data = Graph()
    odd = URIRef("https://w3id.org/collabkg/id/polarity/maybe")
    data.add((odd, RDF.type, CKG.Polarity))
    data.add((odd, OWL.differentFrom, CKG.Enables))
    data.add((odd, OWL.differentFrom, CKG.Hinders))
    assert not check_consistency(data).consistent
