"""Curation rules for claims that the build enforces across case files (cases/README.md, "Claims: what
counts"): an effect names what is moved, never a bad state; one finding is one claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

#: words that name a bad state; "X hinders <one of these>" reads the opposite of what the report says
BAD_STATE_WORDS = frozenset("""
delay delays delayed lack lacking tension tensions failure failures fail failed failing conflict conflicts
problem problems difficulty difficulties barrier barriers risk risks confusion duplication frustration
frustrations resistance derailed ineffective inability unable couldn't cannot can't slow slower slowed
slowing loss mistrust distrust reluctance suspicion anxiety anxieties gap gaps disruption fragmentation silo
silos isolation burden pressure pressures waste uncertainty turnover shortage shortages breakdown dependency
poor worse weak low fewer
""".split())
_PHRASES = ("lack of", "loss of")


@dataclass(frozen=True)
class ClaimRecord:
    """What the rules need of one claim, with where it was written."""

    report: str
    path: str
    line: int | None
    entry: str
    cause: str
    effect: str
    polarity: str
    factors: frozenset[str]
    outcomes: frozenset[str]
    context: str | None
    passages: tuple[tuple[int, int, str], ...]  # (start, end, quote)


def _words(text: str) -> list[str]:
    cleaned = "".join(ch.lower() if ch.isalnum() or ch == "'" else " " for ch in text.replace("’", "'"))
    return cleaned.split()


def bad_state(effect: str) -> str | None:
    """The word of ``effect`` that names a bad state, if any.

    >>> bad_state("tensions between organisations")
    'tensions'
    >>> bad_state("pace of decisions") is None
    True
    """
    words = _words(effect)
    joined = " ".join(words)
    for phrase in _PHRASES:
        if joined.startswith(phrase + " ") or f" {phrase} " in f" {joined} ":
            return phrase
    return next((word for word in words if word in BAD_STATE_WORDS), None)


def _similar(first: str, second: str) -> bool:
    """Near-identical passages: one contains the other, or they share almost all their words."""
    a, b = _words(first), _words(second)
    if min(len(a), len(b)) < 6:
        return a == b
    shorter, longer = (" ".join(a), " ".join(b)) if len(a) <= len(b) else (" ".join(b), " ".join(a))
    if shorter in longer:
        return True
    set_a, set_b = set(a), set(b)
    return len(set_a & set_b) / len(set_a | set_b) >= 0.85


def duplicate_findings(records: list[ClaimRecord]) -> list[tuple[ClaimRecord, ClaimRecord]]:
    """Pairs of claims of one report that state the same finding in near-identical passages: same
    polarity, categories and context, at different places of the report (claims whose passages overlap are
    the several cause-effect pairs of one place, not one finding counted twice)."""
    groups: dict[tuple[object, ...], list[ClaimRecord]] = {}
    for record in records:
        key = (record.report, record.polarity, record.factors, record.outcomes, record.context)
        groups.setdefault(key, []).append(record)
    pairs = []
    for group in groups.values():
        for first, second in combinations(group, 2):
            if any(s1 < e2 and s2 < e1 for s1, e1, _ in first.passages for s2, e2, _ in second.passages):
                continue
            if any(_similar(q1, q2) for _, _, q1 in first.passages for _, _, q2 in second.passages):
                pairs.append((first, second))
    return pairs
