#!/usr/bin/env bash
# Builds the pretraining corpus of models/tiny-base from Debian packages.
#
#   models/tiny-base/recipe/build-corpus.sh OUTDIR
#
# Downloads the packages listed in extract.py (`apt-get download`, the candidate version of the
# configured Debian release), unpacks each one with `dpkg-deb -x` (nothing is installed, no
# dependency is pulled in), extracts clean running text, and writes
#   OUTDIR/corpus.txt   one paragraph per line, paragraphs separated by a blank line
#   OUTDIR/SOURCES.md   package, version, licence (from its copyright file), bytes contributed
# The .deb files stay in OUTDIR/debs as a cache: a second run with the same files is offline and
# gives a byte-identical corpus. Delete OUTDIR/debs to pick up newer package versions.
#
# Needs: apt-get, dpkg-deb, groff (man pages), /usr/bin/python3 (standard library only).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$(mkdir -p "$1" && cd "$1" && pwd)"
PY=/usr/bin/python3
export LC_ALL=C.UTF-8

for tool in apt-get dpkg-deb groff "$PY"; do
  command -v "$tool" >/dev/null || { echo "build-corpus: missing tool: $tool" >&2; exit 1; }
done

pkg_list="$("$PY" "$HERE/extract.py" --list-packages)"
mapfile -t PKGS <<< "$pkg_list"

mkdir -p "$OUT/debs"
missing=()
for p in "${PKGS[@]}"; do
  compgen -G "$OUT/debs/${p}_*.deb" >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-corpus: downloading ${missing[*]}" >&2
  if ! (cd "$OUT/debs" && apt-get download -q "${missing[@]}" >/dev/null); then
    echo "build-corpus: apt-get download failed; refreshing package lists (needs root)" >&2
    apt-get update -q >/dev/null
    (cd "$OUT/debs" && apt-get download -q "${missing[@]}" >/dev/null)
  fi
fi

UNPACKED="$OUT/.unpacked"
rm -rf "$UNPACKED"
mkdir -p "$UNPACKED"
trap 'rm -rf "$UNPACKED"' EXIT
for p in "${PKGS[@]}"; do
  debs=( "$OUT/debs/${p}"_*.deb )
  if [ ${#debs[@]} -ne 1 ]; then
    echo "build-corpus: expected one .deb for $p in $OUT/debs, found ${#debs[@]}" >&2
    exit 1
  fi
  mkdir -p "$UNPACKED/$p"
  dpkg-deb -x "${debs[0]}" "$UNPACKED/$p"
  dpkg-deb -f "${debs[0]}" Version > "$UNPACKED/$p/VERSION"
done

"$PY" "$HERE/extract.py" "$UNPACKED" "$OUT"
echo "build-corpus: wrote $OUT/corpus.txt ($(wc -c < "$OUT/corpus.txt") bytes) and $OUT/SOURCES.md" >&2
