#!/usr/bin/env bash
# Trains the byte-level BPE tokenizer of models/tiny-base on the corpus that build-corpus.sh writes.
#
#   models/tiny-base/recipe/train-tokenizer.sh CORPUS_TXT OUTDIR
#
# Writes OUTDIR/tokenizer.json, tokenizer_config.json and special_tokens_map.json. Training is
# deterministic: the same corpus.txt gives byte-identical files (those shipped in models/tiny-base
# came from this script on the corpus described in the SOURCES.md that build-corpus.sh writes).
# The trainer is part of this recipe, not of the library: its source is lib/src/test/java/io/tunebook/tinybase
# (test scope, so that its tests run with the build). Builds lib, tests compiled, when they are not built yet.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 CORPUS_TXT OUTDIR" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
CORPUS="$1"
OUT="$2"
TARGET="$ROOT/lib/target"
if [ ! -f "$TARGET/test-classes/io/tunebook/tinybase/BpeTrainer.class" ] || [ ! -d "$TARGET/lib" ]; then
  MVN=mvn
  command -v mvn >/dev/null || MVN="$ROOT/mvnw"
  (cd "$ROOT" && "$MVN" -o -q -pl lib package -DskipTests)
fi
exec java -Xmx4g -cp "$TARGET/test-classes:$TARGET/lib/*" \
  io.tunebook.tinybase.BpeTrainer \
  --corpus "$CORPUS" --vocab-size 8192 --min-frequency 2 --model-max-length 512 --out "$OUT"
