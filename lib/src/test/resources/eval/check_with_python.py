#!/usr/bin/env python3
"""Recomputes the reference cases of this folder with the Python libraries tunebook's metrics imitate.

    python3 check_with_python.py

Uses sacrebleu (BLEU cases), rouge-score (ROUGE cases) and nltk (Porter stemmer vocabulary) when they
are importable and says which it skipped. Exits 1 if a library disagrees with a stored expected value.
The cases whose source is NLTK were made with NLTK because sacrebleu could not be installed where they
were written; sacrebleu must agree with them too.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return json.load(f)


def check(what, expected, actual, tolerance):
    ok = abs(expected - actual) <= tolerance
    print(("ok   " if ok else "FAIL ") + f"{what}: expected {expected!r}, got {actual!r}")
    if not ok:
        failures.append(what)


def bleu_args(case, sentence):
    args = {"tokenize": case.get("tokenize", "13a"), "lowercase": case.get("lowercase", False),
            "smooth_method": case.get("smooth_method", "exp"), "smooth_value": case.get("smooth_value"),
            "effective_order": case.get("effective_order", sentence)}
    return args


def check_bleu():
    try:
        from sacrebleu.metrics import BLEU
    except ImportError:
        print("skip BLEU: sacrebleu is not installed")
        return
    cases = load("bleu_cases.json")
    for c in cases["corpus"]:
        score = BLEU(**bleu_args(c, False)).corpus_score(c["hypotheses"], c["references"])
        check("BLEU corpus " + c["name"], c["expected"], score.score, max(c["tolerance"], 1e-9))
        if "formatted" in c:
            check("BLEU format " + c["name"], 0, 0 if str(score) == c["formatted"] else 1, 0)
    for c in cases["sentence"]:
        score = BLEU(**bleu_args(c, True)).sentence_score(c["hypothesis"], c["references"])
        check("BLEU sentence " + c["name"], c["expected"], score.score, c["tolerance"])
    for c in cases["statistics"]:
        score = BLEU.compute_bleu(list(c["correct"]), list(c["total"]), c["sys_len"], c["ref_len"],
                                  smooth_method=c["smooth_method"], smooth_value=c.get("smooth_value"))
        check("BLEU statistics " + c["name"], c["expected"], score.score, c["tolerance"])
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
    tok = Tokenizer13a()
    for c in cases["tokenize_13a"]:
        check("13a " + repr(c["text"]), 0, 0 if tok(c["text"]).split() == c["tokens"] else 1, 0)


def check_rouge():
    try:
        from rouge_score import rouge_scorer, tokenize
    except ImportError:
        print("skip ROUGE: rouge-score is not installed")
        return
    cases = load("rouge_cases.json")
    for c in cases["score"]:
        scorer = rouge_scorer.RougeScorer(list(c["expected"]), use_stemmer=c["stemming"])
        result = scorer.score(c["target"], c["prediction"])
        tolerance = 0.5 * 10 ** -c["places"]
        for kind, exp in c["expected"].items():
            for field in ("precision", "recall", "fmeasure"):
                check(f"ROUGE {c['name']} {kind} {field}", exp[field], getattr(result[kind], field), tolerance)
    for c in cases["tokenize_ascii"]:
        check("rouge tokenize " + repr(c["text"]), 0, 0 if tokenize.tokenize(c["text"], None) == c["ascii"] else 1, 0)


def check_porter():
    try:
        from nltk.stem import porter
    except ImportError:
        print("skip Porter: nltk is not installed")
        return
    stemmer = porter.PorterStemmer()
    bad = 0
    with open(os.path.join(HERE, "porter_nltk.tsv"), encoding="utf-8") as f:
        for line in f:
            word, stem = line.rstrip("\n").split("\t")
            if stemmer.stem(word) != stem:
                bad += 1
                print(f"FAIL porter {word}: stored {stem}, nltk {stemmer.stem(word)}")
    check("Porter vocabulary mismatches", 0, bad, 0)


check_bleu()
check_rouge()
check_porter()
sys.exit(1 if failures else 0)
