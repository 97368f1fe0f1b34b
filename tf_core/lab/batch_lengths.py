"""Lesson `batch-lengths`: can batches differ in length, and why one length inside a batch?

A batch is one dense tensor (B, T, D): every row must have the same T, so shorter sentences are
padded to the longest one *in that batch*, and the padding mask keeps the pads out of attention
(lesson `padding-mask`). Nothing ties T to other batches: the weights do not depend on T (only the
position table caps it), so each batch can have its own length ("dynamic padding"). Padding every
sentence to one fixed length (the model's maximum, or the 128 MiniLM's tokenizer file pads to) is
allowed too, and wastes the most.

The pads are computed like real tokens: the mask changes the result, not the work. What a batch
costs is its padded size, per layer (2 FLOPs per multiply-add):

    linear layers (Q, K, V, O projections, the FFN)   B x T x (8 d^2 + 4 d d_ff)    proportional to tokens
    attention scores and weights x values             B x T^2 x 4 d                  proportional to cells

so a batch with one long sentence makes every other row pay for its length. Per token the attention
part is 4 T d against 8 d^2 + 4 d d_ff: the two are equal at T* = 2 d + d_ff (6 d when d_ff = 4 d,
2,304 tokens for d = 384), past these encoders' 512 positions. Attention's share of a sequence's
FLOPs is T / (T + T*), under one half below T*: at these lengths the cost follows the padded token
count. Grouping sentences of similar length reduces the waste:

    random     shuffle, cut into batches of ``batch_size``
    sorted     sort by length, cut into batches (least padding, but the batches are always the same
               and come in order: training wants randomness)
    bucketed   shuffle, sort inside pools of ``pool_batches`` batches, cut, shuffle the batches.
               Hugging Face's ``group_by_length`` (``get_length_grouped_indices``) differs: its pools
               ("megabatches") hold min(50, N // (4 x batch size)) batches (at least 1), each sorted
               longest first,
               the batches are not shuffled, and the longest sentence is swapped into the first
               batch (so an out-of-memory error comes at the first step). TensorFlow's bucketing uses
               length boundaries instead.

Measured here on a real encoder over sentences of varied length (bundled in assets/text, or the
caller's): each strategy's padding fraction (pad tokens / all tokens in the batches), its attention
cells B x T^2 against the sentences' own n^2, and real tokens per second of the encoder's forward over
all its batches (median of ``repeats`` passes, the passes of the three strategies alternating).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from tf_core import limits
from tf_core.device import DeviceInfo, describe, speed_change, time_call
from tf_core.lab.padding_mask import pad_batch, tokenize_all
from tf_core.models.text_encoder import TextEncoder

TEXTS = Path(__file__).resolve().parents[2] / "assets" / "text"
STRATEGIES = ("random", "sorted", "bucketed")


def bundled_sentences(lang: str) -> tuple[str, ...]:
    """The ~60 bundled sentences of varied length ("en" or "zh"), one a line in
    assets/text/batch_sentences_<lang>.txt."""
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    text = (TEXTS / f"batch_sentences_{lang}.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def sample_sentences(lang: str, n: int, seed: int) -> tuple[str, ...]:
    """``n`` of the bundled sentences (``limits.BATCH_SENTENCES``), drawn without replacement by ``seed``."""
    n = limits.BATCH_SENTENCES.check("n", n)
    seed = limits.SEED.check("seed", seed)
    pool = bundled_sentences(lang)
    picks = np.random.default_rng(seed).choice(len(pool), size=min(n, len(pool)), replace=False)
    return tuple(pool[i] for i in picks)


# --------------------------------------------------------------------------- planning (lengths only)


def padded_tokens(lengths: np.ndarray, batches: Sequence[Sequence[int]]) -> int:
    """Sum over batches of batch size x longest length in it: the tokens the model computes."""
    return int(sum(len(b) * int(lengths[list(b)].max()) for b in batches if len(b)))


def _chunk(order: np.ndarray, size: int) -> list[np.ndarray]:
    return [order[i:i + size] for i in range(0, len(order), size)]


def _sorted_batches(lengths: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Sorted by length, cut into batches; the one short batch (when batch_size does not divide N)
    goes where it wastes least.

    subtle: cutting a sorted list from the start puts the short batch with the longest sentences,
    and that is not always best ([10, 10, 1] in batches of 2: [1, 10] [10] pads to 30 tokens, while
    [10, 10] [1] pads to 21, which a lucky random shuffle can find). With the short batch at the
    best of its k + 1 places the padded total is the least any split into these batch sizes can have
    (batch j by longest-first order holds at least the (s_1 + .. + s_(j-1) + 1)-th longest sentence),
    so sorted batching never pads more than random batching."""
    order = np.argsort(lengths, kind="stable")  # shortest first
    N = len(order)
    k, r = divmod(N, batch_size)
    if r == 0 or k == 0:
        return _chunk(order, batch_size)
    best, best_cost = None, None
    for j in range(k, -1, -1):  # j full batches before the short one; prefer it last on ties
        sizes = [batch_size] * j + [r] + [batch_size] * (k - j)
        cuts = np.cumsum(sizes)[:-1]
        batches = np.split(order, cuts)
        cost = padded_tokens(lengths, batches)
        if best_cost is None or cost < best_cost:
            best, best_cost = batches, cost
    return best


