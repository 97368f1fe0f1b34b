"""Lesson `complexity`: what self-attention costs in time and memory as n grows, and how multi-head
attention is computed with reshapes.

    scores = Q Kᵀ / √d_h        (B, H, n, n)    2·n²·d FLOPs over the heads (d = H·d_h)
    weights = softmax(scores)   (B, H, n, n)    element-wise: no FLOPs counted, but n² numbers to write and read
    out = weights · V           (B, H, n, d_h)  2·n²·d FLOPs

Time: O(n²·d) for the two products (tf_core/flops.py counts them). Memory: the explicit path
(tf_core.attention, which returns the weights the app draws) holds the (B, H, n, n) scores and weights at
once, O(H·n²); PyTorch's fused ``scaled_dot_product_attention`` does not store an n × n matrix (on the
CPU its flash kernel works through tiles and keeps the output and one log-sum-exp per row), so its memory
is O(n·d) while its time stays O(n²·d) — where PyTorch picks a fused kernel: on a device where it falls
back to its math path, the measured peaks say so (:attr:`ComplexityResult.sdpa_stored_matrix`).

Measured, not estimated: float32 on the process's device, one sequence (B = 1); q, k, v drawn from
``seed`` at the longest n and cut to each n of the grid (a contiguous copy each). One n after the other,
each way is called once to warm up, then ``repeats`` rounds time each way once, the two taking turns, so a
burst of load from another program hits both alike (tf_core.device.time_call, which synchronises a GPU). A
sample at a short n is a burst of calls (:func:`calls_at`, at least tf_core.device.SAMPLE_FLOPS of work)
divided by their number: one call there takes tens of microseconds, about what the clock and a GPU's
synchronisation cost.
Each n is timed as a block, caches warm with its own sizes: interleaving every n instead made the short
ones several times slower right after a long one (its n × n matrices flush the caches) on this 2-core CPU. Then one more
call per (way, n) measures its peak memory (tf_core.memory.peak_bytes: the CUDA allocator's peak, or on
the CPU the profiler's allocation events). The timed functions are :func:`explicit` and :func:`fused`,
whose FLOPs the tests count with FlopCounterMode.

The fit: a + b·n + c·n² through the medians (and through the peaks), least squares on the relative error,
so the short n weigh as much as the long ones, every coefficient kept ≥ 0 (:func:`quadratic_fit`).

The reshape walk (:func:`head_walk`): multi-head attention for the learner's d and h on one sequence of
n tokens, step by step, with each step's shape, whether it is a view of the tensor before it (no copy)
and whether its memory is contiguous. Its output is checked against ``torch.nn.MultiheadAttention`` with
the same weights (the tests check the weights too, and tf_core.attention.multi_head_attention).

Run time, measured on the idle 2-core machine (2 threads): the defaults (n = 1024, d = 256, 4 heads,
5 repeats) ~0.3 s; every cap at once (n = 2048, d = 512, 8 heads, 5 repeats) ~2.8 s (~5 s on one thread).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from tf_core import flops, limits
from tf_core.attention import MultiHeadParams, scaled_dot_product_attention
from tf_core.device import DeviceInfo, SecondsPerSize, calls_per_sample, describe, get_device, grid_up_to, time_call
from tf_core.memory import peak_bytes
from tf_core.progress import Progress

GRID = (16, 32, 64, 128, 256, 512, 1024, 2048)  # the n timed: those below the chosen n, then n
WAYS = ("explicit", "sdpa")
MEASURES = ("time", "memory")
STORED_MATRIX = 2.0  # bytes per n² per head in a fitted peak: half of one float32 n × n matrix


def grid_for(n: int) -> list[int]:
    """The n timed for a chosen n: the GRID values below it, then n.

    >>> grid_for(64), grid_for(100)
    ([16, 32, 64], [16, 32, 64, 100])
    """
    return grid_up_to(GRID, n)


def call_flops(n: int, d: int, heads: int) -> int:
    """Counted FLOPs of one attention call at n (either way): Q Kᵀ and weights · V."""
    return flops.attention_scores(n, d, heads) + flops.attention_values(n, d, heads)


def calls_at(n: int, d: int, heads: int) -> int:
    """Calls per timed sample at n (tf_core.device.calls_per_sample)."""
    return calls_per_sample(call_flops(n, d, heads))


# --------------------------------------------------------------------------- the two timed ways
def explicit(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor):
    """softmax(q kᵀ/√d_h) v written out (tf_core.attention's explicit path): returns the output and the
    (B, H, n, n) weights, which it builds, as the app's attention maps need them. q, k, v (B, H, n, d_h)."""
    return scaled_dot_product_attention(q, k, v)


def fused(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor):
    """The same attention through PyTorch's fused kernel (no weights returned, none stored)."""
    return scaled_dot_product_attention(q, k, v, need_weights=False)


TIMED = {"explicit": explicit, "sdpa": fused}


# --------------------------------------------------------------------------- the fit
def quadratic_fit(n, y) -> np.ndarray:
    """(a, b, c) of y ≈ a + b·n + c·n², all ≥ 0, fitted by least squares on the relative error
    ((fit − y) / y): of the fits with some of the terms (the others 0), the best whose coefficients are all
    ≥ 0. y must be positive.

    >>> n = np.array([16.0, 32, 64, 128])
    >>> np.round(quadratic_fit(n, 3 + 0.5 * n**2), 6).tolist()
    [3.0, 0.0, 0.5]
    >>> np.round(quadratic_fit(n, 100 + 2 * n), 6).tolist()   # no n² term in the data: none fitted
    [100.0, 2.0, 0.0]
    """
    n, y = np.asarray(n, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if (y <= 0).any() or len(n) != len(y) or not len(n):
        raise ValueError("quadratic_fit needs as many positive values as n")
    basis = np.stack([np.ones_like(n), n, n * n], axis=1) / y[:, None]  # (G, 3), each row divided by its y
    best, best_err = np.zeros(3), math.inf
    for size in (1, 2, 3):
        for terms in itertools.combinations(range(3), size):
            if len(terms) > len(n):
                continue
            coef, *_ = np.linalg.lstsq(basis[:, terms], np.ones(len(n)), rcond=None)
            if (coef < 0).any():
                continue
            err = float(np.sum((basis[:, terms] @ coef - 1) ** 2))
            if err < best_err - 1e-12:
                best, best_err = np.zeros(3), err
                best[list(terms)] = coef
    return best


# --------------------------------------------------------------------------- the reshape walk
@dataclass(frozen=True)
class WalkStep:
    """One step of multi-head attention: what it does and the tensor it gives."""

    key: str  # the step's name, for the page's words ("split", "heads_first", ...)
    code: str  # the PyTorch it runs, as written in :func:`head_walk`
    dims: str  # the letters of its shape, "B T H Dh"
    shape: tuple[int, ...]  # the shape at the learner's sizes
    view: bool  # shares the storage of the tensor it came from (no copy)
    contiguous: bool  # its elements lie in memory in the order of its shape

    @property
    def elements(self) -> int:
        return math.prod(self.shape)


def head_walk(x: torch.Tensor, params: MultiHeadParams, n_heads: int) -> tuple[tuple[WalkStep, ...], torch.Tensor, torch.Tensor]:
    """Multi-head self-attention of x (B, T, D), one reshape at a time. Returns (the steps, the output
    (B, T, D), the weights (B, H, T, T)): the same computation as tf_core.attention.multi_head_attention."""
    B, T, D = x.shape
    if D % n_heads:
        raise ValueError(f"d={D} is not divisible by {n_heads} heads")
    H, Dh = n_heads, D // n_heads
    steps: list[WalkStep] = []

    def step(key: str, code: str, dims: str, t: torch.Tensor, source: torch.Tensor | None = None) -> torch.Tensor:
        shares = source is not None and t.untyped_storage().data_ptr() == source.untyped_storage().data_ptr()
        steps.append(WalkStep(key, code, dims, tuple(t.shape), shares, t.is_contiguous()))
        return t

    step("x", "x", "B T D", x)
    q = step("q_proj", "q = x @ W_Q.T + b_Q", "B T D", F.linear(x, params.w_q, params.b_q))  # (B, T, D)
    k = F.linear(x, params.w_k, params.b_k)  # (B, T, D): the same for K and V
    v = F.linear(x, params.w_v, params.b_v)  # (B, T, D)
    q4 = step("split", "q.view(B, T, H, Dh)", "B T H Dh", q.view(B, T, H, Dh), q)  # (B, T, H, Dh)
    qh = step("heads_first", "q.transpose(1, 2)", "B H T Dh", q4.transpose(1, 2), q4)  # (B, H, T, Dh)
    kh = k.view(B, T, H, Dh).transpose(1, 2)  # (B, H, T, Dh)
    vh = v.view(B, T, H, Dh).transpose(1, 2)  # (B, H, T, Dh)
    kt = step("keys_t", "k.transpose(-2, -1)", "B H Dh T", kh.transpose(-2, -1), kh)  # (B, H, Dh, T)
    scores = step("scores", "q @ k.transpose(-2, -1) / √Dh", "B H T T", torch.matmul(qh, kt) / math.sqrt(Dh))  # (B, H, T, T)
    weights = step("weights", "softmax(scores, dim=-1)", "B H T T", torch.softmax(scores, dim=-1))  # (B, H, T, T)
    del scores
    mixed = step("mix", "weights @ v", "B H T Dh", torch.matmul(weights, vh))  # (B, H, T, Dh)
    back = step("heads_back", "o.transpose(1, 2)", "B T H Dh", mixed.transpose(1, 2), mixed)  # (B, T, H, Dh)
    merged = step("merge", "o.reshape(B, T, D)", "B T D", back.reshape(B, T, D), back)  # (B, T, D): a copy
    out = step("out_proj", "o @ W_O.T + b_O", "B T D", F.linear(merged, params.w_o, params.b_o))  # (B, T, D)
    return tuple(steps), out, weights


def random_params(d: int, g: torch.Generator, device: torch.device | str = "cpu") -> MultiHeadParams:
    """W_Q, W_K, W_V, W_O with N(0, 1/d) entries and small biases, drawn from ``g``."""
    w = [torch.randn((d, d), generator=g) / math.sqrt(d) for _ in range(4)]  # (D, D) each
    b = [0.1 * torch.randn(d, generator=g) for _ in range(4)]  # (D,) each
    return MultiHeadParams(*(t.to(device) for t in (*w, *b)))


def torch_reference(x: torch.Tensor, params: MultiHeadParams, n_heads: int) -> torch.nn.MultiheadAttention:
    """``nn.MultiheadAttention`` (batch first) holding ``params``: the reference of the walk."""
    d = x.shape[-1]
    mha = torch.nn.MultiheadAttention(d, n_heads, bias=True, batch_first=True, device=x.device)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([params.w_q, params.w_k, params.w_v]))  # (3D, D)
        mha.in_proj_bias.copy_(torch.cat([params.b_q, params.b_k, params.b_v]))  # (3D,)
        mha.out_proj.weight.copy_(params.w_o)
        mha.out_proj.bias.copy_(params.b_o)
    return mha.eval()


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class ComplexityResult(SecondsPerSize):
    """Time and peak memory of both ways against n, their fits, and the reshape walk."""

    n: int  # the longest n timed
    d: int
    heads: int
    repeats: int
    seed: int
    grid_n: np.ndarray  # (G,) int64 the n timed, ending with n
    seconds: dict[str, np.ndarray]  # way -> (G, repeats) float64 seconds per call
    peak: dict[str, np.ndarray]  # way -> (G,) int64 peak bytes of one call (tf_core.memory.peak_bytes)
    memory_method: str  # how the peaks were measured ("profiler" on the CPU)
    flops: np.ndarray  # (G,) int64 counted FLOPs of one call (both ways: Q Kᵀ and weights · V)
    walk: tuple[WalkStep, ...]  # multi-head attention at (1, n, d), step by step
    walk_vs_torch: float  # max |walk output − nn.MultiheadAttention output|, float32
    path_diff: float  # max |explicit − SDPA| output at n, float32
    output_scale: float  # max |output| there: the scale that difference rounds against
    dtype: str
    device: DeviceInfo

    @staticmethod
    def work(n: int, d: int, heads: int, repeats: int) -> int:
        """Units of work :func:`run` reports (its progress total): a call at n counts n² (the size of its
        scores), for each way at each n of the grid a warm-up, the repeats (each sample :func:`calls_at`
        calls) and a memory measurement; then the walk at n. Weighed so, the bar moves with the time spent,
        and the many calls at short n (a fraction of a millisecond each) do not redraw it one by one."""
        return sum(len(WAYS) * (repeats * calls_at(m, d, heads) + 2) * m * m for m in grid_for(n)) + n * n

    @property
    def d_head(self) -> int:
        return self.d // self.heads

    def measured(self, way: str, measure: str) -> np.ndarray:
        """(G,) median seconds ("time") or peak bytes ("memory")."""
        return self.median(way) if measure == "time" else self.peak[way].astype(np.float64)

    def fit(self, way: str, measure: str) -> np.ndarray:
        """(a, b, c) of a + b·n + c·n² through the measured values (:func:`quadratic_fit`); a peak of 0
        bytes (a call that allocated nothing) counts as 1."""
        y = self.measured(way, measure)
        return quadratic_fit(self.grid_n, np.maximum(y, 1.0) if measure == "memory" else y)

    def fitted(self, way: str, measure: str, n) -> np.ndarray:
        a, b, c = self.fit(way, measure)
        n = np.asarray(n, dtype=np.float64)
        return a + b * n + c * n * n

    def quadratic_share(self, way: str, measure: str) -> float:
        """The n² term's share of the fitted value at n."""
        c = self.fit(way, measure)[2]
        return float(c * self.n**2 / self.fitted(way, measure, self.n))

    def growth(self, way: str, measure: str) -> float:
        """How many times the value grew from the grid's second-to-last n to n."""
        y = self.measured(way, measure)
        return float(y[-1] / max(y[-2], 1.0 if measure == "memory" else 1e-12))

    @property
    def quadratic_growth(self) -> float:
        """What a pure n² would grow by over the same step: (n / previous n)²."""
        return float((self.grid_n[-1] / self.grid_n[-2]) ** 2)

    @property
    def weights_bytes(self) -> int:
        """One (1, h, n, n) float32 matrix at n: the size of the explicit path's weights."""
        return 4 * self.heads * self.n * self.n

    @property
    def speedup(self) -> float:
        """Median time of the explicit path over SDPA's, at n."""
        return float(self.median("explicit")[-1] / self.median("sdpa")[-1])

    @property
    def sdpa_stored_matrix(self) -> bool:
        """Whether SDPA's measured peaks grew like a stored n × n matrix: its fitted n² term at least
        STORED_MATRIX bytes per head. The fused kernels (flash on the CPU, flash or memory-efficient on CUDA)
        fit ~0; where PyTorch picks its math fallback (some devices, dtypes or shapes) they fit ~4 or more,
        and a page must not say SDPA never stores one."""
        return bool(self.fit("sdpa", "memory")[2] / self.heads >= STORED_MATRIX)


# --------------------------------------------------------------------------- the run
def _check(n: int, d: int, heads: int, repeats: int, seed: int) -> tuple[int, int, int, int, int]:
    n = limits.CX_N.check("n", n)
    d = limits.CX_D.check("d", d)
    heads = limits.CX_HEADS.check("heads", heads)
    repeats = limits.CX_REPEATS.check("repeats", repeats)
    seed = limits.SEED.check("seed", seed)
    if d % heads:
        raise ValueError(f"d={d} is not divisible by heads={heads}")
    return n, d, heads, repeats, seed


def run(n: int = limits.CX_N.default, d: int = limits.CX_D.default, heads: int = limits.CX_HEADS.default,
        repeats: int = limits.CX_REPEATS.default, seed: int = limits.SEED.default, on_progress=None) -> ComplexityResult:
    """Time explicit attention and SDPA at every n of the grid up to ``n`` and measure their peak memory,
    then walk multi-head attention through its reshapes at (1, n, d). ValueError on an argument outside
    tf_core.limits or a d that does not divide by the heads. on_progress(done, total) after each call,
    total = ComplexityResult.work(n, d, heads, repeats).

    >>> r = run(n=64, d=8, heads=2, repeats=1)
    >>> r.grid_n.tolist(), r.flops.tolist()
    ([16, 32, 64], [8192, 32768, 131072])
    >>> [(s.key, s.shape) for s in r.walk if s.key in ("heads_first", "scores", "merge")]
    [('heads_first', (1, 2, 64, 4)), ('scores', (1, 2, 64, 64)), ('merge', (1, 64, 8))]
    """
    n, d, heads, repeats, seed = _check(n, d, heads, repeats, seed)
    device = get_device()
    progress = Progress(ComplexityResult.work(n, d, heads, repeats), on_progress)
    grid = grid_for(n)
    g = torch.Generator().manual_seed(seed)
    Q, K, V = (torch.randn((1, heads, n, d // heads), generator=g) for _ in range(3))  # (B, H, T, Dh) each
    inputs = [tuple(t[:, :, :m].contiguous().to(device) for t in (Q, K, V)) for m in grid]
    calls = {(way, i): (lambda fn=TIMED[way], qkv=qkv: fn(*qkv)) for i, qkv in enumerate(inputs) for way in WAYS}
    seconds = {way: np.zeros((len(grid), repeats)) for way in WAYS}
    peak = {way: np.zeros(len(grid), dtype=np.int64) for way in WAYS}
    method = ""
    with torch.inference_mode():
        for i in range(len(grid)):
            for way in WAYS:
                calls[way, i]()  # warm-up: the first call allocates and picks its kernels
                progress.tick(grid[i] ** 2)
            number = calls_at(grid[i], d, heads)
            for r in range(repeats):
                for way in WAYS:
                    seconds[way][i, r] = time_call(calls[way, i], device, repeats=1, warmup=0, number=number).samples[0]
                    progress.tick(number * grid[i] ** 2)
        for (way, i), fn in calls.items():
            measured = peak_bytes(fn, device)
            peak[way][i], method = measured.bytes, measured.method
            progress.tick(grid[i] ** 2)
        a, b = explicit(*inputs[-1]).output, fused(*inputs[-1]).output  # (1, H, n, Dh) each
        path_diff, scale = float((a - b).abs().max()), float(a.abs().max())
        del a, b, calls, inputs
    params = random_params(d, g, device)
    x = torch.randn((1, n, d), generator=g).to(device)  # (B, T, D)
    reference = torch_reference(x, params, heads)  # built outside inference mode: its parameters are ordinary tensors
    with torch.no_grad():
        steps, out, _ = head_walk(x, params, heads)
        walk_vs_torch = float((out - reference(x, x, x, need_weights=False)[0]).abs().max())  # (B, T, D) both
    progress.tick(n * n)
    return ComplexityResult(
        n=n, d=d, heads=heads, repeats=repeats, seed=seed, grid_n=np.array(grid, dtype=np.int64), seconds=seconds,
        peak=peak, memory_method=method,
        flops=np.array([call_flops(m, d, heads) for m in grid], dtype=np.int64),
        walk=steps, walk_vs_torch=walk_vs_torch, path_diff=path_diff, output_scale=scale, dtype="float32",
        device=describe(device),
    )
