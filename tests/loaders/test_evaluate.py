"""The evaluation's measures: what counts as a found claim, body and amount, and a leave-one-report-out run."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from collabkg.loaders.extraction.evaluate import (
    THRESHOLDS,
    Counts,
    body_counts,
    claim_counts,
    evaluate,
    keyword_baseline,
)
from collabkg.loaders.extraction.gazetteer import BodyCandidate
from collabkg.loaders.extraction.text_units import sentences
from collabkg.loaders.extraction.training_data import GoldAmount, GoldClaim, KnownBody, ReportGold, TrainingData

TEXT = "Staff turnover slowed decisions. The board met monthly. Good leadership helped the partnership."


def gold() -> ReportGold:
    first, third = TEXT.index("Staff"), TEXT.index("Good")
    return ReportGold("r", TEXT, [
        GoldClaim(((first, first + 31),), "hinders", ("staff-continuity",), ("delivery-pace",), "observed",
                  ("interview",), "staff turnover", "pace of decisions"),
        GoldClaim(((third, len(TEXT)),), "enables", ("leadership",), ("partnership-working",), "observed",
                  ("interview",), "good leadership", "partnership working")])


def test_a_claim_is_found_by_an_overlapping_passage_of_the_same_polarity() -> None:
    first, second, third = sentences(TEXT)
    counts = claim_counts(gold(), [(first, "hinders"), (second, "enables"), (third, "hinders")])
    assert (counts.right, counts.candidates, counts.found, counts.gold) == (1, 3, 1, 2)
    assert round(counts.precision, 3) == 0.333 and counts.recall == 0.5


def test_the_keyword_baseline_reads_cue_words_and_words_of_difficulty() -> None:
    counts = keyword_baseline(gold())
    # "slowed" is a cue and a word of difficulty (hinders); "helped" a cue (enables); "met" neither
    assert (counts.right, counts.candidates, counts.found) == (2, 2, 2)


def test_a_body_is_found_by_its_link_its_name_or_its_short_name() -> None:
    known = [KnownBody("wlga", "Welsh Local Government Association", "other-body", ("WLGA",)),
             KnownBody("ipc", "Institute of Public Care, Oxford Brookes University", "research-organisation", ())]
    found = [BodyCandidate("WLGA", "other-body", None, 0.9, [(0, 4)]),
             BodyCandidate("Institute of Public Care", "research-organisation", None, 0.7, [(5, 10)]),
             BodyCandidate("Somewhere Council", "local-authority", None, 0.5, [(11, 20)])]
    counts = body_counts(found, known)
    assert (counts.right, counts.candidates, counts.found, counts.gold) == (2, 3, 2, 2)


def test_f_scores_weigh_recall_as_asked() -> None:
    counts = Counts(right=1, candidates=4, found=3, gold=4)
    assert round(counts.f(), 3) == 0.375 and counts.f(2.0) > counts.f()


def test_leave_one_report_out_trains_without_the_report_and_scores_every_kind(training_data: TrainingData) -> None:
    # two reports keep the run short; an amount the text does not state must count as missed
    reports = {rid: replace(g, amounts=[GoldAmount(Decimal("1"), 0, 1, "grant")] if rid[:3] == "001" else [])
               for rid, g in training_data.reports.items() if rid[:3] in ("000", "001")}
    two = TrainingData(reports, training_data.bodies, training_data.streams)
    evaluation = evaluate(two)
    assert [row[0][:3] for row in evaluation.per_report] == ["000", "001"]
    loosest, strictest = evaluation.claims[min(THRESHOLDS)], evaluation.claims[max(THRESHOLDS)]
    assert loosest.gold == strictest.gold == sum(len({(s, e, c.polarity) for c in g.claims for s, e in c.passages})
                                                 for g in two.reports.values())
    assert loosest.recall >= strictest.recall and loosest.candidates >= strictest.candidates
    assert evaluation.bodies.gold == len(two.reports["000_19c409783d911f52"].bodies) + len(
        two.reports["001_c71fa15380b2d97f"].bodies)
    assert evaluation.amounts.gold == 1 and evaluation.amounts.found == 0
    table = evaluation.table()
    assert "claims, keyword baseline" in table and f"{evaluation.recall_threshold:.2f} ← chosen" in table
    assert evaluation.curve_csv().count("\n") == len(THRESHOLDS) + 1
