#!/usr/bin/env bash
# Fetch plotly.js's basic partial bundle (scatter, bar and pie traces) for the installed plotly package's plotly.js
# version into dashboard/vendor/ (run after upgrading plotly; needs npm).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(.venv/bin/python -c "from plotly.offline import get_plotlyjs_version as v; print(v())")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "plotly.js-basic-dist-min@$version" >/dev/null && tar xzf ./*.tgz)
# the first line asks V8 to compile every function as the file loads (dashboard/vendor/__init__.py)
{ echo "//# allFunctionsCalledOnLoad"; cat "$tmp/package/plotly-basic.min.js"; } >dashboard/vendor/plotly-basic.min.js
cp "$tmp/package/LICENSE" dashboard/vendor/plotly.js-LICENSE
sed -i "s/^__version__ = .*/__version__ = \"$version\"/" dashboard/vendor/__init__.py
echo "dashboard/vendor/plotly-basic.min.js: plotly.js $version (basic)"
