"""What a remote SPARQL server is sent for a query the gate passed, so that it answers as the embedded store.

The query is rewritten on the gate's tokens (graph/gate.py), as the text search is (graph/text_match.py),
so the server still runs only text the gate wrote:

- **Prefixes.** The predeclared prefixes (graph/sparql.py) the query does not declare itself are written as
  ``PREFIX`` lines: the server knows none of them, or binds some differently (``schema:``).
- **Graph names.** A version's graphs are stored under versioned names (graph/backends/versions.py), and
  the query names them as published: ``FROM <G>``, ``FROM NAMED <G>`` and ``GRAPH <G>`` are rewritten to
  the stored name, and ``GRAPH ?g { P }`` to ``{ GRAPH ?stored { P } BIND(... AS ?g) }``, which binds
  ``?g`` to the published name. A graph the version does not have maps to a name nothing is
  stored under, so it reads as empty, as it does in the embedded store.
- **Dataset.** The server's own default graph is whatever it holds (Virtuoso: every graph, old versions
  and its system graphs included), so the dataset is always stated: the protocol's
  ``default-graph-uri``/``named-graph-uri`` list the stored graphs, the union of the current version's
  graphs being the default graph unless the request or the query (FROM) says otherwise.
- **DESCRIBE.** Servers describe resources differently; the embedded store gives each resource's concise
  bounded description (its triples, and those of the blank nodes it leads to). DESCRIBE is sent as the
  CONSTRUCT that gives the same, with blank-node chains followed to a depth that the backend raises until
  nothing is cut (graph/backends/remote.py). A DESCRIBE of variables first asks for the resources (its
  pattern and modifiers as one SELECT) and then describes them by name: evaluated inside each branch of
  the CONSTRUCT, a pattern with ORDER BY and LIMIT came back from Virtuoso 7.2 with triples missing or
  took seconds, depending on the plan its sampling chose.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from collabkg.graph.backends.versions import PublishedVersion
from collabkg.graph.gate import CheckedQuery, Token, check_query, declared_prefixes, keyword
from collabkg.graph.query_pool import QueryJob
from collabkg.graph.sparql import PREDECLARED_PREFIXES

#: variables the rewriting adds start with this; a query's own variable of that name is avoided
_FRESH = "collabkg_"


@dataclass(frozen=True)
class RemoteQuery:
    """A query as the remote server gets it: its text and the dataset of the protocol request."""

    text: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


def _base(tokens: tuple[Token, ...]) -> str:
    for index, token in enumerate(tokens[:-1]):
        if keyword(token) == "BASE" and tokens[index + 1].kind == "iri":
            return tokens[index + 1].text[1:-1]
    return ""


def _unescape_local(local: str) -> str:
    """A prefixed name's local part without its backslash escapes (SPARQL 1.1, PN_LOCAL_ESC)."""
    out, index = [], 0
    while index < len(local):
        if local[index] == "\\" and index + 1 < len(local):
            index += 1
        out.append(local[index])
        index += 1
    return "".join(out)


def resolve(token: Token, prefixes: dict[str, str], base: str) -> str | None:
    """The absolute IRI a token names (an IRI, relative to BASE, or a prefixed name), or None.

    >>> resolve(Token("pname", "ckg:a\\\\.b", 0), {"ckg": "http://x/#"}, "")
    'http://x/#a.b'
    >>> resolve(Token("iri", "<g/1>", 0), {}, "http://example.org/")
    'http://example.org/g/1'
    """
    if token.kind == "iri":
        iri = token.text[1:-1]
        return urllib.parse.urljoin(base, iri) if base else iri
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        namespace = prefixes.get(prefix)
        return None if namespace is None else namespace + _unescape_local(local)
    return None


def _fresh(tokens: tuple[Token, ...] | list[Token], name: str) -> str:
    taken = {token.text[1:] for token in tokens if token.kind == "var"}
    candidate, number = f"{_FRESH}{name}", 1
    while candidate in taken:
        number += 1
        candidate = f"{_FRESH}{name}{number}"
    return "?" + candidate


def _closing_brace(tokens: tuple[Token, ...], opening: int) -> int:
    depth = 0
    for index in range(opening, len(tokens)):
        if tokens[index].kind == "punct" and tokens[index].text == "{":
            depth += 1
        elif tokens[index].kind == "punct" and tokens[index].text == "}":
            depth -= 1
            if depth == 0:
                return index
    return len(tokens) - 1


