"""Lesson `kv-cache`: what the KV cache is, and why there is no Q cache.

Greedy generation runs the decoder once per new token. At step t the causal mask lets the new
position read positions 0..t, and the keys and values of positions 0..t-1 are the ones earlier
steps already computed: a position's K and V depend only on the tokens up to it, which do not
change. So they are kept, one (K, V) pair per layer, and each step computes q, k, v for the one
new token and attends over the kept keys (tf_core.cache):

    without a cache   step t runs all t positions again: O(t) work per step, O(n^2) for n tokens
    with a cache      step t runs one position, plus one attention row over t keys

Why no Q cache. In a step, position t's output at a layer is

    out_t = softmax(q_t . K_{0..t} / sqrt(d_h)) V_{0..t}

one query, the newest; every key and value. The past queries q_0 .. q_{t-1} were used once, at
their own steps, to compute the past positions' outputs, and those outputs are already inside the
cache: they became the next layer's past keys and values. Nothing later reads a past query again,
so keeping them would cost memory and save nothing. Shown here, on the real model's keys and
values of one layer: the last row of causal attention, recomputed with every past query replaced
by zeros or by fresh random numbers, is identical bit for bit; change one past KEY instead and the
row changes. And at the model level: the cached step, which computes one query per layer, gives the
logits and the attention row of a full forward, which computes all of them.

The common wrong answer, "training uses the cache too": training has the whole text, so it runs
every position in one forward (teacher forcing, lesson `parallelism`); there is no step to carry a
cache to. Measured here: one forward over the decoded text reproduces the logits of the cached
steps (``teacher_forced_diff``).

Memory, the formula against the tensors: 2 (K and V) x layers x positions x kv_heads x head_dim x
bytes per number (tf_core.cache.kv_cache_bytes) equals ``KVCache.nbytes`` of the final cache.
Grouped-query attention keeps n_kv_heads < n_heads key/value heads (SmolLM2-135M: 3 for 9 query
heads), so its cache is n_kv_heads / n_heads of a multi-head model's: the same formula with n_heads.

The experiment: greedy decoding of ``n_new`` tokens with the cache and of at most
limits.KV_UNCACHED_TOKENS without it (its cost grows with the square of the length), both timed
per step (``llama.generate``); the same tokens; tokens/s at the lengths of RATE_LENGTHS (from the
per-step times of the one run: greedy decoding of k tokens is the first k steps of a longer one;
step 0, which reads the prompt, is left out, as ``Generation.tokens_per_second`` does).

Interface: ``model(ids, cache, *, need_weights=)`` returning ``.logits``, ``.cache`` (a KVCache)
and ``.attentions``, and ``model.cfg`` (n_layers, n_heads, n_kv_heads, d_head, max_positions), as
tf_core.models.llama.Llama.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.attention import scaled_dot_product_attention
from tf_core.cache import KVCache, kv_cache_bytes
from tf_core.lab import decoder_prompt
from tf_core.masks import causal_mask
from tf_core.models.llama import generate, repeat_kv

RATE_LENGTHS = (8, 16, 32, 64, 128, 256)  # generated lengths at which tokens/s is reported (those <= n_new, then n_new)
WARMUP_TOKENS = 2  # an untimed decode first: the first calls allocate and pick kernels


@dataclass(frozen=True)
class NoQueryCache:
    """The "no Q cache" demonstrations at one decoding step: the step that predicts generated token
    k (k = the uncached side's length), over S = prompt + k - 1 positions. NaN where S = 1 (no past).

    Attention level, ``layer``'s real keys and values, random queries (seeded; the claim is about the
    attention function, whatever the queries): the last row of causal attention ..."""

    layer: int
    positions: int  # S
    past_queries_zero_diff: float  # ... with every past query set to 0: max |Δ| of the last row (0.0)
    past_queries_random_diff: float  # ... with every past query redrawn: (0.0)
    past_key_diff: float  # ... with one past key redrawn (the one the newest query weighs most): non-zero
    one_query_diff: float  # ... computed from the newest query alone, no mask: equal up to rounding
    # Model level: the cached step (one query per layer) against a full forward (S queries per layer)
    step_logits_diff: float  # max |step logits - full forward's last logits|
    step_weights_diff: float  # max |step's attention row - full forward's last row|, every layer and head
    cache_key_diff: float  # max |Δ step logits| after redrawing layer 0's cached keys at one past position
    #                        (the one the step's layer-0 query weighs most, mean over heads)
    cache_value_diff: float  # the same for the cached values


@dataclass(frozen=True)
class KVCacheResult:
    pieces: tuple[str, ...]  # the prompt's tokens, readable
    n_prompt: int
    truncated: bool
    n_new: int  # tokens decoded with the cache
    n_uncached: int  # tokens decoded without it: min(n_new, limits.KV_UNCACHED_TOKENS)
    tokens: np.ndarray  # (n_new,) int64 the cached decode's tokens
    generated: tuple[str, ...]  # the same, readable
    same_tokens: bool  # the uncached decode chose the same n_uncached tokens
    logits_diff: float  # max |logits cached - uncached| over the common steps
    step_cached: np.ndarray  # (n_new,) float64 seconds of each step (step 0 reads the prompt)
    step_uncached: np.ndarray  # (n_uncached,)
    rate_lengths: np.ndarray  # (m,) int generated lengths
    rate_cached: np.ndarray  # (m,) tokens/s over steps 1 .. length-1 (NaN at length 1)
    rate_uncached: np.ndarray  # (m,) NaN beyond n_uncached
    cache_positions: int  # positions in the final cache: prompt + n_new - 1 (the last token is never run)
    cache_bytes: int  # KVCache.nbytes, measured from the tensors
    formula_bytes: int  # kv_cache_bytes(...) for the same positions
    mha_bytes: int  # the formula with n_heads key/value heads (plain multi-head attention)
    bytes_per_number: int
    n_layers: int
    n_heads: int
    n_kv_heads: int
    d_head: int
    max_positions: int
    teacher_forced_diff: float  # max |one forward over prompt + tokens - the cached steps' logits| (first n_uncached)
    teacher_forced_same_argmax: bool
    no_q: NoQueryCache

    @property
    def gqa_saving(self) -> float:
        """The fraction of a multi-head cache grouped-query attention does not need."""
        return 1.0 - self.n_kv_heads / self.n_heads

    @property
    def bytes_per_position(self) -> int:
        return kv_cache_bytes(self.n_layers, 1, self.n_kv_heads, self.d_head, self.bytes_per_number)

    @property
    def context_bytes(self) -> int:
        """The cache of a full context (max_positions)."""
        return self.bytes_per_position * self.max_positions

    @property
    def tokens_per_second_cached(self) -> float:
        """Over the whole cached decode (step 0, the prompt, left out)."""
        return _rate(self.step_cached, self.n_new)

    @property
    def tokens_per_second_uncached(self) -> float:
        """Over the whole uncached decode (its own, shorter length)."""
        return _rate(self.step_uncached, self.n_uncached)


def _rate(step_seconds: np.ndarray, length: int) -> float:
    """Tokens per second of the first ``length`` steps, step 0 (the prompt) left out."""
    if length < 2 or length > len(step_seconds):
        return float("nan")
    total = float(step_seconds[1:length].sum())
    return (length - 1) / total if total > 0 else float("nan")


def _with_row_changed(t: torch.Tensor, position: int, g: torch.Generator) -> torch.Tensor:
    """t (B, H_kv, S, Dh) with position's vectors replaced by random ones of the same scale."""
    out = t.clone()
    out[:, :, position] = torch.randn(out[:, :, position].shape, generator=g).to(t) * t.std()
    return out


