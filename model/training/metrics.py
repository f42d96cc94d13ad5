"""Corpus BLEU and chrF with sacreBLEU's default definitions, written here because sacreBLEU is not
packaged in Debian (this project's only Python source).

BLEU: mteval-v13a tokenisation, n-grams 1..4, brevity penalty, 'exp' smoothing of zero-match orders.
chrF: character n-grams 1..6 with whitespace removed, precision and recall each averaged over the orders
that occur, combined as F-beta with beta = 2. Both scaled to 0..100.
"""
from __future__ import annotations

import collections
import math
import re

_13A_RULES = [
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
]


def tokenize_13a(line: str) -> list[str]:
    line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    line = line.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    line = f" {line} "
    for pattern, replacement in _13A_RULES:
        line = pattern.sub(replacement, line)
    return line.split()


def _ngrams(tokens, n: int) -> collections.Counter:
    return collections.Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(hypotheses: list[str], references: list[str], max_order: int = 4) -> float:
    matches, totals = [0] * max_order, [0] * max_order
    hyp_len = ref_len = 0
    for hyp, ref in zip(hypotheses, references, strict=True):
        h, r = tokenize_13a(hyp), tokenize_13a(ref)
        hyp_len += len(h)
        ref_len += len(r)
        for n in range(1, max_order + 1):
            hyp_ngrams = _ngrams(h, n)
            matches[n - 1] += sum((hyp_ngrams & _ngrams(r, n)).values())
            totals[n - 1] += max(0, len(h) - n + 1)
    if hyp_len == 0:
        return 0.0
    precisions, smooth = [], 1.0
    for n in range(max_order):
        if totals[n] == 0:
            return 0.0
        if matches[n] == 0:
            smooth *= 2
            precisions.append(100.0 / (smooth * totals[n]))
        else:
            precisions.append(100.0 * matches[n] / totals[n])
    brevity = 1.0 if hyp_len >= ref_len else math.exp(1 - ref_len / hyp_len)
    return brevity * math.exp(sum(math.log(p) for p in precisions) / max_order)


def corpus_chrf(hypotheses: list[str], references: list[str], order: int = 6, beta: float = 2.0) -> float:
    stats = [[0, 0, 0] for _ in range(order)]
    for hyp, ref in zip(hypotheses, references, strict=True):
        h, r = re.sub(r"\s+", "", hyp), re.sub(r"\s+", "", ref)
        for n in range(1, order + 1):
            hyp_ngrams = collections.Counter(h[i:i + n] for i in range(len(h) - n + 1))
            ref_ngrams = collections.Counter(r[i:i + n] for i in range(len(r) - n + 1))
            stats[n - 1][0] += sum(hyp_ngrams.values())
            stats[n - 1][1] += sum(ref_ngrams.values())
            stats[n - 1][2] += sum((hyp_ngrams & ref_ngrams).values())
    precision = recall = 0.0
    effective = 0
    for n_hyp, n_ref, n_match in stats:
        if n_hyp > 0 and n_ref > 0:
            precision += n_match / n_hyp
            recall += n_match / n_ref
            effective += 1
    if effective == 0:
        return 0.0
    precision, recall = precision / effective, recall / effective
    if precision + recall == 0:
        return 0.0
    b2 = beta ** 2
    return 100.0 * (1 + b2) * precision * recall / (b2 * precision + recall)
