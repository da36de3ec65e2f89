"""Causal claims: sentence classifiers trained with scikit-learn on the curated claims (is the sentence a
claim; its polarity; factor and outcome categories; modality; evidence type), the report's other sentences
as negatives; cause and effect from the sentence's causal wording.

The detector and the polarity classifier read the sentence in its context (:mod:`claim_features`: word
and character n-grams, causal wording, shape, the words of the sentences either side) with a class-balanced
logistic regression; the other classifiers read the words of the sentences that hold a claim.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from collabkg.loaders.claim_rules import bad_state
from collabkg.loaders.extraction.claim_features import (
    BACKWARD,
    FORWARD,
    SentenceFeatures,
    SentenceInContext,
    in_context,
)
from collabkg.loaders.extraction.text_units import Sentence, normalised, sentences
from collabkg.loaders.extraction.training_data import ReportGold
from collabkg.ontology.terms import CKG, FACTOR_PREFIX, OUTCOME_PREFIX, SKOS, schemes_graph

#: probability above which a sentence is a claim candidate; chosen by `collabkg evaluate` as the threshold of
#: best F2 (recall weighs twice precision) over leave-one-report-out predictions, for reviewers who would
#: rather delete a wrong candidate than miss a claim
RECALL_THRESHOLD = 0.2
#: a second polarity is proposed when the sentence's hinders probability is this close to even
POLARITY_BAND = 0.1
MIN_WORDS = 4
LABELS = ("factor", "outcome", "modality", "evidence")


@dataclass(frozen=True)
class SentenceExample:
    sentence: SentenceInContext
    is_claim: bool
    polarity: str | None = None
    factor: str | None = None
    outcome: str | None = None
    modality: str | None = None
    evidence: str | None = None

    @property
    def text(self) -> str:
        return self.sentence.text


def _most_common(values: Iterable[str]) -> str | None:
    counts = Counter(values)
    return counts.most_common(1)[0][0] if counts else None


def sentence_examples(gold: ReportGold) -> list[SentenceExample]:
    """Each sentence of the report, labelled from the curated claims whose passages it overlaps."""
    examples = []
    found = sentences(gold.text)
    for sentence, context in zip(found, in_context(found), strict=True):
        claims = [c for c in gold.claims if any(sentence.overlaps(s, e) for s, e in c.passages)]
        examples.append(SentenceExample(
            context, bool(claims), _most_common(c.polarity for c in claims),
            _most_common(f for c in claims for f in c.factors[:1]),
            _most_common(o for c in claims for o in c.outcomes[:1]),
            _most_common(c.modality for c in claims), _most_common(e for c in claims for e in c.evidence[:1])))
    return examples


def _pipeline(in_context: bool, strength: float, tolerance: float = 1e-4) -> Any:
    """A class-balanced logistic regression on :class:`SentenceFeatures` (``in_context``: it reads
    :class:`SentenceInContext`) or on the words of the sentence alone (it reads strings)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    features = SentenceFeatures() if in_context else TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    # liblinear fits the binary classifiers in seconds; the many-class label classifiers use lbfgs with a
    # looser tolerance, which keeps training the whole model under a quarter of a minute
    solver = "liblinear" if in_context else "lbfgs"
    return make_pipeline(features, LogisticRegression(C=strength, class_weight="balanced", max_iter=1000,
                                                      solver=solver, tol=tolerance))


class ClaimClassifiers:
    """The detector and the label classifiers, fitted together."""

    def __init__(self) -> None:
        self.detector: Any = None
        self.polarity: Any = None
        self.labels: dict[str, Any] = {}

    def fit(self, examples: list[SentenceExample]) -> ClaimClassifiers:
        self.detector = _pipeline(True, 4.0).fit([e.sentence for e in examples], [e.is_claim for e in examples])
        claims = [e for e in examples if e.is_claim]
        self.polarity = _pipeline(True, 10.0).fit([e.sentence for e in claims], [e.polarity for e in claims])
        for name in LABELS:
            labelled = [e for e in claims if getattr(e, name)]
            self.labels[name] = _pipeline(False, 1.0, 1e-3).fit([e.text for e in labelled],
                                                          [getattr(e, name) for e in labelled])
        return self

    def claim_probabilities(self, found: list[SentenceInContext]) -> list[float]:
        if not found:
            return []
        column = list(self.detector.classes_).index(True)
        return [float(p) for p in self.detector.predict_proba(found)[:, column]]

    def hinders_probabilities(self, found: list[SentenceInContext]) -> list[float]:
        if not found:
            return []
        column = list(self.polarity.classes_).index("hinders")
        return [float(p) for p in self.polarity.predict_proba(found)[:, column]]

    def predict_labels(self, texts: list[str]) -> dict[str, list[tuple[str, float]]]:
        """For each label, each text's most probable value and its probability."""
        predicted: dict[str, list[tuple[str, float]]] = {}
        for name, model in self.labels.items():
            if not texts:
                predicted[name] = []
                continue
            probabilities = model.predict_proba(texts)
            classes = list(model.classes_)
            predicted[name] = [(str(classes[row.argmax()]), float(row.max())) for row in probabilities]
        return predicted


