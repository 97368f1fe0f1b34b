"""What the two decoders share (llama.Llama, tiny_gpt.TinyGPT): the loop over the blocks, its
output, one block's trace, and the small functions the lessons call instead of switches on forward.

Both are decoder-only, pre-norm Transformers, run the same way:

    x, context = embed(ids, positions P .. P+T)     the T new tokens after the P cached ones
    for each block i:
        x, (K_i, V_i), weights_i, trace_i = block(x, context, cache.layer(i), mask, need_weights)
    logits = head(x)                                final norm, then the tied output projection

``context`` is what every block needs besides x: Llama's RoPE angles (cos, sin) for these
positions, nothing (None) for the tiny GPT, whose positions are added to the embedding once.

A decoder provides ``cfg`` (n_layers, n_heads, n_kv_heads, d_head, vocab_size, max_positions),
``blocks``, ``embed(ids, positions) -> (x (B, T, D), context)``, ``head(x) -> logits`` and
``MATH`` (its sub-steps written out, for the residual-leak lesson), and calls :func:`run` from
its ``forward(ids, cache=None, *, need_weights=False, last_only=False)``: the two switches every
caller of a decoder uses (greedy decoding, the KV cache, the GPU check). What only a lesson needs
is a small function here, not a third switch on forward:

    run(model, ids, mask=unmasked)        the same weights without the causal mask (causal-mask)
    traced(model, ids, mask=...)          every block's sub-steps, every hidden state (residual-leak)
    run(model, ids, on_block=hook)        hook(i, trace) right after block i (parallelism times them)
    run(model, ids, ablation=Ablation(scale=False, ...))   design choices removed for this call (Break it)

An ablation (tf_core.ablation.Ablation: one small frozen object of switches, the causal-mask lesson's
too) is checked against the model and then turns into exactly these per-call arguments: the mask
(``causal=False`` is :func:`unmasked`) and, for the switches inside the blocks, a per-call view of
the model whose blocks, ``embed`` and ``head`` get their options as arguments (llama.Switches).

A mask is a function ``mask(T, S, device)`` giving the boolean (T, S) mask of T new queries over S
keys (True = may attend, tf_core.masks' convention), or None for no mask at all.

Nothing per request is stored on a module: the cache is passed in and returned, weights and traces
are returned.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import torch

from tf_core.cache import KVCache
from tf_core.masks import causal_mask

Mask = Callable[[int, int, torch.device], "torch.Tensor | None"]


def causal(T: int, S: int, device: torch.device) -> torch.Tensor | None:
    """The decoder's mask: query i (at position S - T + i) sees the keys up to its own position.

    subtle: one new token (T = 1) may see every cached key, so no mask at all; T > 1 needs the
    causal mask aligned at the end (query i sits at position P + i, P = S - T cached).
    """
    return causal_mask(T, S, device=device) if T > 1 else None  # (T, S)


def unmasked(T: int, S: int, device: torch.device) -> None:
    """No mask: every query sees every key, as in an encoder. A decoder trained with the causal mask
    gives no good predictions this way; the lessons use it to show where information flows."""
    return None


@dataclass(frozen=True)
class BlockTrace:
    """One block's intermediates in the order they are computed, each (B, T, D). Only ``attn``
    mixes positions: the norms, the feed-forward and the two additions act on each position alone."""

    attn_norm: torch.Tensor  # the norm before attention (RMSNorm in Llama, LayerNorm in the tiny GPT)
    attn: torch.Tensor  # W_O · Attention(...): the sub-layer that reads other positions
    resid1: torch.Tensor  # x + attn: the first residual addition
    mlp_norm: torch.Tensor  # the norm before the feed-forward
    mlp: torch.Tensor  # the feed-forward (SwiGLU in Llama, GELU in the tiny GPT)
    resid2: torch.Tensor  # resid1 + mlp: the block's output


@dataclass(frozen=True)
class BlockMath:
    """What a decoder's block computes at position i, for display beside its trace (math and the
    layers' names read the same in every language)."""

    norm: str  # the norm's name: "RMSNorm", "LayerNorm"
    ffn: str  # the feed-forward's name: "SwiGLU", "GELU"
    formulas: Mapping[str, str]  # BlockTrace field -> the formula at position i


