#!/usr/bin/env python3
"""Issue 17's scaling sweep: the training step's time and peak memory, tunebook beside plain PyTorch,
against sequence length, batch, LoRA rank and model size, each point one `tunebook bench --compare
--train-only` (tunebook and pytorch_bench.py in turn, in fresh processes), then a least-squares line
of seconds per step and of peak MiB against tokens per step on each side.

    /usr/bin/python3 bench/scaling.py [--jars lib/target] [--out bench/out/scaling.jsonl] [--only seq,batch,...]
    /usr/bin/python3 bench/scaling.py --fit bench/out/scaling.jsonl      # the table and lines of a finished sweep

--jars names a directory holding tunebook-lib.jar and lib/ (copy them out of lib/target first, so that a build
does not rewrite the jar of a running sweep). Standard library only; prints a Markdown table and the fits.
"""
import argparse
import json
import os
import subprocess
import sys
import time

TINY = "bench/configs/tiny-base-2k.json"  # tiny-base's shape, positions up to 2048 (random weights)
MID = "bench/configs/mid-100m.json"

# (group, config, method, batch, seq, rank, steps): each sweep varies one thing around tiny-base's LoRA step.
POINTS = (
    [("seq", TINY, "lora", 1, s, 16, 2) for s in (128, 256, 512, 1024, 2048)]
    + [("batch", TINY, "lora", b, 256, 16, 2) for b in (2, 4, 8)]
    + [("rank", TINY, "lora", 4, 256, r, 2) for r in (8, 32, 128)]
    + [("size", TINY, "lora", 4, 512, 16, 2), ("size", MID, "lora", 4, 512, 16, 1),
       ("size", TINY, "full", 4, 512, 16, 2), ("size", MID, "full", 4, 512, 16, 1)]
)


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run_point(jars, point, rounds):
    group, config, method, batch, seq, rank, steps = point
    cmd = ["java", "-Dai.djl.offline=true", "-cp", f"{jars}/tunebook-lib.jar:{jars}/lib/*", "io.tunebook.cli.Main",
           "bench", config, "--compare", "--train-only", "--method", method, "--batch", str(batch), "--seq", str(seq),
           "--rank", str(rank), "--steps", str(steps), "--rounds", str(rounds), "--json"]
    env = dict(os.environ)
    env.setdefault("OMP_WAIT_POLICY", "passive")
    # The allocator the published scaling figures were measured under (bin/tunebook's export then, MallocPolicy's
    # LEAN now); unset it to measure the policy tunebook picks by model size today (bench/README.md, session 9).
    env.setdefault("MALLOC_MMAP_THRESHOLD_", "4194304")
    t0 = time.time()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"scaling: {' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    r = json.loads(done.stdout.strip().splitlines()[-1])
    step = lambda runs: sorted(x["train"]["step_seconds"] for x in runs)[len(runs) // 2]
    return {"group": group, "model": os.path.basename(config).removesuffix(".json"), "method": method,
            "batch": batch, "seq": seq, "rank": rank, "tokens": batch * seq, "rounds": rounds,
            "load_before": r["load_average_before"], "load_after": r["load_average_after"],
            "wall_s": round(time.time() - t0, 1),
            "tunebook_s": step(r["tunebook_runs"]), "pytorch_s": step(r["pytorch_runs"]),
            "tunebook_mib": r["peak_rss"]["tunebook"], "pytorch_mib": r["peak_rss"]["pytorch"],
            "train_ratio": r["train"]["ratio"], "rss_ratio": r["peak_rss"]["ratio"]}


def fit(xs, ys):
    """Least squares y = a + b x: (a, b, r²)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    b = sxy / sxx
    a = my - b * mx
    ss = sum((y - my) ** 2 for y in ys)
    res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    return a, b, (1 - res / ss) if ss else 1.0


def report(rows):
    print("| sweep | model | method | batch × seq | rank | tokens | s/step tunebook / PyTorch | step ratio "
          "| peak MiB tunebook / PyTorch | memory ratio | load |")
    print("| --- | --- | --- | --- | ---: | ---: | --- | ---: | --- | ---: | --- |")
    for r in rows:
        print(f"| {r['group']} | {r['model']} | {r['method']} | {r['batch']} × {r['seq']} | {r['rank']} | {r['tokens']} "
              f"| {r['tunebook_s']:.3f} / {r['pytorch_s']:.3f} | {r['pytorch_s'] / r['tunebook_s']:.2f} "
              f"| {r['tunebook_mib']:,.0f} / {r['pytorch_mib']:,.0f} | {r['rss_ratio']:.2f} "
              f"| {r['load_before']} → {r['load_after']} |")
    # One line per side and sweep: against tokens as the sequence grows (batch 1: attention makes it
    # bend upwards) and as the batch grows (seq 256, 1 × 256 included: linear).
    lora16 = [r for r in rows if r["model"] == "tiny-base-2k" and r["method"] == "lora" and r["rank"] == 16]
    sweeps = {"seq (batch 1)": [r for r in lora16 if r["batch"] == 1],
              "batch (seq 256)": [r for r in lora16 if r["seq"] == 256]}
    for name, line in sweeps.items():
        if len(line) < 2:
            continue
        print(f"\n{name}, {len(line)} points, least squares against tokens per step:")
        xs = [r["tokens"] for r in line]
        for side in ("tunebook", "pytorch"):
            a, b, r2 = fit(xs, [r[f"{side}_s"] for r in line])
            print(f"  {side:8s} s/step   = {a:7.3f} + {b * 1000:6.3f} ms × tokens        (r² {r2:.3f})")
            a, b, r2 = fit(xs, [r[f"{side}_mib"] for r in line])
            print(f"  {side:8s} peak MiB = {a:7,.0f} + {b * 1000:6,.1f} MiB per 1000 tokens (r² {r2:.3f})")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jars", default="lib/target", help="directory with tunebook-lib.jar and lib/")
    ap.add_argument("--out", default="bench/out/scaling.jsonl", help="one JSON line per point, appended")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--only", default="", help="comma-separated sweeps to run: seq, batch, rank, size")
    ap.add_argument("--fit", metavar="JSONL", help="print the table and fits of a finished sweep, run nothing")
    a = ap.parse_args(argv)
    if a.fit:
        with open(a.fit) as f:
            report([json.loads(line) for line in f if line.strip()])
        return 0
    if not os.path.isfile(os.path.join(a.jars, "tunebook-lib.jar")):
        raise SystemExit(f"scaling: no tunebook-lib.jar in {a.jars} (build with ./mvnw -pl lib package, copy it out)")
    only = set(filter(None, a.only.split(",")))
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    rows = []
    for point in POINTS:
        if only and point[0] not in only:
            continue
        row = run_point(a.jars, point, a.rounds)
        print(f"scaling: {json.dumps(row)}", file=sys.stderr, flush=True)
        with open(a.out, "a") as f:
            f.write(json.dumps(row) + "\n")
        rows.append(row)
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
