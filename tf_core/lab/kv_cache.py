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
bytes per number (tf_core.cache.kv_cache_bytes) against ``KVCache.nbytes`` of the final cache
(``formula_matches``). Grouped-query attention keeps n_kv_heads < n_heads key/value heads
(SmolLM2-135M: 3 for 9 query heads), so its cache is n_kv_heads / n_heads of a multi-head model's.
Against the weights: every decoding step reads all the weights once and the whole cache once, so at
batch 1 the weights (``weight_bytes``, the parameters as loaded) are most of the bytes a step reads
until the cache has grown to as many bytes: at batch x length = ``crossing_tokens`` positions.

The experiment: greedy decoding of ``n_new`` tokens with the cache and of at most
limits.KV_UNCACHED_TOKENS without it (its cost grows with the square of the length), both timed
per step (``llama.generate``); the same tokens; tokens/s at the lengths of RATE_LENGTHS (from the
per-step times of the one run: greedy decoding of k tokens is the first k steps of a longer one;
step 0, which reads the prompt, is left out, as ``Generation.tokens_per_second`` does). A step slower
than 3x the median of its neighbours (tf_core.device.clip_spikes) enters the sums at that bound, not at
the time measured: one stalled step on a shared machine would otherwise decide the speed-up
(``clipped_cached``, ``clipped_uncached``, ``clipped_steps``).

A prompt and n_new that do not fit the model's context (the tiny GPT reads 256 characters) decode
what fits: ``n_new`` is cut to max_positions - prompt, and ``n_new_asked`` keeps what was asked.

Interface: any decoder of tf_core.models.decoder (Llama, TinyGPT): ``model(ids, cache, *,
need_weights=)`` returning ``.logits``, ``.cache`` (a KVCache) and ``.attentions``, and ``model.cfg``
(n_layers, n_heads, n_kv_heads, d_head, max_positions).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.attention import scaled_dot_product_attention
from tf_core.cache import KVCache, kv_cache_bytes
from tf_core.device import ClippedSteps, clip_spikes, speed_change
from tf_core.lab import decoder_prompt
from tf_core.masks import causal_mask
from tf_core.models import decoder
from tf_core.models.llama import generate, repeat_kv
from tf_core.progress import Progress

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
    pieces: tuple[str, ...]  # the prompt's tokens, readable as characters (tf_core.lab.decoder_prompt)
    byte_pieces: tuple[str, ...]  # the same, each token by itself (hexadecimal where it is part of a character)
    ids: np.ndarray  # (n_prompt,) int64 the prompt's token ids
    n_prompt: int
    truncated: bool
    n_new_asked: int  # the new tokens asked for
    n_new: int  # tokens decoded with the cache: n_new_asked, or what fits the context after the prompt
    n_uncached: int  # tokens decoded without it: min(n_new, limits.KV_UNCACHED_TOKENS)
    tokens: np.ndarray  # (n_new,) int64 the cached decode's tokens
    tokens_uncached: np.ndarray  # (n_uncached,) int64 the uncached decode's
    generated: tuple[str, ...]  # the same, readable
    same_tokens: bool  # the uncached decode chose the same n_uncached tokens
    logits_diff: float  # max |logits cached - uncached| over the common steps
    step_cached: np.ndarray  # (n_new,) float64 seconds of each step (step 0 reads the prompt)
    step_uncached: np.ndarray  # (n_uncached,)
    rate_lengths: np.ndarray  # (m,) int generated lengths
    rate_cached: np.ndarray  # (m,) tokens/s over steps 1 .. length-1 (NaN at length 1), spikes clipped
    rate_uncached: np.ndarray  # (m,) NaN beyond n_uncached
    cache_positions: int  # positions in the final cache: prompt + n_new - 1 (the last token is never run)
    cache_bytes: int  # KVCache.nbytes, measured from the tensors
    formula_bytes: int  # kv_cache_bytes(...) for the same positions
    mha_bytes: int  # the formula with n_heads key/value heads (plain multi-head attention)
    bytes_per_number: int
    dtype: str  # the cache's (and the model's) dtype ("float32")
    weight_bytes: int  # the model's parameters as loaded: what every decoding step reads besides the cache
    n_layers: int
    n_heads: int
    n_kv_heads: int
    d_head: int
    max_positions: int
    teacher_forced_diff: float  # max |one forward over prompt + tokens - the cached steps' logits| (first n_uncached)
    teacher_forced_same_argmax: bool
    no_q: NoQueryCache

    @property
    def same_prefix(self) -> int:
        """How many of the first n_uncached tokens both decodes chose alike before they first differ."""
        differ = np.flatnonzero(self.tokens[:self.n_uncached] != self.tokens_uncached)
        return int(differ[0]) if len(differ) else self.n_uncached

    @property
    def context_cut(self) -> bool:
        """Fewer tokens decoded than asked: the prompt and n_new_asked exceed the model's context."""
        return self.n_new < self.n_new_asked

    @property
    def formula_matches(self) -> bool:
        """The formula gives exactly the bytes the tensors hold."""
        return self.formula_bytes == self.cache_bytes

    @property
    def weights_share(self) -> float:
        """The weights' share of the bytes one step reads at the end of this decode (batch 1):
        weights / (weights + cache)."""
        return self.weight_bytes / (self.weight_bytes + self.cache_bytes)

    @property
    def crossing_tokens(self) -> int:
        """batch x length (cached positions over all sequences) at which the cache holds as many bytes
        as the weights: beyond it the cache is most of what a step reads."""
        return math.ceil(self.weight_bytes / self.bytes_per_position)

    @property
    def crossing_batch(self) -> int:
        """The smallest batch whose cache passes the weights at the full context (max_positions)."""
        return math.ceil(self.crossing_tokens / self.max_positions)

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
    def clipped_cached(self) -> ClippedSteps:
        """The cached decode's steps with their spikes clipped (:func:`clip_steps`)."""
        return clip_steps(self.step_cached)

    @property
    def clipped_uncached(self) -> ClippedSteps:
        return clip_steps(self.step_uncached)

    @property
    def clipped_steps(self) -> int:
        """How many steps of both decodes were clipped."""
        return self.clipped_cached.count + self.clipped_uncached.count

    @property
    def tokens_per_second_cached(self) -> float:
        """Over the whole cached decode (step 0, the prompt, left out; spikes clipped)."""
        return _rate(self.clipped_cached.seconds, self.n_new)

    @property
    def tokens_per_second_uncached(self) -> float:
        """Over the whole uncached decode (its own, shorter length; spikes clipped)."""
        return _rate(self.clipped_uncached.seconds, self.n_uncached)

    @property
    def rate_ratio(self) -> float:
        """Tokens/s with the cache over tokens/s without it (NaN when either is not measured). Above 1
        in a quiet run; a busy machine can push it to 1 or below, so a page reports ``speed_change``."""
        return self.tokens_per_second_cached / self.tokens_per_second_uncached

    @property
    def speed_change(self) -> str:
        """``rate_ratio`` as "faster", "same" or "slower" (tf_core.device.speed_change)."""
        return speed_change(self.rate_ratio)


