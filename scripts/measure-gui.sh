#!/usr/bin/env bash
# Measures the desktop window's cost: the real binary under Xvfb, CPU and
# RSS sampled from /proc, in three scenes:
#   idle   an empty window
#   demo   the built-in demo (2 lanes × 20 events/s)
#   load   8 streams × 1,000 events/s from the built-in origin, while the
#          headless watch command records the same 8 streams
# For the load scene it prints the stream bytes each process read per
# second (from /proc/PID/io), so the window's rate can be checked against
# watch's, and the window's RSS growth per event beyond the events' bytes.
#
# Figures depend on the machine and on what else runs: measure on a quiet
# machine and quote `uptime` with them (the script prints it).
#   SECONDS_IDLE, SECONDS_DEMO, SECONDS_LOAD  sampling spans (30, 30, 60)
#   DISPLAY_NUM  the Xvfb display to use (default 117)
#   PORT         the origin's port (default 9417)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-./sseinspector}
idle_s=${SECONDS_IDLE:-30}
demo_s=${SECONDS_DEMO:-30}
load_s=${SECONDS_LOAD:-60}
warm_s=${WARMUP:-5}
disp=${DISPLAY_NUM:-117}
port=${PORT:-9417}
tick=$(getconf CLK_TCK)

for tool in Xvfb awk; do
	command -v "$tool" >/dev/null || { echo "measure-gui: $tool is missing (scripts/deps.sh test installs it)" >&2; exit 1; }
done
[[ -x $bin ]] || { echo "measure-gui: $bin not built (make build)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

Xvfb ":$disp" -screen 0 1600x1000x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S /tmp/.X11-unix/X$disp ]] && break; sleep 0.1; done
[[ -S /tmp/.X11-unix/X$disp ]] || { echo "measure-gui: Xvfb :$disp did not start" >&2; cat "$tmp/xvfb.log" >&2; exit 1; }
export DISPLAY=":$disp" FYNE_SCALE=1

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
read_bytes() { awk '/^rchar:/ {print $2}' "/proc/$1/io"; }

# sample PID SECONDS: prints "cpu% rss_start_kb rss_end_kb rchar_delta".
sample() {
	local pid=$1 secs=$2 c0 c1 r0 r1 b0 b1 t0 t1
	c0=$(cpu_ticks "$pid") r0=$(rss_kb "$pid") b0=$(read_bytes "$pid") t0=$(date +%s.%N)
	sleep "$secs"
	c1=$(cpu_ticks "$pid") r1=$(rss_kb "$pid") b1=$(read_bytes "$pid") t1=$(date +%s.%N)
	awk -v c="$((c1 - c0))" -v hz="$tick" -v t0="$t0" -v t1="$t1" -v r0="$r0" -v r1="$r1" -v b="$((b1 - b0))" \
		'BEGIN { printf "%.1f %d %d %d %.2f\n", 100 * c / hz / (t1 - t0), r0, r1, b, t1 - t0 }'
}

# window ARGS...: starts the window in the background and sets $win.
window() {
	"$bin" "$@" >"$tmp/window.log" 2>&1 &
	win=$!
	pids+=("$win")
	sleep "$warm_s"
	kill -0 "$win" 2>/dev/null || { echo "measure-gui: the window exited:" >&2; cat "$tmp/window.log" >&2; exit 1; }
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

echo "machine: $(nproc) cores; load before: $(uptime | sed 's/.*load average/load average/')"

window
read -r cpu r0 r1 _ span < <(sample "$win" "$idle_s")
printf 'idle window    %5.1f %% of a core over %.0f s   RSS %d MB\n' "$cpu" "$span" "$((r1 / 1024))"
stop "$win"

window demo
read -r cpu r0 r1 _ span < <(sample "$win" "$demo_s")
printf 'demo           %5.1f %% of a core over %.0f s   RSS %d → %d MB\n' "$cpu" "$span" "$((r0 / 1024))" "$((r1 / 1024))"
stop "$win"

"$bin" origin --listen "127.0.0.1:$port" >"$tmp/origin.log" 2>&1 &
origin=$!
pids+=("$origin")
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
urls=()
for i in $(seq 8); do urls+=("http://127.0.0.1:$port/stamped?rate=1000&lane=$i"); done

# The window and headless watch subscribe to the same 8 streams at the same
# time, so both see the same origin and the same machine load: watch gives
# the rate to keep up with and the bytes read per event.
"$bin" watch --json "${urls[@]}" >"$tmp/watch.out" 2>"$tmp/watch.err" &
watch=$!
pids+=("$watch")
window "${urls[@]}"
l0=$(wc -l <"$tmp/watch.out")
sample "$watch" "$load_s" >"$tmp/watch.sample" &
sampler=$!
read -r cpu r0 r1 bytes span < <(sample "$win" "$load_s")
wait "$sampler"
l1=$(wc -l <"$tmp/watch.out")
read -r wcpu _ _ wbytes wspan <"$tmp/watch.sample"
stop "$win"
stop "$watch"
wevents=$((l1 - l0))
per_event=$(awk -v b="$wbytes" -v n="$wevents" 'BEGIN { printf "%.1f", (n > 0 ? b / n : 0) }')
awk -v wcpu="$wcpu" -v n="$wevents" -v s="$wspan" -v pe="$per_event" 'BEGIN {
	printf "watch  8×1000/s %5.1f %% of a core; %d events/s in all (%.0f per stream), %s B read per event\n", wcpu, n / s, n / s / 8, pe
}'
awk -v cpu="$cpu" -v r0="$r0" -v r1="$r1" -v b="$bytes" -v s="$span" -v pe="$per_event" -v wn="$wevents" -v ws="$wspan" 'BEGIN {
	ev = (pe > 0 ? b / pe : 0)
	printf "window 8×1000/s %5.1f %% of a core over %.0f s; %d events/s in all (%.0f per stream), %.0f %% of watch'"'"'s rate\n", cpu, s, ev / s, ev / s / 8, (wn > 0 ? 100 * (ev / s) / (wn / ws) : 0)
	printf "                RSS %d → %d MB: %.0f B per event, %.0f B beyond the %.0f B the event read\n", r0 / 1024, r1 / 1024, (ev > 0 ? (r1 - r0) * 1024 / ev : 0), (ev > 0 ? (r1 - r0) * 1024 / ev - pe : 0), pe
}'
echo "load after: $(uptime | sed 's/.*load average/load average/')"
