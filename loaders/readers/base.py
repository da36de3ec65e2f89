"""The small base every report reader shares: the text it returns, with a map back to the source.

A reader turns one kind of file into one plain text. Extraction quotes that text, and evidence selectors
are code-point offsets into it, so the text is stored with the candidate graph. ``segments`` say where each
stretch of the text came from: a page and a character offset in that page for PDF, a character offset in
the source file for HTML and Markdown (the text is what a browser renders; markup is dropped).
"""

from __future__ import annotations

import bisect
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

#: the largest report a reader accepts; a 200-page report is a few megabytes of PDF and well under 1 MB of text
MAX_REPORT_BYTES = 64 * 1024 * 1024
MAX_TEXT_CHARS = 8 * 1024 * 1024


class ReaderError(ValueError):
    """A report that cannot be read; the message says why in one line and what to do."""


@dataclass(frozen=True)
class Segment:
    """``text[start:end]`` came from the source at ``source_start`` (on ``page``, 1-based, for PDF)."""

    start: int
    end: int
    source_start: int
    page: int | None = None


@dataclass(frozen=True)
class SourcePosition:
    page: int | None
    offset: int  # in the page's text (PDF) or in the source file (HTML, Markdown, plain text)


@dataclass
class ExtractedText:
    """One report as text, with where each part of it came from.

    >>> text = ExtractedText("a.txt", "text/plain", "Hello world", [Segment(0, 11, 0)])
    >>> text.source_position(6)
    SourcePosition(page=None, offset=6)
    """

    source: str
    media_type: str
    text: str
    segments: list[Segment] = field(default_factory=list)
    title: str | None = None

    def source_position(self, offset: int) -> SourcePosition | None:
        """Where character ``offset`` of the text sits in the source; None for text a reader added
        (paragraph breaks between blocks)."""
        starts = [segment.start for segment in self.segments]
        index = bisect.bisect_right(starts, offset) - 1
        if index < 0:
            return None
        segment = self.segments[index]
        if not segment.start <= offset < segment.end:
            return None
        return SourcePosition(segment.page, segment.source_start + offset - segment.start)

    def pages(self) -> list[int]:
        return sorted({segment.page for segment in self.segments if segment.page is not None})


class TextBuilder:
    """Appends pieces of text, recording the source position of each."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0

    def add(self, piece: str, source_start: int | None, page: int | None = None) -> None:
        if not piece:
            return
        if source_start is not None:
            self.segments.append(Segment(self.length, self.length + len(piece), source_start, page))
        self.parts.append(piece)
        self.length += len(piece)

    def paragraph_break(self) -> None:
        """End the current block with a blank line (never two in a row, never at the start)."""
        if not self.length:
            return
        tail = "".join(self.parts[-2:])
        if tail.endswith("\n\n"):
            return
        self.add("\n" if tail.endswith("\n") else "\n\n", None)

    def text(self) -> str:
        return "".join(self.parts)

    def text_tail(self, characters: int = 40) -> str:
        """The last characters added so far."""
        return "".join(self.parts[-4:])[-characters:]


class ReportReader(ABC):
    """Reads one kind of report file into an :class:`ExtractedText`."""

    #: file name suffixes this reader takes, lower case with the dot
    suffixes: tuple[str, ...] = ()
    media_type = "text/plain"

    @abstractmethod
    def read(self, path: Path) -> ExtractedText:
        """The report's text; raise :class:`ReaderError` when there is none to read."""

    @staticmethod
    def decode(path: Path, data: bytes) -> str:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ReaderError(f"{path}: not text in UTF-8 or Windows-1252")
