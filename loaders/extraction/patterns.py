"""Collaborations, their members, governance units and reporting lines, found by naming patterns and
membership statements.

>>> from collabkg.loaders.extraction.gazetteer import Gazetteer
>>> text = ("The Tayside Collaborative is a partnership between Angus Council and Dundee City Council. "
...         "The Tayside Collaborative Board reports to the Tayside Collaborative. The Tayside Collaborative met.")
>>> found = find_structure(text, Gazetteer([]).bodies(text))
>>> found.collaborations[0].name, [(m.body.name, m.role) for m in found.memberships]
('Tayside Collaborative', [('Angus Council', 'member'), ('Dundee City Council', 'member')])
>>> [(u.name, found.collaborations[line.target].name) for u in found.units for line in found.reporting_lines]
[('Tayside Collaborative Board', 'Tayside Collaborative')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from collabkg.loaders.extraction.gazetteer import BodyCandidate, normalised_name
from collabkg.loaders.extraction.text_units import Sentence, sentences

_CAP = r"(?:[A-Z][\w'’-]*|[A-Z]{2,})"
_SP = r"(?:[ \t]*\n[ \t]*|[ \t]+)"  # spaces, or one line break: never a blank line
_JOIN = rf"(?:{_SP}(?:of|and|for|the|&|in|on)\b)?{_SP}"
_COLLABORATION = re.compile(
    rf"\b((?:{_CAP}{_JOIN}){{1,6}}(?:Collaboration|Collaborative|Partnership|Programme|Consortium|Alliance|"
    rf"Combined Authority|Joint Committee|Shared Service|Project))\b")
_UNIT = re.compile(
    rf"\b((?:{_CAP}{_JOIN}){{1,6}}(?:Programme Board|Partnership Board|Project Board|Steering Group|Working Group|"
    rf"Sub-[Gg]roup|Board|Group|Committee|Team|Panel|Forum))\b")
_BODY_UNITS = re.compile(r"(Health Board|Joint Board|Consortium)$")
_LEADING = re.compile(r"^(?:(?:The|the|This|These|Each|All|Both|A|An|In|For|Of|With|By|And|Our|Their|Its|Under|As|At|"
                      r"Member|Members|of|and)\s+)+")
_MEMBERSHIP = re.compile(
    r"\b(members? (?:include|includes|are|were|was)|made up of|comprising|comprises|comprised|consists? of|"
    r"partnership (?:between|of)|collaboration (?:between|of|across)|partners (?:are|were|include)|"
    r"(?:led|hosted|chaired) by|brings? together|involving|across (?:the )?(?:\w+ )?(?:local authorities|councils))\b",
    re.I)
_REPORTS = re.compile(r"\b(reports? (?:in)?to|reported (?:in)?to|reporting (?:in)?to|accountable to|"
                      r"(?:is|are|was|were) a sub-?group of|overseen by)\b", re.I)


@dataclass
class NamedCandidate:
    name: str
    confidence: float
    mentions: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class MembershipCandidate:
    collaboration: int  # index into collaborations
    body: BodyCandidate
    role: str
    start: int
    end: int
    confidence: float


@dataclass(frozen=True)
class ReportingLine:
    unit: int  # index into units
    target: int  # index into collaborations (kind "collaboration") or units (kind "unit")
    target_kind: str
    start: int
    end: int
    confidence: float


@dataclass
class Structure:
    collaborations: list[NamedCandidate] = field(default_factory=list)
    memberships: list[MembershipCandidate] = field(default_factory=list)
    units: list[NamedCandidate] = field(default_factory=list)
    reporting_lines: list[ReportingLine] = field(default_factory=list)


def _names(pattern: re.Pattern[str], text: str, keep: int) -> list[NamedCandidate]:
    found: dict[str, NamedCandidate] = {}
    for match in pattern.finditer(text):
        start, name = match.start(1), match.group(1)
        leading = _LEADING.match(name)
        if leading:
            start, name = start + leading.end(), name[leading.end():]
        if len(name.split()) < 2:
            continue
        key = normalised_name(name)
        found.setdefault(key, NamedCandidate(" ".join(name.split()), 0.0)).mentions.append((start, start + len(name)))
    named = [c for c in found.values() if len(c.mentions) >= keep]
    for candidate in named:
        candidate.confidence = round(min(0.95, 0.4 + 0.1 * len(candidate.mentions)), 2)
    return sorted(named, key=lambda c: (-len(c.mentions), c.mentions[0]))


def _inside(span: tuple[int, int], sentence: Sentence) -> bool:
    return sentence.start <= span[0] and span[1] <= sentence.end


def find_structure(text: str, bodies: list[BodyCandidate], units_too: bool = True) -> Structure:
    """Collaborations named at least twice (or in a membership statement), their members, and units."""
    structure = Structure()
    collaborations = _names(_COLLABORATION, text, 1)
    units = [u for u in _names(_UNIT, text, 1) if not _BODY_UNITS.search(u.name)] if units_too else []
    body_names = {normalised_name(b.name) for b in bodies}
    units = [u for u in units if normalised_name(u.name) not in body_names]
    all_sentences = sentences(text)
    stated: set[int] = set()
    for sentence in all_sentences:
        statement = _MEMBERSHIP.search(sentence.text)
        if not statement:
            continue
        cue = sentence.start + statement.start()
        named = [i for i, c in enumerate(collaborations) if any(_inside(m, sentence) for m in c.mentions)]
        if not named:
            continue
        collaboration = named[0]
        role = {"led": "lead", "hosted": "host"}.get(statement.group(1).split()[0].lower(), "member")
        for body in bodies:
            if any(_inside(m, sentence) and m[0] > cue for m in body.mentions):
                if normalised_name(body.name) == normalised_name(collaborations[collaboration].name):
                    continue
                stated.add(collaboration)
                structure.memberships.append(MembershipCandidate(
                    collaboration, body, role, sentence.start, sentence.end, round(0.5 + body.confidence * 0.4, 2)))
    keep = [i for i, c in enumerate(collaborations) if len(c.mentions) >= 2 or i in stated]
    renumber = {old: new for new, old in enumerate(keep)}
    structure.collaborations = [collaborations[i] for i in keep]
    structure.memberships = [MembershipCandidate(renumber[m.collaboration], m.body, m.role, m.start, m.end,
                                                 m.confidence) for m in structure.memberships]
    if not structure.collaborations:
        return structure
    structure.units = units
    for sentence in all_sentences:
        cue = _REPORTS.search(sentence.text)
        if not cue:
            continue
        at = sentence.start + cue.start()
        before = [i for i, u in enumerate(units) if any(_inside(m, sentence) and m[1] <= at for m in u.mentions)]
        after_units = [i for i, u in enumerate(units) if any(_inside(m, sentence) and m[0] > at for m in u.mentions)]
        after_collaborations = [i for i, c in enumerate(structure.collaborations)
                                if any(_inside(m, sentence) and m[0] > at for m in c.mentions)]
        if not before:
            continue
        target: tuple[int, str] | None = None
        if after_units and after_units[0] != before[-1]:
            target = (after_units[0], "unit")
        elif after_collaborations:
            target = (after_collaborations[0], "collaboration")
        if target is not None:
            structure.reporting_lines.append(ReportingLine(before[-1], target[0], target[1], sentence.start,
                                                           sentence.end, 0.6))
    return structure
