"""HTML: the text a browser renders (scripts, styles and the head left out), block elements as paragraphs,
with each piece's character offset in the source file."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from collabkg.loaders.readers.base import ExtractedText, ReportReader, TextBuilder

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "tbody", "td", "th", "thead", "title", "tr", "ul", "caption",
})
_HIDDEN = frozenset({"script", "style", "template", "noscript", "head"})
_SPACE = re.compile(r"\s+")


class _Renderer(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.builder = TextBuilder()
        self.hidden = 0
        self.in_pre = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.title_parts: list[str] = []
        self.in_title = False
        self.heading: list[str] | None = None
        self.first_heading: str | None = None
        self.pending_space = False

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _HIDDEN and tag != "head":
            self.hidden += 1
        if tag == "pre":
            self.in_pre += 1
        if tag in ("td", "th") and not self._at_block_start():
            self.builder.add("\t", None)
            return
        if tag in ("h1", "h2", "h3") and self.first_heading is None:
            self.heading = []
        if tag in _BLOCKS:
            self._block()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _HIDDEN and tag != "head" and self.hidden:
            self.hidden -= 1
        if tag == "pre" and self.in_pre:
            self.in_pre -= 1
        if tag in ("h1", "h2", "h3") and self.heading is not None:
            self.first_heading = " ".join("".join(self.heading).split()) or None
            self.heading = None
        if tag in _BLOCKS and tag not in ("td", "th"):
            self._block()

    def _at_block_start(self) -> bool:
        return not self.builder.length or "".join(self.builder.parts[-1:]).endswith("\n")

    def _block(self) -> None:
        self.builder.paragraph_break()
        self.pending_space = False

    def _text(self, data: str, offset: int) -> None:
        if self.in_title:
            self.title_parts.append(data)
            return
        if self.hidden:
            return
        if self.heading is not None:
            self.heading.append(data)
        if self.in_pre:
            self.builder.add(data, offset)
            return
        # collapse white space as a browser does, keeping each word's offset in the source
        for match in re.finditer(r"\S+", data):
            if self.pending_space or (match.start() > 0 and not self._at_block_start()):
                if self.builder.length and not self._at_block_start():
                    self.builder.add(" ", None)
            self.builder.add(match.group(), offset + match.start())
            self.pending_space = False
        if data and data[-1].isspace():
            self.pending_space = True

    def handle_data(self, data: str) -> None:
        self._text(data, self._offset())

    def handle_entityref(self, name: str) -> None:
        from html import unescape

        self._entity(unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        from html import unescape

        self._entity(unescape(f"&#{name};"))

    def _entity(self, value: str) -> None:
        if self.hidden or self.in_title:
            return
        if value.isspace():
            self.pending_space = True
            return
        if self.pending_space and self.builder.length and not self._at_block_start():
            self.builder.add(" ", None)
        self.builder.add(value, self._offset())
        self.pending_space = False


class HtmlReader(ReportReader):
    suffixes = (".html", ".htm", ".xhtml")
    media_type = "text/html"

    def read(self, path: Path) -> ExtractedText:
        source = self.decode(path, path.read_bytes())
        renderer = _Renderer(source)
        renderer.feed(source)
        renderer.close()
        text = renderer.builder.text().strip("\n")
        title = " ".join("".join(renderer.title_parts).split()) or renderer.first_heading
        return ExtractedText(str(path), self.media_type, text, renderer.builder.segments, title)
