"""A draft case file from an extraction: the structure curators use (cases/README.md), filled with the
candidates, so a curator corrects rather than starts from nothing. Each entry carries its confidence as a
comment; bodies and streams the graph already holds are referred to by their ids, new ones are declared."""

from __future__ import annotations

from typing import Any

import yaml

from collabkg.loaders.claim_rules import ClaimRecord, duplicate_findings
from collabkg.loaders.extraction.candidate_graph import report_id_for, slug
from collabkg.loaders.extraction.extract import Extraction
from collabkg.loaders.extraction.gazetteer import BodyCandidate
from collabkg.loaders.extraction.model import ExtractionModel


class _Draft:
    def __init__(self, extraction: Extraction, model: ExtractionModel) -> None:
        self.extraction = extraction
        self.text = extraction.report.text
        self.known = {body.id for body in model.bodies}
        self.known_streams = dict(model.streams)
        self.known_collaborations = set(model.collaborations)
        self.new_bodies: dict[str, dict[str, Any]] = {}
        self.new_streams: dict[str, dict[str, Any]] = {}

    def quoted(self, entry: dict[str, Any], start: int, end: int) -> dict[str, Any]:
        """``entry`` with the passage as its quote, and ``occurrence`` when the passage is not unique."""
        quote = self.text[start:end]
        entry["quote"] = quote
        occurrences, position = 0, self.text.find(quote)
        while position != -1 and position <= start:
            occurrences += 1
            position = self.text.find(quote, position + 1)
        if occurrences > 1 or self.text.find(quote, start + 1) != -1:
            entry["occurrence"] = occurrences
        return entry

    def body_id(self, body: BodyCandidate) -> str:
        if body.body_id:
            return body.body_id
        body_id = slug(body.name)
        if body_id not in self.known and body_id not in self.new_bodies:
            declared: dict[str, Any] = {"id": body_id, "label": body.name, "kind": body.kind}
            if body.acronym:
                declared["alt_labels"] = [body.acronym]
            self.new_bodies[body_id] = declared
        return body_id

    def stream_id(self, label: str) -> str:
        stream_id = slug(label)
        if stream_id not in self.known_streams and stream_id not in self.new_streams:
            self.new_streams[stream_id] = {"id": stream_id, "label": label}
        return stream_id

    def sections(self) -> dict[str, list[tuple[float, dict[str, Any]]]]:
        extraction, structure = self.extraction, self.extraction.structure
        sections: dict[str, list[tuple[float, dict[str, Any]]]] = {}
        main = structure.collaborations[0] if structure.collaborations else None
        if main is not None:
            collaboration_id = slug(main.name)
            block: dict[str, Any] = ({"ref": collaboration_id} if collaboration_id in self.known_collaborations
                                     else {"id": collaboration_id, "label": main.name})
            sections["collaboration"] = [(main.confidence, self.quoted(block, *main.mentions[0]))]
            seen: set[tuple[str, str]] = set()
            members = []
            for membership in structure.memberships:
                if membership.collaboration != 0:
                    continue
                key = (self.body_id(membership.body), membership.role)
                if key in seen:
                    continue
                seen.add(key)
                members.append((membership.confidence, self.quoted(
                    {"body": key[0], "role": membership.role}, membership.start, membership.end)))
            sections["members"] = members
            unit_ids = [slug(unit.name) for unit in structure.units]
            units = []
            for index, unit in enumerate(structure.units):
                entry = self.quoted({"id": unit_ids[index], "label": unit.name}, *unit.mentions[0])
                lines = [self.quoted({"to": unit_ids[line.target] if line.target_kind == "unit"
                                      else collaboration_id}, line.start, line.end)
                         for line in structure.reporting_lines if line.unit == index
                         and (line.target_kind == "unit" or line.target == 0)]
                if lines:
                    entry["reporting_lines"] = lines
                units.append((unit.confidence, entry))
            for _, entry in units:
                if "reporting_lines" in entry:
                    entry["reports_to"] = entry.pop("reporting_lines")
            sections["units"] = units
            funding = []
            for number, found in enumerate(f for f in extraction.funding if f.funder is not None):
                assert found.funder is not None
                entry = {"id": f"funding-{number + 1}", "kind": found.kind, "status": found.status,
                         "funder": self.body_id(found.funder)}
                if found.kind == "grant":
                    entry["stream"] = self.stream_id(found.stream or f"{found.funder.name} funding")
                entry["amount"] = int(found.amount) if found.amount == int(found.amount) else float(found.amount)
                if found.period:
                    entry["period"] = found.period
                if found.start_year:
                    entry["start"] = found.start_year
                if found.end_year:
                    entry["end"] = found.end_year
                funding.append((found.confidence, self.quoted(entry, found.start, found.end)))
            sections["funding"] = funding
        sections["claims"] = self.claims()
        return sections

    def claims(self) -> list[tuple[float, dict[str, Any]]]:
        """Claims, one finding once: a passage that repeats an earlier one goes under that claim's ``also``."""
        claims = self.extraction.claims
        records = [ClaimRecord("draft", "draft", index, str(index), c.cause, c.effect, c.polarity,
                               frozenset([c.factor]), frozenset([c.outcome]), None,
                               ((c.start, c.end, self.text[c.start:c.end]),)) for index, c in enumerate(claims)]
        merged_into: dict[int, int] = {}
        for first, second in duplicate_findings(records):
            target = merged_into.get(int(first.entry), int(first.entry))
            if int(second.entry) not in merged_into and int(second.entry) != target:
                merged_into[int(second.entry)] = target
        entries: dict[int, tuple[float, dict[str, Any]]] = {}
        for index, claim in enumerate(claims):
            if index in merged_into:
                continue
            entries[index] = (claim.confidence, self.quoted(
                {"cause": claim.cause, "factor": claim.factor, "effect": claim.effect, "outcome": claim.outcome,
                 "polarity": claim.polarity, "evidence": claim.evidence, "modality": claim.modality},
                claim.start, claim.end))
        for index, target in sorted(merged_into.items()):
            claim = claims[index]
            passage = self.quoted({}, claim.start, claim.end)
            entries[target][1].setdefault("also", []).append(passage if "occurrence" in passage else passage["quote"])
        return [entries[index] for index in sorted(entries)]


