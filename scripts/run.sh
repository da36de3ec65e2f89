#!/usr/bin/env bash
# The main job: set up, build the graph from the corpus and case files, and serve it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
.venv/bin/collabkg build "$@"
exec .venv/bin/collabkg serve "$@"
