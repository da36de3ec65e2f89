"""Namespaces, graph names and the ontology's Turtle files: the one place other folders get terms from."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.namespace import Namespace as _NS

CKG = Namespace("https://w3id.org/collabkg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
FOAF = _NS("http://xmlns.com/foaf/0.1/")

__all__ = [
    "CKG", "ORG", "OA", "SCHEMA", "FOAF", "DCTERMS", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD",
    "ONTOLOGY_GRAPH", "VOCABULARY_GRAPH", "PREFIXES", "ontology_files", "ontology_graph", "schemes_graph",
    "bind_prefixes", "BODY_KINDS", "FACTOR_PREFIX", "OUTCOME_PREFIX", "EVIDENCE_TYPES", "MODALITIES",
    "POLARITIES", "FUNDING_KINDS", "FUNDING_STATUSES", "MEMBERSHIP_ROLES", "INVOLVEMENT_ROLES", "UNIT_ROLES",
    "concept_ids",
]

ONTOLOGY_GRAPH = URIRef("https://w3id.org/collabkg/ontology")
VOCABULARY_GRAPH = URIRef("https://w3id.org/collabkg/vocabularies")

PREFIXES: dict[str, Namespace] = {
    "ckg": CKG, "org": ORG, "prov": Namespace(str(PROV)), "oa": OA, "dcterms": Namespace(str(DCTERMS)),
    "skos": Namespace(str(SKOS)), "schema": SCHEMA, "rdfs": Namespace(str(RDFS)), "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)), "foaf": FOAF,
}

# Case-file words -> ontology terms. Kept here so that loaders, shapes tests and docs agree.
BODY_KINDS: dict[str, URIRef] = {
    "local-authority": CKG.LocalAuthority,
    "health-body": CKG.HealthBody,
    "government-body": CKG.GovernmentBody,
    "voluntary-organisation": CKG.VoluntaryOrganisation,
    "private-company": CKG.PrivateCompany,
    "research-organisation": CKG.ResearchOrganisation,
    "other-body": CKG.OtherBody,
}
FACTOR_PREFIX = "factor-"
OUTCOME_PREFIX = "outcome-"
EVIDENCE_TYPES: dict[str, URIRef] = {
    "interview": CKG.Interview,
    "observation": CKG.Observation,
    "documentary": CKG.Documentary,
    "survey": CKG.Survey,
    "quantitative": CKG.Quantitative,
    "literature": CKG.Literature,
    "author-judgement": CKG.AuthorJudgement,
}
MODALITIES: dict[str, URIRef] = {
    "observed": CKG.Observed,
    "perceived": CKG.Perceived,
    "anticipated": CKG.Anticipated,
    "recommended": CKG.Recommended,
}
POLARITIES: dict[str, URIRef] = {"enables": CKG.Enables, "hinders": CKG.Hinders}
#: ckg:FundingKindScheme: how money or support reaches a collaboration (case-file id -> concept)
FUNDING_KINDS: dict[str, URIRef] = {
    "grant": CKG.GrantFunding,
    "member-contribution": CKG.MemberContribution,
    "in-kind": CKG.InKindSupport,
    "contract": CKG.ContractFunding,
    "pooled-budget": CKG.PooledBudget,
    "other-income": CKG.OtherIncome,
}
FUNDING_STATUSES: dict[str, URIRef] = {"actual": CKG.Actual, "proposed": CKG.Proposed}
MEMBERSHIP_ROLES = ("lead", "host", "accountable-body", "member")
INVOLVEMENT_ROLES = (
    "funder", "evaluator", "provider", "supplier", "adviser", "inspectorate", "partner", "commissioner",
    "observer",
)
UNIT_ROLES = ("chair", "member", "observer", "lead", "host", "accountable-body", "adviser")


def ontology_files() -> dict[URIRef, Path]:
    """The Turtle files of the ontology and of the concept schemes, by the named graph they load into."""
    folder = Path(str(files("collabkg.ontology")))
    return {ONTOLOGY_GRAPH: folder / "collabkg.ttl", VOCABULARY_GRAPH: folder / "schemes.ttl"}


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


@cache
def ontology_graph() -> Graph:
    """The OWL ontology (classes and properties), parsed once."""
    return bind_prefixes(Graph()).parse(ontology_files()[ONTOLOGY_GRAPH], format="turtle")


@cache
def schemes_graph() -> Graph:
    """The SKOS concept schemes (factors, outcomes, evidence types, modalities, roles), parsed once."""
    return bind_prefixes(Graph()).parse(ontology_files()[VOCABULARY_GRAPH], format="turtle")


@cache
def concept_ids(scheme: str) -> frozenset[str]:
    """Case-file ids of the concepts of a scheme: ``concept_ids("FactorScheme")`` -> {"leadership", ...}.

    >>> "project-management" in concept_ids("FactorScheme")
    True
    >>> "delivery-pace" in concept_ids("OutcomeScheme")
    True
    """
    prefix = {"FactorScheme": FACTOR_PREFIX, "OutcomeScheme": OUTCOME_PREFIX, "RoleScheme": "role-",
              "PostTypeScheme": "post-"}[scheme]
    graph = schemes_graph()
    return frozenset(
        str(concept).removeprefix(str(CKG)).removeprefix(prefix)
        for concept in graph.subjects(SKOS.inScheme, CKG[scheme])
    )
