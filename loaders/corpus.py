"""The corpus: report texts (byte-identical to the published conversions) and their notes.

``corpus/reports.yaml`` records each report's title, publisher, date, licence and identifiers; the
loader turns that into ``dcterms:`` metadata in the catalogue graph and gives case files the text their
quotes are checked against.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rdflib import Dataset, Literal, URIRef

from collabkg.loaders.base import Loader, LoadError, Problem
from collabkg.loaders.evidence import ReportText
from collabkg.loaders.yaml_source import LineDict, read_yaml
from collabkg.ontology.iris import IriMinter
from collabkg.ontology.terms import CKG, DCTERMS, FOAF, RDF, RDFS, XSD

_REQUIRED = ("id", "file", "title", "issued")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Corpus(Loader):
    """Reports listed in ``reports.yaml`` of ``folder``.

    >>> from collabkg.settings import load_settings
    >>> corpus = Corpus(load_settings().corpus)
    >>> corpus.text("000_19c409783d911f52").line_of(0)
    1
    >>> "North of Tyne Collaboration" in corpus.text("000_19c409783d911f52").text
    True
    """

    patterns = ("reports.yaml",)

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[Problem] = []
        self.entries: dict[str, LineDict] = {}
        self._texts: dict[str, ReportText | None] = {}
        index = folder / "reports.yaml"
        try:
            data = read_yaml(index)
        except LoadError as error:
            self.problems.extend(error.problems)
            return
        reports = data.get("reports") if isinstance(data, dict) else None
        if not isinstance(reports, list):
            self.problems.append(Problem(str(index), 1, "reports", "must be a list of reports"))
            return
        for position, entry in enumerate(reports):
            where = f"reports[{position}]"
            line = entry.line if isinstance(entry, LineDict) else None
            if not isinstance(entry, dict):
                self.problems.append(Problem(str(index), line, where, "expected a mapping"))
                continue
            missing = [key for key in _REQUIRED if not entry.get(key)]
            if missing:
                self.problems.append(Problem(str(index), line, where, f"missing {', '.join(missing)}"))
                continue
            if not entry.get("licence") and not entry.get("rights"):
                self.problems.append(Problem(str(index), line, where, "missing licence or rights"))
                continue
            if not entry.get("publisher") and not entry.get("publisher_label"):
                self.problems.append(Problem(str(index), line, where, "missing publisher or publisher_label"))
                continue
            if not _DATE.match(str(entry["issued"])):
                self.problems.append(Problem(str(index), line, where + ".issued",
                                             f"{entry['issued']!r} is not YYYY, YYYY-MM or YYYY-MM-DD"))
                continue
            report_id = str(entry["id"])
            if report_id in self.entries:
                self.problems.append(Problem(str(index), line, where + ".id", f"duplicate report {report_id!r}"))
                continue
            self.entries[report_id] = entry

    def text(self, report_id: str) -> ReportText | None:
        """The report's text, read once; None (with a problem recorded) if it is missing or not UTF-8."""
        if report_id not in self.entries:
            return None
        if report_id not in self._texts:
            entry = self.entries[report_id]
            path = self.folder / str(entry["file"])
            try:
                data = path.read_bytes()
                self._texts[report_id] = ReportText(report_id, data.decode("utf-8"))
            except FileNotFoundError:
                self.problems.append(Problem(str(self.folder / "reports.yaml"), entry.line, f"report {report_id}",
                                             f"report file is missing: {path}"))
                self._texts[report_id] = None
            except UnicodeDecodeError as error:
                self.problems.append(Problem(str(path), None, f"report {report_id}",
                                             f"report file is not UTF-8 (invalid byte at offset {error.start})"))
                self._texts[report_id] = None
        return self._texts[report_id]

    def load_into(self, dataset: Dataset, minter: IriMinter | None = None) -> None:
        """Add every report's ``dcterms:`` metadata to the catalogue graph; raise if any report is bad."""
        if minter is None:
            raise ValueError("Corpus.load_into needs the IRI minter")
        catalogue = dataset.graph(minter.graph("catalogue"))
        for report_id, entry in self.entries.items():
            report = self.text(report_id)
            document = minter.report(report_id)
            catalogue.add((document, RDF.type, DCTERMS.BibliographicResource))
            catalogue.add((document, DCTERMS.title, Literal(str(entry["title"]), lang="en")))
            catalogue.add((document, RDFS.label, Literal(str(entry["title"]), lang="en")))
            publisher: URIRef
            if entry.get("publisher"):
                publisher = minter.body(str(entry["publisher"]))
            else:
                publisher = minter.publisher(report_id)
                catalogue.add((publisher, RDF.type, FOAF.Agent))
                catalogue.add((publisher, RDFS.label, Literal(str(entry["publisher_label"]), lang="en")))
            catalogue.add((document, DCTERMS.publisher, publisher))
            issued = str(entry["issued"])
            datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}.get(len(issued), XSD.string)
            catalogue.add((document, DCTERMS.issued, Literal(issued, datatype=datatype)))
            if entry.get("licence"):
                catalogue.add((document, DCTERMS.license, URIRef(str(entry["licence"]))))
            for key, predicate in (("citation", DCTERMS.bibliographicCitation), ("rights", DCTERMS.rights),
                                   ("description", DCTERMS.description)):
                if entry.get(key):
                    catalogue.add((document, predicate, Literal(" ".join(str(entry[key]).split()), lang="en")))
            for identifier in entry.get("identifiers") or []:
                catalogue.add((document, DCTERMS.identifier, Literal(str(identifier))))
            catalogue.add((document, DCTERMS.identifier, Literal(report_id)))
            if report is not None:
                digest = hashlib.sha256(report.text.encode("utf-8")).hexdigest()
                catalogue.add((document, CKG.textSha256, Literal(digest)))
                catalogue.add((document, CKG.textLength, Literal(len(report.text), datatype=XSD.integer)))
        if self.problems:
            raise LoadError(self.problems)
