"""Finding quotes in report text and building their Web Annotation evidence.

Offsets are code-point offsets into the report text (Python ``str`` indices), never typed by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph, Literal, URIRef

from collabkg.ontology.iris import IriMinter
from collabkg.ontology.terms import OA, RDF, RDFS, XSD

# Characters that conversions from PDF vary, mapped to one form, for suggestions only: a quote that
# matches only after this folding is still rejected, with the exact passage offered instead.
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " ",
                       "\u2009": " ", "\u202f": " "})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class QuoteError(ValueError):
    """A quote that cannot be placed in the report; the message says why and what would fix it."""


class ReportText:
    """The text of one report, with the look-ups the loader needs to place quotes.

    >>> text = ReportText("r", "One line.\\nA dedicated project manager was essential.\\n")
    >>> text.locate("project manager was essential")
    Span(start=22, end=51)
    >>> text.line_of(22)
    2
    """

    def __init__(self, report_id: str, text: str) -> None:
        self.report_id = report_id
        self.text = text

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def locate(self, quote: str, occurrence: int | None = None) -> Span:
        """The span of ``quote`` (its ``occurrence``-th match, 1-based) or a :class:`QuoteError`."""
        if not quote or not quote.strip():
            raise QuoteError("empty quote")
        starts = self._starts(quote)
        if not starts:
            raise QuoteError(self._explain_missing(quote))
        if occurrence is None:
            if len(starts) > 1:
                lines = ", ".join(str(self.line_of(s)) for s in starts[:6])
                raise QuoteError(
                    f"quote occurs {len(starts)} times in the report (lines {lines}); "
                    "lengthen it or add `occurrence: N`")
            occurrence = 1
        if not 1 <= occurrence <= len(starts):
            raise QuoteError(f"occurrence {occurrence} asked, but the quote occurs {len(starts)} time(s)")
        start = starts[occurrence - 1]
        return Span(start, start + len(quote))

    def _starts(self, quote: str) -> list[int]:
        starts, position = [], self.text.find(quote)
        while position != -1:
            starts.append(position)
            position = self.text.find(quote, position + 1)
        return starts

    @cached_property
    def _folded(self) -> tuple[str, list[int]]:
        """The text with quote characters folded and whitespace runs collapsed, and a map back."""
        chars: list[str] = []
        origin: list[int] = []
        previous_space = False
        for index, char in enumerate(self.text.translate(_FOLD)):
            if char.isspace():
                if previous_space:
                    continue
                char, previous_space = " ", True
            else:
                previous_space = False
            chars.append(char)
            origin.append(index)
        return "".join(chars), origin

    def _explain_missing(self, quote: str) -> str:
        folded_text, origin = self._folded
        folded_quote = _SPACE.sub(" ", quote.translate(_FOLD)).strip()
        position = folded_text.find(folded_quote)
        if position != -1:
            start = origin[position]
            end = origin[position + len(folded_quote) - 1] + 1
            exact = self.text[start:end]
            return (f"not an exact substring of the report; the passage at line {self.line_of(start)} "
                    f"differs only in spaces, dashes or quote marks. Exact text: {exact!r}")
        # The longest prefix of the quote that the report contains shows where the quote goes wrong.
        low, high = 0, len(quote)
        while low < high:
            middle = (low + high + 1) // 2
            if quote[:middle] in self.text:
                low = middle
            else:
                high = middle - 1
        if low < 12:
            return "not found in the report (no passage starts like it)"
        start = self.text.find(quote[:low])
        passage = self.text[start:start + low + 40]
        return (f"not found in the report; the nearest passage (line {self.line_of(start)}) agrees for "
                f"{low} of {len(quote)} characters, then reads {passage[low:low + 40]!r} where the quote "
                f"has {quote[low:low + 40]!r}. Nearest passage: {passage!r}")


def add_evidence(graph: Graph, minter: IriMinter, document: URIRef, report: ReportText, span: Span) -> URIRef:
    """Add the oa:SpecificResource (quote and position selectors) for ``span``; return its IRI.

    Evidence IRIs depend only on report and span, so claims that share a passage share one node.
    """
    rid = report.report_id
    evidence = minter.evidence(rid, span.start, span.end)
    quote_selector = minter.quote_selector(rid, span.start, span.end)
    position_selector = minter.position_selector(rid, span.start, span.end)
    exact = report.text[span.start:span.end]
    graph.add((evidence, RDF.type, OA.SpecificResource))
    graph.add((evidence, RDFS.label, Literal(
        f"Passage at characters {span.start}-{span.end} (line {report.line_of(span.start)}) of report {rid}",
        lang="en")))
    graph.add((evidence, OA.hasSource, document))
    graph.add((evidence, OA.hasSelector, quote_selector))
    graph.add((evidence, OA.hasSelector, position_selector))
    graph.add((quote_selector, RDF.type, OA.TextQuoteSelector))
    graph.add((quote_selector, OA.exact, Literal(exact)))
    graph.add((quote_selector, OA.prefix, Literal(report.text[max(0, span.start - 32):span.start])))
    graph.add((quote_selector, OA.suffix, Literal(report.text[span.end:span.end + 32])))
    graph.add((position_selector, RDF.type, OA.TextPositionSelector))
    # xsd:integer, not the xsd:nonNegativeInteger of the Web Annotation vocabulary: Oxigraph stores every
    # integer-derived type as xsd:integer, and what the build validates must be what the store publishes.
    graph.add((position_selector, OA.start, Literal(span.start, datatype=XSD.integer)))
    graph.add((position_selector, OA.end, Literal(span.end, datatype=XSD.integer)))
    return evidence