def _dump(entry: dict[str, Any], indent: str = "  ") -> str:
    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False)
    return "".join(indent + line + "\n" for line in text.rstrip("\n").split("\n"))


def draft_case(extraction: Extraction, model: ExtractionModel, report_id: str | None = None) -> str:
    """The draft case file's YAML text; ``report_id`` is the id the report will have in the corpus."""
    draft = _Draft(extraction, model)
    report = extraction.report
    report_id = report_id or report_id_for(report.source, report.text)
    sections = draft.sections()
    lines = [
        f"# Draft case file written by `collabkg extract --format case` from {report.source}",
        f"# with extraction model {extraction.model_version}. Every entry is a candidate with its confidence",
        "# (0-1) in a comment: confirm, correct or delete each one (cases/README.md is the guide), then run",
        "# `collabkg check-case` on this file. The report's text is saved beside this file (.txt): add it to",
        f"# the corpus as {report_id}.txt and list it in corpus/reports.yaml with its title, publisher and date.",
        "",
        yaml.safe_dump({"report": report_id}, sort_keys=False).rstrip("\n"),
    ]
    if "collaboration" in sections:
        confidence, block = sections["collaboration"][0]
        lines += ["", f"# confidence {confidence:.2f}", "collaboration:"]
        lines += [f"  {line}" for line in yaml.safe_dump(block, allow_unicode=True, sort_keys=False,
                                                         width=100000).rstrip("\n").split("\n")]
    for name, entries in (("bodies", [(1.0, b) for b in draft.new_bodies.values()]),
                          ("funding_streams", [(1.0, s) for s in draft.new_streams.values()])):
        if entries:
            lines += ["", f"{name}:"] + [_dump(entry).rstrip("\n") for _, entry in entries]
    for name in ("members", "units", "funding", "claims"):
        entries = sections.get(name) or []
        if not entries:
            continue
        lines += ["", f"{name}:"]
        for confidence, entry in entries:
            lines += [f"  # confidence {confidence:.2f}", _dump(entry).rstrip("\n")]
    lines += ["", "notes:", "  - \"Drafted by collabkg extract: every entry above still needs a curator's check.\"", ""]
    return "\n".join(lines)
