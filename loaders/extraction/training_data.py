"""What the curated case files teach: per report, its text, the claims with their passages and labels, the
bodies it names and the amounts of funding it states. Read straight from the YAML (cases/README.md) and
placed in the corpus texts, so anyone can retrain after curating more."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from collabkg.loaders.base import LoadError
from collabkg.loaders.corpus import Corpus
from collabkg.loaders.evidence import QuoteError, ReportText
from collabkg.loaders.yaml_source import read_yaml


@dataclass(frozen=True)
class GoldClaim:
    passages: tuple[tuple[int, int], ...]
    polarity: str
    factors: tuple[str, ...]
    outcomes: tuple[str, ...]
    modality: str
    evidence: tuple[str, ...]
    cause: str
    effect: str


@dataclass(frozen=True)
class GoldAmount:
    value: Decimal
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class KnownBody:
    id: str
    label: str
    kind: str
    alt_labels: tuple[str, ...]


@dataclass
class ReportGold:
    report_id: str
    text: str
    claims: list[GoldClaim] = field(default_factory=list)
    bodies: set[str] = field(default_factory=set)
    amounts: list[GoldAmount] = field(default_factory=list)


@dataclass
class TrainingData:
    reports: dict[str, ReportGold]
    bodies: dict[str, KnownBody]
    streams: dict[str, str]  # funding stream id -> label
    collaborations: set[str] = field(default_factory=set)  # ids case files declare

    def without(self, report_id: str) -> TrainingData:
        """The data of every other report, and only the bodies those reports name (leave-one-report-out)."""
        reports = {rid: gold for rid, gold in self.reports.items() if rid != report_id}
        named = set().union(*(gold.bodies for gold in reports.values())) if reports else set()
        return TrainingData(reports, {bid: body for bid, body in self.bodies.items() if bid in named},
                            dict(self.streams), set(self.collaborations))


def _quote_span(report: ReportText, entry: Any) -> tuple[int, int] | None:
    if isinstance(entry, str):
        entry = {"quote": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("quote"), str):
        return None
    occurrence = entry.get("occurrence")
    try:
        span = report.locate(entry["quote"], occurrence if isinstance(occurrence, int) else None)
    except QuoteError:
        return None
    return span.start, span.end


def _words(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split()) if " " in value.strip() else (value.strip(),)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def _body_refs(value: Any, bodies: dict[str, KnownBody]) -> Iterator[str]:
    """Body ids a case-file entry refers to, at any depth (members, funders, seats, posts, reporting lines)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("body", "funder", "in", "to") and isinstance(item, str) and item in bodies:
                yield item
            elif key != "bodies":
                yield from _body_refs(item, bodies)
    elif isinstance(value, list):
        for item in value:
            yield from _body_refs(item, bodies)


def read_training_data(cases: Path, corpus_folder: Path) -> TrainingData:
    """Every curated report's text and gold facts; a case file that cannot be read is a :class:`LoadError`."""
    corpus = Corpus(corpus_folder)
    files: dict[Path, Any] = {}
    for path in sorted(cases.glob("*.yaml")):
        files[path] = read_yaml(path)
    bodies: dict[str, KnownBody] = {}
    streams: dict[str, str] = {}
    collaborations: set[str] = set()
    for data in files.values():
        if not isinstance(data, dict):
            continue
        block = data.get("collaboration")
        if isinstance(block, dict) and block.get("id"):
            collaborations.add(str(block["id"]))
        for body in data.get("bodies") or []:
            if isinstance(body, dict) and body.get("id") and body.get("label"):
                alt = tuple(str(a) for a in body.get("alt_labels") or [])
                bodies[str(body["id"])] = KnownBody(str(body["id"]), str(body["label"]),
                                                    str(body.get("kind") or "other-body"), alt)
        for stream in data.get("funding_streams") or []:
            if isinstance(stream, dict) and stream.get("id"):
                streams[str(stream["id"])] = str(stream.get("label") or stream["id"])
    reports: dict[str, ReportGold] = {}
    for data in files.values():
        if not isinstance(data, dict) or not data.get("report"):
            continue
        report_id = str(data["report"])
        report = corpus.text(report_id)
        if report is None:
            continue
        gold = reports.setdefault(report_id, ReportGold(report_id, report.text))
        gold.bodies.update(_body_refs({k: v for k, v in data.items() if k != "claims"}, bodies))
        for entry in data.get("funding") or []:
            if not isinstance(entry, dict) or entry.get("amount") is None:
                continue
            span = _quote_span(report, entry)
            try:
                value = Decimal(str(entry["amount"]))
            except InvalidOperation:
                continue
            if span is not None:
                gold.amounts.append(GoldAmount(value, *span, str(entry.get("kind") or "grant")))
        for entry in data.get("claims") or []:
            if not isinstance(entry, dict):
                continue
            passages = [_quote_span(report, entry)] + [_quote_span(report, p) for p in entry.get("also") or []]
            found = tuple(p for p in passages if p is not None)
            if not found or entry.get("polarity") not in ("enables", "hinders"):
                continue
            gold.claims.append(GoldClaim(found, str(entry["polarity"]), _words(entry.get("factor")),
                                         _words(entry.get("outcome")), str(entry.get("modality") or "observed"),
                                         _words(entry.get("evidence")) or ("author-judgement",),
                                         str(entry.get("cause") or ""), str(entry.get("effect") or "")))
    if corpus.problems:
        raise LoadError(corpus.problems)
    return TrainingData(dict(sorted(reports.items())), bodies, streams, collaborations)
