"""Report readers: text out with a map back to the source, and a clear one-line refusal of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import write_pdf

from collabkg.loaders.readers import ReaderError, read_report


def test_markdown_is_read_as_rendered_text_with_offsets_into_the_file(tmp_path: Path) -> None:
    source = "# The NLCEP report\n\nThe **NLCEP Board** met [monthly](https://example.org).\n\n- One item\n"
    path = tmp_path / "r.md"
    path.write_text(source, encoding="utf-8")
    report = read_report(path)
    assert report.text == "The NLCEP report\n\nThe NLCEP Board met monthly.\n\nOne item"
    assert report.title == "The NLCEP report"
    for word in ("NLCEP Board", "monthly", "One item"):
        position = report.source_position(report.text.index(word))
        assert position is not None and source[position.offset:position.offset + len(word)] == word


def test_html_is_read_as_rendered_text_without_scripts_with_offsets_into_the_file(tmp_path: Path) -> None:
    source = ("<html><head><title>Evaluation</title><script>var x = 'Board';</script></head><body>"
              "<h1>Findings</h1><p>The  Board &amp; the\n   <em>Group</em> met.</p><ul><li>A</li><li>B</li></ul>"
              "</body></html>")
    path = tmp_path / "r.html"
    path.write_text(source, encoding="utf-8")
    report = read_report(path)
    assert report.text == "Findings\n\nThe Board & the Group met.\n\nA\n\nB"
    assert report.title == "Evaluation"
    position = report.source_position(report.text.index("Group"))
    assert position is not None and source[position.offset:position.offset + 5] == "Group"


def test_pdf_text_keeps_its_page_and_offset_in_the_page(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    write_pdf(path, [["Page one says hello."], ["Page two names the Welsh Government."]])
    report = read_report(path)
    assert report.pages() == [1, 2]
    at = report.text.index("Welsh Government")
    position = report.source_position(at)
    assert position is not None and position.page == 2
    assert report.text[at:at + 16] == "Welsh Government"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.txt", b"", "the file is empty"),
    ("report.docx", b"PK\x03\x04", "unsupported type '.docx'"),
    ("fake.pdf", b"this is not a pdf", "not a PDF file"),
    ("blank.md", b"\n\n   \n", "no text in the report"),
])
def test_bad_input_is_refused_in_one_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReaderError, match=message) as caught:
        read_report(path)
    assert "\n" not in str(caught.value)


def test_a_scanned_pdf_without_a_text_layer_is_refused(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")  # a picture of a page: drawing, no text
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(ReaderError, match="no text layer"):
        read_report(path)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * 300_000)
    with pytest.raises(ReaderError, match="over the 1 MB limit"):
        read_report(path, max_bytes=2**20)
