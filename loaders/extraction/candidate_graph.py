"""The candidates of one extraction as RDF: the contract's patterns (CONTRACT.md section 1) in a named graph
of the run's own, every candidate with its evidence selectors, ``ckg:confidence`` and
``prov:wasGeneratedBy`` the extraction run, which names the model it used.

The extracted report is a ``dcterms:BibliographicResource`` carrying the very text the selectors point
into (``schema:text``), its SHA-256 and length, so the graph can be checked without the source file.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef

from collabkg.loaders.evidence import ReportText, Span, add_evidence
from collabkg.loaders.extraction.extract import Extraction
from collabkg.loaders.extraction.gazetteer import BodyCandidate
from collabkg.ontology.iris import IriMinter
from collabkg.ontology.terms import (
    BODY_KINDS,
    CKG,
    DCTERMS,
    EVIDENCE_TYPES,
    FACTOR_PREFIX,
    FOAF,
    FUNDING_KINDS,
    FUNDING_STATUSES,
    MODALITIES,
    ORG,
    OUTCOME_PREFIX,
    POLARITIES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    XSD,
    bind_prefixes,
)

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_ISSUED = re.compile(r"\b(?:(\d{1,2})\s+)?(" + "|".join(_MONTHS) + r")\s+((?:19|20)\d\d)\b", re.I)
#: mentions of one body given as evidence; the rest are found again from the first
EVIDENCE_PER_BODY = 3


def slug(value: str) -> str:
    """A lowercase-hyphenated identifier.

    >>> slug("Barnardo's Newport  Partnership")
    'barnardos-newport-partnership'
    """
    words = re.findall(r"[a-z0-9]+", value.lower().replace("'", "").replace("’", ""))
    return "-".join(words)[:80] or "unnamed"


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_id_for(path: str, text: str) -> str:
    """The id an extracted report gets: its file name and a digest of its text, like the corpus's ids."""
    return f"{slug(Path(path).stem)}_{text_digest(text)[:16]}"


def run_id_for(text: str, model_version: str) -> str:
    return hashlib.sha256(f"{model_version}\x1f{text_digest(text)}".encode()).hexdigest()[:16]


def issued_date(text: str, source: str) -> Literal:
    """The report's date as its first pages give it ("November 2016"), else the file's modification date."""
    match = _ISSUED.search(text[:5000])
    if match:
        month = _MONTHS.index(match.group(2).lower()) + 1
        if match.group(1):
            try:
                return Literal(date(int(match.group(3)), month, int(match.group(1))).isoformat(), datatype=XSD.date)
            except ValueError:
                pass
        return Literal(f"{match.group(3)}-{month:02d}", datatype=XSD.gYearMonth)
    try:
        modified = datetime.fromtimestamp(Path(source).stat().st_mtime, UTC).date()
    except OSError:
        modified = datetime.now(UTC).date()
    return Literal(modified.isoformat(), datatype=XSD.date)


def _confidence(value: float) -> Literal:
    return Literal(Decimal(str(round(min(1.0, max(0.0, value)), 3))), datatype=XSD.decimal)


