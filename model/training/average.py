"""Average the weights of the last training snapshots into the checkpoint that is published.

    /usr/bin/python3 average.py --snapshots work/snapshots --last 5 --corpus work/corpus \
        --vocab ../artifacts/en-fr --out ../artifacts/en-fr/checkpoint.pt

The mean of the last few saves of a run whose learning rate has decayed is a flatter, usually better
point than the last save alone. Both are scored by dev NLL and the better one is written, with the
last snapshot's history and a record of what was averaged, so the choice is measured, not assumed.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import sentencepiece as spm
import torch

import train
from nmt import ModelConfig


def average_state(paths: list[Path]) -> dict:
    """Element-wise mean of the snapshots' weights, accumulated in float32, stored back as float16."""
    states = [torch.load(p, map_location="cpu", weights_only=False)["state"] for p in paths]
    averaged = {}
    for key, first in states[0].items():
        if first.is_floating_point():
            averaged[key] = (sum(s[key].float() for s in states) / len(states)).half()
        else:
            averaged[key] = first
    return averaged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshots", type=Path, default=Path("work/snapshots"))
    parser.add_argument("--last", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=Path("work/corpus"))
    parser.add_argument("--vocab", type=Path, default=Path("../artifacts/en-fr"))
    parser.add_argument("--out", type=Path, default=Path("../artifacts/en-fr/checkpoint.pt"))
    args = parser.parse_args()
    train.configure_threads("cpu")

    paths = sorted(args.snapshots.glob("step-*.pt"))[-args.last:]
    if not paths:
        raise SystemExit(f"no snapshots step-*.pt under {args.snapshots}: run train.py with --snapshots")
    last = torch.load(paths[-1], map_location="cpu", weights_only=False)
    source_sp = spm.SentencePieceProcessor(model_file=str(args.vocab / "source.model"))
    target_sp = spm.SentencePieceProcessor(model_file=str(args.vocab / "target.model"))
    dev = train.encode_file(args.corpus / "dev.tsv", source_sp, target_sp)

    candidates = {"last": last["state"], f"mean of last {len(paths)}": average_state(paths)}
    scores = {}
    for name, state in candidates.items():
        scores[name] = train.dev_loss(train.model_from(last["config"], state), dev, "cpu", 4000)
        print(f"{name}: dev nll {scores[name]:.4f}", flush=True)
    best = min(scores, key=scores.get)
    history = last["history"]
    history["averaged"] = {"snapshots": [p.stem for p in paths], "chosen": best,
                           "dev_nll": {k: round(v, 4) for k, v in scores.items()}}
    train.save_state(args.out, ModelConfig(**last["config"]), candidates[best], history)
    print(json.dumps(history["averaged"]), flush=True)


if __name__ == "__main__":
    main()
