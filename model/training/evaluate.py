"""Tune decoding on dev, evaluate a checkpoint on the fixed test slices, and write what is published beside it.

    /usr/bin/python3 evaluate.py --checkpoint ../artifacts/en-fr/checkpoint.pt --corpus work/corpus \
        --testsets testsets --out ../artifacts/en-fr [--previous work/previous.pt]

1. Tuning: beam size and length penalty chosen by corpus BLEU on the dev split (never on a test slice).
2. Scores: corpus BLEU and chrF on each fixed test slice (testsets/software.tsv, testsets/dialogue.tsv),
   greedy, beam 4 with length penalty 1.0 (the previous default) and the tuned beam; with --previous,
   the model this one was trained from is scored on the same sentences with the same decodings.
Writes under --out: metrics.json (read by export.py for the manifest's decoding defaults), test-output.tsv,
EVAL.md (the hand-written notes at its end are kept), heatmaps/*.png of the example sentences, and
reference.json (PyTorch greedy ids and attention, alone and in padded batches, for the Java parity test).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import sentencepiece as spm

import decode
import export
import metrics
import train

# The seeds' examples, everyday sentences, software sentences: what a person tries first.
EXAMPLES = ["I love you.", "How was your day?", "Who are you?",
            "It is raining today.", "Thank you for your help.", "Where is the train station?",
            "Open the file in a new window.", "The package contains the development files.",
            "Could not connect to the server."]
REFERENCE_SENTENCES = 60
REFERENCE_BATCH = 8
SLICES = ("software", "dialogue")
BEAM_SIZES = (2, 4, 6, 8)
LENGTH_PENALTIES = (0.6, 0.8, 1.0, 1.2, 1.4)
PREVIOUS_DEFAULT = (4, 1.0)  # beam size and length penalty every model shipped with before tuning
NOTES_MARKER = "<!-- Notes below are written by hand; evaluate.py keeps them. -->"


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


def beam_candidates(model, sp_src, sources: list[str], beam_size: int, progress: str = ""):
    """Every sentence's finished beam hypotheses: one search serves every length penalty."""
    out, began = [], time.time()
    for i, ids in enumerate(sp_src.encode(sources)):
        out.append(decode.beam_candidates(model, ids[:export.MAX_SOURCE_LENGTH], beam_size))
        if progress and (i + 1) % 500 == 0:
            rate = (i + 1) / (time.time() - began)
            print(f"  {progress}: {i + 1}/{len(sources)}, ETA {(len(sources) - i - 1) / rate / 60:.1f} min", flush=True)
    return out


def choose(sp_tgt, candidates, length_penalty: float) -> list[str]:
    return [sp_tgt.decode(decode.best(c, length_penalty).ids) for c in candidates]


def scores(outputs: list[str], references: list[str]) -> dict:
    return {"bleu": round(metrics.corpus_bleu(outputs, references), 2),
            "chrf": round(metrics.corpus_chrf(outputs, references), 2)}


def tune(model, sp_src, sp_tgt, dev: list[tuple[str, str]]) -> dict:
    """Corpus BLEU (and chrF) on dev over BEAM_SIZES x LENGTH_PENALTIES; the best BLEU wins, smaller beam on ties."""
    sources, references = [s for s, _ in dev], [t for _, t in dev]
    grid = []
    for beam_size in BEAM_SIZES:
        candidates = beam_candidates(model, sp_src, sources, beam_size, progress=f"dev beam {beam_size}")
        for length_penalty in LENGTH_PENALTIES:
            grid.append({"beam_size": beam_size, "length_penalty": length_penalty,
                         **scores(choose(sp_tgt, candidates, length_penalty), references)})
            print(f"  dev beam {beam_size} lp {length_penalty}: {grid[-1]}", flush=True)
    best = max(grid, key=lambda g: (g["bleu"], -g["beam_size"]))
    return {"dev_sentences": len(dev), "grid": grid, "best": best}


def evaluate_model(model, sp_src, sp_tgt, slices: dict, decoding: tuple[int, float], label: str):
    """Scores of one model on every slice: greedy, the previous default beam and the tuned beam."""
    result, outputs = {}, {}
    for name, pairs in slices.items():
        sources, references = [s for s, _ in pairs], [t for _, t in pairs]
        greedy_out, _ = translate_greedy(model, sp_src, sp_tgt, sources, progress=f"{label} {name} greedy")
        runs = {"greedy": greedy_out}
        searched = {}
        for beam_size, length_penalty in (PREVIOUS_DEFAULT, decoding):
            if beam_size not in searched:
                searched[beam_size] = beam_candidates(model, sp_src, sources, beam_size,
                                                      progress=f"{label} {name} beam {beam_size}")
            runs[decoding_name(beam_size, length_penalty)] = choose(sp_tgt, searched[beam_size], length_penalty)
        result[name] = {run: scores(out, references) for run, out in runs.items()}
        outputs[name] = runs
        print(f"{label} {name}: {json.dumps(result[name])}", flush=True)
    return result, outputs


