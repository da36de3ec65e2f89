"""``collabkg export`` and ``collabkg query`` on the published store; every dump is parsed back by rdflib,
a parser independent of the Oxigraph serialisers that wrote it."""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path

import pytest
import rdflib
from support import assert_no_traceback, run_cli

from collabkg.graph.store import open_store


def store_quads(store: Path) -> int:
    return sum(1 for _ in open_store(store).quads_for_pattern(None, None, None, None))


@pytest.mark.parametrize(("fmt", "parse_format", "dataset"), [
    ("nquads", "nquads", True), ("trig", "trig", True), ("jsonld", "json-ld", True), ("turtle", "turtle", False),
])
def test_export_parses_back_completely(built_store: Path, tmp_path: Path, fmt: str, parse_format: str,
                                       dataset: bool) -> None:
    output = tmp_path / f"dump.{fmt}"
    result = run_cli("export", "--store", str(built_store), "--format", fmt, "-o", str(output))
    assert result.returncode == 0, result.stderr
    with warnings.catch_warnings():  # rdflib's own parsers use its deprecated ConjunctiveGraph internally
        warnings.simplefilter("ignore", DeprecationWarning)
        if dataset:
            parsed = rdflib.Dataset()
            parsed.parse(output, format=parse_format)
            assert len(parsed) == store_quads(built_store)
            graphs = {str(g.identifier) for g in parsed.graphs()}
            assert "https://w3id.org/collabkg/ontology" in graphs
            assert "https://w3id.org/collabkg/id/report/003_cce5b0048c2aeada" in graphs
        else:
            graph = rdflib.Graph().parse(output, format=parse_format)
            distinct = open_store(built_store).query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                                                     "WHERE { GRAPH ?g { ?s ?p ?o } } }")
            assert len(graph) == int(next(iter(distinct))["n"].value)  # type: ignore[call-overload]


def test_published_store_passes_validate(built_store: Path) -> None:
    # what the store holds after Oxigraph's own normalisation, not only what the build validated before it
    result = run_cli("validate", "--store", str(built_store))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Conforms" in result.stdout


def test_exported_dump_passes_validate(built_store: Path, tmp_path: Path) -> None:
    dump = tmp_path / "dump.trig"
    assert run_cli("export", "--store", str(built_store), "--format", "trig", "-o", str(dump)).returncode == 0
    result = run_cli("validate", str(dump))
    assert result.returncode == 0, result.stdout[-3000:]


def test_export_failure_leaves_no_partial_file(tmp_path: Path) -> None:
    output = tmp_path / "dump.nq"
    result = run_cli("export", "--store", str(tmp_path / "missing"), "--format", "nquads", "-o", str(output))
    assert result.returncode == 1
    assert_no_traceback(result)
    assert not output.exists() and not list(tmp_path.glob(".dump.nq.*"))


def test_query_formats(built_store: Path, tmp_path: Path) -> None:
    query = ("SELECT ?name WHERE { <https://w3id.org/collabkg/id/collaboration/north-of-tyne-collaboration> "
             "<http://www.w3.org/ns/org#hasMember>/<http://www.w3.org/2000/01/rdf-schema#label> ?name } ORDER BY ?name")
    as_json = run_cli("query", query, "--store", str(built_store))
    names = [b["name"]["value"] for b in json.loads(as_json.stdout)["results"]["bindings"]]
    assert names == ["Newcastle City Council", "North Tyneside Council", "Northumberland County Council"]
    as_csv = run_cli("query", query, "--store", str(built_store), "--format", "csv")
    assert [row[0] for row in csv.reader(io.StringIO(as_csv.stdout))][1:] == names
    file = tmp_path / "q.rq"
    file.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5", encoding="utf-8")
    as_turtle = run_cli("query", str(file), "--store", str(built_store), "--format", "turtle")
    assert len(rdflib.Graph().parse(data=as_turtle.stdout, format="turtle")) == 5


@pytest.mark.parametrize(("query", "message"), [
    ("SELECT * WHERE { ?s ?p }", "error at 1:"),
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "read-only"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", "SERVICE is refused"),
])
def test_query_errors_are_one_line(built_store: Path, query: str, message: str) -> None:
    """One line of reason; a syntax error adds the query's line with a caret under the position."""
    result = run_cli("query", query, "--store", str(built_store))
    assert result.returncode == 1
    assert_no_traceback(result)
    lines = result.stderr.strip("\n").splitlines()
    assert lines[0].startswith("collabkg query: ") and message in lines[0]
    assert len(lines) == (3 if message == "error at 1:" else 1)
    if len(lines) == 3:
        assert lines[1] == "  " + query and lines[2].rstrip().endswith("^")
