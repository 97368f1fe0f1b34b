"""Lesson `qk-separate`: why queries and keys get their own projection matrices.

Attention scores a query against keys: s_ij = q_i . k_j / sqrt(d_h) with q_i = W_Q x_i + b_Q and
k_j = W_K x_j + b_K. If one matrix served both (W_K := W_Q, b_K := b_Q), then k_j = q_j and

    s_ij = q_i . q_j = s_ji            the score matrix is symmetric, and
    s_ii = |q_i|^2                     each token scores itself by its own squared length,

so "how much i attends to j" would equal "how much j attends to i" (before the softmax), and a
token with a long query vector would mostly look at itself. Separate W_Q, W_K make s = Q K^T a
general (asymmetric, low-rank) bilinear form x_i^T W_Q^T W_K x_j: token i can look for something
other than what it is.

This module measures both on a real pretrained encoder and the learner's sentence: at one layer,
the model's own scores and the scores with the query projection reused for the keys, from the same
input hidden states. Two numbers per head:
  asymmetry   |(S - S^T) / 2|_F / |S|_F: 0 for a symmetric matrix (shared: exactly 0 up to rounding)
  diagonal    the fraction of rows whose largest score is on the diagonal (a token's top choice is
              itself); 1/T would be chance.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.device import to_numpy
from tf_core.attention import split_heads
from tf_core.lab.multi_head import pick_head
from tf_core.models.text_encoder import TextEncoder


@dataclass(frozen=True)
class QKResult:
    pieces: tuple[str, ...]  # the tokens (special tokens included)
    truncated: bool  # the text was cut at max_tokens
    n_total: int  # tokens before the cut
    layer: int
    scores_own: np.ndarray  # (H, T, T) q_i . k_j / sqrt(d_h) with the model's W_Q, W_K
    scores_shared: np.ndarray  # (H, T, T) the same with W_K := W_Q (and b_K := b_Q)
    asym_own: np.ndarray  # (H,) asymmetry of each head's score matrix
    asym_shared: np.ndarray  # (H,)
    diag_own: np.ndarray  # (H,) fraction of rows whose maximum is the diagonal
    diag_shared: np.ndarray  # (H,)
    weights_asym_shared: np.ndarray  # (H,) asymmetry of softmax(scores_shared): the weights are not
    #                                  symmetric even then, because each row is normalised on its own
    first_key_share_own: np.ndarray  # (H,) mean weight softmax(scores_own) rows put on the first key
    wk_params: int  # what a separate W_K (with bias) costs in one layer: d_model^2 + d_model
    dtype: str  # the scores' dtype ("float64")
    rounding_bound: float  # d_h * eps(dtype): the standard bound on a d_h-term dot product's relative
    #                        rounding error; an asymmetry below it is rounding, not structure

    @property
    def auto_head(self) -> int:
        """The head "auto" shows: the one whose rows put the least weight on the first key
        (tf_core.lab.multi_head.pick_head's rule, within this layer)."""
        return pick_head(self.first_key_share_own[None], layer=0)[1]

    @property
    def shared_is_rounding(self) -> bool:
        """The shared scores' asymmetry is within rounding (it must be: q_i . q_j = q_j . q_i exactly)."""
        return bool(self.asym_shared.max() <= self.rounding_bound)

    @property
    def chance(self) -> float:
        """The diagonal fraction if each row's maximum fell on a random key."""
        return 1.0 / len(self.pieces)


def asymmetry(scores: torch.Tensor) -> torch.Tensor:
    """(..., T, T) -> (...): |antisymmetric part|_F / |S|_F, in [0, 1] (0 when S = S^T)."""
    anti = (scores - scores.transpose(-2, -1)) / 2
    norm = torch.linalg.matrix_norm(scores).clamp_min(torch.finfo(scores.dtype).tiny)
    return torch.linalg.matrix_norm(anti) / norm


def diagonal_max_rate(scores: torch.Tensor) -> torch.Tensor:
    """(..., T, T) -> (...): fraction of rows i whose largest score is s_ii.

    subtle: a tie counts as the diagonal only when s_ii equals the row maximum exactly."""
    diag = torch.diagonal(scores, dim1=-2, dim2=-1)  # (..., T)
    return (diag >= scores.amax(dim=-1)).to(torch.float64).mean(dim=-1)


def run(encoder: TextEncoder, text: str, layer: int, max_tokens: int) -> QKResult:
    """Scores of every head at ``layer`` on ``text``, with the model's own and a shared projection."""
    layer = limits.IntRange.indices(encoder.model.cfg.n_layers).check("layer", layer)
    max_tokens = limits.ENCODER_TOKEN_CAP.check("max_tokens", max_tokens)
    tokens = encoder.tokenize(text, max_tokens)
    out = encoder.run(tokens, need_weights=False)
    block = encoder.model.blocks[layer]
    x = out.hidden_states[layer]  # (1, T, D) the block's input
    with torch.inference_mode():
        q = split_heads(block.q(x), block.n_heads)[0].double()  # (H, T, Dh)
        k = split_heads(block.k(x), block.n_heads)[0].double()  # (H, T, Dh)
    scale = 1.0 / math.sqrt(q.shape[-1])
    own = q @ k.transpose(-2, -1) * scale  # (H, T, T)
    shared = q @ q.transpose(-2, -1) * scale  # (H, T, T) keys made with the query projection
    return QKResult(
        pieces=tokens.pieces,
        truncated=tokens.truncated,
        n_total=tokens.n_total,
        layer=layer,
        scores_own=to_numpy(own),
        scores_shared=to_numpy(shared),
        asym_own=to_numpy(asymmetry(own)),
        asym_shared=to_numpy(asymmetry(shared)),
        diag_own=to_numpy(diagonal_max_rate(own)),
        diag_shared=to_numpy(diagonal_max_rate(shared)),
        weights_asym_shared=to_numpy(asymmetry(torch.softmax(shared, dim=-1))),
        first_key_share_own=to_numpy(torch.softmax(own, dim=-1)[..., 0].mean(dim=-1)),
        wk_params=block.k.weight.numel() + block.k.bias.numel(),
        dtype=str(own.dtype).removeprefix("torch."),
        rounding_bound=q.shape[-1] * torch.finfo(own.dtype).eps,
    )
