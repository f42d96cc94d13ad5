"""A tiny seeded model exported through the same path as the real one: a fast fixture for the Java tests.

    /usr/bin/python3 make_fixture.py --out ../src/test/resources/tiny-en-fr

Untrained (random, fp16-exact weights), so its translations are nonsense; what it fixes is the contract:
graph names and shapes, padding behaviour, and PyTorch's greedy ids and attention for the parity test.
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import sentencepiece as spm
import torch

import evaluate
import export
from nmt import ModelConfig, Seq2Seq

TINY = dict(embedding=16, encoder_hidden=16, decoder_hidden=24, dropout=0.0)


def tiny_model(source_vocab: int, target_vocab: int, seed: int = 7) -> Seq2Seq:
    torch.manual_seed(seed)
    model = Seq2Seq(ModelConfig(source_vocab=source_vocab, target_vocab=target_vocab, **TINY))
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(3.0)  # sharper distributions than the default init: fewer near-ties between implementations
            p.copy_(p.half().float())
    return model.eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vocab", type=Path, default=Path("../artifacts/en-fr"))
    parser.add_argument("--out", type=Path, default=Path("../src/test/resources/tiny-en-fr"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ("source.model", "target.model"):
        shutil.copy(args.vocab / name, args.out / name)
    sp_src = spm.SentencePieceProcessor(model_file=str(args.out / "source.model"))
    sp_tgt = spm.SentencePieceProcessor(model_file=str(args.out / "target.model"))
    model = tiny_model(sp_src.get_piece_size(), sp_tgt.get_piece_size())
    specs = export.export_graphs(model, args.out)
    history = {"steps": 0, "epochs": 0.0, "target_tokens": 0, "train_seconds": 0.0, "runs": [], "dev_loss": []}
    # argmax: the default model's best rule was measured on its own attention; a random model has none
    export.write_manifest(args.out, model, history, specs, "0.0-tiny", link_rule="argmax")
    sentences = evaluate.EXAMPLES[3:] + ["Select a file to open.", "Could not connect to the server.",
                                     "The quick brown fox jumps over the lazy dog.", "Save"]
    reference = evaluate.reference_file(model, sp_src, sentences, "0.0-tiny")
    (args.out / "reference.json").write_text(json.dumps(reference) + "\n")
    print(f"tiny fixture written to {args.out}")


if __name__ == "__main__":
    main()
