"""Benchmark: this endpoint, `oxigraph serve` and rdflib-endpoint on the same data, in one run on loopback.

For each dataset (the real graph, and a synthetic graph of about a million triples shaped like it) the
servers are started on 127.0.0.1 one after the other, given the same queries, and measured for
- latency: each query run sequentially, median and p99 per category;
- throughput: several concurrent clients cycling through a category's queries for a fixed time, and for
  each analytic query on its own (so that no short query hides behind a long one in the average).

collabkg runs twice: with its result cache off ("uncached": every request is evaluated) and as shipped
(cache on), where the analytic queries are sent again and again ("repeated"). Look-ups ask for a different
resource each time. Categories: "analytic" (the researchers' example queries: aggregations over claims,
joins across collaborations; plus text filters over evidence quotes), "point" (look-ups of one resource)
and "mix" (both). The evidence search (/search) is compared with the substring scan it replaces. Every loop
is bounded in count and time and every server stops at the end.

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

from benchmarks.search_vs_scan import SCAN, WORDS, fetch
from collabkg.graph.queries import named_queries, resource_query
from collabkg.graph.query_runner import StoreRunner
from collabkg.graph.report_texts import report_text
from collabkg.graph.search import INDEX_FILE, build_index
from collabkg.graph.store import publish
from collabkg.readme_sections import replace_section
from collabkg.settings import load_settings

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


SERVERS = ("collabkg", "collabkg, result cache", "oxigraph", "rdflib-endpoint")


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
    per_query: list[float] = field(default_factory=list)  # throughput of each analytic query on its own
    repeated: float = 0.0  # analytic throughput, the same queries sent again and again
    search: list[tuple[str, float, float]] = field(default_factory=list)  # (word, /search ms, scan ms)
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
            connection = connections[key] = http.client.HTTPConnection(parsed.hostname or "127.0.0.1",
                                                                      parsed.port, timeout=timeout)
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
    """Look-ups of single claims, each a different one, taken from the data itself."""
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


def search_index_writer(corpus: Path) -> Callable[[Path, pyoxigraph.Store], None]:
    """Writes the evidence search index beside a benchmark store, as a build does; a synthetic copy of a
    report (``ID-copyN``) is given the text of the report it copies."""

    def write(folder: Path, store: pyoxigraph.Store) -> None:
        runner = StoreRunner(store)
        texts = {}
        for row in runner.select(resource_query("reports")):
            iri = row["report"].value
            text = report_text(corpus, iri.rsplit("/", 1)[-1].split("-copy", 1)[0])
            if text is not None:
                texts[iri] = text
        build_index(folder / INDEX_FILE, runner, texts)

    return write


def measure_per_query(url: str, queries: list[str], clients: int, seconds: float, timeout: float) -> list[float]:
    return [measure_throughput(url, [query], clients, seconds, timeout) for query in queries]


def measure_search(base: str, rounds: int) -> list[tuple[str, float, float]]:
    """Median ms of /search (first 20 hits, ranked, with snippets) and of the SPARQL substring scan, per word;
    a comment that changes each time keeps any cache out of the scan's way."""
    rows = []
    for word in WORDS:
        search = [fetch(f"{base}/search?" + urllib.parse.urlencode({"q": word, "limit": 20}))
                  for _ in range(rounds)]
        scan = [fetch(f"{base}/sparql?" + urllib.parse.urlencode({"query": SCAN.format(word=word, nonce=i)}))
                for i in range(rounds)]
        rows.append((word, statistics.median(search) * 1000, statistics.median(scan) * 1000))
    return rows


