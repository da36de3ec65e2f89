"""What the claim detector and the polarity classifier read of a sentence: its words (TF-IDF word 1–2-grams
and character 3–5-grams), its causal wording (cue words of the curation guide, words of difficulty, "X led to
Y" and "Y because of X" forms), its shape (length, list item, heading) and the words of the sentences either
side, since claims come in runs: a paragraph of findings, a list of enablers.

Nothing here reads where in the report a sentence is: reports put their findings in different places, and
a model that learnt our reports' layout would not carry over to a new one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from collabkg.loaders.extraction.text_units import Sentence, normalised

#: cue words of the curation guide: the wording a causal claim is made in
CUE = re.compile(
    r"\b(enabl\w*|hinder\w*|barriers?|led to|lead to|leads to|resulted in|result of|because|due to|helped|helps?|"
    r"key to|success factors?|contribut\w*|made it (?:difficult|easier|possible)|meant that|attributed to|"
    r"prevent\w*|slow\w*|delay\w*|without|facilitat\w*|allow\w*|ensur\w*|lack of|challeng\w*|difficult\w*|"
    r"improv\w*|impact\w*|benefit\w*|should)\b", re.I)
#: words of difficulty: what tells a hindrance from an enabler
DIFFICULTY = re.compile(
    r"\b(hinder\w*|barriers?|prevent\w*|slow\w*|delay\w*|lack\w*|challeng\w*|difficult\w*|problem\w*|risk\w*|not|"
    r"limited|constrain\w*|undermin\w*|reduc\w*|tension\w*|concern\w*)\b", re.I)
# where the cause comes before the cue ("X enabled Y") and where after ("Y because of X"); claims.py reads
# cause and effect from the same wording
FORWARD = re.compile(
    r"\b(led to|leads? to|lead to|resulted in|results? in|enabled|enables?|helped|helps?|has helped|contributed to|"
    r"contributes? to|made it (?:easier|more difficult|difficult|harder|possible)(?: for| to)?|meant that|means that|"
    r"allowed|allows?|ensured|ensures?|facilitated|facilitates?|supported|supports?|improved|improves?|hindered|"
    r"hinders?|prevented|prevents?|slowed|slows?|delayed|delays?|undermined|undermines?|(?:is|was|were|are) key to|"
    r"(?:is|was|were|are) (?:essential|crucial|critical|important|vital) (?:to|for|in)|(?:is|was|are|were) needed "
    r"(?:to|for)|created|limited|reduced|increased|strengthened|built|affected|impacted on|made)\b", re.I)
BACKWARD = re.compile(r"\b(because of|due to|(?:was|were|is|are) attributed to|as a result of|thanks to|owing to|"
                      r"(?:was|were|is|are) (?:driven|caused|hampered|hindered|helped|supported|enabled) by)\b", re.I)
_LIST_ITEM = re.compile(r"(?:[-•*–▪●]|\d{1,2}[.)]|[a-z][.)])\s")
#: the sentences either side weigh half as much as the sentence itself
NEIGHBOUR_WEIGHT = 0.5


@dataclass(frozen=True)
class SentenceInContext:
    """A sentence (normalised) with the sentences before and after it in the report ("" at either end)."""

    text: str
    previous: str = ""
    following: str = ""


def in_context(found: list[Sentence]) -> list[SentenceInContext]:
    """Each sentence of ``found`` (a whole report's, in order) with its neighbours.

    >>> from collabkg.loaders.extraction.text_units import sentences
    >>> [s.previous for s in in_context(sentences("One two. Three four. Five six."))]
    ['', 'One two.', 'Three four.']
    """
    texts = [normalised(s.text) for s in found]
    return [SentenceInContext(text, texts[i - 1] if i else "", texts[i + 1] if i + 1 < len(texts) else "")
            for i, text in enumerate(texts)]


def _heading_like(text: str) -> bool:
    return len(text.split()) <= 10 and text[:1].isupper() and not text.endswith((".", ":", ";", ","))


def wording(text: str) -> dict[str, float]:
    """The sentence's causal wording and shape, as named features.

    >>> sorted(wording("Staff turnover slowed decisions."))
    ['cue', 'difficulty', 'forward', 'length-0']
    """
    features = {name: 1.0 for name, pattern in (("cue", CUE), ("difficulty", DIFFICULTY), ("forward", FORWARD),
                                                 ("backward", BACKWARD), ("list-item", _LIST_ITEM))
                if (pattern.match(text) if pattern is _LIST_ITEM else pattern.search(text))}
    features[f"length-{min(6, len(text.split()) // 5)}"] = 1.0
    if _heading_like(text):
        features["heading"] = 1.0
    return features


class SentenceFeatures:
    """A scikit-learn transformer from :class:`SentenceInContext` to one sparse matrix of the features above."""

    def __init__(self, neighbours: bool = True) -> None:
        self.neighbours = neighbours

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"neighbours": self.neighbours}

    def set_params(self, **params: Any) -> SentenceFeatures:
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, rows: list[SentenceInContext], labels: Any = None) -> SentenceFeatures:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [row.text for row in rows]
        self.words_ = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(texts)
        self.characters_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True,
                                           max_features=60000).fit(texts)
        self.wording_ = DictVectorizer().fit([wording(text) for text in texts])
        self.context_ = TfidfVectorizer(min_df=2, sublinear_tf=True, max_features=20000).fit(
            [row.previous for row in rows] + [row.following for row in rows])
        return self

    def transform(self, rows: list[SentenceInContext]) -> Any:
        from scipy.sparse import hstack

        texts = [row.text for row in rows]
        parts = [self.words_.transform(texts), self.characters_.transform(texts),
                 self.wording_.transform([wording(text) for text in texts])]
        if self.neighbours:
            parts += [NEIGHBOUR_WEIGHT * self.context_.transform([row.previous for row in rows]),
                      NEIGHBOUR_WEIGHT * self.context_.transform([row.following for row in rows])]
        return hstack(parts).tocsr()

    def fit_transform(self, rows: list[SentenceInContext], labels: Any = None) -> Any:
        return self.fit(rows, labels).transform(rows)
