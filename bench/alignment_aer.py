"""Alignment error rate of streamlate's forced alignments on the Hansards gold set, one row per link rule.

    mvn -q -B package -DskipTests
    /usr/bin/python3 bench/alignment_aer.py --model model/artifacts/en-fr [--ibm model/training/work/corpus] \
        [--out bench/results/alignment-aer.md]

Each rule runs the runnable jar's `align` subcommand over the gold set's `source ||| target` lines as given
(tokenised, lowercased, contractions split) and scores its Pharaoh output against the human links:
AER = 1 - (|A∩S| + |A∩P|) / (|A| + |S|), precision |A∩P| / |A|, recall |A∩S| / |S| (Och & Ney 2003), the gold
file's 1-indexed sure (i-j) and possible (ipj) links read as zero-based. With --ibm, the statistical aligner that
trains the guided-alignment loss (model/training/ibm_align.py) is scored too, trained on that corpus's train.tsv
plus the gold sentences (unsupervised, as fast_align and GIZA++ are evaluated).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "data" / "alignment" / "hansards-enfr-dev"
JAR = ROOT / "topology" / "target" / "streamlate-all.jar"
RULES = ["argmax", "consuming:argmax",
         "threshold=0.5", "threshold=0.4", "threshold=0.3", "threshold=0.2", "threshold=0.1",
         "argmax+threshold=0.3", "argmax+threshold=0.2",
         "consuming:threshold=0.3", "consuming:argmax+threshold=0.3"]


def read_gold(prefix: Path) -> tuple[list[str], list[tuple[set, set]]]:
    pairs = prefix.with_suffix(".src-tgt").read_text(encoding="utf-8").splitlines()
    links = []
    for line in prefix.with_suffix(".gold").read_text().splitlines():
        sure, possible = set(), set()
        for token in line.split():
            kind = "p" if "p" in token else "-"
            i, j = token.split(kind)
            link = (int(i) - 1, int(j) - 1)
            possible.add(link)
            if kind == "-":
                sure.add(link)
        links.append((sure, possible))
    return pairs, links


def parse_pharaoh(line: str) -> set[tuple[int, int]]:
    return {tuple(map(int, link.split("-"))) for link in line.split()}


def score(hypotheses: list[set], gold: list[tuple[set, set]]) -> dict:
    a_s = a_p = a = s = 0
    for found, (sure, possible) in zip(hypotheses, gold):
        a_s += len(found & sure)
        a_p += len(found & possible)
        a += len(found)
        s += len(sure)
    return {"aer": 100 * (1 - (a_s + a_p) / (a + s)), "precision": 100 * a_p / max(1, a),
            "recall": 100 * a_s / s, "links": a}


def align_with_jar(model: Path, rule: str, pairs_file: Path, threads: int) -> list[set]:
    command = ["java", "-jar", str(JAR), "align", "--model", str(model), "--links", rule,
               "--threads", str(threads), str(pairs_file)]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8")
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    lines = done.stdout.split("\n")[:-1]
    return [parse_pharaoh(line) for line in lines]


def ibm_baseline(corpus: Path, vocab: Path, pairs: list[str]) -> list[set]:
    """ibm_align's symmetrised piece links over train.tsv plus the gold pairs, as word links of the gold pairs."""
    sys.path.insert(0, str(ROOT / "model" / "training"))
    import sentencepiece as spm
    import ibm_align
    import train
    source_sp = spm.SentencePieceProcessor(model_file=str(vocab / "source.model"))
    target_sp = spm.SentencePieceProcessor(model_file=str(vocab / "target.model"))
    rows = train.read_pairs(corpus / "train.tsv")
    sources = [s for s in source_sp.encode([s for s, _, _ in rows])]
    targets = [t for t in target_sp.encode([t for _, t, _ in rows])]
    kept = [k for k in range(len(rows)) if train.trainable(sources[k], targets[k])]
    sources, targets = [sources[k] for k in kept], [targets[k] for k in kept]
    owners = []
    for line in pairs:
        source_words, target_words = (side.split() for side in line.split(" ||| "))
        ids, words = [[], []], [[], []]
        for side, (sp, side_words) in enumerate(((source_sp, source_words), (target_sp, target_words))):
            for w, pieces in enumerate(sp.encode(side_words)):
                ids[side] += pieces
                words[side] += [w] * len(pieces)
        sources.append(ids[0])
        targets.append(ids[1])
        owners.append(words)
    links = ibm_align.align(sources, targets, source_sp.get_piece_size(), target_sp.get_piece_size(),
                            log=lambda line: print(line, file=sys.stderr, flush=True))
    return [{(o[0][s], o[1][t]) for s, t in found} for found, o in zip(links[-len(pairs):], owners)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "model" / "artifacts" / "en-fr")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--ibm", type=Path, default=None, help="corpus directory with train.tsv for the IBM2 row")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="markdown table file; default stdout only")
    args = parser.parse_args()
    pairs, gold = read_gold(args.gold)
    manifest = json.loads((args.model / "manifest.json").read_text())
    rows = []
    for rule in RULES:
        began = time.time()
        result = score(align_with_jar(args.model, rule, args.gold.with_suffix(".src-tgt"), args.threads), gold)
        rows.append((f"streamlate {manifest['model']['version']}, `{rule}`", result))
        print(f"{rule}: AER {result['aer']:.1f} P {result['precision']:.1f} R {result['recall']:.1f} "
              f"({time.time() - began:.0f} s)", file=sys.stderr, flush=True)
    if args.ibm:
        rows.append(("IBM Model 2 (diagonal), both directions, grow-diag: the guided-alignment targets",
                     score(ibm_baseline(args.ibm, args.model, pairs), gold)))
    lines = [f"Gold: {args.gold.name} ({len(pairs)} pairs, {sum(len(s) for s, _ in gold)} sure and "
             f"{sum(len(p) for _, p in gold)} sure-or-possible links). Model: {args.model} "
             f"(version {manifest['model']['version']}, default rule "
             f"`{manifest['decoding_defaults'].get('link_rule', 'argmax')}`).", "",
             "| aligner, link rule | AER | precision | recall | links |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {r['aer']:.1f} | {r['precision']:.1f} | {r['recall']:.1f} | {r['links']} |"
              for name, r in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