def named_in_query(tokens: tuple[Token, ...], prefixes: dict[str, str]) -> list[str]:
    """The graphs a query's own ``FROM NAMED`` clauses name."""
    base = _base(tokens)
    named = []
    for index in range(len(tokens) - 2):
        if keyword(tokens[index]) == "FROM" and keyword(tokens[index + 1]) == "NAMED":
            iri = resolve(tokens[index + 2], prefixes, base)
            if iri:
                named.append(iri)
    return named


def rewrite_graph_names(tokens: tuple[Token, ...], version: PublishedVersion, prefixes: dict[str, str],
                        named: list[str] | None = None) -> list[Token]:
    """The tokens with every graph the query names mapped to its stored name (see the module's docstring);
    ``named`` lists the graphs the dataset has as named graphs (None: every graph of the version).

    ``GRAPH ?g { P }`` becomes ``{ GRAPH ?stored { P } BIND(IRI(IF(?stored = <G1?version=..>, <G1>, ...)) AS
    ?g) }`` (or, when ``P`` uses ``?g`` itself, a ``VALUES`` table of the same pairs, which some servers
    evaluate slowly); the dataset's named graphs (the request's, FROM NAMED, or the version's) bound
    ``?stored``. A graph outside them matches nothing.

    >>> from collabkg.graph.backends.versions import PublishedGraph
    >>> version = PublishedVersion("v1", "b", "", "", (PublishedGraph("http://g", "http://g?version=v1", 1),))
    >>> checked = check_query("SELECT * FROM NAMED <http://g> WHERE { GRAPH ?g { ?s ?p ?o } }")
    >>> print(" ".join(t.text for t in rewrite_graph_names(checked.tokens, version, {}, ["http://g"])))
    ... # doctest: +NORMALIZE_WHITESPACE
    SELECT * FROM NAMED <http://g?version=v1> WHERE { { GRAPH ?collabkg_graph { ?s ?p ?o }
    BIND ( IRI ( IF ( ?collabkg_graph = <http://g?version=v1> , <http://g> , ?collabkg_none ) ) AS ?g ) } }
    """
    base = _base(tokens)
    graphs = [graph for graph in version.graphs if named is None or graph.name in named]
    out: list[Token] = []
    closing: dict[int, list[Token]] = {}  # brace depth -> tokens to write after the brace closing it
    depth = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        word = keyword(token)
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        at = token.offset
        if word in ("FROM", "NAMED") and following is not None and following.kind in ("iri", "pname"):
            iri = resolve(following, prefixes, base)
            out += [token, Token("iri", f"<{version.stored_name(iri)}>", at) if iri else following]
            index += 2
            continue
        if word == "GRAPH" and following is not None and index + 2 < len(tokens) and tokens[index + 2].text == "{":
            if following.kind in ("iri", "pname"):
                iri = resolve(following, prefixes, base)
                if iri is not None and any(graph.name == iri for graph in graphs):
                    out += [token, Token("iri", f"<{version.stored_name(iri)}>", at)]
                    index += 2
                    continue
                # Outside the dataset: nothing matches (a FILTER, since some servers count one row for a
                # graph they do not have).
                stored = Token("var", _fresh(tokens, f"graph{len(closing) or ''}"), at)
                out += [Token("punct", "{", at), token, stored]
                closing[depth + 1] = [Token("word", "FILTER", at), Token("punct", "(", at),
                                      Token("word", "false", at), Token("punct", ")", at), Token("punct", "}", at)]
                index += 2
                continue
            if following.kind == "var":
                stored = Token("var", _fresh(tokens, f"graph{len(closing) or ''}"), at)
                end = _closing_brace(tokens, index + 2)
                uses_itself = any(t.kind == "var" and t.text[1:] == following.text[1:] for t in tokens[index + 2:end])
                out += [Token("punct", "{", at), token, stored]
                if not graphs:  # no named graph in the dataset: nothing matches
                    tail = [Token("word", "FILTER", at), Token("punct", "(", at), Token("word", "false", at),
                            Token("punct", ")", at)]
                elif uses_itself:
                    rows: list[Token] = []
                    for graph in graphs:
                        rows += [Token("punct", "(", at), Token("iri", f"<{graph.stored}>", at),
                                 Token("iri", f"<{graph.name}>", at), Token("punct", ")", at)]
                    tail = [Token("word", "VALUES", at), Token("punct", "(", at), stored, following,
                            Token("punct", ")", at), Token("punct", "{", at), *rows, Token("punct", "}", at)]
                else:
                    choice: list[Token] = [Token("var", _fresh(tokens, "none"), at)]
                    for graph in reversed(graphs):
                        choice = [Token("word", "IF", at), Token("punct", "(", at), stored, Token("punct", "=", at),
                                  Token("iri", f"<{graph.stored}>", at), Token("punct", ",", at),
                                  Token("iri", f"<{graph.name}>", at), Token("punct", ",", at), *choice,
                                  Token("punct", ")", at)]
                    # IRI(): some servers (Virtuoso) give IF's IRIs back as strings
                    tail = [Token("word", "BIND", at), Token("punct", "(", at), Token("word", "IRI", at),
                            Token("punct", "(", at), *choice, Token("punct", ")", at), Token("word", "AS", at),
                            following, Token("punct", ")", at)]
                closing[depth + 1] = [*tail, Token("punct", "}", at)]
                index += 2
                continue
        if token.kind == "punct" and token.text == "{":
            depth += 1
        elif token.kind == "punct" and token.text == "}":
            out.append(token)
            out += closing.pop(depth, [])
            depth -= 1
            index += 1
            continue
        out.append(token)
        index += 1
    return out


