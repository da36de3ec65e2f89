"""The query gate decides on tokens, never on a pattern over the text (graph/gate.py).

Each case here is one of the tricks a hostile client used against the earlier text matching, or an ordinary
query that text matching got wrong.
"""

from __future__ import annotations

import time

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collabkg.graph.gate import MAX_DEPTH, MAX_TOKENS, QueryRefused, QueryRejected, check_query
from collabkg.graph.query_errors import readable_syntax_error
from collabkg.graph.sparql import PREDECLARED_PREFIXES

# Every spelling of SERVICE that the earlier regular expression let through, and more.
SERVICE_TRICKS = [
    "SELECT * WHERE { ?s ?p ?o # comment\r SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p <http://a\u00a0#> SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o 115SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o . service silent <http://127.0.0.1:9/x> { ?a ?b ?c } }",
    "SELECT * WHERE { { SELECT * WHERE { SeRvIcE ?endpoint { ?a ?b ?c } } } }",
    "ASK { FILTER EXISTS { SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } } }",
    "SELECT * WHERE { OPTIONAL { SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } } }",
    "CONSTRUCT WHERE { ?s ?p ?o MINUS { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } } }",
    "PREFIX service: <http://e/> SELECT * WHERE { ?s service:p ?o SERVICE <http://127.0.0.1:9/x> {} }",
    "SELECT * WHERE {?s ?p ?o}SERVICE<http://127.0.0.1:9/x>{}",
]


@pytest.mark.parametrize("query", SERVICE_TRICKS)
def test_service_is_refused_however_it_is_spelled(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE is refused"):
        check_query(query)


@pytest.mark.parametrize("query", SERVICE_TRICKS)
def test_what_the_engine_runs_never_holds_a_service_keyword_the_gate_did_not_see(query: str) -> None:
    """The canonical text, tokenised again, has SERVICE exactly where the request did."""
    safe = query.replace("SERVICE", "GRAPH").replace("service silent", "GRAPH").replace("SeRvIcE", "GRAPH")
    if "SERVICE" in safe.upper().replace("SERVICE:", ""):
        pytest.skip("the trick does not survive the rewrite")
    text = check_query(safe).text
    assert check_query(text).text == text  # the gate's own output is a fixed point


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service ?p ?o }",
    "PREFIX copy: <http://e/> SELECT * WHERE { ?s copy:x ?o }",
    "SELECT * WHERE { ?s ?p 'SERVICE' }",
    "SELECT * WHERE { ?s ?p \"\"\"INSERT DATA { } SERVICE\"\"\" }",
    "SELECT * WHERE { ?s <http://e/SERVICE> ?o }",
    "SELECT ?from WHERE { ?from ?p ?o }",
    "# SERVICE <http://x> { }\nASK {}",
])
def test_ordinary_queries_that_text_matching_refused_pass(query: str) -> None:
    checked = check_query(query)
    assert checked.form in ("SELECT", "ASK")
    assert checked.has_dataset is False


def test_from_is_a_dataset_only_as_a_keyword() -> None:
    assert check_query("SELECT ?from WHERE { ?from ?p ?o }").has_dataset is False
    assert check_query("SELECT * FROM <http://g> WHERE { ?s ?p ?o }").has_dataset is True


@pytest.mark.parametrize(("query", "keyword"), [
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "INSERT"),
    ("PREFIX ex: <http://e/> delete where { ?s ex:p ?o }", "DELETE"),
    ("LOAD <file:///etc/passwd>", "LOAD"),
    ("DROP ALL", "DROP"),
    ("COPY DEFAULT TO <http://g>", "COPY"),
    ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
])
def test_updates_are_refused_naming_the_operation(query: str, keyword: str) -> None:
    with pytest.raises(QueryRefused, match=f"read-only \\({keyword}\\)"):
        check_query(query)


@pytest.mark.parametrize(("query", "position", "words"), [
    ("SELEC * WHERE { ?s ?p ?o }", (1, 1), "found `SELEC`"),
    ("CONSTRCT WHERE { ?s ?p ?o }", (1, 1), "found `CONSTRCT`"),
    ("", (1, 1), "empty query"),
    ("# only a comment\n", (2, 1), "empty query"),
    ("SELECT * WHERE { ?s ?p 'unclosed }", (1, 24), "never closed"),
    ("SELECT * WHERE {\n  ?s ?p ?o\n", (1, 16), "`{` is never closed"),
    ("SELECT * WHERE { ?s ?p <http://a> \u00a0 }", (1, 35), "U+00A0 no-break space"),
    ("PREFIX ex <http://e/> SELECT * {}", (1, 1), "PREFIX needs a name"),
])
def test_malformed_input_is_rejected_with_its_line_and_column(query: str, position: tuple[int, int],
                                                                words: str) -> None:
    with pytest.raises(QueryRejected) as caught:
        check_query(query)
    assert (caught.value.line, caught.value.column) == position
    assert words in caught.value.reason
    assert caught.value.status == 400


