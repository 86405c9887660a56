#!/usr/bin/env bash
# Rebuilds models/tiny-base from nothing, in three steps:
#   1. the corpus, from Debian documentation packages      (build-corpus.sh, a few minutes)
#   2. the byte-level BPE tokenizer, 8,192 tokens          (train-tokenizer.sh, seconds)
#   3. full-parameter pretraining with tunebook itself     (pretrain.yaml, about an hour on 2 cores)
# then copies the weights and configs into models/tiny-base.
#
#   models/tiny-base/recipe/reproduce.sh
#
# The corpus goes to /tmp/tunebook-corpus (the path pretrain.yaml reads), the run to /tmp/tunebook-pretrain.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
MODEL="$ROOT/models/tiny-base"

"$HERE/build-corpus.sh" /tmp/tunebook-corpus
"$HERE/train-tokenizer.sh" /tmp/tunebook-corpus/corpus.txt "$MODEL"
"$ROOT/bin/tunebook" train "$HERE/pretrain.yaml"
for f in config.json generation_config.json model.safetensors; do
  cp /tmp/tunebook-pretrain/model/$f "$MODEL/$f"
done
cp /tmp/tunebook-pretrain/metrics.jsonl "$HERE/metrics.jsonl"
echo "models/tiny-base rebuilt; metrics in $HERE/metrics.jsonl"
