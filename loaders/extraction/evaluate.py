"""Leave-one-report-out evaluation: for each curated report, a model trained on the other reports (its
gazetteer holding only the bodies they name) extracts from the report's text, and the candidates are
compared with the curation.

- claims: a gold claim passage with its polarity is found when a candidate with that polarity overlaps it;
  a candidate is right when it overlaps a gold passage of its polarity;
- bodies: a gold body is found when a candidate is linked to it or bears its name (or one of its short names,
  or a name of two words or more within it);
- amounts: a gold amount is found when a candidate states the same value.

The keyword baseline marks a sentence a claim when it holds a causal cue word of the curation guide, and
calls it ``hinders`` when it also holds a word of difficulty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from collabkg.loaders.extraction.claim_features import CUE, DIFFICULTY
from collabkg.loaders.extraction.claims import ClaimCandidate
from collabkg.loaders.extraction.extract import extract
from collabkg.loaders.extraction.gazetteer import BodyCandidate, normalised_name
from collabkg.loaders.extraction.model import train
from collabkg.loaders.extraction.text_units import Sentence, sentences
from collabkg.loaders.extraction.training_data import KnownBody, ReportGold, TrainingData
from collabkg.loaders.readers import ExtractedText, Segment

THRESHOLDS = tuple(round(0.05 * step, 2) for step in range(1, 20))


@dataclass
class Counts:
    """Right candidates of all candidates, found gold items of all gold items."""

    right: int = 0
    candidates: int = 0
    found: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        self.right += other.right
        self.candidates += other.candidates
        self.found += other.found
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.right / self.candidates if self.candidates else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    def f(self, beta: float = 1.0) -> float:
        p, r = self.precision, self.recall
        return (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0


@dataclass
class Evaluation:
    claims: dict[float, Counts] = field(default_factory=lambda: {t: Counts() for t in THRESHOLDS})
    baseline: Counts = field(default_factory=Counts)
    bodies: Counts = field(default_factory=Counts)
    amounts: Counts = field(default_factory=Counts)
    per_report: list[tuple[str, Counts, Counts, Counts, Counts]] = field(default_factory=list)
    model_threshold: float = 0.2

    @property
    def recall_threshold(self) -> float:
        """The threshold of best F2 (recall counts twice as much as precision): for reviewers who prefer
        deleting a wrong candidate to missing a claim."""
        return max(THRESHOLDS, key=lambda t: (round(self.claims[t].f(2.0), 6), -t))

    def table(self) -> str:
        """The README table: precision, recall and F1 per kind, pooled over the five folds."""
        chosen, default = self.recall_threshold, 0.5
        rows = [
            ("claims (passage and polarity), classifiers, threshold 0.5", self.claims[default]),
            (f"claims, classifiers, recall threshold {chosen:.2f}", self.claims[chosen]),
            ("claims, keyword baseline", self.baseline),
            ("bodies (gazetteer and name patterns)", self.bodies),
            ("funding amounts", self.amounts),
        ]
        lines = ["| kind | precision | recall | F1 | right / candidates | found / gold |",
                 "|---|---:|---:|---:|---:|---:|"]
        for name, counts in rows:
            lines.append(f"| {name} | {counts.precision:.2f} | {counts.recall:.2f} | {counts.f():.2f} | "
                         f"{counts.right} / {counts.candidates} | {counts.found} / {counts.gold} |")
        lines += ["", "Per report (left out), claims at the recall threshold, baseline, bodies and amounts (F1 / "
                  "recall):", "", "| report | claims F1 | baseline F1 | bodies recall | amounts recall |",
                  "|---|---:|---:|---:|---:|"]
        for report_id, _, _, bodies, amounts in self.per_report:
            claims = self._per_report_claims[report_id]
            baseline = self._per_report_baseline[report_id]
            amount = f"{amounts.recall:.2f}" if amounts.gold else "– (none curated)"
            lines.append(f"| `{report_id[:3]}` | {claims.f():.2f} | {baseline.f():.2f} | {bodies.recall:.2f} | "
                         f"{amount} |")
        lines += ["", "Precision–recall curve of the claim detector (pooled leave-one-report-out):", "",
                  "| threshold | precision | recall | F1 | F2 |", "|---:|---:|---:|---:|---:|"]
        for threshold in THRESHOLDS[1::2]:
            counts = self.claims[threshold]
            mark = " ← chosen" if threshold == chosen else ""
            lines.append(f"| {threshold:.2f}{mark} | {counts.precision:.2f} | {counts.recall:.2f} | {counts.f():.2f} | "
                         f"{counts.f(2.0):.2f} |")
        if chosen not in THRESHOLDS[1::2]:
            counts = self.claims[chosen]
            lines.append(f"| {chosen:.2f} ← chosen | {counts.precision:.2f} | {counts.recall:.2f} | "
                         f"{counts.f():.2f} | {counts.f(2.0):.2f} |")
        return "\n".join(lines)

    def curve_csv(self) -> str:
        lines = ["threshold,precision,recall,f1,f2"]
        for threshold in THRESHOLDS:
            c = self.claims[threshold]
            lines.append(f"{threshold:.2f},{c.precision:.4f},{c.recall:.4f},{c.f():.4f},{c.f(2.0):.4f}")
        return "\n".join(lines) + "\n"

    _per_report_claims: dict[str, Counts] = field(default_factory=dict)
    _per_report_baseline: dict[str, Counts] = field(default_factory=dict)


def _units(gold: ReportGold) -> set[tuple[int, int, str]]:
    return {(start, end, claim.polarity) for claim in gold.claims for start, end in claim.passages}


def claim_counts(gold: ReportGold, predicted: list[tuple[Sentence | ClaimCandidate, str]]) -> Counts:
    """Counts for candidates given as (a span, its polarity)."""
    units = _units(gold)
    right = sum(1 for span, polarity in predicted
                if any(span.start < e and s < span.end and polarity == p for s, e, p in units))
    found = sum(1 for s, e, p in units
                if any(span.start < e and s < span.end and polarity == p for span, polarity in predicted))
    return Counts(right, len(predicted), found, len(units))


def keyword_baseline(gold: ReportGold) -> Counts:
    predicted: list[tuple[Sentence | ClaimCandidate, str]] = [
        (s, "hinders" if DIFFICULTY.search(s.text) else "enables") for s in sentences(gold.text) if CUE.search(s.text)]
    return claim_counts(gold, predicted)


def _same_body(candidate: BodyCandidate, body: KnownBody) -> bool:
    if candidate.body_id == body.id:
        return True
    names = {normalised_name(n) for n in (body.label, *body.alt_labels)}
    name = normalised_name(candidate.name)
    if name in names or (candidate.acronym and normalised_name(candidate.acronym) in names):
        return True
    return any((name in other or other in name) and min(len(name.split()), len(other.split())) >= 2
               for other in names)


def body_counts(candidates: list[BodyCandidate], gold: list[KnownBody]) -> Counts:
    return Counts(sum(1 for c in candidates if any(_same_body(c, b) for b in gold)), len(candidates),
                  sum(1 for b in gold if any(_same_body(c, b) for c in candidates)), len(gold))


def evaluate(data: TrainingData, on_step: Callable[[str], None] | None = None) -> Evaluation:
    """Leave each report out in turn, train on the others and score the candidates for it."""
    evaluation = Evaluation()
    for report_id, gold in data.reports.items():
        if on_step:
            on_step(f"Report {report_id}: training on the other {len(data.reports) - 1}, extracting from it")
        training = data.without(report_id)
        model = train(training)
        evaluation.model_threshold = model.threshold
        report = ExtractedText(report_id, "text/plain", gold.text, [Segment(0, len(gold.text), 0)])
        extraction = extract(report, model, threshold=min(THRESHOLDS))
        per_threshold = {}
        for threshold in THRESHOLDS:
            kept: list[tuple[Sentence | ClaimCandidate, str]] = [
                (c, c.polarity) for c in extraction.claims if c.claim_probability >= threshold]
            counts = claim_counts(gold, kept)
            evaluation.claims[threshold].add(counts)
            per_threshold[threshold] = counts
        baseline = keyword_baseline(gold)
        evaluation.baseline.add(baseline)
        bodies = body_counts(extraction.bodies, [data.bodies[b] for b in sorted(gold.bodies)])
        evaluation.bodies.add(bodies)
        values = {f.amount for f in extraction.funding}
        gold_values = {a.value for a in gold.amounts}
        amounts = Counts(sum(1 for f in extraction.funding if f.amount in gold_values), len(extraction.funding),
                         sum(1 for a in gold.amounts if a.value in values), len(gold.amounts))
        evaluation.amounts.add(amounts)
        evaluation.per_report.append((report_id, per_threshold[0.5], baseline, bodies, amounts))
        evaluation._per_report_claims[report_id] = per_threshold  # type: ignore[assignment]
        evaluation._per_report_baseline[report_id] = baseline
    chosen = evaluation.recall_threshold
    evaluation._per_report_claims = {rid: counts[chosen]  # type: ignore[index]
                                     for rid, counts in evaluation._per_report_claims.items()}
    return evaluation
