"""SHACL validation with pySHACL, wrapped in a typed report that the CLI and the API both print."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Namespace, URIRef
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")


CONTRACT_SHAPES = "collabkg-shapes.ttl"
CURATION_SHAPES = "curation-shapes.ttl"


def shapes_file(name: str = CONTRACT_SHAPES) -> Path:
    """``collabkg-shapes.ttl``: the public contract; ``curation-shapes.ttl``: rules for our own curation."""
    return Path(str(files("collabkg.shapes"))) / name


@cache
def shapes_graph(names: tuple[str, ...] = (CONTRACT_SHAPES,)) -> Graph:
    """The shapes of the named files, parsed once."""
    graph = Graph()
    for name in names:
        graph.parse(shapes_file(name), format="turtle")
    return graph


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult (SHACL section 3.6.2), reduced to what a reader needs."""

    focus: str
    path: str | None
    message: str
    severity: str
    shape: str
    value: str | None
    constraint: str


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    results: tuple[ValidationResult, ...]

    def by_shape(self) -> dict[str, list[ValidationResult]]:
        grouped: dict[str, list[ValidationResult]] = defaultdict(list)
        for result in self.results:
            grouped[result.shape].append(result)
        return dict(sorted(grouped.items()))

    def render(self, limit_per_shape: int = 20) -> str:
        """A readable report: one block per shape, one line per result (focus node, path, message)."""
        if self.conforms:
            return "Conforms: the graph satisfies every shape."
        lines = [f"Does not conform: {len(self.results)} result(s)."]
        for shape, results in self.by_shape().items():
            lines.append(f"\n{shape} ({len(results)}):")
            for result in results[:limit_per_shape]:
                path = f" {result.path}" if result.path else ""
                value = f" value={result.value}" if result.value else ""
                lines.append(f"  {result.severity}: <{result.focus}>{path}: {result.message}{value}")
            if len(results) > limit_per_shape:
                lines.append(f"  ... and {len(results) - limit_per_shape} more")
        return "\n".join(lines)


def _name(node: Node | None, graph: Graph) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - a name that cannot be shortened is printed in full
            return str(node)
    if node.__class__.__name__ == "BNode":
        label = graph.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        return f"[{label}]" if label else "[anonymous shape]"
    return str(node)


@dataclass(frozen=True)
class _SparqlConstraint:
    shape: URIRef
    target_class: URIRef
    message: str
    select: str


@cache
def _split_shapes(names: tuple[str, ...]) -> tuple[Graph, tuple[_SparqlConstraint, ...]]:
    """Core shapes for pySHACL, and the SHACL-SPARQL constraints (section 5) to run once each.

    pySHACL runs a SPARQL constraint once per focus node through rdflib's engine, which costs minutes on
    our graph; evaluating the same SELECT once, with ``$this`` ranging over the shape's target class, in
    Oxigraph gives the same results (SHACL 5.3.1) in well under a second.
    """
    shapes = shapes_graph(names)
    core = Graph()
    for triple in shapes:
        core.add(triple)
    prefixes = "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for d in shapes.objects(None, SH.declare))
    constraints = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        core.remove((shape, SH.sparql, constraint))
        targets = list(shapes.objects(shape, SH.targetClass))
        if len(targets) != 1 or not isinstance(shape, URIRef) or not isinstance(targets[0], URIRef):
            raise ValueError(f"{shape}: SPARQL constraints are supported on shapes with one sh:targetClass")
        select = prefixes + str(shapes.value(constraint, SH.select))
        constraints.append(_SparqlConstraint(shape, targets[0], str(shapes.value(constraint, SH.message)),
                                             select))
    return core, tuple(constraints)


def _sparql_results(data: Graph, names: tuple[str, ...]) -> list[ValidationResult]:
    import pyoxigraph

    shapes = shapes_graph(names)
    _, constraints = _split_shapes(names)
    if not constraints:
        return []
    store = pyoxigraph.Store()
    store.bulk_load(data.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    results = []
    for constraint in constraints:
        inner = constraint.select.replace("$this", "?this")
        head, _, body = inner.partition("SELECT")
        query = (f"{head}SELECT ?this ?value WHERE {{ ?this a/<{RDFS_SUBCLASS_OF}>* <{constraint.target_class}> "
                 f"{{ SELECT {body} }} }}")
        solutions = store.query(query)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        for row in solutions:
            value = row["value"]
            results.append(ValidationResult(
                focus=row["this"].value, path=None, message=constraint.message, severity="Violation",
                shape=_name(constraint.shape, shapes) or "?",
                value=None if value is None else value.value, constraint="SPARQLConstraintComponent"))
    return results


RDFS_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


def validate(data: Graph, curation: bool = False) -> ValidationReport:
    """Validate ``data`` (a union graph holding data, ontology and vocabularies) against the contract
    shapes, and with ``curation`` also against the curation rules the build enforces.

    >>> from rdflib import Graph
    >>> validate(Graph()).conforms
    True
    """
    names = (CONTRACT_SHAPES, CURATION_SHAPES) if curation else (CONTRACT_SHAPES,)
    shapes = shapes_graph(names)
    core, _ = _split_shapes(names)
    conforms, report_graph, _ = shacl_validate(
        data, shacl_graph=core, inference="none", advanced=False, allow_warnings=False,
        abort_on_first=False)
    report_graph.namespace_manager = shapes.namespace_manager
    results = []
    for node in report_graph.subjects(URIRef(str(SH) + "resultSeverity"), None):
        shape = report_graph.value(node, SH.sourceShape)
        parent = _owning_shape(shapes, shape)
        results.append(ValidationResult(
            focus=str(report_graph.value(node, SH.focusNode)),
            path=_name(report_graph.value(node, SH.resultPath), shapes),
            message=str(report_graph.value(node, SH.resultMessage) or ""),
            severity=str(report_graph.value(node, SH.resultSeverity)).rsplit("#", 1)[-1],
            shape=_name(parent, shapes) or "?",
            value=_name(report_graph.value(node, SH.value), shapes),
            constraint=str(report_graph.value(node, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
        ))
    sparql_results = _sparql_results(data, names)
    results.extend(sparql_results)
    results.sort(key=lambda r: (r.shape, r.focus, r.path or "", r.message))
    return ValidationReport(bool(conforms) and not sparql_results, tuple(results))


def _owning_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """The named node shape a (possibly anonymous) property shape belongs to, for grouping."""
    if shape is None or isinstance(shape, URIRef):
        return shape
    owner = shapes.value(None, SH.property, shape)
    return owner if owner is not None else shape
