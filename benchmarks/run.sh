#!/usr/bin/env bash
# The endpoint benchmark: installs the servers it compares against (Oxigraph's CLI server and
# rdflib-endpoint, from PyPI) into their own virtual environment, exports the real graph, and runs
# endpoint_benchmark.py. Results go to benchmarks/results.md and into README.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
BENCH_VENV="$ROOT/.venv-bench"
if [ ! -x "$BENCH_VENV/bin/oxigraph" ] || [ ! -x "$BENCH_VENV/bin/rdflib-endpoint" ]; then
    python3 -m venv "$BENCH_VENV"
    "$BENCH_VENV/bin/pip" install -q "oxigraph==0.5.13" "rdflib-endpoint[cli]==0.6.3" uvicorn click
fi
STORE="$(mktemp -d)/store"
.venv/bin/collabkg build --store "$STORE" --no-reasoner >/dev/null
REAL="$(mktemp --suffix=.nq)"
.venv/bin/collabkg export --store "$STORE" --format nquads -o "$REAL"
PYTHONPATH="$ROOT" .venv/bin/python -m benchmarks.endpoint_benchmark --real "$REAL" --readme README.md \
    --oxigraph "$BENCH_VENV/bin/oxigraph" --rdflib-endpoint "$BENCH_VENV/bin/rdflib-endpoint" "$@"
