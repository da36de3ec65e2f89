"""Look-ups of one resource answered in the serving process, without the hop to a query worker.

Most requests from pages, crawlers and programs are point look-ups: ``SELECT ?p ?o WHERE { <iri> ?p ?o }``.
Sending one to a worker process costs more than evaluating it (decision 0011 measures where the time of a
look-up goes). A query is answered here only when its tokens (graph/gate) have exactly this shape:

    [PREFIX p: <iri>]* SELECT [DISTINCT|REDUCED] (?v ... | *) [WHERE] { S P O [.] } [LIMIT n] [OFFSET n]

one triple pattern whose subject or object is an absolute IRI, the other positions variables or IRIs (the
predicate may also be ``a`` or a prefixed name), with no dataset of its own or from the request. Such a
query has no SERVICE, no path, no function and no join: its work is one index scan over the triples of
that IRI. That scan is counted first and capped (:data:`MAX_TRIPLES`), so the work done here is linear
and bounded before evaluation starts; a larger look-up goes to a worker under the time limit as any other
query. Everything else goes to a worker too. The serving process itself cannot open a network connection
when ``collabkg serve`` runs on the embedded store (graph/sandbox, installed by the CLI).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pyoxigraph

from collabkg.graph.gate import CheckedQuery, Token, keyword

#: more triples than this about the look-up's IRI, and the query goes to a worker
MAX_TRIPLES = 10_000


@dataclass(frozen=True)
class Lookup:
    """The constant subject and object of a look-up's one triple pattern (None where it is a variable)."""

    subject: pyoxigraph.NamedNode | None
    object: pyoxigraph.NamedNode | None

    def is_bounded(self, store: pyoxigraph.Store) -> bool:
        """True when the triples the pattern can match number at most :data:`MAX_TRIPLES` (counted up to one
        more than that, so this is itself bounded)."""
        quads = store.quads_for_pattern(self.subject, None, self.object, None)
        return len(list(itertools.islice(quads, MAX_TRIPLES + 1))) <= MAX_TRIPLES


def _absolute_iri(token: Token) -> pyoxigraph.NamedNode | None:
    if token.kind != "iri" or "\\" in token.text:
        return None
    try:
        return pyoxigraph.NamedNode(token.text[1:-1])
    except ValueError:  # relative: it would depend on a BASE
        return None


def _skip_projection(tokens: tuple[Token, ...], index: int) -> int | None:
    """Index after SELECT's modifier and projection, which start at ``index``."""
    if index < len(tokens) and keyword(tokens[index]) in ("DISTINCT", "REDUCED"):
        index += 1
    if index < len(tokens) and tokens[index].text == "*" and tokens[index].kind == "punct":
        return index + 1
    start = index
    while index < len(tokens) and tokens[index].kind == "var":
        index += 1
    return index if index > start else None


def _skip_modifiers(tokens: tuple[Token, ...], index: int) -> bool:
    """True when only LIMIT n and OFFSET n (each at most once, in either order) follow ``index``."""
    seen: set[str] = set()
    while index < len(tokens):
        word = keyword(tokens[index])
        if word not in ("LIMIT", "OFFSET") or word in seen or index + 1 >= len(tokens) \
                or tokens[index + 1].kind != "number" or not tokens[index + 1].text.isdigit():
            return False
        seen.add(word)
        index += 2
    return True


def as_lookup(checked: CheckedQuery) -> Lookup | None:
    """The look-up ``checked`` is, or None when it is anything else.

    >>> from collabkg.graph.gate import check_query
    >>> as_lookup(check_query("SELECT ?p ?o WHERE { <http://a/b> ?p ?o }"))
    Lookup(subject=<NamedNode value=http://a/b>, object=None)
    >>> as_lookup(check_query("SELECT * { ?s rdfs:label ?o . ?o ?p <http://a/b> }")) is None
    True
    """
    tokens = checked.tokens
    if checked.form != "SELECT" or checked.has_dataset:
        return None
    # The gate checked the prologue's shape (PREFIX name IRI, BASE IRI): its first keyword after it is the form.
    select = next(i for i, token in enumerate(tokens) if keyword(token) == "SELECT")
    if any(keyword(token) == "BASE" for token in tokens[:select]):  # IRIs would resolve against it
        return None
    index = _skip_projection(tokens, select + 1)
    if index is None:
        return None
    if index < len(tokens) and keyword(tokens[index]) == "WHERE":
        index += 1
    if index + 5 > len(tokens) or tokens[index].text != "{" or tokens[index].kind != "punct":
        return None
    subject, predicate, object_ = tokens[index + 1:index + 4]
    index += 4
    if tokens[index].text == "." and tokens[index].kind == "punct":
        index += 1
    if index >= len(tokens) or tokens[index].text != "}" or tokens[index].kind != "punct":
        return None
    if not _skip_modifiers(tokens, index + 1):
        return None
    constant_subject = _absolute_iri(subject)
    constant_object = _absolute_iri(object_)
    if (subject.kind != "var" and constant_subject is None) or (object_.kind != "var" and constant_object is None):
        return None
    if constant_subject is None and constant_object is None:
        return None
    if predicate.kind not in ("var", "pname") and _absolute_iri(predicate) is None and predicate.text != "a":
        return None
    return Lookup(constant_subject, constant_object)
