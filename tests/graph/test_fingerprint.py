"""`collabkg build` does nothing when the store is current and rebuilds when any of its inputs changed.

How much faster the skip is goes to benchmarks/build_skip.py, not into a timed test.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from support import DATA, assert_no_traceback, run_cli

from collabkg.graph import fingerprint as fingerprint_module
from collabkg.graph.fingerprint import current_record, fingerprint, input_folders, read_record
from collabkg.graph.store import publish
from collabkg.settings import Settings, load_settings

STEPS = ["Reading 3 case files", "Checking 3 case files against the reports", "Checking quotes against the reports",
         "Validating against the SHACL shapes", "Publishing the store"]


@pytest.fixture
def mini(tmp_path: Path) -> Settings:
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    return replace(load_settings(), cases=tmp_path / "mini" / "cases", corpus=tmp_path / "mini" / "corpus",
                   store=tmp_path / "data" / "store", reasoner="none")


def build_args(settings: Settings) -> list[str]:
    return ["build", "--store", str(settings.store), "--cases", str(settings.cases), "--corpus",
            str(settings.corpus), "--no-reasoner"]


def published(settings: Settings) -> str:
    return os.readlink(settings.store)


def test_a_second_build_with_nothing_changed_says_the_store_is_current(mini: Settings) -> None:
    first = run_cli(*build_args(mini))
    assert first.returncode == 0, first.stderr
    assert "Published" in first.stdout
    version = published(mini)
    record = read_record(mini.store)
    assert record is not None and record.version == Path(version).name and set(record.seconds) == set(STEPS)

    second = run_cli(*build_args(mini))
    assert second.returncode == 0, second.stderr
    assert f"The store at {mini.store} is current" in second.stdout
    assert "Published" not in second.stdout and second.stderr == ""
    assert published(mini) == version


@pytest.mark.parametrize("change", ["case file", "report list", "new case file"])
def test_a_change_to_an_input_rebuilds(mini: Settings, change: str) -> None:
    assert run_cli(*build_args(mini)).returncode == 0
    version = published(mini)
    if change == "case file":
        with open(mini.cases / "r1-test-partnership.yaml", "a", encoding="utf-8") as case_file:
            case_file.write("# a curator's comment\n")
    elif change == "report list":
        with open(mini.corpus / "reports.yaml", "a", encoding="utf-8") as reports:
            reports.write("# checked again\n")
    else:
        shutil.copy(mini.cases / "r2-test-partnership.yaml", mini.cases / "r2-copy-for-review.yaml.txt")
        (mini.cases / "notes.md").write_text("review notes\n", encoding="utf-8")
    again = run_cli(*build_args(mini))
    assert again.returncode == 0, again.stderr
    assert "Published" in again.stdout and "is current" not in again.stdout
    assert published(mini) != version


def test_force_rebuilds_a_current_store(mini: Settings) -> None:
    assert run_cli(*build_args(mini)).returncode == 0
    version = published(mini)
    forced = run_cli(*build_args(mini), "--force")
    assert forced.returncode == 0 and "Published" in forced.stdout
    assert published(mini) != version


def test_a_failed_build_records_nothing_and_the_next_one_runs(mini: Settings) -> None:
    assert run_cli(*build_args(mini)).returncode == 0
    version, record = published(mini), read_record(mini.store)
    case_file = mini.cases / "r1-test-partnership.yaml"
    good = case_file.read_text(encoding="utf-8")
    case_file.write_text(good.replace("body: alpha-council, role: lead", "body: no-such-body, role: lead"),
                         encoding="utf-8")
    failed = run_cli(*build_args(mini))
    assert failed.returncode == 1
    assert_no_traceback(failed)
    assert published(mini) == version and read_record(mini.store) == record
    case_file.write_text(good, encoding="utf-8")  # back as it was published: current again
    assert "is current" in run_cli(*build_args(mini)).stdout


def test_a_store_published_by_something_else_is_not_taken_for_current(mini: Settings) -> None:
    assert run_cli(*build_args(mini)).returncode == 0
    assert current_record(mini) is not None
    publish(b"<http://a> <http://b> <http://c> <http://g> .\n", mini.store)
    assert current_record(mini) is None


def test_the_fingerprint_covers_every_input(mini: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders = input_folders(mini)
    assert set(folders) == {"cases", "corpus", "collabkg.ontology", "collabkg.shapes", "collabkg.loaders",
                            "collabkg.graph"}
    copies = {}
    for name, folder in folders.items():
        copies[name] = tmp_path / "inputs" / name
        shutil.copytree(folder, copies[name], ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint_module, "input_folders", lambda _settings: copies)
    before = fingerprint(mini)
    assert fingerprint(mini) == before
    for name, folder in copies.items():
        changed = next(path for path in sorted(folder.rglob("*")) if path.is_file())
        original = changed.read_bytes()
        changed.write_bytes(original + b"\n")
        assert fingerprint(mini) != before, name
        changed.write_bytes(original)
    assert fingerprint(mini) == before
    assert fingerprint(replace(mini, base_iri="https://example.org/id/")) != before
    assert fingerprint(replace(mini, reasoner="hermit")) != before
