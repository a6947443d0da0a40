#!/usr/bin/env bash
# Regenerates the README's picture with the headless commands: record the
# built-in demo (direct vs a proxy that buffers like default nginx) for a few
# seconds, then draw the saved session with the export command.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-./sseinspector}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# compare exits 3 when it finds a problem, which the demo is built to show.
"$bin" compare --demo --duration "${DURATION:-8s}" -o "$tmp/demo.ndjson" >/dev/null || [[ $? -eq 3 ]]
"$bin" export "$tmp/demo.ndjson" -o assets/screenshot.png --width 1600 --height 900 \
	--title "demo: direct vs a proxy that buffers like default nginx"
