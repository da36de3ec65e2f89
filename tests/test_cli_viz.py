"""``collabkg viz`` as a user runs it: every format, the three ways to name a collaboration, the network and
the evidence map (its JSON cells checked against SPARQL), one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from support import assert_no_traceback, run_cli

NWEAB = "https://w3id.org/collabkg/id/collaboration/north-wales-economic-ambition-board"


def viz(store: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("viz", *args, "--store", str(store))


@pytest.mark.parametrize("name", [NWEAB, "north-wales-economic-ambition-board", "North Wales Economic Ambition Board"])
def test_a_collaboration_is_named_by_iri_last_segment_or_label(built_store: Path, tmp_path: Path, name: str) -> None:
    output = tmp_path / "governance.graphml"
    result = viz(built_store, name, "--format", "graphml", "-o", str(output))
    assert result.returncode == 0, result.stderr
    graph = nx.read_graphml(output)
    assert graph.nodes[NWEAB]["kind"] == "collaboration"
    assert {"reportsTo", "seat", "member", "funds", "postIn", "unitOf"} <= {d["relation"] for *_, d in
                                                                           graph.edges(data=True)}


def test_every_format_is_written(built_store: Path, tmp_path: Path) -> None:
    signatures = {"svg": b"<svg", "png": b"\x89PNG\r\n\x1a\n", "graphml": b"<graphml", "gexf": b"<gexf",
                  "json": b'"format_version"'}
    for format_name, signature in signatures.items():
        output = tmp_path / f"drawing.{format_name}"
        result = viz(built_store, "north-wales-economic-ambition-board", "-o", str(output))  # format from suffix
        assert result.returncode == 0, result.stderr
        assert signature in output.read_bytes()[:4000], format_name
    assert json.loads((tmp_path / "drawing.json").read_text())["elements"]["nodes"]
    svg = (tmp_path / "drawing.svg").read_text(encoding="utf-8")
    assert "Programme Management Group" in svg and "Gwynedd Council" in svg


def test_network_holds_every_member_body_and_their_measures(built_store: Path, tmp_path: Path) -> None:
    members = json.loads(run_cli("query", "PREFIX org: <http://www.w3.org/ns/org#> SELECT DISTINCT ?b WHERE { "
                                 "?c a org:OrganizationalCollaboration ; org:hasMember ?b }",
                                 "--store", str(built_store)).stdout)["results"]["bindings"]
    output = tmp_path / "network.gexf"
    result = viz(built_store, "--network", "--format", "gexf", "-o", str(output))
    assert result.returncode == 0, result.stderr
    graph = nx.read_gexf(output, version="1.3")
    assert {m["b"]["value"] for m in members} <= set(graph)
    for body in (m["b"]["value"] for m in members):
        assert graph.nodes[body]["collaborations"] == graph.degree(body) and "betweenness" in graph.nodes[body]
    projected = tmp_path / "bodies.json"
    assert viz(built_store, "--network", "--projected", "-o", str(projected)).returncode == 0
    kinds = {n["data"]["kind"] for n in json.loads(projected.read_text())["elements"]["nodes"]}
    assert "collaboration" not in kinds


def test_evidence_map_json_cells_equal_sparql_counts(built_store: Path) -> None:
    result = viz(built_store, "--evidence-map", "--format", "json", "-o", "-")
    assert result.returncode == 0, result.stderr
    cells = json.loads(result.stdout)
    counted = json.loads(run_cli("query", """
        PREFIX ckg: <https://w3id.org/collabkg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?f ?o ?p (COUNT(DISTINCT ?k) AS ?n) WHERE {
          ?k a ckg:CausalClaim ; ckg:polarity ?p ; ckg:cause/ckg:category ?f ; ckg:effect/ckg:category ?o .
          ?f skos:inScheme ckg:FactorScheme . ?o skos:inScheme ckg:OutcomeScheme .
        } GROUP BY ?f ?o ?p""", "--store", str(built_store)).stdout)["results"]["bindings"]
    expected = {(r["f"]["value"], r["o"]["value"], r["p"]["value"].rsplit("#", 1)[1].lower()): int(r["n"]["value"])
                for r in counted}
    assert {(c["factor"], c["outcome"], c["polarity"]): c["claims"] for c in cells} == expected
    filtered = json.loads(viz(built_store, "--evidence-map", "--modality", "recommended", "--body-kind",
                              "local-authority", "--format", "json", "-o", "-").stdout)
    assert 0 < sum(c["claims"] for c in filtered) < sum(c["claims"] for c in cells)


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere-at-all", "-o", "x.svg"], "no collaboration 'nowhere-at-all'"),
    (["--evidence-map", "--modality", "seen", "-o", "x.json"], "unknown modality 'seen'"),
    (["-o", "x.svg"], "give exactly one of COLLABORATION, --network or --evidence-map"),
    (["--network", "-o", "network"], "give --format"),
    (["--network", "--format", "svg"], "-o FILE"),
    (["--network", "--format", "json", "-o", "."], "cannot write the file"),
])
def test_bad_input_gets_one_line_and_no_file(built_store: Path, tmp_path: Path, args: list[str],
                                             message: str) -> None:
    result = run_cli("viz", *args, "--store", str(built_store), cwd=tmp_path)
    assert result.returncode == 1
    assert_no_traceback(result)
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr
    assert not list(tmp_path.iterdir())


def test_list_names_every_collaboration(built_store: Path) -> None:
    result = viz(built_store, "--list")
    assert result.returncode == 0
    assert "north-wales-economic-ambition-board\tNorth Wales Economic Ambition Board" in result.stdout.splitlines()
