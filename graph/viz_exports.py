"""Exports of the projections for other tools: GraphML with yFiles graphics (yEd), GEXF 1.3 (Gephi),
Cytoscape JSON with compound nodes (Cytoscape, Cytoscape.js), and SVG and PNG drawings (graph/drawing.py).

Node identifiers are the IRIs of the graph, so an export read back (``networkx.read_graphml``,
``read_gexf``) names the same resources as the store. Layouts come from Graphviz where it is installed, so
yEd and Gephi open the files laid out and coloured as the drawings are.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

import networkx as nx

from collabkg.graph import drawing
from collabkg.graph.evidence_map import EvidenceFilters, EvidenceMap, evidence_digraph, evidence_map
from collabkg.graph.network_measures import body_measures, broker_groups
from collabkg.graph.projections import (
    bodies_collaborations_graph,
    bodies_projection,
    governance_digraph,
    resolve_collaboration,
)
from collabkg.graph.query_runner import QueryRunner
from collabkg.graph.viz_style import EDGE_STYLES, NODE_STYLES, rgb

FORMATS = ("svg", "png", "graphml", "gexf", "json")
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png", "graphml": "application/graphml+xml",
               "gexf": "application/gexf+xml", "json": "application/json"}

_GRAPHML = "http://graphml.graphdrawing.org/xmlns"
_YFILES = "http://www.yworks.com/xml/graphml"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_YED_SHAPES = {"box": "rectangle", "box3d": "roundrectangle", "note": "rectangle", "ellipse": "ellipse"}
_YED_LINES = {"solid": "line", "dashed": "dashed", "dotted": "dotted"}
_INTERNAL = {"viz"}  # attributes that are not data of the graph


class ExportError(ValueError):
    """An export that cannot be made as asked (an unknown format, say); one line for the user."""


def _scalar_attributes(data: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Attributes GraphML and GEXF can hold: strings, numbers and booleans, none missing."""
    kept: dict[str, str | int | float | bool] = {}
    for name, value in data.items():
        if name in _INTERNAL or value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        kept[name] = value if isinstance(value, str | int | float | bool) else str(value)
    return kept


def _label_lines(data: dict[str, Any]) -> list[str]:
    return drawing.wrap(str(data.get("label", "")), 28).split("\n")


def _node_size(data: dict[str, Any]) -> tuple[float, float]:
    lines = _label_lines(data)
    return max(60.0, 7.0 * max(len(line) for line in lines) + 16.0), 16.0 * len(lines) + 14.0


def _edge_label(data: dict[str, Any]) -> str:
    if data.get("relation") == "funds":
        return drawing.funding_label(data)
    if data.get("roles") and data["roles"] != "member":
        return str(data["roles"])
    return ""


def _xml_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int"
    return "double" if isinstance(value, float) else "string"


