"""What an entity page shows, assembled from the store through a :class:`QueryRunner`: the resource's kind,
label and plain-language summary, its links both ways with labels, the kind's own sections (members,
units, funding, claims grouped by factor, roles across reports, ...) and the evidence for each fact.

No Flask here: api/resources.py renders an :class:`Entity` with one template per kind.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from collabkg.graph.queries import resource_query
from collabkg.graph.query_runner import QueryRunner, Row, Term

ORG = "http://www.w3.org/ns/org#"
CKG = "https://w3id.org/collabkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"

#: (type IRI, kind) in order of precedence: a collaboration is also an org:Organization
KINDS = (
    (ORG + "OrganizationalCollaboration", "collaboration"),
    (CKG + "CausalClaim", "claim"),
    (CKG + "Funding", "funding"),
    (ORG + "OrganizationalUnit", "unit"),
    (ORG + "Post", "post"),
    (ORG + "Organization", "body"),
    (SKOS + "Concept", "concept"),
    (DCTERMS + "BibliographicResource", "publication"),
)
KIND_NAMES = {"collaboration": "Collaboration", "claim": "Causal claim", "funding": "Funding",
              "unit": "Governance unit", "post": "Post", "body": "Body", "concept": "Concept",
              "report": "Report", "publication": "Publication", "resource": "Resource"}


@dataclass
class Passage:
    quote: str
    start: int
    end: int
    report: str
    report_title: str = ""


@dataclass
class Entity:
    iri: str
    kind: str
    label: str
    types: list[tuple[str, str]]  # (type IRI, label)
    summary: str = ""
    definition: str = ""
    scope_note: str = ""
    alt_labels: list[str] = field(default_factory=list)
    outgoing: list[Row] = field(default_factory=list)
    incoming: list[Row] = field(default_factory=list)
    evidence: list[Passage] = field(default_factory=list)
    sections: dict[str, list[Row]] = field(default_factory=dict)
    claims_by_group: dict[str, list[dict[str, object]]] = field(default_factory=dict)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, "Resource")


def _value(row: Row, name: str, default: str = "") -> str:
    term = row.get(name)
    return term.value if term is not None else default


def passages(rows: list[Row]) -> list[Passage]:
    return [Passage(_value(r, "quote"), int(_value(r, "start", "0")), int(_value(r, "end", "0")),
                    _value(r, "report"), _value(r, "reportTitle")) for r in rows]


def entity(runner: QueryRunner, iri: str, report_prefix: str) -> Entity | None:
    """The page of ``iri``, or None when the dataset says nothing about it. ``report_prefix`` is the IRI
    prefix of the source reports (``<base>report/``): such a resource is shown as a report."""
    about = runner.select(resource_query("types", iri))
    links = runner.select(resource_query("links", iri))
    if not about and not links:
        return None
    types = sorted({(_value(r, "type"), _value(r, "typeLabel")) for r in about if "type" in r})
    type_iris = {t for t, _ in types}
    kind = next((name for type_iri, name in KINDS if type_iri in type_iris), "resource")
    if kind == "publication" and iri.startswith(report_prefix) and "/" not in iri[len(report_prefix):]:
        kind = "report"
    labels = [_value(r, "label") for r in about if "label" in r]
    label = labels[0] if labels else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    page = Entity(iri, kind, label, types,
                  definition=next((_value(r, "definition") for r in about if "definition" in r), ""),
                  scope_note=next((_value(r, "scopeNote") for r in about if "scopeNote" in r), ""),
                  alt_labels=sorted({_value(r, "altLabel") for r in about if "altLabel" in r}),
                  outgoing=[r for r in links if _value(r, "direction") == "out"],
                  incoming=[r for r in links if _value(r, "direction") == "in"])
    page.evidence = passages(runner.select(resource_query("evidence", iri)))
    sections = _SECTIONS.get(kind, ())
    for name in sections:
        page.sections[name] = runner.select(resource_query(name, iri))
    claims_query = {"collaboration": "claims-in", "body": "claims-about", "unit": "claims-about",
                    "post": "claims-about", "concept": "claims-under"}.get(kind)
    if claims_query is not None:
        page.claims_by_group = group_claims(runner.select(resource_query(claims_query, iri)),
                                            "outcomeLabel" if iri.split("#")[-1].startswith("factor-") else
                                            "factorLabel")
    page.summary = summary(page)
    return page


_SECTIONS = {
    "collaboration": ("members", "units", "posts", "funding"),
    "body": ("roles", "funding"),
    "unit": ("funding",),
    "post": ("funding",),
    "report": ("report-collaborations",),
}


def group_claims(rows: list[Row], group_by: str) -> dict[str, list[dict[str, object]]]:
    """Claims (one entry per claim, with all its passages) grouped by the label of ``group_by``."""
    claims: dict[str, dict[str, object]] = {}
    for row in rows:
        claim = _value(row, "claim")
        entry = claims.setdefault(claim, {"claim": claim, "cause": _value(row, "cause"),
                                          "effect": _value(row, "effect"), "polarity": _value(row, "polarity"),
                                          "group": _value(row, group_by), "modality": _value(row, "modalityLabel"),
                                          "factor": _value(row, "factorLabel"),
                                          "outcome": _value(row, "outcomeLabel"), "passages": []})
        passage = Passage(_value(row, "quote"), int(_value(row, "start", "0")), int(_value(row, "end", "0")),
                          _value(row, "report"))
        if passage not in entry["passages"]:  # type: ignore[operator]
            entry["passages"].append(passage)  # type: ignore[attr-defined]
    grouped: dict[str, list[dict[str, object]]] = defaultdict(list)
    for entry in claims.values():
        grouped[str(entry["group"])].append(entry)
    return dict(sorted(grouped.items()))


def _count(rows: list[Row], name: str) -> int:
    return len({_value(r, name) for r in rows if name in r})


def summary(page: Entity) -> str:
    """One or two plain sentences saying what the resource is."""
    sections = page.sections
    claims = sum(len(group) for group in page.claims_by_group.values())
    if page.kind == "collaboration":
        members = [r for r in sections.get("members", []) if _value(r, "relation") == "member"]
        return (f"{page.label} is a collaboration of {_count(members, 'body')} member bodies, with "
                f"{_count(sections.get('units', []), 'unit')} governance units, "
                f"{_count(sections.get('funding', []), 'funding')} funding relationships and {claims} claims "
                "about what helped or hindered it.")
    if page.kind == "body":
        kinds = [label for _, label in page.types if label and label not in ("Organization", "Organisation")]
        kind = kinds[0].lower() if kinds else "body"
        return (f"{page.label} is a {kind} that takes part in "
                f"{_count(sections.get('roles', []), 'collaboration')} collaborations in the reports"
                + (f"; {claims} claims concern it." if claims else "."))
    if page.kind == "claim":
        cause = _first_label(page.outgoing, CKG + "cause")
        effect = _first_label(page.outgoing, CKG + "effect")
        polarity = "helps" if any(r.get("other", Term("", "")).value == CKG + "Enables" for r in page.outgoing) \
            else "hinders"
        places = len(page.evidence)
        return (f"The report says that {cause} {polarity} {effect}"
                + (f" (stated in {places} places)." if places > 1 else "."))
    if page.kind == "concept":
        return (f"{page.label} is a concept of the collaboration vocabularies; {claims} claims are filed under "
                "it." if claims else f"{page.label} is a concept of the collaboration vocabularies.")
    if page.kind == "report":
        return (f"{page.label}: a source report of this dataset, describing "
                f"{_count(sections.get('report-collaborations', []), 'collaboration')} collaborations.")
    if page.kind == "funding":
        return f"{page.label}, as the report states it."
    if page.kind in ("unit", "post"):
        within = _first_label(page.outgoing, ORG + ("unitOf" if page.kind == "unit" else "postIn"))
        return f"{page.label} is a {page.kind_name.lower()} of {within}." if within else page.label
    return ""


def _first_label(rows: list[Row], property_iri: str) -> str:
    for row in rows:
        if _value(row, "property") == property_iri:
            return _value(row, "otherLabel") or _value(row, "other")
    return ""
