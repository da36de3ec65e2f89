"""Ontology consistency with an OWL 2 reasoner (HermiT or Pellet, shipped with owlready2; they need Java).

The reasoner sees the ontology and, optionally, the typing and object-property assertions of the data:
enough to catch an individual in two disjoint classes or a value outside a closed class, without asking
a tableau reasoner to digest every literal of the graph.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from collabkg.ontology.terms import ontology_graph, schemes_graph


class ReasonerUnavailable(RuntimeError):
    """No Java runtime: the set-up installs one (see README); the message says how."""


@dataclass(frozen=True)
class ConsistencyReport:
    consistent: bool
    reasoner: str
    unsatisfiable_classes: tuple[str, ...]
    explanation: str

    def render(self) -> str:
        if self.unsatisfiable_classes:  # a class that can have no member: the build fails on it as well
            return f"Unsatisfiable classes ({self.reasoner}): {', '.join(self.unsatisfiable_classes)}"
        if not self.consistent:
            return f"Inconsistent ({self.reasoner}): {self.explanation}"
        return f"Consistent ({self.reasoner}): no contradiction and no unsatisfiable class."


def _reasoner_input(data: Graph | None) -> Graph:
    graph = Graph()
    for triple in ontology_graph():
        graph.add(triple)
    for triple in schemes_graph():
        graph.add(triple)
    if data is not None:
        for subject, predicate, obj in data:
            if isinstance(obj, Literal):
                continue
            graph.add((subject, predicate, obj))
        # owlready2 needs individuals declared to read their assertions as OWL individuals.
        for subject in set(data.subjects(RDF.type, None)):
            graph.add((subject, RDF.type, OWL.NamedIndividual))
    return graph


def check_consistency(data: Graph | None = None, reasoner: str = "hermit") -> ConsistencyReport:
    """Run the reasoner over the ontology (and the data's object assertions); report what it finds.

    Raises :class:`ReasonerUnavailable` when no ``java`` is on the PATH or the reasoner fails to run.
    """
    if shutil.which("java") is None:
        raise ReasonerUnavailable(
            "the OWL reasoner needs a Java runtime and none is on the PATH; run scripts/setup.sh "
            "(it installs one) or set COLLABKG_REASONER=none to skip the consistency check")
    graph = _reasoner_input(data)
    with tempfile.TemporaryDirectory(prefix="collabkg-reasoner-") as folder:
        path = Path(folder) / "input.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        if reasoner == "pellet":
            return _pellet(path, data)
        return _hermit(path, data)


def _hermit(path: Path, data: Graph | None) -> ConsistencyReport:
    """HermiT (the jar owlready2 ships), asked only what the build needs: is the ontology with the data
    consistent (``-k``), and which classes are unsatisfiable (``-U``). Going through owlready2 costs three
    times as long: it also classifies every individual (``-I``), which nothing here uses, after loading the
    graph into its own store in Python."""
    import owlready2

    classpath = os.pathsep.join(str(Path(owlready2.__file__).parent / part) for part in ("hermit", "hermit/HermiT.jar"))
    command = ["java", f"-Xmx{owlready2.reasoning.JAVA_MEMORY}M", "-cp", classpath,
               "org.semanticweb.HermiT.cli.CommandLine", "--no-prefixes", "-k", "-U", path.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        if "InconsistentOntologyException" in result.stderr:
            return ConsistencyReport(False, "hermit", (), _explain(data) or "the ontology and the data contradict "
                                                                            "each other")
        raise ReasonerUnavailable(f"the OWL reasoner (HermiT) failed: {_first_line(result.stderr)}")
    unsatisfiable: list[str] = []
    listing = False
    for line in result.stdout.splitlines():
        if line.startswith("Classes equivalent to"):
            listing = True
        elif listing and line.startswith("\t"):
            if line.strip() != str(OWL.Nothing):
                unsatisfiable.append(line.strip())
        else:
            listing = False
    return ConsistencyReport(not unsatisfiable, "hermit", tuple(sorted(unsatisfiable)), "")


def _pellet(path: Path, data: Graph | None) -> ConsistencyReport:
    import owlready2

    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load()
    try:
        with ontology:
            owlready2.sync_reasoner_pellet(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as error:
        world.close()
        return ConsistencyReport(False, "pellet", (), _explain(data) or _first_line(str(error)))
    unsatisfiable = tuple(sorted(str(cls.iri) for cls in world.inconsistent_classes()))
    world.close()
    return ConsistencyReport(not unsatisfiable, "pellet", unsatisfiable, "")


def _disjoint_pairs() -> set[frozenset[URIRef]]:
    ontology = ontology_graph()
    pairs: set[frozenset[URIRef]] = set()
    for a, b in ontology.subject_objects(OWL.disjointWith):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            pairs.add(frozenset((a, b)))
    for _, members in ontology.subject_objects(OWL.disjointUnionOf):
        classes = [c for c in Collection(ontology, members) if isinstance(c, URIRef)]
        pairs.update(frozenset((a, b)) for i, a in enumerate(classes) for b in classes[i + 1:])
    return pairs


def _explain(data: Graph | None) -> str:
    """Name individuals of two disjoint classes, the commonest cause of an inconsistent graph."""
    if data is None:
        return ""
    ontology = ontology_graph()
    pairs = _disjoint_pairs()
    problems: list[str] = []
    for individual in sorted({s for s in data.subjects(RDF.type, None) if isinstance(s, URIRef)}):
        types: set[URIRef] = set()
        for cls in data.objects(individual, RDF.type):
            types.update(c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef))
        clashes = sorted(" and ".join(sorted(str(c) for c in pair)) for pair in pairs if pair <= types)
        problems.extend(f"<{individual}> is an instance of disjoint classes {clash}" for clash in clashes)
    return "; ".join(problems[:5])


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
