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
from collabkg.graph.build import SHACL_STEP, BuildError
from collabkg.graph.store import StoreError
from collabkg.loaders.base import LoadError
from collabkg.ontology.reasoning import ReasonerUnavailable
from collabkg.readme_sections import replace_section
from collabkg.settings import SETTINGS, Settings, SettingsError, load_settings
from collabkg.terminal import TerminalProgress


class CommandError(Exception):
    """A failure the user can act on; printed as one line."""


def _settings(args: argparse.Namespace) -> Settings:
    names = ("store", "base_iri", "cases", "corpus", "host", "port", "threads", "query_workers", "query_timeout",
             "model", "backend")
    try:
        return load_settings(**{name: getattr(args, name, None) for name in names})
    except SettingsError as error:
        raise CommandError(str(error)) from None


def write_readme_table(readme: Path, section: str, table: str) -> None:
    """Put ``table`` in the README's ``section`` (collabkg/readme_sections); a file that cannot be read or
    has no such section is one line for the user, and is left as it was."""
    try:
        replace_section(readme, section, table)
    except (OSError, ValueError) as error:
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

    from collabkg.graph.fingerprint import current_record

    settings = _settings(args)
    if args.no_reasoner:
        settings = replace(settings, reasoner="none")
    if not args.force and not args.readme:
        current = current_record(settings)
        if current is not None:
            print(f"The store at {settings.store} is current: no case file, report, ontology, shape or code has "
                  f"changed since version {current.version} was published (--force rebuilds it).")
            return 0
    from collabkg.graph.build import build
    from collabkg.graph.summary import summary_rows, summary_table

    with _progress(settings) as progress:
        result = build(settings, progress=progress)
    if args.readme:
        write_readme_table(Path(args.readme), "counts", summary_table(summary_rows(result.dataset, settings)))
    consistency = result.consistency.render() if result.consistency else "Ontology check skipped."
    version = result.version.name if result.version else "-"
    print(f"{consistency}\n{result.validation.render()}\n"
          f"Published {result.quads} quads to {settings.store} (version {version}).")
    return 0


def _progress(settings: Settings) -> TerminalProgress:
    """Steps shown on stderr, with how long each took in the store's last build (graph/fingerprint.py)."""
    from collabkg.graph.fingerprint import read_record

    record = read_record(settings.store)
    return TerminalProgress(expected=record.seconds if record else None)


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
    with _progress(settings) as progress:
        if args.file:
            progress.step(f"Reading {args.file}")
            try:
                graph = with_vocabularies(read_rdf_file(Path(args.file)))
            except RdfInputError as error:
                raise CommandError(str(error)) from None
            subject = args.file
        else:
            progress.step(f"Reading the store at {settings.store}")
            graph = store_union(settings.store)
            subject = str(settings.store)
        progress.step(f"Validating {args.file} against the SHACL shapes" if args.file else SHACL_STEP)
        report = validate(graph, curation=not args.file)
    print(f"{subject}: {report.render()}")
    return 0 if report.conforms else 1


def _cmd_serve(args: argparse.Namespace) -> int:
    from collabkg.api import create_app, query_service
    from collabkg.api.server import PortUnavailable, http_server
    from collabkg.graph.build import build
    from collabkg.graph.query_pool import QueryFailed
    from collabkg.graph.store import exists

    settings = _settings(args)
    app = create_app(settings)
    try:  # listen first: a taken port is reported at once, not after a build
        server = http_server(app, settings.host, settings.port, settings.threads)
    except PortUnavailable as error:
        raise CommandError(str(error)) from None
    try:
        if settings.backend and not exists(settings.store):
            raise CommandError(f"no store at {settings.store}: with --backend the search index and dumps are served "
                               "from the published build; build it, or give the folder it was published from")
        if not exists(settings.store):
            print(f"No store at {settings.store}: building it first.", file=sys.stderr)
            with _progress(settings) as progress:
                build(settings, progress=progress)
        try:
            query_service.start(app)
        except QueryFailed as error:  # the workers, or the remote server, cannot answer
            raise CommandError(str(error)) from None
        if not settings.backend:
            # Look-ups are evaluated in this process (graph/lookup): it gets the workers' second wall. The
            # listening socket and the fork server's pipe exist already; nothing here opens another.
            from collabkg.graph.sandbox import SandboxError, forbid_network

            try:
                forbid_network()
            except SandboxError as error:
                raise CommandError(str(error)) from None
        host, port = server.effective_host, server.effective_port
        answering = f", with queries answered by {settings.backend}" if settings.backend else ""
        print(f"Serving {settings.store} on http://{host}:{port}/ (SPARQL endpoint: http://{host}:{port}/sparql)"
              f"{answering}", flush=True)
        server.run()
    finally:
        server.close()
        query_service.close(app)
    return 0


