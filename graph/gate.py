"""The query gate: what a query *is*, decided on its tokens, before anything evaluates it.

A request's text is read once, by a lexer that follows the terminals of the SPARQL 1.1 grammar
(https://www.w3.org/TR/sparql11-query/#sparqlGrammar, section 19.8) character by character: comments end at
a carriage return or a line feed, a no-break space is not white space, ``?service`` is a variable,
``copy:`` a prefixed name and ``115SERVICE`` a number followed by a keyword. Every decision (query or
update, which form, whether it names a dataset, whether it contains ``SERVICE`` anywhere) is taken on those
tokens, and what the engine then runs is not the request's text but the tokens written out again one by
one, separated by single spaces, strings re-escaped and comments dropped. Gate and engine therefore cannot
read the same text two ways: a keyword the gate did not see is not in what the engine is given.

Work is linear in the length of the request and bounded: nesting of brackets and runs of prefix operators
are capped (the engine's parser is recursive), and no scan ever restarts from an earlier position.
No regular expression is used.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

#: keywords that begin an update (SPARQL 1.1 Update, section 3); a request starting with one is refused
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
MAX_DEPTH = 64
MAX_PREFIX_OPERATORS = 16
MAX_TOKENS = 100_000
MAX_OPERATORS_PER_GROUP = 2_000
_BINARY_OPERATORS = frozenset({"+", "-", "*", "/", "&&", "||", "=", "!=", "<", ">", "<=", ">=", "|"})

_WHITESPACE = frozenset(" \t\r\n")
_IRI_FORBIDDEN = frozenset('<>"{}|^`\\')
_PUNCTUATION_2 = ("^^", "!=", "<=", ">=", "&&", "||")
_PUNCTUATION_1 = frozenset("{}()[].,;*/|=+-!^?<>")
_LOCAL_ESCAPES = frozenset("_~.-!$&'()*+,;=/?#@%")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE_OUT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_OPENING = {"(": ")", "[": "]", "{": "}"}
_CLOSING = frozenset(")]}")
_PREFIX_OPERATORS = frozenset("!^+-")


def _is_name_start(ch: str) -> bool:
    """PN_CHARS_BASE (section 19.8, production 164)."""
    if "A" <= ch <= "Z" or "a" <= ch <= "z":
        return True
    code = ord(ch)
    return (0xC0 <= code <= 0xD6 or 0xD8 <= code <= 0xF6 or 0xF8 <= code <= 0x2FF or 0x370 <= code <= 0x37D
            or 0x37F <= code <= 0x1FFF or 0x200C <= code <= 0x200D or 0x2070 <= code <= 0x218F
            or 0x2C00 <= code <= 0x2FEF or 0x3001 <= code <= 0xD7FF or 0xF900 <= code <= 0xFDCF
            or 0xFDF0 <= code <= 0xFFFD or 0x10000 <= code <= 0xEFFFF)


def _is_name_char(ch: str) -> bool:
    """PN_CHARS (production 167): PN_CHARS_U, '-', digits, U+00B7, U+0300-036F, U+203F-2040."""
    if ch in _WORD or ch == "-" or _is_name_start(ch):
        return True
    code = ord(ch)
    return code == 0xB7 or 0x300 <= code <= 0x36F or 0x203F <= code <= 0x2040


class GateError(ValueError):
    """A request the gate does not pass; ``status`` is the HTTP status it deserves."""

    status = 400

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.line, self.column, self.reason = line, column, message
        super().__init__(f"error at {line}:{column}: {message}" if line is not None else message)


class QueryRejected(GateError):
    """Not a well-formed query: 400, with the line and column of the problem."""


class QueryRefused(GateError):
    """A well-formed request this read-only endpoint will not run (an update, SERVICE): 403."""

    status = 403


class Token(NamedTuple):
    kind: str  # iri, pname, var, bnode, string, number, langtag, word, punct, nil, anon
    text: str  # as written out for the engine
    offset: int  # where it starts in the request


@dataclass(frozen=True)
class CheckedQuery:
    """A query the gate passed: its form, its own dataset, and the text the engine runs.

    >>> checked = check_query("SELECT ?service # SERVICE <http://x>\\rWHERE { ?service ?p 'SERVICE' }")
    >>> checked.form, checked.has_dataset, checked.text
    ('SELECT', False, 'SELECT ?service WHERE { ?service ?p "SERVICE" }')
    """

    form: str
    has_dataset: bool
    text: str
    tokens: tuple[Token, ...]
    starts: tuple[int, ...]  # where each token starts in :attr:`text`

    def token_at(self, canonical_column: int) -> int | None:
        """Index of the token at (or just before) a 1-based column of :attr:`text`."""
        index = bisect_right(self.starts, canonical_column - 1) - 1
        return index if 0 <= index < len(self.tokens) else None

    def position_in_request(self, canonical_column: int, request: str) -> tuple[int, int]:
        """Map a 1-based column in :attr:`text` (one line) to (line, column) in the request."""
        starts = self.starts
        index = bisect_right(starts, canonical_column - 1) - 1
        if index < 0 or not self.tokens:
            return 1, 1
        token = self.tokens[index]
        within = canonical_column - 1 - starts[index]
        # Inside a token written as in the request: the same character; otherwise the token's start (strings
        # are re-escaped, and the engine may point just past the token it stopped at).
        same_text = token.kind != "string" and 0 <= within < len(token.text)
        return line_and_column(request, token.offset + within if same_text else token.offset)


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``; a line ends at LF, CR or CRLF as in SPARQL."""
    line, start, index = 1, 0, 0
    while index < offset:
        ch = text[index]
        if ch == "\n" or ch == "\r":
            if ch == "\r" and index + 1 < offset and text[index + 1] == "\n":
                index += 1
            line, start = line + 1, index + 1
        index += 1
    return line, offset - start + 1


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.length = len(text)
        self.tokens: list[Token] = []
        self._next_lf = self._next_cr = -1

    def fail(self, offset: int, message: str) -> QueryRejected:
        line, column = line_and_column(self.text, offset)
        return QueryRejected(message, line, column)

    def run(self) -> list[Token]:
        text, length, index = self.text, self.length, 0
        while index < length:
            if len(self.tokens) > MAX_TOKENS:
                raise self.fail(index, f"the query has more than {MAX_TOKENS:,} tokens; split it or use fewer values")
            ch = text[index]
            if ch in _WHITESPACE:
                index += 1
            elif ch == "#":
                index = self._end_of_line(index)
            elif ch == "<":
                index = self._iri_or_operator(index)
            elif ch == '"' or ch == "'":
                index = self._string(index)
            elif ch == "?" or ch == "$":
                index = self._variable(index)
            elif ch == "_" and text.startswith("_:", index):
                index = self._blank_node(index)
            elif ch == "@":
                index = self._langtag(index)
            elif ch in _DIGITS or (ch == "." and index + 1 < length and text[index + 1] in _DIGITS) or (
                    ch in "+-" and index + 1 < length and (text[index + 1] in _DIGITS or (
                        text[index + 1] == "." and index + 2 < length and text[index + 2] in _DIGITS))):
                index = self._number(index)
            elif ch == ":" or _is_name_start(ch):
                index = self._name(index)
            elif ch == "(" or ch == "[":
                index = self._bracket(index)
            elif text.startswith(_PUNCTUATION_2, index):
                self.tokens.append(Token("punct", text[index:index + 2], index))
                index += 2
            elif ch in _PUNCTUATION_1:
                self.tokens.append(Token("punct", ch, index))
                index += 1
            else:
                raise self.fail(index, f"unexpected character {_describe(ch)}")
        return self.tokens

    def _end_of_line(self, index: int) -> int:
        # A comment runs to the end of the line, and SPARQL ends lines at CR as well as LF (section 19.4).
        # The next LF and CR are remembered, so that many comments never rescan the same text.
        if self._next_lf < index:
            found = self.text.find("\n", index)
            self._next_lf = found if found >= 0 else self.length
        if self._next_cr < index:
            found = self.text.find("\r", index)
            self._next_cr = found if found >= 0 else self.length
        return min(self._next_lf, self._next_cr)

    def _iri_or_operator(self, index: int) -> int:
        text, end = self.text, index + 1
        while end < self.length:
            ch = text[end]
            if ch == ">":
                self.tokens.append(Token("iri", text[index:end + 1], index))
                return end + 1
            if ch in _IRI_FORBIDDEN or ord(ch) <= 0x20:
                break
            end += 1
        # Not an IRI: the comparison operators < and <= (each character is scanned at most twice, since
        # an IRI cannot contain '<').
        operator = "<=" if text.startswith("<=", index) else "<"
        self.tokens.append(Token("punct", operator, index))
        return index + len(operator)

    def _string(self, index: int) -> int:
        text, quote = self.text, self.text[index]
        long_form = text.startswith(quote * 3, index)
        position = index + (3 if long_form else 1)
        value: list[str] = []
        while True:
            if position >= self.length:
                raise self.fail(index, "this string is never closed")
            ch = text[position]
            if ch == "\\":
                position, decoded = self._escape(position)
                value.append(decoded)
                continue
            if ch == quote and (not long_form or text.startswith(quote * 3, position)):
                position += 3 if long_form else 1
                break
            if not long_form and (ch == "\n" or ch == "\r"):
                raise self.fail(position, "a line break inside a short string; use \\n or a \"\"\"long string\"\"\"")
            value.append(ch)
            position += 1
        written = "".join(_ESCAPE_OUT.get(c, c) for c in "".join(value))
        self.tokens.append(Token("string", f'"{written}"', index))
        return position

    def _escape(self, position: int) -> tuple[int, str]:
        text = self.text
        if position + 1 >= self.length:
            raise self.fail(position, "a backslash at the end of the query")
        code = text[position + 1]
        if code in _ECHAR:
            return position + 2, _ECHAR[code]
        if code in "uU":
            digits = 4 if code == "u" else 8
            hex_digits = text[position + 2:position + 2 + digits]
            if len(hex_digits) == digits and all(c in _HEX for c in hex_digits):
                value = int(hex_digits, 16)
                if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
                    return position + 2 + digits, chr(value)
        raise self.fail(position, f"unknown escape \\{code} in a string")

    def _variable(self, index: int) -> int:
        text, end = self.text, index + 1
        if end < self.length and (text[end] in _DIGITS or text[end] == "_" or _is_name_start(text[end])):
            while end < self.length and (_is_name_char(text[end]) and text[end] != "-"):
                end += 1
            self.tokens.append(Token("var", text[index:end], index))
            return end
        if text[index] == "$":
            raise self.fail(index, "a variable needs a name after $")
        self.tokens.append(Token("punct", "?", index))  # the zero-or-one path modifier
        return end

    def _blank_node(self, index: int) -> int:
        end = self._local_part(index + 2, escapes=False)
        if end == index + 2:
            raise self.fail(index, "a blank node label needs a name after _:")
        self.tokens.append(Token("bnode", self.text[index:end], index))
        return end

    def _langtag(self, index: int) -> int:
        text, end = self.text, index + 1
        while end < self.length and ("a" <= text[end].lower() <= "z"):
            end += 1
        if end == index + 1:
            raise self.fail(index, "a language tag needs letters after @")
        while end + 1 < self.length and text[end] == "-" and text[end + 1] in _WORD and text[end + 1] != "_":
            end += 1
            while end < self.length and text[end] in _WORD and text[end] != "_":
                end += 1
        self.tokens.append(Token("langtag", text[index:end], index))
        return end

    def _number(self, index: int) -> int:
        text, end = self.text, index
        if text[end] in "+-":
            end += 1
        while end < self.length and text[end] in _DIGITS:
            end += 1
        if end + 1 < self.length and text[end] == "." and text[end + 1] in _DIGITS:
            end += 1
            while end < self.length and text[end] in _DIGITS:
                end += 1
        elif end < self.length and text[end] == "." and end + 1 < self.length and text[end + 1] in "eE":
            end += 1  # a DOUBLE such as 1.e5
        if end < self.length and text[end] in "eE":
            exponent = end + 1
            if exponent < self.length and text[exponent] in "+-":
                exponent += 1
            if exponent < self.length and text[exponent] in _DIGITS:
                end = exponent
                while end < self.length and text[end] in _DIGITS:
                    end += 1
        self.tokens.append(Token("number", text[index:end], index))
        return end

    def _name(self, index: int) -> int:
        """A keyword or function name, or a prefixed name (PNAME_NS / PNAME_LN)."""
        text, end = self.text, index
        while end < self.length and (_is_name_char(text[end]) or text[end] == "."):
            end += 1
        prefix_end = end
        while prefix_end > index and text[prefix_end - 1] == ".":
            prefix_end -= 1
        if prefix_end < self.length and text[prefix_end] == ":" and prefix_end == end:
            local_end = self._local_part(prefix_end + 1, escapes=True)
            self.tokens.append(Token("pname", text[index:local_end], index))
            return local_end
        if text[index] == ":":
            local_end = self._local_part(index + 1, escapes=True)
            self.tokens.append(Token("pname", text[index:local_end], index))
            return local_end
        end = index
        while end < self.length and text[end] in _WORD:
            end += 1
        if end == index:
            raise self.fail(index, f"unexpected character {_describe(text[index])}")
        self.tokens.append(Token("word", text[index:end], index))
        return end

    def _local_part(self, index: int, escapes: bool) -> int:
        """The end of PN_LOCAL (production 169) or a blank node label starting at ``index``."""
        text, end, last_good = self.text, index, index
        while end < self.length:
            ch = text[end]
            if ch == "%" and escapes:
                if end + 2 < self.length + 0 and text[end + 1] in _HEX and end + 2 < self.length \
                        and text[end + 2] in _HEX:
                    end += 3
                    last_good = end
                    continue
                raise self.fail(end, "% in a prefixed name must be followed by two hex digits")
            if ch == "\\" and escapes:
                if end + 1 < self.length and text[end + 1] in _LOCAL_ESCAPES:
                    end += 2
                    last_good = end
                    continue
                raise self.fail(end, "a backslash in a prefixed name escapes one of _~.-!$&'()*+,;=/?#@%")
            if ch == "." or (ch == "-" and end == index):
                if ch == "-":
                    break
                end += 1
                continue
            if _is_name_char(ch) or (ch == ":" and escapes):
                end += 1
                last_good = end
                continue
            break
        return last_good  # a name never ends with '.'

    def _bracket(self, index: int) -> int:
        # NIL "( )" and ANON "[ ]" are single terminals (productions 161, 163): no nesting.
        text, end = self.text, index + 1
        while end < self.length and text[end] in _WHITESPACE:
            end += 1
        closing = ")" if text[index] == "(" else "]"
        if end < self.length and text[end] == closing:
            self.tokens.append(Token("nil" if closing == ")" else "anon", text[index] + closing, index))
            return end + 1
        self.tokens.append(Token("punct", text[index], index))
        return index + 1


