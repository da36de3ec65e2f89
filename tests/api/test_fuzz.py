"""Property-based fuzzing of the live endpoint: query text, protocol parameters and headers.

Whatever a client sends, the answer is never a 5xx other than the documented time-limit or busy 503,
every error has the one JSON shape and no traceback, and the loopback listener never sees a connection.
Inputs that once broke the server are kept as explicit examples (regression corpus).
"""

from __future__ import annotations

import json
import urllib.parse

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import LoopbackListener, Reply, call

PIECES = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "[", "]", "?s", "?p", "?o", "$x",
    "<http://a>", "<https://w3id.org/collabkg/ontology#Collaboration>", "ckg:Collaboration", "rdfs:label", "a",
    "'lit'", '"x"', '"""long\n"""', "SERVICE", "service", "SILENT", "#c\n", "#c\r", "\u00a0", "\\u0053ERVICE",
    "1", "-1.5e3", "115SERVICE", ".", ";", ",", "FROM", "NAMED", "INSERT", "DELETE", "LOAD", "DATA", "_:b",
    "@en", "^^", "\n", " ", "<", ">", "!", "&&", "||", "FILTER", "EXISTS", "OPTIONAL", "UNION", "GRAPH",
    "PREFIX ex: <http://e/>", "LIMIT 1", "COUNT(*)", "GROUP BY", "VALUES ?x { 1 }", "\x00", "\ufeff",
    "<LISTENER>",
]
FORMS = st.sampled_from(["get", "form", "body"])
ACCEPT = st.sampled_from([None, "*/*", "application/sparql-results+json", "text/csv;q=0.5, */*;q=0.1",
                          "text/turtle", "application/x-bogus", "", ";;;", "text/*;q=abc", "\u00e9"])
CONTENT_TYPE = st.sampled_from(["application/sparql-query", "application/x-www-form-urlencoded",
                                "application/sparql-query; charset=latin-1", "text/plain", "", "multipart/form-data",
                                "application/sparql-update"])
PARAMETER_NAMES = st.sampled_from(["default-graph-uri", "named-graph-uri", "format", "download", "update",
                                   "query", "timeout", "x"])
PARAMETER_VALUES = st.sampled_from(["", "http://g", "not an iri", "json", "CSV", "ttl", "bogus", "1",
                                    "file:///etc/passwd", "<LISTENER>", "\u00a0", "%zz"])


def query_texts() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(PIECES), min_size=0, max_size=25).map(" ".join) | st.text(max_size=120)


def send(server: str, listener: LoopbackListener, form: str, query: str, params: list[tuple[str, str]],
         accept: str | None, content_type: str) -> Reply:
    query = query.replace("<LISTENER>", f"<{listener.url}>")
    params = [(name, value.replace("<LISTENER>", listener.url)) for name, value in params]
    headers = {"Accept": accept} if accept is not None else {}
    if form == "get":
        return call(f"{server}/sparql?" + urllib.parse.urlencode([("query", query), *params]), headers=headers)
    if form == "form":
        body = urllib.parse.urlencode([("query", query), *params]).encode()
        return call(f"{server}/sparql", "POST", body, {**headers, "Content-Type": content_type})
    return call(f"{server}/sparql?" + urllib.parse.urlencode(params), "POST", query.encode("utf-8", "surrogatepass"),
                {**headers, "Content-Type": content_type})


def assert_well_behaved(reply: Reply, listener: LoopbackListener) -> None:
    assert reply.status < 500 or reply.status == 503, (reply.status, reply.body[:500])
    assert b"Traceback" not in reply.body
    if reply.status >= 400:
        reply.error_message()  # the one error shape, with the status it came with
    assert listener.connections == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=FORMS, query=query_texts(), accept=ACCEPT)
@example(form="body", query="SELECT * WHERE { ?s ?p ?o # c\r SERVICE <LISTENER> { } }", accept=None)
@example(form="get", query="SELECT * WHERE { ?s ?p <http://a\u00a0#> SERVICE <LISTENER> { } }", accept=None)
@example(form="form", query="SELECT * WHERE { ?o 115SERVICE <LISTENER> { } }", accept=None)
@example(form="body", query='SELECT * WHERE { ?s ?p "' + '\\"' * 20000 + '" }', accept=None)
@example(form="get", query="", accept=None)
@example(form="body", query="SELECT * WHERE " + "{" * 5000 + "}" * 5000, accept=None)
@example(form="get", query="SELECT * WHERE { ?s ?p ?o }", accept="text/*;q=abc")
def test_any_query_text_gets_a_well_formed_answer(server: str, listener: LoopbackListener, form: str,
                                                  query: str, accept: str | None) -> None:
    reply = send(server, listener, form, query, [], accept, "application/sparql-query"
                 if form == "body" else "application/x-www-form-urlencoded")
    assert_well_behaved(reply, listener)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=FORMS, params=st.lists(st.tuples(PARAMETER_NAMES, PARAMETER_VALUES), max_size=4),
       content_type=CONTENT_TYPE, accept=ACCEPT)
@example(form="get", params=[("default-graph-uri", "not an iri")], content_type="", accept=None)
@example(form="body", params=[("named-graph-uri", "not an iri")], content_type="application/sparql-query",
         accept=None)
@example(form="form", params=[("update", "LOAD <LISTENER>")], content_type="application/x-www-form-urlencoded",
         accept=None)
def test_any_protocol_parameters_and_headers_get_a_well_formed_answer(
        server: str, listener: LoopbackListener, form: str, params: list[tuple[str, str]], content_type: str,
        accept: str | None) -> None:
    query = "SELECT ?c WHERE { ?c a <https://w3id.org/collabkg/ontology#Collaboration> } LIMIT 2"
    reply = send(server, listener, form, query, params, accept, content_type)
    assert_well_behaved(reply, listener)
    if reply.status == 200 and reply.headers.get("content-type", "").startswith("application/sparql-results+json"):
        json.loads(reply.body)