def decoding_name(beam_size: int, length_penalty: float) -> str:
    return f"beam {beam_size}, lp {length_penalty}"


def read_slices(directory: Path) -> dict[str, list[tuple[str, str]]]:
    return {name: [(s, t) for s, t, _ in train.read_pairs(directory / f"{name}.tsv")] for name in SLICES}


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


def examples(model, sp_src, sp_tgt, out: Path, decoding: tuple[int, float]) -> list[tuple[str, str, str, str]]:
    """(text, greedy, tuned beam, heatmap file) per example; the heatmap shows the greedy attention."""
    heatmaps = out / "heatmaps"
    heatmaps.mkdir(exist_ok=True)
    for old in heatmaps.glob("example-*.png"):
        old.unlink()
    rows = []
    for n, text in enumerate(EXAMPLES, 1):
        src_ids = sp_src.encode(text)
        hyp = decode.greedy(model, [src_ids])[0]
        translation = sp_tgt.decode(hyp.ids)
        beam_translation = sp_tgt.decode(decode.beam(model, src_ids, *decoding).ids)
        pieces_src = [sp_src.id_to_piece(i) for i in src_ids]
        pieces_tgt = [sp_tgt.id_to_piece(i) for i in hyp.ids] + ["</s>"]
        name = f"example-{n}.png"
        heatmap(heatmaps / name, pieces_src, pieces_tgt[:len(hyp.attention)], hyp.attention, f"{text}\n→ {translation}")
        rows.append((text, translation, beam_translation, name))
    return rows


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
    parser.add_argument("--testsets", type=Path, default=Path("testsets"))
    parser.add_argument("--out", type=Path, default=Path("../artifacts/en-fr"))
    parser.add_argument("--previous", type=Path, default=None, help="checkpoint to score beside this one")
    parser.add_argument("--dev-sentences", type=int, default=1500,
                        help="tune on the first N dev pairs (0: all); each beam size decodes them once")
    parser.add_argument("--limit", type=int, default=0, help="first N pairs of dev and of each slice only")
    args = parser.parse_args()
    train.configure_threads("cpu")
    model, history = train.load(args.checkpoint)
    model.eval()
    sp_src = spm.SentencePieceProcessor(model_file=str(args.out / "source.model"))
    sp_tgt = spm.SentencePieceProcessor(model_file=str(args.out / "target.model"))
    slices = read_slices(args.testsets)
    dev = [(s, t) for s, t, _ in train.read_pairs(args.corpus / "dev.tsv")]
    if args.dev_sentences:
        dev = dev[:args.dev_sentences]
    if args.limit:
        slices = {name: pairs[:args.limit] for name, pairs in slices.items()}
        dev = dev[:args.limit]

    tuning = tune(model, sp_src, sp_tgt, dev)
    decoding = (tuning["best"]["beam_size"], tuning["best"]["length_penalty"])
    began = time.time()
    result, outputs = evaluate_model(model, sp_src, sp_tgt, slices, decoding, "model")
    seconds = time.time() - began
    record = {
        "definitions": "sacreBLEU defaults: BLEU 13a tokenisation, exp smoothing; chrF char 6-grams, beta 2",
        "test_sentences": {name: len(pairs) for name, pairs in slices.items()},
        "decoding": {"beam_size": decoding[0], "length_penalty": decoding[1], "tuned_on": "dev, corpus BLEU"},
        "scores": result,
        "steps": history["steps"], "epochs": round(history["epochs"], 2),
        "tuning": tuning,
        "evaluation_seconds": round(seconds),
    }
    if args.previous:
        previous, previous_history = train.load(args.previous)
        previous.eval()
        record["previous"] = {"version": f"1.{previous_history['steps']}", "steps": previous_history["steps"],
                              "scores": evaluate_model(previous, sp_src, sp_tgt, slices, decoding, "previous")[0]}
    print(json.dumps({k: record[k] for k in ("decoding", "scores")}, indent=2), flush=True)
    (args.out / "metrics.json").write_text(json.dumps(record, indent=2) + "\n")
    tuned = decoding_name(*decoding)
    (args.out / "test-output.tsv").write_text("slice\tsource\treference\tgreedy\tbeam\n" + "".join(
        f"{name}\t{s}\t{r}\t{g}\t{b}\n" for name, pairs in slices.items()
        for (s, r), g, b in zip(pairs, outputs[name]["greedy"], outputs[name][tuned])), encoding="utf-8")

    example_rows = examples(model, sp_src, sp_tgt, args.out, decoding)
    reference = reference_file(model, sp_src, [s for s, _ in slices["software"]], f"1.{history['steps']}")
    (args.out / "reference.json").write_text(json.dumps(reference) + "\n")
    (args.out / "EVAL.md").write_text(eval_page(args.out, record, history, example_rows))


