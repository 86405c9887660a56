#!/usr/bin/env python3
"""Independent reference for PreferenceLossTest: the losses of preference tuning written from the
papers' formulas (DPO: Rafailov et al. 2023, eq. 7, with cDPO label smoothing; IPO: Azar et al. 2023;
hinge: SLiC; ORPO: Hong et al. 2024, eq. 6-7) as TRL applies them, and their gradients in the summed
log-probabilities by central finite differences (no derivative is written by hand here).
Plain Python (math only). Writes reference.json beside this file:  python3 reference.py"""
import json, math, os, random

def logsig(x):
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))

def mean(v):
    return sum(v) / len(v)

def loss(kind, beta, eps, pc, pr, nc, nr, rc, rr):
    """Mean loss over the pairs; pc/pr/rc/rr are summed log-probabilities, nc/nr token counts."""
    out = []
    if kind == "orpo":
        # ORPO: L_SFT + lambda * L_OR, odds on the length-normalised likelihood; L_SFT the token mean.
        sft = -sum(pc) / sum(nc)
        for i in range(len(pc)):
            a, b = pc[i] / nc[i], pr[i] / nr[i]
            odds = lambda p: p - math.log(1 - math.exp(p))
            out.append(-beta * logsig(odds(a) - odds(b)))
        return sft + mean(out)
    for i in range(len(pc)):
        if kind == "ipo":
            z = (pc[i] / nc[i] - rc[i] / nc[i]) - (pr[i] / nr[i] - rr[i] / nr[i])
            out.append((z - 1 / (2 * beta)) ** 2)
        else:
            z = (pc[i] - rc[i]) - (pr[i] - rr[i])
            if kind == "sigmoid":
                out.append(-(1 - eps) * logsig(beta * z) - eps * logsig(-beta * z))
            else:
                out.append(max(0.0, 1 - beta * z))
    return mean(out)

def grad(f, x, h=1e-5):
    g = []
    for i in range(len(x)):
        up = list(x); up[i] += h
        dn = list(x); dn[i] -= h
        g.append((f(up) - f(dn)) / (2 * h))
    return g

rng = random.Random(14)
n = 5
nc = [rng.randint(3, 40) for _ in range(n)]
nr = [rng.randint(3, 40) for _ in range(n)]
pc = [-rng.uniform(0.2, 2.5) * t for t in nc]
pr = [-rng.uniform(0.2, 2.5) * t for t in nr]
rc = [p + rng.uniform(-3, 3) for p in pc]
rr = [p + rng.uniform(-3, 3) for p in pr]
cases = []
for kind, beta, eps in [("sigmoid", 0.1, 0.0), ("sigmoid", 0.5, 0.2), ("ipo", 0.1, 0.0), ("hinge", 0.1, 0.0), ("hinge", 0.5, 0.0),
                        ("orpo", 0.1, 0.0), ("orpo", 0.25, 0.0)]:
    f = lambda c, r: loss(kind, beta, eps, c, r, nc, nr, rc, rr)
    cases.append({"type": kind, "beta": beta, "label_smoothing": eps, "loss": f(pc, pr),
                  "d_chosen": grad(lambda c: f(c, pr), pc), "d_rejected": grad(lambda r: f(pc, r), pr)})
fixture = {"chosen": pc, "rejected": pr, "chosen_tokens": nc, "rejected_tokens": nr,
           "ref_chosen": rc, "ref_rejected": rr, "cases": cases}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json"), "w") as out:
    json.dump(fixture, out, indent=1)
