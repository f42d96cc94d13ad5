"""PyTorch eager baseline for the Java engine benchmark: the same sentences, batch sizes and thread count.

    /usr/bin/python3 bench/torch_bench.py --model-dir model/artifacts/en-fr --sentences FILE \
        --batch-sizes 1,8,32,64 --beam-sizes 1,4 --repeats 3 --threads 2 [--checkpoint PATH | --tiny]

Greedy runs decode.greedy over length-sorted chunks of each batch size (as evaluate.translate_greedy does).
decode.beam is the per-sentence reference, so beam timings do not depend on the batch size: it is timed once
per repeat and reported for every batch size. With --sgemm it also measures the machine's float32 matrix
product peak (torch.mm on square matrices, the best of several sizes, median of repeats after a warm-up), the
bound the Java benchmark divides by. Prints one JSON object (medians over repeats) on stdout.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

TRAINING = Path(__file__).resolve().parent.parent / "model" / "training"
sys.path.insert(0, str(TRAINING))

import sentencepiece as spm  # noqa: E402
import torch  # noqa: E402

import decode  # noqa: E402
from export import MAX_SOURCE_LENGTH  # noqa: E402  the Java engine truncates sources to this


def load_model(args, sp_src, sp_tgt):
    if args.tiny:
        import make_fixture  # the tiny test fixture is rebuilt from its seed: no checkpoint is published for it
        return make_fixture.tiny_model(sp_src.get_piece_size(), sp_tgt.get_piece_size())
    import train
    model, _ = train.load(args.checkpoint or args.model_dir / "checkpoint.pt")
    return model.eval()


def time_greedy(model, sources, batch_size):
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    began, tokens = time.perf_counter(), 0
    for start in range(0, len(order), batch_size):
        for hyp in decode.greedy(model, [sources[i] for i in order[start:start + batch_size]]):
            tokens += len(hyp.ids)
    return time.perf_counter() - began, tokens


def time_beam(model, sources, beam_size):
    began, tokens = time.perf_counter(), 0
    for source in sources:
        tokens += len(decode.beam(model, source, beam_size).ids)
    return time.perf_counter() - began, tokens


def sgemm_peak(threads: int, repeats: int) -> dict:
    """GFLOP/s of torch.mm (MKL or OpenBLAS sgemm) on n x n matrices, best n, median over repeats."""
    best = {"gflops": 0.0}
    for n in (256, 512, 1024, 2048):
        a, b = torch.randn(n, n), torch.randn(n, n)
        calls = max(1, int(2e10 / (2 * n ** 3)))  # about 20 GFLOP per timing
        for _ in range(2):
            torch.mm(a, b)
        rates = []
        for _ in range(max(repeats, 5)):
            began = time.perf_counter()
            for _ in range(calls):
                torch.mm(a, b)
            rates.append(2 * n ** 3 * calls / (time.perf_counter() - began) / 1e9)
        rate = statistics.median(rates)
        if rate > best["gflops"]:
            best = {"gflops": rate, "n": n, "threads": threads}
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, required=True, help="holds source.model and target.model")
    parser.add_argument("--checkpoint", type=Path, help="default: MODEL_DIR/checkpoint.pt")
    parser.add_argument("--tiny", action="store_true", help="rebuild make_fixture.tiny_model instead of loading")
    parser.add_argument("--sentences", type=Path, required=True, help="one source sentence per line")
    parser.add_argument("--batch-sizes", default="1,8,32,64")
    parser.add_argument("--beam-sizes", default="1,4")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sgemm", action="store_true", help="also measure the sgemm peak")
    parser.add_argument("--sgemm-only", action="store_true", help="measure only the sgemm peak")
    args = parser.parse_args()
    if args.sgemm_only:
        torch.set_num_threads(args.threads)
        print(json.dumps({"torch": torch.__version__, "threads": args.threads,
                          "sgemm": sgemm_peak(args.threads, args.repeats), "results": []}))
        return

    torch.set_num_threads(args.threads)
    sp_src = spm.SentencePieceProcessor(model_file=str(args.model_dir / "source.model"))
    sp_tgt = spm.SentencePieceProcessor(model_file=str(args.model_dir / "target.model"))
    model = load_model(args, sp_src, sp_tgt)
    texts = args.sentences.read_text(encoding="utf-8").splitlines()
    sources = [ids[:MAX_SOURCE_LENGTH] for ids in sp_src.encode(texts)]
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    time_greedy(model, sources[:8], 8)  # warm-up, as the Java side does

    results = []
    for beam in [int(b) for b in args.beam_sizes.split(",")]:
        beam_runs = [time_beam(model, sources, beam) for _ in range(args.repeats)] if beam > 1 else None
        for batch in batch_sizes:
            runs = beam_runs or [time_greedy(model, sources, batch) for _ in range(args.repeats)]
            seconds = statistics.median(r[0] for r in runs)
            results.append({"beam": beam, "batch": batch, "seconds": seconds,
                            "sentences_per_s": len(sources) / seconds, "tokens_per_s": runs[0][1] / seconds})
    report = {"torch": torch.__version__, "threads": args.threads, "sentences": len(sources), "results": results}
    if args.sgemm:
        report["sgemm"] = sgemm_peak(args.threads, args.repeats)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
