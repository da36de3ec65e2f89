#!/usr/bin/env bash
# Everything a fresh machine needs, idempotent: a Java runtime for the OWL reasoner, a virtual
# environment with the project and its test tools. Sourced by run.sh and test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

apt_install() {
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v java >/dev/null 2>&1; then
    echo "setup: installing a Java runtime for the OWL reasoner (HermiT)" >&2
    apt_install default-jre-headless
fi
# `collabkg viz` draws SVG and PNG (and lays out GraphML and GEXF exports) with Graphviz's dot and sfdp.
if ! command -v dot >/dev/null 2>&1 || ! command -v sfdp >/dev/null 2>&1; then
    echo "setup: installing Graphviz for the drawings" >&2
    apt_install graphviz
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv" >&2
    "$PYTHON" -m venv .venv
fi
stamp=".venv/.collabkg-installed"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "setup: installing collabkg and its dependencies into .venv" >&2
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[test]"
    echo "$wanted" > "$stamp"
fi
