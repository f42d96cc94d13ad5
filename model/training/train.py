"""Train (or keep training) the attention model on the built corpus.

    /usr/bin/python3 train.py --corpus work/corpus --vocab ../artifacts/en-fr --checkpoint ../artifacts/en-fr/checkpoint.pt \
        --max-minutes 75 [--device cuda]

Resumes from --checkpoint when it exists, so every run keeps improving the committed weights. Prints
steps, loss, target tokens/s and the ETA of the time or epoch budget; evaluates dev loss and saves the
checkpoint (fp16 weights, config, history) every --eval-minutes and at the end, each save also kept as a
snapshot under --snapshots for checkpoint averaging (average.py).

Dialogue pairs (the corpus's third column) are repeated --dialogue-repeats times per epoch: they are a
seventh of the corpus and the domain the software-heavy rest teaches least.

With --alignments (ibm_align.py's piece links of train.tsv) the loss adds guided alignment (Chen et al. 2016,
"Guided Alignment Training for Topic-Aware Neural Machine Translation"): for every target piece with links, the
cross-entropy of its attention row against a uniform distribution over the linked source pieces, weighted by
--guided-weight. The attention is the product's alignment; this teaches it to point where a statistical
aligner does instead of wherever the decoder happens to find context.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import random
import shutil
import time
from pathlib import Path

import torch

from nmt import ModelConfig, Seq2Seq

BOS, EOS, PAD = 2, 3, 0
MAX_TRAIN_PIECES = 100


def configure_threads(device: str) -> None:
    # Measured on the 2-core build machine: torch intra-op 1 thread beside OpenBLAS's 2 is the fastest mix.
    if device == "cpu":
        torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))


def read_pairs(path: Path) -> list[tuple[str, str, str]]:
    """(source, target, domain) of a corpus file; a two-column file's domain is empty."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        columns = line.split("\t")
        rows.append((columns[0], columns[1], columns[2] if len(columns) > 2 else ""))
    return rows


def encode_file(path: Path, source_sp, target_sp) -> list[tuple[list[int], list[int]]]:
    rows = read_pairs(path)
    return list(zip(source_sp.encode([s for s, _, _ in rows]), target_sp.encode([t for _, t, _ in rows])))


def read_alignments(path: Path) -> list[list[tuple[int, int]]]:
    """Pharaoh lines of piece links (source-target), as ibm_align.py writes them."""
    return [[tuple(map(int, link.split("-"))) for link in line.split()]
            for line in path.read_text().split("\n")[:-1]]


def training_pairs(path: Path, source_sp, target_sp, dialogue_repeats: int, alignments: Path | None):
    """Trainable (source ids, target ids) pairs, dialogue repeated, and each pair's alignment links (or none)."""
    rows = read_pairs(path)
    encoded = list(zip(source_sp.encode([s for s, _, _ in rows]), target_sp.encode([t for _, t, _ in rows])))
    links = read_alignments(alignments) if alignments else [[] for _ in rows]
    if len(links) != len(rows):
        raise SystemExit(f"{alignments} has {len(links)} lines for the {len(rows)} pairs of {path}: rebuild it")
    pairs, pair_links = [], []
    for (source, target), (_, _, domain), found in zip(encoded, rows, links):
        if trainable(source, target):
            for _ in range(dialogue_repeats if domain == "dialogue" else 1):
                pairs.append((source, target))
                pair_links.append(found)
    return pairs, pair_links


def token_batches(pairs, max_tokens: int, shuffle: bool, seed: int):
    """Batches of similar length whose padded target size stays under max_tokens."""
    order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i][1]), len(pairs[i][0])))
    batches, current, longest = [], [], 0
    for i in order:
        longest_if_added = max(longest, len(pairs[i][1]) + 1)
        if current and longest_if_added * (len(current) + 1) > max_tokens:
            batches.append(current)
            current, longest_if_added = [], len(pairs[i][1]) + 1
        current.append(i)
        longest = longest_if_added
    if current:
        batches.append(current)
    if shuffle:
        random.Random(seed).shuffle(batches)
    return batches


def trainable(source: list[int], target: list[int]) -> bool:
    return 0 < len(source) <= MAX_TRAIN_PIECES and 0 < len(target) <= MAX_TRAIN_PIECES


def collate(pairs, indices, device):
    rows = [pairs[i] for i in indices]
    s_len = torch.tensor([len(s) for s, _ in rows])
    t_len = max(len(t) for _, t in rows) + 1
    src = torch.full((len(rows), int(s_len.max())), PAD, dtype=torch.long)
    tgt_in = torch.full((len(rows), t_len), PAD, dtype=torch.long)
    tgt_out = torch.full((len(rows), t_len), PAD, dtype=torch.long)
    for b, (s, t) in enumerate(rows):
        src[b, :len(s)] = torch.tensor(s)
        tgt_in[b, :len(t) + 1] = torch.tensor([BOS] + t)
        tgt_out[b, :len(t) + 1] = torch.tensor(t + [EOS])
    return src.to(device), s_len.to(device), tgt_in.to(device), tgt_out.to(device)


