"""Bodies a report names: the bodies of our graph, the forms of UK public-body names, acronyms the report
defines, and councils named by place in a list of councils; each linked to the graph's node when it is the
same body.

>>> gazetteer = Gazetteer([KnownBody("newcastle-city-council", "Newcastle City Council", "local-authority", ())])
>>> text = "The Department for Education (DfE) funded Newcastle City Council. The DfE said so."
>>> for body in gazetteer.bodies(text):
...     print(body.name, body.kind, body.body_id, len(body.mentions))
Department for Education government-body None 2
Newcastle City Council local-authority newcastle-city-council 1
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from collabkg.loaders.extraction.public_bodies import (
    ENGLAND,
    LONDON,
    NATIONAL,
    NATIONAL_ACRONYMS,
    SCOTLAND,
    WALES,
    council_place,
)
from collabkg.loaders.extraction.training_data import KnownBody

_CAP = r"(?:[A-Z][\w'’.-]*|[A-Z]{2,})"
#: a space inside a name: spaces or tabs, or one line break (a PDF's line may end inside a name), never a blank line
_SP = r"(?:[ \t]*\n[ \t]*|[ \t]+)"
_JOIN = rf"(?:{_SP}(?:of|and|for|upon|on|the|&|in|nan)\b)?{_SP}"
#: words that end an organisation's name, with the kind of body they suggest
HEADS: dict[str, str] = {
    "Council": "local-authority", "Corporation": "local-authority", "Combined Authority": "local-authority",
    "Health Board": "health-body", "NHS Trust": "health-body", "NHS Foundation Trust": "health-body",
    "Clinical Commissioning Group": "health-body", "CCG": "health-body", "Integrated Care Board": "health-body",
    "ICB": "health-body", "Integration Joint Board": "health-body",
    "Integrated Joint Board": "health-body", "Government": "government-body", "Agency": "government-body",
    "Inspectorate": "government-body", "Executive": "government-body", "Office": "government-body",
    "University": "research-organisation", "Research": "research-organisation", "Institute": "research-organisation",
    "Business School": "research-organisation", "Research Unit": "research-organisation",
    "Police": "other-body", "Constabulary": "other-body", "Fire and Rescue Service": "other-body",
    "Fire and Rescue Authority": "other-body", "School": "other-body", "Schools": "other-body", "College": "other-body",
    "Partnership": "other-body", "LEP": "other-body", "Alliance": "other-body", "Consortium": "other-body",
    "Association": "other-body",
    "Data Unit": "other-body", "Network": "other-body", "Trust": "voluntary-organisation",
    "Foundation": "voluntary-organisation", "Society": "voluntary-organisation", "Fellowship": "voluntary-organisation",
    "Charity": "voluntary-organisation", "Cymru": "voluntary-organisation", "Care and Repair": "voluntary-organisation",
    "Ltd": "private-company", "Limited": "private-company", "plc": "private-company",
}
_LEADS: dict[str, str] = {
    "Department for": "government-body", "Department of": "government-body", "Ministry of": "government-body",
    "University of": "research-organisation", "Institute of": "research-organisation",
    "Centre for": "research-organisation", "London Borough of": "local-authority",
    "Royal Borough of": "local-authority", "City and County of": "local-authority", "NHS": "health-body",
    "Office for": "government-body", "Mayor's Office for": "government-body",
    # Welsh forms: Coleg (college), Grŵp (a group of colleges or housing associations), Cyngor (council),
    # Prifysgol (university)
    "Coleg": "other-body", "Grŵp": "other-body", "Grwp": "other-body", "Cyngor": "local-authority",
    "Prifysgol": "research-organisation",
}
_HEAD_NAME = re.compile(
    rf"\b((?:{_CAP}{_JOIN}){{0,5}}{_CAP}{_SP}(?:{'|'.join(sorted(map(re.escape, HEADS), key=len, reverse=True))}))\b")
_LEAD_NAME = re.compile(
    rf"\b((?:{'|'.join(sorted(map(re.escape, _LEADS), key=len, reverse=True))}){_SP}{_CAP}(?:{_JOIN}{_CAP}){{0,4}})")
_LONDON_LIST = re.compile(rf"\bLondon Boroughs of ((?:{_CAP}(?:\s+(?:and\s+)?{_CAP})*?)(?:,\s*{_CAP}(?:\s+{_CAP})*)*,?"
                          rf"\s+and\s+{_CAP}(?:\s+{_CAP})*)")
_ACRONYM = re.compile(r"\s*\(([A-Z][A-Za-z&]{1,9})\)")
_COUNCIL_CONTEXT = re.compile(r"\b(councils|authorities|local authority|boroughs|LAs)\b", re.I)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]|\n|$)")
_STOP_LEADING = re.compile(r"^(?:The|This|These|Each|All|Both|A|An|In|For|Of|With|By|And|Our|Their|Its)\s+")
#: names that end like a body but are parts of one: governance units, not bodies
_NOT_BODIES = re.compile(r"\b(?:Programme|Project|Board|Committee|Group|Team|Panel|Forum)\s+\w+$")


_ENDS_LIKE_A_BODY = re.compile(rf"(?:{'|'.join(map(re.escape, HEADS))})$")
_STARTS_LIKE_A_BODY = re.compile(rf"(?:{'|'.join(map(re.escape, _LEADS))})\s")
_NOT_A_BODY_HEAD = re.compile(r"\b(?:Fund|Grant|Programme|Project|Scheme|Initiative|Strategy|Plan|Framework|"
                              r"Children|People|Model|Review|Report|Act)$")
_DEFINED = re.compile(rf"((?:[A-Z][\w'’-]*{_SP}(?:(?:of|for|and|the|in|&){_SP})?){{1,8}})\(([A-Z][A-Za-z]{{2,7}})\)")


def _defined_name(match: re.Match[str]) -> _Hit | None:
    """A name the report defines an acronym for, "Wales Council for Voluntary Action (WCVA)", when the
    acronym is the initials of the name's last capitalised words."""
    acronym = match.group(2).upper()
    words = match.group(1).split()
    capitals = [index for index, word in enumerate(words) if word[0].isupper()]
    if len(capitals) < len(acronym):
        return None
    first = capitals[-len(acronym)]
    if "".join(words[i][0] for i in capitals[-len(acronym):]).upper() != acronym:
        return None
    prefix = match.group(1)
    offset = 0
    for index, word in enumerate(words[:first + 1]):
        offset = prefix.index(word, offset) + (len(word) if index < first else 0)
    start, end = match.start(1) + offset, match.start(1) + len(prefix.rstrip())
    name = " ".join(match.string[start:end].split())
    if _NOT_A_BODY_HEAD.search(name):
        return None  # a fund, grant or programme: a funding stream or a project, not a body
    kind = next((k for head, k in HEADS.items() if name.endswith(head)), "other-body")
    return _Hit(start, end, name, kind, 0.5)


