"""PDF with a text layer, read with pdfminer.six, whose layout analysis keeps each text box's position:
each box becomes a paragraph, and every piece of the text records its page and its offset in that page's
text. A PDF without a text layer (a scan) is refused: it needs OCR first."""

from __future__ import annotations

import logging
from pathlib import Path

from collabkg.loaders.readers.base import ExtractedText, ReaderError, ReportReader, TextBuilder


def _continues(before: str, box: str) -> bool:
    """Whether the first box of a page carries on the last paragraph of the page before: that one stops
    mid-sentence and this one starts in lower case."""
    return bool(before) and not before.rstrip().endswith((".", "!", "?", ":", ";", '"', "”", ")")) and box[:1].islower()


class PdfReader(ReportReader):
    suffixes = (".pdf",)
    media_type = "application/pdf"

    def read(self, path: Path) -> ExtractedText:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LAParams, LTTextContainer
        from pdfminer.pdfparser import PDFSyntaxError

        # pdfminer logs every odd construct it meets; the reader's own message is what the user needs
        logging.getLogger("pdfminer").setLevel(logging.ERROR)
        with path.open("rb") as handle:
            if handle.read(5) != b"%PDF-":
                raise ReaderError(f"{path}: not a PDF file (it does not start with %PDF-)")
        builder = TextBuilder()
        pages = 0
        try:
            for number, page in enumerate(extract_pages(str(path), laparams=LAParams()), start=1):
                pages = number
                page_offset = 0
                first_box = True
                for element in page:
                    if not isinstance(element, LTTextContainer):
                        continue
                    box = element.get_text().strip()
                    if not box:
                        continue
                    if first_box and _continues(builder.text_tail(), box):
                        builder.add("\n", None)  # a paragraph that runs on from the page before
                    else:
                        builder.paragraph_break()
                    first_box = False
                    builder.add(box, page_offset, page=number)
                    page_offset += len(box) + 2
        except PDFSyntaxError as error:
            raise ReaderError(f"{path}: not a readable PDF ({error})") from None
        except Exception as error:  # noqa: BLE001 - pdfminer raises many kinds on damaged or encrypted files
            raise ReaderError(f"{path}: cannot read this PDF ({type(error).__name__}: {error})") from None
        text = builder.text()
        if not text.strip():
            raise ReaderError(f"{path}: the PDF has {pages} page(s) but no text layer (a scan?); "
                              "run OCR on it first, e.g. ocrmypdf, and extract from the result")
        title = next((line.strip() for line in text.splitlines() if line.strip()), None)
        return ExtractedText(str(path), self.media_type, text, builder.segments, title)
