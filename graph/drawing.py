"""Drawings made on the server, for papers: Graphviz's ``dot`` lays out and renders SVG and PNG.

Why Graphviz: its layered layout draws a reporting hierarchy top-down with clusters (units inside their
collaboration) and crisp vector output, it is a Debian package (scripts/setup.sh installs ``graphviz``), and
it needs no Python binding: we write the DOT text and run the program. The same layout gives the node
positions written into the GraphML and GEXF exports, so yEd and Gephi open them already laid out.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from collabkg.graph.evidence_map import EvidenceMap
from collabkg.graph.viz_style import EDGE_STYLES, NODE_STYLES, is_body

FONT = "Helvetica"
RENDER_TIMEOUT = 120  # seconds; the largest drawing here takes well under one


class DrawingUnavailable(RuntimeError):
    """Graphviz is missing or failed; the message says what to do."""


def quote(text: str) -> str:
    """A DOT double-quoted string.

    >>> quote('Barnardo\\'s "strategic" partnership')
    '"Barnardo\\'s \\\\"strategic\\\\" partnership"'
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def html(text: str) -> str:
    """Text for a Graphviz HTML-like label.

    >>> html("Trust & relationships <ok>")
    'Trust &amp; relationships &lt;ok&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def wrap(text: str, width: int = 24) -> str:
    """Break a long label into lines.

    >>> wrap("Isle of Anglesey County Council", 18)
    'Isle of Anglesey\\nCounty Council'
    """
    return "\n".join(textwrap.wrap(text, width)) or text


def node_ids(graph: nx.Graph) -> dict[str, str]:
    """Short DOT identifiers for a graph's nodes (IRIs are long and full of characters DOT quotes)."""
    return {node: f"n{index}" for index, node in enumerate(graph)}


def _node_line(identifier: str, label: str, kind: str, extra: str = "") -> str:
    style = NODE_STYLES[kind]
    return (f'{identifier} [label={quote(label)}, shape={style.shape}, fillcolor="{style.fill}", '
            f'fontcolor="{style.text}"{extra}];')


def _edge_attributes(relation: str, label: str = "", **extra: str) -> str:
    style = EDGE_STYLES[relation]
    parts = [f'color="{style.color}"', f"style={style.line}", f"penwidth={style.width}"]
    if label:  # an external label takes no room in the layout, which keeps the chart compact
        parts.append(f"xlabel={quote(label)}")
    parts += [f"{name}={value}" for name, value in extra.items()]
    return ", ".join(parts)


# short words for the kinds of funding (ckg:FundingKindScheme labels), so that edge labels stay short
_SHORT_KINDS = {"member contribution": "contribution", "in-kind support": "in-kind",
                "pooled or aligned budget": "pooled budget"}


def funding_label(data: dict[str, object]) -> str:
    kind = str(data.get("funding_kind") or "funding").lower()
    words = [_SHORT_KINDS.get(kind, kind)]
    if data.get("amount") is not None:
        amount = float(str(data["amount"]))
        symbol = "£" if data.get("currency", "GBP") == "GBP" else f"{data.get('currency')} "
        words.append(f"{symbol}{amount:,.0f}")
    if data.get("status") == "Proposed":
        words.append("(proposed)")
    return " ".join(words)


def governance_dot(graph: nx.MultiDiGraph) -> str:
    """DOT for one collaboration's governance (graph/projections.py ``governance_digraph``): an organisation
    chart with the collaboration and its units in a box and reporting lines top-down, each unit listing the
    bodies that sit on it, member bodies in a row below and other funders above, coloured by kind, with a
    legend. Seats are written in the units rather than drawn as edges, as organisation charts in reports do,
    so that a figure stays readable; the exports keep every seat as an edge."""
    ids = node_ids(graph)
    collaboration = graph.graph["collaboration"]
    inside = [n for n, parent in graph.nodes(data="parent") if parent == collaboration]
    seats: dict[str, list[str]] = defaultdict(list)
    for source, target, data in graph.edges(data=True):
        if data["relation"] == "seat":
            roles = data.get("roles", "member")
            seats[target].append(graph.nodes[source]["label"] + ("" if roles == "member" else f" ({roles})"))
    shown = {n for n in graph if n == collaboration or n in inside or not is_body(graph.nodes[n]["kind"])
             or _has_own_edge(graph, n)}
    lines = ["digraph governance {",
             f'  graph [rankdir=TB, compound=true, newrank=true, nodesep=0.3, ranksep=0.5, fontname="{FONT}", '
             f'label={quote(graph.graph["title"])}, labelloc=t, fontsize=20, pad=0.3, forcelabels=true, size="30,30"];',
             f'  node [style="filled", fontname="{FONT}", fontsize=10, margin="0.12,0.05", color="#5b6475"];',
             f'  edge [fontname="{FONT}", fontsize=8, fontcolor="#3d4452", arrowsize=0.6];',
             "  subgraph cluster_collaboration {",
             '    style="rounded,filled"; fillcolor="#f7f9fc"; color="#9aa3b2"; label=""; margin=14;',
             "    " + _node_line(ids[collaboration], wrap(graph.nodes[collaboration]["label"], 32), "collaboration",
                                 ", fontsize=13")]
    for node in inside:
        data = graph.nodes[node]
        if data["kind"] == "unit" and seats.get(node):
            lines.append(f"    {ids[node]} [shape=box, fillcolor=\"{NODE_STYLES['unit'].fill}\", "
                         f"label={_unit_label(data['label'], seats[node])}];")
        else:
            lines.append("    " + _node_line(ids[node], wrap(data["label"]), data["kind"]))
    lines.append("  }")
    lines += ["  " + _node_line(ids[n], wrap(graph.nodes[n]["label"]), data["kind"])
              for n, data in graph.nodes(data=True) if n in shown and n != collaboration and n not in inside]
    lines += _governance_edges(graph, ids, collaboration, shown)
    lines += _governance_ranks(graph, ids, collaboration, shown)
    lines += _legend(sorted({graph.nodes[n]["kind"] for n in shown}, key=list(NODE_STYLES).index),
                     sorted({relation for *_, relation in graph.edges(data="relation")
                             if relation not in ("unitOf", "seat")}, key=list(EDGE_STYLES).index))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _has_own_edge(graph: nx.MultiDiGraph, node: str) -> bool:
    """Whether a body has an edge other than seats: then it is drawn as a node of its own."""
    return any(r != "seat" for *_, r in graph.out_edges(node, data="relation")) or any(
        r != "seat" for *_, r in graph.in_edges(node, data="relation"))


def _unit_label(name: str, seats: list[str]) -> str:
    listed = "".join(f"<BR ALIGN=\"LEFT\"/>{html(seat)}" for seat in sorted(seats))
    title = "<BR/>".join(html(line) for line in wrap(name, 30).split("\n"))
    return (f'<<FONT POINT-SIZE="10"><B>{title}</B></FONT><FONT POINT-SIZE="8">{listed}'
            '<BR ALIGN="LEFT"/></FONT>>')


def _governance_ranks(graph: nx.MultiDiGraph, ids: dict[str, str], collaboration: str, shown: set[str]) -> list[str]:
    """Members in one row below the units, funders that are not members in one row above everything."""
    relations: dict[str, set[str]] = defaultdict(set)
    for source, _, relation in graph.edges(data="relation"):
        relations[source].add(relation)
    bodies = [n for n in shown if is_body(graph.nodes[n]["kind"]) and n != collaboration]
    members = [ids[n] for n in bodies if "member" in relations[n]]
    funders = [ids[n] for n in bodies if relations[n] == {"funds"}]
    lines = []
    if members:
        lines.append("  { rank=same; " + " ".join(members) + " }")
    if funders:
        lines.append("  { rank=min; " + " ".join(funders) + " }")
    return lines


def _governance_edges(graph: nx.MultiDiGraph, ids: dict[str, str], collaboration: str,
                      shown: set[str]) -> list[str]:
    lines: list[str] = []
    reports = {s for s, _, r in graph.edges(data="relation") if r == "reportsTo"}
    fundings: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    members: dict[tuple[str, str], str] = {}
    for source, target, data in graph.edges(data=True):
        relation = data["relation"]
        s, t = ids[source], ids[target]
        if relation == "unitOf":
            # top units hang from the collaboration (unless it reports to them); containment shows the rest
            if source not in reports and not graph.has_edge(collaboration, source, "reportsTo"):
                lines.append(f"  {t} -> {s} [style=invis, weight=4];")
        elif relation == "reportsTo":  # drawn from the one reported to, so that it stands above
            lines.append(f"  {t} -> {s} [{_edge_attributes(relation, dir='back', weight='3')}];")
        elif relation == "member":
            members[source, target] = data.get("roles", "member")
        elif relation == "postIn" and source in shown and target in shown:
            lines.append(f"  {t} -> {s} [{_edge_attributes(relation, arrowhead='none')}];")
        elif relation == "funds":
            fundings[source, target].append(data)
    for (source, target), roles in members.items():
        items = fundings.pop((source, target), [])
        label = "; ".join([roles] * (roles != "member") + sorted({funding_label(d) for d in items}))
        # a member that also funds is one green edge whose label says both
        attributes = _edge_attributes("funds" if items else "member", label, dir="back")
        lines.append(f"  {ids[target]} -> {ids[source]} [{attributes}];")
    for (source, target), items in fundings.items():
        label = "; ".join(sorted({funding_label(d) for d in items}))
        attributes = _edge_attributes("funds", label, constraint="false" if (source, collaboration) in members
                                      else "true")
        if all(d.get("status") == "Proposed" for d in items):
            attributes = attributes.replace("style=solid", "style=dashed")
        lines.append(f"  {ids[source]} -> {ids[target]} [{attributes}];")
    return lines


def _legend(kinds: Iterable[str], relations: Iterable[str]) -> list[str]:
    rows = "".join(f'<TR><TD BGCOLOR="{NODE_STYLES[k].fill}" WIDTH="18"> </TD>'
                   f'<TD ALIGN="LEFT">{html(NODE_STYLES[k].label)}</TD></TR>' for k in kinds)
    rows += "".join(f'<TR><TD><FONT COLOR="{EDGE_STYLES[r].color}">{"━" if EDGE_STYLES[r].line == "solid" else "┅"}'
                    f'</FONT></TD><TD ALIGN="LEFT">{html(EDGE_STYLES[r].label)}</TD></TR>' for r in relations)
    table = f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">{rows}</TABLE>>'
    return ["  subgraph cluster_legend {", '    label="Legend"; fontsize=11; style="rounded"; color="#d7dbe3";',
            f"    legend [shape=plain, style=\"\", fontsize=9, label={table}];", "  }"]


def network_dot(graph: nx.Graph) -> str:
    """DOT for the network of bodies (two-mode, or the projection): bodies coloured by kind and sized by
    degree, collaborations as boxes; laid out by ``sfdp``."""
    ids = node_ids(graph)
    lines = ["graph network {",
             f'  graph [overlap=prism, overlap_scaling=-4, splines=false, outputorder=edgesfirst, fontname="{FONT}", '
             f'label={quote(graph.graph.get("title", ""))}, labelloc=t, fontsize=20, pad=0.3];',
             f'  node [style="filled", fontname="{FONT}", fontsize=8, color="#5b6475", margin="0.04,0.02"];',
             '  edge [color="#9aa3b2"];']
    for node, data in graph.nodes(data=True):
        kind = data["kind"]
        if is_body(kind):
            size = 0.25 + 0.12 * graph.degree(node)
            extra = f", width={size:.2f}, height={size * 0.7:.2f}, fixedsize=false"
            lines.append("  " + _node_line(ids[node], wrap(data["label"], 20), kind, extra))
        else:
            lines.append("  " + _node_line(ids[node], wrap(data["label"], 26), kind, ", shape=box, fontsize=7"))
    for first, second, data in graph.edges(data=True):
        width = 0.8 + 0.8 * (float(data.get("weight", 1)) - 1)
        lines.append(f'  {ids[first]} -- {ids[second]} [penwidth={width:.1f}];')
    lines += _legend(sorted({kind for _, kind in graph.nodes(data="kind")}, key=list(NODE_STYLES).index), [])
    lines.append("}")
    return "\n".join(lines) + "\n"


def _shade(count: int, most: int, polarity: str) -> str:
    """A colour from white to the polarity's colour, by the share of the fullest cell."""
    if not count:
        return "#ffffff"
    strength = 0.15 + 0.85 * (count / most) ** 0.5
    base = (27, 120, 55) if polarity == "enables" else (178, 24, 43)
    r, g, b = (round(255 - (255 - c) * strength) for c in base)
    return f"#{r:02x}{g:02x}{b:02x}"


def evidence_map_dot(evidence: EvidenceMap, title: str = "Evidence map: claims by factor and outcome") -> str:
    """DOT for the evidence map as a table: factor categories down, outcome categories across, each cell
    the number of claims that the factor enables (green) or hinders (red) the outcome, shaded by number;
    a cell whose claims all come from one report is marked with a dot, an empty cell is a gap."""
    cells = {(c.factor, c.outcome, c.polarity): c for c in evidence.cells}
    most = max((c.claims for c in evidence.cells), default=1)
    header = '<TD BORDER="0"></TD>' + "".join(
        f'<TD COLSPAN="2" VALIGN="BOTTOM"><FONT POINT-SIZE="9">{html(wrap(o.label, 14)).replace(chr(10), "<BR/>")}'
        f"</FONT></TD>" for o in evidence.outcomes)
    rows = [f"<TR>{header}</TR>"]
    for factor in evidence.factors:
        tds = [f'<TD ALIGN="RIGHT"><FONT POINT-SIZE="9">{html(factor.label)}</FONT></TD>']
        for outcome in evidence.outcomes:
            for polarity in ("enables", "hinders"):
                cell = cells.get((factor.iri, outcome.iri, polarity))
                count = cell.claims if cell else 0
                mark = "·" if cell and cell.reports == 1 else ""
                text = f"{count}{mark}" if count else ""
                color = "#ffffff" if count and count / most > 0.35 else "#1d2330"
                content = f'<FONT POINT-SIZE="8" COLOR="{color}">{text}</FONT>' if text else ""
                tds.append(f'<TD BGCOLOR="{_shade(count, most, polarity)}" WIDTH="24">{content}</TD>')
        rows.append("<TR>" + "".join(tds) + "</TR>")
    note = ("green: enables, red: hinders; number: distinct claims; · all from one report; blank: no claim "
            f"({len(evidence.gaps())} of {len(evidence.factors) * len(evidence.outcomes)} pairs are gaps)")
    table = (f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" COLOR="#d7dbe3">{"".join(rows)}'
             f'<TR><TD COLSPAN="{1 + 2 * len(evidence.outcomes)}" BORDER="0" ALIGN="LEFT">'
             f'<FONT POINT-SIZE="9">{html(note)}</FONT></TD></TR></TABLE>>')
    return (f'digraph evidence_map {{\n  graph [fontname="{FONT}", label={quote(title)}, labelloc=t, fontsize=18, '
            f'pad=0.3];\n  node [fontname="{FONT}"];\n  map [shape=plain, label={table}];\n}}\n')


def _graphviz(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise DrawingUnavailable(f"drawing needs Graphviz's {program}, which is not installed; install the Debian "
                                 "package graphviz (scripts/setup.sh does)")
    return path


def render(dot_source: str, format_name: str, engine: str = "dot") -> bytes:
    """Lay out and draw DOT text as ``svg``, ``png`` (144 dpi) or ``json`` (Graphviz's layout)."""
    arguments = [_graphviz(engine), f"-T{format_name}"]
    if format_name == "png":
        arguments.append("-Gdpi=144")
    try:
        done = subprocess.run(arguments, input=dot_source.encode("utf-8"), capture_output=True,
                              timeout=RENDER_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise DrawingUnavailable(f"Graphviz's {engine} took longer than {RENDER_TIMEOUT} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DrawingUnavailable(f"Graphviz's {engine} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def layout_positions(graph: nx.Graph, dot_source: str, engine: str = "dot") -> dict[str, tuple[float, float]]:
    """Where Graphviz puts each node of ``graph`` (drawn by ``dot_source``, written with :func:`node_ids`), in
    points with y growing downwards as in yEd and Gephi; empty when Graphviz is not installed."""
    try:
        layout = json.loads(render(dot_source, "json", engine))
    except DrawingUnavailable:
        return {}
    by_id = {identifier: node for node, identifier in node_ids(graph).items()}
    height = float(layout.get("bb", "0,0,0,0").split(",")[3])
    positions = {}
    for item in layout.get("objects", []):
        node = by_id.get(item.get("name", ""))
        if node is not None and "pos" in item:
            x, y = (float(v) for v in item["pos"].split(","))
            positions[node] = (round(x, 1), round(height - y, 1))
    return positions
