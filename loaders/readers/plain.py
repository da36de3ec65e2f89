"""Plain text: the text is the file, so offsets into it are offsets into the file (in code points)."""

from __future__ import annotations

from pathlib import Path

from collabkg.loaders.readers.base import ExtractedText, ReportReader, Segment


class PlainTextReader(ReportReader):
    suffixes = (".txt", ".text")
    media_type = "text/plain"

    def read(self, path: Path) -> ExtractedText:
        text = self.decode(path, path.read_bytes()).replace("\r\n", "\n")
        first = next((line.strip() for line in text.splitlines() if line.strip()), None)
        return ExtractedText(str(path), self.media_type, text, [Segment(0, len(text), 0)], first)