def to_graphml(graph: nx.Graph, positions: dict[str, tuple[float, float]] | None = None) -> bytes:
    """GraphML that yEd opens with labels, colours and shapes (yFiles ShapeNode and PolyLineEdge graphics)
    and that any GraphML reader (networkx, Gephi, igraph) reads as data. Node ids are IRIs."""
    positions = positions or {}
    ET.register_namespace("", _GRAPHML)
    ET.register_namespace("y", _YFILES)
    ET.register_namespace("xsi", _XSI)
    root = ET.Element(f"{{{_GRAPHML}}}graphml", {
        f"{{{_XSI}}}schemaLocation": f"{_GRAPHML} http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd"})
    node_data = {n: _scalar_attributes(d) for n, d in graph.nodes(data=True)}
    edge_data = [(s, t, _scalar_attributes(d)) for s, t, d in graph.edges(data=True)]
    keys: dict[tuple[str, str], str] = {}
    for domain, rows in (("node", list(node_data.values())), ("edge", [d for *_, d in edge_data])):
        for row in rows:
            for name, value in row.items():
                if (domain, name) not in keys:
                    keys[domain, name] = f"{domain[0]}_{name}"
                    ET.SubElement(root, f"{{{_GRAPHML}}}key", {"id": keys[domain, name], "for": domain,
                                                               "attr.name": name, "attr.type": _xml_type(value)})
    ET.SubElement(root, f"{{{_GRAPHML}}}key", {"id": "node_graphics", "for": "node", "yfiles.type": "nodegraphics"})
    ET.SubElement(root, f"{{{_GRAPHML}}}key", {"id": "edge_graphics", "for": "edge", "yfiles.type": "edgegraphics"})
    body = ET.SubElement(root, f"{{{_GRAPHML}}}graph", {"id": "G", "edgedefault":
                                                          "directed" if graph.is_directed() else "undirected"})
    for node, data in node_data.items():
        element = ET.SubElement(body, f"{{{_GRAPHML}}}node", {"id": node})
        for name, value in data.items():
            ET.SubElement(element, f"{{{_GRAPHML}}}data", {"key": keys["node", name]}).text = _text(value)
        style = NODE_STYLES.get(str(data.get("kind")), NODE_STYLES["other-body"])
        width, height = _node_size(data)
        x, y = positions.get(node, (0.0, 0.0))
        shape = ET.SubElement(ET.SubElement(element, f"{{{_GRAPHML}}}data", {"key": "node_graphics"}),
                              f"{{{_YFILES}}}ShapeNode")
        ET.SubElement(shape, f"{{{_YFILES}}}Geometry", {"x": f"{x - width / 2:.1f}", "y": f"{y - height / 2:.1f}",
                                                        "width": f"{width:.1f}", "height": f"{height:.1f}"})
        ET.SubElement(shape, f"{{{_YFILES}}}Fill", {"color": style.fill.upper(), "transparent": "false"})
        ET.SubElement(shape, f"{{{_YFILES}}}BorderStyle", {"color": "#5B6475", "type": "line", "width": "1.0"})
        ET.SubElement(shape, f"{{{_YFILES}}}NodeLabel", {
            "alignment": "center", "autoSizePolicy": "content", "fontFamily": "Dialog", "fontSize": "11",
            "fontStyle": "plain", "textColor": style.text.upper(), "modelName": "internal", "modelPosition": "c",
            "visible": "true"}).text = "\n".join(_label_lines(data))
        ET.SubElement(shape, f"{{{_YFILES}}}Shape", {"type": _YED_SHAPES.get(style.shape, "rectangle")})
    for index, (source, target, data) in enumerate(edge_data):
        element = ET.SubElement(body, f"{{{_GRAPHML}}}edge", {"id": f"e{index}", "source": source, "target": target})
        for name, value in data.items():
            ET.SubElement(element, f"{{{_GRAPHML}}}data", {"key": keys["edge", name]}).text = _text(value)
        style = EDGE_STYLES.get(str(data.get("relation")), EDGE_STYLES["member"])
        line = ET.SubElement(ET.SubElement(element, f"{{{_GRAPHML}}}data", {"key": "edge_graphics"}),
                             f"{{{_YFILES}}}PolyLineEdge")
        ET.SubElement(line, f"{{{_YFILES}}}LineStyle", {"color": style.color.upper(),
                                                        "type": _YED_LINES[style.line], "width": str(style.width)})
        ET.SubElement(line, f"{{{_YFILES}}}Arrows", {"source": "none",
                                                     "target": "standard" if graph.is_directed() else "none"})
        label = _edge_label(data)
        if label:
            ET.SubElement(line, f"{{{_YFILES}}}EdgeLabel", {"fontFamily": "Dialog", "fontSize": "9",
                                                            "textColor": "#3D4452", "visible": "true"}).text = label
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_gexf(graph: nx.Graph, positions: dict[str, tuple[float, float]] | None = None) -> bytes:
    """GEXF 1.3 for Gephi: every attribute as a GEXF attribute, colours, sizes and positions as ``viz:``."""
    positions = positions or {}
    copy = graph.__class__()
    copy.graph.update(_scalar_attributes(graph.graph))
    copy.graph.pop("query", None)  # a long query text is no use as a GEXF graph attribute
    for node, data in graph.nodes(data=True):
        attributes: dict[str, Any] = _scalar_attributes(data)
        style = NODE_STYLES.get(str(data.get("kind")), NODE_STYLES["other-body"])
        red, green, blue = rgb(style.fill)
        viz: dict[str, Any] = {"color": {"r": red, "g": green, "b": blue, "a": 1.0},
                               "size": float(8 + 2 * graph.degree(node))}
        if node in positions:
            x, y = positions[node]
            viz["position"] = {"x": x, "y": -y, "z": 0.0}  # Gephi's y axis points up
        attributes["viz"] = viz
        copy.add_node(node, **attributes)
    if graph.is_multigraph():
        for source, target, key, data in graph.edges(keys=True, data=True):
            copy.add_edge(source, target, key=key, **_scalar_attributes(data))
    else:
        copy.add_edges_from((s, t, _scalar_attributes(d)) for s, t, d in graph.edges(data=True))
    output = io.BytesIO()
    nx.write_gexf(copy, output, version="1.3")
    # networkx writes the XML Schema instance namespace without "www."; GEXF validators expect the real one
    wrong = b'xmlns:xsi="http://w3.org/2001/XMLSchema-instance"'
    return output.getvalue().replace(wrong, f'xmlns:xsi="{_XSI}"'.encode())


