"""The ``collabkg`` command: thin subcommands, each a call into ``graph/``, ``shapes/`` or ``api/``.

Every failure is one line (or, for input problems, one line per problem) on stderr and a non-zero exit;
never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from collabkg import __version__
from collabkg.graph.build import BuildError
from collabkg.graph.store import StoreError
from collabkg.loaders.base import LoadError
from collabkg.ontology.reasoning import ReasonerUnavailable
from collabkg.settings import SETTINGS, Settings, SettingsError, load_settings


class CommandError(Exception):
    """A failure the user can act on; printed as one line."""


def _settings(args: argparse.Namespace) -> Settings:
    names = ("store", "base_iri", "cases", "corpus", "host", "port", "threads", "query_workers", "query_timeout")
    try:
        return load_settings(**{name: getattr(args, name, None) for name in names})
    except SettingsError as error:
        raise CommandError(str(error)) from None


def _cmd_check_case(args: argparse.Namespace) -> int:
    from collabkg.graph.build import check_case_files

    settings = _settings(args)
    paths = [Path(p) for p in args.files]
    for path in paths:
        if not path.exists():
            raise CommandError(f"{path}: no such file")
    summary = check_case_files(settings, paths)
    print(summary)
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from collabkg.graph.build import build
    from collabkg.graph.summary import summary_rows, summary_table

    settings = _settings(args)
    if args.no_reasoner:
        settings = replace(settings, reasoner="none")
    result = build(settings)
    if args.readme:
        from collabkg.graph.summary import update_readme

        update_readme(Path(args.readme), summary_table(summary_rows(result.dataset, settings)))
    consistency = result.consistency.render() if result.consistency else "Ontology check skipped."
    version = result.version.name if result.version else "-"
    print(f"{consistency}\n{result.validation.render()}\n"
          f"Published {result.quads} quads to {settings.store} (version {version}).")
    return 0


#: format names `collabkg query --format` accepts, any case, with the usual aliases
QUERY_FORMATS = {"json": "json", "srj": "json", "csv": "csv", "tsv": "tsv", "xml": "xml", "srx": "xml",
                 "turtle": "turtle", "ttl": "turtle", "ntriples": "ntriples", "nt": "ntriples",
                 "n-triples": "ntriples", "jsonld": "jsonld", "json-ld": "jsonld", "rdfxml": "xml", "rdf": "xml"}


def _query_format(value: str) -> str:
    name = QUERY_FORMATS.get(value.strip().lower())
    if name is None:
        raise argparse.ArgumentTypeError(f"unknown format {value!r}; use one of {', '.join(QUERY_FORMATS)}")
    return name


def _query_text(argument: str) -> str:
    """The query: the file ``argument`` names, or ``argument`` itself when it is query text."""
    source = Path(argument)
    looks_like_a_path = not any(ch.isspace() for ch in argument) and (
        "/" in argument or source.suffix.lower() in (".rq", ".sparql", ".txt"))
    if source.is_file():
        try:
            return source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{argument}: cannot read the query file ({error})") from None
    if source.is_dir():
        raise CommandError(f"{argument}: is a folder, not a query file")
    if looks_like_a_path:
        raise CommandError(f"{argument}: no such query file (give a file that exists, or the query text itself)")
    return argument


def _cmd_query(args: argparse.Namespace) -> int:
    from collabkg.graph.gate import GateError
    from collabkg.graph.sparql import UnsupportedFormat, run_query
    from collabkg.graph.store import open_store

    settings = _settings(args)
    text = _query_text(args.query)
    try:
        output = run_query(open_store(settings.store), text, args.format)
    except GateError as error:
        raise CommandError(str(error)) from None
    except UnsupportedFormat as error:
        raise CommandError(str(error)) from None
    sys.stdout.buffer.write(output)
    if output and not output.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from collabkg.graph.dataset_io import export, write_atomically
    from collabkg.graph.store import open_store

    settings = _settings(args)
    open_store(settings.store)  # fail before creating any file when there is no store
    if args.output and args.output != "-":
        write_atomically(Path(args.output), lambda out: export(settings.store, args.format, out))
    else:
        export(settings.store, args.format, sys.stdout.buffer)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from collabkg.graph.dataset_io import RdfInputError, read_rdf_file, store_union, with_vocabularies
    from collabkg.shapes.validation import validate

    settings = _settings(args)
    if args.file:
        try:
            graph = with_vocabularies(read_rdf_file(Path(args.file)))
        except RdfInputError as error:
            raise CommandError(str(error)) from None
        subject = args.file
    else:
        graph = store_union(settings.store)
        subject = str(settings.store)
    report = validate(graph, curation=not args.file)
    print(f"{subject}: {report.render()}")
    return 0 if report.conforms else 1


def _cmd_serve(args: argparse.Namespace) -> int:
    from collabkg.api import create_app, query_service
    from collabkg.api.server import PortUnavailable, http_server
    from collabkg.graph.build import build
    from collabkg.graph.store import exists

    settings = _settings(args)
    app = create_app(settings)
    try:  # listen first: a taken port is reported at once, not after a build
        server = http_server(app, settings.host, settings.port, settings.threads)
    except PortUnavailable as error:
        raise CommandError(str(error)) from None
    try:
        if not exists(settings.store):
            print(f"No store at {settings.store}: building it first.", file=sys.stderr)
            build(settings)
        query_service.start(app)
        host, port = server.effective_host, server.effective_port
        print(f"Serving {settings.store} on http://{host}:{port}/ (SPARQL endpoint: http://{host}:{port}/sparql)",
              flush=True)
        server.run()
    finally:
        server.close()
        query_service.close(app)
    return 0


def _store_options(parser: argparse.ArgumentParser) -> None:
    store = next(s for s in SETTINGS if s.name == "store")
    parser.add_argument("--store", metavar="DIR", help=f"{store.help} Default: ${store.env} or {store.default}")


def _input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", metavar="DIR", help="folder of case files (default: the shipped ones)")
    parser.add_argument("--corpus", metavar="DIR", help="folder of reports and reports.yaml (default: shipped)")
    parser.add_argument("--base-iri", metavar="IRI", help="base of instance IRIs")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="collabkg",
        description="A knowledge graph of collaborations between public bodies: build, validate, query, serve.")
    parser.add_argument("--version", action="version", version=f"collabkg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser(
        "build", help="load every case study, validate, and publish the store atomically",
        description="Load the corpus and every case file, check quotes, ontology consistency (OWL reasoner) "
                    "and SHACL, and publish the on-disk store atomically. On any problem nothing is published "
                    "and every problem is listed with its file, line and entry.")
    _store_options(build)
    _input_options(build)
    build.add_argument("--no-reasoner", action="store_true", help="skip the OWL consistency check")
    build.add_argument("--readme", metavar="FILE",
                       help="regenerate the per-report counts table between the markers in FILE")
    build.set_defaults(handler=_cmd_build)

    query = commands.add_parser(
        "query", help="run one SPARQL query on the store",
        description="Run one read-only SPARQL query (text or a file) on the store. Default format: json for "
                    "SELECT and ASK, turtle for CONSTRUCT and DESCRIBE. A query with no FROM or GRAPH sees "
                    "the union of all graphs.")
    query.add_argument("query", metavar="QUERY_OR_FILE")
    query.add_argument("--format", type=_query_format, metavar="FORMAT",
                       help="json, csv, tsv, xml (SELECT, ASK); turtle, ntriples, jsonld, xml (CONSTRUCT, DESCRIBE); "
                            "any case, with aliases such as ttl, nt, json-ld")
    _store_options(query)
    query.set_defaults(handler=_cmd_query)

    export_parser = commands.add_parser(
        "export", help="write the whole dataset",
        description="Write the whole dataset: nquads, trig and jsonld keep the named graphs; turtle holds "
                    "the union of all graphs.")
    export_parser.add_argument("--format", required=True, choices=["nquads", "trig", "turtle", "jsonld"])
    export_parser.add_argument("-o", "--output", metavar="FILE", help="output file (default: standard output)")
    _store_options(export_parser)
    export_parser.set_defaults(handler=_cmd_export)

    validate = commands.add_parser(
        "validate", help="SHACL-validate the store or an RDF file",
        description="SHACL-validate the store, or an RDF file (Turtle, TriG, N-Quads, N-Triples, JSON-LD, "
                    "RDF/XML, chosen by extension), against the shapes; the ontology and concept schemes are "
                    "added to the file's triples. Exit 0 when it conforms, 1 otherwise.")
    validate.add_argument("file", nargs="?", metavar="FILE")
    _store_options(validate)
    validate.set_defaults(handler=_cmd_validate)

    serve = commands.add_parser(
        "serve", help="serve the SPARQL endpoint and query page on the store (building it if missing)",
        description="Serve the SPARQL 1.1 endpoint (/sparql) and the query page (/) on the embedded store, "
                    "with a multi-threaded WSGI server (waitress). Builds the store first if it is missing.")
    _store_options(serve)
    serve.add_argument("--host", help="address to listen on (default: $COLLABKG_HOST or 127.0.0.1)")
    serve.add_argument("--port", help="port to listen on, 0 for any free one (default: $COLLABKG_PORT or 8000)")
    serve.add_argument("--threads", help="request threads (default: $COLLABKG_THREADS or 8)")
    serve.add_argument("--query-workers", help="query worker processes (default: $COLLABKG_QUERY_WORKERS or 3)")
    serve.add_argument("--query-timeout", help="seconds before a query is stopped (default: 10)")
    serve.set_defaults(handler=_cmd_serve)

    check = commands.add_parser("check-case", help="check case files (quotes, ids, categories) without building",
                                description="Check case files against the reports and the vocabularies: "
                                            "every quote found verbatim, every id and category known.")
    check.add_argument("files", nargs="+", metavar="FILE")
    _input_options(check)
    check.set_defaults(handler=_cmd_check_case)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except LoadError as error:
        print(error.render(), file=sys.stderr)
        outcome = "nothing was published" if args.command == "build" else "fix them and run it again"
        print(f"collabkg {args.command}: {len(error.problems)} problem(s); {outcome}", file=sys.stderr)
        return 1
    except BuildError as error:
        print(error.detail, file=sys.stderr)
        print(f"collabkg {args.command}: {error}; nothing was published", file=sys.stderr)
        return 1
    except (CommandError, StoreError, ReasonerUnavailable) as error:
        print(f"collabkg {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"collabkg {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
