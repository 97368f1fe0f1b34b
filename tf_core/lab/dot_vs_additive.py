"""Lesson `dot-vs-additive`: why Transformers score with dot products rather than additive attention.

The two scores of n queries against n keys of width d_k (Bahdanau et al. 2015; Vaswani et al. 2017, §3.2.1):

    dot:       e_ij = q_i · k_j  (/ √d_k scaled)          one matrix product Q Kᵀ
    additive:  e_ij = vᵀ tanh(W₁ q_i + W₂ k_j)            W₁, W₂ of shape (d_a, d_k), v of size d_a

Cost. Written as one matrix applied to the concatenated pair, W [q_i; k_j] with W = [W₁ W₂], the
additive score looks like O(n²·d_k·d_a). But W [q; k] = W₁ q + W₂ k: W₁ Q and W₂ K are computed once
((n, d_a) each) and broadcast against each other, so the n² pairs need only a sum, a tanh and a dot
with v of d_a numbers each: O(n²·d_a + n·d_k·d_a), the dot product's order (tf_core/flops.py counts
both, and the naive way). What still separates them is how the work runs: the dot product is one
GEMM that reads Q and K and writes n² numbers; the additive score writes an (n, n, d_a) tensor (d_a
times the memory of the scores), takes a tanh of every element of it, and only then reduces. This lab
times both, and the naive way at the n where it stays affordable (limits.DVA_NAIVE_*), and returns
the counted FLOPs beside the times: counted FLOPs over measured time shows how fast each way gets
through the work a FLOP count sees (the additive score's element-wise sums and tanh are not in it).

Timing (tf_core.device.time_call; a sample of a short call is a burst of calls, calls_per_sample, divided
by their number): float32 on the process's device, inputs drawn from ``seed`` (the first g rows of one (n, d_k) draw at each n = g of the grid); every (way, n) is
called once to warm up, then ``repeats`` rounds time each (way, n) once, interleaved, so a burst of load
from another program hits every way alike. The page reports the median and the spread (min, max).
The timed functions are the ones below, whose FLOPs the tests count with FlopCounterMode.

Quality, what the run does and does not show. Vaswani et al. (2017, §3.2.1), citing Britz et al.
(2017), report that the two perform similarly at small d_k and that additive attention beats the dot
product *without scaling* at larger d_k; they suspect large dot products push the softmax into regions
of tiny gradients, and scale by 1/√d_k. No model is trained here. What is measured is that mechanism:
for q, k with independent unit-variance components, the unscaled scores' standard deviation grows
like √d_k and the softmax saturates (the largest weight tends to 1, the entropy falls), the scaled
scores stay at a standard deviation of 1, and the additive scores are bounded by ‖v‖₁ whatever d_k is,
because tanh lies in (−1, 1). Init, stated: W₁, W₂ entries N(0, 1/d_k) (so W₁ q has unit-variance
components), v entries N(0, 1/d_a). The curves are computed on the CPU (the dot products and every
softmax statistic in float64, the additive scores' tanh in float32, then float64), DVA_QUERIES queries
against the n keys, each d_k of the grid using the first d_k components of one draw (a prefix of
independent components is itself an independent sample, as in tf_core/lab/scaling.py).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import flops, limits
from tf_core.device import DeviceInfo, SecondsPerSize, calls_per_sample, describe, get_device, grid_up_to, time_call
from tf_core.lab.scaling import softmax_row_stats
from tf_core.progress import Progress

GRID = (8, 16, 32, 64, 128, 256, 512)  # the n timed: those below the chosen n, then n
# The d_k of the saturation curves: powers of two up to the cap (the chosen d_k is added).
DK_GRID = tuple(2**i for i in range(int(math.log2(limits.DVA_DK.hi)) + 1))
WAYS = ("dot", "additive", "naive")


# --------------------------------------------------------------------------- the two scores
def dot_scores(q: torch.Tensor, k: torch.Tensor, scaled: bool = True) -> torch.Tensor:
    """q (..., n_q, d_k), k (..., n_k, d_k) -> (..., n_q, n_k): q_i · k_j, divided by √d_k when ``scaled``."""
    s = torch.matmul(q, k.transpose(-2, -1))  # (..., n_q, n_k)
    return s * (1.0 / math.sqrt(q.shape[-1])) if scaled else s


def additive_scores(q: torch.Tensor, k: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """vᵀ tanh(W₁ q_i + W₂ k_j) for every pair, computed efficiently: W₁ q once per query, W₂ k once per key.

    q (n_q, d_k), k (n_k, d_k), w1 and w2 (d_a, d_k) (nn.Linear's layout), v (d_a, 1): a matrix, not a
    vector (FlopCounterMode counts no FLOPs for aten.mv). Returns (n_q, n_k). Leading batch dimensions
    of q and k broadcast."""
    a = torch.matmul(q, w1.T)  # (..., n_q, d_a)  W₁ q_i, once per query
    b = torch.matmul(k, w2.T)  # (..., n_k, d_a)  W₂ k_j, once per key
    e = (a.unsqueeze(-2) + b.unsqueeze(-3)).tanh_()  # (..., n_q, n_k, d_a): the n² x d_a tensor dot products never build
    return torch.matmul(e, v).squeeze(-1)  # (..., n_q, n_k)


def additive_scores_naive(q: torch.Tensor, k: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """The same scores as :func:`additive_scores`, the textbook way: W = [W₁ W₂] applied to every
    concatenated pair [q_i; k_j], n²·2·d_k·d_a multiply-adds instead of 2·n·d_k·d_a. Same shapes."""
    n_q, n_k, d_k = q.shape[-2], k.shape[-2], q.shape[-1]
    pairs = torch.cat([q.unsqueeze(-2).expand(*q.shape[:-2], n_q, n_k, d_k),
                       k.unsqueeze(-3).expand(*k.shape[:-2], n_q, n_k, d_k)], dim=-1)  # (..., n_q, n_k, 2 d_k)
    w = torch.cat([w1, w2], dim=1)  # (d_a, 2 d_k)
    h = torch.matmul(pairs, w.T).tanh_()  # (..., n_q, n_k, d_a)
    return torch.matmul(h, v).squeeze(-1)  # (..., n_q, n_k)


def naive_affordable(n: int, d_k: int, d_a: int) -> bool:
    """Whether the naive additive score at this n is timed: its multiply-adds within limits.DVA_NAIVE_WORK and
    its largest tensor, (n, n, max(2 d_k, d_a)), within limits.DVA_NAIVE_ELEMENTS."""
    return (n * n * (2 * d_k + 1) * d_a <= limits.DVA_NAIVE_WORK
            and n * n * max(2 * d_k, d_a) <= limits.DVA_NAIVE_ELEMENTS)


def grid_for(n: int) -> list[int]:
    """The n timed for a chosen n: the GRID values below it, then n."""
    return grid_up_to(GRID, n)


def way_flops(way: str, n: int, d_k: int, d_a: int) -> int:
    """Counted FLOPs of one call of a way at n (tf_core.flops)."""
    if way == "dot":
        return flops.dot_scores(n, d_k)
    if way == "additive":
        return flops.additive_scores(n, d_k, d_a)
    return flops.additive_scores_naive(n, d_k, d_a)


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class DotVsAdditiveResult(SecondsPerSize):
    """Timings and counted FLOPs against n; softmax saturation against d_k."""

    n: int  # the longest sequence timed, and the keys of each softmax row of the saturation curves
    d_k: int
    d_a: int
    repeats: int
    seed: int
    grid_n: np.ndarray  # (G,) int64 the n timed, ending with n
    seconds: dict[str, np.ndarray]  # way -> (G, repeats) float64 seconds per call; NaN where the way was not timed
    flops: dict[str, np.ndarray]  # way -> (G,) int64 counted FLOPs (tf_core.flops; multiply-add = 2)
    largest_tensor: dict[str, np.ndarray]  # way -> (G,) int64 elements of the largest tensor the way builds (n², n²·d_a, n²·max(2 d_k, d_a))
    max_naive_diff: float  # max |efficient − naive| additive score over the timed inputs at the smallest n, float32
    score_scale: float  # max |additive score| there: the scale that difference is rounding against
    dtype: str  # of the timed tensors
    device: DeviceInfo  # what the timing ran on
    queries: int  # softmax rows averaged per d_k
    dk_grid: np.ndarray  # (K,) int64 the d_k of the saturation curves (DK_GRID and the chosen d_k)
    std: dict[str, np.ndarray]  # kind ("dot", "scaled", "additive") -> (K,) std of all scores
    pmax: dict[str, np.ndarray]  # kind -> (K,) largest softmax weight, mean over the rows
    entropy: dict[str, np.ndarray]  # kind -> (K,) softmax entropy in nats, mean over the rows
    max_abs: dict[str, np.ndarray]  # kind -> (K,) largest |score|
    v_l1: float  # ‖v‖₁ of the saturation curves' v: every additive score lies in (−‖v‖₁, ‖v‖₁)

    @staticmethod
    def calls(n: int, d_k: int, d_a: int, repeats: int) -> int:
        """Timed calls :func:`run` makes (its progress total): a warm-up and ``repeats`` per (way, n)."""
        ways = sum(2 + naive_affordable(g, d_k, d_a) for g in grid_for(n))
        return (1 + repeats) * ways

    def timed(self, way: str) -> np.ndarray:
        """(G,) bool: the n at which ``way`` was timed."""
        return ~np.isnan(self.seconds[way][:, 0])

    def flop_rate(self, way: str) -> np.ndarray:
        """(G,) counted FLOPs per second of median time: how much of its time a way spends on counted work."""
        return self.flops[way] / self.median(way)

    @property
    def speedup(self) -> float:
        """How many times faster the dot product ran than the efficient additive score at n (medians)."""
        return float(self.median("additive")[-1] / self.median("dot")[-1])

    @property
    def at_dk(self) -> int:
        """The index of the chosen d_k in ``dk_grid``."""
        return int(np.flatnonzero(self.dk_grid == self.d_k)[0])

    @property
    def entropy_uniform(self) -> float:
        """log n: the entropy of a softmax row that weighs the n keys equally."""
        return math.log(self.n)


# --------------------------------------------------------------------------- the run
def _weights(g: torch.Generator, d_k: int, d_a: int, dtype) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """W₁, W₂ (d_a, d_k) with N(0, 1/d_k) entries and v (d_a, 1) with N(0, 1/d_a) entries."""
    w1 = torch.randn((d_a, d_k), generator=g, dtype=dtype) / math.sqrt(d_k)  # (d_a, d_k)
    w2 = torch.randn((d_a, d_k), generator=g, dtype=dtype) / math.sqrt(d_k)  # (d_a, d_k)
    v = torch.randn((d_a, 1), generator=g, dtype=dtype) / math.sqrt(d_a)  # (d_a, 1)
    return w1, w2, v


def _timings(n: int, d_k: int, d_a: int, repeats: int, seed: int, device: torch.device, progress: Progress):
    """Seconds per call of each way at each n of the grid (see the module docstring), and the largest
    difference between the efficient and the naive additive scores at the smallest n."""
    g = torch.Generator().manual_seed(seed)
    Q = torch.randn((n, d_k), generator=g).to(device)  # (n, d_k)
    K = torch.randn((n, d_k), generator=g).to(device)  # (n, d_k)
    w1, w2, v = (x.to(device) for x in _weights(g, d_k, d_a, torch.float32))
    grid = grid_for(n)
    calls = {}  # (way, i) -> the call timed
    for i, m in enumerate(grid):
        q, k = Q[:m], K[:m]  # (m, d_k) each
        calls["dot", i] = lambda q=q, k=k: dot_scores(q, k)
        calls["additive", i] = lambda q=q, k=k: additive_scores(q, k, w1, w2, v)
        if naive_affordable(m, d_k, d_a):
            calls["naive", i] = lambda q=q, k=k: additive_scores_naive(q, k, w1, w2, v)
    seconds = {way: np.full((len(grid), repeats), np.nan) for way in WAYS}
    with torch.inference_mode():
        efficient = calls["additive", 0]()  # the warm-up of the smallest n doubles as the check
        progress.tick()
        for key, fn in calls.items():
            if key != ("additive", 0):
                fn()  # warm-up: the first call allocates and picks its kernels
                progress.tick()
        naive = additive_scores_naive(Q[:grid[0]], K[:grid[0]], w1, w2, v)  # (g0, g0): tiny at the smallest n
        number = {(way, i): calls_per_sample(way_flops(way, grid[i], d_k, d_a)) for way, i in calls}
        for r in range(repeats):
            for (way, i), fn in calls.items():
                seconds[way][i, r] = time_call(fn, device, repeats=1, warmup=0, number=number[way, i]).samples[0]
                progress.tick()
    diff = float((efficient - naive).abs().max())
    return np.array(grid, dtype=np.int64), seconds, diff, float(efficient.abs().max())


def _saturation(n: int, d_k: int, d_a: int, seed: int):
    """Std, largest weight, entropy and largest |score| of unscaled dot, scaled dot and additive scores
    against d_k (CPU; the statistics in float64), and ‖v‖₁."""
    dk_grid = sorted({*DK_GRID, d_k})
    top = dk_grid[-1]
    g = torch.Generator().manual_seed(seed + 1)  # its own stream: the timing draw does not move the curves
    Q = torch.randn((limits.DVA_QUERIES, top), generator=g, dtype=torch.float64)  # (T, D)
    K = torch.randn((n, top), generator=g, dtype=torch.float64)  # (n, D)
    # The additive side runs in float32 (tanh in float64 is ~20x slower here and its scores are bounded by
    # ‖v‖₁, so float32's 1e-7 relative rounding does not matter); its scores go on in float64.
    W1 = torch.randn((d_a, top), generator=g)  # (d_a, D) unit entries; / √d_k per d_k below
    W2 = torch.randn((d_a, top), generator=g)  # (d_a, D)
    v = torch.randn((d_a, 1), generator=g) / math.sqrt(d_a)  # (d_a, 1)
    Q32, K32 = Q.float(), K.float()
    out = {m: {kind: [] for kind in ("dot", "scaled", "additive")} for m in ("std", "pmax", "entropy", "max_abs")}
    for dk in dk_grid:
        q, k = Q[:, :dk], K[:, :dk]  # (T, dk), (n, dk)
        scores = {"dot": dot_scores(q, k, scaled=False), "scaled": dot_scores(q, k, scaled=True),
                  "additive": additive_scores(Q32[:, :dk], K32[:, :dk], W1[:, :dk] / math.sqrt(dk), W2[:, :dk] / math.sqrt(dk),
                                              v).double()}  # each (T, n)
        for kind, s in scores.items():
            pmax, entropy, _ = softmax_row_stats(s)  # (T,) each
            out["std"][kind].append(float(s.std()))
            out["pmax"][kind].append(float(pmax.mean()))
            out["entropy"][kind].append(float(entropy.mean()))
            out["max_abs"][kind].append(float(s.abs().max()))
    arrays = {m: {kind: np.array(vals, dtype=np.float64) for kind, vals in d.items()} for m, d in out.items()}
    return np.array(dk_grid, dtype=np.int64), arrays, float(v.double().abs().sum())


def run(n: int = limits.DVA_N.default, d_k: int = limits.DVA_DK.default, d_a: int = limits.DVA_DA.default,
        repeats: int = limits.DVA_REPEATS.default, seed: int = limits.SEED.default, on_progress=None) -> DotVsAdditiveResult:
    """Time dot-product and additive scores at every n of the grid up to ``n`` (and the naive additive
    where affordable), count their FLOPs, and measure softmax saturation against d_k with n keys.
    ValueError on an argument outside tf_core.limits. on_progress(done, total) after each timed call,
    total = DotVsAdditiveResult.calls(n, d_k, d_a, repeats).

    >>> r = run(n=16, d_k=8, d_a=4, repeats=1)
    >>> r.grid_n.tolist(), r.flops["dot"].tolist(), r.flops["additive"].tolist()
    ([8, 16], [1024, 4096], [1536, 4096])
    >>> bool((r.max_abs["additive"] < r.v_l1).all())   # tanh in (-1, 1): |vᵀ tanh(·)| < ‖v‖₁
    True
    """
    n = limits.DVA_N.check("n", n)
    d_k = limits.DVA_DK.check("d_k", d_k)
    d_a = limits.DVA_DA.check("d_a", d_a)
    repeats = limits.DVA_REPEATS.check("repeats", repeats)
    seed = limits.SEED.check("seed", seed)
    device = get_device()
    progress = Progress(DotVsAdditiveResult.calls(n, d_k, d_a, repeats), on_progress)
    grid, seconds, diff, scale = _timings(n, d_k, d_a, repeats, seed, device, progress)
    dk_grid, sat, v_l1 = _saturation(n, d_k, d_a, seed)
    size = {"dot": lambda m: m * m, "additive": lambda m: m * m * d_a, "naive": lambda m: m * m * max(2 * d_k, d_a)}
    return DotVsAdditiveResult(
        n=n, d_k=d_k, d_a=d_a, repeats=repeats, seed=seed, grid_n=grid, seconds=seconds,
        flops={way: np.array([way_flops(way, int(m), d_k, d_a) for m in grid], dtype=np.int64) for way in WAYS},
        largest_tensor={way: np.array([size[way](int(m)) for m in grid], dtype=np.int64) for way in WAYS},
        max_naive_diff=diff, score_scale=scale, dtype="float32", device=describe(device),
        queries=limits.DVA_QUERIES, dk_grid=dk_grid, std=sat["std"], pmax=sat["pmax"], entropy=sat["entropy"],
        max_abs=sat["max_abs"], v_l1=v_l1,
    )
