"""Lesson `scaling`: why attention divides q.k by sqrt(d_k) before the softmax.

The claim, under its assumptions: if the d_k components of q and k are independent, have mean 0
and variance sigma^2, then

    Var(q.k) = sum_i Var(q_i k_i) = d_k * sigma^4                 (each term has variance sigma^4)

so with sigma = 1 the scores' standard deviation grows like sqrt(d_k), and dividing by sqrt(d_k)
brings it back to 1. Unscaled, a row of n scores spreads so widely that the softmax puts almost
all its weight on one key: the weights saturate, the entropy collapses, and the softmax Jacobian
diag(p) - p p^T (the factor every gradient through the softmax is multiplied by) goes to zero.

Everything below is sampled, not taken from the formula: the formula is only drawn as the theory
line to compare with.

Sampling scheme (stated because it makes the curves smooth): one draw of 4096-dimensional vectors
serves every d_k, each d_k using the first d_k components. A prefix of i.i.d. components is itself
an i.i.d. sample of dimension d_k, so each point is an honest sample; neighbouring points share
components, which is why the curves do not jitter from one d_k to the next.

The draw is made with unit variance and cached per seed (a few per process): sigma, which only
scales every product q_i k_i by sigma^2, is applied to the summed scores, so moving d_k, n or sigma
reuses the draw (its ~40 ms of randn is most of a cache miss) and only a new seed draws again.

Precision: components are drawn in float32; partial dot products over blocks of at most 2048
components are summed in float32 and everything after (sums of blocks, softmax, statistics) is
float64, because unscaled scores at d_k = 4096 have a standard deviation of 64 and the smallest
softmax weights underflow float32.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.device import to_numpy

D_MAX = limits.SCALING_DK.hi
# The d_k values the curves are drawn at: powers of two from 1 to 4096.
DK_GRID = tuple(2**i for i in range(int(math.log2(D_MAX)) + 1))


@dataclass(frozen=True)
class RowStats:
    """Softmax statistics of rows of scores, averaged over the rows (float64)."""

    pmax: float  # largest weight; 1/n is uniform, 1 is one-hot
    entropy: float  # nats; log(n) is uniform, 0 is one-hot
    jacobian_norm: float  # Frobenius norm of diag(p) - p p^T; 0 means no gradient flows


def softmax_row_stats(scores: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per-row largest weight, entropy and Frobenius norm of the softmax Jacobian.

    scores: (R, n) float64. Returns three (R,) tensors.

    ||diag(p) - p p^T||_F^2 = sum_i p_i^2 - 2 sum_i p_i^3 + (sum_i p_i^2)^2, which avoids building
    the (n, n) matrix; tests check it against the matrix and against autograd.
    Subtle: the entropy uses ``torch.xlogy`` (0 * log 0 = 0); a naive ``p * p.log()`` is NaN as soon
    as a weight underflows to 0, which happens unscaled at large d_k.
    """
    p = torch.softmax(scores, dim=-1)  # (R, n)
    pmax = p.amax(dim=-1)  # (R,)
    entropy = -torch.xlogy(p, p).sum(dim=-1)  # (R,)
    s2 = (p * p).sum(dim=-1)
    s3 = (p * p * p).sum(dim=-1)
    jac = (s2 - 2 * s3 + s2 * s2).clamp_min(0.0).sqrt()  # (R,) clamp: rounding can dip below 0
    return pmax, entropy, jac


@dataclass(frozen=True)
class ScalingResult:
    """Everything the `scaling` page draws, for one setting of its controls.

    Curves (arrays over ``dk_grid``):
      var_raw / var_scaled: sampled variance of q.k and of q.k / sqrt(d_k)
      var_theory: d_k * sigma^4
      pmax_*, entropy_*, jacobian_*: softmax statistics of a row of n scores, mean over queries
    At the chosen d_k (scalars, and one query's weights):
      the same quantities, plus ``weights_raw`` / ``weights_scaled`` of the first query (n,)
    """

    dk: int
    n: int
    seed: int
    sigma: float
    n_pairs: int
    n_queries: int
    dk_grid: np.ndarray
    var_raw: np.ndarray
    var_scaled: np.ndarray
    var_theory: np.ndarray
    pmax_raw: np.ndarray
    pmax_scaled: np.ndarray
    entropy_raw: np.ndarray
    entropy_scaled: np.ndarray
    jacobian_raw: np.ndarray
    jacobian_scaled: np.ndarray
    at_var_raw: float
    at_var_scaled: float
    at_var_theory: float
    at_raw: RowStats
    at_scaled: RowStats
    weights_raw: np.ndarray
    weights_scaled: np.ndarray

    @property
    def var_ratio(self) -> np.ndarray:
        """(G,) sampled variance over the theory d_k * sigma^4 at each grid point: 1 when they agree."""
        return self.var_raw / self.var_theory

    @property
    def entropy_uniform(self) -> float:
        """log(n): the entropy of uniform attention over n keys."""
        return math.log(self.n)


