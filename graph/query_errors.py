"""Syntax errors a person can read: line and column in the query as sent, the line with a caret under the
position, and one short sentence instead of the engine's list of grammar alternatives."""

from __future__ import annotations

from collections.abc import Sequence

from collabkg.graph.gate import CheckedQuery, QueryRejected, Token, line_and_column

#: the words of the SPARQL 1.1 grammar (keywords and built-in functions), for spotting a misspelt one
SPARQL_WORDS = frozenset("""
BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP BY HAVING ORDER ASC DESC LIMIT
OFFSET VALUES LOAD SILENT INTO CLEAR DROP CREATE ADD TO MOVE COPY INSERT DATA DELETE WITH USING DEFAULT ALL GRAPH
OPTIONAL SERVICE BIND UNDEF MINUS UNION FILTER A IN NOT EXISTS TRUE FALSE STR LANG LANGMATCHES DATATYPE BOUND IRI URI
BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE
STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF
STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE
GROUP_CONCAT SEPARATOR LATERAL TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE ADJUST
""".split())
_TERM_KINDS = frozenset({"iri", "pname", "var", "bnode", "string", "number", "langtag", "nil", "anon"})
_WINDOW = 60
_LOOK_BACK = 16  # tokens searched back for a misspelt keyword


def excerpt(request: str, line: int, column: int) -> str:
    """The request's ``line`` (at most about 60 characters around ``column``) and a caret under ``column``.

    >>> print(excerpt("SELECT * WHERE { ?s ?p }", 1, 24))
      SELECT * WHERE { ?s ?p }
                             ^
    """
    lines = request.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    start = max(0, min(column - 1 - _WINDOW // 2, len(text) - _WINDOW))
    shown = text[start:start + _WINDOW].expandtabs(1)
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + _WINDOW < len(text) else ""
    return f"  {prefix}{shown}{suffix}\n  {' ' * (len(prefix) + column - 1 - start)}^"


def _misspelt_word(tokens: Sequence[Token], index: int | None) -> int | None:
    """The index of a word shortly before ``index``, in the same pattern, that is no SPARQL keyword: ``LIMT`` in
    ``LIMT 5``, ``CONCT`` in ``CONCT(?a, "x")``. Words in SPARQL are only keywords and built-ins, so such a word
    is a misspelling, even where the engine notices it a few tokens later."""
    if index is None:
        return None
    for at in range(index - 1, max(-1, index - 1 - _LOOK_BACK), -1):
        token = tokens[at]
        if token.kind == "word":
            return at if token.text.upper() not in SPARQL_WORDS else None
        if token.text in {"{", "}", ".", ";"}:
            return None
    return None


def _sentence(checked: CheckedQuery, index: int | None, expected: str) -> tuple[str, int | None]:
    """One sentence for the engine's error at token ``index``, and the token it is about."""
    tokens = checked.tokens
    token: Token | None = tokens[index] if index is not None and index < len(tokens) else None
    if "Prefix not found" in expected or "prefix not found" in expected.lower():
        name = token.text if token is not None and token.kind == "pname" else ""
        if not name and index is not None:
            name = next((t.text for t in tokens[max(0, index - 1):index + 1] if t.kind == "pname"), "")
        prefix = name.split(":", 1)[0] + ":" if name else "this prefix"
        return f"unknown prefix `{prefix}`: declare it with PREFIX {prefix} <…>", index
    if token is None:
        return "the query ends too early", index
    misspelt = _misspelt_word(tokens, index)
    if misspelt is not None:
        return f"unexpected `{tokens[misspelt].text[:30]}`: not a SPARQL keyword (check its spelling)", misspelt
    assert index is not None  # a token was found at it
    previous = tokens[index - 2:index] if index >= 2 else ()
    if token.text in {"}", ".", ";"} and len(previous) == 2 and all(t.kind in _TERM_KINDS or t.text == "a"
                                                                    for t in previous):
        return "a triple pattern needs an object here", index
    if token.text in {"}", "."} and index >= 1 and (
            tokens[index - 1].kind in _TERM_KINDS) and (index < 2 or tokens[index - 2].text in {"{", ".", "}"}):
        return "a triple pattern needs a predicate and an object here", index
    alternatives = [item.strip() for item in expected.split(",")]
    words = [item for item in alternatives if item.isupper() and item.replace("_", "").isalpha()]
    shown = token.text if len(token.text) <= 30 else token.text[:27] + "..."
    if words and len(words) == len(alternatives) and len(words) <= 6:
        return f"unexpected `{shown}`: expected {' or '.join(words)}", index
    if token.kind == "word":
        return f"unexpected `{shown}`: not a SPARQL keyword here (check its spelling)", index
    return f"unexpected `{shown}` here", index


def readable_syntax_error(checked: CheckedQuery, request: str, message: str) -> QueryRejected:
    """Turn the engine's ``error at L:C: expected …`` on the gate's text into a short error placed in the
    request."""
    head, _, expected = message.partition(": expected ")
    _, _, position = head.partition("error at ")
    line_text, _, column_text = position.partition(":")
    if not (line_text.isdigit() and column_text.isdigit()):
        return QueryRejected(f"malformed query: {message[:200]}")
    column = int(column_text)
    index = checked.token_at(column)
    sentence, about = _sentence(checked, index, expected.replace("one of ", ""))
    if about is not None and about != index:
        index = about  # point at the misspelt word, not at what the engine tried after it
        column = checked.starts[index] + 1
    if index is None:
        line, column_in_request = line_and_column(request, len(request.rstrip()))
    else:
        line, column_in_request = checked.position_in_request(column, request)
    error = QueryRejected(sentence, line, column_in_request)
    error.args = (f"{error}\n{excerpt(request, line, column_in_request)}",)
    return error
