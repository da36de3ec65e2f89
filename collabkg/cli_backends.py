"""``collabkg publish --to URL``: a thin command over ``graph/backends/publish.py``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable


def _cmd_publish(args: argparse.Namespace) -> int:
    from collabkg.cli import CommandError, _settings
    from collabkg.graph.backends.http import Credentials
    from collabkg.graph.backends.publish import PublishError, publish_to

    settings = _settings(args)
    if not args.to.startswith(("http://", "https://")):
        raise CommandError(f"--to must be the http:// or https:// URL of a graph store endpoint, not {args.to!r}")
    credentials = Credentials(settings.publish_user, settings.publish_password) if settings.publish_user else None

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        result = publish_to(settings.store, args.to, settings.base_iri, credentials, args.query_endpoint, progress)
    except (PublishError, ValueError) as error:
        raise CommandError(str(error)) from None
    version = result.version
    if result.already_current:
        print(f"Version {version.publication} (build {version.store_version}) is already current on {args.to}.")
        return 0
    previous = f"; version {result.previous.publication} kept as the previous one" if result.previous else ""
    dropped = f"; dropped {', '.join(result.dropped)}" if result.dropped else ""
    print(f"Published {version.triples:,} triples in {len(version.graphs)} graphs to {args.to} as version "
          f"{version.publication}, now current{previous}{dropped}.")
    return 0


def add_backend_commands(commands: argparse._SubParsersAction,
                         store_options: Callable[[argparse.ArgumentParser], None]) -> None:
    publish = commands.add_parser(
        "publish", help="load the published store into a remote SPARQL server (Graph Store Protocol)",
        description="Load every named graph of the published store into a remote SPARQL 1.1 server through its "
                    "Graph Store Protocol endpoint (URL), under versioned graph names; count the triples of each "
                    "graph on the server; then make the new version current in one write and drop older ones. "
                    "If anything fails, the previous version stays current. Credentials come from the "
                    "environment: COLLABKG_PUBLISH_USER and COLLABKG_PUBLISH_PASSWORD (Basic or Digest).")
    publish.add_argument("--to", required=True, metavar="URL",
                         help="the server's graph store endpoint, e.g. http://HOST:8890/sparql-graph-crud-auth "
                              "(Virtuoso) or http://HOST:3030/DATASET/data (Fuseki)")
    publish.add_argument("--query-endpoint", metavar="URL",
                         help="its SPARQL query endpoint, for the counts (default: /sparql beside URL)")
    store_options(publish)
    publish.add_argument("--base-iri", metavar="IRI", help="base of instance IRIs (names the publication record)")
    publish.set_defaults(handler=_cmd_publish)
