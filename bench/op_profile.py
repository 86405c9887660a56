#!/usr/bin/env python3
"""Sums a libtorch profiler trace per native op: calls, self time (time not spent in nested ops) and total.

    java -Dtunebook.bench.profile=TRACE.json ... tunebook bench DIR --train-method lora --train-only --steps 1
    /usr/bin/python3 bench/op_profile.py TRACE.json [--top 25]

Standard library only. Self times add up to the traced wall time of the ops (not of Java between them).
"""
import argparse
import collections
import json
import sys


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trace")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args(argv)
    with open(a.trace) as f:
        events = [e for e in json.load(f) if e.get("ph") == "X"]
    calls = collections.Counter()
    total = collections.Counter()
    own = collections.Counter()
    by_thread = collections.defaultdict(list)
    for e in events:
        by_thread[e.get("tid")].append(e)
    top_level = 0
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []  # open events: [end, name, children's time]
        for e in evs:
            while stack and stack[-1][0] <= e["ts"]:
                end, name, children, dur = stack.pop()
                own[name] += dur - children
            if stack:
                stack[-1][2] += e["dur"]
            else:
                top_level += 1
            stack.append([e["ts"] + e["dur"], e["name"], 0.0, e["dur"]])
            calls[e["name"]] += 1
            total[e["name"]] += e["dur"]
        while stack:
            end, name, children, dur = stack.pop()
            own[name] += dur - children
    wall = sum(own.values())
    print(f"{len(events)} native ops ({top_level} called from Java), {wall / 1e6:.2f} s of op time")
    print(f"{'op':40s} {'calls':>7s} {'self s':>8s} {'share':>6s} {'total s':>8s}")
    for name, t in own.most_common(a.top):
        print(f"{name:40s} {calls[name]:7d} {t / 1e6:8.3f} {t / wall:6.1%} {total[name] / 1e6:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
