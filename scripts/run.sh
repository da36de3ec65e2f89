#!/usr/bin/env bash
# The main job: set up, build the graph from the corpus and case files, and serve it. The build does
# nothing when the store is current (no input changed since it was published), so this serves at once.
# The store is COLLABKG_STORE (default ~/.local/share/collabkg/store); arguments go to `collabkg serve`
# (e.g. --port 8080).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
.venv/bin/collabkg build
exec .venv/bin/collabkg serve "$@"
