"""SPARQL behind the drawings and network analysis (graph/projections.py, graph/evidence_map.py).

Each ``.rq`` file is a complete query; what the caller fills in is marked in it:

- ``$name`` stands for one IRI (the collaboration drawn), written in as ``<iri>``. Unfilled, ``$name`` is an
  ordinary SPARQL variable, so the file runs as it is and answers for every collaboration.
- a line ``#?name <pattern>`` is a filter: it stays a comment unless the caller gives values for ``name``;
  then the ``#?name`` marker is dropped and ``$name`` in the pattern becomes the list of IRIs
  (``VALUES ?x { $name }``).

The filled text is what runs and what a view links to, so a reader can run the same query on the endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib.resources import files

from collabkg.graph.queries import NotAnIri, iri_term

_FILTER_LINE = re.compile(r"^(\s*)#\?(\w+)\s(.*)$")
QueryParameterError = NotAnIri  # a value that cannot be written into a query as an IRI


@cache
def projection_query(name: str) -> str:
    """The text of ``graph/queries/projections/<name>.rq``, unfilled."""
    return (files(__name__) / f"{name}.rq").read_text(encoding="utf-8")


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for re.sub that inserts ``text`` as it is (no backslash escapes)."""
    return lambda _: text


def fill(template: str, values: Mapping[str, str | Iterable[str]]) -> str:
    """Write IRIs into a query template: a string value replaces ``$name``; a list of values switches on
    the ``#?name`` filter lines.

    >>> fill("SELECT * WHERE { ?c a ?t . FILTER(?c = $c)\\n  #?kind ?c a ?k . VALUES ?k { $kind }\\n}",
    ...      {"c": "http://x/c", "kind": ["http://x/A", "http://x/B"]})
    'SELECT * WHERE { ?c a ?t . FILTER(?c = <http://x/c>)\\n  ?c a ?k . VALUES ?k { <http://x/A> <http://x/B> }\\n}'
    >>> fill("SELECT * WHERE { ?c ?p ?o\\n  #?kind ?c a ?k . VALUES ?k { $kind }\\n}", {"kind": []})
    'SELECT * WHERE { ?c ?p ?o\\n  #?kind ?c a ?k . VALUES ?k { $kind }\\n}'
    """
    singles = {name: iri_term(value) for name, value in values.items() if isinstance(value, str)}
    lists = {name: " ".join(iri_term(v) for v in value) for name, value in values.items()
             if not isinstance(value, str) and value}
    lines = []
    for line in template.split("\n"):
        marked = _FILTER_LINE.match(line)
        if marked and marked.group(2) not in lists:
            lines.append(line)  # a filter nobody asked for stays a comment
            continue
        if marked:
            indent, name, pattern = marked.groups()
            line = indent + re.sub(rf"\${name}\b", _constant(lists[name]), pattern)
        for single, term in singles.items():
            line = re.sub(rf"\${single}\b", _constant(term), line)
        lines.append(line)
    return "\n".join(lines)