@dataclass(frozen=True)
class DecoderOutput:
    """logits: (B, T, V), or (B, 1, V) with ``last_only``; cache: the keys and values of every
    position so far (the input cache's and these T); attentions: n_layers tensors (B, H, T, P+T),
    empty unless asked for. From :func:`traced` only: hidden_states, n_layers + 1 tensors (B, T, D)
    (the embeddings, then each block's output, before the final norm), and traces, one
    ``BlockTrace`` per block; both empty otherwise."""

    logits: torch.Tensor
    cache: KVCache
    attentions: tuple[torch.Tensor, ...] = ()
    hidden_states: tuple[torch.Tensor, ...] = ()
    traces: tuple[BlockTrace, ...] = ()


def _embed(model, ids: torch.Tensor, cache: KVCache | None):
    """The checked cache, then the T new tokens embedded at the positions after the cached ones."""
    B, T = ids.shape
    cache = KVCache.continuing(cache, model.cfg.n_layers, B, T, model.cfg.max_positions)
    P = cache.length
    positions = torch.arange(P, P + T, device=ids.device)  # (T,): continuing after the cached ones
    x, context = model.embed(ids, positions)  # (B, T, D)
    return x, context, cache


def _blocks(model, x: torch.Tensor, context, cache: KVCache, *, need_weights: bool, last_only: bool, mask: Mask,
            on_block: Callable[[int, BlockTrace], None] | None) -> DecoderOutput:
    """x: (B, T, D) through every block, then the head."""
    T = x.shape[1]
    m = mask(T, cache.length + T, x.device)  # (T, P+T) or None
    keys, values, attentions = [], [], []
    for i, block in enumerate(model.blocks):
        x, (k, v), w, trace = block(x, context, cache.layer(i), m, need_weights)  # x: (B, T, D)
        keys.append(k)
        values.append(v)
        if need_weights:
            attentions.append(w)
        if on_block is not None:
            on_block(i, trace)
        del trace  # this block's intermediates: not kept alive through the next block
    logits = model.head(x if not last_only else x[:, -1:])  # (B, T, V) or (B, 1, V)
    return DecoderOutput(logits=logits, cache=KVCache(tuple(keys), tuple(values)), attentions=tuple(attentions))


def run(model, ids: torch.Tensor, cache: KVCache | None = None, *, need_weights: bool = False,
        last_only: bool = False, mask: Mask = causal,
        on_block: Callable[[int, BlockTrace], None] | None = None, ablation=None) -> DecoderOutput:
    """The forward pass of ``model`` (the loop both decoders' ``forward`` calls).

    ids: (B, T) the new token ids; cache: what earlier calls returned (None: the start of the text).
    need_weights: every layer's attention weights (the explicit path, slower; else PyTorch SDPA).
    last_only: logits of the last position only, all greedy decoding needs.
    mask: :func:`causal` (the decoder's own) or :func:`unmasked`.
    on_block: called as on_block(i, trace) right after block i has run (a lesson times the blocks).
    ablation: a tf_core.ablation.Ablation (None or ``Ablation()``: the model as trained, the same path);
    ValueError when it names a head or layer outside the model or a switch the model lacks.
    Runs with gradients when they are enabled (the tiny GPT trains through it)."""
    if ablation is not None:
        model, mask = ablation.apply(model, mask)
    x, context, cache = _embed(model, ids, cache)
    return _blocks(model, x, context, cache, need_weights=need_weights, last_only=last_only, mask=mask,
                   on_block=on_block)


@torch.inference_mode()
def traced(model, ids: torch.Tensor, *, mask: Mask = causal, need_weights: bool = False) -> DecoderOutput:
    """One forward from the start of the text that also returns every hidden state and each block's
    sub-steps (``DecoderOutput.hidden_states`` and ``.traces``); the logits are those of :func:`run`.
    An inspection, never training: it runs without autograd, whatever the parameters require."""
    x, context, cache = _embed(model, ids, None)
    traces: list[BlockTrace] = []
    out = _blocks(model, x, context, cache, need_weights=need_weights, last_only=False, mask=mask,
                  on_block=lambda i, trace: traces.append(trace))
    return replace(out, hidden_states=(x, *(tr.resid2 for tr in traces)), traces=tuple(traces))


def parameter_bytes(model) -> int:
    """The bytes of the model's parameters as loaded (a tied matrix counted once): what a decoding
    step reads besides its KV cache."""
    return sum(p.numel() * p.element_size() for p in model.parameters())


def dtype_name(model) -> str:
    """The parameters' dtype as a word: "float32", "bfloat16" ..."""
    return str(next(model.parameters()).dtype).removeprefix("torch.")