@dataclass(frozen=True)
class ClaimCandidate:
    start: int
    end: int
    polarity: str
    cause: str
    effect: str
    factor: str
    outcome: str
    modality: str
    evidence: str
    confidence: float  # the detector's probability times the polarity's
    claim_probability: float = 0.0


_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|these|those|its|their|it|there|which|and|but|however|also)\s+",
                          re.I)
_CLAUSE = re.compile(r"[,;:()–—]|\s-\s|\bthat\b|\bwhich\b|\bwhile\b|\bwhere\b|\bbut\b")


def _phrase(text: str, last: bool) -> str:
    parts = [p.strip(" .\"'“”‘’") for p in _CLAUSE.split(text) if p and p.strip(" .\"'“”‘’")]
    if not parts:
        return ""
    phrase = parts[-1] if last else parts[0]
    previous = None
    while previous != phrase:
        previous, phrase = phrase, _DETERMINERS.sub("", phrase)
    words = phrase.split()
    return " ".join(words[-8:] if last else words[:8])


def cause_and_effect(sentence: str) -> tuple[str, str] | None:
    """Cause and effect phrases from the sentence's causal wording, or None when it has none.

    >>> cause_and_effect("Staff turnover slowed the pace of decisions.")
    ('Staff turnover', 'pace of decisions')
    >>> cause_and_effect("Progress was quick because of strong leadership.")
    ('strong leadership', 'Progress was quick')
    """
    text = normalised(sentence)
    backward = BACKWARD.search(text)
    if backward:
        cause, effect = _phrase(text[backward.end():], False), _phrase(text[:backward.start()], True)
    else:
        forward = FORWARD.search(text)
        if not forward:
            return None
        cause, effect = _phrase(text[:forward.start()], True), _phrase(text[forward.end():], False)
    # a phrase of one word ("has", "with") is the cue's grammar, not a cause or an effect
    if len(cause.split()) < 2 or len(effect.split()) < 2:
        return None
    return cause, effect


@cache
def concept_label(prefix: str, concept_id: str) -> str:
    """The preferred label of a factor or outcome concept, e.g. ``concept_label("factor-", "leadership")``."""
    graph = schemes_graph()
    label = graph.value(CKG[prefix + concept_id], SKOS.prefLabel)
    return str(label) if label is not None else concept_id.replace("-", " ")


def classify(classifiers: ClaimClassifiers, found: list[Sentence], threshold: float,
             contexts: list[SentenceInContext] | None = None) -> list[ClaimCandidate]:
    """Claim candidates among ``found`` sentences: those the detector scores at ``threshold`` or above.
    ``contexts`` are the sentences with their neighbours in the report (:func:`in_context` of the whole
    report's sentences, sliced like ``found``); without them ``found`` is taken to be the whole report."""
    contexts = in_context(found) if contexts is None else contexts
    texts = [context.text for context in contexts]
    probabilities = classifiers.claim_probabilities(contexts)
    # a "sentence" of one or two words (a list number, a heading) states no link between two things
    chosen = [i for i, p in enumerate(probabilities) if p >= threshold and len(texts[i].split()) >= MIN_WORDS]
    chosen_texts = [texts[i] for i in chosen]
    hinders = classifiers.hinders_probabilities([contexts[i] for i in chosen])
    labels = classifiers.predict_labels(chosen_texts)
    candidates = []
    for row, index in enumerate(chosen):
        sentence = found[index]
        factor, outcome = labels["factor"][row][0], labels["outcome"][row][0]
        modality, evidence = labels["modality"][row][0], labels["evidence"][row][0]
        polarities = [p for p, keep in (("enables", hinders[row] < 0.5 + POLARITY_BAND),
                                        ("hinders", hinders[row] >= 0.5 - POLARITY_BAND)) if keep]
        spans = cause_and_effect(sentence.text)
        for polarity in polarities:
            cause, effect = spans if spans else (concept_label(FACTOR_PREFIX, factor),
                                                 concept_label(OUTCOME_PREFIX, outcome))
            if polarity == "hinders" and bad_state(effect) is not None:
                effect = concept_label(OUTCOME_PREFIX, outcome)  # name what is moved, not the bad state
            polarity_probability = hinders[row] if polarity == "hinders" else 1 - hinders[row]
            candidates.append(ClaimCandidate(sentence.start, sentence.end, polarity, cause, effect, factor, outcome,
                                             modality, evidence,
                                             round(probabilities[index] * polarity_probability, 3),
                                             probabilities[index]))
    return candidates