def test_nesting_is_capped_with_a_clear_message() -> None:
    deep = "SELECT * WHERE " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1)
    with pytest.raises(QueryRejected, match=f"nested more than {MAX_DEPTH} levels"):
        check_query(deep)
    check_query("SELECT * WHERE " + "{" * MAX_DEPTH + "}" * MAX_DEPTH)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
    "SELECT * WHERE { FILTER(" + "(" * 20000 + "1" + ")" * 20000 + ") }",
    "SELECT * WHERE { FILTER(" + "!" * 50000 + "true) }",
    "SELECT * WHERE { FILTER(" + "+".join(["1"] * 50000) + ") }",
])
def test_inputs_that_crashed_the_engine_are_stopped_at_the_gate(query: str) -> None:
    with pytest.raises(QueryRejected):
        check_query(query)


@pytest.mark.parametrize("body", [
    'SELECT * WHERE { ?s ?p "' + '\\"' * 500_000 + '" }',
    "SELECT * WHERE { " + "#x\r" * 300_000 + "}",
    "SELECT * WHERE { FILTER(" + "?a<" * 250_000 + "?a) }",
    "SELECT * WHERE { ?s ?p <" + "a" * 1_000_000 + " }",
    "SELECT * WHERE { ?s ?p ex" + "." * 1_000_000 + " }",
])
def test_a_megabyte_of_pathological_text_is_decided_in_linear_time(body: str) -> None:
    """Not a speed goal (benchmarks/gate.py measures that): a guard against quadratic scans, which took
    most of an hour on such input."""
    started = time.perf_counter()
    try:
        check_query(body)
    except QueryRejected:
        pass
    assert time.perf_counter() - started < 5


def test_the_token_count_is_capped() -> None:
    with pytest.raises(QueryRejected, match="tokens"):
        check_query("SELECT * WHERE { VALUES ?x { " + "1 " * (MAX_TOKENS + 10) + "} }")


def test_engine_errors_are_placed_in_the_request_and_read_as_a_sentence() -> None:
    store = pyoxigraph.Store()
    cases = {
        "SELECT * WHERE {\n  ?s ?p\n}": ((3, 1), "a triple pattern needs an object here"),
        "SELECT * WHERE { ?s foo:bar ?o }": ((1, 21), "unknown prefix `foo:`"),
        "SELECT * WHERE { ?s ?p ?o } LIMT 5": ((1, 29), "unexpected `LIMT`: not a SPARQL keyword"),
    }
    for query, (position, sentence) in cases.items():
        checked = check_query(query)
        with pytest.raises(SyntaxError) as caught:
            store.query(checked.text, prefixes=PREDECLARED_PREFIXES)
        error = readable_syntax_error(checked, query, str(caught.value))
        assert (error.line, error.column) == position, query
        assert sentence in error.reason, error
        assert len(str(error)) < 300


# property-based: any text ----------------------------------------------------------------------------------

SPARQL_PIECES = st.sampled_from([
    "SELECT", "ASK", "WHERE", "{", "}", "(", ")", "[", "]", "?s", "$o", "<http://a>", "ex:p", ":x", "'lit'",
    '"lit"', '"""long"""', "SERVICE", "service", "#c\n", "#c\r", "\u00a0", "\\u0053ERVICE", "1", "-1.5e3", ".",
    ";", ",", "a", "FROM", "NAMED", "INSERT", "_:b", "@en", "^^", "\n", " ", "\t", "<", ">", "!", "&&", "||",
    "FILTER", "EXISTS", "OPTIONAL", "UNION", "GRAPH", "SILENT", "PREFIX ex: <http://e/>", "115SERVICE",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(SPARQL_PIECES, max_size=30).map("".join) | st.text(max_size=200))
def test_the_gate_always_decides_and_never_lets_service_through(text: str) -> None:
    try:
        checked = check_query(text)
    except (QueryRejected, QueryRefused) as error:
        assert error.line is None or error.line >= 1
        return
    # What passes holds no SERVICE keyword once the engine tokenises it: its own gate says so too.
    again = check_query(checked.text)
    assert again.text == checked.text
    assert checked.form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
