#!/usr/bin/env bash
# Re-fetch YASGUI, the query page's editor and result viewer, from the npm registry into
# api/static/vendor/yasgui/. The built files are kept in the repository because the page must load nothing
# from other hosts at run time; this script is how they are updated.
#
#   scripts/vendor-yasgui.sh            # the version pinned in api/static/vendor/yasgui/VERSION
#   scripts/vendor-yasgui.sh 4.6.3      # another version
#   scripts/vendor-yasgui.sh latest     # the newest release
#
# Needs npm. Review the page in a browser and run the browser tests after an update.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACKAGE="@zazuko/yasgui"
TARGET="$ROOT/api/static/vendor/yasgui"
VERSION="${1:-$(cut -d' ' -f2 "$TARGET/VERSION")}"
if [ "$VERSION" = latest ]; then
    VERSION="$(npm view "$PACKAGE" version)"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work"
license="$(node -p "require('$work/package/package.json').license")"
if [ "$license" != MIT ]; then
    echo "vendor-yasgui: $PACKAGE $VERSION is licensed '$license', not MIT: review it before vendoring" >&2
    exit 1
fi
mkdir -p "$TARGET"
for file in yasgui.min.js yasgui.min.css; do
    # Source maps are not shipped (3.5 MB each), so the comments pointing at them are dropped.
    grep -v '^//# sourceMappingURL=' "$work/package/build/$file" > "$TARGET/$file"
done
# The npm package carries no licence file; the repository's MIT licence is kept in LICENSE.
if [ -f "$work/package/LICENSE" ]; then
    cp "$work/package/LICENSE" "$TARGET/LICENSE"
fi
integrity="$(npm view "$PACKAGE@$VERSION" dist.integrity)"
echo "$PACKAGE $VERSION $integrity" > "$TARGET/VERSION"
echo "vendor-yasgui: $PACKAGE $VERSION in ${TARGET#"$ROOT"/}"
