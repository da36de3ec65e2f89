"""The ``collabkg`` console script as a user runs it: help, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from support import DATA, assert_no_traceback, run_cli

SUBCOMMANDS = ["build", "query", "export", "validate", "check-case", "serve", "viz", "publish"]


def test_help_lists_every_subcommand() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in SUBCOMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: collabkg " + command in result.stdout


def test_validate_conforming_file_exits_zero() -> None:
    result = run_cli("validate", str(DATA / "conforming.ttl"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms" in result.stdout


def test_validate_violating_file_reports_focus_path_and_message(tmp_path: Path) -> None:
    text = (DATA / "conforming.ttl").read_text(encoding="utf-8")
    broken = text.replace("ckg:polarity ckg:Enables", "ckg:polarity ckg:Sometimes")
    broken = broken.replace("schema:funder id:body-dfe ; ", "")
    path = tmp_path / "broken.ttl"
    path.write_text(broken, encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "<https://w3id.org/collabkg/id/claim> ckg:polarity" in result.stdout
    assert "<https://w3id.org/collabkg/id/grant> schema:funder" in result.stdout
    assert "ckgsh:ClaimShape" in result.stdout and "ckgsh:FundingShape" in result.stdout  # grouped by shape


@pytest.mark.parametrize(("suffix", "content", "line"), [
    (".ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", "line 3"),
    (".nq", "<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> \"x .\n", "line 2"),
    (".trig", "<http://g> { <http://a> <http://b> <http://c> .\n", "line 2"),
    (".jsonld", '{"@id": "http://a",\n "http://b": [\n', "line"),
])
def test_validate_malformed_rdf_gives_one_line_with_line_number(tmp_path: Path, suffix: str, content: str,
                                                                line: str) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(content, encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.returncode != 0
    assert_no_traceback(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and line in lines[0]


def test_validate_accepts_trig_nquads_and_jsonld(tmp_path: Path) -> None:
    from rdflib import Dataset, Graph

    graph = Graph().parse(DATA / "conforming.ttl")
    dataset = Dataset()
    named = dataset.graph("https://w3id.org/collabkg/id/report-r")
    for triple in graph:
        named.add(triple)
    for suffix, fmt in ((".trig", "trig"), (".nq", "nquads"), (".jsonld", "json-ld")):
        path = tmp_path / f"sample{suffix}"
        with warnings.catch_warnings():  # rdflib's JSON-LD writer calls its own deprecated Dataset.contexts
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset.serialize(path, format=fmt)
        result = run_cli("validate", str(path))
        assert result.returncode == 0, (suffix, result.stdout, result.stderr)


def test_validate_missing_file_is_one_line(tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path / "nope.ttl"))
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "no such file" in result.stderr


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert_no_traceback(result)


def test_publish_takes_no_credentials_on_the_command_line_and_says_where_they_come_from() -> None:
    help_text = run_cli("publish", "--help").stdout
    assert "COLLABKG_PUBLISH_USER" in help_text and "COLLABKG_PUBLISH_PASSWORD" in help_text
    assert "--password" not in help_text and "--user" not in help_text
    refused = run_cli("publish", "--to", "http://127.0.0.1:9/data", "--password", "secret")
    assert refused.returncode == 2 and "unrecognized arguments" in refused.stderr


def test_publish_to_a_server_that_is_not_there_is_one_line(tmp_path: Path, built_store: Path) -> None:
    result = run_cli("publish", "--store", str(built_store), "--to", "http://127.0.0.1:9/sparql-graph-crud")
    assert result.returncode == 1 and result.stderr.startswith("collabkg publish: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert_no_traceback(result)



def test_a_readme_without_the_section_is_one_line_and_left_as_it_was(tmp_path: Path) -> None:
    from collabkg.cli import CommandError, write_readme_table

    readme = tmp_path / "README.md"
    readme.write_text("# no tables here\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"README.md: no <!-- counts:start --> \.\.\. <!-- counts:end --> markers"):
        write_readme_table(readme, "counts", "| a |")
    assert readme.read_text(encoding="utf-8") == "# no tables here\n"
    with pytest.raises(CommandError, match="No such file"):
        write_readme_table(tmp_path / "missing.md", "counts", "| a |")
