"""Read scaling, for the README's "Deploying at scale": queries per second answered by 1, 2 and 3
``collabkg serve`` processes on one published store version, behind nginx (round-robin, as
tests/load_balancer.py configures it), with wrk as the client on the same machine:

- *look-ups*: every resource's triples (``SELECT ?p ?o WHERE { <iri> ?p ?o }``), a different IRI each time;
- *examples*: the researchers' thirteen example queries in turn;
  both with every cache off (``result_cache_bytes`` 0, no cache in nginx), so every request is evaluated;
- *examples, result cache*: the same with each process's result cache on (repeated queries are answered
  from memory, but every request still reaches a process);
- *examples, cache in front*: and nginx caching in front as well (answers kept for a second, then
  revalidated with their ETags), as a deployment would run;
- *look-ups, Virtuoso*: with ``--backend`` on a live Virtuoso that ``collabkg publish`` loaded.

Needs Debian's nginx-light, wrk and virtuoso-opensource-7-bin. Run:
``.venv/bin/python -m benchmarks.scaling --store STORE --readme README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from load_balancer import nginx_in_front  # noqa: E402
from support import serving  # noqa: E402
from virtuoso import start_virtuoso  # noqa: E402

from collabkg.graph.queries import named_queries  # noqa: E402
from collabkg.graph.sparql import run_query  # noqa: E402
from collabkg.graph.store import open_store  # noqa: E402
from collabkg.readme_sections import replace_section  # noqa: E402

CONNECTIONS = 16
ACCEPT = "application/sparql-results+json"


def lookup_paths(store: Path, limit: int = 3000) -> list[str]:
    import json

    rows = json.loads(run_query(open_store(store), "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } "
                                                   f"ORDER BY ?s LIMIT {limit}", "json"))["results"]["bindings"]
    return [_path(f"SELECT ?p ?o WHERE {{ <{row['s']['value']}> ?p ?o }}") for row in rows]


def example_paths() -> list[str]:
    return [_path(query.sparql) for query in named_queries().values()]


def _path(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def wrk(front: str, paths: list[str], seconds: int) -> dict[str, float]:
    """Requests per second, latency percentiles and failures that wrk measured, cycling through ``paths``."""
    script = Path(tempfile.mkdtemp()) / "paths.lua"
    listed = ",\n".join(f'"{path}"' for path in paths)
    script.write_text(f"local paths = {{\n{listed}\n}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n"
                      f'  return wrk.format("GET", paths[(i % #paths) + 1], {{ ["Accept"] = "{ACCEPT}" }})\nend\n')
    output = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", str(script),
                             front], capture_output=True, text=True, check=True).stdout

    def milliseconds(label: str) -> float:
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", output)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: .*?timeout (\d+)", output)
    return {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
            "median": milliseconds("50"), "p99": milliseconds("99"),
            "failed": (int(failures.group(1)) if failures else 0) + (int(errors.group(1)) if errors else 0)}


@contextmanager
def servers(store: Path, count: int, *arguments: str, env: dict[str, str] | None = None) -> Iterator[list[str]]:
    with ExitStack() as stack:
        urls = []
        for number in range(count):
            log = Path(tempfile.mkdtemp()) / f"serve-{number}.log"
            url, _ = stack.enter_context(serving(store, log, *arguments, env=env))
            urls.append(url)
        yield urls


def measure(store: Path, count: int, paths: list[str], seconds: int, result_cache: bool, cache_in_front: bool,
            *arguments: str) -> dict[str, float]:
    env = {} if result_cache else {"COLLABKG_RESULT_CACHE_BYTES": "0"}
    with servers(store, count, *arguments, env=env) as urls, nginx_in_front(urls, cache=cache_in_front) as front:
        wrk(front, paths[:50], 2)  # warm up: workers started, pages of the store read
        return wrk(front, paths, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--readme", help="write the results between <!-- scaling:start/end --> in this file")
    args = parser.parse_args()
    lookups, examples = lookup_paths(args.store), example_paths()
    rows = []
    for name, paths, result_cache, cache_in_front in (
            ("look-ups", lookups, False, False), ("examples", examples, False, False),
            ("examples, result cache", examples, True, False), ("examples, cache in front", examples, True, True)):
        base = None
        for count in (1, 2, 3):
            result = measure(args.store, count, paths, args.seconds, result_cache, cache_in_front)
            base = base or result["rate"]
            rows.append(f"| {name} | {count} | {result['rate']:,.0f} | {result['rate'] / base:.2f}× | "
                        f"{result['median']:.1f} | {result['p99']:.1f} | {result['failed']:.0f} |")
            print(rows[-1], flush=True)
    virtuoso = start_virtuoso(Path(tempfile.mkdtemp()) / "virtuoso", max_seconds=30)
    try:
        subprocess.run([str(Path(sys.executable).with_name("collabkg")), "publish", "--store", str(args.store),
                        "--to", virtuoso.graph_store], env={**os.environ, **virtuoso.publish_env}, check=True,
                       capture_output=True)
        base = None
        for count in (1, 2):
            result = measure(args.store, count, lookups, args.seconds, False, False, "--backend", virtuoso.sparql)
            base = base or result["rate"]
            rows.append(f"| look-ups, Virtuoso | {count} | {result['rate']:,.0f} | {result['rate'] / base:.2f}× | "
                        f"{result['median']:.1f} | {result['p99']:.1f} | {result['failed']:.0f} |")
            print(rows[-1], flush=True)
    finally:
        virtuoso.stop()
    table = "\n".join([
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.processor() or platform.machine()}, {os.cpu_count()} "
        f"cores (shared by the servers, nginx, wrk and, in the last rows, Virtuoso), Python "
        f"{platform.python_version()}; `collabkg serve` with default settings (3 query workers, 8 threads) behind "
        f"nginx, round-robin; wrk with {CONNECTIONS} connections for {args.seconds} s per row "
        "(`benchmarks/scaling.py`).",
        "",
        "| workload | serve processes | queries/s | vs one process | median ms | p99 ms | failed |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
    ])
    print(table)
    if args.readme:
        replace_section(Path(args.readme), "scaling", table)


if __name__ == "__main__":
    main()
