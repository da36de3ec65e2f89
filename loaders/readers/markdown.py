"""Markdown (CommonMark's common constructs): the rendered text, block by block, with offsets into the file.

Blocks (paragraphs, headings, list items, quotes, table rows) become paragraphs separated by a blank line;
inline markup (emphasis, code spans, links, images, HTML tags, backslash escapes) is dropped and only what
a reader sees is kept. Each kept piece records its offset in the source file.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from collabkg.loaders.readers.base import ExtractedText, ReportReader, TextBuilder

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^ {0,3}([-*_])(\s*\1){2,}\s*$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])\s+")
_QUOTE = re.compile(r"^ {0,3}>\s?")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
# inline markup: image, link, code span, autolink or tag, emphasis markers, escape, entity
_INLINE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\([^)]*\)|\[(?P<link>[^\]]*)\]\([^)]*\)|`(?P<code>[^`]+)`|<[^>\s][^>]*>"
    r"|(?<![\w*])(\*\*|__)(?=\S)|(?<=\S)(\*\*|__)(?![\w*])|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])"
    r"|\\(?P<escaped>[!-/:-@\[-`{-~])|(?P<entity>&(#\d+|#x[0-9a-fA-F]+|\w+);)")


def _inline(builder: TextBuilder, line: str, offset: int) -> None:
    """Add ``line`` (at ``offset`` in the file) without its inline markup."""
    position = 0
    for match in _INLINE.finditer(line):
        builder.add(line[position:match.start()], offset + position)
        kept = next((name for name in ("alt", "link", "code", "escaped") if match.group(name) is not None), None)
        if kept is not None:
            builder.add(match.group(kept), offset + match.start(kept))
        elif match.group("entity"):
            builder.add(html.unescape(match.group("entity")), offset + match.start())
        position = match.end()
    builder.add(line[position:], offset + position)


class MarkdownReader(ReportReader):
    suffixes = (".md", ".markdown")
    media_type = "text/markdown"

    def read(self, path: Path) -> ExtractedText:
        source = self.decode(path, path.read_bytes()).replace("\r\n", "\n")
        builder = TextBuilder()
        title: str | None = None
        offset = 0
        fenced = False
        in_paragraph = False
        for raw in source.split("\n"):
            line_offset, offset = offset, offset + len(raw) + 1
            if _FENCE.match(raw):
                fenced = not fenced
                builder.paragraph_break()
                in_paragraph = False
                continue
            if fenced:
                builder.add(raw + "\n", line_offset)
                continue
            if not raw.strip() or _RULE.match(raw) or _TABLE_RULE.match(raw):
                builder.paragraph_break()
                in_paragraph = False
                continue
            if in_paragraph and _SETEXT.match(raw):
                builder.paragraph_break()  # the line above was a heading
                in_paragraph = False
                continue
            line, start = raw, 0
            quote = _QUOTE.match(line)
            if quote:
                start = quote.end()
            heading = _HEADING.match(line)
            item = _ITEM.match(line, start)
            if heading:
                builder.paragraph_break()
                _inline(builder, heading.group(2), line_offset + heading.start(2))
                title = title or heading.group(2).strip()
                builder.paragraph_break()
                in_paragraph = False
                continue
            if item:
                builder.paragraph_break()
                start = item.end()
            elif in_paragraph:
                builder.add("\n", None)
            if line.lstrip().startswith("|"):
                cells = [(m.start(1), m.group(1)) for m in re.finditer(r"\|?\s*([^|]+?)\s*(?=\||$)", line)]
                for index, (cell_start, cell) in enumerate(c for c in cells if c[1].strip()):
                    if index:
                        builder.add("\t", None)
                    _inline(builder, cell, line_offset + cell_start)
                builder.paragraph_break()
                in_paragraph = False
                continue
            _inline(builder, line[start:].strip(), line_offset + start + len(line[start:]) - len(line[start:].lstrip()))
            in_paragraph = True
        text = builder.text().strip("\n")
        return ExtractedText(str(path), self.media_type, text, builder.segments, title)