def clip_steps(step_seconds: np.ndarray) -> ClippedSteps:
    """A decode's per-step seconds with the spikes of steps 1.. clipped (tf_core.device.clip_spikes).
    Step 0 reads the whole prompt, so it is slower by design: kept as measured, and no neighbour of
    step 1."""
    measured = np.asarray(step_seconds, dtype=np.float64)
    rest = clip_spikes(measured[1:])
    return ClippedSteps(measured, np.concatenate([measured[:1], rest.seconds]),
                        np.concatenate([np.full(min(1, len(measured)), np.inf), rest.bound]),
                        np.concatenate([np.zeros(min(1, len(measured)), dtype=bool), rest.clipped]))


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


def no_query_forwards(S: int) -> int:
    """Forward passes :func:`no_query_cache` makes on S positions: the full forward, then (S >= 2)
    the prefix, the step, and the step against a changed key and a changed value."""
    return 5 if S >= 2 else 1


# The text the no-Q-cache demonstrations run on: a prompt of at most DECODER_TOKENS and the first
# KV_UNCACHED_TOKENS - 1 tokens decoded after it (:func:`_no_q_text`), each position five forwards.
NO_Q_POSITIONS = limits.IntRange(1, limits.DECODER_TOKENS + limits.KV_UNCACHED_TOKENS - 1, 1)


def no_query_cache(model, seq: torch.Tensor, layer: int, seed: int) -> NoQueryCache:
    """The demonstrations on ``seq`` (1, S): its last position is the decoding step. ValueError on a layer
    the model lacks, a seed outside limits.SEED or S outside :data:`NO_Q_POSITIONS`."""
    layer = limits.IntRange.indices(model.cfg.n_layers).check("layer", layer)
    seed = limits.SEED.check("seed", seed)
    S = NO_Q_POSITIONS.check("positions", seq.shape[1])
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


def _no_q_text(ids: torch.Tensor, tokens: torch.Tensor, n_uncached: int) -> torch.Tensor:
    """(1, T) prompt, (1, n_new) generated -> (1, S): the text as the step that chose token k =
    n_uncached saw it, the prompt and the first k - 1 generated tokens."""
    return torch.cat([ids, tokens[:, :n_uncached - 1]], dim=1)  # (1, S)


def no_query_cache_at(model, r: KVCacheResult, layer: int, seed: int) -> NoQueryCache:
    """The no-Q-cache demonstrations of a finished run ``r`` again, at another ``layer`` or ``seed``:
    on the same text, five forwards, no new decode. ValueError on a layer or seed outside its range."""
    layer = limits.IntRange.indices(model.cfg.n_layers).check("layer", layer)
    seed = limits.SEED.check("seed", seed)
    device = next(model.parameters()).device
    ids = torch.as_tensor(r.ids, device=device)[None]  # (1, T)
    tokens = torch.as_tensor(r.tokens, device=device)[None]  # (1, n_new)
    with torch.inference_mode():
        return no_query_cache(model, _no_q_text(ids, tokens, r.n_uncached), layer, seed)