def no_query_cache(model, seq: torch.Tensor, layer: int, seed: int) -> NoQueryCache:
    """The demonstrations on ``seq`` (1, S): its last position is the decoding step."""
    S = seq.shape[1]
    nan = float("nan")
    full = model(seq, need_weights=True)  # S queries per layer
    if S < 2:
        return NoQueryCache(layer, S, nan, nan, nan, nan, nan, nan, nan, nan)
    prefix = model(seq[:, :-1])  # the cache of the S - 1 past positions
    step = model(seq[:, -1:], prefix.cache, need_weights=True)  # one query per layer
    step_logits_diff = float((step.logits[0, -1] - full.logits[0, -1]).abs().max())
    step_weights_diff = max(float((s[0, :, -1] - f[0, :, -1]).abs().max())
                            for s, f in zip(step.attentions, full.attentions))

    g = torch.Generator().manual_seed(seed)
    # the past position layer 0's newest query weighs most (mean over heads): changing its key or value shows
    past = int(step.attentions[0][0, :, -1, :-1].mean(0).argmax())
    keys, values = list(prefix.cache.keys), list(prefix.cache.values)
    k_changed = KVCache(tuple([_with_row_changed(keys[0], past, g)] + keys[1:]), tuple(values))
    v_changed = KVCache(tuple(keys), tuple([_with_row_changed(values[0], past, g)] + values[1:]))
    cache_key_diff = float((model(seq[:, -1:], k_changed).logits - step.logits).abs().max())
    cache_value_diff = float((model(seq[:, -1:], v_changed).logits - step.logits).abs().max())

    # attention level: this layer's real K and V of all S positions (the step's cache), random queries
    group = model.cfg.n_heads // model.cfg.n_kv_heads
    K = repeat_kv(step.cache.keys[layer], group)  # (1, H, S, Dh)
    V = repeat_kv(step.cache.values[layer], group)  # (1, H, S, Dh)
    Q = torch.randn(K.shape, generator=g).to(K)  # (1, H, S, Dh)
    mask = causal_mask(S, device=K.device)  # (S, S)

    def last_row(q: torch.Tensor, k: torch.Tensor = K) -> torch.Tensor:
        return scaled_dot_product_attention(q, k, V, mask=mask).output[..., -1, :]  # (1, H, Dh)

    want = last_row(Q)
    weights = scaled_dot_product_attention(Q, K, V, mask=mask).weights[0, :, -1, :-1]  # (H, S-1)
    past = int(weights.mean(0).argmax())  # the past key this layer's newest query weighs most
    zeros, redrawn = Q.clone(), Q.clone()
    zeros[:, :, :-1] = 0.0
    redrawn[:, :, :-1] = torch.randn(redrawn[:, :, :-1].shape, generator=g).to(K)
    k_past = K.clone()
    k_past[:, :, past] = torch.randn(k_past[:, :, past].shape, generator=g).to(K) * K.std()
    alone = scaled_dot_product_attention(Q[:, :, -1:], K, V).output[..., -1, :]  # (1, H, Dh): one query, no mask
    return NoQueryCache(
        layer=layer, positions=S,
        past_queries_zero_diff=float((last_row(zeros) - want).abs().max()),
        past_queries_random_diff=float((last_row(redrawn) - want).abs().max()),
        past_key_diff=float((last_row(Q, k_past) - want).abs().max()),
        one_query_diff=float((alone - want).abs().max()),
        step_logits_diff=step_logits_diff, step_weights_diff=step_weights_diff,
        cache_key_diff=cache_key_diff, cache_value_diff=cache_value_diff,
    )


