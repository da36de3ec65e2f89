"""Instance IRIs are minted here and nowhere else, from a configurable base.

Every IRI is a pure function of curated identifiers (or of a quote's position), so the same input
gives the same IRIs on every rebuild.
"""

from __future__ import annotations

import hashlib
import re

from rdflib import URIRef

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_slug(value: str) -> bool:
    """Identifiers in case files are lowercase words joined by hyphens.

    >>> is_slug("newcastle-city-council"), is_slug("Newcastle City Council")
    (True, False)
    """
    return bool(_SLUG.match(value))


class IriMinter:
    """Mints every instance IRI under ``base``.

    >>> mint = IriMinter("https://w3id.org/collabkg/id/")
    >>> str(mint.body("barnardos"))
    'https://w3id.org/collabkg/id/body/barnardos'
    >>> str(mint.unit("north-of-tyne-collaboration", "board"))
    'https://w3id.org/collabkg/id/collaboration/north-of-tyne-collaboration/unit/board'
    """

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(parts))

    def report(self, report_id: str) -> URIRef:
        return self._iri("report", report_id)

    def body(self, body_id: str) -> URIRef:
        return self._iri("body", body_id)

    def funding_stream(self, stream_id: str) -> URIRef:
        return self._iri("funding-stream", stream_id)

    def collaboration(self, collaboration_id: str) -> URIRef:
        return self._iri("collaboration", collaboration_id)

    def membership(self, collaboration_id: str, body_id: str, role: str) -> URIRef:
        return self._iri("collaboration", collaboration_id, "membership", f"{body_id}-{role}")

    def involvement(self, collaboration_id: str, body_id: str, role: str) -> URIRef:
        return self._iri("collaboration", collaboration_id, "involvement", f"{body_id}-{role}")

    def unit(self, collaboration_id: str, unit_id: str) -> URIRef:
        return self._iri("collaboration", collaboration_id, "unit", unit_id)

    def unit_membership(self, collaboration_id: str, unit_id: str, body_id: str, role: str,
                        post_id: str | None) -> URIRef:
        seat = f"{body_id}-{role}" + (f"-{post_id}" if post_id else "")
        return self._iri("collaboration", collaboration_id, "unit", unit_id, "membership", seat)

    def post(self, collaboration_id: str, post_id: str) -> URIRef:
        return self._iri("collaboration", collaboration_id, "post", post_id)

    def funding(self, collaboration_id: str, funding_id: str) -> URIRef:
        return self._iri("collaboration", collaboration_id, "funding", funding_id)

    def amount(self, collaboration_id: str, funding_id: str) -> URIRef:
        return self._iri("collaboration", collaboration_id, "funding", funding_id, "amount")

    def workstream(self, collaboration_id: str, workstream_id: str) -> URIRef:
        return self._iri("collaboration", collaboration_id, "workstream", workstream_id)

    def output(self, collaboration_id: str, output_id: str) -> URIRef:
        return self._iri("collaboration", collaboration_id, "output", output_id)

    def reference(self, report_id: str, reference_id: str) -> URIRef:
        return self._iri("report", report_id, "reference", reference_id)

    def evidence(self, report_id: str, start: int, end: int) -> URIRef:
        return self._iri("report", report_id, "passage", f"{start}-{end}")

    def quote_selector(self, report_id: str, start: int, end: int) -> URIRef:
        return self._iri("report", report_id, "passage", f"{start}-{end}", "quote")

    def position_selector(self, report_id: str, start: int, end: int) -> URIRef:
        return self._iri("report", report_id, "passage", f"{start}-{end}", "position")

    def claim(self, report_id: str, start: int, end: int, cause: str, effect: str, polarity: str) -> URIRef:
        """A claim is identified by its passage, cause, effect and polarity (the duplicate rule)."""
        key = "\x1f".join((report_id, str(start), str(end), cause.strip().lower(),
                           effect.strip().lower(), polarity))
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        return self._iri("claim", digest)

    def cause(self, claim: URIRef) -> URIRef:
        return URIRef(f"{claim}/cause")

    def effect(self, claim: URIRef) -> URIRef:
        return URIRef(f"{claim}/effect")

    def publisher(self, report_id: str) -> URIRef:
        return self._iri("report", report_id, "publisher")

    def graph(self, name: str) -> URIRef:
        return self._iri("graph", name)

    # -- candidates from `collabkg extract`: a run's own named graph, never mixed with curated facts -----

    def extraction(self, run_id: str) -> URIRef:
        """The extraction run (a prov:Activity); ``run_id`` is a digest of the report's text and the model.

        >>> str(IriMinter("https://w3id.org/collabkg/id/").extraction("ab12"))
        'https://w3id.org/collabkg/id/extraction/ab12'
        """
        return self._iri("extraction", run_id)

    def extraction_graph(self, run_id: str) -> URIRef:
        return self._iri("graph", "extraction", run_id)

    def candidate(self, run_id: str, kind: str, key: str) -> URIRef:
        """A candidate the run found: ``kind`` is body, collaboration, membership, unit, funding, claim..."""
        return self._iri("extraction", run_id, kind, key)

    def extraction_model(self, version: str) -> URIRef:
        return self._iri("extraction-model", version)
