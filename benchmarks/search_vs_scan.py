"""The evidence search (/search, SQLite FTS5) against the substring scan it replaces (SPARQL
``FILTER(CONTAINS(LCASE(?quote), ...))`` on /sparql), on one server, sequentially, caches bypassed.

Run: ``.venv/bin/python -m benchmarks.search_vs_scan --store STORE`` (a built store); prints a Markdown table.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

WORDS = ["trust", "leadership", "funding", "manager", "culture", "savings", "governance", "capacity"]
SCAN = ('SELECT DISTINCT ?claim WHERE {{ ?claim a ckg:CausalClaim ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?q '
        'FILTER(CONTAINS(LCASE(?q), "{word}")) }}  # {nonce}')


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"}),
                                timeout=60) as response:
        response.read()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=20, help="hits per /search page (the scan returns all)")
    args = parser.parse_args()
    log = Path(tempfile.mkdtemp()) / "serve.log"
    command = [str(Path(sys.executable).with_name("collabkg")), "serve", "--store", args.store, "--port", "0"]
    with open(log, "w") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                  env={"COLLABKG_RESULT_CACHE_BYTES": "0", "PATH": "/usr/bin:/bin"})
    try:
        match = None
        while match is None and server.poll() is None:
            time.sleep(0.1)
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
        assert match, log.read_text()
        base = f"http://127.0.0.1:{match.group(1)}"
        rows = []
        for word in WORDS:
            search = [fetch(f"{base}/search?" + urllib.parse.urlencode({"q": word, "limit": args.limit}))
                      for _ in range(args.rounds)]
            # a comment that changes each time keeps any cache out of the scan's way
            scan = [fetch(f"{base}/sparql?" + urllib.parse.urlencode({"query": SCAN.format(word=word, nonce=i)}))
                    for i in range(args.rounds)]
            rows.append((word, statistics.median(search) * 1000, statistics.median(scan) * 1000))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"| word | /search (first {args.limit} hits, ranked, with snippets) median ms | substring scan median ms "
          "| scan / search |")
    print("|---|---:|---:|---:|")
    for word, search_ms, scan_ms in rows:
        print(f"| {word} | {search_ms:.1f} | {scan_ms:.1f} | {scan_ms / search_ms:.1f}× |")


if __name__ == "__main__":
    main()
