"""The rules of extraction that read forms rather than our reports: how names of UK public bodies are
written, and the claim detector reading each sentence with its neighbours however the report is batched."""

from __future__ import annotations

import pytest

from collabkg.loaders.extraction import extract as extract_module
from collabkg.loaders.extraction.claim_features import in_context
from collabkg.loaders.extraction.extract import extract
from collabkg.loaders.extraction.gazetteer import Gazetteer
from collabkg.loaders.extraction.model import ExtractionModel
from collabkg.loaders.extraction.text_units import sentences
from collabkg.loaders.extraction.training_data import KnownBody
from collabkg.loaders.readers import ExtractedText, Segment


def found(text: str, known: tuple[KnownBody, ...] = ()) -> dict[str, tuple[str, str | None, int]]:
    return {b.name: (b.kind, b.body_id, len(b.mentions)) for b in Gazetteer(known).bodies(text)}


def test_a_name_is_matched_however_its_apostrophe_hyphens_and_digits_are_written() -> None:
    known = (KnownBody("barnardos", "Barnardo's", "voluntary-organisation", ()),)
    bodies = found("Barnardo’s worked with Catch 22 and Stockton on Tees Borough\nCouncil.", known)
    assert bodies["Barnardo's"] == ("voluntary-organisation", "barnardos", 1)
    assert bodies["Catch22"] == ("voluntary-organisation", None, 1)
    assert bodies["Stockton-on-Tees Borough Council"] == ("local-authority", None, 1)


def test_a_national_body_is_found_by_its_usual_short_form_and_its_definition_is_one_mention() -> None:
    bodies = found("A representative of the WCVA sits on the board. The Care Quality Commission (CQC) and "
                   "the CQC inspected it.")
    assert bodies["Wales Council for Voluntary Action"][2] == 1
    assert bodies["Care Quality Commission"] == ("government-body", None, 2)  # the name and the later CQC


def test_enterprise_partnerships_care_boards_and_welsh_forms_are_bodies() -> None:
    bodies = found("The board invited the Tees Valley LEP, the Humber and North Yorkshire ICB, Coleg Cambria "
                   "and Grŵp Llandrillo Menai.")
    assert bodies["Tees Valley LEP"][0] == "other-body"
    assert bodies["Humber and North Yorkshire ICB"][0] == "health-body"
    assert {"Coleg Cambria", "Grŵp Llandrillo Menai"} <= set(bodies)


def test_neighbouring_sentences_are_read_across_batches(extraction_model: ExtractionModel,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    text = ("Findings\n\nStrong leadership enabled the councils to agree a shared plan. Staff turnover slowed "
            "decisions. The board met monthly. Trust between officers helped the partnership. A lack of data "
            "hindered planning. The report was published in May.")
    report = ExtractedText("r", "text/plain", text, [Segment(0, len(text), 0)])
    whole = extract(report, extraction_model, threshold=0.0).claims
    monkeypatch.setattr(extract_module, "BATCH", 2)
    assert extract(report, extraction_model, threshold=0.0).claims == whole
    first, second = in_context(sentences(text))[1:3]
    assert (first.following, second.previous) == (second.text, first.text)
