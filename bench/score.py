"""Corpus BLEU and chrF of a hypothesis file against a reference file (one sentence per line, same order),
with sacreBLEU's default definitions as model/training/metrics.py implements them. Prints one JSON object.

    /usr/bin/python3 bench/score.py --hypotheses HYP.txt --references REF.txt
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "model" / "training"))

import metrics  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hypotheses", type=Path, required=True)
    parser.add_argument("--references", type=Path, required=True)
    args = parser.parse_args()
    hypotheses = args.hypotheses.read_text(encoding="utf-8").split("\n")[:-1]
    references = args.references.read_text(encoding="utf-8").split("\n")[:-1]
    if len(hypotheses) != len(references):
        raise SystemExit(f"{len(hypotheses)} hypotheses but {len(references)} references")
    print(json.dumps({"sentences": len(hypotheses), "bleu": metrics.corpus_bleu(hypotheses, references),
                      "chrf": metrics.corpus_chrf(hypotheses, references)}))


if __name__ == "__main__":
    main()
