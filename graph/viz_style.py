"""How the drawings tell things apart: one colour and shape per kind of node, one style per kind of edge.

The server-side drawings (graph/drawing.py), the GraphML and GEXF exports and the browser views (through the
Cytoscape JSON) all read these tables, so a local authority is the same blue in a paper figure, in yEd, in
Gephi and on the page, and the legend is written from the same table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from collabkg.ontology.terms import BODY_KINDS, ORG


@dataclass(frozen=True)
class NodeStyle:
    label: str
    fill: str
    text: str
    shape: str  # a Graphviz shape; graph/viz_exports.py maps it for yEd and Cytoscape.js


@dataclass(frozen=True)
class EdgeStyle:
    label: str
    color: str
    line: str  # solid, dashed, dotted
    width: float


# Okabe and Ito's palette, which readers with colour-blindness can tell apart, for the kinds of body.
NODE_STYLES: dict[str, NodeStyle] = {
    "collaboration": NodeStyle("Collaboration", "#eef2f8", "#1d2330", "box3d"),
    "unit": NodeStyle("Governance unit", "#56b4e9", "#1d2330", "box"),
    "post": NodeStyle("Post", "#f6eda4", "#1d2330", "note"),
    "local-authority": NodeStyle("Local authority", "#0072b2", "#ffffff", "ellipse"),
    "health-body": NodeStyle("Health body", "#009e73", "#ffffff", "ellipse"),
    "government-body": NodeStyle("Government body", "#d55e00", "#ffffff", "ellipse"),
    "voluntary-organisation": NodeStyle("Voluntary organisation", "#cc79a7", "#1d2330", "ellipse"),
    "private-company": NodeStyle("Private company", "#e69f00", "#1d2330", "ellipse"),
    "research-organisation": NodeStyle("Research organisation", "#8f7ac0", "#ffffff", "ellipse"),
    "other-body": NodeStyle("Other body", "#9a9a9a", "#1d2330", "ellipse"),
    "factor": NodeStyle("Factor category", "#fde8cf", "#1d2330", "box"),
    "outcome": NodeStyle("Outcome category", "#d9e8f5", "#1d2330", "box"),
}

EDGE_STYLES: dict[str, EdgeStyle] = {
    "reportsTo": EdgeStyle("reports to", "#1d2330", "solid", 2.0),
    "unitOf": EdgeStyle("unit of", "#9aa3b2", "dotted", 1.0),
    "member": EdgeStyle("member of", "#5b6475", "solid", 1.2),
    "seat": EdgeStyle("sits on", "#0072b2", "dashed", 1.2),
    "postIn": EdgeStyle("post in", "#a08a00", "dotted", 1.2),
    "funds": EdgeStyle("funds", "#2e7d32", "solid", 1.6),
    "memberOf": EdgeStyle("member of", "#5b6475", "solid", 1.0),
    "worksWith": EdgeStyle("shares collaborations with", "#5b6475", "solid", 1.0),
    "enables": EdgeStyle("enables", "#1b7837", "solid", 1.2),
    "hinders": EdgeStyle("hinders", "#b2182b", "dashed", 1.2),
}

# rdf:type -> node kind, most specific first: a unit is also an org:Organization, a collaboration too.
_KIND_OF_TYPE: tuple[tuple[str, str], ...] = (
    (str(ORG.OrganizationalCollaboration), "collaboration"),
    (str(ORG.OrganizationalUnit), "unit"),
    (str(ORG.Post), "post"),
    *((str(iri), word) for word, iri in BODY_KINDS.items()),
)
BODY_KIND_TYPES: dict[str, str] = {str(iri): word for word, iri in BODY_KINDS.items()}


def node_kind(types: Iterable[str]) -> str:
    """The kind a node is drawn as, from its ``rdf:type`` IRIs; a body of no known kind is "other-body".

    >>> node_kind(["http://www.w3.org/ns/org#Organization", "https://w3id.org/collabkg/ontology#LocalAuthority"])
    'local-authority'
    >>> node_kind(["http://www.w3.org/ns/org#OrganizationalUnit", "https://w3id.org/collabkg/ontology#OtherBody"])
    'unit'
    >>> node_kind([])
    'other-body'
    """
    present = set(types)
    return next((kind for type_iri, kind in _KIND_OF_TYPE if type_iri in present), "other-body")


def is_body(kind: str) -> bool:
    """Whether a node kind is a kind of body (a local authority, a health body ...).

    >>> is_body("health-body"), is_body("unit")
    (True, False)
    """
    return kind in BODY_KINDS


def rgb(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three integers (GEXF writes colours so).

    >>> rgb("#0072b2")
    (0, 114, 178)
    """
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
