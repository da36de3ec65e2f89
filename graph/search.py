"""Full-text search over the evidence: an SQLite FTS5 index of every claim passage and the report text
around it, built by ``collabkg build`` into the store version it indexes (so it is published atomically with
it), opened read-only by the server (``docs/decisions/0006-search-index-in-sqlite-fts5.md``).

Queries use FTS5's syntax: words (stemmed with Porter, so "trusted" finds "trust"), "phrases in quotes",
prefixes with ``*``, AND / OR / NOT and parentheses; a query of plain words (no operators) also finds words
that begin with them. Results are ranked by BM25 (quote weighted above the surrounding passage) and come
with highlighted snippets; filters narrow by report, collaboration, polarity, factor or outcome category and
modality.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from collabkg.graph.queries import resource_query
from collabkg.graph.query_runner import QueryRunner

INDEX_FILE = "search.sqlite"
MAX_RESULTS = 10_000  # capped work per query: a search never returns or ranks more than this
MAX_QUERY_LENGTH = 500
CONTEXT_CHARACTERS = 400
_START, _END = "\x02", "\x03"  # snippet markers that cannot occur in report text
FILTERS = ("report", "collaboration", "polarity", "factor", "outcome", "modality")


class SearchSyntaxError(ValueError):
    """The search text is not a query FTS5 understands; the message says what to change."""


@dataclass
class Hit:
    claim: str
    quote: str
    snippet: str  # HTML: the passage escaped, matches in <mark>
    score: float
    report: str
    start: int
    end: int
    cause: str
    effect: str
    polarity: str
    factor: str
    outcome: str
    modality: str
    collaboration: str = ""
    collaboration_label: str = ""


@dataclass
class SearchResult:
    total: int
    hits: list[Hit] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"hits": [asdict(hit) for hit in self.hits], "total": self.total}


def build_index(path: Path, runner: QueryRunner, texts: dict[str, str]) -> int:
    """Write the index of every claim passage to ``path``; ``texts`` maps report IRIs to their text (for the
    passage around each quote). Returns the number of passages indexed.

    >>> import tempfile, pyoxigraph
    >>> from collabkg.graph.query_runner import StoreRunner
    >>> build_index(Path(tempfile.mkdtemp()) / "i.sqlite", StoreRunner(pyoxigraph.Store()), {})
    0
    """
    rows = runner.select(resource_query("search-passages"))
    connection = sqlite3.connect(path)
    try:
        connection.execute(
            "CREATE VIRTUAL TABLE passages USING fts5(quote, context, cause, effect, claim UNINDEXED, "
            "report UNINDEXED, start UNINDEXED, end UNINDEXED, polarity UNINDEXED, factor UNINDEXED, "
            "factor_label UNINDEXED, outcome UNINDEXED, outcome_label UNINDEXED, modality UNINDEXED, "
            "collaboration UNINDEXED, collaboration_label UNINDEXED, tokenize = 'porter unicode61')")
        records = []
        for row in rows:
            value = {name: term.value for name, term in row.items()}
            start, end = int(value["start"]), int(value["end"])
            text = texts.get(value["report"], "")
            context = text[max(0, start - CONTEXT_CHARACTERS):start] + " " + text[end:end + CONTEXT_CHARACTERS]
            records.append((value["quote"], context, value["cause"], value["effect"], value["claim"],
                            value["report"], start, end, value["polarity"], value["factor"], value["factorLabel"],
                            value["outcome"], value["outcomeLabel"], value["modality"],
                            value.get("collaboration", ""), value.get("collaborationLabel", "")))
        connection.executemany(f"INSERT INTO passages VALUES ({', '.join('?' * 16)})", records)
        # A trigram index of the quotes finds words inside other words, for searches of plain words.
        connection.execute("CREATE VIRTUAL TABLE substrings USING fts5(quote, tokenize = 'trigram')")
        connection.execute("INSERT INTO substrings (rowid, quote) SELECT rowid, quote FROM passages")
        connection.commit()
    finally:
        connection.close()
    path.chmod(0o644)
    return len(records)


def _match_expression(text: str) -> str:
    """Plain words also match words that begin with them; anything with FTS5 syntax is taken as written."""
    words = text.split()
    plain = words and all(word.isalnum() and word.upper() not in ("AND", "OR", "NOT", "NEAR") for word in words)
    return " ".join(f"{word}*" for word in words) if plain else text


def _in(column: str, values: Iterable[str], clauses: list[str], parameters: list[str]) -> None:
    values = [v for v in values if v]
    if values:
        clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
        parameters.extend(values)


class SearchIndex:
    """The published index, read-only.

    ``filters`` take IRIs or short forms: a report's id (``000_19c409783d911f52``), a collaboration's last
    IRI segment, ``enables`` / ``hinders``, a concept's name (``factor-leadership``), a modality label.
    """

    def __init__(self, path: Path, base_iri: str) -> None:
        self.path = path
        self.base_iri = base_iri

    def _matching(self, connection: sqlite3.Connection, text: str, filters: dict[str, list[str]] | None,
                  ) -> tuple[list[int], set[int], str, list[str]]:
        """The passages matching ``text`` (rowids, ranked ones first, then those found only inside other
        words, at most :data:`MAX_RESULTS`), the latter as a set, the FTS5 expression and the plain words."""
        text = text.strip()
        if not text:
            raise SearchSyntaxError("type one or more words to search for")
        if len(text) > MAX_QUERY_LENGTH:
            raise SearchSyntaxError(f"the search is longer than {MAX_QUERY_LENGTH} characters")
        unknown = set(filters or {}) - set(FILTERS)
        if unknown:
            raise SearchSyntaxError(f"unknown filter {sorted(unknown)[0]!r}; filter by {', '.join(FILTERS)}")
        clauses: list[str] = []
        parameters: list[str] = []
        for name, values in (filters or {}).items():
            _in(f"p.{name}", [self._expand(name, value) for value in values], clauses, parameters)
        filter_sql = "".join(f" AND {clause}" for clause in clauses)
        expression = _match_expression(text)
        words = _plain_words(text)
        try:
            ranked = [row[0] for row in connection.execute(
                f"SELECT p.rowid FROM passages p WHERE passages MATCH ?{filter_sql} "
                "ORDER BY bm25(passages, 1.0, 0.3, 0.6, 0.6) LIMIT ?",
                [expression, *parameters, str(MAX_RESULTS)])]
            extra: list[int] = []
            if words:
                # Words inside other words ("mistrust" for "trust"), which stemmed tokens cannot find.
                inside = " AND ".join('"' + word + '"' for word in words)
                seen = set(ranked)
                extra = [row[0] for row in connection.execute(
                    f"SELECT p.rowid FROM substrings s JOIN passages p ON p.rowid = s.rowid "
                    f"WHERE substrings MATCH ?{filter_sql} LIMIT ?", [inside, *parameters, str(MAX_RESULTS)])
                    if row[0] not in seen]
        except sqlite3.OperationalError as error:
            raise _syntax_error(text, error) from None
        return (ranked + extra)[:MAX_RESULTS], set(extra), expression, words

    def search(self, text: str, filters: dict[str, list[str]] | None = None, limit: int = 20,
               offset: int = 0) -> SearchResult:
        connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            ids, extra, expression, words = self._matching(connection, text, filters)
            page = ids[max(0, offset):max(0, offset) + max(0, min(limit, 200))]
            details = {}
            ranked_page = [i for i in page if i not in extra]
            if ranked_page:
                for row in connection.execute(
                        f"SELECT rowid, snippet(passages, 0, '{_START}', '{_END}', '…', 24), "
                        "bm25(passages, 1.0, 0.3, 0.6, 0.6) FROM passages WHERE passages MATCH ? AND rowid IN "
                        f"({', '.join('?' * len(ranked_page))})", [expression, *map(str, ranked_page)]):
                    details[row[0]] = (_highlight(row[1]), round(-row[2], 4))
            columns = ("claim, quote, report, start, end, cause, effect, polarity, factor_label, outcome_label, "
                       "modality, collaboration, collaboration_label")
            rows = {row[0]: row[1:] for row in connection.execute(
                f"SELECT rowid, {columns} FROM passages WHERE rowid IN ({', '.join('?' * len(page))})",
                list(map(str, page)))} if page else {}
        except sqlite3.OperationalError as error:
            raise _syntax_error(text, error) from None
        finally:
            connection.close()
        hits = []
        for rowid in page:
            (claim, quote, report, start, end, cause, effect, polarity, factor, outcome, modality, collaboration,
             collaboration_label) = rows[rowid]
            snippet, score = details.get(rowid) or (_mark_words(quote, words), 0.0)
            hits.append(Hit(claim, quote, snippet, score, report, int(start), int(end), cause, effect, polarity,
                            factor, outcome, modality, collaboration, collaboration_label))
        return SearchResult(len(ids), hits)

    def claims_matching(self, text: str) -> list[str]:
        """The claims whose passages match ``text``, best first (for the SPARQL rewrite), at most
        :data:`MAX_RESULTS` passages: one ranking and one look-up, however many match."""
        connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            ids, _, _, _ = self._matching(connection, text, None)
            claim_of: dict[int, str] = {}
            for start in range(0, len(ids), 500):  # SQLite caps the parameters of one statement
                chunk = ids[start:start + 500]
                claim_of.update(connection.execute(
                    f"SELECT rowid, claim FROM passages WHERE rowid IN ({', '.join('?' * len(chunk))})",
                    list(map(str, chunk))).fetchall())
        finally:
            connection.close()
        return list(dict.fromkeys(claim_of[rowid] for rowid in ids))

    def _expand(self, name: str, value: str) -> str:
        """A filter value as stored: short forms become IRIs."""
        from collabkg.ontology.terms import CKG

        if value.startswith(("http://", "https://")) or name in ("polarity", "modality"):
            return value
        if name in ("factor", "outcome"):
            return str(CKG) + value
        return f"{self.base_iri}{name}/{value}"


def _syntax_error(text: str, error: sqlite3.OperationalError) -> SearchSyntaxError:
    message = str(error).removeprefix("fts5: ")
    return SearchSyntaxError(f"cannot read the search {text!r}: {message}. Use words, \"a phrase\", prefix*, AND, "
                             "OR, NOT and parentheses")


def _highlight(snippet: str) -> str:
    return html.escape(snippet).replace(_START, "<mark>").replace(_END, "</mark>")


def _plain_words(text: str) -> list[str]:
    """The words of a search of plain words (no operators, phrases or prefixes), each of 3 letters or more."""
    words = text.split()
    plain = all(word.isalnum() and len(word) >= 3 and word.upper() not in ("AND", "OR", "NOT", "NEAR")
                for word in words)
    return [word.lower() for word in words] if words and plain else []


def _mark_words(quote: str, words: list[str]) -> str:
    """The quote, escaped, with each occurrence of the words (anywhere in a word) in <mark>."""
    lowered, marks = quote.lower(), [False] * len(quote)
    for word in words:
        start = lowered.find(word)
        while start >= 0:
            for index in range(start, start + len(word)):
                marks[index] = True
            start = lowered.find(word, start + len(word))
    out, open_mark = [], False
    for character, marked in zip(quote, marks, strict=True):
        if marked != open_mark:
            out.append("<mark>" if marked else "</mark>")
            open_mark = marked
        out.append(html.escape(character))
    if open_mark:
        out.append("</mark>")
    return "".join(out)
