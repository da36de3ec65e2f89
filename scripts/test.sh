#!/usr/bin/env bash
# The test command (README, and .ci/run): set up, lint, type-check, and run every test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
# The query page is tested in a real headless browser: Debian's chromium, driven through chromedriver.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "setup: installing chromium and chromedriver for the browser tests" >&2
    apt_install chromium chromium-driver
fi
.venv/bin/ruff check .
.venv/bin/mypy graph loaders ontology shapes collabkg api
exec .venv/bin/python -m pytest "$@"