def _describe(ch: str) -> str:
    names = {"\u00a0": "no-break space", "\u200b": "zero-width space", "\ufeff": "byte order mark",
             "\u2028": "line separator", "\u3000": "ideographic space", "\\": "backslash"}
    name = names.get(ch)
    shown = f"'{ch}'" if ch.isprintable() and name is None else ""
    return f"U+{ord(ch):04X} {name or shown}".strip()


def keyword(token: Token) -> str:
    """The keyword a token is, in capitals (SPARQL keywords are case-insensitive); "" for any other token,
    so that a variable, string or IRI that spells a keyword is never taken for one.

    >>> keyword(Token("word", "select", 0)), keyword(Token("var", "?select", 0))
    ('SELECT', '')
    """
    return token.text.upper() if token.kind == "word" else ""


def check_query(text: str, max_depth: int = MAX_DEPTH) -> CheckedQuery:
    """Decide what ``text`` is: a read-only query (returned, with the text the engine runs), malformed
    (:class:`QueryRejected`, 400) or refused (:class:`QueryRefused`, 403).

    >>> check_query("PREFIX copy: <http://e/> SELECT ?from WHERE { ?from copy:x 1 }").has_dataset
    False
    >>> check_query("SELECT * WHERE { ?s ?p ?o 115SERVICE <http://127.0.0.1/> { } }")
    Traceback (most recent call last):
    ...
    collabkg.graph.gate.QueryRefused: error at 1:30: SERVICE is refused: ... never call other hosts
    >>> check_query("SELEC * WHERE { }")
    Traceback (most recent call last):
    ...
    collabkg.graph.gate.QueryRejected: error at 1:1: expected SELECT, ASK, CONSTRUCT or DESCRIBE, found `SELEC`
    """
    lexer = _Lexer(text)
    tokens = lexer.run()
    _check_nesting(lexer, tokens, max_depth)
    position = _skip_prologue(lexer, tokens)
    if position >= len(tokens):
        raise lexer.fail(len(text), "empty query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    first = tokens[position]
    form = keyword(first)
    if form in UPDATE_KEYWORDS:
        raise _refuse(lexer, first, f"updates are refused: this endpoint is read-only ({form})")
    if form not in QUERY_FORMS:
        raise lexer.fail(first.offset, f"expected SELECT, ASK, CONSTRUCT or DESCRIBE, found `{first.text[:40]}`")
    has_dataset = False
    for token in tokens[position:]:
        word = keyword(token)
        if word == "SERVICE":
            raise _refuse(lexer, token, "SERVICE is refused: queries run on this dataset only and never call "
                                        "other hosts")
        if word == "FROM":
            has_dataset = True
    text, starts = _write(tokens)
    return CheckedQuery(form, has_dataset, text, tuple(tokens), starts)


def with_tokens(checked: CheckedQuery, tokens: list[Token]) -> CheckedQuery:
    """``checked`` with its tokens replaced (by a rewrite the server makes itself, such as the text-search
    one); form and dataset are unchanged, the text is written out again."""
    text, starts = _write(tokens)
    return CheckedQuery(checked.form, checked.has_dataset, text, tuple(tokens), starts)


def declared_prefixes(checked: CheckedQuery) -> dict[str, str]:
    """The prefixes the query's prologue declares (name without ':' -> IRI)."""
    tokens, declared, index = checked.tokens, {}, 0
    while index + 2 < len(tokens) and keyword(tokens[index]) in ("PREFIX", "BASE"):
        if keyword(tokens[index]) == "BASE":
            index += 2
            continue
        declared[tokens[index + 1].text[:-1]] = tokens[index + 2].text[1:-1]
        index += 3
    return declared


def _write(tokens: list[Token]) -> tuple[str, tuple[int, ...]]:
    """The tokens as the engine gets them: separated by one space, except that a function name or keyword
    is joined to the bracket that follows it (Oxigraph 0.5 does not accept ``CONCAT (``)."""
    parts: list[str] = []
    starts: list[int] = []
    position = 0
    previous: Token | None = None
    for token in tokens:
        if previous is not None:
            glued = previous.kind == "word" and (token.kind == "nil" or token.text == "(")
            if not glued:
                parts.append(" ")
                position += 1
        starts.append(position)
        parts.append(token.text)
        position += len(token.text)
        previous = token
    return "".join(parts), tuple(starts)


def _refuse(lexer: _Lexer, token: Token, message: str) -> QueryRefused:
    line, column = line_and_column(lexer.text, token.offset)
    return QueryRefused(message, line, column)


def _check_nesting(lexer: _Lexer, tokens: list[Token], max_depth: int) -> None:
    """Brackets balance and nest at most ``max_depth`` deep; runs of prefix operators stay short."""
    stack: list[Token] = []
    operators = [0]  # binary operators in each open group: the engine's parser recurses on each
    run = 0
    for token in tokens:
        text = token.text if token.kind == "punct" else ""
        if text in _OPENING:
            stack.append(token)
            operators.append(0)
            if len(stack) > max_depth:
                raise lexer.fail(token.offset, f"nested more than {max_depth} levels deep; simplify the query")
        elif text in _CLOSING:
            if not stack or _OPENING[stack[-1].text] != text:
                raise lexer.fail(token.offset, f"`{text}` closes nothing that is open here")
            stack.pop()
            operators.pop()
        elif text in _BINARY_OPERATORS or (token.kind == "number" and token.text[0] in "+-"):
            operators[-1] += 1
            if operators[-1] > MAX_OPERATORS_PER_GROUP:
                raise lexer.fail(token.offset, f"more than {MAX_OPERATORS_PER_GROUP:,} operators in one expression; "
                                               "simplify the query")
        run = run + 1 if text in _PREFIX_OPERATORS else 0
        if run > MAX_PREFIX_OPERATORS:
            raise lexer.fail(token.offset, f"more than {MAX_PREFIX_OPERATORS} operators in a row")
    if stack:
        raise lexer.fail(stack[-1].offset, f"`{stack[-1].text}` is never closed")


def _skip_prologue(lexer: _Lexer, tokens: list[Token]) -> int:
    """Index of the first token after BASE and PREFIX declarations (production 4), checking their shape."""
    position = 0
    while position < len(tokens):
        word = keyword(tokens[position])
        if word == "BASE":
            if position + 1 >= len(tokens) or tokens[position + 1].kind != "iri":
                raise lexer.fail(tokens[position].offset, "BASE needs an IRI in <…>")
            position += 2
        elif word == "PREFIX":
            name = tokens[position + 1] if position + 1 < len(tokens) else None
            iri = tokens[position + 2] if position + 2 < len(tokens) else None
            if name is None or name.kind != "pname" or not name.text.endswith(":") or iri is None \
                    or iri.kind != "iri":
                raise lexer.fail(tokens[position].offset, "PREFIX needs a name ending in `:` and an IRI in <…>, "
                                                          "as in PREFIX ex: <http://example.org/>")
            position += 3
        else:
            return position
    return position
