#!/usr/bin/env bash
# Checks the Linux package "make package" wrote: it holds the binary, the
# icon and a .desktop entry that desktop-file-validate accepts.
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=$(ls -t ./*.tar.xz 2>/dev/null | head -n 1)
if [[ -z "$pkg" ]]; then
	echo "check-package: no .tar.xz here; run make package first" >&2
	exit 1
fi
if ! command -v desktop-file-validate >/dev/null 2>&1; then
	echo "check-package: desktop-file-validate is missing (Debian package desktop-file-utils)" >&2
	exit 1
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tar -xJf "$pkg" -C "$dir"
entries=$(find "$dir" -name '*.desktop')
if [[ -z "$entries" ]]; then
	echo "check-package: $pkg holds no .desktop entry" >&2
	exit 1
fi
if [[ -z "$(find "$dir" -path '*/bin/*' -type f -perm -u+x)" ]]; then
	echo "check-package: $pkg holds no executable under bin/" >&2
	exit 1
fi
for e in $entries; do
	# desktop-file-validate prints hints too; only errors make it fail.
	desktop-file-validate "$e"
	grep -q '^Exec=' "$e" || { echo "check-package: $e has no Exec line" >&2; exit 1; }
	grep -q '^Icon=' "$e" || { echo "check-package: $e has no Icon line" >&2; exit 1; }
done
echo "check-package: $pkg: $(basename -a $entries) valid"