def guide(links: list[list[tuple[int, int]]], target_length: int, source_length: int):
    """Guided-alignment targets of a batch: per target token with links, a uniform distribution over its linked
    source pieces ([B,T,S]), and which rows have one ([B,T])."""
    wanted = torch.zeros(len(links), target_length, source_length)
    for b, found in enumerate(links):
        for s, t in found:
            wanted[b, t, s] = 1.0
    rows = wanted.sum(dim=2)
    return wanted / rows.clamp(min=1).unsqueeze(2), rows > 0


def guided_loss(attention, wanted, rows):
    """Cross-entropy of the attention against the guide, summed over guided rows, and their count."""
    cross = -(wanted * torch.log(attention + 1e-9)).sum(dim=2)
    return cross[rows].sum(), int(rows.sum())


def smoothed_loss(log_probs, gold, smoothing: float):
    """Label-smoothed NLL summed over non-pad tokens, and the plain NLL sum for reporting."""
    mask = gold != PAD
    nll = -log_probs.gather(2, gold.unsqueeze(2)).squeeze(2)
    uniform = -log_probs.mean(dim=2)
    loss = ((1 - smoothing) * nll + smoothing * uniform)[mask].sum()
    return loss, nll[mask].sum(), int(mask.sum())


def dev_loss(model, pairs, device, max_tokens) -> float:
    model.eval()
    total, tokens = 0.0, 0
    with torch.no_grad():
        for batch in token_batches(pairs, max_tokens, shuffle=False, seed=0):
            src, s_len, tgt_in, tgt_out = collate(pairs, batch, device)
            log_probs, _ = model(src, s_len, tgt_in)
            _, nll, n = smoothed_loss(log_probs, tgt_out, 0.0)
            total += float(nll)
            tokens += n
    model.train()
    return total / tokens


TIED_KEY = "decoder.output.weight"  # the same tensor as decoder.embed.weight


def learning_rate(base: float, progress: float, step: int, warmup_steps: int) -> float:
    """Linear warm-up over the first steps (Adam's moments start from zero on every run, resumed or not),
    then cosine decay to a tenth of base over the run's time budget: the best model the budget allows."""
    warm = min(1.0, (step + 1) / warmup_steps) if warmup_steps else 1.0
    return warm * base * (0.1 + 0.45 * (1 + math.cos(math.pi * min(1.0, progress))))


def save(path: Path, model: Seq2Seq, history: dict) -> None:
    # fp16 weights: half the size in the repository; training resumes in fp32 from them.
    state = {k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items() if k != TIED_KEY}
    save_state(path, model.config, state, history)


