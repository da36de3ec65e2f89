"""Build: load the corpus and case files, check them, and publish the store.

The order is the data flow of the project: report -> loader -> validated graph -> store. Nothing is
published unless every step passes; a problem anywhere raises before :func:`~collabkg.graph.store.publish`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from collabkg.graph.fingerprint import BuildRecord, fingerprint, write_record
from collabkg.graph.progress import Progress, Silent, Timed
from collabkg.graph.publication import write_publication
from collabkg.graph.store import publish
from collabkg.loaders.base import LoadError, Problem
from collabkg.loaders.case_file import CaseFileLoader
from collabkg.loaders.corpus import Corpus
from collabkg.ontology.iris import IriMinter
from collabkg.ontology.reasoning import ConsistencyReport, check_consistency
from collabkg.ontology.terms import (
    CKG,
    OA,
    RDF,
    RDFS,
    bind_prefixes,
    ontology_files,
    ontology_graph,
)
from collabkg.settings import Settings
from collabkg.shapes.validation import ValidationReport, validate

#: the title of the SHACL step, which ``collabkg validate`` shares to estimate its duration from the last build
SHACL_STEP = "Validating against the SHACL shapes"


class BuildError(Exception):
    """The graph was loaded but fails a check; carries the report that says what and where."""

    def __init__(self, summary: str, detail: str) -> None:
        super().__init__(summary)
        self.detail = detail


@dataclass(frozen=True)
class BuildResult:
    dataset: Dataset
    validation: ValidationReport
    consistency: ConsistencyReport | None
    version: Path | None

    @property
    def quads(self) -> int:
        return len(self.dataset)


def check_case_files(settings: Settings, paths: Iterable[Path]) -> str:
    """Check some case files in the context of all the others; return a one-line summary.

    Raises :class:`~collabkg.loaders.base.LoadError` listing every problem in the given files.
    """
    paths = [path.resolve() for path in paths]
    corpus = Corpus(settings.corpus)
    loader = CaseFileLoader(paths[0].parent, corpus, IriMinter(settings.base_iri), only=paths)
    dataset = Dataset()
    loader.load_into(dataset)
    claims = sum(1 for _ in dataset.quads((None, RDF.type, CKG.CausalClaim, None)))
    return f"{len(paths)} file(s) OK: {claims} claim(s)"


def load_dataset(settings: Settings, progress: Progress | None = None) -> Dataset:
    """Every named graph of the published dataset, before checks: ontology, vocabularies, catalogue, reports.

    Raises :class:`~collabkg.loaders.base.LoadError` listing every input problem.
    """
    progress = progress or Silent()
    minter = IriMinter(settings.base_iri)
    dataset = Dataset()
    bind_prefixes(dataset)
    for name, path in ontology_files().items():
        dataset.graph(name).parse(path, format="turtle")
    corpus = Corpus(settings.corpus)
    problems: list[Problem] = list(corpus.problems)
    if not settings.cases.is_dir():
        problems.append(Problem(str(settings.cases), None, "", "case folder not found"))
        raise LoadError(problems)
    sources = len(list(CaseFileLoader.iter_sources(settings.cases)))
    progress.step(f"Reading {sources} case files", total=sources)
    loader = CaseFileLoader(settings.cases, corpus, minter, on_file=lambda _: progress.advance())
    progress.step(f"Checking {sources} case files against the reports", total=sources)
    try:
        corpus.load_into(dataset, minter)
    except LoadError as error:
        problems.extend(error.problems)
    try:
        loader.load_into(dataset)
    except LoadError as error:
        problems.extend(error.problems)
    problems.extend(corpus.problems)
    if problems:
        raise LoadError(problems)
    materialise_types(dataset)
    return dataset


def materialise_types(dataset: Dataset) -> None:
    """Add every superclass of each asserted type, in the graph of the assertion.

    The contract promises its patterns hold with no reasoner (``?b a org:Organization`` for a
    ``ckg:LocalAuthority``), so the subclass closure from the ontology is written out.
    """
    ontology = ontology_graph()
    superclasses: dict[URIRef, set[URIRef]] = {}
    for graph in list(dataset.graphs()):
        if graph.identifier in ontology_files():
            continue
        additions: list[tuple[Node, URIRef, URIRef]] = []
        for subject, _, cls in graph.triples((None, RDF.type, None)):
            if cls not in superclasses:
                superclasses[cls] = {c for c in ontology.transitive_objects(cls, RDFS.subClassOf)
                                     if isinstance(c, URIRef)} - {cls}
            additions.extend((subject, RDF.type, parent) for parent in superclasses[cls])
        for triple in additions:
            graph.add(triple)


def to_nquads(dataset: Dataset) -> bytes:
    """The dataset as N-Quads (rdflib's writer still calls its own deprecated ``Dataset.contexts``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return dataset.serialize(format="nquads", encoding="utf-8")


def union_graph(dataset: Dataset) -> Graph:
    union = bind_prefixes(Graph())
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        union.add((subject, predicate, obj))
    return union


def check_quotes(dataset: Dataset, corpus: Corpus, minter: IriMinter) -> list[str]:
    """Every oa:exact must be the report text between its oa:start and oa:end (an invariant of the loader)."""
    failures = []
    for report_id in corpus.entries:
        text = corpus.text(report_id)
        document = minter.report(report_id)
        graph = dataset.graph(document)
        for evidence in graph.subjects(OA.hasSource, document):
            values = {}
            for selector in graph.objects(evidence, OA.hasSelector):
                for predicate in (OA.exact, OA.start, OA.end):
                    value = graph.value(selector, predicate)
                    if value is not None:
                        values[predicate] = value
            exact, start, end = values.get(OA.exact), values.get(OA.start), values.get(OA.end)
            if text is None or exact is None or start is None or end is None or \
                    text.text[int(start):int(end)] != str(exact):
                failures.append(f"{evidence}: quote does not match the report text at its offsets")
    return failures


def corpus_texts(settings: Settings) -> dict[str, str]:
    """The text of every readable report of the corpus, by report id."""
    corpus = Corpus(settings.corpus)
    return {report_id: text.text for report_id in corpus.entries if (text := corpus.text(report_id)) is not None}


def build(settings: Settings, publish_store: bool = True, progress: Progress | None = None) -> BuildResult:
    """Load, check (quotes, ontology consistency, SHACL) and publish the store atomically; record what it
    was built from (graph/fingerprint.py). ``progress`` hears of each step as it begins."""
    inputs = fingerprint(settings)  # of what is read now: a file changed during the build makes the next one run
    steps = Timed(progress or Silent())
    dataset = load_dataset(settings, steps)
    minter = IriMinter(settings.base_iri)
    steps.step("Checking quotes against the reports")
    failures = check_quotes(dataset, Corpus(settings.corpus), minter)
    if failures:
        raise BuildError(f"{len(failures)} quote(s) do not match their reports", "\n".join(failures))
    union = union_graph(dataset)
    consistency = None
    # The reasoner (a Java process) and SHACL validation (Python) read the same graph and change nothing:
    # on two cores they run side by side, so the build waits for the longer of the two, not their sum.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="collabkg-reasoner") as reasoner:
        pending = reasoner.submit(check_consistency, union, settings.reasoner) if settings.reasoner != "none" \
            else None
        steps.step(SHACL_STEP)  # the title `collabkg validate` looks up in the build record
        report = validate(union, curation=True)
        if pending is not None:
            consistency = pending.result()
    if consistency is not None and not consistency.consistent:
        raise BuildError("the ontology check failed", consistency.render())
    if not report.conforms:
        raise BuildError(f"SHACL validation failed with {len(report.results)} result(s)", report.render())
    version = None
    if publish_store:
        steps.step("Publishing the store")
        nquads = to_nquads(dataset)
        version = publish(nquads, settings.store, artifacts=lambda folder, store: write_publication(
            folder, store, dataset, nquads, settings.base_iri, corpus_texts(settings)))
    steps.finish()
    if version is not None:
        write_record(settings.store, BuildRecord(version.name, inputs, steps.seconds))
    return BuildResult(dataset, report, consistency, version)
