"""docs/vocabulary.md: every example query runs on the real graph, without PREFIX lines, and answers."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from support import ROOT

from collabkg.graph.query_runner import StoreRunner
from collabkg.graph.store import open_store

GUIDE = ROOT / "docs" / "vocabulary.md"


def examples() -> list[str]:
    blocks = GUIDE.read_text(encoding="utf-8").split("```sparql\n")[1:]
    return [block.split("```", 1)[0] for block in blocks]


def test_the_guide_covers_every_contract_pattern() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for pattern in ("org:OrganizationalCollaboration", "org:Membership", "org:OrganizationalUnit", "org:Post",
                    "ckg:Funding", "ckg:CausalClaim", "oa:TextQuoteSelector", "ckg:citedSource", "skos:prefLabel",
                    "dcterms:BibliographicResource"):
        assert pattern in text, pattern
    assert len(examples()) >= 9


@pytest.fixture(scope="module")
def runner(built_store: Path) -> StoreRunner:
    store: pyoxigraph.Store = open_store(built_store)
    return StoreRunner(store)


@pytest.mark.parametrize("index", range(len(examples())))
def test_each_example_answers(runner: StoreRunner, index: int) -> None:
    query = examples()[index]
    assert "PREFIX" not in query  # the endpoint predeclares them
    rows = runner.select(query)
    assert rows, query