def save_state(path: Path, config: ModelConfig, state: dict, history: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save({"config": dataclasses.asdict(config), "state": state, "history": history}, tmp)
    tmp.replace(path)


def load(path: Path) -> tuple[Seq2Seq, dict]:
    # the project's own file; PyTorch >= 2.6 would otherwise refuse its history's plain Python values
    saved = torch.load(path, map_location="cpu", weights_only=False)
    return model_from(saved["config"], saved["state"]), saved["history"]


def model_from(config: dict, saved_state: dict) -> Seq2Seq:
    """A model from a saved config and fp16 state (the tied output weight restored)."""
    model = Seq2Seq(ModelConfig(**config))
    state = {k: v.float() if v.is_floating_point() else v for k, v in saved_state.items()}
    state[TIED_KEY] = state["decoder.embed.weight"]
    model.load_state_dict(state)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("work/corpus"))
    parser.add_argument("--vocab", type=Path, default=Path("../artifacts/en-fr"))
    parser.add_argument("--checkpoint", type=Path, default=Path("../artifacts/en-fr/checkpoint.pt"))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--max-minutes", type=float, default=100.0)
    parser.add_argument("--max-epochs", type=float, default=20.0)
    parser.add_argument("--max-tokens", type=int, default=4000, help="padded target tokens per batch")
    parser.add_argument("--lr", type=float, default=1.5e-3)
    parser.add_argument("--smoothing", type=float, default=0.1)
    parser.add_argument("--eval-minutes", type=float, default=10.0)
    parser.add_argument("--warmup-steps", type=int, default=400)
    parser.add_argument("--dialogue-repeats", type=int, default=2)
    parser.add_argument("--snapshots", type=Path, default=None, help="also keep every save here, by step")
    parser.add_argument("--alignments", type=Path, default=None,
                        help="piece alignments of train.tsv (ibm_align.py) for the guided-alignment loss")
    parser.add_argument("--guided-weight", type=float, default=0.5,
                        help="weight of the guided-alignment loss per guided token against the NLL per token")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    configure_threads(args.device)
    torch.manual_seed(args.seed)

    import sentencepiece as spm  # here, not at the top: loading a checkpoint (load) needs only PyTorch
    source_sp = spm.SentencePieceProcessor(model_file=str(args.vocab / "source.model"))
    target_sp = spm.SentencePieceProcessor(model_file=str(args.vocab / "target.model"))
    train, train_links = training_pairs(args.corpus / "train.tsv", source_sp, target_sp, args.dialogue_repeats,
                                        args.alignments)
    guided = args.alignments is not None and args.guided_weight > 0
    dev = encode_file(args.corpus / "dev.tsv", source_sp, target_sp)
    dev_dialogue = [pair for pair, row in zip(dev, read_pairs(args.corpus / "dev.tsv")) if row[2] == "dialogue"]
    train_tokens = sum(len(t) + 1 for _, t in train)
    print(f"train {len(train)} pairs ({train_tokens} target tokens), dev {len(dev)} pairs", flush=True)

    if args.checkpoint.exists():
        model, history = load(args.checkpoint)
        print(f"resuming from {args.checkpoint}: {history['steps']} steps, {history['epochs']:.2f} epochs", flush=True)
    else:
        model = Seq2Seq(ModelConfig(source_vocab=source_sp.get_piece_size(), target_vocab=target_sp.get_piece_size()))
        history = {"steps": 0, "epochs": 0.0, "target_tokens": 0, "train_seconds": 0.0, "runs": [], "dev_loss": []}
    model.to(args.device).train()
    print(f"{sum(p.numel() for p in model.parameters())} parameters", flush=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    run = {"device": args.device, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "max_tokens": args.max_tokens, "lr": args.lr, "smoothing": args.smoothing, "steps": 0,
           "warmup_steps": args.warmup_steps, "dialogue_repeats": args.dialogue_repeats,
           "guided_weight": args.guided_weight if guided else 0.0,
           "minutes": args.max_minutes}
    history["runs"].append(run)

    start = last_eval = time.time()
    budget = args.max_minutes * 60
    window_tokens, window_loss, window_start = 0, 0.0, time.time()
    window_guide, window_guided = 0.0, 0
    epoch = 0
    done = False
    while not done:
        batches = token_batches(train, args.max_tokens, shuffle=True, seed=args.seed + history["steps"] + epoch)
        for i, batch in enumerate(batches):
            src, s_len, tgt_in, tgt_out = collate(train, batch, args.device)
            log_probs, attention = model(src, s_len, tgt_in)
            loss, nll, n = smoothed_loss(log_probs, tgt_out, args.smoothing)
            objective = loss / n
            if guided:
                wanted, rows = guide([train_links[k] for k in batch], tgt_in.size(1), src.size(1))
                guide_sum, guided_rows = guided_loss(attention, wanted.to(args.device), rows.to(args.device))
                objective = objective + args.guided_weight * guide_sum / max(1, guided_rows)
                window_guide += float(guide_sum)
                window_guided += guided_rows
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(args.lr, (time.time() - start) / budget, run["steps"], args.warmup_steps)
            optimizer.zero_grad()
            objective.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            history["steps"] += 1
            run["steps"] += 1
            history["target_tokens"] += n
            history["epochs"] += 1 / len(batches)
            window_tokens += n
            window_loss += float(nll)
            now = time.time()
            if run["steps"] % 50 == 0:
                rate = window_tokens / (now - window_start)
                elapsed = now - start
                eta = min(budget - elapsed, (args.max_epochs - epoch - (i + 1) / len(batches)) * train_tokens / rate)
                alignment = f" attention CE {window_guide / window_guided:.3f}" if window_guided else ""
                print(f"step {history['steps']} epoch {history['epochs']:.2f} nll {window_loss / window_tokens:.3f}"
                      f"{alignment} {rate:.0f} tgt tok/s elapsed {elapsed / 60:.1f} min ETA {max(0, eta) / 60:.1f} min",
                      flush=True)
                window_tokens, window_loss, window_start = 0, 0.0, now
                window_guide, window_guided = 0.0, 0
            out_of_time = now - start >= budget
            if now - last_eval >= args.eval_minutes * 60 or out_of_time:
                history["train_seconds"] += now - last_eval
                loss_dev = dev_loss(model, dev, args.device, args.max_tokens)
                record = {"step": history["steps"], "epochs": round(history["epochs"], 3),
                          "nll": round(loss_dev, 4), "ppl": round(math.exp(loss_dev), 2)}
                if dev_dialogue:
                    record["dialogue_nll"] = round(dev_loss(model, dev_dialogue, args.device, args.max_tokens), 4)
                history["dev_loss"].append(record)
                print(f"dev nll {loss_dev:.3f} ppl {math.exp(loss_dev):.1f}"
                      + (f" (dialogue nll {record['dialogue_nll']:.3f})" if dev_dialogue else "")
                      + f" at step {history['steps']}", flush=True)
                save(args.checkpoint, model, history)
                if args.snapshots:
                    args.snapshots.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(args.checkpoint, args.snapshots / f"step-{history['steps']:07d}.pt")
                last_eval = time.time()
                window_start = last_eval
            if out_of_time:
                done = True
                break
        epoch += 1
        if epoch >= args.max_epochs:
            done = True
    history["train_seconds"] += time.time() - last_eval
    save(args.checkpoint, model, history)
    print(json.dumps(history["dev_loss"][-1:]), flush=True)


if __name__ == "__main__":
    main()
