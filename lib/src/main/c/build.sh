#!/bin/sh
# Builds the shim of mkl_intel_cpu.c into OUT_DIR (Maven's lib/target/classes, so it ships in the jars).
# Linux x86_64 only (libtorch's MKL is there); with no C compiler it builds nothing and tunebook runs on MKL's own
# choice of kernels (MklDispatch reports which).
set -eu
OUT_DIR="$1"
SRC="$(dirname "$0")/mkl_intel_cpu.c"
if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
  exit 0
fi
if ! command -v cc >/dev/null 2>&1; then
  echo "tunebook: no C compiler (cc): oneMKL keeps its own kernel choice on AMD processors (bench/README.md)" >&2
  exit 0
fi
mkdir -p "$OUT_DIR/io/tunebook/model/native"
# -z nodelete: the process keeps it mapped whatever happens to the handle, since libtorch's binding points into it.
cc -shared -fPIC -O2 -Wl,-z,nodelete -o "$OUT_DIR/io/tunebook/model/native/libtunebook-mkl-intel-cpu.so" "$SRC"