def _parts(start: int, name: str) -> list[tuple[int, str]]:
    """Two bodies joined by "and" ("Angus Council and Dundee City Council", "Coleg Cambria and Coleg Gwent")
    are two names; a name with "and" inside ("Perth and Kinross Council") is one."""
    pieces, position = [], 0
    for separator in re.finditer(r",[ \t]+(?:and[ \t]+)?|[ \t]+and[ \t]+", name):
        pieces.append((position, name[position:separator.start()]))
        position = separator.end()
    pieces.append((position, name[position:]))
    if len(pieces) > 1 and all(_ENDS_LIKE_A_BODY.search(piece) or _STARTS_LIKE_A_BODY.match(piece)
                               for _, piece in pieces):
        return [(start + offset, piece.strip()) for offset, piece in pieces]
    return [(start, name)]


def _name_pattern(name: str) -> str:
    """A regular expression for a name as reports write it: an apostrophe straight or curly, "&" or "and",
    a hyphen or a space between words, a space or none between letters and digits, and a line break where
    a space is.

    >>> pattern = re.compile(_name_pattern("Barnardo's"))
    >>> bool(pattern.fullmatch("Barnardo’s")), bool(re.fullmatch(_name_pattern("Catch22"), "Catch 22"))
    (True, True)
    >>> bool(re.fullmatch(_name_pattern("Stockton-on-Tees Borough Council"), "Stockton on Tees Borough\\nCouncil"))
    True
    """
    pieces = []
    for index, character in enumerate(name):
        if character in "'’":
            pieces.append("['’]")
        elif character in " -":
            pieces.append(rf"(?:{_SP}|-)")
        elif character == "&":
            pieces.append("(?:&|and)")
        else:
            if index and name[index - 1].isalpha() != character.isalpha() and name[index - 1].isalnum() \
                    and character.isalnum():
                pieces.append("[ ]?")  # "Catch22" and "Catch 22"
            pieces.append(re.escape(character))
    return "".join(pieces)


