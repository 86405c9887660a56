#!/bin/sh
# Soak: STEPS (default 10000) LoRA steps of models/tiny-base on the shipped support-fr data, resident memory of the
# training JVM sampled at every 500th step (metrics.jsonl logs every 500). Prints "step rss_mib" lines; the run
# must end with exit 0 and the resident set stay flat (within 10 %) after warm-up.
#   bench/soak.sh [STEPS] [OUT_DIR]
# SOAK_BATCH (default 2) and SOAK_SEQ (default 256) set the micro-batch and sequence length: a leak is per step
# (arrays or handles left behind by each step), so a lighter step finds it as surely, in less time.
set -e
cd "$(dirname "$0")/.."
STEPS="${1:-10000}"
OUT="${2:-bench/out/soak}"
mkdir -p "$OUT"
CONFIG="$OUT/soak.yaml"
cat > "$CONFIG" <<YAML
model:
  path: $(pwd)/models/tiny-base
data:
  train: $(pwd)/datasets/support-fr/train.jsonl
  truncation: truncate_right     # every row kept whatever SOAK_SEQ is
lora:
  r: 16
  target_modules: all-linear
training:
  max_steps: $STEPS
  micro_batch_size: ${SOAK_BATCH:-2}
  gradient_accumulation_steps: 1
  sequence_len: ${SOAK_SEQ:-256}
  learning_rate: 2.0e-4
  logging_steps: 500
  save_steps: 2500
  save_total_limit: 1
output:
  dir: $(pwd)/$OUT/run
YAML
bin/tunebook train "$CONFIG" --overwrite 2> "$OUT/train.log" &
PID=$!
SEEN=0
echo "step rss_mib"
while kill -0 "$PID" 2>/dev/null; do
    if [ -f "$OUT/run/metrics.jsonl" ]; then
        STEP=$(tail -n 1 "$OUT/run/metrics.jsonl" | sed -n 's/.*"step":\([0-9]*\).*/\1/p')
        if [ -n "$STEP" ] && [ "$STEP" != "$SEEN" ]; then
            RSS=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$PID/status" 2>/dev/null || true)
            echo "$STEP $RSS"
            SEEN="$STEP"
        fi
    fi
    sleep 1
done
CODE=0
wait "$PID" || CODE=$?
echo "exit $CODE"