def _written(tokens: list[Token]) -> str:
    """Tokens written out as the gate writes them (graph/gate.py ``_write``)."""
    parts: list[str] = []
    previous: Token | None = None
    for token in tokens:
        if previous is not None and not (previous.kind == "word" and (token.kind == "nil" or token.text == "(")):
            parts.append(" ")
        parts.append(token.text)
        previous = token
    return "".join(parts)


def prefix_lines(checked: CheckedQuery) -> str:
    """``PREFIX`` lines for the predeclared prefixes the query does not declare itself."""
    declared = declared_prefixes(checked)
    return "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in PREDECLARED_PREFIXES.items()
                   if name not in declared)


def remote_query(job: QueryJob, version: PublishedVersion, checked: CheckedQuery | None = None) -> RemoteQuery:
    """What to send the remote server for ``job`` on ``version`` (see the module's docstring)."""
    checked = checked or check_query(job.query)
    prefixes = {**PREDECLARED_PREFIXES, **declared_prefixes(checked)}
    named: list[str] | None = None
    if job.default_graphs or job.named_graphs:
        named = list(job.named_graphs) or None
    elif checked.has_dataset:
        named = named_in_query(checked.tokens, prefixes)
    text = prefix_lines(checked) + _written(rewrite_graph_names(checked.tokens, version, prefixes, named))
    every = tuple(graph.stored for graph in version.graphs)
    if job.default_graphs or job.named_graphs:
        # as the embedded store: a list the request leaves out is every graph (the union as default graph)
        default = tuple(version.stored_name(iri) for iri in job.default_graphs) or every
        return RemoteQuery(text, default, tuple(version.stored_name(iri) for iri in job.named_graphs) or every)
    if checked.has_dataset:
        return RemoteQuery(text, (), ())  # the query's own FROM / FROM NAMED, rewritten above
    return RemoteQuery(text, every, every)


# -- DESCRIBE ---------------------------------------------------------------------------------------------

def _describe_parts(checked: CheckedQuery) -> tuple[list[Token], list[Token], list[Token], list[Token], list[Token]]:
    """(prologue, variables described, IRIs described, dataset clauses, the rest: WHERE and modifiers)."""
    tokens = list(checked.tokens)
    start = next(i for i, token in enumerate(tokens) if keyword(token) == "DESCRIBE")
    index = start + 1
    variables: list[Token] = []
    iris: list[Token] = []
    star = False
    while index < len(tokens) and keyword(tokens[index]) not in ("FROM", "WHERE") and tokens[index].text != "{" \
            and keyword(tokens[index]) not in ("ORDER", "LIMIT", "OFFSET", "VALUES", "GROUP", "HAVING"):
        token = tokens[index]
        if token.text == "*":
            star = True
        elif token.kind == "var":
            variables.append(token)
        else:
            iris.append(token)
        index += 1
    dataset: list[Token] = []
    while index < len(tokens) and keyword(tokens[index]) == "FROM":
        size = 3 if index + 1 < len(tokens) and keyword(tokens[index + 1]) == "NAMED" else 2
        dataset += tokens[index:index + size]
        index += size
    rest = tokens[index:]
    if star:
        seen: dict[str, Token] = {}
        for token in rest:
            if token.kind == "var":
                seen.setdefault(token.text[1:], token)
        variables = list(seen.values())
    return tokens[:start], variables, iris, dataset, rest


