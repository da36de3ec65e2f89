"""Networks projected from the store with SPARQL (graph/queries/projections), as networkx graphs.

- :func:`governance_digraph`: one collaboration's governance: its units and their reporting lines, its posts,
  its member bodies and their seats on units, and who funds the collaboration, its units and posts.
- :func:`bodies_collaborations_graph`: the two-mode network of bodies and the collaborations they are
  members of; :func:`bodies_projection`: the one-mode network of bodies that share collaborations.

They ask only for the patterns of the public contract (CONTRACT.md section 1), so they work on any graph
that keeps it. Every node carries ``label`` and ``kind`` (graph/viz_style.py); every edge ``relation``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx
from networkx.algorithms import bipartite

from collabkg.graph.network_measures import reporting_lines
from collabkg.graph.queries.projections import fill, projection_query
from collabkg.graph.query_runner import QueryRunner, Row
from collabkg.graph.viz_style import BODY_KIND_TYPES, is_body, node_kind


class ProjectionError(ValueError):
    """A collaboration that cannot be found; the message is one line a user can act on."""


@dataclass(frozen=True)
class Collaboration:
    iri: str
    label: str
    members: int = 0
    units: int = 0
    posts: int = 0
    funders: int = 0

    @property
    def slug(self) -> str:
        """The last segment of the IRI, which names the collaboration in paths and on the command line."""
        return last_segment(self.iri)


def last_segment(iri: str) -> str:
    """The last path segment (or fragment) of an IRI.

    >>> last_segment("https://w3id.org/collabkg/id/collaboration/north-of-tyne-collaboration")
    'north-of-tyne-collaboration'
    >>> last_segment("https://w3id.org/collabkg/ontology#LocalAuthority")
    'LocalAuthority'
    """
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _value(row: Row, name: str, default: str = "") -> str:
    term = row.get(name)
    return term.value if term is not None else default


def _count(row: Row, name: str) -> int:
    return int(_value(row, name, "0"))


def collaborations_query() -> str:
    return projection_query("collaborations")


def collaborations(runner: QueryRunner) -> list[Collaboration]:
    """Every collaboration, sorted by label, with the numbers of its members, units, posts and funders."""
    found = []
    for row in runner.select(collaborations_query()):
        iri = _value(row, "collaboration")
        found.append(Collaboration(iri, _value(row, "label") or last_segment(iri), _count(row, "members"),
                                   _count(row, "units"), _count(row, "posts"), _count(row, "funders")))
    return found


def resolve_collaboration(runner: QueryRunner, name: str) -> Collaboration:
    """The collaboration ``name`` stands for: its IRI, the last segment of its IRI, or its label (any case).

    Raises :class:`ProjectionError` when nothing, or more than one collaboration, matches.
    """
    wanted = name.strip()
    known = collaborations(runner)
    for matches in ([c for c in known if c.iri == wanted],
                    [c for c in known if c.slug == wanted],
                    [c for c in known if c.label.casefold() == wanted.casefold()]):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ProjectionError(f"{name!r} names {len(matches)} collaborations; give its IRI: "
                                  + ", ".join(c.iri for c in matches))
    close = [c.slug for c in known if wanted.casefold() in c.label.casefold() or wanted.casefold() in c.slug]
    hint = f"; did you mean {', '.join(close[:5])}?" if close else "; `collabkg viz --list` lists them"
    raise ProjectionError(f"no collaboration {name!r} in the graph (give its IRI, the last segment of its IRI, "
                          f"or its label){hint}")


# Governance ---------------------------------------------------------------------------------------------------

def governance_query(collaboration_iri: str) -> str:
    """The SPARQL that :func:`governance_digraph` runs for one collaboration (views link to it)."""
    return fill(projection_query("governance"), {"collaboration": collaboration_iri})


def _add_node(graph: nx.MultiDiGraph, iri: str, label: str, type_iri: str) -> None:
    if iri not in graph:
        graph.add_node(iri, iri=iri, label=label or last_segment(iri), types=set())
    if type_iri:
        graph.nodes[iri]["types"].add(type_iri)


_FUNDING_FIELDS = {"fundingKindLabel": "funding_kind", "statusLabel": "status", "currency": "currency",
                   "period": "period", "startDate": "start_date", "endDate": "end_date", "streamLabel": "stream"}


def in_stable_order(rows: list[Row]) -> list[Row]:
    """Rows sorted by their values: a query without ORDER BY lists rows in each server's own order, and the
    graph (its edge numbering in exports) must not depend on which server answered."""
    return sorted(rows, key=lambda row: sorted((name, term.value) for name, term in row.items()))


def governance_digraph(runner: QueryRunner, collaboration_iri: str) -> nx.MultiDiGraph:
    """The governance structure of one collaboration as a directed multigraph.

    Edges point from the one who acts to the one acted on: a body is a ``member`` of the collaboration or has
    a ``seat`` on a unit, a unit is a ``unitOf`` the collaboration and ``reportsTo`` another, a post is held
    (``postIn``) by a unit or body, a funder ``funds`` the collaboration, a unit or a post (one edge per
    funding, keyed by its IRI, with its kind, status, amount and period). Seats and memberships in several
    roles are one edge with ``roles`` listing them. Units and the collaboration's own posts have ``parent``:
    the collaboration, for drawings that nest them inside it.
    """
    graph = nx.MultiDiGraph(collaboration=collaboration_iri, query=governance_query(collaboration_iri))
    roles: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    through_posts: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in in_stable_order(runner.select(graph.graph["query"])):
        relation, source, target = _value(row, "relation"), _value(row, "source"), _value(row, "target")
        _add_node(graph, source, _value(row, "sourceLabel"), _value(row, "sourceType"))
        _add_node(graph, target, _value(row, "targetLabel"), _value(row, "targetType"))
        if relation == "funds":
            funding = _value(row, "funding")
            attributes: dict[str, str | float] = {"relation": relation, "funding": funding}
            attributes.update({field: _value(row, name) for name, field in _FUNDING_FIELDS.items() if name in row})
            if "amount" in row:
                attributes["amount"] = float(_value(row, "amount"))
            graph.add_edge(source, target, key=funding, **attributes)
            continue
        graph.add_edge(source, target, key=relation, relation=relation)
        if "roleLabel" in row or "role" in row:
            roles[source, target, relation].add(_value(row, "roleLabel") or last_segment(_value(row, "role")))
        if "post" in row:
            through_posts[source, target, relation].add(_value(row, "post"))
    for (source, target, relation), names in roles.items():
        graph.edges[source, target, relation]["roles"] = ", ".join(sorted(names))
    for (source, target, relation), posts in through_posts.items():
        graph.edges[source, target, relation]["through_post"] = " ".join(sorted(posts))
    if collaboration_iri not in graph:  # a collaboration with nothing around it is still drawn
        rows = [c for c in collaborations(runner) if c.iri == collaboration_iri]
        _add_node(graph, collaboration_iri, rows[0].label if rows else "", "")
    for node, data in graph.nodes(data=True):
        data["kind"] = "collaboration" if node == collaboration_iri else node_kind(data.pop("types"))
    _nest_in_collaboration(graph, collaboration_iri)
    graph.graph["title"] = graph.nodes[collaboration_iri]["label"]
    return graph


def _nest_in_collaboration(graph: nx.MultiDiGraph, collaboration_iri: str) -> None:
    """Units of the collaboration, and posts in it or in its units, belong inside it in a drawing."""
    inside = {source for source, target, relation in graph.edges(keys=True)
              if relation == "unitOf" and target == collaboration_iri}
    for source, target, relation in list(graph.edges(keys=True)):
        if relation == "postIn" and (target == collaboration_iri or target in inside):
            graph.nodes[source]["parent"] = collaboration_iri
    for unit in inside:
        graph.nodes[unit]["parent"] = collaboration_iri


# Network of bodies --------------------------------------------------------------------------------------------

def network_query() -> str:
    return projection_query("bodies-and-collaborations")


def bodies_collaborations_graph(runner: QueryRunner) -> nx.Graph:
    """The two-mode network: every collaboration and every body that is a member of one, an edge for each
    membership (``roles`` names its roles). Nodes have ``bipartite`` 0 (bodies) or 1 (collaborations)."""
    graph = nx.Graph(query=network_query(), title="Bodies and the collaborations they are members of")
    for row in in_stable_order(runner.select(graph.graph["query"])):
        collaboration = _value(row, "collaboration")
        if collaboration not in graph:
            graph.add_node(collaboration, iri=collaboration, kind="collaboration", bipartite=1,
                           label=_value(row, "collaborationLabel") or last_segment(collaboration))
        body = _value(row, "body")
        if not body:
            continue
        kind = BODY_KIND_TYPES.get(_value(row, "bodyType"), "other-body")
        if body not in graph:
            graph.add_node(body, iri=body, kind=kind, bipartite=0, label=_value(row, "bodyLabel") or last_segment(body))
        elif kind != "other-body":  # a body typed with two kinds keeps the more specific one
            graph.nodes[body]["kind"] = kind
        graph.add_edge(body, collaboration, relation="memberOf", roles=_value(row, "roles"))
    return graph


def bodies_projection(two_mode: nx.Graph) -> nx.Graph:
    """Bodies that work together: an edge between two bodies for the collaborations they share, ``weight``
    the number shared and ``collaborations`` their labels.

    >>> g = nx.Graph()
    >>> g.add_nodes_from(["a", "b", "c"], bipartite=0, kind="local-authority", label="body")
    >>> g.add_nodes_from(["X", "Y"], bipartite=1, kind="collaboration", label="collab")
    >>> g.add_edges_from([("a", "X"), ("b", "X"), ("a", "Y"), ("b", "Y"), ("c", "Y")])
    >>> sorted(bodies_projection(g).edges(data="weight"))
    [('a', 'b', 2), ('a', 'c', 1), ('b', 'c', 1)]
    """
    bodies = [node for node, data in two_mode.nodes(data=True) if is_body(data["kind"])]
    projection = bipartite.weighted_projected_graph(two_mode, bodies)
    projection.graph.update(title="Bodies that share collaborations", query=two_mode.graph.get("query", ""))
    for first, second, data in projection.edges(data=True):
        shared = sorted(set(two_mode[first]) & set(two_mode[second]))
        data["relation"] = "worksWith"
        data["collaborations"] = "; ".join(two_mode.nodes[c]["label"] for c in shared)
    return projection


def reporting_lines_query() -> str:
    return projection_query("reporting-lines")


def reporting_digraphs(runner: QueryRunner) -> dict[str, nx.DiGraph]:
    """For each collaboration with units or reporting lines, its reporting hierarchy
    (:func:`collabkg.graph.network_measures.reporting_lines`), for ``reporting_hierarchy``."""
    units: dict[str, set[str]] = defaultdict(set)
    lines: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in runner.select(reporting_lines_query()):
        collaboration, unit = _value(row, "collaboration"), _value(row, "unit")
        units[collaboration].add(unit)
        if "reportsTo" in row:
            lines[collaboration].add((unit, _value(row, "reportsTo")))
    return {c: reporting_lines(c, sorted(units[c]), sorted(lines[c])) for c in units}
