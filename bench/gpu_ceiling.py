"""What a GPU node buys: the model's ceiling in PyTorch on a CUDA device, by batch size and precision.

    /usr/bin/python3 bench/gpu_ceiling.py --write-ids bench/gpu-ceiling-ids.json   # here: tokenise once
    python3 bench/gpu_ceiling.py --ids bench/gpu-ceiling-ids.json --out DIR         # on the GPU machine

The GPU machine needs only PyTorch: the sentences travel as SentencePiece ids (an untracked file in the working
tree travels with it; it is not committed, so it always follows the model's tokenizer), the model as its checkpoint.
Two measures per precision (fp32, fp16) and batch size (1 to 512 by default):
  step    one decoder step on B rows over a source of the sentences' mean length, timed alone after a warm-up
          (median of repeats, each the mean of many steps; synchronised before and after): its rows/s is the
          ceiling of any engine that runs this model's steps at that batch size;
  greedy  the sentences decoded greedily in length-sorted chunks of B with everything on the device (argmax,
          finished rows fed EOS, attention rows kept and copied to the host once per chunk, one host check of
          "all finished" every 8 steps): target tokens/s of a plain eager engine at that batch size.
fp32 runs with TF32 matrix products off (PyTorch's default), so its figures are true float32; fp16 runs the whole
model in half precision (the masked attention score becomes -6e4, which fp16 holds and exp() still takes to 0).
--device cpu rehearses the script (fp32 only: PyTorch's CPU kernels have no fp16 GRU). Writes
DIR/gpu-ceiling-DATE.md and DIR/gpu-ceiling-DATE.json.
"""
from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from pathlib import Path

import torch

TRAINING = Path(__file__).resolve().parent.parent / "model" / "training"
sys.path.insert(0, str(TRAINING))

import decode  # noqa: E402
import nmt  # noqa: E402
import train  # noqa: E402
from decode import BOS, EOS, max_target_length  # noqa: E402

REFERENCE_MASKED_SCORE = nmt.MASKED_SCORE
FP16_MASKED_SCORE = -6e4  # nmt.MASKED_SCORE (-1e9) overflows fp16; exp(-6e4) is 0 all the same
CHECKED_SENTENCES = 64
STEPS_PER_TIMING = 50


