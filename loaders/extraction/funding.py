"""Funding: amounts in pounds in a sentence about money given or paid, with the funder, stream, period,
kind and status the sentence states.

>>> from collabkg.loaders.extraction.gazetteer import Gazetteer
>>> text = "The Welsh Government awarded a grant of £1.2m from the Regional Collaboration Fund for 2014-15."
>>> [found] = find_funding(text, Gazetteer([]).bodies(text))
>>> found.amount, found.funder.name, found.stream, found.kind, found.status, found.period, found.start_year
(Decimal('1200000'), 'Welsh Government', 'Regional Collaboration Fund', 'grant', 'actual', '2014-15', '2014')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from collabkg.loaders.extraction.gazetteer import BodyCandidate
from collabkg.loaders.extraction.text_units import Sentence, sentences

AMOUNT = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(million|billion|bn|m|k|K)\b)?")
_SCALE = {"million": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9, "k": 1000, "K": 1000}
_FUNDING = re.compile(r"\b(fund\w*|grants?|contribut\w*|budgets?|invest\w*|paid|pays?|awarded|allocat\w*|"
                      r"secondments?|commission\w*|contracts?|pooled|income|resourc\w*|spen[dt]|cost\w*|bid)\b", re.I)
_KINDS = (
    ("in-kind", re.compile(r"\b(in[- ]kind|secondments?|seconded|staff time|officer time)\b", re.I)),
    ("pooled-budget", re.compile(r"\b(pooled|aligned budgets?|section 33)\b", re.I)),
    ("member-contribution", re.compile(r"\b(contribut\w*|match[- ]fund\w*)\b", re.I)),
    ("contract", re.compile(r"\b(contracts?|commission\w*|procure\w*)\b", re.I)),
    ("other-income", re.compile(r"\b(income|charg\w*|traded|sold|sales)\b", re.I)),
)
_PROPOSED = re.compile(r"\b(will|would|planned|plans?|propos\w*|bid(?:s|ding)? for|recommend\w*|expected|intend\w*|"
                       r"could|should|available|potential|future)\b", re.I)
_STREAM = re.compile(r"\b((?:[A-Z][\w'’-]*(?:[ \t]*\n[ \t]*|[ \t]+)(?:(?:of|for|and|in)\s+)?){1,6}"
                     r"(?:Fund|Programme|Grant|Initiative|"
                     r"Challenge|Scheme))\b")
_FROM = re.compile(r"\b(from|by|funded by|provided by|grant from|awarded by)\s+(?:the\s+)?$", re.I)
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_PERIOD = re.compile(
    rf"\b({_MONTH}\s+(20\d\d)\s+(?:to|until|and|-|–)\s+{_MONTH}\s+(20\d\d)|(20\d\d)\s?[-–/]\s?(\d\d|20\d\d)\b|"
    r"(?:over|for)\s+(?:the\s+)?(?:\w+)\s+years?|per (?:annum|year)|annually|a year)", re.I)
_FUNDER_KINDS = ("government-body", "local-authority", "health-body", "voluntary-organisation", "other-body")
_SKIP_STREAM = re.compile(r"^(?:The|This|A|An)\s+")


@dataclass(frozen=True)
class FundingCandidate:
    amount: Decimal
    amount_start: int
    amount_end: int
    start: int  # the sentence: the evidence
    end: int
    funder: BodyCandidate | None
    stream: str | None
    kind: str
    status: str
    period: str | None
    start_year: str | None
    end_year: str | None
    confidence: float


def amount_value(match: re.Match[str]) -> Decimal | None:
    """The amount a match of :data:`AMOUNT` states, in pounds.

    >>> amount_value(AMOUNT.search("£1.5 million")), amount_value(AMOUNT.search("£20k"))
    (Decimal('1500000'), Decimal('20000'))
    """
    try:
        value = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:
        return None
    scale = match.group(2)
    value = value * _SCALE[scale] if scale else value
    return Decimal(int(value)) if value == value.to_integral_value() else value.quantize(Decimal("0.01"))


def _funder(sentence: Sentence, amount_at: int, bodies: list[BodyCandidate]) -> BodyCandidate | None:
    in_sentence = [(m, b) for b in bodies for m in b.mentions if sentence.start <= m[0] and m[1] <= sentence.end]
    if not in_sentence:
        return None
    for (start, _), body in sorted(in_sentence, key=lambda item: item[0]):
        if _FROM.search(sentence.text[:start - sentence.start]):
            return body
    funders = [(m, b) for m, b in in_sentence if b.kind in _FUNDER_KINDS]
    if not funders:
        return None
    return min(funders, key=lambda item: abs(item[0][0] - amount_at))[1]


def _period(text: str) -> tuple[str | None, str | None, str | None]:
    match = _PERIOD.search(text)
    if not match:
        return None, None, None
    if match.group(2):
        return match.group(1), match.group(2), match.group(3)
    if match.group(4):
        end = match.group(5)
        end = end if len(end) == 4 else match.group(4)[:2] + end
        return match.group(1), match.group(4), end
    return match.group(1), None, None


def find_funding(text: str, bodies: list[BodyCandidate]) -> list[FundingCandidate]:
    """Every amount in pounds stated in a sentence about funding."""
    found: list[FundingCandidate] = []
    for sentence in sentences(text):
        if "£" not in sentence.text or not _FUNDING.search(sentence.text):
            continue
        for match in AMOUNT.finditer(sentence.text):
            value = amount_value(match)
            if value is None or value <= 0:
                continue
            at = sentence.start + match.start()
            kind = next((name for name, pattern in _KINDS if pattern.search(sentence.text)), "grant")
            stream_match = _STREAM.search(sentence.text)
            stream = " ".join(_SKIP_STREAM.sub("", stream_match.group(1)).split()) if stream_match else None
            period, start_year, end_year = _period(sentence.text)
            funder = _funder(sentence, at, bodies)
            confidence = 0.45 + (0.2 if funder else 0) + (0.15 if stream else 0) + (0.1 if period else 0)
            found.append(FundingCandidate(
                value, at, sentence.start + match.end(), sentence.start, sentence.end, funder, stream, kind,
                "proposed" if _PROPOSED.search(sentence.text) else "actual", period, start_year, end_year,
                round(confidence, 2)))
    return found
