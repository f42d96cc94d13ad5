"""Greedy and beam-search decoding in PyTorch: the reference the Java engine is checked against.

Both return, per sentence, the target ids (EOS excluded), the attention rows of every emitted token
(EOS's row included, as the engine's raw output) and the sum of log-probabilities.
"""
from __future__ import annotations

import dataclasses

import torch

from nmt import Seq2Seq

BOS, EOS, PAD = 2, 3, 0


@dataclasses.dataclass
class Hypothesis:
    ids: list[int]
    attention: list[list[float]]  # one row per emitted token, EOS row last when finished
    log_prob: float


def max_target_length(source_length: int, a: float = 2.0, b: int = 10) -> int:
    return int(a * source_length + b)


def pad_batch(sequences: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    lengths = torch.tensor([len(s) for s in sequences])
    ids = torch.full((len(sequences), int(lengths.max())), PAD, dtype=torch.long)
    for i, s in enumerate(sequences):
        ids[i, :len(s)] = torch.tensor(s)
    return ids, lengths


@torch.no_grad()
def greedy(model: Seq2Seq, sources: list[list[int]]) -> list[Hypothesis]:
    """Batched greedy search; a sentence stops at EOS or at its own max length."""
    model.eval()
    ids, lengths = pad_batch(sources)
    memory, mask, state = model.encoder(ids, lengths)
    batch = len(sources)
    previous = torch.full((batch,), BOS, dtype=torch.long)
    results = [Hypothesis([], [], 0.0) for _ in range(batch)]
    limits = [max_target_length(len(s)) for s in sources]
    active = list(range(batch))
    for _ in range(max(limits)):
        log_probs, state_out, attention = model.decoder(previous[active].unsqueeze(1), state[active], memory[active], mask[active])
        state[active] = state_out
        best = log_probs[:, 0].argmax(dim=1)
        still = []
        for row, b in enumerate(active):
            token = int(best[row])
            hyp = results[b]
            hyp.attention.append(attention[row, 0, :lengths[b]].tolist())
            hyp.log_prob += float(log_probs[row, 0, token])
            previous[b] = token
            if token == EOS:
                continue
            hyp.ids.append(token)
            if len(hyp.ids) < limits[b]:
                still.append(b)
        active = still
        if not active:
            break
    return results


def beam(model: Seq2Seq, source: list[int], beam_size: int = 4, length_penalty: float = 1.0) -> Hypothesis:
    """Beam search for one sentence; finished hypotheses are ranked by log_prob / length**length_penalty."""
    return best(beam_candidates(model, source, beam_size), length_penalty)


def best(candidates: list[Hypothesis], length_penalty: float) -> Hypothesis:
    """The candidate ranked first by log_prob / length**length_penalty, length counting EOS."""
    return max(candidates, key=lambda h: h.log_prob / max(1, len(h.attention)) ** length_penalty)


@torch.no_grad()
def beam_candidates(model: Seq2Seq, source: list[int], beam_size: int = 4) -> list[Hypothesis]:
    """The finished hypotheses of a beam search (the live beams if none finished).

    The search itself ranks by raw log-probability; the length penalty only ranks the finished ones,
    so one search serves every length penalty (what tuning on dev relies on).
    """
    model.eval()
    ids, lengths = pad_batch([source])
    memory, mask, state = model.encoder(ids, lengths)
    limit = max_target_length(len(source))
    beams = [Hypothesis([], [], 0.0)]
    states = state
    previous = torch.tensor([BOS])
    finished: list[Hypothesis] = []
    for step in range(limit):
        n = len(beams)
        log_probs, new_states, attention = model.decoder(previous.unsqueeze(1), states, memory.expand(n, -1, -1),
                                                         mask.expand(n, -1))
        scores = torch.tensor([h.log_prob for h in beams]).unsqueeze(1) + log_probs[:, 0]
        top_scores, top_index = scores.view(-1).topk(min(2 * beam_size, scores.numel()))
        vocab = log_probs.size(2)
        next_beams, next_rows, next_tokens = [], [], []
        for score, flat in zip(top_scores.tolist(), top_index.tolist()):
            row, token = divmod(flat, vocab)
            parent = beams[row]
            hyp = Hypothesis(parent.ids + ([] if token == EOS else [token]),
                             parent.attention + [attention[row, 0, :len(source)].tolist()], score)
            if token == EOS or step == limit - 1:
                finished.append(hyp)
            else:
                next_beams.append(hyp)
                next_rows.append(row)
                next_tokens.append(token)
            if len(next_beams) == beam_size:
                break
        if len(finished) >= beam_size or not next_beams:
            break
        beams = next_beams
        states = new_states[next_rows]
        previous = torch.tensor(next_tokens)
    return finished or beams