def write_ids(args) -> None:
    import sentencepiece as spm  # here only: the GPU machine reads the ids this writes
    from export import MAX_SOURCE_LENGTH  # the Java engine truncates sources to this
    sp = spm.SentencePieceProcessor(model_file=str(args.model_dir / "source.model"))
    lines = [line.split("\t", 1)[0] for line in args.sentences.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [piece_ids[:MAX_SOURCE_LENGTH] for piece_ids in sp.encode(lines[:args.n])]
    args.write_ids.write_text(json.dumps({"sentences": str(args.sentences), "ids": ids}) + "\n")
    print(f"{len(ids)} sentences of {args.sentences} -> {args.write_ids}")


def synchronise(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


@torch.no_grad()
def time_step(model: nmt.Seq2Seq, rows: int, source_length: int, repeats: int, device, dtype) -> float:
    """Seconds per decoder step on `rows` rows, median of `repeats` timings after a warm-up."""
    config = model.config
    previous = torch.randint(4, config.target_vocab, (rows,), device=device)
    state = torch.randn(rows, config.decoder_hidden, device=device, dtype=dtype)
    memory = torch.randn(rows, source_length, config.memory_size, device=device, dtype=dtype)
    mask = torch.ones(rows, source_length, device=device, dtype=dtype)
    for _ in range(10):
        model.decoder.step(previous, state, memory, mask)
    timings = []
    for _ in range(repeats):
        synchronise(device)
        began = time.perf_counter()
        for _ in range(STEPS_PER_TIMING):
            model.decoder.step(previous, state, memory, mask)
        synchronise(device)
        timings.append((time.perf_counter() - began) / STEPS_PER_TIMING)
    return statistics.median(timings)


@torch.no_grad()
def greedy_chunk(model: nmt.Seq2Seq, sources: list[list[int]], device) -> list[list[int]]:
    """Decodes one chunk greedily on the device; returns each sentence's target ids (EOS excluded)."""
    ids, lengths = decode.pad_batch(sources)
    memory, mask, state = model.encoder(ids.to(device), lengths.to(device))
    limits = torch.tensor([max_target_length(len(s)) for s in sources], device=device)
    previous = torch.full((len(sources),), BOS, dtype=torch.long, device=device)
    finished = torch.zeros(len(sources), dtype=torch.bool, device=device)
    tokens, rows = [], []
    for step in range(int(limits.max())):
        log_probs, state, attention = model.decoder.step(previous, state, memory, mask)
        token = torch.where(finished, torch.full_like(previous, EOS), log_probs.argmax(dim=1))
        tokens.append(token)
        rows.append(attention)
        finished |= (token == EOS) | (step + 1 >= limits)
        previous = token
        if step % 8 == 7 and bool(finished.all()):
            break
    torch.stack(rows, dim=1).cpu()  # what an engine must hand out: every row's attention
    emitted = torch.stack(tokens, dim=1).tolist()
    return [row[:row.index(EOS)] if EOS in row else row for row in emitted]


def time_greedy(model, sources: list[list[int]], batch: int, repeats: int, device) -> tuple[float, int]:
    """Median seconds over `repeats` runs of all sentences in length-sorted chunks of `batch`, and their tokens."""
    ordered = sorted(sources, key=len)
    chunks = [ordered[i:i + batch] for i in range(0, len(ordered), batch)]
    greedy_chunk(model, chunks[0], device)  # warm-up, e.g. cuDNN's choice of GRU kernels
    timings, tokens = [], 0
    for _ in range(repeats):
        synchronise(device)
        began = time.perf_counter()
        tokens = sum(len(ids) for chunk in chunks for ids in greedy_chunk(model, chunk, device))
        synchronise(device)
        timings.append(time.perf_counter() - began)
    return statistics.median(timings), tokens


def agreement(model, reference, sources: list[list[int]], device) -> int:
    """How many of `sources` decode to exactly decode.greedy's ids with the float32 `reference` model (on the CPU,
    where decode.greedy builds its tensors)."""
    ours = greedy_chunk(model, sources, device)
    theirs = [hypothesis.ids for hypothesis in decode.greedy(reference, sources)]
    return sum(a == b for a, b in zip(ours, theirs))


def step_flops(config: nmt.ModelConfig, source_length: int) -> float:
    """Multiply-adds x 2 of one decoder step row: GRU, query, attention, combine, output."""
    e, h, m, v = config.embedding, config.decoder_hidden, config.memory_size, config.target_vocab
    return 2 * (3 * (e + h) * h + h * m + 2 * source_length * m + (m + h) * e + e * v)


def render(report: dict) -> str:
    lines = ["# The model's ceiling on a GPU (PyTorch eager)", "",
             f"Device {report['device_name']}, PyTorch {report['torch']}, {report['sentences']} sentences of "
             f"{report['sentences_file']} (mean source {report['source_length']} subwords), checkpoint "
             f"{report['checkpoint']}. Step: one decoder step on B rows, median of {report['repeats']} timings of "
             f"{STEPS_PER_TIMING} steps each after 10 warm-up steps. Greedy: every sentence, length-sorted chunks of B, "
             f"on the device, attention copied to the host once per chunk; median of {report['repeats']} runs after "
             "a warm-up chunk. Tokens are target subwords, EOS excluded.", "",
             "| precision | batch | step ms | step rows/s | step GFLOP/s | greedy tok/s | greedy sent/s |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in report["results"]:
        lines.append(f"| {r['precision']} | {r['batch']} | {1000 * r['step_seconds']:.3f} | "
                     f"{r['batch'] / r['step_seconds']:.0f} | {r['step_gflops']:.0f} | {r['greedy_tokens_per_s']:.0f} | "
                     f"{r['greedy_sentences_per_s']:.0f} |")
    lines += ["", f"Greedy ids identical to decode.greedy's (float32, the Java engine's reference) on the first "
              f"{report['checked_sentences']} sentences: "
              + ", ".join(f"{p} {n}" for p, n in report["identical_to_reference"].items()) + ".",
              "", "Command:", "", "    " + report["command"], ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=Path("model/artifacts/en-fr"))
    parser.add_argument("--sentences", type=Path, default=Path("model/training/testsets/software.tsv"))
    parser.add_argument("-n", type=int, default=2048, help="first N sentences (--write-ids)")
    parser.add_argument("--write-ids", type=Path, help="only tokenise the sentences into this JSON file")
    parser.add_argument("--ids", type=Path, help="tokenised sentences from --write-ids")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--precisions", default="fp32,fp16")
    parser.add_argument("--batch-sizes", default="1,8,32,64,128,256,512")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    if args.write_ids:
        write_ids(args)
        return
    if args.ids is None:
        parser.error("--ids (from --write-ids) or --write-ids")
    tokenised = json.loads(args.ids.read_text())
    sources = tokenised["ids"]
    device = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    source_length = round(sum(map(len, sources)) / len(sources))
    checkpoint = args.model_dir / "checkpoint.pt"
    reference = train.load(checkpoint)[0].eval()
    checked = sources[:CHECKED_SENTENCES]
    results, agreements = [], {}
    for precision in args.precisions.split(","):
        dtype = {"fp32": torch.float32, "fp16": torch.float16}[precision]
        # the reference decodes under the same masked score: in float32, exp() takes -6e4 to 0 as it does -1e9
        nmt.MASKED_SCORE = FP16_MASKED_SCORE if dtype == torch.float16 else REFERENCE_MASKED_SCORE
        model = train.load(checkpoint)[0].eval().to(device=device, dtype=dtype)
        agreements[precision] = agreement(model, reference, checked, device)
        for batch in [int(b) for b in args.batch_sizes.split(",")]:
            step = time_step(model, batch, source_length, args.repeats, device, dtype)
            seconds, tokens = time_greedy(model, sources, batch, args.repeats, device)
            results.append({"precision": precision, "batch": batch, "step_seconds": step,
                            "step_gflops": batch * step_flops(model.config, source_length) / step / 1e9,
                            "greedy_seconds": seconds, "greedy_tokens": tokens,
                            "greedy_tokens_per_s": tokens / seconds, "greedy_sentences_per_s": len(sources) / seconds})
            print(json.dumps(results[-1]), flush=True)
    report = {"device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
              "torch": torch.__version__, "sentences": len(sources), "sentences_file": tokenised["sentences"],
              "source_length": source_length, "checkpoint": str(checkpoint), "repeats": args.repeats,
              "checked_sentences": len(checked), "identical_to_reference": agreements,
              "command": "python3 bench/gpu_ceiling.py " + " ".join(sys.argv[1:]), "results": results}
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"gpu-ceiling-{datetime.date.today()}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    stem.with_suffix(".md").write_text(render(report))
    print(render(report))


if __name__ == "__main__":
    main()
