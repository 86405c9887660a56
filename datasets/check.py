#!/usr/bin/env python3
"""Check the shipped course datasets (standard library only).

    /usr/bin/python3 datasets/check.py            # validate the JSONL files
    /usr/bin/python3 datasets/check.py --regen    # also re-run every generator and
                                                  # require byte-identical files
    /usr/bin/python3 datasets/check.py --figures  # also print the diversity figures
                                                  # that the READMEs quote

Checks: every line parses and has exactly the documented fields; sizes; no duplicate
prompt inside a dataset or across its splits; prompt + answer under 900 characters;
house style of support answers (greeting, signature, typography); extract-json outputs
valid against schema.json and in canonical form; ShareGPT structure (2 to 4 customer
turns, alternating roles); preference pairs distinct, with a known reason, and no
preference prompt identical to a support-fr prompt. Exits 1 on the first failures.
"""

import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import maison_lumiere as ml  # noqa: E402

SPLITS = ("train", "validation", "test")
MAX_CHARS = 900
errors = []


def fail(msg):
    errors.append(msg)


def load(name):
    out = {}
    for s in SPLITS:
        path = os.path.join(HERE, name, s + ".jsonl")
        rows = []
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                try:
                    rows.append(json.loads(line))
                except ValueError as e:
                    fail("%s:%d: not JSON (%s)" % (path, i, e))
        out[s] = rows
    return out


def where(name, split, i):
    return "%s/%s.jsonl:%d" % (name, split, i + 1)


def check_fields(name, data, fields):
    for s, rows in data.items():
        for i, r in enumerate(rows):
            if set(r) != set(fields):
                fail("%s: fields %s, expected %s" % (where(name, s, i), sorted(r), sorted(fields)))


def check_unique(name, data, key):
    seen = {}
    for s, rows in data.items():
        for i, r in enumerate(rows):
            k = key(r)
            if k in seen:
                fail("%s: duplicate of %s" % (where(name, s, i), seen[k]))
            seen[k] = where(name, s, i)
    return seen


def check_support():
    name = "support-fr"
    data = load(name)
    check_fields(name, data, ["instruction", "input", "output", "category"])
    check_unique(name, data, lambda r: ml.norm_key(r["instruction"] + " " + r["input"]))
    for s, rows in data.items():
        for i, r in enumerate(rows):
            w = where(name, s, i)
            o = r["output"]
            if not o.startswith("Bonjour, ") or not o.endswith("\n" + ml.SIGNATURE):
                fail("%s: answer does not follow the house style" % w)
            for p in ml.text_problems(o) + ml.text_problems(r["input"]):
                fail("%s: %s" % (w, p))
            if "  " in r["instruction"] or "None" in r["instruction"]:
                fail("%s: template artefact in instruction" % w)
            if len(r["instruction"]) + len(r["input"]) + len(o) > MAX_CHARS:
                fail("%s: longer than %d characters" % (w, MAX_CHARS))
    return data


def validate_schema(obj, schema):
    """Enough of JSON Schema for schema.json: type, enum, pattern, minimum, minLength, required, additionalProperties."""
    probs = []
    if not isinstance(obj, dict):
        return ["not an object"]
    props = schema["properties"]
    for k in schema["required"]:
        if k not in obj:
            probs.append("missing " + k)
    for k, v in obj.items():
        if k not in props:
            probs.append("unexpected " + k)
            continue
        p = props[k]
        types = p["type"] if isinstance(p["type"], list) else [p["type"]]
        ok_type = ((v is None and "null" in types) or (isinstance(v, str) and "string" in types)
                   or (isinstance(v, int) and not isinstance(v, bool) and "integer" in types))
        if not ok_type:
            probs.append("%s: wrong type" % k)
            continue
        if v is None:
            continue
        if "enum" in p and v not in p["enum"]:
            probs.append("%s: %r not in enum" % (k, v))
        if "pattern" in p and not re.search(p["pattern"], v):
            probs.append("%s: %r does not match %s" % (k, v, p["pattern"]))
        if "minimum" in p and v < p["minimum"]:
            probs.append("%s: below minimum" % k)
        if "minLength" in p and len(v) < p["minLength"]:
            probs.append("%s: too short" % k)
    return probs


