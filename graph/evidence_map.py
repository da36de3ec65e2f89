"""The evidence map: factor categories against outcome categories, each cell the distinct claims that a
factor of the row's category enables or hinders an outcome of the column's category, with the numbers of
collaborations and reports behind them (an evidence and gap map, as systematic reviewers draw them).

Counted by SPARQL (graph/queries/projections/evidence-map.rq), so the linked query gives the same numbers.
Filters narrow the claims to modalities, evidence types, reports or collaborations with a member of a kind
of body; several values of one filter are alternatives, different filters all apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx

from collabkg.graph.projections import last_segment
from collabkg.graph.queries.projections import fill, projection_query
from collabkg.graph.query_runner import QueryRunner, Row
from collabkg.ontology.terms import BODY_KINDS, EVIDENCE_TYPES, MODALITIES, POLARITIES

POLARITY_NAMES: dict[str, str] = {str(iri): name for name, iri in POLARITIES.items()}


class FilterError(ValueError):
    """A filter value the evidence map does not know; the message names the values it does."""


@dataclass(frozen=True)
class Heading:
    iri: str
    label: str


@dataclass(frozen=True)
class Facets:
    """The rows and columns of the map and the values each filter can take."""

    factors: list[Heading]
    outcomes: list[Heading]
    modality: list[Heading]
    evidence_type: list[Heading]
    body_kind: list[Heading]
    report: list[Heading]


@dataclass(frozen=True)
class EvidenceFilters:
    """IRIs each filter keeps (empty: no filter)."""

    modality: tuple[str, ...] = ()
    evidence_type: tuple[str, ...] = ()
    report: tuple[str, ...] = ()
    body_kind: tuple[str, ...] = ()

    def query_values(self) -> dict[str, list[str]]:
        return {"modality": list(self.modality), "evidenceType": list(self.evidence_type),
                "report": list(self.report), "bodyKind": list(self.body_kind)}

    def is_empty(self) -> bool:
        return not (self.modality or self.evidence_type or self.report or self.body_kind)


@dataclass(frozen=True)
class Cell:
    factor: str
    outcome: str
    polarity: str  # "enables" or "hinders"
    claims: int
    collaborations: int
    reports: int

    def as_json(self) -> dict[str, str | int]:
        """The cell as CONTRACT.md section 2 gives it for ``collabkg viz --evidence-map --format json``."""
        return {"factor": self.factor, "outcome": self.outcome, "polarity": self.polarity, "claims": self.claims,
                "collaborations": self.collaborations, "reports": self.reports}


@dataclass(frozen=True)
class EvidenceMap:
    factors: list[Heading]
    outcomes: list[Heading]
    cells: list[Cell]
    query: str
    filters: EvidenceFilters = field(default_factory=EvidenceFilters)

    def single_source(self) -> list[Cell]:
        """Cells whose claims all come from one report: they rest on a single source."""
        return [cell for cell in self.cells if cell.reports == 1]

    def gaps(self) -> list[tuple[str, str]]:
        """(factor, outcome) pairs no claim links, either way: the gaps of the map."""
        filled = {(cell.factor, cell.outcome) for cell in self.cells}
        return [(f.iri, o.iri) for f in self.factors for o in self.outcomes if (f.iri, o.iri) not in filled]


def _value(row: Row, name: str, default: str = "") -> str:
    term = row.get(name)
    return term.value if term is not None else default


def evidence_facets(runner: QueryRunner) -> Facets:
    """Factor and outcome categories, and the values of each filter, sorted by label."""
    found: dict[str, list[Heading]] = {}
    for row in runner.select(projection_query("evidence-map-headings")):
        iri = _value(row, "value")
        found.setdefault(_value(row, "facet"), []).append(Heading(iri, _value(row, "label") or last_segment(iri)))
    def sorted_facet(name: str) -> list[Heading]:
        return sorted(set(found.get(name, [])), key=lambda h: (h.label.casefold(), h.iri))
    return Facets(sorted_facet("factor"), sorted_facet("outcome"), sorted_facet("modality"),
                  sorted_facet("evidenceType"), sorted_facet("bodyKind"), sorted_facet("report"))


def _pick(name: str, given: Iterable[str], known: Sequence[Heading], words: dict[str, str]) -> tuple[str, ...]:
    """IRIs of the values ``given`` for filter ``name``: each an IRI, a last segment or a case-file word."""
    by_name: dict[str, str] = {}
    for heading in known:
        by_name[heading.iri] = heading.iri
        by_name[last_segment(heading.iri).casefold()] = heading.iri
    for word, iri in words.items():
        if str(iri) in by_name:
            by_name[word] = str(iri)
    chosen = []
    for value in given:
        value = value.strip()
        if not value:
            continue
        found = by_name.get(value) or by_name.get(value.casefold())
        if found is None:
            names = ", ".join(sorted({k for k in by_name if ":" not in k}))
            raise FilterError(f"unknown {name.replace('_', ' ')} {value!r}; use one of: {names}")
        chosen.append(found)
    return tuple(dict.fromkeys(chosen))


def parse_filters(facets: Facets, modality: Iterable[str] = (), evidence_type: Iterable[str] = (),
                  report: Iterable[str] = (), body_kind: Iterable[str] = ()) -> EvidenceFilters:
    """Filters from what a user types: ``observed``, ``Observed`` or the full IRI; a report by its IRI or
    the last segment of it. Raises :class:`FilterError` for a value the graph does not have."""
    return EvidenceFilters(
        modality=_pick("modality", modality, facets.modality, {k: str(v) for k, v in MODALITIES.items()}),
        evidence_type=_pick("evidence_type", evidence_type, facets.evidence_type,
                            {k: str(v) for k, v in EVIDENCE_TYPES.items()}),
        report=_pick("report", report, facets.report, {}),
        body_kind=_pick("body_kind", body_kind, facets.body_kind, {k: str(v) for k, v in BODY_KINDS.items()}))


def evidence_map_query(filters: EvidenceFilters | None = None) -> str:
    return fill(projection_query("evidence-map"), (filters or EvidenceFilters()).query_values())


def evidence_map(runner: QueryRunner, filters: EvidenceFilters | None = None,
                 facets: Facets | None = None) -> EvidenceMap:
    """The cells of the map that hold claims, factors and outcomes in label order, under ``filters``."""
    facets = facets or evidence_facets(runner)
    filters = filters or EvidenceFilters()
    query = evidence_map_query(filters)
    cells = []
    for row in runner.select(query):
        polarity = _value(row, "polarity")
        name = POLARITY_NAMES.get(polarity, last_segment(polarity))
        cells.append(Cell(_value(row, "factor"), _value(row, "outcome"), name, int(_value(row, "claims", "0")),
                          int(_value(row, "collaborations", "0")), int(_value(row, "reports", "0"))))
    order = {h.iri: i for i, h in enumerate(facets.factors)} | {h.iri: i for i, h in enumerate(facets.outcomes)}
    cells.sort(key=lambda c: (order.get(c.factor, 1 << 20), order.get(c.outcome, 1 << 20), c.polarity))
    return EvidenceMap(facets.factors, facets.outcomes, cells, query, filters)


@dataclass(frozen=True)
class Passage:
    iri: str
    report: str
    report_title: str
    quote: str
    start: int | None
    end: int | None


@dataclass
class CellClaim:
    claim: str
    cause: str
    effect: str
    modality: str
    evidence_types: list[str]
    collaboration: str
    collaboration_label: str
    cited_source: str
    cited_source_label: str
    passages: list[Passage]


def cell_claims_query(factor: str, outcome: str, polarity: str, filters: EvidenceFilters | None = None) -> str:
    if polarity not in POLARITIES:
        raise FilterError(f"unknown polarity {polarity!r}; use enables or hinders")
    values: dict[str, str | list[str]] = {"factor": factor, "outcome": outcome,
                                          "polarity": str(POLARITIES[polarity])}
    values.update((filters or EvidenceFilters()).query_values())
    return fill(projection_query("evidence-map-claims"), values)


def cell_claims(runner: QueryRunner, factor: str, outcome: str, polarity: str,
                filters: EvidenceFilters | None = None) -> list[CellClaim]:
    """The claims of one cell, each with its quotes and where they are, in the order of the reports' text."""
    claims: dict[str, CellClaim] = {}
    for row in runner.select(cell_claims_query(factor, outcome, polarity, filters)):
        iri = _value(row, "claim")
        claim = claims.get(iri)
        if claim is None:
            claim = claims[iri] = CellClaim(
                iri, _value(row, "cause"), _value(row, "effect"), _value(row, "modalityLabel"), [],
                _value(row, "collaboration"), _value(row, "collaborationLabel"), _value(row, "citedSource"),
                _value(row, "citedSourceLabel"), [])
        evidence_type = _value(row, "evidenceTypeLabel")
        if evidence_type and evidence_type not in claim.evidence_types:
            claim.evidence_types.append(evidence_type)
        passage = _value(row, "passage")
        if passage not in {p.iri for p in claim.passages}:
            start, end = _value(row, "start"), _value(row, "end")
            claim.passages.append(Passage(passage, _value(row, "report"), _value(row, "reportTitle"),
                                          _value(row, "quote"), int(start) if start else None,
                                          int(end) if end else None))
    return sorted(claims.values(), key=lambda c: (c.passages[0].report, c.passages[0].start or 0, c.claim))


def evidence_digraph(evidence: EvidenceMap) -> nx.MultiDiGraph:
    """The map as a network for Gephi or yEd: factor and outcome categories as nodes, one edge per non-empty
    cell from factor to outcome (key: the polarity) with its counts as attributes."""
    labels = {h.iri: h.label for h in evidence.factors} | {h.iri: h.label for h in evidence.outcomes}
    graph = nx.MultiDiGraph(title="Evidence map: factors and outcomes", query=evidence.query)
    for heading in evidence.factors:
        graph.add_node(heading.iri, iri=heading.iri, label=heading.label, kind="factor")
    for heading in evidence.outcomes:
        graph.add_node(heading.iri, iri=heading.iri, label=heading.label, kind="outcome")
    for cell in evidence.cells:
        for iri in (cell.factor, cell.outcome):
            if iri not in graph:
                graph.add_node(iri, iri=iri, label=labels.get(iri, last_segment(iri)),
                               kind="factor" if iri == cell.factor else "outcome")
        graph.add_edge(cell.factor, cell.outcome, key=cell.polarity, relation=cell.polarity, polarity=cell.polarity,
                       claims=cell.claims, collaborations=cell.collaborations, reports=cell.reports,
                       weight=cell.claims)
    return graph
