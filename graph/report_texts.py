"""The text of a source report, as the evidence offsets address it (code points into the corpus file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from collabkg.loaders.corpus import Corpus


@lru_cache(maxsize=16)
def report_text(corpus: Path, report_id: str) -> str | None:
    """The text of ``report_id`` in the corpus folder, or None when there is no such readable report."""
    text = Corpus(corpus).text(report_id)
    return text.text if text is not None else None


def split_at_passage(text: str, start: int, end: int) -> tuple[str, str, str] | None:
    """(before, passage, after) for character offsets ``start``..``end``, or None when they are out of range.

    >>> split_at_passage("one two three", 4, 7)
    ('one ', 'two', ' three')
    """
    if not 0 <= start <= end <= len(text):
        return None
    return text[:start], text[start:end], text[end:]
