"""Lesson `multi-head`: why several attention heads, and why each works in d_model / h dimensions.

One head of width d computes one attention pattern per token: a single weighted average of the
values. h heads of width d/h compute h patterns from the same input, each with its own W_Q, W_K,
W_V slice, and W_O mixes their outputs. The heads share no parameters, and splitting d into h
slices costs the same as one wide head:

    parameters   W_Q, W_K, W_V, W_O: 4 d^2 + 4 d either way (h blocks of d x d/h are one d x d)
    FLOPs        projections 8 T d^2, scores 2 T^2 d, weights x values 2 T^2 d, either way;
                 only the softmax grows: h T^2 exponentials instead of T^2.

This module measures, on a real pretrained encoder and the learner's sentence:
  every head's attention (layers x heads maps of T x T),
  how focused each head is (mean entropy of its rows, in nats; log T is uniform),
  how different two heads of a layer are (mean Hellinger distance between their rows: 0 for
  identical patterns, 1 for rows with no key in common; computed as one batched matrix product,
  where a Jensen-Shannon divergence would take ~1 s at 128 tokens on 2 cores),
  what one head contributes: the change of the final hidden states when that head is zeroed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.models.text_encoder import TextEncoder


@dataclass(frozen=True)
class Costs:
    """Parameters and multiply-adds x 2 (FLOPs) of one attention layer, from the live config."""

    params: int  # W_Q, W_K, W_V, W_O with biases
    flops_projections: int  # Q, K, V and output projections for T tokens
    flops_scores: int  # Q K^T over all heads
    flops_mix: int  # weights x V over all heads
    exps: int  # softmax exponentials


def attention_costs(d_model: int, n_heads: int, n_tokens: int) -> Costs:
    d, h, T = d_model, n_heads, n_tokens
    if d % h:
        raise ValueError(f"d_model={d} is not divisible by n_heads={h}")
    dh = d // h
    return Costs(
        params=4 * (d * d + d),
        flops_projections=4 * 2 * T * d * d,
        flops_scores=h * 2 * T * T * dh,
        flops_mix=h * 2 * T * T * dh,
        exps=h * T * T,
    )


@dataclass(frozen=True)
class MultiHeadResult:
    pieces: tuple[str, ...]
    truncated: bool
    n_total: int
    attentions: np.ndarray  # (L, H, T, T) float32: row i is where token i looks
    entropy: np.ndarray  # (L, H) mean row entropy, nats
    distance: np.ndarray  # (L, H, H) mean Hellinger distance between two heads' rows, in [0, 1]
    ablated: tuple[int, int] | None  # (layer, head) zeroed, if any (an "auto" index resolved by pick_head)
    first_key_share: np.ndarray  # (L, H) mean weight a head's rows put on the first key ([CLS], <s>)
    change: np.ndarray | None  # (T,) |h_ablated - h| / |h| of each token's final hidden state
    costs_multi: Costs  # h heads of d/h
    costs_single: Costs  # one head of d

    @property
    def max_entropy(self) -> float:
        return math.log(len(self.pieces))

    @property
    def effective_keys(self) -> np.ndarray:
        """(L, H) e^entropy: how many keys a head's rows spread over (1: one key, T: uniform)."""
        return np.exp(self.entropy)


def row_entropy(p: torch.Tensor) -> torch.Tensor:
    """(..., T) probability rows -> (...) entropy in nats (xlogy: 0 log 0 = 0)."""
    return -torch.xlogy(p, p).sum(dim=-1)