class _Writer:
    def __init__(self, extraction: Extraction, minter: IriMinter, software: str) -> None:
        self.extraction = extraction
        self.minter = minter
        report = extraction.report
        self.report_id = report_id_for(report.source, report.text)
        self.run_id = run_id_for(report.text, extraction.model_version)
        self.document = minter.report(self.report_id)
        self.text = ReportText(self.report_id, report.text)
        self.activity = minter.extraction(self.run_id)
        self.software = software
        self.dataset = bind_prefixes(Dataset())
        self.graph: Graph = self.dataset.graph(minter.extraction_graph(self.run_id))

    def candidate(self, node: URIRef, label: str, confidence: float, spans: list[tuple[int, int]]) -> None:
        graph = self.graph
        # two candidates whose names give one IRI ("ICT-enabled Schools", "ICT enabled schools") are one node,
        # with the first label and the higher confidence
        earlier = graph.value(node, CKG.confidence)
        if earlier is None:
            graph.add((node, RDFS.label, Literal(" ".join(label.split()), lang="en")))
        elif float(earlier) < confidence:
            graph.remove((node, CKG.confidence, None))
        if earlier is None or float(earlier) < confidence:
            graph.add((node, CKG.confidence, _confidence(confidence)))
        graph.add((node, PROV.wasGeneratedBy, self.activity))
        for start, end in spans:
            self.evidence(node, start, end)

    def evidence(self, node: URIRef, start: int, end: int) -> None:
        passage = add_evidence(self.graph, self.minter, self.document, self.text, Span(start, end))
        self.graph.add((node, PROV.wasDerivedFrom, passage))

    def provenance(self, started: datetime) -> None:
        graph, report = self.graph, self.extraction.report
        graph.add((self.document, RDF.type, DCTERMS.BibliographicResource))
        title = " ".join((report.title or Path(report.source).name).split())[:300]
        graph.add((self.document, DCTERMS.title, Literal(title, lang="en")))
        graph.add((self.document, RDFS.label, Literal(title, lang="en")))
        publisher = self.minter.publisher(self.report_id)
        graph.add((publisher, RDF.type, FOAF.Agent))
        graph.add((publisher, RDFS.label, Literal(f"Publisher of {Path(report.source).name} (to be identified by "
                                                  "the curator)", lang="en")))
        graph.add((self.document, DCTERMS.publisher, publisher))
        graph.add((self.document, DCTERMS.issued, issued_date(report.text, report.source)))
        graph.add((self.document, DCTERMS.identifier, Literal(self.report_id)))
        graph.add((self.document, DCTERMS["format"], Literal(report.media_type)))
        graph.add((self.document, SCHEMA.text, Literal(report.text)))
        graph.add((self.document, CKG.textSha256, Literal(text_digest(report.text))))
        graph.add((self.document, CKG.textLength, Literal(len(report.text), datatype=XSD.integer)))
        model = self.minter.extraction_model(self.extraction.model_version)
        graph.add((model, RDF.type, PROV.Entity))
        graph.add((model, RDFS.label, Literal(f"collabkg extraction model {self.extraction.model_version}",
                                              lang="en")))
        graph.add((model, SCHEMA.version, Literal(self.extraction.model_version)))
        agent = self.minter.extraction_model(self.extraction.model_version) + "/software"
        graph.add((URIRef(agent), RDF.type, PROV.SoftwareAgent))
        graph.add((URIRef(agent), RDFS.label, Literal(self.software, lang="en")))
        graph.add((self.activity, RDF.type, PROV.Activity))
        graph.add((self.activity, RDFS.label, Literal(
            f"Extraction of candidates from {Path(report.source).name} with model "
            f"{self.extraction.model_version}", lang="en")))
        graph.add((self.activity, PROV.used, self.document))
        graph.add((self.activity, PROV.used, model))
        graph.add((self.activity, PROV.wasAssociatedWith, URIRef(agent)))
        graph.add((self.activity, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)))
        graph.add((self.activity, PROV.endedAtTime, Literal(datetime.now(UTC).isoformat(), datatype=XSD.dateTime)))

    def body(self, body: BodyCandidate) -> URIRef:
        node = self.minter.body(body.body_id) if body.body_id else self.minter.candidate(
            self.run_id, "body", slug(body.name))
        self.graph.add((node, RDF.type, ORG.Organization))
        self.graph.add((node, RDF.type, BODY_KINDS[body.kind]))
        self.candidate(node, body.name, body.confidence, body.mentions[:EVIDENCE_PER_BODY])
        return node

    def write(self) -> Dataset:
        started = datetime.now(UTC)
        extraction, graph = self.extraction, self.graph
        bodies = {id(body): self.body(body) for body in extraction.bodies}
        structure = extraction.structure
        collaborations = []
        for collaboration in structure.collaborations:
            node = self.minter.candidate(self.run_id, "collaboration", slug(collaboration.name))
            graph.add((node, RDF.type, CKG.Collaboration))
            graph.add((node, RDF.type, ORG.OrganizationalCollaboration))
            self.candidate(node, collaboration.name, collaboration.confidence, collaboration.mentions[:1])
            collaborations.append(node)
        for membership in structure.memberships:
            collaboration, body = collaborations[membership.collaboration], bodies[id(membership.body)]
            node = URIRef(f"{collaboration}/membership/{slug(membership.body.name)}-{membership.role}")
            graph.add((collaboration, ORG.hasMember, body))
            graph.add((node, RDF.type, ORG.Membership))
            graph.add((node, ORG.organization, collaboration))
            graph.add((node, ORG.member, body))
            graph.add((node, ORG.role, CKG[f"role-{membership.role}"]))
            self.candidate(node, f"{membership.body.name}: {membership.role} of "
                                 f"{structure.collaborations[membership.collaboration].name}",
                           membership.confidence, [(membership.start, membership.end)])
        main = collaborations[0] if collaborations else None
        units: list[URIRef] = []
        for unit in structure.units:
            if main is None:
                break  # a unit is org:unitOf a collaboration
            node = URIRef(f"{main}/unit/{slug(unit.name)}")
            graph.add((node, RDF.type, ORG.OrganizationalUnit))
            graph.add((node, ORG.unitOf, main))
            self.candidate(node, unit.name, unit.confidence, unit.mentions[:1])
            units.append(node)
        for line in structure.reporting_lines:
            target = units[line.target] if line.target_kind == "unit" else collaborations[line.target]
            graph.add((units[line.unit], ORG.reportsTo, target))
            self.evidence(units[line.unit], line.start, line.end)
        for funding in extraction.funding:
            if main is None or funding.funder is None:
                continue  # the contract needs a funder and a funded item; draft case files list the rest
            node = URIRef(f"{main}/funding/{funding.amount_start}")
            graph.add((node, RDF.type, CKG.Funding))
            graph.add((node, SCHEMA.funder, bodies[id(funding.funder)]))
            graph.add((node, SCHEMA.fundedItem, main))
            graph.add((node, CKG.fundingKind, FUNDING_KINDS[funding.kind]))
            graph.add((node, CKG.status, FUNDING_STATUSES[funding.status]))
            if funding.kind == "grant":
                stream = self.minter.candidate(self.run_id, "funding-stream",
                                               slug(funding.stream or f"{funding.funder.name} funding"))
                graph.add((node, RDF.type, SCHEMA.MonetaryGrant))
                graph.add((node, CKG.fundingStream, stream))
                graph.add((stream, RDF.type, CKG.FundingStream))
                if (stream, RDFS.label, None) not in graph:
                    graph.add((stream, RDFS.label, Literal(
                        funding.stream or f"{funding.funder.name} funding (stream not named)", lang="en")))
            amount = URIRef(f"{node}/amount")
            graph.add((node, SCHEMA.amount, amount))
            graph.add((amount, RDF.type, SCHEMA.MonetaryAmount))
            graph.add((amount, SCHEMA.value, Literal(funding.amount, datatype=XSD.decimal)))
            graph.add((amount, SCHEMA.currency, Literal("GBP")))
            graph.add((amount, RDFS.label, Literal(f"£{funding.amount:,}", lang="en")))
            if funding.period:
                graph.add((node, CKG.period, Literal(funding.period)))
            if funding.start_year:
                graph.add((node, SCHEMA.startDate, Literal(funding.start_year, datatype=XSD.gYear)))
            if funding.end_year:
                graph.add((node, SCHEMA.endDate, Literal(funding.end_year, datatype=XSD.gYear)))
            self.candidate(node, f"£{funding.amount:,} {funding.kind} from {funding.funder.name}",
                           funding.confidence, [(funding.start, funding.end)])
        for claim in extraction.claims:
            key = hashlib.sha256(f"{claim.start}-{claim.end}-{claim.polarity}".encode()).hexdigest()[:16]
            node = self.minter.candidate(self.run_id, "claim", key)
            cause, effect = URIRef(f"{node}/cause"), URIRef(f"{node}/effect")
            graph.add((node, RDF.type, CKG.CausalClaim))
            graph.add((node, CKG.cause, cause))
            graph.add((node, CKG.effect, effect))
            graph.add((node, CKG.polarity, POLARITIES[claim.polarity]))
            graph.add((node, CKG.modality, MODALITIES[claim.modality]))
            graph.add((node, CKG.evidenceType, EVIDENCE_TYPES[claim.evidence]))
            graph.add((cause, RDF.type, CKG.Factor))
            graph.add((cause, RDFS.label, Literal(claim.cause, lang="en")))
            graph.add((cause, CKG.category, CKG[FACTOR_PREFIX + claim.factor]))
            graph.add((effect, RDF.type, CKG.Outcome))
            graph.add((effect, RDFS.label, Literal(claim.effect, lang="en")))
            graph.add((effect, CKG.category, CKG[OUTCOME_PREFIX + claim.outcome]))
            self.candidate(node, f"{claim.cause} {claim.polarity} {claim.effect}", claim.confidence,
                           [(claim.start, claim.end)])
        self.provenance(started)
        return self.dataset


def candidate_dataset(extraction: Extraction, minter: IriMinter, software: str = "collabkg extract") -> Dataset:
    """The candidate graph of ``extraction``, in a named graph of its own.

    ``software`` names the program and its version in the run's ``prov:wasAssociatedWith`` agent.
    """
    return _Writer(extraction, minter, software).write()