def normalised_name(name: str) -> str:
    """A body's name in the form names are compared in.

    >>> normalised_name("The  Children’s Society"), normalised_name("City & County of Swansea")
    ("children's society", 'city and county of swansea')
    """
    name = name.replace("’", "'").replace("&", " and ").lower()
    name = re.sub(r"[^\w' -]", " ", name)
    name = " ".join(name.split())
    return name.removeprefix("the ")


def _key(name: str) -> str:
    """The form the gazetteer looks names up in: :func:`normalised_name`, with hyphens as spaces and no space
    between letters and digits, the variants :func:`_name_pattern` lets a name be written in."""
    return re.sub(r"(?<=[^\W\d])\s(?=\d)|(?<=\d)\s(?=[^\W\d])", "", normalised_name(name).replace("-", " "))


@dataclass
class BodyCandidate:
    name: str
    kind: str
    body_id: str | None
    confidence: float
    mentions: list[tuple[int, int]] = field(default_factory=list)
    acronym: str | None = None


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    name: str
    kind: str
    confidence: float


class Gazetteer:
    """Bodies to recognise: the graph's (``known``) and the public bodies of :mod:`public_bodies`."""

    def __init__(self, known: Iterable[KnownBody]) -> None:
        self.known = {body.id: body for body in known}
        self.by_name: dict[str, str] = {}
        for body in self.known.values():
            for name in (body.label, *body.alt_labels):
                self.by_name.setdefault(_key(name), body.id)
        self.official: dict[str, tuple[str, str]] = {}
        for name in (*WALES, *SCOTLAND, *LONDON, *ENGLAND):
            self.official[_key(name)] = (name, "local-authority")
        for name, kind in NATIONAL:
            self.official[_key(name)] = (name, kind)
        # the short forms reports use without spelling them out ("a representative of the WCVA")
        acronyms = {acronym: self.official[_key(name)] for acronym, name in NATIONAL_ACRONYMS.items()}
        # councils by place, for lists such as "the six councils: Anglesey, Conwy, ..."
        self.places: dict[str, tuple[str, str]] = {}
        for name, kind in list(self.official.values()) + [(b.label, b.kind) for b in self.known.values()]:
            if kind == "local-authority":
                self.places[council_place(name)] = (name, kind)
        self.official.update({_key(acronym): named for acronym, named in acronyms.items()})
        exact = sorted({n for b in self.known.values() for n in (b.label, *b.alt_labels)}
                       | {name for name, _ in self.official.values()}, key=len, reverse=True)
        alternatives = "|".join(_name_pattern(n) for n in exact if len(n) > 1)
        self._exact = re.compile(r"(?<![\w'’])(" + alternatives + r")(?![\w'’])")
        # a short form in brackets defines itself for the name before it, and is one mention with that name
        self._short = re.compile(r"(?<![\w'’(])(" + "|".join(map(re.escape, acronyms)) + r")(?![\w'’)])")
        places = sorted(self.places, key=len, reverse=True)
        self._places = re.compile(r"\b(" + "|".join(re.escape(p) for p in places) + r")\b")

    def link(self, name: str) -> str | None:
        """The id of the graph's body with this name, or None when it is a body the graph does not hold."""
        key = _key(name)
        if key in self.by_name:
            return self.by_name[key]
        if key in self.official:
            return self.by_name.get(_key(self.official[key][0]))
        return None

    def _kind(self, name: str, default: str) -> str:
        body_id = self.link(name)
        if body_id is not None:
            return self.known[body_id].kind
        official = self.official.get(_key(name))
        return official[1] if official else default

    def _hits(self, text: str) -> list[_Hit]:
        hits: list[_Hit] = []
        for match in (*self._exact.finditer(text), *self._short.finditer(text)):
            name = match.group(1)
            name = " ".join(name.split())
            hits.append(_Hit(match.start(1), match.end(1), name, self._kind(name, "other-body"), 0.95))
        for pattern, kinds in ((_HEAD_NAME, HEADS), (_LEAD_NAME, _LEADS)):
            for match in pattern.finditer(text):
                start, name = match.start(1), match.group(1)
                leading = _STOP_LEADING.match(name)
                while leading:
                    start, name = start + leading.end(), name[leading.end():]
                    leading = _STOP_LEADING.match(name)
                if len(name.split()) < 2 or _NOT_BODIES.search(name) or "\n\n" in name:
                    continue
                for part_start, raw in _parts(start, name):
                    raw = raw.rstrip(".")  # the sentence's full stop, which a capitalised word may take along
                    part = " ".join(raw.split())
                    kind = next((k for word, k in sorted(kinds.items(), key=lambda i: -len(i[0]))
                                 if part.endswith(word) or part.startswith(word)), "other-body")
                    hits.append(_Hit(part_start, part_start + len(raw), part, self._kind(part, kind), 0.7))
        for match in _DEFINED.finditer(text):
            hit = _defined_name(match)
            if hit is not None:
                hits.append(hit)
        for match in _LONDON_LIST.finditer(text):
            for place in re.finditer(rf"{_CAP}(?:\s+(?!and\b){_CAP})*", match.group(1)):
                name = f"London Borough of {place.group()}"
                start = match.start(1) + place.start()
                hits.append(_Hit(start, start + len(place.group()), name, "local-authority", 0.85))
        for sentence in _SENTENCE.finditer(text):
            # a council's place in a list of councils is the council; elsewhere it may be only the place
            confidence = 0.6 if _COUNCIL_CONTEXT.search(sentence.group()) else 0.35
            for match in self._places.finditer(text, sentence.start(), sentence.end()):
                name, kind = self.places[match.group(1)]
                hits.append(_Hit(match.start(1), match.end(1), name, kind, confidence))
        return hits

    def bodies(self, text: str) -> list[BodyCandidate]:
        """Every body the text names, with each place it names it, in order of first mention."""
        hits = sorted(self._hits(text), key=lambda h: (h.start, -(h.end - h.start), -h.confidence))
        kept: list[_Hit] = []
        for hit in hits:
            if kept and hit.start < kept[-1].end:
                continue  # the longer name at the same place wins
            kept.append(hit)
        found: dict[str, BodyCandidate] = {}
        acronyms: dict[str, str] = {}
        for hit in kept:
            body_id = self.link(hit.name)
            key = body_id or _key(self.official.get(_key(hit.name), (hit.name,))[0])
            name = self.known[body_id].label if body_id else self.official.get(_key(hit.name),
                                                                                 (hit.name,))[0]
            candidate = found.setdefault(key, BodyCandidate(name, hit.kind, body_id, hit.confidence))
            candidate.confidence = max(candidate.confidence, hit.confidence)
            candidate.mentions.append((hit.start, hit.end))
            acronym = _ACRONYM.match(text, hit.end)
            if acronym and acronym.group(1) not in acronyms:
                acronyms[acronym.group(1)] = key
                candidate.acronym = candidate.acronym or acronym.group(1)
        taken = [(h.start, h.end) for h in kept]
        for short_name, key in acronyms.items():
            for match in re.finditer(rf"(?<![\w(]){re.escape(short_name)}(?![\w)])", text):
                if not any(s <= match.start() < e for s, e in taken):
                    found[key].mentions.append((match.start(), match.end()))
        for candidate in found.values():
            candidate.mentions.sort()
            # named more than once: more likely a body the report is about than a passing phrase
            if len(candidate.mentions) > 1:
                candidate.confidence = min(0.99, candidate.confidence + 0.05 * (len(candidate.mentions) - 1))
        return sorted(found.values(), key=lambda c: c.mentions[0])
