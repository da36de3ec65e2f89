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
# Published RDF is parsed back by an independent parser in the tests: raptor's rapper.
if ! command -v rapper >/dev/null 2>&1; then
    echo "setup: installing raptor2-utils (rapper) for the dump and ontology tests" >&2
    apt_install raptor2-utils
fi
# The extraction tests write PDF versions of a report in DejaVu Sans (curly quotes and dashes included).
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    echo "setup: installing fonts-dejavu-core for the extraction tests" >&2
    apt_install fonts-dejavu-core
fi
# The remote backend is tested against a live Virtuoso, started by the tests on loopback with a database of its
# own: Debian's Virtuoso binaries (virtuoso-opensource-7-bin: virtuoso-t and isql-vt, without the system
# service that the full virtuoso-opensource package sets up and starts at install).
if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
    echo "setup: installing Debian's Virtuoso (virtuoso-opensource-7-bin) for the remote-backend tests" >&2
    apt_install virtuoso-opensource-7-bin
fi
# Several servers on one store are tested behind nginx, as a load balancer and cache in front of them.
if ! command -v nginx >/dev/null 2>&1; then
    echo "setup: installing nginx-light for the load-balancing tests" >&2
    apt_install nginx-light
fi
.venv/bin/ruff check .
.venv/bin/mypy graph loaders ontology shapes collabkg api benchmarks
exec .venv/bin/python -m pytest "$@"
