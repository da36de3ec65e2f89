"""Hostile clients against a server with default settings (issue 8's figures), written into the README.

1. A 1 MB pathological body (escaped quotes inside a literal, comments ended by CR, a megabyte of '<') in
   each protocol form: how long until it is answered or refused, and the latency of ASK queries that a
   second client sends meanwhile.
2. Starvation: two clients send cartesian-product queries back to back while a third sends cheap look-ups.

Run: ``.venv/bin/python -m benchmarks.hostile_clients --store STORE [--readme README.md]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from collabkg.readme_sections import replace_section

CHEAP = "ASK { ?c a <https://w3id.org/collabkg/ontology#Collaboration> }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BODIES = {
    "escaped quotes": 'SELECT * WHERE { ?s ?p "' + '\\"' * 500_000 + '" }',
    "comments ended by CR": "SELECT * WHERE { " + "#x\r" * 330_000 + "}",
    "a megabyte of '<'": "SELECT * WHERE { FILTER(" + "?a<" * 260_000 + "?a) }",
}


def request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}),
                                    timeout=60) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.read()
        return int(error.code)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def ask(server: str) -> int:
    return request(f"{server}/sparql?" + urllib.parse.urlencode({"query": CHEAP}))


def while_asking(server: str, send: Callable[[], int]) -> tuple[int, float, list[float]]:
    """Run ``send`` while another client keeps asking a cheap question: its status and seconds, and the
    other client's latencies meanwhile."""
    latencies: list[float] = []
    stop = threading.Event()

    def asker() -> None:
        while not stop.is_set():
            latencies.append(timed(lambda: ask(server)))

    thread = threading.Thread(target=asker)
    thread.start()
    time.sleep(0.2)
    started = time.perf_counter()
    status = send()
    seconds = time.perf_counter() - started
    stop.set()
    thread.join()
    return status, seconds, latencies


def pathological(server: str) -> list[str]:
    rows = []
    for name, text in BODIES.items():
        forms: dict[str, Callable[[], int]] = {
            "POST sparql-query": lambda t=text: request(f"{server}/sparql", t.encode(),  # type: ignore[misc]
                                                        {"Content-Type": "application/sparql-query"}),
            "POST form": lambda t=text: request(  # type: ignore[misc]
                f"{server}/sparql", urllib.parse.urlencode({"query": t}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"}),
        }
        for form, send in forms.items():
            status, seconds, latencies = while_asking(server, send)
            rows.append(f"| {name} ({len(text.encode()) / 1e6:.2f} MB) | {form} | {status} | {seconds * 1000:.0f} | "
                        f"{statistics.median(latencies) * 1000:.1f} | {max(latencies) * 1000:.1f} |")
    return rows


def starvation(server: str, seconds: float = 30) -> str:
    stop = threading.Event()
    runaway_statuses: list[int] = []

    def runaway() -> None:
        while not stop.is_set():
            runaway_statuses.append(request(f"{server}/sparql?" + urllib.parse.urlencode({"query": CARTESIAN})))

    threads = [threading.Thread(target=runaway) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    latencies = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        latencies.append(timed(lambda: ask(server)))
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join()
    under = sum(1 for latency in latencies if latency < 1) / len(latencies)
    quantiles = statistics.quantiles(latencies, n=100)
    return (f"| {len(latencies)} | {statistics.median(latencies) * 1000:.1f} | {quantiles[94] * 1000:.1f} | "
            f"{quantiles[98] * 1000:.1f} | {max(latencies) * 1000:.0f} | {under:.1%} | {len(runaway_statuses)} "
            f"({runaway_statuses.count(503)} stopped with 503) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", required=True)
    parser.add_argument("--readme", help="write the results between <!-- hostile:start/end --> in this file")
    args = parser.parse_args()
    log = Path(tempfile.mkdtemp()) / "serve.log"
    command = [str(Path(sys.executable).with_name("collabkg")), "serve", "--store", args.store, "--port", "0"]
    with open(log, "w") as output:
        server_process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        match = None
        while match is None and server_process.poll() is None:
            time.sleep(0.1)
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
        assert match, log.read_text()
        server = f"http://127.0.0.1:{match.group(1)}"
        lines = [
            f"Measured {time.strftime('%Y-%m-%d')} on {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}; `collabkg serve` with default settings "
            "(3 query workers, 2 long-query slots, 10 s time limit, 1 MB requests).",
            "",
            "| pathological body | form | status | answered in ms | concurrent ASK median ms | concurrent ASK max ms |",
            "|---|---|---:|---:|---:|---:|",
            *pathological(server),
            "",
            "Two clients sending cartesian products back to back, a third sending cheap look-ups every 50 ms for "
            "30 s:",
            "",
            "| look-ups | median ms | p95 ms | p99 ms | max ms | under 1 s | runaway queries |",
            "|---:|---:|---:|---:|---:|---:|---|",
            starvation(server),
        ]
    finally:
        server_process.terminate()
        server_process.wait(timeout=10)
    table = "\n".join(lines)
    print(table)
    if args.readme:
        replace_section(Path(args.readme), "hostile", table)


if __name__ == "__main__":
    main()
