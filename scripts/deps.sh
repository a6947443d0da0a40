#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages SSE Inspector needs, only those missing.
#   scripts/deps.sh run   - to build and run the desktop app (cgo GL/X11 headers)
#   scripts/deps.sh test  - also the real servers, browser and tools the test suite
#                           starts: nginx, HAProxy, Apache, Caddy, Prometheus,
#                           tcpdump, Xvfb, Chromium, imagemagick, tesseract, xmllint
#                           (JUnit schema check), desktop-file-utils, patch
set -euo pipefail

want=(gcc pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev)
if [[ "${1:-run}" == "test" ]]; then
	want+=(nginx haproxy apache2 caddy prometheus tcpdump desktop-file-utils
		xvfb chromium imagemagick xauth tesseract-ocr libxml2-utils patch)
fi

if ! command -v go >/dev/null 2>&1; then
	echo "deps: Go is not installed; install Go 1.26 or newer from https://go.dev/dl/ and retry" >&2
	exit 1
fi

missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages (${missing[*]}) and no apt-get: install them with your package manager" >&2
	exit 1
fi
sudo=()
if [[ $(id -u) -ne 0 ]]; then
	sudo=(sudo)
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# policy-rc.d keeps the server packages from starting system-wide servers on
# port 80 and others: the tests start their own on loopback ports.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
	printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
	"${sudo[@]}" chmod +x /usr/sbin/policy-rc.d
	trap '"${sudo[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
