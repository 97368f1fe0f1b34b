"""The layers both of the project's small Transformers are built from (tiny_gpt.TinyGPT and
seq2seq.Seq2Seq): multi-head attention with biases whose keys and values come from any input, the
GELU feed-forward, and GPT-2's initialisation."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from tf_core.attention import merge_heads, scaled_dot_product_attention, split_heads


class Attention(nn.Module):
    """Multi-head attention with biases, its keys and values projected from any input: the same
    tokens (self-attention) or the encoder's output (cross-attention)."""

    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        self.n_heads = n_heads
        self.q = nn.Linear(d_model, d_model)
        self.k = nn.Linear(d_model, d_model)
        self.v = nn.Linear(d_model, d_model)
        self.o = nn.Linear(d_model, d_model)

    def keys_values(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (B, S, D) -> K, V, each (B, H, S, Dh): what a KV cache keeps."""
        return split_heads(self.k(x), self.n_heads), split_heads(self.v(x), self.n_heads)

    def forward(self, x: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None,
                need_weights: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
        """x: (B, T, D) the queries' input; k, v: (B, H, S, Dh); mask: broadcastable to (B, H, T, S),
        True = may attend. Returns (out (B, T, D), weights (B, H, T, S) or None)."""
        q = split_heads(self.q(x), self.n_heads)  # (B, H, T, Dh)
        att = scaled_dot_product_attention(q, k, v, mask=mask, need_weights=need_weights)  # (B, H, T, Dh)
        return self.o(merge_heads(att.output)), att.weights  # (B, T, D)


class FeedForward(nn.Module):
    """W_2 · GELU(W_1 · x + b_1) + b_2, applied to every position alone."""

    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.up = nn.Linear(d_model, d_ff)
        self.down = nn.Linear(d_ff, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(F.gelu(self.up(x)))  # (B, T, d_ff) inside, (B, T, D) out


def init_weights(model: nn.Module, n_residual_layers: int) -> None:
    """GPT-2's initialisation (as nanoGPT): weights N(0, 0.02), biases 0, LayerNorm 1 and 0, and the
    projections that write into the residual stream (attention's W_O, the FFN's W_2) scaled down by
    sqrt(2 · layers), so the stream's variance does not grow with depth at the start."""
    for name, p in model.named_parameters():
        if p.dim() >= 2:
            std = 0.02 / math.sqrt(2 * n_residual_layers) if name.endswith((".o.weight", ".down.weight")) else 0.02
            nn.init.normal_(p, mean=0.0, std=std)
        elif "ln" in name and name.endswith("weight"):
            nn.init.ones_(p)
        else:
            nn.init.zeros_(p)
