"""Scaled dot-product attention and multi-head attention, written out.

    Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V            (Vaswani et al., 2017, eq. 1)

The explicit path below is the lesson: it returns the attention weights the app draws. When the
weights are not needed, :func:`scaled_dot_product_attention` takes PyTorch's fused kernel
(``torch.nn.functional.scaled_dot_product_attention``), which the tests use as the reference.

Masks follow :mod:`tf_core.masks`: boolean, ``True`` = may attend.
Deviation from the textbook formula, stated: a query whose keys are *all* masked gets zero weights
and a zero output (as PyTorch's SDPA does) instead of the NaN an explicit softmax over -inf gives.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass
class AttentionOutput:
    """Result of one attention call.

    output:  (B, H, n_q, d_v)
    weights: (B, H, n_q, n_k) softmax weights (rows sum to 1, or 0 for a fully masked row);
             None when the fast path ran.
    """

    output: torch.Tensor
    weights: torch.Tensor | None


def scaled_dot_product_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    mask: torch.Tensor | None = None,
    scale: float | None = None,
    need_weights: bool = True,
) -> AttentionOutput:
    """softmax(q k^T * scale) v over the last two dimensions.

    q: (..., n_q, d_k), k: (..., n_k, d_k), v: (..., n_k, d_v); usually (B, H, T, Dh).
    mask: boolean, broadcastable to (..., n_q, n_k); True = may attend.
    scale: defaults to 1 / sqrt(d_k); pass 1.0 to see unscaled attention.
    need_weights: False takes the fused PyTorch kernel and returns ``weights=None``.
    """
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must share d_k, got {q.shape[-1]} and {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must have the same number of keys, got {k.shape[-2]} and {v.shape[-2]}")
    if mask is not None and mask.dtype != torch.bool:
        raise TypeError("mask must be boolean (True = may attend); see tf_core.masks")
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)

    if not need_weights:
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
        return AttentionOutput(output=out, weights=None)

    scores = torch.matmul(q, k.transpose(-2, -1)) * scale  # (..., n_q, n_k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
        # subtle: softmax of a row that is all -inf is 0/0 = NaN, and NaN would also poison the
        # gradients of every other row through the backward pass. Give such rows finite scores,
        # then zero their weights: the output of a query with nothing to look at is 0.
        has_key = mask.any(dim=-1, keepdim=True)  # (..., n_q, 1)
        scores = scores.masked_fill(~has_key, 0.0)
        weights = torch.softmax(scores, dim=-1).masked_fill(~has_key, 0.0)
    else:
        weights = torch.softmax(scores, dim=-1)  # (..., n_q, n_k)
    out = torch.matmul(weights, v)  # (..., n_q, d_v)
    return AttentionOutput(output=out, weights=weights)


def split_heads(x: torch.Tensor, n_heads: int) -> torch.Tensor:
    """(B, T, D) -> (B, H, T, D/H): each head sees its own slice of the model dimension."""
    B, T, D = x.shape
    if D % n_heads:
        raise ValueError(f"d_model={D} is not divisible by n_heads={n_heads}")
    return x.view(B, T, n_heads, D // n_heads).transpose(1, 2)  # (B, H, T, Dh)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """(B, H, T, Dh) -> (B, T, H*Dh): the heads' outputs side by side (concat)."""
    B, H, T, Dh = x.shape
    return x.transpose(1, 2).reshape(B, T, H * Dh)  # (B, T, D)


@dataclass(frozen=True)
class MultiHeadParams:
    """Weights of one multi-head attention layer, in ``nn.Linear``'s (out, in) layout.

    Heads share no parameters: head h uses rows h*Dh:(h+1)*Dh of w_q, w_k, w_v, and columns
    h*Dh:(h+1)*Dh of w_o. Splitting one (D, D) matrix this way is why h heads of size D/h cost the
    same parameters and FLOPs as one head of size D.
    """

    w_q: torch.Tensor  # (D, D)
    w_k: torch.Tensor  # (D, D_kv)
    w_v: torch.Tensor  # (D, D_kv)
    w_o: torch.Tensor  # (D, D)
    b_q: torch.Tensor | None = None
    b_k: torch.Tensor | None = None
    b_v: torch.Tensor | None = None
    b_o: torch.Tensor | None = None


@dataclass
class MultiHeadOutput:
    """output: (B, n_q, D); weights: (B, H, n_q, n_k) per head, or None on the fast path."""

    output: torch.Tensor
    weights: torch.Tensor | None


def multi_head_attention(
    x_q: torch.Tensor,
    x_kv: torch.Tensor,
    params: MultiHeadParams,
    n_heads: int,
    mask: torch.Tensor | None = None,
    need_weights: bool = True,
) -> MultiHeadOutput:
    """Multi-head attention by reshape and transpose (no loop over heads).

    x_q: (B, n_q, D) queries' inputs; x_kv: (B, n_k, D_kv) keys'/values' inputs (the same tensor
    for self-attention, the encoder's output for cross-attention).
    mask: boolean, broadcastable to (B, H, n_q, n_k); True = may attend.
    """
    q = split_heads(F.linear(x_q, params.w_q, params.b_q), n_heads)  # (B, H, n_q, Dh)
    k = split_heads(F.linear(x_kv, params.w_k, params.b_k), n_heads)  # (B, H, n_k, Dh)
    v = split_heads(F.linear(x_kv, params.w_v, params.b_v), n_heads)  # (B, H, n_k, Dh)
    att = scaled_dot_product_attention(q, k, v, mask=mask, need_weights=need_weights)
    out = F.linear(merge_heads(att.output), params.w_o, params.b_o)  # (B, n_q, D)
    return MultiHeadOutput(output=out, weights=att.weights)
