"""Curated case files (YAML, see cases/README.md) and the report texts they quote -> RDF.

Each case file's facts go into the named graph of its report. Bodies, funding streams and report
metadata are catalogue facts, shared by all reports, and go into the catalogue graph.

Checking and emitting are one pass: each entry is checked as it is turned into triples, every problem is
collected with its file, line and entry, and :class:`~collabkg.loaders.base.LoadError` carries them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef

from collabkg.loaders.base import Loader, LoadError, Problem
from collabkg.loaders.case_declarations import declare
from collabkg.loaders.case_entry import CaseEntry
from collabkg.loaders.claim_rules import ClaimRecord, bad_state, duplicate_findings
from collabkg.loaders.corpus import Corpus
from collabkg.loaders.evidence import QuoteError, ReportText, Span, add_evidence
from collabkg.loaders.yaml_source import LineDict, read_yaml
from collabkg.ontology.iris import IriMinter, is_slug
from collabkg.ontology.terms import (
    BODY_KINDS,
    CKG,
    DCTERMS,
    EVIDENCE_TYPES,
    FACTOR_PREFIX,
    FUNDING_KINDS,
    FUNDING_STATUSES,
    INVOLVEMENT_ROLES,
    MEMBERSHIP_ROLES,
    MODALITIES,
    ORG,
    OUTCOME_PREFIX,
    POLARITIES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    UNIT_ROLES,
    XSD,
    concept_ids,
)

TOP_LEVEL_KEYS = frozenset({
    "report", "collaboration", "bodies", "funding_streams", "members", "involved", "units", "posts",
    "funding", "workstreams", "outputs", "references", "claims", "notes",
})
FUNDING_KIND_LABELS = {"grant": "grant", "member-contribution": "member contribution", "in-kind": "in-kind support",
                       "contract": "contract", "pooled-budget": "pooled budget", "other-income": "income"}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class _FileChecker:
    """Checks one case file and emits its triples."""

    def __init__(self, path: Path, data: Any, loader: CaseFileLoader) -> None:
        self.path = path
        self.loader = loader
        self.problems: list[Problem] = []
        self.root = CaseEntry(self.problem, data, "", 1)
        self.minter = loader.minter

    def problem(self, line: int | None, entry: str, message: str) -> None:
        self.problems.append(Problem(str(self.path), line, entry, message))

    # -- references between files ---------------------------------------------------------------

    def body(self, entry: CaseEntry, key: str) -> URIRef | None:
        body_id = entry.slug(key)
        if body_id is None:
            return None
        if body_id not in self.loader.declarations.bodies:
            entry.problem(f"unknown body {body_id!r}: declare it under `bodies:` (see cases/README.md)", key)
            return None
        return self.minter.body(body_id)

    def quote(self, entry: CaseEntry, graph: Graph, document: URIRef, report: ReportText) -> URIRef | None:
        """Place the entry's quote in the report and add its evidence; None (and a problem) if it fails."""
        quote = entry.data.get("quote")
        if not isinstance(quote, str) or not quote:
            entry.problem("is missing (every fact needs the exact passage that supports it)", "quote")
            return None
        occurrence = entry.data.get("occurrence")
        if occurrence is not None and (isinstance(occurrence, bool) or not isinstance(occurrence, int)):
            entry.problem("must be a whole number", "occurrence")
            return None
        try:
            span: Span = report.locate(quote, occurrence)
        except QuoteError as error:
            entry.problem(f"{error} (report {report.report_id})", "quote")
            return None
        return add_evidence(graph, self.minter, document, report, span)

    # -- the file ----------------------------------------------------------------------------------

    def check_and_emit(self, dataset: Dataset) -> None:
        root = self.root
        root.unknown_keys(TOP_LEVEL_KEYS)
        report_id = root.text("report", required=False)
        facts = TOP_LEVEL_KEYS - {"report", "bodies", "funding_streams", "notes"}
        if report_id is None:
            if any(key in root.data for key in facts):
                root.problem("is missing: a file with facts must name the report they come from", "report")
            return
        report = self.loader.corpus.text(report_id)
        if report is None:
            root.problem(f"unknown report {report_id!r} (not listed in corpus/reports.yaml)", "report")
            return
        document = self.minter.report(report_id)
        graph = dataset.graph(document)
        block = root.data.get("collaboration")
        declared_id = (block.get("id") or block.get("ref")) if isinstance(block, dict) else None
        local_ids = self._local_ids(declared_id if isinstance(declared_id, str) and is_slug(declared_id) else None)
        collaboration = self._collaboration(graph, document, report, local_ids)
        if collaboration is None:
            for key in ("members", "involved", "units", "posts", "funding", "workstreams", "outputs"):
                if root.data.get(key):
                    root.problem("needs a `collaboration:` block in the same file", key)
        else:
            self._members(graph, document, report, collaboration)
            self._units(graph, document, report, collaboration, local_ids)
            self._posts(graph, document, report, collaboration, local_ids)
            self._funding(graph, document, report, collaboration, local_ids)
            self._products(graph, document, report, collaboration)
        self._references(graph, document, report, report_id)
        self._claims(graph, document, report, report_id, collaboration, local_ids)
        # Notes are for curators and reviewers: they stay in the case file, not in the graph.
        notes = root.data.get("notes")
        if notes is not None and not (isinstance(notes, list) and all(isinstance(n, str) for n in notes)):
            root.problem("must be a list of text", "notes")

    def _collaboration(self, graph: Graph, document: URIRef, report: ReportText,
                       local_ids: dict[str, dict[str, URIRef]]) -> tuple[str, URIRef] | None:
        """Declare the file's collaboration (``id`` and ``label``), or refer to one another file declares
        (``ref``) to add what this report says about it."""
        if "collaboration" not in self.root.data:
            return None
        entry = CaseEntry(self.problem, self.root.data["collaboration"], "collaboration", self.root.line)
        links = {"quote", "occurrence", "reports_to", "part_of", "grew_out_of", "description"}
        if "ref" in entry.data:
            entry.unknown_keys({"ref"} | links)
            cid = entry.slug("ref")
            if cid is None:
                return None
            declared = self.loader.declarations.collaborations.get(cid)
            if declared is None:
                entry.problem(f"unknown collaboration {cid!r}", "ref")
                return None
            if declared[1] == str(self.path):
                entry.problem("a file refers with `ref` to a collaboration declared elsewhere; use `id` here", "ref")
                return None
            collaboration = self.minter.collaboration(cid)
        else:
            entry.unknown_keys({"id", "label"} | links)
            cid = entry.slug("id")
            label = entry.text("label")
            if cid is None or label is None:
                return None
            collaboration = self.minter.collaboration(cid)
            graph.add((collaboration, RDF.type, CKG.Collaboration))
            graph.add((collaboration, RDF.type, ORG.OrganizationalCollaboration))
            graph.add((collaboration, RDFS.label, Literal(label, lang="en")))
            evidence = self.quote(entry, graph, document, report)
            if evidence is not None:
                graph.add((collaboration, PROV.wasDerivedFrom, evidence))
        if "ref" in entry.data and "quote" in entry.data:
            evidence = self.quote(entry, graph, document, report)
            if evidence is not None:
                graph.add((collaboration, PROV.wasDerivedFrom, evidence))
        description = entry.text("description", required=False)
        if description:
            graph.add((collaboration, DCTERMS.description, Literal(description, lang="en")))
        for link in entry.items("part_of"):
            self._collaboration_link(graph, document, report, collaboration, link, CKG.partOf)
        for link in entry.items("grew_out_of"):
            self._collaboration_link(graph, document, report, collaboration, link, CKG.grewOutOf)
        self._reporting_lines(entry, graph, document, report, collaboration, local_ids,
                              ("unit", "collaboration", "body"))
        return cid, collaboration

    def _reporting_lines(self, entry: CaseEntry, graph: Graph, document: URIRef, report: ReportText,
                         subject: URIRef, local_ids: dict[str, dict[str, URIRef]], kinds: tuple[str, ...]) -> None:
        """``reports_to:`` of a collaboration, unit or post: org:reportsTo, with the passage as evidence."""
        for line in entry.items("reports_to"):
            line.unknown_keys({"to", "quote", "occurrence"})
            target = self._target(line, "to", local_ids, kinds)
            line_evidence = self.quote(line, graph, document, report)
            if target is None:
                continue
            if target == subject:
                line.problem("cannot report to itself", "to")
                continue
            graph.add((subject, ORG.reportsTo, target))
            if line_evidence is not None:
                graph.add((subject, PROV.wasDerivedFrom, line_evidence))

    def _collaboration_link(self, graph: Graph, document: URIRef, report: ReportText, collaboration: URIRef,
                            link: CaseEntry, predicate: URIRef) -> None:
        link.unknown_keys({"collaboration", "quote", "occurrence"})
        other = link.slug("collaboration")
        if other is None:
            return
        if other not in self.loader.declarations.collaborations:
            link.problem(f"unknown collaboration {other!r}", "collaboration")
            return
        evidence = self.quote(link, graph, document, report)
        graph.add((collaboration, predicate, self.minter.collaboration(other)))
        if evidence is not None:
            graph.add((collaboration, PROV.wasDerivedFrom, evidence))

    def _local_ids(self, cid: str | None) -> dict[str, dict[str, URIRef]]:
        """Ids this file declares for units, posts, workstreams, outputs and grants, which entries may
        refer to before the declaration."""
        local: dict[str, dict[str, URIRef]] = {kind: {} for kind, _, _ in self._local_kinds()}
        if cid is None:
            return local
        for kind, key, mint in self._local_kinds():
            seen: dict[str, int | None] = {}
            for entry in self.root.items(key):
                local_id = entry.slug("id")
                if local_id is None:
                    continue
                if local_id in seen:
                    entry.problem(f"duplicate {kind} id {local_id!r} (first at line {seen[local_id]})", "id")
                    continue
                seen[local_id] = entry.line
                local[kind][local_id] = mint(cid, local_id)
        clash = set(local["unit"]) & set(local["post"])
        for local_id in sorted(clash):
            self.root.problem(f"{local_id!r} is both a unit id and a post id; give them different ids")
        return local

    def _local_kinds(self) -> tuple[tuple[str, str, Any], ...]:
        """Kinds of entry a file declares with ids of its own, the key they sit under and their IRI."""
        return (("unit", "units", self.minter.unit), ("post", "posts", self.minter.post),
                ("workstream", "workstreams", self.minter.workstream),
                ("output", "outputs", self.minter.output), ("funding", "funding", self.minter.funding))

    def _target(self, entry: CaseEntry, key: str, local_ids: dict[str, dict[str, URIRef]],
                kinds: tuple[str, ...]) -> URIRef | None:
        """Resolve an id that may name a unit or post of this file, a collaboration or a body."""
        target = entry.slug(key)
        if target is None:
            return None
        candidates: list[URIRef] = []
        for kind in kinds:
            if kind in local_ids and target in local_ids[kind]:
                candidates.append(local_ids[kind][target])
            elif kind == "collaboration" and target in self.loader.declarations.collaborations:
                candidates.append(self.minter.collaboration(target))
            elif kind == "body" and target in self.loader.declarations.bodies:
                candidates.append(self.minter.body(target))
        if not candidates:
            entry.problem(f"unknown {' or '.join(kinds)} {target!r}", key)
            return None
        if len(candidates) > 1:
            entry.problem(f"{target!r} is ambiguous: it names more than one of {', '.join(kinds)}", key)
            return None
        return candidates[0]

    def _body_roles(self, key: str, roles: tuple[str, ...], mint: Any, graph: Graph, document: URIRef,
                    report: ReportText, cid: str) -> Iterator[tuple[URIRef, URIRef, str, URIRef | None]]:
        """Entries of ``members:`` or ``involved:``: (node, body, role, evidence), each (body, role) once."""
        seen: dict[URIRef, int | None] = {}
        for entry in self.root.items(key):
            entry.unknown_keys({"body", "role", "quote", "occurrence"})
            body = self.body(entry, "body")
            role = entry.choice("role", roles)
            evidence = self.quote(entry, graph, document, report)
            if body is None or role is None:
                continue
            node = mint(cid, str(body).rsplit("/", 1)[-1], role)
            if node in seen:
                entry.problem(f"duplicate entry: the same body and role as line {seen[node]}; keep one passage")
                continue
            seen[node] = entry.line
            yield node, body, role, evidence

    def _members(self, graph: Graph, document: URIRef, report: ReportText,
                 collaboration: tuple[str, URIRef]) -> None:
        cid, collab = collaboration
        name = self._label(graph, collab)
        for membership, body, role, evidence in self._body_roles(
                "members", MEMBERSHIP_ROLES, self.minter.membership, graph, document, report, cid):
            graph.add((collab, ORG.hasMember, body))
            graph.add((membership, RDF.type, ORG.Membership))
            graph.add((membership, ORG.organization, collab))
            graph.add((membership, ORG.member, body))
            graph.add((membership, ORG.role, CKG[f"role-{role}"]))
            graph.add((membership, RDFS.label, Literal(
                f"{self.loader.body_label(body)}: {role.replace('-', ' ')} of {name}", lang="en")))
            if evidence is not None:
                graph.add((membership, PROV.wasDerivedFrom, evidence))
        for involvement, body, role, evidence in self._body_roles(
                "involved", INVOLVEMENT_ROLES, self.minter.involvement, graph, document, report, cid):
            graph.add((involvement, RDF.type, CKG.Involvement))
            graph.add((involvement, CKG.involvedIn, collab))
            graph.add((involvement, CKG.involvedBody, body))
            graph.add((involvement, CKG.involvementRole, CKG[f"role-{role}"]))
            graph.add((involvement, RDFS.label, Literal(
                f"{self.loader.body_label(body)}: {role} of {name}", lang="en")))
            if evidence is not None:
                graph.add((involvement, PROV.wasDerivedFrom, evidence))

    @staticmethod
    def _label(graph: Graph, node: URIRef) -> str:
        return str(graph.value(node, RDFS.label) or node)

    def _units(self, graph: Graph, document: URIRef, report: ReportText, collaboration: tuple[str, URIRef],
               local_ids: dict[str, dict[str, URIRef]]) -> None:
        cid, collab = collaboration
        for entry in self.root.items("units"):
            entry.unknown_keys({"id", "label", "quote", "occurrence", "reports_to", "members", "description"})
            unit_id = entry.slug("id")
            label = entry.text("label")
            evidence = self.quote(entry, graph, document, report)
            if unit_id is None or label is None:
                continue
            unit = self.minter.unit(cid, unit_id)
            graph.add((unit, RDF.type, CKG.GovernanceUnit))
            graph.add((unit, RDF.type, ORG.OrganizationalUnit))
            graph.add((unit, RDFS.label, Literal(label, lang="en")))
            graph.add((unit, ORG.unitOf, collab))
            graph.add((collab, ORG.hasUnit, unit))
            description = entry.text("description", required=False)
            if description:
                graph.add((unit, DCTERMS.description, Literal(description, lang="en")))
            if evidence is not None:
                graph.add((unit, PROV.wasDerivedFrom, evidence))
            self._reporting_lines(entry, graph, document, report, unit, local_ids, ("unit", "collaboration", "body"))
            seen: dict[URIRef, int | None] = {}
            for seat in entry.items("members"):
                seat.unknown_keys({"body", "role", "post", "quote", "occurrence"})
                body = self.body(seat, "body")
                role = seat.choice("role", UNIT_ROLES)
                post_id = seat.slug("post", required=False)
                post = None
                if post_id is not None:
                    post = local_ids["post"].get(post_id)
                    if post is None:
                        seat.problem(f"unknown post {post_id!r} (declare it under `posts:`)", "post")
                seat_evidence = self.quote(seat, graph, document, report)
                if body is None or role is None:
                    continue
                membership = self.minter.unit_membership(cid, unit_id, str(body).rsplit("/", 1)[-1], role,
                                                         post_id)
                if membership in seen:
                    seat.problem(f"duplicate seat (same body, role and post as line {seen[membership]})")
                    continue
                seen[membership] = seat.line
                graph.add((unit, ORG.hasMember, body))
                graph.add((membership, RDF.type, ORG.Membership))
                graph.add((membership, ORG.organization, unit))
                graph.add((membership, ORG.member, body))
                graph.add((membership, ORG.role, CKG[f"role-{role}"]))
                if post is not None:
                    graph.add((membership, CKG.representedBy, post))
                graph.add((membership, RDFS.label, Literal(
                    f"{self.loader.body_label(body)}: {role} of {label}", lang="en")))
                if seat_evidence is not None:
                    graph.add((membership, PROV.wasDerivedFrom, seat_evidence))

    def _posts(self, graph: Graph, document: URIRef, report: ReportText, collaboration: tuple[str, URIRef],
               local_ids: dict[str, dict[str, URIRef]]) -> None:
        cid = collaboration[0]
        for entry in self.root.items("posts"):
            entry.unknown_keys({"id", "label", "in", "type", "quote", "occurrence", "reports_to"})
            post_id = entry.slug("id")
            label = entry.text("label")
            post_type = entry.choice("type", sorted(concept_ids("PostTypeScheme")), required=False)
            holder = self._target(entry, "in", local_ids, ("unit", "collaboration", "body"))
            evidence = self.quote(entry, graph, document, report)
            if post_id is None or label is None or holder is None:
                continue
            post = self.minter.post(cid, post_id)
            graph.add((post, RDF.type, ORG.Post))
            graph.add((post, RDFS.label, Literal(label, lang="en")))
            graph.add((post, ORG.postIn, holder))
            graph.add((post, CKG.postFor, collaboration[1]))
            if post_type is not None:
                graph.add((post, CKG.postType, CKG[f"post-{post_type}"]))
            graph.add((holder, ORG.hasPost, post))
            if evidence is not None:
                graph.add((post, PROV.wasDerivedFrom, evidence))
            self._reporting_lines(entry, graph, document, report, post, local_ids,
                                  ("post", "unit", "collaboration", "body"))

    def _funding(self, graph: Graph, document: URIRef, report: ReportText,
                 collaboration: tuple[str, URIRef], local_ids: dict[str, dict[str, URIRef]]) -> None:
        """Funding of every kind (contract 'funding'): who funds which item, how, whether it is actual or
        proposed, with the amount and period as far as the report's words allow."""
        cid, collab = collaboration
        seen: set[str] = set()
        for entry in self.root.items("funding"):
            entry.unknown_keys({"id", "kind", "status", "funder", "funded", "stream", "amount", "period", "start",
                                "end", "quote", "occurrence", "label"})
            funding_id = entry.slug("id")
            kind = entry.choice("kind", FUNDING_KINDS)
            status = entry.choice("status", FUNDING_STATUSES, required=False) or "actual"
            funder = self.body(entry, "funder")
            funded = (self._target(entry, "funded", local_ids, ("unit", "post", "collaboration"))
                      if "funded" in entry.data else collab)
            stream_id = entry.slug("stream", required=kind == "grant")
            if stream_id is not None and stream_id not in self.loader.declarations.streams:
                entry.problem(f"unknown funding stream {stream_id!r}: declare it under `funding_streams:`",
                              "stream")
                stream_id = None
            amount = entry.data.get("amount")
            if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int | float)
                                       or amount <= 0):
                entry.problem(f"must be a positive number of pounds, found {amount!r}", "amount")
                amount = None
            dates = {}
            for key in ("start", "end"):
                value = entry.text(key, required=False)
                if value is not None and not _DATE.match(value):
                    entry.problem(f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD", key)
                elif value is not None:
                    dates[key] = value
            if "start" in dates and "end" in dates and dates["end"] < dates["start"][:len(dates["end"])]:
                entry.problem(f"ends ({dates['end']}) before it starts ({dates['start']})", "end")
            period = entry.text("period", required=False)
            evidence = self.quote(entry, graph, document, report)
            if funding_id is None or kind is None or funder is None or funded is None or (
                    kind == "grant" and stream_id is None):
                continue
            if funding_id in seen:
                continue  # reported by _local_ids
            seen.add(funding_id)
            funding = self.minter.funding(cid, funding_id)
            kind_label = FUNDING_KIND_LABELS[kind]
            label = entry.text("label", required=False) or (
                f"{'proposed ' if status == 'proposed' else ''}{kind_label} from "
                f"{self.loader.body_label(funder)} to {self._label(graph, funded) or self._label(graph, collab)}")
            graph.add((funding, RDF.type, CKG.Funding))
            graph.add((funding, RDFS.label, Literal(label[0].upper() + label[1:], lang="en")))
            graph.add((funding, CKG.fundingKind, FUNDING_KINDS[kind]))
            graph.add((funding, CKG.status, FUNDING_STATUSES[status]))
            graph.add((funding, SCHEMA.funder, funder))
            graph.add((funding, SCHEMA.fundedItem, funded))
            if kind == "grant":
                graph.add((funding, RDF.type, SCHEMA.MonetaryGrant))
            if stream_id is not None:
                graph.add((funding, CKG.fundingStream, self.minter.funding_stream(stream_id)))
            if period:
                graph.add((funding, CKG.period, Literal(period)))
            for key, predicate in (("start", SCHEMA.startDate), ("end", SCHEMA.endDate)):
                if key in dates:
                    graph.add((funding, predicate, _date_literal(dates[key])))
            if amount is not None:
                money = self.minter.amount(cid, funding_id)
                graph.add((funding, SCHEMA.amount, money))
                graph.add((money, RDF.type, SCHEMA.MonetaryAmount))
                graph.add((money, SCHEMA.value, Literal(str(amount), datatype=XSD.decimal)))
                graph.add((money, SCHEMA.currency, Literal("GBP")))
                graph.add((money, RDFS.label, Literal(f"£{amount:,}", lang="en")))
            if evidence is not None:
                graph.add((funding, PROV.wasDerivedFrom, evidence))

    def _products(self, graph: Graph, document: URIRef, report: ReportText,
                  collaboration: tuple[str, URIRef]) -> None:
        cid, collab = collaboration
        for key, cls, link, mint in (
            ("workstreams", CKG.Workstream, CKG.workstreamOf, self.minter.workstream),
            ("outputs", CKG.Output, CKG.outputOf, self.minter.output),
        ):
            seen: set[str] = set()
            for entry in self.root.items(key):
                entry.unknown_keys({"id", "label", "quote", "occurrence", "description"})
                local_id = entry.slug("id")
                label = entry.text("label")
                evidence = self.quote(entry, graph, document, report)
                if local_id is None or label is None:
                    continue
                if local_id in seen:
                    continue  # reported by _local_ids
                seen.add(local_id)
                node = mint(cid, local_id)
                graph.add((node, RDF.type, cls))
                graph.add((node, RDFS.label, Literal(label, lang="en")))
                graph.add((node, link, collab))
                description = entry.text("description", required=False)
                if description:
                    graph.add((node, DCTERMS.description, Literal(description, lang="en")))
                if evidence is not None:
                    graph.add((node, PROV.wasDerivedFrom, evidence))

    def _references(self, graph: Graph, document: URIRef, report: ReportText, report_id: str) -> None:
        for entry in self.root.items("references"):
            entry.unknown_keys({"id", "quote", "occurrence", "title"})
            reference_id = entry.slug("id")
            evidence = self.quote(entry, graph, document, report)
            if reference_id is None:
                continue
            reference = self.minter.reference(report_id, reference_id)
            citation = " ".join(str(entry.data.get("quote", "")).split())
            graph.add((reference, RDF.type, DCTERMS.BibliographicResource))
            graph.add((reference, RDFS.label, Literal(entry.text("title", required=False) or citation,
                                                      lang="en")))
            graph.add((reference, DCTERMS.bibliographicCitation, Literal(citation)))
            graph.add((document, DCTERMS.references, reference))
            if evidence is not None:
                graph.add((reference, PROV.wasDerivedFrom, evidence))

    def _claims(self, graph: Graph, document: URIRef, report: ReportText, report_id: str,
                collaboration: tuple[str, URIRef] | None, local_ids: dict[str, dict[str, URIRef]]) -> None:
        factors = concept_ids("FactorScheme")
        outcomes = concept_ids("OutcomeScheme")
        seen = self.loader.claims_seen
        for entry in self.root.items("claims"):
            entry.unknown_keys({"cause", "factor", "effect", "outcome", "polarity", "evidence", "modality",
                                "quote", "occurrence", "also", "about", "cites", "note"})
            cause = entry.text("cause")
            effect = entry.text("effect")
            factor_ids = entry.words("factor")
            outcome_ids = entry.words("outcome")
            if not factor_ids:
                entry.problem("is missing (a factor id from cases/README.md)", "factor")
            if not outcome_ids:
                entry.problem("is missing (an outcome id from cases/README.md)", "outcome")
            for value in factor_ids:
                if value not in factors:
                    hint = " (that is an outcome id)" if value in outcomes else ""
                    entry.problem(f"unknown factor {value!r}{hint}", "factor")
            for value in outcome_ids:
                if value not in outcomes:
                    hint = " (that is a factor id)" if value in factors else ""
                    entry.problem(f"unknown outcome {value!r}{hint}", "outcome")
            polarity = entry.choice("polarity", POLARITIES)
            modality = entry.choice("modality", MODALITIES)
            evidence_types = entry.words("evidence")
            if not evidence_types:
                entry.problem("is missing", "evidence")
            for value in evidence_types:
                if value not in EVIDENCE_TYPES:
                    entry.problem(f"{value!r} is not one of: {', '.join(EVIDENCE_TYPES)}", "evidence")
            about = [self._target_value(entry, "about", value, local_ids) for value in entry.words("about")]
            cites = []
            for value in entry.words("cites"):
                if (report_id, value) not in self.loader.declarations.references:
                    entry.problem(f"unknown reference {value!r} of report {report_id}", "cites")
                else:
                    cites.append(self.minter.reference(report_id, value))
            if "literature" in evidence_types and not cites and "cites" in entry.data:
                entry.problem("is empty", "cites")
            evidence = self.quote(entry, graph, document, report)
            more_evidence = [self.quote(passage, graph, document, report) for passage in self._passages(entry)]
            if (cause is None or effect is None or polarity is None or modality is None or evidence is None
                    or any(v not in factors for v in factor_ids) or any(v not in outcomes for v in outcome_ids)
                    or not factor_ids or not outcome_ids or not evidence_types
                    or any(v not in EVIDENCE_TYPES for v in evidence_types)):
                continue
            start, end = _span_of(evidence)
            if polarity == "hinders" and (word := bad_state(effect)) is not None:
                entry.problem(f"the effect {effect!r} names a bad state ({word!r}): under hinders it reads the "
                              "opposite of the report; name what is moved (e.g. 'pace of decisions', 'trust "
                              "between partners')", "effect")
            claim = self.minter.claim(report_id, start, end, cause, effect, polarity)
            if claim in seen:
                entry.problem("duplicate claim: same passage, cause, effect and polarity as an earlier claim "
                              f"({seen[claim]})")
                continue
            seen[claim] = f"{self.path}:{entry.line}"
            self.loader.claim_records.append(ClaimRecord(
                report_id, str(self.path), entry.line, entry.path, cause, effect, polarity,
                frozenset(factor_ids), frozenset(outcome_ids), collaboration[0] if collaboration else None,
                tuple((*_span_of(e), report.text[slice(*_span_of(e))])
                      for e in [evidence, *more_evidence] if e is not None)))
            cause_node, effect_node = self.minter.cause(claim), self.minter.effect(claim)
            graph.add((claim, RDF.type, CKG.CausalClaim))
            graph.add((claim, RDFS.label, Literal(f"{cause} {polarity} {effect}", lang="en")))
            graph.add((claim, CKG.cause, cause_node))
            graph.add((claim, CKG.effect, effect_node))
            graph.add((claim, CKG.polarity, POLARITIES[polarity]))
            graph.add((claim, CKG.modality, MODALITIES[modality]))
            for value in evidence_types:
                graph.add((claim, CKG.evidenceType, EVIDENCE_TYPES[value]))
            if collaboration is not None:
                graph.add((claim, CKG.context, collaboration[1]))
            for target in about:
                if target is not None:
                    graph.add((claim, CKG.concerns, target))
            for reference in cites:
                graph.add((claim, CKG.citedSource, reference))
            for passage in [evidence, *more_evidence]:
                if passage is not None:
                    graph.add((claim, PROV.wasDerivedFrom, passage))
            graph.add((cause_node, RDF.type, CKG.Factor))
            graph.add((cause_node, RDFS.label, Literal(cause, lang="en")))
            for value in factor_ids:
                graph.add((cause_node, CKG.category, CKG[FACTOR_PREFIX + value]))
            graph.add((effect_node, RDF.type, CKG.Outcome))
            graph.add((effect_node, RDFS.label, Literal(effect, lang="en")))
            for value in outcome_ids:
                graph.add((effect_node, CKG.category, CKG[OUTCOME_PREFIX + value]))

    @staticmethod
    def _passages(entry: CaseEntry) -> Iterator[CaseEntry]:
        """The other passages that state the same finding (``also:``), each a quote or {quote, occurrence}:
        one finding is one claim, with one piece of evidence per place the report states it."""
        value = entry.data.get("also")
        if value is None:
            return
        if not isinstance(value, list):
            entry.problem("must be a list of quotes", "also")
            return
        for index, item in enumerate(value):
            data = LineDict({"quote": item}) if isinstance(item, str) else item
            passage = CaseEntry(entry.report, data, f"{entry.path}.also[{index}]", entry.line)
            passage.unknown_keys({"quote", "occurrence"})
            yield passage

    def _target_value(self, entry: CaseEntry, key: str, value: str,
                      local_ids: dict[str, dict[str, URIRef]]) -> URIRef | None:
        probe = CaseEntry(self.problem, LineDict({key: value}), entry.path, entry.line)
        probe.line = entry.line
        return self._target(probe, key, local_ids,
                            ("post", "unit", "workstream", "output", "funding", "collaboration", "body"))


def _span_of(evidence: URIRef) -> tuple[int, int]:
    start, end = str(evidence).rsplit("/", 1)[-1].split("-")
    return int(start), int(end)


def _date_literal(value: str) -> Literal:
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(value)]
    return Literal(value, datatype=datatype)


