"""Sentences of a report as spans of its text: the unit claims are classified and quoted in.

Blocks are separated by blank lines; a block is split after a full stop, question or exclamation mark
followed by a capital, a digit or an opening mark, and before each bullet line. Spans are trimmed of white
space, so ``text[start:end]`` is the sentence exactly as the report has it (line breaks included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK = re.compile(r"\n[ \t\f\v]*\n\s*")
_BREAK = re.compile(r"(?<=[.!?])[\"'’”)\]]*\s+(?=[A-Z0-9\"“‘(•–-])|(?P<bullet>\n(?=\s*(?:[-•*–▪●]|\d{1,2}[.)])\s))")
_BULLET_LINE = re.compile(r"\s*(?:[-•*–▪●]|\d{1,2}[.)])\s")
_WORD = re.compile(r"\w")
#: a block without sentence punctuation longer than this (a table turned into text) is cut at line breaks
_LONGEST = 700


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, in order.

    >>> [s.text for s in sentences("Heading\\n\\nThe board met. It agreed a plan.\\n- one item\\n- two")]
    ['Heading', 'The board met.', 'It agreed a plan.', '- one item', '- two']
    """
    found: list[Sentence] = []
    block_start = 0
    for block_end, next_start in [(m.start(), m.end()) for m in _BLOCK.finditer(text)] + [(len(text), len(text))]:
        _split_block(text, block_start, block_end, found)
        block_start = next_start
    return found


def _split_block(text: str, start: int, end: int, found: list[Sentence]) -> None:
    position = start
    cuts = [m.start() for m in _BREAK.finditer(text, start, end)
            if not m.group("bullet") or _starts_an_item(text, start, m.start())] + [end]
    for cut in cuts:
        piece_start, piece_end = _trimmed(text, position, cut)
        position = cut
        lines = text[piece_start:piece_end].split("\n")
        # a table turned into text has many short lines; a PDF paragraph has long wrapped ones
        if piece_end - piece_start > _LONGEST and sum(len(line) < 50 for line in lines) > len(lines) / 2:
            line_start = piece_start
            for line in re.finditer(r"\n", text[piece_start:piece_end]):
                s, e = _trimmed(text, line_start, piece_start + line.start())
                _add(text, s, e, found)
                line_start = piece_start + line.end()
            piece_start, piece_end = _trimmed(text, line_start, piece_end)
        _add(text, piece_start, piece_end, found)


def _starts_an_item(text: str, block_start: int, at: int) -> bool:
    """A line break before a bullet starts a list item when the line before ends a sentence or a lead-in
    (":"), or is an item itself, or the bullet is a bullet glyph; otherwise it is a dash or a number that a
    PDF's line wrapping put at the start of a line."""
    glyph = text[at + 1:at + 8].lstrip()[:1]
    previous_start = max(text.rfind("\n", block_start, at) + 1, block_start)
    previous = text[previous_start:at].rstrip()
    return (glyph in "•▪●" or previous.endswith((":", ";", ".", "!", "?"))
            or bool(_BULLET_LINE.match(previous)) or previous_start == block_start and len(previous) < 40)


def _add(text: str, start: int, end: int, found: list[Sentence]) -> None:
    if end > start and _WORD.search(text, start, end):
        found.append(Sentence(start, end, text[start:end]))


def normalised(text: str) -> str:
    """One line, single spaces: the form classifiers read and formats are compared in.

    >>> normalised("The  board\\nmet.")
    'The board met.'
    """
    return " ".join(text.split())
