"""Measures that researchers of inter-organisational networks use, computed with networkx.

- On the network of bodies (graph/projections.py): degree (collaborations a body is in, bodies it works
  with), betweenness centrality, Burt's structural holes (constraint and effective size, on ties weighted by
  the collaborations two bodies share), and brokers: bodies without which groups of collaborations would
  share no member at all.
- On one collaboration's governance: the depth and breadth of its reporting hierarchy.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from collabkg.graph.viz_style import is_body


@dataclass(frozen=True)
class BodyMeasures:
    body: str
    label: str
    kind: str
    collaborations: int  # degree in the two-mode network
    partners: int  # degree in the projection: bodies it shares a collaboration with
    betweenness: float  # normalised betweenness centrality in the projection
    constraint: float | None  # Burt's constraint (None for a body with no partner)
    effective_size: float | None  # Burt's effective size (None for a body with no partner)
    bridges: int  # groups of collaborations that would share no member without this body (0 if not a broker)

    @property
    def is_broker(self) -> bool:
        return self.bridges >= 2


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def broker_groups(two_mode: nx.Graph) -> dict[str, list[list[str]]]:
    """Bodies that bridge otherwise separate collaborations: for each, the groups of its collaborations
    that no other chain of shared members connects (each group a sorted list of collaboration IRIs).

    A body is a broker when it is a cut vertex of the bodies–collaborations network whose removal leaves its
    collaborations in two or more components.

    >>> g = nx.Graph()
    >>> g.add_nodes_from(["a", "b", "c"], kind="local-authority")
    >>> g.add_nodes_from(["X", "Y", "Z"], kind="collaboration")
    >>> g.add_edges_from([("a", "X"), ("a", "Y"), ("b", "Y"), ("b", "Z"), ("c", "Z"), ("c", "Y")])
    >>> broker_groups(g)
    {'a': [['X'], ['Y']]}
    """
    groups: dict[str, list[list[str]]] = {}
    for node in nx.articulation_points(two_mode):
        if not is_body(two_mode.nodes[node]["kind"]):
            continue
        remaining = two_mode.subgraph(n for n in two_mode if n != node)
        component_of = {member: index for index, component in enumerate(nx.connected_components(remaining))
                        for member in component}
        by_component: dict[int, list[str]] = {}
        for collaboration in two_mode[node]:
            by_component.setdefault(component_of[collaboration], []).append(collaboration)
        if len(by_component) >= 2:
            groups[node] = sorted(sorted(group) for group in by_component.values())
    return dict(sorted(groups.items()))


def body_measures(two_mode: nx.Graph, projection: nx.Graph) -> list[BodyMeasures]:
    """The measures of every body, the most between first."""
    betweenness = nx.betweenness_centrality(projection, normalized=True)
    constraint = nx.constraint(projection, weight="weight")
    effective_size = nx.effective_size(projection, weight="weight")
    brokers = broker_groups(two_mode)
    measures = [
        BodyMeasures(body, data["label"], data["kind"], two_mode.degree(body), projection.degree(body),
                     round(betweenness[body], 4), _finite(constraint[body]), _finite(effective_size[body]),
                     len(brokers.get(body, [])))
        for body, data in projection.nodes(data=True)]
    return sorted(measures, key=lambda m: (-m.betweenness, -m.collaborations, m.label))


@dataclass(frozen=True)
class HierarchyMeasures:
    depth: int  # levels in the longest reporting chain (1: units that report to no one)
    breadth: int  # the most units (or bodies reported to) on one level
    span: int  # the most reporting directly to one
    levels: list[list[str]]  # nodes by level, the top first

    @classmethod
    def empty(cls) -> HierarchyMeasures:
        return cls(0, 0, 0, [])


def reporting_hierarchy(reports: nx.DiGraph) -> HierarchyMeasures:
    """Depth and breadth of a reporting hierarchy: ``reports`` has an edge from each unit to whom it reports.

    A unit's level is one below the lowest of those it reports to; units that report to no one are level 1.
    Units that report to each other in a circle share a level.

    >>> lines = nx.DiGraph([("team", "board"), ("group", "board"), ("board", "council")])
    >>> measures = reporting_hierarchy(lines)
    >>> measures.depth, measures.breadth, measures.span, measures.levels
    (3, 2, 2, [['council'], ['board'], ['group', 'team']])
    """
    if not len(reports):
        return HierarchyMeasures.empty()
    condensed = nx.condensation(reports)
    level: dict[int, int] = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        bosses = list(condensed.successors(component))
        level[component] = 1 + max((level[boss] for boss in bosses), default=0)
    levels: dict[int, list[str]] = {}
    for component, members in condensed.nodes(data="members"):
        levels.setdefault(level[component], []).extend(members)
    depth = max(levels)
    ordered = [sorted(levels.get(number, [])) for number in range(1, depth + 1)]
    span = max((reports.in_degree(node) for node in reports), default=0)
    return HierarchyMeasures(depth, max(len(nodes) for nodes in ordered), span, ordered)


def reporting_lines(collaboration: str, units: Iterable[str], lines: Iterable[tuple[str, str]]) -> nx.DiGraph:
    """A collaboration's reporting hierarchy: an edge from each unit (or the collaboration) to whom it reports.
    A unit that reports to no one hangs under the collaboration it is a unit of (``org:unitOf``), unless
    the collaboration itself reports to it (a board above the partnership).

    >>> lines = reporting_lines("C", ["board", "team"], [("team", "board"), ("C", "council")])
    >>> sorted(lines.edges())
    [('C', 'council'), ('board', 'C'), ('team', 'board')]
    >>> reporting_hierarchy(lines).depth
    4
    """
    graph = nx.DiGraph()
    graph.add_edges_from(lines)
    for unit in units:
        graph.add_node(unit)
        if unit != collaboration and not graph.out_degree(unit) and not graph.has_edge(collaboration, unit):
            graph.add_edge(unit, collaboration)
    return graph


def governance_reporting_lines(governance: nx.MultiDiGraph) -> nx.DiGraph:
    """The reporting hierarchy of a governance graph (graph/projections.py ``governance_digraph``)."""
    collaboration = governance.graph["collaboration"]
    units = [source for source, target, relation in governance.edges(data="relation")
             if relation == "unitOf" and target == collaboration]
    return reporting_lines(collaboration, units, ((source, target) for source, target, relation in
                                                  governance.edges(data="relation") if relation == "reportsTo"))


def kinds_count(graph: nx.Graph) -> Counter[str]:
    """How many nodes of each kind a graph has (the legend shows the numbers)."""
    return Counter(kind for _, kind in graph.nodes(data="kind"))
