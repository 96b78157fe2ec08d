#!/usr/bin/env bash
# The reader's experience in a real browser (headless Chromium driven by Playwright):
#   1. every page of the built HTML book (_build/html), served on 127.0.0.1;
#   2. every chapter in JupyterLab (Run All, then every slider moved with the keyboard).
# Run from anywhere, after the book build (python -m bplib.book build):
#   bash tests/browser/run.sh            (extra arguments go to pytest, e.g. -k 05_gradient)
# Installs what it needs on a fresh machine: Debian's chromium (as root) and the npm copies of
# the CDN scripts the pages load (MathJax, the widget manager); CI reaches no CDN.
# Screenshots and counts.json land in _build/browser/.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
PY=${BPLIB_PYTHON:-.venv/bin/python}
CHROMIUM=${BPLIB_CHROMIUM:-/usr/bin/chromium}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

[ -x "$PY" ] || { echo "run.sh: $PY is missing: create .venv from requirements.txt first (see README)" >&2; exit 1; }
HTML=${BPLIB_BROWSER_HTML:-_build/html}
[ -f "$HTML/index.html" ] || { echo "run.sh: $HTML is missing: build the book first (python -m bplib.book build)" >&2; exit 1; }

if [ ! -x "$CHROMIUM" ]; then
  echo "run.sh: installing Debian's chromium"
  apt_install chromium
fi
command -v npm >/dev/null || { echo "run.sh: installing npm"; apt_install npm; }

# npm copies of the CDN assets, exactly as pinned in package-lock.json (skipped when unchanged)
lock_sum=$(sha256sum tests/browser/package-lock.json | cut -d' ' -f1)
if [ "$(cat tests/browser/node_modules/.bplib-lock-sha256 2>/dev/null)" != "$lock_sum" ]; then
  (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > tests/browser/node_modules/.bplib-lock-sha256
fi

echo "run.sh: $("$CHROMIUM" --version 2>/dev/null | head -1); assets ready after $(( $(date +%s) - start )) s"
status=0
BPLIB_BROWSER_TESTS=1 "$PY" -m pytest tests/browser -p no:cacheprovider -q -rfEs --durations=5 "$@" || status=$?
echo "run.sh: browser checks took $(( $(date +%s) - start )) s (exit status $status)"
exit $status
