"""Build and publish: the store is swapped in only after every check passes; failures keep the old one."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset
from support import DATA, assert_no_traceback, run_cli

from collabkg.graph import build as build_module
from collabkg.graph import store as store_module
from collabkg.graph.build import BuildError, build
from collabkg.graph.store import open_store
from collabkg.loaders.base import LoadError
from collabkg.ontology.terms import CKG, RDF
from collabkg.settings import Settings, load_settings

COUNT_CLAIMS = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/collabkg/ontology#CausalClaim> }"


@pytest.fixture
def mini(tmp_path: Path) -> Settings:
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    return replace(load_settings(), cases=tmp_path / "mini" / "cases", corpus=tmp_path / "mini" / "corpus",
                   store=tmp_path / "data" / "store", reasoner="none")


def claims_in(store: Path) -> int:
    solutions = open_store(store).query(COUNT_CLAIMS, use_default_graph_as_union=True)
    return int(next(iter(solutions))["n"].value)


def test_build_publishes_a_readable_store(mini: Settings) -> None:
    result = build(mini)
    assert result.validation.conforms
    assert claims_in(mini.store) == 3
    assert mini.store.is_symlink()


def test_failed_build_leaves_the_previous_store_intact(mini: Settings) -> None:
    build(mini)
    before = mini.store.resolve()
    case = mini.cases / "r1-test-partnership.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("factor: staff-continuity", "factor: nope"),
                    encoding="utf-8")
    with pytest.raises(LoadError):
        build(mini)
    assert mini.store.resolve() == before
    assert claims_in(mini.store) == 3


def test_shacl_failure_publishes_nothing(mini: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    build(mini)
    before = mini.store.resolve()
    real = build_module.materialise_types

    def materialise_and_break(dataset: Dataset) -> None:
        real(dataset)
        # a claim with a polarity outside the closed set, as a faulty loader might write it
        for claim, _, _, graph in list(dataset.quads((None, RDF.type, CKG.CausalClaim, None))):
            dataset.graph(graph).set((claim, CKG.polarity, CKG.Sometimes))

    monkeypatch.setattr(build_module, "materialise_types", materialise_and_break)
    with pytest.raises(BuildError) as caught:
        build(mini)
    assert "ckg:polarity" in caught.value.detail
    assert mini.store.resolve() == before


def test_interrupted_build_leaves_the_previous_store_and_is_cleaned_up(mini: Settings,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    build(mini)
    before = mini.store.resolve()

    class Crash(Exception):
        pass

    real_store = pyoxigraph.Store

    def crashing_store(path: str | None = None) -> pyoxigraph.Store:
        if path is None:  # the in-memory store SHACL uses is left alone
            return real_store()
        store = real_store(path)
        store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://half"), pyoxigraph.NamedNode("http://written"),
                                  pyoxigraph.Literal("x")))
        raise Crash("killed half-way")

    monkeypatch.setattr(store_module.pyoxigraph, "Store", crashing_store)
    with pytest.raises(Crash):
        build(mini)
    monkeypatch.undo()
    assert mini.store.resolve() == before
    assert claims_in(mini.store) == 3
    build(mini)  # the next build removes the unfinished version
    assert not list(store_module.versions_folder(mini.store).glob("*.building"))


def test_old_versions_are_pruned(mini: Settings) -> None:
    for _ in range(4):
        build(mini)
    versions = [p for p in store_module.versions_folder(mini.store).iterdir() if p.is_dir()]
    assert len(versions) == store_module.KEEP_VERSIONS


def test_cli_build_failure_is_located_and_exits_nonzero(mini: Settings) -> None:
    case = mini.cases / "r1-test-partnership.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("on track.\"", "on course.\""), encoding="utf-8")
    result = run_cli("build", "--store", str(mini.store), "--cases", str(mini.cases), "--corpus",
                     str(mini.corpus), "--no-reasoner")
    assert result.returncode == 1
    assert_no_traceback(result)
    assert f"{case}:" in result.stderr and "claims[0].quote" in result.stderr
    assert "nothing was published" in result.stderr
    assert not mini.store.exists()


def test_cli_query_and_export_on_a_missing_store_fail_cleanly(tmp_path: Path) -> None:
    for args in (["query", "ASK {}"], ["export", "--format", "nquads"], ["validate"]):
        result = run_cli(*args, "--store", str(tmp_path / "none"))
        assert result.returncode == 1, args
        assert_no_traceback(result)
        assert "no store here" in result.stderr