@functools.lru_cache(maxsize=2)
def _unit_draw(seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The seed's unit-variance draw: the terms q_i k_i of SCALING_PAIRS independent pairs (P, D),
    SCALING_QUERIES queries (T, D), and the generator state after them (the keys come next).

    Cached and shared: callers must not modify the tensors (~17 MB per seed, two seeds kept)."""
    g = torch.Generator().manual_seed(seed)
    P, T = limits.SCALING_PAIRS, limits.SCALING_QUERIES
    prod = torch.randn((P, D_MAX), generator=g).mul_(torch.randn((P, D_MAX), generator=g))  # (P, D)
    Q = torch.randn((T, D_MAX), generator=g)  # (T, D)
    return prod, Q, g.get_state()


@functools.lru_cache(maxsize=2)
def _unit_keys(seed: int, n: int) -> torch.Tensor:
    """n unit-variance keys (n, D), drawn right after ``_unit_draw(seed)`` from the same stream."""
    g = torch.Generator()
    g.set_state(_unit_draw(seed)[2])
    return torch.randn((n, D_MAX), generator=g)  # (n, D)


def run(dk: int, n: int, seed: int, sigma: float = 1.0) -> ScalingResult:
    """Sample q and k, measure score variance and softmax saturation against d_k.

    dk: the chosen key dimension (1..4096); n: keys per softmax row (2..1024);
    seed: the random draw; sigma: standard deviation of every q and k component.

    >>> r = run(dk=64, n=32, seed=0)
    >>> r.at_var_theory                # d_k * sigma^4
    64.0
    >>> abs(r.at_var_raw / 64 - 1) < 5 * (2 / r.n_pairs) ** 0.5   # sampled: within 5 standard errors
    True
    """
    dk = limits.SCALING_DK.check("dk", dk)
    n = limits.SCALING_N.check("n", n)
    seed = limits.SEED.check("seed", seed)
    sigma = limits.SCALING_SIGMA.check("sigma", sigma)
    P, T = limits.SCALING_PAIRS, limits.SCALING_QUERIES
    s2 = sigma * sigma  # every product (sigma q_i)(sigma k_i) is sigma^2 times the unit one

    # Variance: P independent (q, k) pairs (terms q_i k_i). Softmax rows: T queries against the
    # same n keys.
    prod, Q, _ = _unit_draw(seed)  # (P, D), (T, D)
    K = _unit_keys(seed, n)  # (n, D)

    # Prefix sums over the component index, at every grid point: q.k using the first d_k terms.
    # Block j holds components [2^(j-1), 2^j) (block 0 is component 0); cumulative block sums give
    # each prefix without a full cumsum over 4096 columns.
    bounds = [0, *DK_GRID]  # 0, 1, 2, 4, ..., 4096
    # Each block is summed in float32 (at most 2048 terms) and accumulated in float64.
    dot_blocks = torch.stack([prod[:, a:b].sum(dim=1) for a, b in zip(bounds, bounds[1:])], dim=1)  # (P, G)
    dots = dot_blocks.double().cumsum(dim=1) * s2  # (P, G) q.k for each d_k in DK_GRID
    score_blocks = torch.stack([Q[:, a:b] @ K[:, a:b].T for a, b in zip(bounds, bounds[1:])])  # (G, T, n)
    scores = score_blocks.double().cumsum(dim=0) * s2  # (G, T, n) unscaled scores for each d_k

    grid = torch.tensor(DK_GRID, dtype=torch.float64)
    var_raw = dots.var(dim=0)  # (G,)
    var_scaled = (dots / grid.sqrt()).var(dim=0)  # (G,)
    raw = [x.mean(dim=-1) for x in softmax_row_stats(scores)]  # each (G,)
    scaled = [x.mean(dim=-1) for x in softmax_row_stats(scores / grid.sqrt()[:, None, None])]

    # The chosen d_k (any integer, not only a grid point), from the same draw and summed the same
    # way: the whole blocks below d_k, then the part of the next block up to d_k. At a grid point
    # the partial block is empty and the values equal the curve's.
    j = max(i for i, b in enumerate(bounds) if b <= dk)  # blocks 0..j-1 lie inside [0, dk)
    start = bounds[j]
    dot_at = (dot_blocks[:, :j].double().sum(dim=1) + prod[:, start:dk].sum(dim=1).double()) * s2  # (P,)
    s_at = (score_blocks[:j].double().sum(dim=0) + (Q[:, start:dk] @ K[:, start:dk].T).double()) * s2  # (T, n)
    s_at_scaled = s_at / math.sqrt(dk)
    at_raw = RowStats(*(float(x.mean()) for x in softmax_row_stats(s_at)))
    at_scaled = RowStats(*(float(x.mean()) for x in softmax_row_stats(s_at_scaled)))

    return ScalingResult(
        dk=dk,
        n=n,
        seed=seed,
        sigma=sigma,
        n_pairs=P,
        n_queries=T,
        dk_grid=np.asarray(DK_GRID, dtype=np.int64),
        var_raw=to_numpy(var_raw, np.float64),
        var_scaled=to_numpy(var_scaled, np.float64),
        var_theory=np.asarray(DK_GRID, dtype=np.float64) * sigma**4,
        pmax_raw=to_numpy(raw[0], np.float64),
        pmax_scaled=to_numpy(scaled[0], np.float64),
        entropy_raw=to_numpy(raw[1], np.float64),
        entropy_scaled=to_numpy(scaled[1], np.float64),
        jacobian_raw=to_numpy(raw[2], np.float64),
        jacobian_scaled=to_numpy(scaled[2], np.float64),
        at_var_raw=float(dot_at.var()),
        at_var_scaled=float((dot_at / math.sqrt(dk)).var()),
        at_var_theory=dk * sigma**4,
        at_raw=at_raw,
        at_scaled=at_scaled,
        weights_raw=to_numpy(torch.softmax(s_at[0], dim=-1), np.float64),
        weights_scaled=to_numpy(torch.softmax(s_at_scaled[0], dim=-1), np.float64),
    )
