#!/bin/sh
# SIGTERM at N random moments (default 200) of a short LoRA run of models/tiny-base, each in a fresh JVM:
# every run must exit 0 or 143 (never 134 or an hs_err_pid*.log), leave only whole checkpoints, and
# `--resume latest` must then finish one of them. The test in CI (SignalTest) does the same 20 times.
set -e
cd "$(dirname "$0")/.."
N="${1:-200}"
./mvnw -B -q install -DskipTests
./mvnw -B -q -pl lib test -Dtest=SignalTest -Dsurefire.failIfNoSpecifiedTests=false -Dtunebook.signals="$N" 2>&1 \
    | grep -E "SignalTest:|FAIL|expected" || true
grep -h "SignalTest:" lib/target/surefire-reports/*SignalTest*-output.txt 2>/dev/null || true
