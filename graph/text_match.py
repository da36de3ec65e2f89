"""Full-text search inside SPARQL: the reserved property ``ckg:textMatch``.

``?claim ckg:textMatch "project manager" .`` in a query sent to the endpoint is replaced, before
evaluation, by ``VALUES ?claim { … }`` listing the claims whose passages match the search (graph/search.py),
best match first, at most 10,000; the rest of the query joins with them as with any pattern. The rewrite
works on the gate's tokens (graph/gate.py), so the engine still runs only text the gate wrote.
"""

from __future__ import annotations

from collections.abc import Callable

from collabkg.graph.gate import CheckedQuery, QueryRejected, Token, declared_prefixes, line_and_column, with_tokens
from collabkg.graph.search import SearchIndex, SearchSyntaxError
from collabkg.graph.sparql import PREDECLARED_PREFIXES
from collabkg.ontology.terms import CKG

TEXT_MATCH = f"{CKG}textMatch"


def _expands_to_text_match(token: Token, prefixes: dict[str, str]) -> bool:
    if token.kind == "iri":
        return token.text[1:-1] == TEXT_MATCH
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        return prefixes.get(prefix, "") + local == TEXT_MATCH
    return False


def _string_value(token: Token) -> str:
    # the gate writes every string as "..." with backslash escapes
    return token.text[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


def rewrite_text_matches(checked: CheckedQuery, request: str,
                         open_index: Callable[[], SearchIndex | None]) -> CheckedQuery:
    """Replace each ``?var ckg:textMatch "search"`` pattern by the matching claims; unchanged when there is
    none. :class:`QueryRejected` when the pattern is malformed, the search invalid or there is no index.
    The index is opened (``open_index``) only for a query that uses it: most queries do not."""
    prefixes = {**PREDECLARED_PREFIXES, **declared_prefixes(checked)}
    tokens = list(checked.tokens)
    positions = [i for i, token in enumerate(tokens) if _expands_to_text_match(token, prefixes)]
    if not positions:
        return checked
    index = open_index()
    for position in reversed(positions):
        subject = tokens[position - 1] if position > 0 else None
        search = tokens[position + 1] if position + 1 < len(tokens) else None
        where = line_and_column(request, tokens[position].offset)
        if subject is None or subject.kind != "var" or search is None or search.kind != "string":
            raise QueryRejected("ckg:textMatch needs a variable before it and a search string after it, as in "
                                '?claim ckg:textMatch "project manager" .', *where)
        if index is None:
            raise QueryRejected("ckg:textMatch needs the search index, which this store does not have", *where)
        try:
            claims = index.claims_matching(_string_value(search))
        except SearchSyntaxError as error:
            raise QueryRejected(str(error), *where) from None
        end = position + 2
        if end < len(tokens) and tokens[end].text == ".":
            end += 1
        offset = subject.offset
        replacement = [Token("word", "VALUES", offset), subject, Token("punct", "{", offset),
                       *(Token("iri", f"<{claim}>", offset) for claim in claims), Token("punct", "}", offset)]
        tokens[position - 1:end] = replacement
    return with_tokens(checked, tokens)