def plan(lengths: Sequence[int], batch_size: int, strategy: str, seed: int = 0, pool_batches: int = 2) -> tuple[np.ndarray, ...]:
    """Sentence indices of each batch, in the order they run.

    >>> [b.tolist() for b in plan([5, 2, 9, 3], 2, "sorted")]
    [[1, 3], [0, 2]]
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    rng = np.random.default_rng(seed)
    if strategy == "random":
        batches = _chunk(rng.permutation(len(lengths)), batch_size)
    elif strategy == "sorted":
        batches = _sorted_batches(lengths, batch_size)
    elif strategy == "bucketed":
        if pool_batches < 1:
            raise ValueError(f"pool_batches must be >= 1, got {pool_batches}")
        perm = rng.permutation(len(lengths))
        batches = []
        for pool in _chunk(perm, batch_size * pool_batches):
            pool = pool[np.argsort(lengths[pool], kind="stable")]  # (pool,) sorted inside the pool
            batches += _chunk(pool, batch_size)
        batches = [batches[i] for i in rng.permutation(len(batches))]
    else:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    return tuple(np.asarray(b, dtype=np.int64) for b in batches)


@dataclass(frozen=True)
class Batching:
    """One way of cutting the sentences into batches, its padding and its measured speed."""

    name: str  # "random", "sorted" or "bucketed"
    batches: tuple[tuple[int, ...], ...]  # sentence indices of each batch, in the order they ran
    sizes: np.ndarray  # (n_batches,) sentences per batch
    padded_len: np.ndarray  # (n_batches,) T of each batch: its longest sentence
    real_tokens: np.ndarray  # (n_batches,) tokens of the sentences themselves
    pad_tokens: np.ndarray  # (n_batches,) B x T - real
    attn_cells: np.ndarray  # (n_batches,) B x T^2: score cells per head and layer, padding included
    attn_cells_real: np.ndarray  # (n_batches,) sum of n^2: the cells the sentences need
    flops: np.ndarray  # (n_batches,) forward FLOPs of the encoder on the padded batch (linear + attention)
    flops_attn: np.ndarray  # (n_batches,) the attention part of ``flops``: scores and weights x values
    flops_real: np.ndarray  # (n_batches,) the same for the sentences without padding
    seconds: np.ndarray  # (repeats,) wall-clock of one pass over all batches (empty when not timed)

    @property
    def pad_fraction(self) -> float:
        """Pad tokens / all tokens computed."""
        total = int(self.real_tokens.sum() + self.pad_tokens.sum())
        return float(self.pad_tokens.sum() / total) if total else 0.0

    @property
    def attn_waste(self) -> float:
        """Fraction of attention score cells spent on padding (rows or columns of pads)."""
        total = int(self.attn_cells.sum())
        return float(1.0 - self.attn_cells_real.sum() / total) if total else 0.0

    @property
    def flops_waste(self) -> float:
        total = float(self.flops.sum())
        return float(1.0 - self.flops_real.sum() / total) if total else 0.0

    @property
    def attn_flops_share(self) -> float:
        """Attention scores and weights x values as a fraction of all the forward FLOPs (pads included)."""
        total = float(self.flops.sum())
        return float(self.flops_attn.sum() / total) if total else 0.0

    @property
    def median_s(self) -> float:
        return float(np.median(self.seconds)) if self.seconds.size else float("nan")

    @property
    def real_tokens_per_s(self) -> float:
        """The sentences' own tokens per second: what the learner gets out of the forward pass."""
        return float(self.real_tokens.sum() / self.median_s) if self.seconds.size else float("nan")

    @property
    def tokens_per_s(self) -> float:
        """All computed tokens (pads included) per second: what the hardware does."""
        return float((self.real_tokens.sum() + self.pad_tokens.sum()) / self.median_s) if self.seconds.size else float("nan")


