"""One report's candidates: bodies, collaborations and their members, units and reporting lines, funding
and causal claims, each with its passages (spans of the report's text) and a confidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from collabkg.loaders.extraction.claim_features import in_context
from collabkg.loaders.extraction.claims import ClaimCandidate, classify
from collabkg.loaders.extraction.funding import FundingCandidate, find_funding
from collabkg.loaders.extraction.gazetteer import BodyCandidate, Gazetteer
from collabkg.loaders.extraction.model import ExtractionModel
from collabkg.loaders.extraction.patterns import Structure, find_structure
from collabkg.loaders.extraction.text_units import sentences
from collabkg.loaders.readers import ExtractedText


class Progress(Protocol):
    """What extraction tells a progress display (collabkg.terminal.TerminalProgress fits)."""

    def step(self, title: str, total: int | None = None) -> None: ...

    def advance(self, units: int = 1) -> None: ...


class _Silent:
    def step(self, title: str, total: int | None = None) -> None:
        return None

    def advance(self, units: int = 1) -> None:
        return None


#: sentences classified at a time, so that a long report shows progress as it goes
BATCH = 200


@dataclass
class Extraction:
    report: ExtractedText
    model_version: str
    bodies: list[BodyCandidate] = field(default_factory=list)
    structure: Structure = field(default_factory=Structure)
    funding: list[FundingCandidate] = field(default_factory=list)
    claims: list[ClaimCandidate] = field(default_factory=list)


def extract(report: ExtractedText, model: ExtractionModel, progress: Progress | None = None,
            threshold: float | None = None) -> Extraction:
    """Every candidate the model finds in ``report``."""
    progress = progress or _Silent()
    text = report.text
    progress.step("Finding bodies")
    gazetteer = Gazetteer(model.bodies)
    bodies = gazetteer.bodies(text)
    progress.step("Finding collaborations, members, units and funding")
    structure = find_structure(text, bodies)
    funding = find_funding(text, bodies)
    found = sentences(text)
    progress.step(f"Classifying {len(found)} sentences", total=len(found))
    contexts = in_context(found)
    claims = []
    for first in range(0, len(found), BATCH):
        batch = found[first:first + BATCH]
        claims.extend(classify(model.classifiers, batch, model.threshold if threshold is None else threshold,
                               contexts[first:first + BATCH]))
        progress.advance(len(batch))
    return Extraction(report, model.version, bodies, structure, funding, claims)
