#!/bin/sh
# The seeded mutation fuzzers with N cases each (default 20000; CI runs 300-500 each): safetensors headers,
# dataset rows of every format, YAML run configs, chat templates (mutated and hostile) and HTTP request bodies.
# Each may only fail with its typed error; a finding prints the case number and seed to replay it.
set -e
cd "$(dirname "$0")/.."
N="${1:-20000}"
./mvnw -B -q install -DskipTests
./mvnw -B -q -pl lib test -Dsurefire.failIfNoSpecifiedTests=false -Dtunebook.fuzz.cases="$N" \
    -Dtest='SafetensorsFuzzTest,DatasetFuzzTest,RunConfigFuzzTest,TemplateFuzzTest,RequestFuzzTest' 2>&1 \
    | grep -E "FuzzTest:|FAIL|case [0-9]+" || true
