#!/usr/bin/env bash
# The test command (README, and .ci/run): set up, lint, type-check, and run every test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
.venv/bin/ruff check .
.venv/bin/mypy graph loaders ontology shapes collabkg
exec .venv/bin/python -m pytest "$@"