def forwards(T: int, n_new: int) -> int:
    """The units of work :func:`run` reports, for a prompt of T tokens and n_new that fit: the warm-up
    decodes' steps, both timed decodes' steps, the no-Q-cache forwards, the teacher-forced forward."""
    k = min(n_new, limits.KV_UNCACHED_TOKENS)
    return 2 * min(WARMUP_TOKENS, n_new) + n_new + k + no_query_forwards(T + k - 1) + 1


def run(model, tokenizer, text: str, n_new: int = limits.KV_NEW_TOKENS.default, layer: int = 0, seed: int = 0,
        on_progress: Callable[[int, int], None] | None = None,
        max_tokens: int = limits.DECODER_TOKENS) -> KVCacheResult:
    """Greedy decoding of ``n_new`` tokens with the cache and min(n_new, KV_UNCACHED_TOKENS) without,
    timed per step; the cache's bytes against the formula and the weights; the no-Q-cache
    demonstrations at ``layer``; the teacher-forced comparison. n_new is cut to what fits the
    model's context after the prompt (reported: ``n_new_asked``). on_progress(done, total) after
    every decoding step and every other forward (a progress bar), total = :func:`forwards`.
    ValueError on an empty prompt, n_new, layer or seed outside their limits, or a prompt that
    leaves no room for one new token."""
    n_asked = limits.KV_NEW_TOKENS.check("n_new", n_new)
    seed = limits.SEED.check("seed", seed)
    cfg = model.cfg
    layer = limits.IntRange.indices(cfg.n_layers).check("layer", layer)
    prompt = decoder_prompt.encode(tokenizer, text, max_tokens)
    T = len(prompt)
    if T + 1 > cfg.max_positions:
        raise ValueError(f"{T} prompt tokens leave no room for a new one in the model's {cfg.max_positions} positions")
    n_new = min(n_asked, cfg.max_positions - T)  # a short context (the tiny GPT's): decode what fits
    n_uncached = min(n_new, limits.KV_UNCACHED_TOKENS)
    progress = Progress(forwards(T, n_new), on_progress)

    def step(i: int, n: int) -> None:  # generate's on_step: one decoding step, one unit
        progress.tick()

    device = next(model.parameters()).device
    ids = prompt.tensor(device)  # (1, T)

    with torch.inference_mode():
        generate(model, ids, min(WARMUP_TOKENS, n_new), use_cache=True, on_step=step)
        generate(model, ids, min(WARMUP_TOKENS, n_new), use_cache=False, on_step=step)
        cached = generate(model, ids, n_new, use_cache=True, on_step=step)
        uncached = generate(model, ids, n_uncached, use_cache=False, on_step=step)
        k = n_uncached
        same = torch.equal(cached.tokens[:, :k], uncached.tokens)
        logits_diff = float((cached.logits[:, :k] - uncached.logits).abs().max())
        seq = _no_q_text(ids, cached.tokens, k)  # (1, S)
        no_q = no_query_cache(model, seq, layer, seed)
        progress.tick(no_query_forwards(seq.shape[1]))
        forced = model(seq).logits[0, T - 1:]  # (k, V): position T-1+i predicts generated token i
        progress.tick()
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
        byte_pieces=prompt.byte_pieces,
        ids=np.array(prompt.ids, dtype=np.int64),
        n_prompt=T,
        truncated=prompt.truncated,
        n_new_asked=n_asked,
        n_new=n_new,
        n_uncached=n_uncached,
        tokens=toks,
        tokens_uncached=uncached.tokens[0].cpu().numpy(),
        generated=tuple(decoder_prompt.piece(tokenizer, int(i)) for i in toks),
        same_tokens=bool(same),
        logits_diff=logits_diff,
        step_cached=steps_c,
        step_uncached=steps_u,
        rate_lengths=np.array(lengths),
        rate_cached=np.array([_rate(clip_steps(steps_c).seconds, x) for x in lengths]),
        rate_uncached=np.array([_rate(clip_steps(steps_u).seconds, x) for x in lengths]),
        cache_positions=positions,
        cache_bytes=cache.nbytes,
        formula_bytes=kv_cache_bytes(cfg.n_layers, positions, cfg.n_kv_heads, cfg.d_head, bpn),
        mha_bytes=kv_cache_bytes(cfg.n_layers, positions, cfg.n_heads, cfg.d_head, bpn),
        bytes_per_number=bpn,
        dtype=decoder.dtype_name(model),
        weight_bytes=decoder.parameter_bytes(model),
        n_layers=cfg.n_layers,
        n_heads=cfg.n_heads,
        n_kv_heads=cfg.n_kv_heads,
        d_head=cfg.d_head,
        max_positions=cfg.max_positions,
        teacher_forced_diff=teacher_diff,
        teacher_forced_same_argmax=teacher_same,
        no_q=no_q,
    )

