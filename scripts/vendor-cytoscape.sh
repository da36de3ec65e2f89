#!/usr/bin/env bash
# Re-fetch Cytoscape.js and its dagre layout (which bundles dagre), the libraries of the /viz/ pages, from
# the npm registry into api/static/vendor/cytoscape/ and api/static/vendor/cytoscape-dagre/. The built files
# are kept in the repository because the pages must load nothing from other hosts at run time; this script
# is how they are updated.
#
#   scripts/vendor-cytoscape.sh                  # the versions pinned in the VERSION files
#   scripts/vendor-cytoscape.sh 3.35.0 4.0.1     # other versions (cytoscape, cytoscape-dagre)
#   scripts/vendor-cytoscape.sh latest latest    # the newest releases
#
# Needs npm. Look at the /viz/ pages in a browser and run tests/api/test_viz.py after an update.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/api/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

pinned() {  # the version recorded in a VERSION file ("package version integrity")
    head -1 "$VENDOR/$1/VERSION" 2>/dev/null | cut -d' ' -f2 || echo latest
}

fetch() {  # fetch PACKAGE VERSION: unpack the npm tarball into $work/PACKAGE, check the licence, print the version
    local package="$1" version="$2"
    if [ "$version" = latest ]; then
        version="$(npm view "$package" version)"
    fi
    mkdir -p "$work/$package"
    (cd "$work/$package" && npm pack --silent "$package@$version" >/dev/null && tar -xzf ./*.tgz)
    local license
    license="$(node -p "require('$work/$package/package/package.json').license")"
    if [ "$license" != MIT ]; then
        echo "vendor-cytoscape: $package $version is licensed '$license', not MIT: review it before vendoring" >&2
        exit 1
    fi
    echo "$version"
}

record() {  # record FOLDER PACKAGE VERSION
    echo "$2 $3 $(npm view "$2@$3" dist.integrity)" > "$VENDOR/$1/VERSION"
    echo "vendor-cytoscape: $2 $3 in api/static/vendor/$1"
}

cytoscape_version="$(fetch cytoscape "${1:-$(pinned cytoscape)}")"
mkdir -p "$VENDOR/cytoscape"
cp "$work/cytoscape/package/dist/cytoscape.min.js" "$VENDOR/cytoscape/"
cp "$work/cytoscape/package/LICENSE" "$VENDOR/cytoscape/LICENSE"
record cytoscape cytoscape "$cytoscape_version"

dagre_version="$(fetch cytoscape-dagre "${2:-$(pinned cytoscape-dagre)}")"
mkdir -p "$VENDOR/cytoscape-dagre"
grep -v '^//# sourceMappingURL=' "$work/cytoscape-dagre/package/dist/cytoscape-dagre.min.js" \
    > "$VENDOR/cytoscape-dagre/cytoscape-dagre.min.js"
cp "$work/cytoscape-dagre/package/LICENSE" "$VENDOR/cytoscape-dagre/LICENSE"
# cytoscape-dagre bundles dagre (MIT, Chris Pettitt); its licence goes beside the bundle.
bundled="$(grep -o 'var U="[0-9.]*"' "$work/cytoscape-dagre/package/dist/cytoscape-dagre.js" | head -1 | cut -d'"' -f2)"
bundled="$(fetch @dagrejs/dagre "${bundled:-latest}")"
cp "$work/@dagrejs/dagre/package/LICENSE" "$VENDOR/cytoscape-dagre/LICENSE.dagre"
record cytoscape-dagre cytoscape-dagre "$dagre_version"
echo "@dagrejs/dagre $bundled (bundled in cytoscape-dagre)" >> "$VENDOR/cytoscape-dagre/VERSION"
