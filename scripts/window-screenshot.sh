#!/usr/bin/env bash
# Regenerates the README's picture of the window: the demo, run for a
# while under Xvfb, captured with ImageMagick's import.
#   DISPLAY_NUM  the Xvfb display to use (default 118)
#   SECONDS_RUN  how long the demo runs before the capture (default 25)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-./sseinspector}
disp=${DISPLAY_NUM:-118}
for tool in Xvfb import; do
	command -v "$tool" >/dev/null || { echo "window-screenshot: $tool is missing (scripts/deps.sh test installs it)" >&2; exit 1; }
done
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
Xvfb ":$disp" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S /tmp/.X11-unix/X$disp ]] && break; sleep 0.1; done
export DISPLAY=":$disp" FYNE_SCALE=1
"$bin" demo >/dev/null 2>&1 &
pids+=($!)
sleep "${SECONDS_RUN:-25}"
import -window root -crop 1280x800+0+0 +repage assets/window.png
echo "wrote assets/window.png"
