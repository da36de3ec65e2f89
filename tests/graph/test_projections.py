"""Projections, measures and exports of graph/ against the real graph: what the store holds for a
collaboration is what the drawings and files hold, counted by SPARQL written here independently."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import networkx as nx
import pytest

from collabkg.graph.evidence_map import evidence_facets, evidence_map, parse_filters
from collabkg.graph.network_measures import (
    body_measures,
    broker_groups,
    governance_reporting_lines,
    reporting_hierarchy,
)
from collabkg.graph.projections import (
    ProjectionError,
    bodies_collaborations_graph,
    bodies_projection,
    collaborations,
    governance_digraph,
    resolve_collaboration,
)
from collabkg.graph.query_runner import StoreRunner
from collabkg.graph.store import open_store
from collabkg.graph.viz_exports import (
    evidence_map_export,
    governance_export,
    measured_network,
    network_export,
    to_cytoscape,
)
from collabkg.graph.viz_style import NODE_STYLES

PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#> PREFIX ckg: <https://w3id.org/collabkg/ontology#>
PREFIX schema: <https://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# collaborations with the most governance: units several levels deep, seats, posts and funding of many kinds
RICH = ["north-wales-economic-ambition-board", "tayside-childrens-services-collaborative",
        "western-bay-health-and-social-care-programme"]
NWEAB = "https://w3id.org/collabkg/id/collaboration/north-wales-economic-ambition-board"


@pytest.fixture(scope="module")
def runner(built_store: Path) -> StoreRunner:
    return StoreRunner(open_store(built_store))


def column(runner: StoreRunner, query: str, name: str) -> set[str]:
    return {row[name].value for row in runner.select(PREFIXES + query)}


def expected_governance(runner: StoreRunner, iri: str) -> dict[str, set]:  # type: ignore[type-arg]
    """What the store holds about one collaboration's governance, asked with the contract's patterns."""
    c = f"<{iri}>"
    funded = (f"{{ BIND({c} AS ?item) }} UNION {{ ?item org:unitOf {c} }} UNION {{ ?item org:postIn {c} }} "
              f"UNION {{ ?item org:postIn/org:unitOf {c} }} UNION {{ ?item ckg:postFor {c} }}")
    return {
        "units": column(runner, f"SELECT ?u WHERE {{ ?u org:unitOf {c} }}", "u"),
        "members": column(runner, f"SELECT ?b WHERE {{ {c} org:hasMember ?b }}", "b"),
        "seated": column(runner, f"SELECT ?b WHERE {{ ?u org:unitOf {c} . ?m org:organization ?u ; org:member ?b }}",
                         "b"),
        "funders": column(runner, f"SELECT ?f WHERE {{ {funded} ?g a ckg:Funding ; schema:funder ?f ; "
                                  "schema:fundedItem ?item }", "f"),
        "fundings": column(runner, f"SELECT ?g WHERE {{ {funded} ?g a ckg:Funding ; schema:fundedItem ?item }}", "g"),
        "reporting": {(row["s"].value, row["t"].value) for row in runner.select(
            PREFIXES + f"SELECT ?s ?t WHERE {{ {{ ?s org:unitOf {c} }} UNION {{ BIND({c} AS ?s) }} "
                       "?s org:reportsTo ?t }")},
    }


def held(graph: nx.Graph) -> dict[str, set]:  # type: ignore[type-arg]
    """The same sets, read from a projection or from an export read back by networkx."""
    edges = list(graph.edges(data=True))
    return {
        "units": {n for n, kind in graph.nodes(data="kind") if kind == "unit"},
        "members": {s for s, _, d in edges if d["relation"] == "member"},
        "seated": {s for s, _, d in edges if d["relation"] == "seat"},
        "funders": {s for s, _, d in edges if d["relation"] == "funds"},
        "fundings": {d["funding"] for _, _, d in edges if d["relation"] == "funds"},
        "reporting": {(s, t) for s, t, d in edges if d["relation"] == "reportsTo"},
    }


def test_every_collaborations_governance_holds_what_the_store_has(runner: StoreRunner) -> None:
    known = collaborations(runner)
    assert len(known) == len(column(runner, "SELECT ?c WHERE { ?c a org:OrganizationalCollaboration }", "c"))
    for collaboration in known:
        graph = governance_digraph(runner, collaboration.iri)
        expected = expected_governance(runner, collaboration.iri)
        assert held(graph) == expected, collaboration.slug
        assert collaboration.units == len(expected["units"]) and collaboration.funders == len(expected["funders"])
        assert graph.nodes[collaboration.iri]["kind"] == "collaboration"


@pytest.mark.parametrize("slug", RICH)
def test_graphml_and_gexf_exports_load_in_networkx_with_every_unit_member_funder_and_reporting_line(
        runner: StoreRunner, slug: str) -> None:
    collaboration = resolve_collaboration(runner, slug)
    expected = expected_governance(runner, collaboration.iri)
    assert expected["units"] and expected["members"] and expected["funders"] and expected["reporting"]
    graph = governance_digraph(runner, collaboration.iri)
    from_graphml = nx.read_graphml(io.BytesIO(governance_export(graph, "graphml")))
    from_gexf = nx.read_gexf(io.BytesIO(governance_export(graph, "gexf")), version="1.3")
    for loaded in (from_graphml, from_gexf):
        assert held(loaded) == expected
        assert loaded.number_of_nodes() == graph.number_of_nodes()
        assert loaded.number_of_edges() == graph.number_of_edges()


def test_graphml_carries_yfiles_graphics_with_labels_colours_and_positions(runner: StoreRunner) -> None:
    graph = governance_digraph(runner, NWEAB)
    root = ET.fromstring(governance_export(graph, "graphml"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns", "y": "http://www.yworks.com/xml/graphml"}
    assert root.find("g:key[@yfiles.type='nodegraphics']", ns) is not None
    nodes = root.findall("g:graph/g:node", ns)
    assert len(nodes) == graph.number_of_nodes()
    positions = set()
    for node in nodes:
        shape = node.find(".//y:ShapeNode", ns)
        assert shape is not None
        data = graph.nodes[node.get("id")]
        assert shape.find("y:Fill", ns).get("color") == NODE_STYLES[data["kind"]].fill.upper()  # type: ignore[union-attr]
        assert shape.find("y:NodeLabel", ns).text.replace("\n", " ") == data["label"]  # type: ignore[union-attr]
        geometry = shape.find("y:Geometry", ns)
        positions.add((geometry.get("x"), geometry.get("y")))  # type: ignore[union-attr]
    assert len(positions) == len(nodes)  # laid out by Graphviz: no two nodes on top of each other
    assert root.findall(".//y:PolyLineEdge/y:EdgeLabel", ns)  # funding and roles are written on the edges


def test_gexf_is_version_1_3_with_colours_and_positions(runner: StoreRunner) -> None:
    graph = governance_digraph(runner, NWEAB)
    root = ET.fromstring(governance_export(graph, "gexf"))
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    viz = "{http://gexf.net/1.3/viz}"
    colours = {node.get("id"): node.find(f"{viz}color") for node in root.iter("{http://gexf.net/1.3}node")}
    assert len(colours) == graph.number_of_nodes()
    for node, colour in colours.items():
        fill = NODE_STYLES[graph.nodes[node]["kind"]].fill
        assert colour is not None and int(colour.get("r", -1)) == int(fill[1:3], 16)
    assert len(list(root.iter(f"{viz}position"))) == graph.number_of_nodes()


def test_cytoscape_json_nests_units_in_their_collaboration(runner: StoreRunner) -> None:
    graph = governance_digraph(runner, NWEAB)
    document = json.loads(json.dumps(to_cytoscape(graph)))
    nodes = {n["data"]["id"]: n["data"] for n in document["elements"]["nodes"]}
    assert set(nodes) == set(graph)
    units = expected_governance(runner, NWEAB)["units"]
    assert {n for n, d in nodes.items() if d.get("parent") == NWEAB} >= units
    assert all(nodes[u]["color"] == NODE_STYLES["unit"].fill for u in units)
    relations = Counter(e["data"]["relation"] for e in document["elements"]["edges"])
    assert relations["unitOf"] == 0 and relations["reportsTo"] == len(expected_governance(runner, NWEAB)["reporting"])


def test_collaborations_are_found_by_iri_last_segment_or_label(runner: StoreRunner) -> None:
    by_iri = resolve_collaboration(runner, NWEAB)
    assert resolve_collaboration(runner, "north-wales-economic-ambition-board") == by_iri
    assert resolve_collaboration(runner, "north wales economic ambition board") == by_iri
    with pytest.raises(ProjectionError, match="did you mean north-of-tyne"):
        resolve_collaboration(runner, "tyne")


def test_the_network_export_holds_every_body_that_is_a_member(runner: StoreRunner) -> None:
    members = {(row["b"].value, row["c"].value) for row in runner.select(
        PREFIXES + "SELECT ?b ?c WHERE { ?c a org:OrganizationalCollaboration ; org:hasMember ?b }")}
    two_mode = bodies_collaborations_graph(runner)
    graph = measured_network(two_mode, bodies_projection(two_mode))
    for format_name in ("graphml", "gexf"):
        body = network_export(graph, format_name)
        loaded = (nx.read_graphml(io.BytesIO(body)) if format_name == "graphml"
                  else nx.read_gexf(io.BytesIO(body), version="1.3"))
        assert {b for b, _ in members} <= set(loaded)
        assert {frozenset(pair) for pair in members} == {frozenset(edge) for edge in loaded.edges()}
        assert all("betweenness" in loaded.nodes[b] for b, _ in members)


def test_bodies_that_work_together_share_a_collaboration(runner: StoreRunner) -> None:
    two_mode = bodies_collaborations_graph(runner)
    projection = bodies_projection(two_mode)
    for first, second, weight in projection.edges(data="weight"):
        assert weight == len(set(two_mode[first]) & set(two_mode[second])) >= 1
    councils = ("https://w3id.org/collabkg/id/body/gwynedd-council",
                "https://w3id.org/collabkg/id/body/conwy-county-borough-council")
    assert projection.edges[councils]["weight"] >= 3  # North Wales: economic board, ICT, legal services


def test_brokers_bridge_collaborations_that_would_otherwise_share_no_member(runner: StoreRunner) -> None:
    two_mode = bodies_collaborations_graph(runner)
    brokers = broker_groups(two_mode)
    assert brokers
    for body, groups in brokers.items():
        without = two_mode.copy()
        without.remove_node(body)
        for first, second in zip(groups, groups[1:], strict=False):
            assert not nx.has_path(without, first[0], second[0]), body
    measures = {m.body: m for m in body_measures(two_mode, bodies_projection(two_mode))}
    assert {b for b, m in measures.items() if m.is_broker} == set(brokers)
    top = max(measures.values(), key=lambda m: m.betweenness)
    assert top.betweenness > 0 and top.constraint is not None and top.effective_size is not None


def test_reporting_hierarchy_depth_and_breadth(runner: StoreRunner) -> None:
    graph = governance_digraph(runner, NWEAB)
    hierarchy = reporting_hierarchy(governance_reporting_lines(graph))
    # regional leadership board <- Economic Ambition Board <- programme management group / bid scoring group
    assert hierarchy.depth == 3
    third = {graph.nodes[n]["label"] for n in hierarchy.levels[2]}
    assert third == {"Programme Management Group", "Representatives scoring the EU bids for the EAB"}
    assert hierarchy.breadth == max(len(level) for level in hierarchy.levels)


def cell_counts_by_sparql(runner: StoreRunner, modality: str | None = None) -> dict[tuple[str, str, str], int]:
    """Distinct claims per factor category, outcome category and polarity, counted in Python from the claims."""
    restriction = f"?k ckg:modality <{modality}> ." if modality else ""
    claims: dict[tuple[str, str, str], set[str]] = {}
    for row in runner.select(PREFIXES + f"""SELECT DISTINCT ?k ?f ?o ?p WHERE {{
        ?k a ckg:CausalClaim ; ckg:cause ?cause ; ckg:effect ?effect ; ckg:polarity ?p . {restriction}
        ?cause ckg:category ?f . ?f skos:inScheme ckg:FactorScheme .
        ?effect ckg:category ?o . ?o skos:inScheme ckg:OutcomeScheme . }}"""):
        polarity = "enables" if row["p"].value.endswith("Enables") else "hinders"
        claims.setdefault((row["f"].value, row["o"].value, polarity), set()).add(row["k"].value)
    return {key: len(members) for key, members in claims.items()}


def test_evidence_map_cells_equal_a_sparql_count_of_distinct_claims(runner: StoreRunner) -> None:
    mapped = evidence_map(runner)
    exported = json.loads(evidence_map_export(mapped, "json"))
    assert {(c["factor"], c["outcome"], c["polarity"]): c["claims"] for c in exported} == cell_counts_by_sparql(runner)
    assert set(exported[0]) == {"factor", "outcome", "polarity", "claims", "collaborations", "reports"}
    # a claim with several passages counts once: there are claims with more than one passage
    assert column(runner, "SELECT ?k WHERE { ?k a ckg:CausalClaim ; prov:wasDerivedFrom ?a, ?b FILTER(?a != ?b) }", "k")
    factors, outcomes = len(mapped.factors), len(mapped.outcomes)
    assert len(mapped.gaps()) == factors * outcomes - len({(c.factor, c.outcome) for c in mapped.cells})
    assert all(c.reports == 1 for c in mapped.single_source())


def test_evidence_map_filters_count_only_the_claims_they_keep(runner: StoreRunner) -> None:
    observed = "https://w3id.org/collabkg/ontology#Observed"
    filtered = evidence_map(runner, parse_filters(evidence_facets(runner), modality=["observed"]))
    assert {(c.factor, c.outcome, c.polarity): c.claims for c in filtered.cells} == cell_counts_by_sparql(
        runner, observed)
    assert sum(c.claims for c in filtered.cells) < sum(c.claims for c in evidence_map(runner).cells)