def run_dataset(label: str, nquads: Path, work: Path, args: argparse.Namespace) -> dict[str, Measurement]:
    print(f"== {label}: {sum(1 for _ in nquads.open())} quads", flush=True)
    store = work / f"{label}-collabkg" / "store"
    publish(nquads.read_bytes(), store, artifacts=search_index_writer(load_settings().corpus))
    oxigraph_dir = work / f"{label}-oxigraph"
    subprocess.run([args.oxigraph, "load", "--location", str(oxigraph_dir), "--file", str(nquads)], check=True,
                   capture_output=True)
    with_rdflib_endpoint = label == "real"  # at a million triples it answered nothing in the time given
    union_nt = work / f"{label}-union.nt"
    if with_rdflib_endpoint:
        union = pyoxigraph.Store()
        union.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
        triples = [quad.triple for quad in union.quads_for_pattern(None, None, None, None)]
        union_nt.write_bytes(pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b"")

    analytic = [q.sparql for q in named_queries().values()] + TEXT_FILTERS
    points = point_queries(nquads, args.points)
    categories = {"analytic": analytic, "point": points, "mix": analytic + points}

    ports = {name: free_port() for name in SERVERS}
    collabkg = [str(Path(sys.executable).with_name("collabkg")), "serve", "--store", str(store),
                "--query-timeout", str(args.timeout)]
    commands = {
        "collabkg": ([*collabkg, "--port", str(ports["collabkg"])], f"http://127.0.0.1:{ports['collabkg']}/sparql",
                     120, {"COLLABKG_RESULT_CACHE_BYTES": "0"}),
        "collabkg, result cache": ([*collabkg, "--port", str(ports["collabkg, result cache"])],
                                   f"http://127.0.0.1:{ports['collabkg, result cache']}/sparql", 120, None),
        # No --timeout-s for Oxigraph: in 0.5.13 it starts a thread per query, and under the point-query load
        # the server runs out of threads (EAGAIN) and stops answering; without it Oxigraph is only faster.
        "oxigraph": ([args.oxigraph, "serve-read-only", "--location", str(oxigraph_dir), "--bind",
                      f"127.0.0.1:{ports['oxigraph']}", "--union-default-graph"],
                     f"http://127.0.0.1:{ports['oxigraph']}/query", 120, None),
        "rdflib-endpoint": ([args.rdflib_endpoint, "serve", str(union_nt), "--host", "127.0.0.1", "--port",
                             str(ports["rdflib-endpoint"])], f"http://127.0.0.1:{ports['rdflib-endpoint']}/", 1800,
                            None),
    }
    if not with_rdflib_endpoint:
        del commands["rdflib-endpoint"]
    results: dict[str, Measurement] = {}
    answers: dict[str, list[str]] = {}
    for name, (command, url, startup, env) in commands.items():
        with started(name, command, url, env, work, startup) as server:
            measurement = Measurement()
            slow = name == "rdflib-endpoint"
            timeout = args.timeout * (12 if slow else 1)
            if name == "collabkg, result cache":  # the same queries again and again: answered from memory
                measure_latency(server.url, analytic, 1, args.latency_budget, timeout)
                measurement.repeated = measure_throughput(server.url, analytic, args.clients,
                                                          args.throughput_seconds, timeout)
                results[name] = measurement
                print(f"   {name}: repeated analytic {measurement.repeated:.1f} q/s", flush=True)
                continue
            for category, queries in categories.items():
                if category == "mix":
                    continue
                latencies, failures = measure_latency(
                    server.url, queries, 1 if slow or category == "point" else args.repeats,
                    args.latency_budget * (3 if slow else 1), timeout)
                measurement.latencies[category] = latencies
                measurement.failures[category] = failures
            for category, queries in categories.items():
                measurement.throughput[category] = measure_throughput(
                    server.url, queries, args.clients, args.throughput_seconds, timeout)
            if not slow:
                measurement.per_query = measure_per_query(server.url, analytic, args.clients,
                                                          args.per_query_seconds, timeout)
                measurement.repeated = measurement.throughput["analytic"]  # no cache: repeating costs the same
            if name == "collabkg":
                measurement.search = measure_search(server.url.removesuffix("/sparql"), args.search_rounds)
            answers[name] = answer_sizes(server.url, analytic, timeout, args.latency_budget * (3 if slow else 1))
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
             "analytic q/s | point q/s | mix q/s | repeated analytic q/s | failed | answers differing |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    cached = results["collabkg, result cache"]
    for name, m in results.items():
        if name == "collabkg, result cache":
            continue
        a, p = m.latencies.get("analytic", []), m.latencies.get("point", [])
        repeated = cached.repeated if name == "collabkg" else m.repeated
        shown = "collabkg (result cache off; repeated: on)" if name == "collabkg" else name
        lines.append(
            f"| {shown} | {milliseconds(a, statistics.median, 1)} | {milliseconds(a, p99, 1)} | "
            f"{milliseconds(p, statistics.median, 2)} | {milliseconds(p, p99, 2)} | "
            f"{m.throughput['analytic']:.1f} | {m.throughput['point']:.1f} | {m.throughput['mix']:.1f} | "
            f"{repeated:.1f} | {sum(m.failures.values())} | {m.disagreements} |")
    ours, oxigraph = results["collabkg"], results["oxigraph"]
    per_query = [mine / theirs for mine, theirs in zip(ours.per_query, oxigraph.per_query, strict=True) if theirs > 0]
    point_ratio = (statistics.median(ours.latencies["point"]) / statistics.median(oxigraph.latencies["point"])
                   if ours.latencies.get("point") and oxigraph.latencies.get("point") else float("nan"))
    lines += ["",
              "collabkg / Oxigraph server: uncached analytic throughput "
              f"**{ratio(ours.throughput['analytic'], oxigraph.throughput['analytic'], '.2f')}** "
              f"(each query on its own: lowest **{min(per_query):.2f}×**, median {statistics.median(per_query):.2f}×); "
              f"point look-up time **{point_ratio:.2f}×** Oxigraph's; repeated analytic queries "
              f"**{ratio(cached.repeated, oxigraph.throughput['analytic'], '.1f')}** Oxigraph's throughput."]
    if "rdflib-endpoint" in results:
        lines[-1] += (" collabkg / rdflib-endpoint, whole mix: "
                      f"**{ratio(ours.throughput['mix'], results['rdflib-endpoint'].throughput['mix'], '.0f')}**.")
    lines += ["", "Each analytic query on its own (4 clients), queries per second:", "",
              "| query | collabkg | oxigraph | ratio |", "|---|---:|---:|---:|"]
    names = [*named_queries(), *(f"text filter {i + 1}" for i in range(len(TEXT_FILTERS)))]
    for name, mine, theirs in zip(names, ours.per_query, oxigraph.per_query, strict=True):
        lines.append(f"| {name} | {mine:.1f} | {theirs:.1f} | {ratio(mine, theirs, '.2f')} |")
    lines += ["", "Evidence search against the substring scan it replaces (collabkg, result cache off, median of "
              f"{ARGS.search_rounds}):", "",
              "| word | /search (first 20 hits, ranked, with snippets) ms | substring scan ms | scan / search |",
              "|---|---:|---:|---:|"]
    for word, search_ms, scan_ms in ours.search:
        lines.append(f"| {word} | {search_ms:.1f} | {scan_ms:.1f} | {scan_ms / search_ms:.1f}× |")
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