class CaseFileLoader(Loader):
    """All case files of a folder, checked together (identifiers are shared between files).

    >>> from collabkg.settings import load_settings
    >>> settings = load_settings()
    >>> loader = CaseFileLoader(settings.cases, Corpus(settings.corpus), IriMinter(settings.base_iri))
    >>> "newcastle-city-council" in loader.declarations.bodies
    True
    """

    patterns = ("*.yaml",)

    def __init__(self, folder: Path, corpus: Corpus, minter: IriMinter,
                 only: Iterable[Path] | None = None, on_file: Callable[[Path], None] | None = None) -> None:
        """``on_file`` is told of each file as it is read, and again as it is checked (for progress)."""
        self.folder = folder
        self.on_file = on_file
        self.corpus = corpus
        self.minter = minter
        self.claims_seen: dict[URIRef, str] = {}  # claim IRI -> file:line of its first entry
        self.claim_records: list[ClaimRecord] = []
        self.problems: list[Problem] = []
        self.files: dict[Path, Any] = {}
        self.only = {path.resolve() for path in only} if only is not None else None
        for path in self.iter_sources(folder):
            try:
                self.files[path] = read_yaml(path)
            except LoadError as error:
                if self.only is None or path.resolve() in self.only:
                    self.problems.extend(error.problems)
            if self.on_file is not None:
                self.on_file(path)
        if self.only is not None:
            for path in self.only:
                if path not in {p.resolve() for p in self.files} and path.exists():
                    try:
                        self.files[path] = read_yaml(path)
                    except LoadError as error:
                        self.problems.extend(error.problems)
        self.declarations, problems = declare(self.files, self._wanted)
        self.problems.extend(problems)

    def _wanted(self, path: Path) -> bool:
        return self.only is None or path.resolve() in self.only

    def body_label(self, body: URIRef) -> str:
        return self.declarations.bodies[str(body).rsplit("/", 1)[-1]][0]

    def load_into(self, dataset: Dataset) -> None:
        """Add the catalogue (bodies, streams) and every case file's facts; raise on any problem."""
        catalogue = dataset.graph(self.minter.graph("catalogue"))
        for body_id, (label, kind, _) in sorted(self.declarations.bodies.items()):
            body = self.minter.body(body_id)
            catalogue.add((body, RDF.type, BODY_KINDS[kind]))
            catalogue.add((body, RDF.type, ORG.Organization))
            catalogue.add((body, RDFS.label, Literal(label, lang="en")))
            for alt_label in self.declarations.alt_labels.get(body_id, ()):
                catalogue.add((body, SKOS.altLabel, Literal(alt_label, lang="en")))
        for stream_id, (label, _) in sorted(self.declarations.streams.items()):
            stream = self.minter.funding_stream(stream_id)
            catalogue.add((stream, RDF.type, CKG.FundingStream))
            catalogue.add((stream, RDFS.label, Literal(label, lang="en")))
        for path, data in self.files.items():
            if self.on_file is not None:
                self.on_file(path)
            if not self._wanted(path) or not isinstance(data, dict):
                continue
            checker = _FileChecker(path, data, self)
            checker.check_and_emit(dataset)
            self.problems.extend(checker.problems)
        for first, second in duplicate_findings(self.claim_records):
            self.problems.append(Problem(
                second.path, second.line, second.entry,
                f"states the same finding as {first.path}:{first.line} ({first.cause} {first.polarity} "
                f"{first.effect}) in a near-identical passage: keep one claim and add this passage under `also:`"))
        if self.problems:
            raise LoadError(self.problems)
