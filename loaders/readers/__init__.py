"""Report readers: any report (plain text, Markdown, HTML, PDF) in, one text out with a map back to the
source. :func:`read_report` picks the reader by the file's suffix.

>>> from pathlib import Path
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> (folder / "r.md").write_text("# Title\\n\\nThe **board** met.\\n", encoding="utf-8")
28
>>> report = read_report(folder / "r.md")
>>> report.text
'Title\\n\\nThe board met.'
>>> report.source_position(report.text.index("board")).offset
15
"""

from __future__ import annotations

from pathlib import Path

from collabkg.loaders.readers.base import (
    MAX_REPORT_BYTES,
    MAX_TEXT_CHARS,
    ExtractedText,
    ReaderError,
    ReportReader,
    Segment,
    SourcePosition,
)
from collabkg.loaders.readers.html import HtmlReader
from collabkg.loaders.readers.markdown import MarkdownReader
from collabkg.loaders.readers.pdf import PdfReader
from collabkg.loaders.readers.plain import PlainTextReader

__all__ = ["ExtractedText", "ReaderError", "ReportReader", "Segment", "SourcePosition", "READERS",
           "read_report", "supported_suffixes"]

READERS: tuple[ReportReader, ...] = (PlainTextReader(), MarkdownReader(), HtmlReader(), PdfReader())


def supported_suffixes() -> list[str]:
    return [suffix for reader in READERS for suffix in reader.suffixes]


def read_report(path: Path, max_bytes: int = MAX_REPORT_BYTES) -> ExtractedText:
    """The text of the report at ``path``; :class:`ReaderError` (one line) for anything it cannot read."""
    if not path.exists():
        raise ReaderError(f"{path}: no such file")
    if path.is_dir():
        raise ReaderError(f"{path}: is a folder, not a report")
    reader = next((r for r in READERS if path.suffix.lower() in r.suffixes), None)
    if reader is None:
        raise ReaderError(f"{path}: unsupported type {path.suffix or '(no suffix)'!r}; "
                          f"give a report as {', '.join(supported_suffixes())}")
    size = path.stat().st_size
    if size == 0:
        raise ReaderError(f"{path}: the file is empty")
    if size > max_bytes:
        raise ReaderError(f"{path}: {size / 2**20:.0f} MB is over the {max_bytes / 2**20:.0f} MB limit for one "
                          "report; split it into parts")
    try:
        report = reader.read(path)
    except OSError as error:
        raise ReaderError(f"{path}: cannot read it ({error.strerror or error})") from None
    if not report.text.strip():
        raise ReaderError(f"{path}: no text in the report")
    if len(report.text) > MAX_TEXT_CHARS:
        raise ReaderError(f"{path}: {len(report.text):,} characters of text is over the {MAX_TEXT_CHARS:,} limit "
                          "for one report; split it into parts")
    return report
