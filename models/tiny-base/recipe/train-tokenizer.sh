#!/usr/bin/env bash
# Trains the byte-level BPE tokenizer of models/tiny-base on the corpus that build-corpus.sh writes.
#
#   models/tiny-base/recipe/train-tokenizer.sh CORPUS_TXT OUTDIR
#
# Writes OUTDIR/tokenizer.json, tokenizer_config.json and special_tokens_map.json. Training is
# deterministic: the same corpus.txt gives byte-identical files (those shipped in models/tiny-base
# came from this script on the corpus described in the SOURCES.md that build-corpus.sh writes).
# Builds tunebook-lib first when lib/target has no jar.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 CORPUS_TXT OUTDIR" >&2
  exit 2
fi
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
CORPUS="$1"
OUT="$2"
JAR="$ROOT/lib/target/tunebook-lib.jar"
if [ ! -f "$JAR" ] || [ ! -d "$ROOT/lib/target/lib" ]; then
  MVN=mvn
  command -v mvn >/dev/null || MVN="$ROOT/mvnw"
  (cd "$ROOT" && "$MVN" -o -q -pl lib package -DskipTests)
fi
exec java -Xmx4g -Dai.djl.offline=true -cp "$JAR:$ROOT/lib/target/lib/*" \
  io.tunebook.model.tokenizer.BpeTrainer \
  --corpus "$CORPUS" --vocab-size 8192 --min-frequency 2 --model-max-length 512 --out "$OUT"