def _cmd_viz(args: argparse.Namespace) -> int:
    from collabkg.graph.drawing import DrawingUnavailable
    from collabkg.graph.evidence_map import FilterError, evidence_facets, parse_filters
    from collabkg.graph.projections import ProjectionError, collaborations
    from collabkg.graph.queries.projections import QueryParameterError
    from collabkg.graph.query_runner import StoreRunner
    from collabkg.graph.store import open_store
    from collabkg.graph.viz_exports import ExportError, VizRequest, export

    settings = _settings(args)
    runner = StoreRunner(open_store(settings.store))
    if args.list:
        for collaboration in collaborations(runner):
            print(f"{collaboration.slug}\t{collaboration.label}")
        return 0
    chosen = [bool(args.collaboration), args.network, args.evidence_map]
    if sum(chosen) != 1:
        raise CommandError("give exactly one of COLLABORATION, --network or --evidence-map")
    if not args.output:
        raise CommandError("say where to write with -o FILE (- for standard output)")
    format_name = args.format or Path(args.output).suffix.lstrip(".").lower()
    if not format_name:
        raise CommandError("give --format svg|png|graphml|gexf|json (or an output file with that extension)")
    try:
        filters = parse_filters(evidence_facets(runner), args.modality, args.evidence_type, args.report,
                                args.body_kind) if args.evidence_map else None
        request = VizRequest(format_name, args.collaboration, args.network, args.projected, args.evidence_map,
                             *([filters] if filters else []))
        output = export(runner, request)
    except (ProjectionError, ExportError, FilterError, DrawingUnavailable, QueryParameterError) as error:
        raise CommandError(str(error)) from None
    if args.output == "-":
        sys.stdout.buffer.write(output)
    else:
        from collabkg.graph.dataset_io import write_atomically

        try:
            write_atomically(Path(args.output), lambda out: out.write(output))
        except OSError as error:
            raise CommandError(f"{args.output}: cannot write the file ({error.strerror or error})") from None
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
                    "and every problem is listed with its file, line and entry. Does nothing when the store is "
                    "current: built from the same case files, corpus, ontology, shapes and code (--force "
                    "rebuilds; --readme always builds).")
    _store_options(build)
    _input_options(build)
    build.add_argument("--no-reasoner", action="store_true", help="skip the OWL consistency check")
    build.add_argument("--force", action="store_true",
                       help="build even when the store is current (built from the same case files, corpus, "
                            "ontology, shapes and code)")
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
    serve.add_argument("--backend", metavar="URL",
                       help="answer queries from this remote SPARQL 1.1 endpoint, loaded by `collabkg publish` "
                            "(default: $COLLABKG_BACKEND, or the embedded store)")
    serve.set_defaults(handler=_cmd_serve)

    viz = commands.add_parser(
        "viz", help="draw or export a collaboration's governance, the network of bodies, or the evidence map",
        description="Draw (svg, png) or export (graphml for yEd, gexf for Gephi, json for Cytoscape) one "
                    "collaboration's governance structure: its units and reporting lines, posts, members and "
                    "their seats, funders and funding. COLLABORATION is its IRI, the last segment of its IRI, "
                    "or its label. --network exports the network of bodies across collaborations with each "
                    "body's measures; --evidence-map the map of claims by factor and outcome category (json: "
                    "a list of cells).")
    viz.add_argument("collaboration", nargs="?", metavar="COLLABORATION")
    viz.add_argument("--format", choices=["svg", "png", "graphml", "gexf", "json"],
                     help="output format (default: from the extension of -o)")
    viz.add_argument("-o", "--output", metavar="FILE", help="output file, - for standard output")
    viz.add_argument("--network", action="store_true", help="the network of bodies and the collaborations "
                                                            "they are members of")
    viz.add_argument("--projected", action="store_true",
                     help="with --network: the bodies only, linked when they share collaborations")
    viz.add_argument("--evidence-map", action="store_true", help="claims by factor and outcome category")
    for option, what in (("--modality", "observed, perceived, anticipated, recommended"),
                         ("--evidence-type", "interview, survey, documentary, ..."),
                         ("--report", "a report's IRI or the last segment of it"),
                         ("--body-kind", "collaborations with a member of this kind: local-authority, ...")):
        viz.add_argument(option, action="append", default=[], metavar="VALUE",
                         help=f"with --evidence-map, only claims of this value ({what}); repeat for several")
    viz.add_argument("--list", action="store_true", help="list the collaborations (last IRI segment and label)")
    _store_options(viz)
    viz.set_defaults(handler=_cmd_viz)

    check = commands.add_parser("check-case", help="check case files (quotes, ids, categories) without building",
                                description="Check case files against the reports and the vocabularies: "
                                            "every quote found verbatim, every id and category known.")
    check.add_argument("files", nargs="+", metavar="FILE")
    _input_options(check)
    check.set_defaults(handler=_cmd_check_case)

    from collabkg.cli_extraction import add_extraction_commands

    add_extraction_commands(commands, _input_options)

    from collabkg.cli_backends import add_backend_commands

    add_backend_commands(commands, _store_options)
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