def encoder_flops_split(n_layers: int, d_model: int, d_ff: int, batch: int, length: int) -> tuple[int, int]:
    """Forward FLOPs (2 per multiply-add) of a BERT encoder's blocks on a (batch, length) input, as
    (linear, attention): projections 8 T d^2 and FFN 4 T d d_ff per row (linear in T); scores
    q k^T and weights x values 2 T^2 d each per row (quadratic). Embeddings, biases, softmax and
    LayerNorm are left out (small).

    >>> encoder_flops_split(1, 2, 4, batch=1, length=3)  # 96 + 96, 72
    (192, 72)
    """
    B, T, d = batch, length, d_model
    return n_layers * B * T * (8 * d * d + 4 * d * d_ff), n_layers * B * 4 * T * T * d


def encoder_flops(n_layers: int, d_model: int, d_ff: int, batch: int, length: int) -> int:
    """All the forward FLOPs of :func:`encoder_flops_split`.

    >>> encoder_flops(1, 2, 4, batch=1, length=3)
    264
    """
    return sum(encoder_flops_split(n_layers, d_model, d_ff, batch, length))


def crossing_length(d_model: int, d_ff: int) -> int:
    """T* where attention's per-token FLOPs (4 T d) equal the linear layers' (8 d^2 + 4 d d_ff):
    (8 d^2 + 4 d d_ff) / (4 d) = 2 d + d_ff, that is 6 d when d_ff = 4 d. A sequence of T tokens
    spends T / (T + T*) of its FLOPs on attention.

    >>> crossing_length(384, 1536)
    2304
    """
    return 2 * d_model + d_ff


def batching(name: str, lengths: np.ndarray, batches: Sequence[np.ndarray], n_layers: int = 0, d_model: int = 0,
             d_ff: int = 0, seconds: Sequence[float] = (), pad_to: int | None = None) -> Batching:
    """The padding and cost figures of ``batches`` over sentences of ``lengths``, each batch padded to
    its longest sentence (dynamic padding) or, with ``pad_to``, to that fixed length."""
    lengths = np.asarray(lengths, dtype=np.int64)
    sizes = np.array([len(b) for b in batches], dtype=np.int64)
    T = np.array([int(lengths[b].max()) if pad_to is None else int(pad_to) for b in batches], dtype=np.int64)
    real = np.array([int(lengths[b].sum()) for b in batches], dtype=np.int64)
    cells_real = np.array([int((lengths[b] ** 2).sum()) for b in batches], dtype=np.int64)
    fl = lambda B, t: encoder_flops(n_layers, d_model, d_ff, int(B), int(t))  # noqa: E731
    split = np.array([encoder_flops_split(n_layers, d_model, d_ff, int(B), int(t)) for B, t in zip(sizes, T)],
                     dtype=np.int64).reshape(-1, 2)  # (n_batches, 2): linear, attention
    return Batching(
        name=name,
        batches=tuple(tuple(int(i) for i in b) for b in batches),
        sizes=sizes,
        padded_len=T,
        real_tokens=real,
        pad_tokens=sizes * T - real,
        attn_cells=sizes * T * T,
        attn_cells_real=cells_real,
        flops=split.sum(axis=1),
        flops_attn=split[:, 1],
        flops_real=np.array([sum(fl(1, lengths[i]) for i in b) for b in batches], dtype=np.int64),
        seconds=np.asarray(seconds, dtype=np.float64),
    )


