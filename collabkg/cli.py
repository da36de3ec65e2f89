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
from collabkg.loaders.base import LoadError
from collabkg.settings import SETTINGS, load_settings


class CommandError(Exception):
    """A failure the user can act on; printed as one line."""


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    return load_settings(store=getattr(args, "store", None), base_iri=getattr(args, "base_iri", None),
                         cases=getattr(args, "cases", None), corpus=getattr(args, "corpus", None))


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
        print(f"collabkg {args.command}: {len(error.problems)} problem(s); nothing was published",
              file=sys.stderr)
        return 1
    except CommandError as error:
        print(f"collabkg {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"collabkg {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