def to_cytoscape(graph: nx.Graph) -> dict[str, Any]:
    """Cytoscape JSON (the ``elements`` format of Cytoscape.js, which Cytoscape imports): nodes with
    ``parent`` are compound children, so units sit inside their collaboration; ``unitOf`` edges are carried
    by ``parent`` and not repeated. Every element has its colour and shape for the browser views."""
    nodes, edges = [], []
    for node, data in graph.nodes(data=True):
        style = NODE_STYLES.get(str(data.get("kind")), NODE_STYLES["other-body"])
        element = {"id": node, "name": data.get("label", node), **_scalar_attributes(data),
                   "color": style.fill, "text_color": style.text, "shape": style.shape}
        nodes.append({"data": element})
    for index, (source, target, data) in enumerate(graph.edges(data=True)):
        if data.get("relation") == "unitOf" and graph.nodes[source].get("parent") == target:
            continue
        style = EDGE_STYLES.get(str(data.get("relation")), EDGE_STYLES["member"])
        edges.append({"data": {"id": f"e{index}", "source": source, "target": target, **_scalar_attributes(data),
                               "label": _edge_label(data), "color": style.color, "line": style.line,
                               "width": style.width}})
    return {"format_version": "1.0", "generated_by": "collabkg", "target_cytoscapejs_version": "~3.30",
            "data": _scalar_attributes(graph.graph), "elements": {"nodes": nodes, "edges": edges}}


def _serialise(graph: nx.Graph, format_name: str, dot_source: Callable[[], str], engine: str) -> bytes:
    if format_name in ("svg", "png"):
        return drawing.render(dot_source(), format_name, engine)
    if format_name == "json":
        return json.dumps(to_cytoscape(graph), ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    positions = drawing.layout_positions(graph, dot_source(), engine)
    if format_name == "graphml":
        return to_graphml(graph, positions)
    if format_name == "gexf":
        return to_gexf(graph, positions)
    raise ExportError(f"unknown format {format_name!r}; use one of {', '.join(FORMATS)}")


def governance_export(graph: nx.MultiDiGraph, format_name: str) -> bytes:
    """One collaboration's governance (graph/projections.py ``governance_digraph``) in ``format_name``."""
    return _serialise(graph, format_name, lambda: drawing.governance_dot(graph), "dot")


def measured_network(two_mode: nx.Graph, projection: nx.Graph, projected: bool = False) -> nx.Graph:
    """The network of bodies with each body's measures (graph/network_measures.py) as node attributes: the
    two-mode network of bodies and collaborations, or with ``projected`` the bodies that work together."""
    graph = (projection if projected else two_mode).copy()
    for measures in body_measures(two_mode, projection):
        graph.nodes[measures.body].update(
            collaborations=measures.collaborations, partners=measures.partners, betweenness=measures.betweenness,
            constraint=measures.constraint, effective_size=measures.effective_size, bridges=measures.bridges,
            broker=measures.is_broker)
    return graph


def network_export(graph: nx.Graph, format_name: str) -> bytes:
    """The network of bodies (from :func:`measured_network`) in ``format_name``."""
    return _serialise(graph, format_name, lambda: drawing.network_dot(graph), "sfdp")


def evidence_map_export(evidence: EvidenceMap, format_name: str) -> bytes:
    """The evidence map: ``json`` is the list of cells of CONTRACT.md section 2; ``svg`` and ``png`` the
    matrix; ``graphml`` and ``gexf`` a network of factor and outcome categories, an edge per cell."""
    if format_name == "json":
        return json.dumps([cell.as_json() for cell in evidence.cells], indent=1).encode("utf-8") + b"\n"
    if format_name in ("svg", "png"):
        return drawing.render(drawing.evidence_map_dot(evidence), format_name)
    graph = evidence_digraph(evidence)
    if format_name == "graphml":
        return to_graphml(graph, _two_columns(graph))
    if format_name == "gexf":
        return to_gexf(graph, _two_columns(graph))
    raise ExportError(f"unknown format {format_name!r}; use one of {', '.join(FORMATS)}")


def _two_columns(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Factors in a column on the left, outcomes on the right, as an evidence map reads."""
    columns: dict[str, list[str]] = {"factor": [], "outcome": []}
    for node, kind in graph.nodes(data="kind"):
        columns[kind].append(node)
    return {node: (0.0 if kind == "factor" else 600.0, 40.0 * row)
            for kind, nodes in columns.items() for row, node in enumerate(nodes)}


@dataclass(frozen=True)
class VizRequest:
    """What ``collabkg viz`` (and the ``/viz/`` downloads) are asked to export."""

    format_name: str
    collaboration: str | None = None
    network: bool = False
    projected: bool = False
    evidence_map: bool = False
    filters: EvidenceFilters = field(default_factory=EvidenceFilters)


def export(runner: QueryRunner, request: VizRequest) -> bytes:
    """The export ``request`` asks for, made from the store ``runner`` answers from."""
    if request.format_name not in FORMATS:
        raise ExportError(f"unknown format {request.format_name!r}; use one of {', '.join(FORMATS)}")
    if request.evidence_map:
        return evidence_map_export(evidence_map(runner, request.filters), request.format_name)
    if request.network:
        two_mode = bodies_collaborations_graph(runner)
        graph = measured_network(two_mode, bodies_projection(two_mode), request.projected)
        graph.graph["brokers"] = len(broker_groups(two_mode))
        return network_export(graph, request.format_name)
    if not request.collaboration:
        raise ExportError("name a collaboration, or give --network or --evidence-map")
    collaboration = resolve_collaboration(runner, request.collaboration)
    return governance_export(governance_digraph(runner, collaboration.iri), request.format_name)
