"""Evaluate a checkpoint on the held-out test set and write what is published beside the model.

    /usr/bin/python3 evaluate.py --checkpoint ../artifacts/en-fr/checkpoint.pt --corpus work/corpus --out ../artifacts/en-fr

Writes under --out: metrics.json (corpus BLEU and chrF, greedy and beam 4), EVAL.md (the eval page),
heatmaps/*.png (attention of example sentences) and reference.json (PyTorch greedy output ids and
attention for the Java engine's parity test, each sentence alone and in padded batches).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import sentencepiece as spm
import torch

import decode
import export
import metrics
import train

EXAMPLES = ["I love you.", "How was your day?", "Who are you?", "Open the file in a new window.",
            "The package contains the development files."]
REFERENCE_SENTENCES = 60
REFERENCE_BATCH = 8
BEAM_SIZE = 4


def translate_greedy(model, sp_src, sp_tgt, sources: list[str], batch_size: int = 64, progress: str = ""):
    ids = sp_src.encode(sources)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    results: list = [None] * len(ids)
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        for i, hyp in zip(chunk, decode.greedy(model, [ids[i][:export.MAX_SOURCE_LENGTH] for i in chunk])):
            results[i] = hyp
        if progress and (start // batch_size) % 10 == 0:
            print(f"  {progress}: {min(start + batch_size, len(order))}/{len(order)}", flush=True)
    return [sp_tgt.decode(h.ids) for h in results], results


def translate_beam(model, sp_src, sp_tgt, sources: list[str], progress: str = ""):
    out, began = [], time.time()
    for i, ids in enumerate(sp_src.encode(sources)):
        out.append(sp_tgt.decode(decode.beam(model, ids, BEAM_SIZE).ids))
        if progress and (i + 1) % 250 == 0:
            rate = (i + 1) / (time.time() - began)
            print(f"  {progress}: {i + 1}/{len(sources)}, ETA {(len(sources) - i - 1) / rate / 60:.1f} min", flush=True)
    return out


def heatmap(path: Path, source_pieces, target_pieces, attention, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * len(source_pieces), 1.0 + 0.45 * len(target_pieces)))
    ax.imshow(attention, cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(source_pieces)), source_pieces, rotation=60, ha="right")
    ax.set_yticks(range(len(target_pieces)), target_pieces)
    ax.xaxis.tick_top()
    ax.set_title(title, fontsize=9, pad=40)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def reference_file(model, sp_src, test_sources: list[str], manifest_version: str) -> dict:
    """Demo sentences then test sentences; greedy alone and in padded batches of mixed lengths."""
    texts = EXAMPLES[:3] + test_sources[:REFERENCE_SENTENCES - 3]
    ids = sp_src.encode(texts)
    alone = [decode.greedy(model, [s])[0] for s in ids]
    batches = []
    for start in range(0, len(ids), REFERENCE_BATCH):
        members = list(range(start, min(start + REFERENCE_BATCH, len(ids))))
        batches.append({"members": members,
                        "results": [_hyp_json(h) for h in decode.greedy(model, [ids[i] for i in members])]})
    return {
        "model_version": manifest_version,
        "decoding": {"strategy": "greedy", "max_length_a": 2.0, "max_length_b": 10},
        "attention_rows": "one per emitted token, the EOS row last when EOS was emitted",
        "sentences": [{"text": t, "source_ids": s, "greedy": _hyp_json(h)} for t, s, h in zip(texts, ids, alone)],
        "batches": batches,
    }


def _hyp_json(h: decode.Hypothesis) -> dict:
    return {"ids": h.ids, "log_prob": round(h.log_prob, 5),
            "attention": [[round(x, 6) for x in row] for row in h.attention]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, default=Path("../artifacts/en-fr/checkpoint.pt"))
    parser.add_argument("--corpus", type=Path, default=Path("work/corpus"))
    parser.add_argument("--out", type=Path, default=Path("../artifacts/en-fr"))
    parser.add_argument("--limit", type=int, default=0, help="evaluate on the first N test pairs only")
    args = parser.parse_args()
    train.configure_threads("cpu")
    model, history = train.load(args.checkpoint)
    model.eval()
    sp_src = spm.SentencePieceProcessor(model_file=str(args.out / "source.model"))
    sp_tgt = spm.SentencePieceProcessor(model_file=str(args.out / "target.model"))
    pairs = [line.split("\t") for line in (args.corpus / "test.tsv").read_text(encoding="utf-8").splitlines()]
    if args.limit:
        pairs = pairs[:args.limit]
    sources, references = [p[0] for p in pairs], [p[1] for p in pairs]

    began = time.time()
    greedy_out, _ = translate_greedy(model, sp_src, sp_tgt, sources, progress="greedy")
    greedy_seconds = time.time() - began
    began = time.time()
    beam_out = translate_beam(model, sp_src, sp_tgt, sources, progress=f"beam {BEAM_SIZE}")
    beam_seconds = time.time() - began
    result = {
        "test_sentences": len(pairs),
        "greedy": {"bleu": round(metrics.corpus_bleu(greedy_out, references), 2),
                   "chrf": round(metrics.corpus_chrf(greedy_out, references), 2)},
        f"beam{BEAM_SIZE}": {"bleu": round(metrics.corpus_bleu(beam_out, references), 2),
                             "chrf": round(metrics.corpus_chrf(beam_out, references), 2)},
        "definitions": "sacreBLEU defaults: BLEU 13a tokenisation, exp smoothing; chrF char 6-grams, beta 2",
        "steps": history["steps"], "epochs": round(history["epochs"], 2),
    }
    print(json.dumps(result, indent=2), flush=True)
    (args.out / "metrics.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "test-output.tsv").write_text(
        "".join(f"{s}\t{r}\t{g}\t{b}\n" for s, r, g, b in zip(sources, references, greedy_out, beam_out)),
        encoding="utf-8")

    heatmaps = args.out / "heatmaps"
    heatmaps.mkdir(exist_ok=True)
    example_rows = []
    for n, text in enumerate(EXAMPLES, 1):
        src_ids = sp_src.encode(text)
        hyp = decode.greedy(model, [src_ids])[0]
        translation = sp_tgt.decode(hyp.ids)
        pieces_src = [sp_src.id_to_piece(i) for i in src_ids]
        pieces_tgt = [sp_tgt.id_to_piece(i) for i in hyp.ids] + ["</s>"]
        name = f"example-{n}.png"
        heatmap(heatmaps / name, pieces_src, pieces_tgt[:len(hyp.attention)], hyp.attention, f"{text}\n→ {translation}")
        example_rows.append((text, translation, name))

    reference = reference_file(model, sp_src, sources, f"1.{history['steps']}")
    (args.out / "reference.json").write_text(json.dumps(reference) + "\n")
    write_eval_page(args.out, result, history, example_rows, greedy_seconds, beam_seconds)


def write_eval_page(out: Path, result: dict, history: dict, examples, greedy_seconds, beam_seconds) -> None:
    corpus = json.loads((out / "corpus.json").read_text())
    beam_key = f"beam{BEAM_SIZE}"
    lines = [
        "# streamlate-en-fr: evaluation",
        "",
        f"Held-out test set: {result['test_sentences']} sentence pairs (corpus sha256 `{corpus['sha256'][:16]}…`, "
        f"split by source hash, no test source in train). Model after {history['steps']} steps, "
        f"{history['epochs']:.2f} epochs, {history['train_seconds'] / 3600:.2f} h of training.",
        "",
        "| decoding | BLEU | chrF |",
        "|---|---|---|",
        f"| greedy | {result['greedy']['bleu']} | {result['greedy']['chrf']} |",
        f"| beam {BEAM_SIZE} | {result[beam_key]['bleu']} | {result[beam_key]['chrf']} |",
        "",
        f"Definitions: {result['definitions']} (implemented in `model/training/metrics.py`, tested against "
        "sacreBLEU's published values). PyTorch CPU decoding time on the build machine: greedy "
        f"{greedy_seconds:.0f} s, beam {BEAM_SIZE} {beam_seconds:.0f} s.",
        "",
        "Reproduce (from `model/training`): `/usr/bin/python3 evaluate.py` after `build.sh` has built the corpus.",
        "Per-sentence outputs: `test-output.tsv` (source, reference, greedy, beam).",
        "",
        "## How it was trained",
        "",
        f"`build.sh` → `train.py`: Adam, label smoothing, token-budget batches, cosine learning-rate decay over "
        f"each run's time budget, resuming from the committed checkpoint. {history['target_tokens']:,} target "
        f"tokens seen in {history['train_seconds'] / 3600:.2f} h "
        f"({history['target_tokens'] / max(1.0, history['train_seconds']):.0f} target tokens/s on average).",
        "",
        "| run started (UTC) | device | steps | peak lr | tokens/batch | label smoothing |",
        "|---|---|---|---|---|---|",
        *[f"| {r['started']} | {r['device']} | {r['steps']} | {r['lr']} | {r['max_tokens']} | {r['smoothing']} |"
          for r in history["runs"]],
        "",
        "Notes on this model and what would raise its scores: [NOTES.md](NOTES.md).",
        "",
        "## Dev loss during training",
        "",
        "| step | epochs | dev NLL | dev perplexity |",
        "|---|---|---|---|",
        *[f"| {d['step']} | {d['epochs']} | {d['nll']} | {d['ppl']} |" for d in history["dev_loss"]],
        "",
        "## Examples (greedy), attention heatmaps",
        "",
        "Rows are target subwords (the last row is end-of-sentence), columns source subwords; darker is more weight.",
        "",
    ]
    for text, translation, name in examples:
        lines += [f"**{text}** → {translation}", "", f"![{text}](heatmaps/{name})", ""]
    (out / "EVAL.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
