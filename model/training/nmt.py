"""The attention encoder-decoder: a bidirectional GRU encoder and a GRU decoder with Luong attention.

Luong's "general" score, score(h_t, m_s) = (W h_t) . m_s, projects the one decoder query per step rather
than every encoder state, so a decoder step costs O(S * M) beyond the GRU. The attention weights of each
step are returned, because they are the product: the alignment matrix, row by row.

Padding never changes a sentence's encoding: the forward GRU is causal and padding comes after the last
token, and the backward GRU reads each sentence reversed *within its own length* (pads stay at the end),
which is what packed sequences compute, expressed with a gather that exports to plain ONNX.
"""
from __future__ import annotations

import dataclasses

import torch
from torch import nn

MASKED_SCORE = -1e9  # exp() of it underflows to exactly 0, so padded positions get exactly zero weight


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    source_vocab: int
    target_vocab: int
    embedding: int = 256
    encoder_hidden: int = 256  # per direction; encoder states are 2x this wide
    decoder_hidden: int = 384
    dropout: float = 0.1
    pad_id: int = 0

    @property
    def memory_size(self) -> int:
        return 2 * self.encoder_hidden


def reverse_within_length(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """x[b, :len_b] reversed in time for each row; positions at or past len_b stay where they are."""
    steps = torch.arange(x.size(1), device=x.device).unsqueeze(0)
    last = (lengths - 1).unsqueeze(1)
    index = torch.where(steps <= last, last - steps, steps)
    return x.gather(1, index.unsqueeze(2).expand(-1, -1, x.size(2)))


class Encoder(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.embed = nn.Embedding(config.source_vocab, config.embedding, padding_idx=config.pad_id)
        self.forward_rnn = nn.GRU(config.embedding, config.encoder_hidden, batch_first=True)
        self.backward_rnn = nn.GRU(config.embedding, config.encoder_hidden, batch_first=True)
        self.bridge = nn.Linear(config.memory_size, config.decoder_hidden)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, source_ids: torch.Tensor, source_lengths: torch.Tensor):
        """-> memory [B,S,M] (zero at pads), mask [B,S] float (1 = token), initial decoder state [B,H]."""
        steps = torch.arange(source_ids.size(1), device=source_ids.device).unsqueeze(0)
        mask = (steps < source_lengths.unsqueeze(1)).float()
        x = self.dropout(self.embed(source_ids))
        forward_states, _ = self.forward_rnn(x)
        reversed_states, _ = self.backward_rnn(reverse_within_length(x, source_lengths))
        backward_states = reverse_within_length(reversed_states, source_lengths)
        memory = torch.cat([forward_states, backward_states], dim=2) * mask.unsqueeze(2)
        last = (source_lengths - 1).view(-1, 1, 1).expand(-1, 1, forward_states.size(2))
        summary = torch.cat([forward_states.gather(1, last).squeeze(1), backward_states[:, 0]], dim=1)
        return memory, mask, torch.tanh(self.bridge(summary))


class Decoder(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.embed = nn.Embedding(config.target_vocab, config.embedding, padding_idx=config.pad_id)
        self.rnn = nn.GRU(config.embedding, config.decoder_hidden, batch_first=True)
        self.query = nn.Linear(config.decoder_hidden, config.memory_size, bias=False)
        self.combine = nn.Linear(config.memory_size + config.decoder_hidden, config.embedding)
        self.output = nn.Linear(config.embedding, config.target_vocab)
        self.output.weight = self.embed.weight  # tied: fewer parameters, better rare-word estimates
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, target_in: torch.Tensor, state: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor):
        """Teacher-forced over T steps (T = 1 for one decoding step).

        -> log-probabilities [B,T,V], final state [B,H], attention [B,T,S] (rows sum to 1, 0 at pads).
        """
        hidden, last = self.rnn(self.dropout(self.embed(target_in)), state.unsqueeze(0))
        scores = torch.bmm(self.query(hidden), memory.transpose(1, 2))
        scores = scores.masked_fill(mask.unsqueeze(1) == 0, MASKED_SCORE)
        attention = torch.softmax(scores, dim=2)
        context = torch.bmm(attention, memory)
        attentional = torch.tanh(self.combine(torch.cat([context, hidden], dim=2)))
        log_probs = torch.log_softmax(self.output(self.dropout(attentional)), dim=2)
        return log_probs, last.squeeze(0), attention

    def step(self, previous_ids: torch.Tensor, state: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor):
        """One decoding step, forward() with T = 1 computed on [B, ...] matrices instead of [B, 1, ...] ones.

        The same arithmetic; exported, the projections become plain Gemm nodes (bias fused) and no [B, 1, V]
        tensor is squeezed at the end, which ONNX Runtime would otherwise copy.
        -> log-probabilities [B,V], next state [B,H], attention [B,S].
        """
        hidden, _ = self.rnn(self.dropout(self.embed(previous_ids)).unsqueeze(1), state.unsqueeze(0))
        hidden = hidden.squeeze(1)
        scores = torch.bmm(memory, self.query(hidden).unsqueeze(2)).squeeze(2)
        scores = scores.masked_fill(mask == 0, MASKED_SCORE)
        attention = torch.softmax(scores, dim=1)
        context = torch.bmm(attention.unsqueeze(1), memory).squeeze(1)
        attentional = torch.tanh(self.combine(torch.cat([context, hidden], dim=1)))
        log_probs = torch.log_softmax(self.output(self.dropout(attentional)), dim=1)
        return log_probs, hidden, attention


class Seq2Seq(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.encoder = Encoder(config)
        self.decoder = Decoder(config)

    def forward(self, source_ids, source_lengths, target_in):
        memory, mask, state = self.encoder(source_ids, source_lengths)
        log_probs, _, attention = self.decoder(target_in, state, memory, mask)
        return log_probs, attention


class EncoderGraph(nn.Module):
    """The exported encoder: (source_ids, source_lengths) -> (memory, source_mask, decoder_state)."""

    def __init__(self, model: Seq2Seq):
        super().__init__()
        self.encoder = model.encoder

    def forward(self, source_ids, source_lengths):
        return self.encoder(source_ids, source_lengths)


class DecoderStepGraph(nn.Module):
    """The exported decoder step: (previous_ids [B], decoder_state, memory, source_mask)
    -> (log_probs [B,V], decoder_state, attention [B,S])."""

    def __init__(self, model: Seq2Seq):
        super().__init__()
        self.decoder = model.decoder

    def forward(self, previous_ids, decoder_state, memory, source_mask):
        return self.decoder.step(previous_ids, decoder_state, memory, source_mask)