def check_extract():
    name = "extract-json"
    data = load(name)
    with open(os.path.join(HERE, name, "schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    check_fields(name, data, ["instruction", "input", "output"])
    check_unique(name, data, lambda r: ml.norm_key(r["input"]))
    instructions = set()
    for s, rows in data.items():
        for i, r in enumerate(rows):
            w = where(name, s, i)
            instructions.add(r["instruction"])
            try:
                obj = json.loads(r["output"])
            except ValueError:
                fail("%s: output is not JSON" % w)
                continue
            for p in validate_schema(obj, schema):
                fail("%s: %s" % (w, p))
            if json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) != r["output"]:
                fail("%s: output is not in canonical form" % w)
            if len(r["instruction"]) + len(r["input"]) + len(r["output"]) > MAX_CHARS:
                fail("%s: longer than %d characters" % (w, MAX_CHARS))
            if "  " in r["input"]:
                fail("%s: double space in input" % w)
    if len(instructions) != 1:
        fail("%s: expected one fixed instruction, found %d" % (name, len(instructions)))
    return data


def check_conversations():
    name = "conversations-fr"
    data = load(name)
    check_fields(name, data, ["conversations", "scenario"])
    check_unique(name, data, lambda r: ml.norm_key(" ".join(t["value"] for t in r["conversations"] if t["from"] != "system")))
    for s, rows in data.items():
        for i, r in enumerate(rows):
            w = where(name, s, i)
            conv = r["conversations"]
            turns = conv[1:] if conv and conv[0]["from"] == "system" else conv
            roles = [t["from"] for t in turns]
            if roles != ["human", "gpt"] * (len(roles) // 2) or len(roles) % 2:
                fail("%s: roles must alternate human/gpt after an optional system message" % w)
            humans = roles.count("human")
            if not 2 <= humans <= 4:
                fail("%s: %d customer turns" % (w, humans))
            if any(set(t) != {"from", "value"} for t in conv):
                fail("%s: turn fields must be from and value" % w)
            if sum(len(t["value"]) for t in conv) > MAX_CHARS:
                fail("%s: longer than %d characters" % (w, MAX_CHARS))
            gpts = [t["value"] for t in turns if t["from"] == "gpt"]
            if gpts and not gpts[0].startswith("Bonjour, "):
                fail("%s: first answer must open with « Bonjour, »" % w)
            for g in gpts:
                for p in ml.text_problems(g):
                    fail("%s: %s" % (w, p))
    return data


def check_preferences(support):
    name = "preferences-fr"
    data = load(name)
    check_fields(name, data, ["prompt", "chosen", "rejected", "reason", "detail", "category"])
    check_unique(name, data, lambda r: ml.norm_key(r["prompt"]))
    support_prompts = {ml.norm_key(r["instruction"] + " " + r["input"]) for rows in support.values() for r in rows}
    reasons = {"fait_errone", "ton_sec", "etapes_manquantes", "anglais", "promesse_inventee"}
    for s, rows in data.items():
        for i, r in enumerate(rows):
            w = where(name, s, i)
            if r["reason"] not in reasons:
                fail("%s: unknown reason %r" % (w, r["reason"]))
            if r["chosen"] == r["rejected"]:
                fail("%s: chosen equals rejected" % w)
            if ml.norm_key(r["prompt"]) in support_prompts:
                fail("%s: prompt also in support-fr" % w)
            if len(r["prompt"]) + max(len(r["chosen"]), len(r["rejected"])) > MAX_CHARS:
                fail("%s: longer than %d characters" % (w, MAX_CHARS))
            for p in ml.text_problems(r["chosen"]):
                fail("%s: %s" % (w, p))
    return data


GENERATORS = ["support-fr", "extract-json", "conversations-fr", "preferences-fr"]


def first_sentence(text):
    """Up to the first . ! or ? that ends a word, or the first line break."""
    m = re.search(r"[.!?](?=\s|$)|\n", text.strip())
    return text.strip()[:m.start() + 1].strip() if m else text.strip()


def answer_body(answer):
    """A house-style answer without its greeting line and its closing line and signature."""
    paragraphs = answer.split("\n\n")
    return "\n\n".join(paragraphs[1:-1]) if len(paragraphs) > 2 else answer


def views(name, r):
    """(prompt, first customer message, answer, answer body) of one row, as the figures count them."""
    if name == "support-fr":
        return (r["instruction"] + "\n" + r["input"], r["instruction"], r["output"], answer_body(r["output"]))
    if name == "extract-json":
        return r["input"], r["input"], r["output"], r["output"]
    if name == "preferences-fr":
        return r["prompt"], r["prompt"], r["chosen"], answer_body(r["chosen"])
    human = [t["value"] for t in r["conversations"] if t["from"] == "human"]
    gpt = "\n".join(t["value"] for t in r["conversations"] if t["from"] == "gpt")
    return "\n".join(human), human[0], gpt, gpt


def figures(datasets):
    """Diversity figures, one Markdown table row per dataset (all splits together)."""
    print("| dataset | rows | distinct prompts | distinct first messages | distinct first sentences "
          "of first messages | distinct answers | distinct answer bodies | distinct first sentences "
          "of answers | mean prompt chars | mean answer chars |")
    print("| --- " + "| ---: " * 9 + "|")
    for name, data in datasets.items():
        rows = [views(name, r) for s in SPLITS for r in data[s]]
        n = len(rows)
        distinct = [len({v[i] for v in rows}) for i in range(4)]
        print("| %s | %d | %d | %d | %d | %d | %d | %d | %.0f | %.0f |" % (
            name, n, distinct[0], distinct[1], len({first_sentence(v[1]) for v in rows}), distinct[2],
            distinct[3], len({first_sentence(v[2]) for v in rows}),
            sum(len(v[0]) for v in rows) / n, sum(len(v[2]) for v in rows) / n))


def digests():
    out = {}
    for g in GENERATORS:
        for s in SPLITS:
            path = os.path.join(HERE, g, s + ".jsonl")
            with open(path, "rb") as f:
                out[path] = hashlib.sha256(f.read()).hexdigest()
    return out


def main():
    if "--regen" in sys.argv:
        before = digests()
        for g in GENERATORS:
            subprocess.run([sys.executable, os.path.join(HERE, g, "generate.py")], check=True)
        after = digests()
        for path in before:
            if before[path] != after[path]:
                fail("%s changed when regenerated: the generator is not deterministic" % path)
    support = check_support()
    datasets = {"support-fr": support, "extract-json": check_extract(),
                "conversations-fr": check_conversations(), "preferences-fr": check_preferences(support)}
    for name, data in datasets.items():
        n = {s: len(rows) for s, rows in data.items()}
        print("%-17s train %4d  validation %3d  test %3d  total %4d" % (
            name, n["train"], n["validation"], n["test"], sum(n.values())))
    if "--figures" in sys.argv:
        figures(datasets)
    if errors:
        for e in errors[:50]:
            print("FAIL " + e)
        print("%d problem(s)" % len(errors))
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
