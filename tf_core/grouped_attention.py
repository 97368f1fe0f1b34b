"""Grouped-query attention for one new token, reading each shared key/value head in place.

tf_core.models.llama (like Hugging Face's Llama) runs grouped-query attention as multi-head attention:
``repeat_kv`` expands each of the H_kv cached key/value heads to the ``group = H / H_kv`` query heads it
serves, and that expansion is a copy whenever 1 < H_kv < H (an expanded dimension merged with a real one
cannot stay a view). So a GQA decoding step writes and reads a multi-head-sized K and V at every layer,
and gives back much of the time its smaller cache saved. (With one key/value head, MQA, the expansion
stays a stride-0 view and costs nothing.)

One decoding step needs no copy. The new token's H queries, head h = j·group + i, are regrouped by
the key/value head they read, and each group's ``group`` queries become the rows of one attention
against that head's cached keys:

    q (B, H, 1, Dh)  ->  (B, H_kv, group, Dh)        a view: the group's heads are adjacent
    softmax(q_j K_jᵀ / √Dh) V_j   for each of the H_kv heads j, with ``group`` query rows each

the same numbers as the expanded computation (every query still scores every cached key; nothing is
masked: the new token may see all of them), with K and V read once per key/value head. This is how
decoding kernels that support GQA treat it (FlashAttention, llama.cpp). One new token only: with
T > 1 new tokens the rows of a group would need the causal mask tiled, which this module does not do;
:class:`GroupedAttention` then falls back to the expanded computation.
"""
from __future__ import annotations

import torch
from torch import nn

from tf_core.attention import merge_heads, scaled_dot_product_attention
from tf_core.models.llama import Attention
from tf_core.positional import apply_rope


def grouped_decode_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """q (B, H, 1, Dh): one new token's H query heads; k, v (B, H_kv, S, Dh) with H a multiple of H_kv.
    Returns (B, H, 1, Dh): query head h attends over key/value head h // (H / H_kv) (llama.repeat_kv's
    order), every key allowed, on PyTorch's fused kernel."""
    B, H, T, Dh = q.shape
    Hkv = k.shape[1]
    if T != 1:
        raise ValueError(f"one new token only, got {T}")
    if H % Hkv:
        raise ValueError(f"{H} query heads do not share {Hkv} key/value heads evenly")
    qg = q.reshape(B, Hkv, H // Hkv, Dh)  # (B, Hkv, group, Dh): a view, each group's heads as rows
    out = scaled_dot_product_attention(qg, k, v, need_weights=False).output  # (B, Hkv, group, Dh)
    return out.reshape(B, H, 1, Dh)  # (B, H, 1, Dh)


class GroupedAttention(Attention):
    """tf_core.models.llama's attention, with one new token's step computed by :func:`grouped_decode_attention`
    (no copy of the shared heads); several new tokens, or a call asking for the weights, go the parent's way.
    The same weights and cache as the parent: :func:`use_grouped` turns a loaded model's attention into this."""

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor,
                past: tuple[torch.Tensor, torch.Tensor] | None, mask: torch.Tensor | None, need_weights: bool,
                scale: float | None = None, heads_off: tuple[int, ...] = ()):
        B, T, _ = x.shape
        if T != 1 or need_weights or mask is not None or scale is not None or heads_off:  # Break it's switches too
            return super().forward(x, cos, sin, past, mask, need_weights, scale, heads_off)
        q = self.q(x).view(B, 1, self.n_heads, self.d_head).transpose(1, 2)  # (B, H, 1, Dh)
        k = self.k(x).view(B, 1, self.n_kv_heads, self.d_head).transpose(1, 2)  # (B, Hkv, 1, Dh)
        v = self.v(x).view(B, 1, self.n_kv_heads, self.d_head).transpose(1, 2)  # (B, Hkv, 1, Dh)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        if past is not None:
            k = torch.cat([past[0], k], dim=2)  # (B, Hkv, P+1, Dh)
            v = torch.cat([past[1], v], dim=2)  # (B, Hkv, P+1, Dh)
        out = grouped_decode_attention(q, k, v)  # (B, H, 1, Dh)
        return self.o(merge_heads(out)), (k, v), None  # (B, 1, D)


def use_grouped(model: nn.Module) -> nn.Module:
    """``model`` (a tf_core.models.llama.Llama) with every block's attention computing decoding steps grouped,
    in place (the class changes; no weight, buffer or state is added). Returns it."""
    for block in model.blocks:
        if type(block.attn) is not Attention:
            raise TypeError(f"expected tf_core.models.llama.Attention, got {type(block.attn).__name__}")
        block.attn.__class__ = GroupedAttention
    return model