def cpu_model() -> str:
    """The processor's model name (Linux), or "unknown CPU"."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def machine() -> str:
    cpu = cpu_model()
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
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--points", type=int, default=1000, help="look-ups, each of a different resource")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--latency-budget", type=float, default=60.0, help="seconds per server and category")
    parser.add_argument("--throughput-seconds", type=float, default=10.0)
    parser.add_argument("--per-query-seconds", type=float, default=3.0)
    parser.add_argument("--search-rounds", type=int, default=5)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results.md")
    parser.add_argument("--readme", type=Path, help="write the tables between <!-- bench:start/end --> here")
    global ARGS
    ARGS = args = parser.parse_args()
    # A benchmark stopped from outside still stops its servers: SIGTERM unwinds through the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    from benchmarks.synthetic import synthesise

    work = Path(tempfile.mkdtemp(prefix="collabkg-bench-"))
    try:
        sections = [f"Measured {time.strftime('%Y-%m-%d')} on {machine()}. {args.clients} concurrent clients, "
                    f"{args.throughput_seconds:g} s per throughput run ({args.per_query_seconds:g} s per query "
                    "on its own); collabkg as shipped (3 query workers, 8 threads); all servers on 127.0.0.1 in "
                    "one run."]
        sections.append(table("Real graph", run_dataset("real", args.real, work, args)))
        synthetic = work / "synthetic.nq"
        synthesise(args.real, synthetic, args.synthetic_triples)
        sections.append(table(f"Synthetic graph (~{args.synthetic_triples:,} triples)",
                              run_dataset("synthetic", synthetic, work, args)))
        text = "\n\n".join(sections) + "\n"
        args.output.write_text(text, encoding="utf-8")
        print(text)
        if args.readme:
            replace_section(args.readme, "bench", text.strip())
    finally:
        shutil.rmtree(work, ignore_errors=True)


ARGS: argparse.Namespace

if __name__ == "__main__":
    main()