def run(model, tokenizer, text: str, n_new: int = limits.KV_NEW_TOKENS.default, layer: int = 0, seed: int = 0,
        on_step: Callable[[int, int], None] | None = None,
        max_tokens: int = limits.DECODER_TOKENS) -> KVCacheResult:
    """Greedy decoding of ``n_new`` tokens with the cache and min(n_new, KV_UNCACHED_TOKENS) without,
    timed per step; the cache's bytes; the no-Q-cache demonstrations at ``layer``; the teacher-forced
    comparison. on_step(i, total) after every timed step of both decodes (a progress bar), total =
    n_new + n_uncached. ValueError on an empty prompt, n_new, layer or seed outside their limits, or
    a prompt + n_new longer than the model's context."""
    n_new = limits.KV_NEW_TOKENS.check("n_new", n_new)
    seed = limits.SEED.check("seed", seed)
    cfg = model.cfg
    layer = limits.IntRange.indices(cfg.n_layers).check("layer", layer)
    prompt = decoder_prompt.encode(tokenizer, text, max_tokens)
    T = len(prompt)
    if T + n_new > cfg.max_positions:
        raise ValueError(f"{T} prompt tokens + {n_new} new ones exceed the model's {cfg.max_positions} positions")
    n_uncached = min(n_new, limits.KV_UNCACHED_TOKENS)
    total = n_new + n_uncached
    device = next(model.parameters()).device
    ids = prompt.tensor(device)  # (1, T)

    def progress(offset: int):
        return None if on_step is None else (lambda i, _n: on_step(offset + i, total))

    with torch.inference_mode():
        generate(model, ids, min(WARMUP_TOKENS, n_new), use_cache=True)
        generate(model, ids, min(WARMUP_TOKENS, n_new), use_cache=False)
        cached = generate(model, ids, n_new, use_cache=True, on_step=progress(0))
        uncached = generate(model, ids, n_uncached, use_cache=False, on_step=progress(n_new))
        k = n_uncached
        same = torch.equal(cached.tokens[:, :k], uncached.tokens)
        logits_diff = float((cached.logits[:, :k] - uncached.logits).abs().max())
        # the text as the step that chose token k saw it: prompt + the first k - 1 generated tokens
        seq = torch.cat([ids, cached.tokens[:, :k - 1]], dim=1)  # (1, S)
        no_q = no_query_cache(model, seq, layer, seed)
        forced = model(seq).logits[0, T - 1:]  # (k, V): position T-1+i predicts generated token i
        teacher_diff = float((forced - cached.logits[0, :k]).abs().max())
        teacher_same = bool(torch.equal(forced.argmax(-1), cached.tokens[0, :k]))

    cache = cached.cache
    positions = cache.length
    bpn = cache.keys[0].element_size()
    steps_c = np.array(cached.step_seconds, dtype=np.float64)
    steps_u = np.array(uncached.step_seconds, dtype=np.float64)
    lengths = [x for x in RATE_LENGTHS if x < n_new] + [n_new]
    toks = cached.tokens[0].cpu().numpy()
    return KVCacheResult(
        pieces=prompt.pieces,
        n_prompt=T,
        truncated=prompt.truncated,
        n_new=n_new,
        n_uncached=n_uncached,
        tokens=toks,
        generated=tuple(decoder_prompt.piece(tokenizer, int(i)) for i in toks),
        same_tokens=bool(same),
        logits_diff=logits_diff,
        step_cached=steps_c,
        step_uncached=steps_u,
        rate_lengths=np.array(lengths),
        rate_cached=np.array([_rate(steps_c, x) for x in lengths]),
        rate_uncached=np.array([_rate(steps_u, x) for x in lengths]),
        cache_positions=positions,
        cache_bytes=cache.nbytes,
        formula_bytes=kv_cache_bytes(cfg.n_layers, positions, cfg.n_kv_heads, cfg.d_head, bpn),
        mha_bytes=kv_cache_bytes(cfg.n_layers, positions, cfg.n_heads, cfg.d_head, bpn),
        bytes_per_number=bpn,
        n_layers=cfg.n_layers,
        n_heads=cfg.n_heads,
        n_kv_heads=cfg.n_kv_heads,
        d_head=cfg.d_head,
        max_positions=cfg.max_positions,
        teacher_forced_diff=teacher_diff,
        teacher_forced_same_argmax=teacher_same,
        no_q=no_q,
    )