def described_resources(checked: CheckedQuery) -> CheckedQuery | None:
    """The SELECT giving the resources a DESCRIBE query's variables stand for (its pattern and modifiers,
    projected on those variables), or None when it describes only resources it names.

    >>> print(described_resources(check_query("DESCRIBE ?x WHERE { ?x a ?t } LIMIT 2")).text)
    SELECT ?x WHERE { ?x a ?t } LIMIT 2
    >>> described_resources(check_query("DESCRIBE <http://a>")) is None
    True
    """
    prologue, variables, _, dataset, rest = _describe_parts(checked)
    if not variables:
        return None
    body = " ".join(token.text for token in rest)
    if rest and keyword(rest[0]) != "WHERE" and rest[0].text != "{":
        body = "{ } " + body
    text = " ".join(token.text for token in prologue) + " SELECT " + \
        " ".join(token.text for token in variables) + " " + " ".join(token.text for token in dataset) + " " + body
    return check_query(" ".join(text.split()))


def describe_named(checked: CheckedQuery, resources: list[str]) -> CheckedQuery | None:
    """The DESCRIBE of ``resources`` (IRIs in SPARQL syntax) and of the IRIs ``checked`` names, with its
    prologue and dataset: what a DESCRIBE of variables describes, once :func:`described_resources` has said
    which resources they are. None when that is nothing.

    >>> print(describe_named(check_query("DESCRIBE ?x WHERE { ?x a ?t }"), ["<http://a>"]).text)
    DESCRIBE <http://a>
    >>> describe_named(check_query("DESCRIBE ?x WHERE { ?x a ?t }"), []) is None
    True
    """
    prologue, _, iris, dataset, _ = _describe_parts(checked)
    names = [token.text for token in iris] + resources
    if not names:
        return None
    text = " ".join(token.text for token in prologue) + " DESCRIBE " + " ".join(names) + " " + \
        " ".join(token.text for token in dataset)
    return check_query(" ".join(text.split()))


def describe_as_construct(checked: CheckedQuery, depth: int) -> CheckedQuery:
    """The CONSTRUCT query giving the concise bounded description of what a DESCRIBE query describes,
    following chains of blank nodes ``depth`` links deep (each link a branch of a UNION, each evaluating the
    DESCRIBE's pattern: with a LIMIT, only a total ORDER BY makes every branch describe the same resources;
    the backend therefore names the resources first where it can, :func:`describe_named`).

    >>> text = describe_as_construct(check_query("DESCRIBE <http://a>"), 1).text
    >>> print(text[:97])
    CONSTRUCT { ?collabkg_s ?collabkg_p ?collabkg_o } WHERE { { { VALUES ?collabkg_r { <http://a> } }
    """
    prologue, variables, iris, dataset, rest = _describe_parts(checked)
    names = list(checked.tokens)
    r, s, p, o = (_fresh(names, name) for name in ("r", "s", "p", "o"))
    described: list[str] = []
    if variables:
        body = " ".join(token.text for token in rest)
        if rest and keyword(rest[0]) != "WHERE" and rest[0].text != "{":
            body = "{ } " + body
        projection = " ".join(token.text for token in variables)
        inner = f"SELECT {projection} {body}"
        described += [f"{{ {{ {inner} }} BIND({token.text} AS {r}) }}" for token in variables]
    if iris:
        described.append(f"{{ VALUES {r} {{ {' '.join(token.text for token in iris)} }} }}")
    resources = " UNION ".join(described) if described else f"{{ VALUES {r} {{ }} }}"
    branches = []
    for level in range(depth + 1):
        chain, previous = [], r
        for step in range(level):
            node = s if step == level - 1 else _fresh(names, f"b{step}")
            chain.append(f"{previous} {_fresh(names, f'q{step}')} {node} . FILTER(isBlank({node}))")
            previous = node
        subject = previous if level else r
        bind = f"BIND({r} AS {s})" if level == 0 else ""
        branches.append(f"{{ {resources} {' '.join(chain)} {subject} {p} {o} {bind} }}")
    text = (" ".join(token.text for token in prologue) + f" CONSTRUCT {{ {s} {p} {o} }} "
            + " ".join(token.text for token in dataset) + " WHERE { " + " UNION ".join(branches) + " }")
    return check_query(text.strip())
