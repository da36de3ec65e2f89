#!/usr/bin/env bash
# The main job: set up, build the graph from the corpus and case files, and serve it.
# The store is COLLABKG_STORE (default ~/.local/share/collabkg/store); arguments go to `collabkg serve`
# (e.g. --port 8080).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
.venv/bin/collabkg build
exec .venv/bin/collabkg serve "$@"