def eval_page(out: Path, record: dict, history: dict, example_rows) -> str:
    corpus = json.loads((out / "corpus.json").read_text())
    decoding = record["decoding"]
    tuned = decoding_name(decoding["beam_size"], decoding["length_penalty"])
    models = [(f"this model (1.{record['steps']})", record["scores"])]
    if "previous" in record:
        models.append((f"previous ({record['previous']['version']})", record["previous"]["scores"]))
    n = record["test_sentences"]
    lines = [
        "# streamlate-en-fr: evaluation",
        "",
        f"Two fixed test slices, held out by source hash (no test source in train or dev of any build): "
        f"**software** ({n['software']} pairs: UI strings, package descriptions, help pages) and **dialogue** "
        f"({n['dialogue']} pairs: game dialogue and stories, the Debian handbook's prose), files "
        "`model/training/testsets/`. Corpus sha256 "
        f"`{corpus['sha256'][:16]}…`. Decoding defaults tuned on dev: beam {decoding['beam_size']}, length penalty "
        f"{decoding['length_penalty']}.",
        "",
        "| model | decoding | software BLEU | software chrF | dialogue BLEU | dialogue chrF |",
        "|---|---|---|---|---|---|",
    ]
    for label, result in models:
        for run in result["software"]:
            lines.append(f"| {label} | {run}{' (default)' if run == tuned else ''} | "
                         f"{result['software'][run]['bleu']} | {result['software'][run]['chrf']} | "
                         f"{result['dialogue'][run]['bleu']} | {result['dialogue'][run]['chrf']} |")
    lines += [
        "",
        f"Definitions: {record['definitions']} (implemented in `model/training/metrics.py`, tested against "
        f"sacreBLEU's published values). PyTorch CPU decoding of both slices, all three decodings: "
        f"{record['evaluation_seconds']} s.",
        "",
        "Reproduce (from `model/training`): `/usr/bin/python3 evaluate.py --previous PREVIOUS.pt` after "
        "`build_corpus.py`. Per-sentence outputs: `test-output.tsv` (slice, source, reference, greedy, tuned beam).",
        "",
        "## How it was trained",
        "",
        f"`build.sh` → `train.py`: Adam, label smoothing, token-budget batches, linear warm-up then cosine "
        f"learning-rate decay over each run's time budget, resuming from the committed checkpoint. In all "
        f"{history['steps']} steps, {history['epochs']:.2f} epochs, {history['target_tokens']:,} target tokens in "
        f"{history['train_seconds'] / 3600:.2f} h.",
        "",
        "| run started (UTC) | device | minutes | steps | peak lr | tokens/batch | label smoothing | dialogue repeats |",
        "|---|---|---|---|---|---|---|---|",
        *[f"| {r['started']} | {r['device']} | {r.get('minutes', '—')} | {r['steps']} | {r['lr']} | {r['max_tokens']} "
          f"| {r['smoothing']} | {r.get('dialogue_repeats', 1)} |" for r in history["runs"]],
        "",
    ]
    if "averaged" in history:
        averaged = history["averaged"]
        lines += [f"Published weights: {averaged['chosen']} of the snapshots {', '.join(averaged['snapshots'])} "
                  f"(dev NLL: " + ", ".join(f"{k} {v}" for k, v in averaged["dev_nll"].items()) + ").", ""]
    lines += [
        "## Decoding tuned on dev",
        "",
        f"Corpus BLEU / chrF on the dev split ({record['tuning']['dev_sentences']} pairs).",
        "",
        "| beam | " + " | ".join(f"lp {lp}" for lp in LENGTH_PENALTIES) + " |",
        "|---|" + "---|" * len(LENGTH_PENALTIES),
    ]
    for beam_size in BEAM_SIZES:
        cells = [g for g in record["tuning"]["grid"] if g["beam_size"] == beam_size]
        lines.append(f"| {beam_size} | " + " | ".join(f"{g['bleu']} / {g['chrf']}" for g in cells) + " |")
    lines += [
        "",
        "## Dev loss during training",
        "",
        "| step | epochs | dev NLL | dev perplexity | dialogue dev NLL |",
        "|---|---|---|---|---|",
        *[f"| {d['step']} | {d['epochs']} | {d['nll']} | {d['ppl']} | {d.get('dialogue_nll', '')} |"
          for d in history["dev_loss"]],
        "",
        "## Examples, attention heatmaps",
        "",
        "Greedy and tuned beam; the heatmap is the greedy translation's attention. Rows are target subwords (the "
        "last row is end-of-sentence), columns source subwords; darker is more weight.",
        "",
    ]
    for text, greedy_text, beam_text, name in example_rows:
        lines += [f"**{text}** → {greedy_text} (beam: {beam_text})", "", f"![{text}](heatmaps/{name})", ""]
    eval_path = out / "EVAL.md"
    notes = eval_path.read_text().split(NOTES_MARKER, 1) if eval_path.exists() else []
    lines += [NOTES_MARKER + (notes[1] if len(notes) == 2 else "\n")]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
