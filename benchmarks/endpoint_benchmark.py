"""Benchmark: this endpoint, `oxigraph serve` and rdflib-endpoint on the same data, in one run on loopback.

For each dataset (the real graph, and a synthetic graph of about a million triples shaped like it) the three
servers are started on 127.0.0.1, given the same queries, and measured for
- latency: each query run sequentially, median and p99 per category;
- throughput: several concurrent clients cycling through a category's queries for a fixed time.

Categories: "analytic" (the researchers' example queries: aggregations over claims, joins across
collaborations; plus text filters over evidence quotes), "point" (look-ups of one resource) and "mix"
(both). Every loop is bounded in count and time and every server stops at the end.

Run through benchmarks/run.sh, which installs the two other servers into their own virtual environment.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from collabkg.graph.queries import named_queries
from collabkg.graph.store import publish

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = """PREFIX ckg: <https://w3id.org/collabkg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
"""
TEXT_FILTERS = [
    PREFIXES + """SELECT ?claim ?quote WHERE { ?claim a ckg:CausalClaim ;
      prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quote . FILTER(CONTAINS(LCASE(?quote), "project manager")) }""",
    PREFIXES + """SELECT (COUNT(DISTINCT ?claim) AS ?n) WHERE { ?claim ckg:polarity ckg:Hinders ;
      prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quote . FILTER(REGEX(?quote, "turnover|delay", "i")) }""",
    PREFIXES + """SELECT ?c (COUNT(?claim) AS ?n) WHERE { ?claim ckg:context ?c ;
      prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quote . FILTER(CONTAINS(?quote, "trust")) } GROUP BY ?c""",
]


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Measurement:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    throughput: dict[str, float] = field(default_factory=dict)
    disagreements: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _ = request(url, "ASK {}", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


_local = threading.local()


def request(url: str, query: str, timeout: float = 120.0) -> tuple[int, bytes]:
    """POST a query (form-encoded) over a per-thread keep-alive connection; a connection the server has
    closed since its last use is reopened once."""
    parsed = urllib.parse.urlparse(url)
    key = (parsed.hostname, parsed.port)
    connections = getattr(_local, "connections", None)
    if connections is None:
        connections = _local.connections = {}
    body = urllib.parse.urlencode({"query": query})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    for attempt in range(2):
        connection = connections.get(key)
        reused = connection is not None
        if connection is None:
            connection = connections[key] = http.client.HTTPConnection(parsed.hostname, parsed.port,
                                                                      timeout=timeout)
        connection.timeout = timeout
        try:
            connection.request("POST", parsed.path, body, headers)
            response = connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            connections.pop(key, None)
            stale = isinstance(error, (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected))
            if not (reused and stale and attempt == 0):
                raise
    raise AssertionError("unreachable")


def point_queries(nquads: Path, count: int, seed: int = 7) -> list[str]:
    """Look-ups of single resources (claims, bodies, collaborations) taken from the data itself."""
    subjects = []
    with nquads.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("<https://w3id.org/collabkg/id/claim/") and "#type>" in line and "CausalClaim" in line:
                subjects.append(line.split(">", 1)[0][1:])
    rng = random.Random(seed)
    chosen = rng.sample(subjects, min(count, len(subjects)))
    return [f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}" for iri in chosen]


@contextmanager
def started(name: str, command: list[str], url: str, env: dict[str, str] | None, work: Path,
            startup_seconds: float) -> Iterator[Server]:
    log = work / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                                   start_new_session=True)
    server = Server(name, url, process, log)
    try:
        wait_until_up(url, startup_seconds)
        yield server
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # a server busy in a long query may not stop on SIGTERM
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        except ProcessLookupError:
            pass


def measure_latency(url: str, queries: list[str], repeats: int, budget_seconds: float,
                    per_query_timeout: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = 0
    deadline = time.monotonic() + budget_seconds
    for query in queries:  # one warm-up each
        if time.monotonic() > deadline:
            break
        try:
            request(url, query, per_query_timeout)
        except OSError:
            failures += 1
    for _ in range(repeats):
        for query in queries:
            if time.monotonic() > deadline:
                return latencies, failures
            started_at = time.perf_counter()
            try:
                status, _ = request(url, query, per_query_timeout)
            except OSError:
                failures += 1
                continue
            if status != 200:
                failures += 1
                continue
            latencies.append(time.perf_counter() - started_at)
    return latencies, failures


def measure_throughput(url: str, queries: list[str], clients: int, seconds: float,
                       per_query_timeout: float) -> float:
    done = [0] * clients
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        rng = random.Random(index)
        order = queries[:]
        while time.monotonic() < stop_at:
            rng.shuffle(order)
            for query in order:
                if time.monotonic() >= stop_at:
                    return
                try:
                    status, _ = request(url, query, per_query_timeout)
                except OSError:
                    continue
                if status == 200:
                    done[index] += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    started_at = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + per_query_timeout + 5)
    elapsed = max(time.monotonic() - started_at, seconds)
    return sum(done) / elapsed


def answer_sizes(url: str, queries: list[str], timeout: float, budget_seconds: float) -> list[str]:
    """Result sizes per query: the servers must agree on them, or the comparison means nothing. Queries
    not reached within the budget are marked "not run"."""
    sizes = []
    deadline = time.monotonic() + budget_seconds
    for query in queries:
        if time.monotonic() > deadline:
            sizes.append("not run")
            continue
        try:
            status, body = request(url, query, timeout)
            sizes.append(str(len(json.loads(body)["results"]["bindings"])) if status == 200 else f"HTTP {status}")
        except (OSError, ValueError, KeyError) as error:
            sizes.append(type(error).__name__)
    return sizes


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run_dataset(label: str, nquads: Path, work: Path, args: argparse.Namespace) -> dict[str, Measurement]:
    print(f"== {label}: {sum(1 for _ in nquads.open())} quads", flush=True)
    store = work / f"{label}-collabkg" / "store"
    publish(nquads.read_bytes(), store)
    oxigraph_dir = work / f"{label}-oxigraph"
    subprocess.run([args.oxigraph, "load", "--location", str(oxigraph_dir), "--file", str(nquads)], check=True,
                   capture_output=True)
    union_nt = work / f"{label}-union.nt"
    union = pyoxigraph.Store()
    union.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
    triples = union.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    union_nt.write_bytes(pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b"")

    analytic = [q.sparql for q in named_queries().values()] + TEXT_FILTERS
    points = point_queries(nquads, args.points)
    categories = {"analytic": analytic, "point": points, "mix": analytic + points}

    ports = {name: free_port() for name in ("collabkg", "oxigraph", "rdflib-endpoint")}
    commands = {
        "collabkg": ([str(Path(sys.executable).with_name("collabkg")), "serve", "--store", str(store), "--port",
                      str(ports["collabkg"]), "--query-workers", str(args.workers), "--threads", str(args.threads),
                      "--query-timeout", str(args.timeout)], f"http://127.0.0.1:{ports['collabkg']}/sparql", 120),
        # No --timeout-s for Oxigraph: in 0.5.13 it starts a thread per query, and under the point-query load
        # the server runs out of threads (EAGAIN) and stops answering; without it Oxigraph is only faster.
        "oxigraph": ([args.oxigraph, "serve-read-only", "--location", str(oxigraph_dir), "--bind",
                      f"127.0.0.1:{ports['oxigraph']}", "--union-default-graph"],
                     f"http://127.0.0.1:{ports['oxigraph']}/query", 120),
        "rdflib-endpoint": ([args.rdflib_endpoint, "serve", str(union_nt), "--host", "127.0.0.1", "--port",
                             str(ports["rdflib-endpoint"])], f"http://127.0.0.1:{ports['rdflib-endpoint']}/", 1800),
    }
    results: dict[str, Measurement] = {}
    answers: dict[str, list[str]] = {}
    for name, (command, url, startup) in commands.items():
        with started(name, command, url, None, work, startup) as server:
            measurement = Measurement()
            slow = name == "rdflib-endpoint"
            for category, queries in categories.items():
                if category == "mix":
                    continue
                latencies, failures = measure_latency(
                    server.url, queries, 1 if slow else args.repeats, args.latency_budget * (3 if slow else 1),
                    args.timeout * (12 if slow else 1))
                measurement.latencies[category] = latencies
                measurement.failures[category] = failures
            for category, queries in categories.items():
                measurement.throughput[category] = measure_throughput(
                    server.url, queries, args.clients, args.throughput_seconds, args.timeout * (12 if slow else 1))
            answers[name] = answer_sizes(server.url, analytic, args.timeout * (12 if slow else 1),
                                         args.latency_budget * (3 if slow else 1))
            results[name] = measurement
            rates = ", ".join(f"{c} {measurement.throughput[c]:.1f} q/s" for c in categories)
            print(f"   {name}: {rates}", flush=True)
    for name, sizes in answers.items():
        differing = [i for i, (a, b) in enumerate(zip(answers["collabkg"], sizes, strict=True))
                     if a != b and b != "not run"]
        results[name].disagreements = len(differing)
        if differing:
            print(f"   {name} disagrees with collabkg on queries {differing}: "
                  f"{[(answers['collabkg'][i], sizes[i]) for i in differing]}", flush=True)
    return results


def table(label: str, results: dict[str, Measurement]) -> str:
    lines = [f"**{label}**", "",
             "| server | analytic median ms | analytic p99 ms | point median ms | point p99 ms | "
             "analytic q/s | point q/s | mix q/s | failed | answers differing |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, m in results.items():
        a, p = m.latencies.get("analytic", []), m.latencies.get("point", [])
        lines.append(
            f"| {name} | {milliseconds(a, statistics.median, 1)} | {milliseconds(a, p99, 1)} | "
            f"{milliseconds(p, statistics.median, 2)} | {milliseconds(p, p99, 2)} | "
            f"{m.throughput['analytic']:.1f} | {m.throughput['point']:.1f} | {m.throughput['mix']:.1f} | "
            f"{sum(m.failures.values())} | {m.disagreements} |")
    ours, oxigraph, rdflib_ep = results["collabkg"], results["oxigraph"], results["rdflib-endpoint"]
    lines += ["",
              f"collabkg / Oxigraph server, analytic throughput: "
              f"**{ratio(ours.throughput['analytic'], oxigraph.throughput['analytic'], '.2f')}**; "
              f"collabkg / rdflib-endpoint, whole mix: "
              f"**{ratio(ours.throughput['mix'], rdflib_ep.throughput['mix'], '.0f')}**; "
              f"collabkg point look-up median: **{milliseconds(ours.latencies['point'], statistics.median, 2)}**"
              f"{' ms' if ours.latencies['point'] else ''}."]
    return "\n".join(lines)


def p99(values: list[float]) -> float:
    return percentile(values, 0.99)


def milliseconds(values: list[float], statistic: Callable[[list[float]], float], digits: int) -> str:
    """A latency statistic in ms, or "no answer" when the server answered none of the queries."""
    return f"{statistic(values) * 1000:.{digits}f}" if values else "no answer"


def ratio(ours: float, theirs: float, spec: str) -> str:
    """How many times ``ours`` is ``theirs``, or "no answer" when the other server answered nothing (a
    ratio against zero queries per second would only measure the length of the run).

    >>> ratio(58.9, 59.2, ".2f"), ratio(11.3, 0.0, ".0f")
    ('0.99×', 'no answer')
    """
    return f"{ours / theirs:{spec}}×" if theirs > 0 else "no answer"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = subprocess.run([ARGS.oxigraph, "--version"], capture_output=True, text=True).stdout.strip()
    rdflib_endpoint_version = subprocess.run(
        [str(Path(ARGS.rdflib_endpoint).with_name("python")), "-c",
         "import importlib.metadata as m; print(m.version('rdflib-endpoint'), m.version('rdflib'))"],
        capture_output=True, text=True).stdout.strip()
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; Python "
            f"{platform.python_version()}; pyoxigraph {pyoxigraph.__version__}; {versions}; "
            f"rdflib-endpoint and its rdflib {rdflib_endpoint_version}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", type=Path, required=True, help="N-Quads export of the real graph")
    parser.add_argument("--synthetic-triples", type=int, default=1_000_000)
    parser.add_argument("--oxigraph", required=True, help="the oxigraph CLI (PyPI package oxigraph)")
    parser.add_argument("--rdflib-endpoint", required=True, help="the rdflib-endpoint CLI")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--points", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--latency-budget", type=float, default=60.0, help="seconds per server and category")
    parser.add_argument("--throughput-seconds", type=float, default=10.0)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results.md")
    global ARGS
    ARGS = args = parser.parse_args()
    # A benchmark stopped from outside still stops its servers: SIGTERM unwinds through the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    from benchmarks.synthetic import synthesise

    work = Path(tempfile.mkdtemp(prefix="collabkg-bench-"))
    try:
        sections = [f"Measured {time.strftime('%Y-%m-%d')} on {machine()}. {args.clients} concurrent clients, "
                    f"{args.throughput_seconds:g} s per throughput run; collabkg with {args.workers} query "
                    f"workers and {args.threads} threads; all servers on 127.0.0.1 in one run."]
        sections.append(table("Real graph", run_dataset("real", args.real, work, args)))
        synthetic = work / "synthetic.nq"
        synthesise(args.real, synthetic, args.synthetic_triples)
        sections.append(table(f"Synthetic graph (~{args.synthetic_triples:,} triples)",
                              run_dataset("synthetic", synthetic, work, args)))
        text = "\n\n".join(sections) + "\n"
        args.output.write_text(text, encoding="utf-8")
        print(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)


ARGS: argparse.Namespace

if __name__ == "__main__":
    main()
