"""Build: load the corpus and case files, check them, and (in :func:`build`) publish the store."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Dataset

from collabkg.loaders.case_file import CaseFileLoader
from collabkg.loaders.corpus import Corpus
from collabkg.ontology.iris import IriMinter
from collabkg.ontology.terms import CKG, RDF
from collabkg.settings import Settings


def check_case_files(settings: Settings, paths: Iterable[Path]) -> str:
    """Check some case files in the context of all the others; return a one-line summary per file.

    Raises :class:`~collabkg.loaders.base.LoadError` listing every problem in the given files.
    """
    paths = [path.resolve() for path in paths]
    folder = paths[0].parent
    corpus = Corpus(settings.corpus)
    minter = IriMinter(settings.base_iri)
    loader = CaseFileLoader(folder, corpus, minter, only=paths)
    dataset = Dataset()
    loader.load_into(dataset)
    claims = sum(1 for _ in dataset.subjects(RDF.type, CKG.CausalClaim))
    return f"{len(paths)} file(s) OK: {claims} claim(s), {len(loader.declarations.bodies)} bodies declared in all"