@dataclass(frozen=True)
class BatchLengthsResult:
    model: str  # the encoder's published name
    device: DeviceInfo  # where the timings ran (the CPU and its threads, or the GPU)
    sentences: tuple[str, ...]
    lengths: np.ndarray  # (N,) tokens per sentence, special tokens included
    truncated: np.ndarray  # (N,) bool: the sentence was cut at max_tokens (or the character cap)
    batch_size: int
    pool_batches: int
    seed: int
    strategies: tuple[Batching, ...]  # random, sorted, bucketed (dynamic padding: each batch to its longest)
    fixed: Batching  # every sentence padded to max_tokens, random batches, not timed
    max_tokens: int
    d_model: int  # the encoder's width d ...
    d_ff: int  # ... and feed-forward width: they set the crossing length T* = 2 d + d_ff
    max_positions: int  # the longest input its position table allows

    @property
    def speedup(self) -> float:
        """Real tokens per second, sorted batches over random ones (> 1: sorting paid off)."""
        return self.get("sorted").real_tokens_per_s / self.get("random").real_tokens_per_s

    @property
    def speed_change(self) -> str:
        """The speedup as a word a page translates: "faster", "slower" or "same" (within
        ``tf_core.device.SAME_SPEED`` of 1: closer than the timings' run-to-run spread on a shared 2-core CPU)."""
        return speed_change(self.speedup)

    @property
    def crossing_length(self) -> int:
        """T*: the length where attention's FLOPs per token equal the linear layers' (:func:`crossing_length`)."""
        return crossing_length(self.d_model, self.d_ff)

    def get(self, name: str) -> Batching:
        for s in self.strategies:
            if s.name == name:
                return s
        raise KeyError(name)

    @property
    def real_tokens(self) -> int:
        return int(self.lengths.sum())


@torch.inference_mode()
def run(
    encoder: TextEncoder,
    sentences: Sequence[str],
    batch_size: int = limits.BATCH_SIZE.default,
    pool_batches: int = limits.BATCH_POOL.default,
    seed: int = 0,
    max_tokens: int = limits.ENCODER_TOKENS,
    repeats: int = limits.BATCH_REPEATS,
) -> BatchLengthsResult:
    """``sentences`` batched three ways and each way timed on ``encoder``.

    sentences: 1 to ``limits.BATCH_SENTENCES.hi`` texts ("" and odd characters are fine; each is cut to
        ``max_tokens`` tokens, with ``truncated`` set). seed: the shuffles of random and bucketed.
    repeats: timed passes per strategy, 1 to ``limits.BATCH_REPEATS``; the median is reported.
    Raises ``ValueError`` for a count or setting outside its limit."""
    sentences = list(sentences)
    limits.BATCH_SENTENCES.check("number of sentences", len(sentences))
    batch_size = limits.BATCH_SIZE.check("batch_size", batch_size)
    pool_batches = limits.BATCH_POOL.check("pool_batches", pool_batches)
    seed = limits.SEED.check("seed", seed)
    repeats = limits.IntRange(1, limits.BATCH_REPEATS, limits.BATCH_REPEATS).check("repeats", repeats)
    max_tokens = limits.ENCODER_TOKEN_CAP.check("max_tokens", max_tokens)
    cfg = encoder.model.cfg
    dims = dict(n_layers=cfg.n_layers, d_model=cfg.d_model, d_ff=cfg.d_ff)
    device = next(encoder.model.parameters()).device

    toks, cut = tokenize_all(encoder, sentences, max_tokens)
    lengths = np.array([len(t) for t in toks], dtype=np.int64)
    plans = {name: plan(lengths, batch_size, name, seed, pool_batches) for name in STRATEGIES}
    # Every batch padded to its own longest sentence and moved to the device before the clock starts:
    # the timings are the forward passes only.
    tensors = {name: [pad_batch([toks[i] for i in b], cfg.pad_token_id, device=device) for b in batches]
               for name, batches in plans.items()}

    def forward_all(name: str):
        return lambda: [encoder.model(ids, mask, need_weights=False) for ids, mask in tensors[name]]

    # Warm-up: the largest batch once (allocator, thread pool), then the strategies' passes alternate.
    largest = max((t for ts in tensors.values() for t in ts), key=lambda t: t[0].numel())
    encoder.model(*largest, need_weights=False)
    samples: dict[str, list[float]] = {name: [] for name in STRATEGIES}
    for _ in range(repeats):
        for name in STRATEGIES:
            samples[name] += time_call(forward_all(name), device, repeats=1, warmup=0).samples

    strategies = tuple(batching(name, lengths, plans[name], seconds=samples[name], **dims) for name in STRATEGIES)
    fixed = batching("fixed", lengths, plans["random"], pad_to=max_tokens, **dims)
    return BatchLengthsResult(
        model=encoder.name,
        device=describe(device),
        sentences=tuple(sentences),
        lengths=lengths,
        truncated=np.array(cut, dtype=bool),
        batch_size=batch_size,
        pool_batches=pool_batches,
        seed=seed,
        strategies=strategies,
        fixed=fixed,
        max_tokens=max_tokens,
        d_model=cfg.d_model,
        d_ff=cfg.d_ff,
        max_positions=cfg.max_positions,
    )

