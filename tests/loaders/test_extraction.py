"""Extraction: the same candidates from the PDF, HTML and Markdown versions of one report, selectors that
point at the right text, a candidate graph that passes the shapes, and a draft case file that passes
check-case."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from support import ROOT, assert_no_traceback, run_cli, write_pdf

from collabkg.graph.dataset_io import with_vocabularies
from collabkg.loaders.extraction.candidate_graph import candidate_dataset
from collabkg.loaders.extraction.extract import Extraction, extract
from collabkg.loaders.extraction.model import ExtractionModel
from collabkg.loaders.extraction.public_bodies import council_place
from collabkg.loaders.extraction.text_units import normalised
from collabkg.loaders.readers import read_report
from collabkg.ontology.iris import IriMinter
from collabkg.ontology.terms import CKG, OA, PROV, RDF, SCHEMA
from collabkg.shapes.validation import validate

REPORT = ROOT / "corpus" / "003_cce5b0048c2aeada.txt"


def paragraphs() -> list[str]:
    """About 25 KB of a curated report around its first amounts of funding, one paragraph per block."""
    text = REPORT.read_text(encoding="utf-8")
    at = text.index("£")
    blocks = re.split(r"\n\s*\n", text[max(0, at - 12000):at + 13000])[1:-1]
    # list markers are markup in Markdown and HTML: the versions differ in them, so the test report has none
    cleaned = [" ".join(re.sub(r"^\s*(?:[-•*▪●]|\d{1,2}[.)])\s+", "", block).split()) for block in blocks]
    joined: list[str] = []
    for block in cleaned:
        if joined and block and block[0].islower() and not joined[-1].endswith((".", ":", ";", "?", "!")):
            joined[-1] += " " + block  # a paragraph the report's conversion broke at a page end
        elif block:
            joined.append(block)
    return joined


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("versions")
    blocks = paragraphs()
    markdown = folder / "report.md"
    markdown.write_text("\n\n".join(re.sub(r"([\\`*_\[\]<>#])", r"\\\1", b) for b in blocks) + "\n", encoding="utf-8")
    page = folder / "report.html"
    page.write_text("<html><body>" + "".join(f"<p>{html.escape(b)}</p>\n" for b in blocks) + "</body></html>",
                    encoding="utf-8")
    pdf = folder / "report.pdf"
    write_pdf(pdf, [blocks[i:i + 12] for i in range(0, len(blocks), 12)])
    plain = folder / "report.txt"
    plain.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return {"txt": plain, "md": markdown, "html": page, "pdf": pdf}


@pytest.fixture(scope="module")
def extractions(versions: dict[str, Path], extraction_model: ExtractionModel) -> dict[str, Extraction]:
    return {kind: extract(read_report(path), extraction_model) for kind, path in versions.items()}


def signature(extraction: Extraction) -> dict[str, set[object]]:
    text = extraction.report.text
    return {
        "claims": {(normalised(text[c.start:c.end]), c.polarity, c.factor, c.outcome) for c in extraction.claims},
        "bodies": {(b.name, b.kind, b.body_id, len(b.mentions)) for b in extraction.bodies},
        "collaborations": {c.name for c in extraction.structure.collaborations},
        "units": {u.name for u in extraction.structure.units},
        "funding": {(f.amount, f.kind, f.status, f.funder.name if f.funder else None) for f in extraction.funding},
    }


def test_pdf_html_and_markdown_give_the_same_candidates(extractions: dict[str, Extraction]) -> None:
    expected = signature(extractions["txt"])
    assert len(expected["claims"]) > 20 and len(expected["bodies"]) > 5 and expected["funding"]
    for kind in ("md", "html", "pdf"):
        found = signature(extractions[kind])
        for part, values in expected.items():
            assert found[part] == values, (kind, part, found[part] ^ values)


def test_every_selector_points_at_the_passage_it_quotes(extractions: dict[str, Extraction],
                                                       extraction_model: ExtractionModel) -> None:
    blocks = " ".join(paragraphs())
    alt_labels = {body.id: body.alt_labels for body in extraction_model.bodies}
    for extraction in extractions.values():
        text = extraction.report.text
        for claim in extraction.claims:
            assert normalised(text[claim.start:claim.end]) in blocks
        for body in extraction.bodies:
            names = {body.name, council_place(body.name), body.acronym, *alt_labels.get(body.body_id or "", ())}
            for start, end in body.mentions:
                assert normalised(text[start:end]) in names, (body, text[start:end])
        for funding in extraction.funding:
            assert text[funding.amount_start:funding.amount_end].startswith("£")
            assert funding.start <= funding.amount_start < funding.amount_end <= funding.end


def test_pdf_candidates_map_back_to_their_page(extractions: dict[str, Extraction], versions: dict[str, Path]) -> None:
    report = extractions["pdf"].report
    claim = extractions["pdf"].claims[-1]
    position = report.source_position(claim.start)
    assert position is not None and position.page == len(report.pages())


def test_the_candidate_graph_passes_the_shapes_and_says_where_it_came_from(
        extractions: dict[str, Extraction]) -> None:
    extraction = extractions["pdf"]
    dataset = candidate_dataset(extraction, IriMinter("https://w3id.org/collabkg/id/"))
    graphs = [g for g in dataset.graphs() if len(g)]
    assert [str(g.identifier) for g in graphs] == [
        str(g.identifier) for g in graphs if "/graph/extraction/" in str(g.identifier)]
    [graph] = graphs
    text = str(next(graph.objects(None, SCHEMA.text)))
    assert text == extraction.report.text
    for quote in graph.subjects(RDF.type, OA.TextQuoteSelector):
        exact = str(graph.value(quote, OA.exact))
        position = URIRef(str(quote).removesuffix("/quote") + "/position")
        start, end = int(graph.value(position, OA.start)), int(graph.value(position, OA.end))  # type: ignore[arg-type]
        assert text[start:end] == exact
    candidates = set(graph.subjects(CKG.confidence, None))
    assert candidates >= set(graph.subjects(RDF.type, CKG.CausalClaim))
    assert all(0 <= float(c) <= 1 for c in graph.objects(None, CKG.confidence))  # type: ignore[arg-type]
    [activity] = set(graph.objects(None, PROV.wasGeneratedBy))
    assert all((c, PROV.wasGeneratedBy, activity) in graph for c in candidates)
    [model] = [m for m in graph.objects(activity, PROV.used) if (m, SCHEMA.version, None) in graph]
    assert graph.value(model, SCHEMA.version) == Literal(extraction.model_version)
    union = with_vocabularies(dataset_union(dataset))
    report = validate(union)
    assert report.conforms, report.render()


def dataset_union(dataset: Dataset) -> object:
    from rdflib import Graph

    union = Graph()
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    return union


def test_extract_writes_trig_that_validate_accepts_and_a_draft_that_check_case_accepts(
        tmp_path: Path, versions: dict[str, Path], model_folder: Path) -> None:
    env = {"COLLABKG_MODEL": str(model_folder)}
    trig = tmp_path / "candidates.trig"
    result = run_cli("extract", str(versions["html"]), "-o", str(trig), env=env)
    assert result.returncode == 0, result.stderr
    assert "claims" in result.stderr
    validated = run_cli("validate", str(trig))
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "Conforms" in validated.stdout

    cases, corpus = tmp_path / "cases", tmp_path / "corpus"
    shutil.copytree(ROOT / "cases", cases)
    shutil.copytree(ROOT / "corpus", corpus)
    draft = cases / "draft.yaml"
    result = run_cli("extract", str(versions["pdf"]), "--format", "case", "-o", str(draft), env=env)
    assert result.returncode == 0, result.stderr
    text = draft.read_text(encoding="utf-8")
    assert "claims:" in text and "# confidence" in text and "funding:" in text
    report_id = re.search(r"^report: (\S+)$", text, re.M).group(1)  # type: ignore[union-attr]
    (corpus / f"{report_id}.txt").write_bytes(draft.with_suffix(".txt").read_bytes())
    draft.with_suffix(".txt").unlink()
    with (corpus / "reports.yaml").open("a", encoding="utf-8") as index:
        index.write(f"\n  - id: {report_id}\n    file: {report_id}.txt\n    title: A new report\n"
                    "    publisher_label: Its publisher\n    issued: 2016\n    rights: for the test\n")
    checked = run_cli("check-case", str(draft), "--cases", str(cases), "--corpus", str(corpus))
    assert checked.returncode == 0, checked.stderr
    assert "1 file(s) OK" in checked.stdout


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.txt", b"", "the file is empty"),
    ("report.docx", b"PK\x03\x04", "unsupported type"),
    ("scan.pdf", None, "no text layer"),
])
def test_extract_refuses_bad_input_in_one_line(tmp_path: Path, model_folder: Path, name: str,
                                               content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is None:
        write_pdf(path, [[]])
    else:
        path.write_bytes(content)
    result = run_cli("extract", str(path), env={"COLLABKG_MODEL": str(model_folder)})
    assert result.returncode == 1
    assert_no_traceback(result)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_extract_without_a_model_says_to_train(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("The Welsh Government funded the partnership.", encoding="utf-8")
    result = run_cli("extract", str(path), env={"COLLABKG_MODEL": str(tmp_path / "none")})
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "run `collabkg train` first" in result.stderr