def head_distance(att: torch.Tensor) -> torch.Tensor:
    """(L, H, T, T) attention -> (L, H, H): the Hellinger distance sqrt(1 - sum_k sqrt(p_k q_k))
    between heads g and h's rows for the same query, averaged over the queries."""
    # subtle: float32 rows sum to 1 only within ~1e-7, and the square root below turns that into
    # a distance of ~1e-4 between a head and itself: renormalise in float64 first.
    p = att.double().clamp_min(0.0)
    p = p / p.sum(dim=-1, keepdim=True)
    root = p.sqrt().permute(0, 2, 1, 3)  # (L, T, H, T): per layer and query, the heads' rows
    overlap = root @ root.transpose(-2, -1)  # (L, T, H, H) Bhattacharyya coefficients
    dist = (1.0 - overlap).clamp_min(0.0).sqrt()  # (L, T, H, H)
    return dist.mean(dim=1)  # (L, H, H)


def pick_head(first_key_share: np.ndarray, layer: int | None = None, head: int | None = None) -> tuple[int, int]:
    """The "auto" rule for the head a lesson shows: the one that puts the LEAST weight on the first
    key (which takes most of the weight in many heads and shows nothing about the sentence). A
    given ``layer`` or ``head`` stays fixed; ties go to the lowest index.

    >>> pick_head(np.array([[0.9, 0.2], [0.1, 0.5]])), pick_head(np.array([[0.9, 0.2], [0.1, 0.5]]), layer=0)
    ((1, 0), (0, 1))
    """
    share = np.asarray(first_key_share, dtype=float)
    # checked: a negative index would silently pick a layer or head counted from the end
    rows = range(share.shape[0]) if layer is None else [limits.IntRange.indices(share.shape[0]).check("layer", layer)]
    cols = range(share.shape[1]) if head is None else [limits.IntRange.indices(share.shape[1]).check("head", head)]
    return min(((i, j) for i in rows for j in cols), key=lambda ij: (share[ij], ij))


def run(encoder: TextEncoder, text: str, max_tokens: int,
        ablate: tuple[int | None, int | None] | None = None) -> MultiHeadResult:
    """Every head's attention on ``text``; with ``ablate=(layer, head)`` also the effect of zeroing
    it. ``None`` for the layer or the head means "auto": :func:`pick_head` on this text."""
    cfg = encoder.model.cfg
    max_tokens = limits.ENCODER_TOKEN_CAP.check("max_tokens", max_tokens)
    if ablate is not None:
        ablate = (None if ablate[0] is None else limits.IntRange.indices(cfg.n_layers).check("layer", ablate[0]),
                  None if ablate[1] is None else limits.IntRange.indices(cfg.n_heads).check("head", ablate[1]))
    tokens = encoder.tokenize(text, max_tokens)
    out = encoder.run(tokens)
    att = torch.stack(out.attentions)[:, 0].double()  # (L, H, T, T)
    entropy = row_entropy(att).mean(dim=-1)  # (L, H)
    distance = head_distance(att)  # (L, H, H)
    first = att[..., 0].mean(dim=-1).cpu().numpy()  # (L, H)
    change = None
    if ablate is not None:
        ablate = pick_head(first, *ablate) if None in ablate else ablate
        layer, head = ablate
        if not (0 <= layer < cfg.n_layers and 0 <= head < cfg.n_heads):
            raise ValueError(f"ablate must be (layer < {cfg.n_layers}, head < {cfg.n_heads}), got {ablate}")
        mask = torch.ones(cfg.n_layers, cfg.n_heads)
        mask[layer, head] = 0.0
        h = out.last_hidden_state[0].double()  # (T, D)
        h_abl = encoder.run(tokens, need_weights=False, head_mask=mask).last_hidden_state[0].double()  # (T, D)
        change = ((h_abl - h).norm(dim=-1) / h.norm(dim=-1)).cpu().numpy()
    T = len(tokens)
    return MultiHeadResult(
        pieces=tokens.pieces,
        truncated=tokens.truncated,
        n_total=tokens.n_total,
        attentions=att.float().cpu().numpy(),
        entropy=entropy.cpu().numpy(),
        distance=distance.cpu().numpy(),
        ablated=ablate,
        first_key_share=first,
        change=change,
        costs_multi=attention_costs(cfg.d_model, cfg.n_heads, T),
        costs_single=attention_costs(cfg.d_model, 1, T),
    )
