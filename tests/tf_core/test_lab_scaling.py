"""Tests for tf_core.lab.scaling (lesson: why attention divides q.k by sqrt(d_k)).

``softmax_row_stats`` is checked against independent references (torch.distributions, the explicit
Jacobian matrix, autograd). ``run`` is sampled, so its variance is checked against the theory
d_k * sigma^4 within a stated number of standard errors (fixed seeds: deterministic, not flaky).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tf_core import limits
from tf_core.lab import scaling
from tf_core.lab.scaling import DK_GRID, softmax_row_stats

F64 = torch.float64
P = limits.SCALING_PAIRS
# Number of standard errors a sampled variance may be off by. With fixed seeds the test is
# deterministic; 5 SE keeps it valid for any seed with probability > 1 - 1e-6 per point.
N_SE = 5.0


def rel_se_of_sample_variance(dk: int) -> float:
    """Relative standard error of the sample variance of q.k over P pairs.

    q.k is a sum of d_k i.i.d. terms q_i k_i with variance s^4 and fourth moment 9 s^8, so its
    kurtosis is 3 + 6/d_k and Var(sample variance)/Var^2 ~ (kurtosis - 1)/P = (2 + 6/d_k)/P:
    sqrt(8/P) at d_k = 1, tending to sqrt(2/P) for large d_k.
    """
    return math.sqrt((2.0 + 6.0 / dk) / P)


@pytest.fixture(scope="module")
def r64():
    return scaling.run(dk=64, n=32, seed=0)


@pytest.fixture(scope="module")
def r4096():
    return scaling.run(dk=4096, n=97, seed=3)


# --------------------------------------------------------------------------- softmax_row_stats


def _rows(n: int, seed: int, spread: float = 3.0, R: int = 5) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(R, n, generator=g, dtype=F64) * spread


@pytest.mark.parametrize("n", [1, 2, 7, 97])
def test_row_stats_pmax_and_entropy(n):
    scores = _rows(n, seed=n)
    pmax, entropy, jac = softmax_row_stats(scores)
    assert pmax.shape == entropy.shape == jac.shape == (scores.shape[0],)
    assert pmax.dtype == entropy.dtype == jac.dtype == F64
    p = torch.softmax(scores, dim=-1)
    torch.testing.assert_close(pmax, p.max(dim=-1).values, rtol=0, atol=0)
    ref_entropy = torch.distributions.Categorical(probs=p).entropy()
    torch.testing.assert_close(entropy, ref_entropy, rtol=1e-12, atol=1e-13)
    assert (pmax >= 1.0 / n - 1e-15).all() and (pmax <= 1.0).all()
    assert (entropy >= -1e-15).all() and (entropy <= math.log(n) + 1e-12).all()


@pytest.mark.parametrize("spread", [0.1, 3.0, 30.0])
@pytest.mark.parametrize("n", [1, 2, 7, 97])
def test_row_stats_jacobian_norm(n, spread):
    scores = _rows(n, seed=100 + n, spread=spread)
    _, _, jac = softmax_row_stats(scores)
    p = torch.softmax(scores, dim=-1)
    explicit = torch.linalg.matrix_norm(torch.diag_embed(p) - p[:, :, None] * p[:, None, :], ord="fro")
    autograd = torch.stack(
        [
            torch.linalg.matrix_norm(torch.autograd.functional.jacobian(lambda s: torch.softmax(s, -1), row))
            for row in scores
        ]
    )
    # The closed form is the square root of s2 - 2 s3 + s2^2, which cancels when p is nearly one-hot:
    # an absolute error of a few eps in the square is at most sqrt(4 eps) ~ 3e-8 in the norm.
    torch.testing.assert_close(jac, explicit, rtol=1e-10, atol=3e-8)
    torch.testing.assert_close(jac, autograd, rtol=1e-10, atol=3e-8)
    torch.testing.assert_close(explicit, autograd, rtol=1e-12, atol=1e-15)  # the two references agree


def test_row_stats_known_values():
    # uniform row over n keys: pmax 1/n, entropy log n; diag(p) - pp^T has n diagonal entries
    # 1/n - 1/n^2 and n^2 - n off-diagonal entries -1/n^2
    n = 7
    pmax, entropy, jac = softmax_row_stats(torch.zeros(1, n, dtype=F64))
    expected_jac = math.sqrt(n * (1 / n - 1 / n**2) ** 2 + (n * n - n) / n**4)
    torch.testing.assert_close(pmax, torch.tensor([1 / n], dtype=F64))
    torch.testing.assert_close(entropy, torch.tensor([math.log(n)], dtype=F64))
    torch.testing.assert_close(jac, torch.tensor([expected_jac], dtype=F64))
    # a single key: weight 1, nothing to choose, no gradient
    pmax, entropy, jac = softmax_row_stats(torch.tensor([[3.0]], dtype=F64))
    assert pmax.item() == 1.0 and entropy.item() == 0.0 and jac.item() == 0.0


def test_row_stats_saturated_rows_are_finite():
    scores = torch.tensor(
        [
            [0.0, 1e4, -1e4],  # one-hot after underflow
            [1e4, 1e4, -1e4],  # two-hot: entropy log 2
            [0.0, 40.0, -40.0],  # tiny but non-zero weights
        ],
        dtype=F64,
    )
    p = torch.softmax(scores, dim=-1)
    assert (p[:2] == 0).any(), "the first rows really underflow (else this test checks nothing)"
    assert torch.isnan((p * p.log()).sum(-1)[:2]).all(), "a naive entropy would be NaN here"
    pmax, entropy, jac = softmax_row_stats(scores)
    for t in (pmax, entropy, jac):
        assert torch.isfinite(t).all()
    torch.testing.assert_close(pmax[:2], torch.tensor([1.0, 0.5], dtype=F64))
    torch.testing.assert_close(entropy[:2], torch.tensor([0.0, math.log(2)], dtype=F64))
    # two-hot row: diag(.5, .5, 0) - pp^T has entries +-1/4 in a 2x2 block: norm 1/2
    torch.testing.assert_close(jac[:2], torch.tensor([0.0, 0.5], dtype=F64), rtol=0, atol=3e-8)
    torch.testing.assert_close(entropy[2], torch.distributions.Categorical(probs=p[2]).entropy())


def test_row_stats_batched_leading_dims():
    scores = torch.randn(3, 4, 9, generator=torch.Generator().manual_seed(9), dtype=F64)
    batched = softmax_row_stats(scores)
    flat = softmax_row_stats(scores.reshape(12, 9))
    for a, b in zip(batched, flat):
        assert a.shape == (3, 4)
        torch.testing.assert_close(a.reshape(12), b, rtol=0, atol=0)


# --------------------------------------------------------------------------- run: variance


@pytest.mark.parametrize("sigma,seed", [(1.0, 0), (2.0, 5), (0.25, 7)])
def test_sampled_variance_matches_theory(sigma, seed):
    r = scaling.run(dk=64, n=32, seed=seed, sigma=sigma)
    grid = np.asarray(DK_GRID, dtype=np.float64)
    np.testing.assert_array_equal(r.dk_grid, np.asarray(DK_GRID))
    np.testing.assert_allclose(r.var_theory, grid * sigma**4, rtol=1e-15)
    assert r.at_var_theory == pytest.approx(64 * sigma**4, rel=1e-15)
    tol = N_SE * np.array([rel_se_of_sample_variance(int(d)) for d in DK_GRID])
    rel_err_raw = np.abs(r.var_raw / (grid * sigma**4) - 1)
    rel_err_scaled = np.abs(r.var_scaled / sigma**4 - 1)
    assert (rel_err_raw < tol).all(), rel_err_raw / tol
    assert (rel_err_scaled < tol).all(), rel_err_scaled / tol
    # the scaled curve is exactly the raw one divided by d_k
    np.testing.assert_allclose(r.var_scaled * grid, r.var_raw, rtol=1e-12)
    # the chosen point
    assert abs(r.at_var_raw / (64 * sigma**4) - 1) < N_SE * rel_se_of_sample_variance(64)
    assert r.at_var_scaled == pytest.approx(r.at_var_raw / 64, rel=1e-12)


def test_sigma_two_gives_sixteen_dk():
    r = scaling.run(dk=97, n=32, seed=1, sigma=2.0)
    grid = np.asarray(DK_GRID, dtype=np.float64)
    tol = N_SE * np.array([rel_se_of_sample_variance(int(d)) for d in DK_GRID])
    assert (np.abs(r.var_raw / (16 * grid) - 1) < tol).all()
    assert abs(r.at_var_raw / (16 * 97) - 1) < N_SE * rel_se_of_sample_variance(97)
    assert abs(r.at_var_scaled / 16 - 1) < N_SE * rel_se_of_sample_variance(97)
    # the ratio the card quotes divides by the theory d_k sigma^4, not by d_k (which would read ~16)
    assert (np.abs(r.var_ratio - 1) < tol).all()
    np.testing.assert_allclose(r.var_ratio, r.var_raw / (16 * grid), rtol=1e-15)


def test_variance_tolerance_is_meaningful(r64):
    """Guard: the tolerance is tight enough to reject a variance off by sqrt(d_k) or by sigma^2."""
    grid = np.asarray(DK_GRID, dtype=np.float64)
    tol = N_SE * np.array([rel_se_of_sample_variance(int(d)) for d in DK_GRID])
    assert tol.max() < 0.5
    wrong = np.abs(r64.var_raw / np.sqrt(grid) - 1)[1:]  # a theory of sqrt(d_k) would be rejected
    assert (wrong > tol[1:]).all()


# --------------------------------------------------------------------------- run: chosen point vs curves


def _assert_point_on_curve(r, rtol, atol):
    i = DK_GRID.index(r.dk)
    pairs = [
        (r.at_var_raw, r.var_raw[i]),
        (r.at_var_scaled, r.var_scaled[i]),
        (r.at_raw.pmax, r.pmax_raw[i]),
        (r.at_raw.entropy, r.entropy_raw[i]),
        (r.at_raw.jacobian_norm, r.jacobian_raw[i]),
        (r.at_scaled.pmax, r.pmax_scaled[i]),
        (r.at_scaled.entropy, r.entropy_scaled[i]),
        (r.at_scaled.jacobian_norm, r.jacobian_scaled[i]),
    ]
    got = np.array([a for a, _ in pairs])
    want = np.array([b for _, b in pairs])
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


@pytest.mark.parametrize("dk", [1, 2, 64, 1024, 4096])
def test_chosen_point_lies_on_curve(dk):
    """Same draw, same block sums: at a grid d_k the chosen point equals the curve up to float64
    rounding of the order of the block additions (1e-9 is far above it)."""
    r = scaling.run(dk=dk, n=32, seed=2)
    _assert_point_on_curve(r, rtol=1e-9, atol=1e-9)


def test_chosen_point_off_grid(r64):
    r = scaling.run(dk=97, n=32, seed=0)
    assert r.dk == 97 and 97 not in DK_GRID
    # the curves do not depend on the chosen d_k: same draw as r64
    for name in ("var_raw", "pmax_raw", "entropy_scaled", "jacobian_raw"):
        np.testing.assert_array_equal(getattr(r, name), getattr(r64, name))
    assert abs(r.at_var_raw / 97 - 1) < N_SE * rel_se_of_sample_variance(97)
    assert r.at_var_theory == 97.0


# --------------------------------------------------------------------------- run: saturation


def test_unscaled_softmax_saturates_at_large_dk(r4096):
    i = DK_GRID.index(4096)
    assert r4096.pmax_raw[i] > r4096.pmax_scaled[i]
    assert r4096.entropy_raw[i] < r4096.entropy_scaled[i]
    assert r4096.jacobian_raw[i] < r4096.jacobian_scaled[i]
    assert r4096.at_raw.pmax > r4096.at_scaled.pmax
    assert r4096.at_raw.entropy < r4096.at_scaled.entropy
    # unscaled at d_k=4096 the scores have std 64: the row is close to one-hot
    assert r4096.pmax_raw[i] > 0.9
    # scaled rows stay far from one-hot at every d_k (scores have std ~1 over 97 keys)
    assert (r4096.pmax_scaled < 0.5).all()
    for name in ("pmax_raw", "entropy_raw", "jacobian_raw", "pmax_scaled", "entropy_scaled", "jacobian_scaled"):
        assert np.isfinite(getattr(r4096, name)).all(), name


def test_entropy_uniform_and_bounds(r4096, r64):
    for r in (r4096, r64):
        assert r.entropy_uniform == math.log(r.n)
        assert (r.entropy_raw <= r.entropy_uniform + 1e-12).all()
        assert (r.entropy_scaled <= r.entropy_uniform + 1e-12).all()
        assert (r.pmax_raw >= 1 / r.n - 1e-12).all()


# --------------------------------------------------------------------------- run: weights, shapes


@pytest.mark.parametrize("n", [2, 97, 1024])
def test_weights_shape_and_sum(n):
    r = scaling.run(dk=33, n=n, seed=4)
    assert r.n == n and r.dk == 33 and r.seed == 4 and r.sigma == 1.0
    assert r.n_pairs == limits.SCALING_PAIRS and r.n_queries == limits.SCALING_QUERIES
    for w in (r.weights_raw, r.weights_scaled):
        assert w.shape == (n,) and w.dtype == np.float64
        assert (w >= 0).all()
        assert abs(w.sum() - 1.0) < 1e-12
    for name in ("var_raw", "var_scaled", "var_theory", "pmax_raw", "entropy_scaled", "jacobian_raw"):
        arr = getattr(r, name)
        assert arr.shape == (len(DK_GRID),) and arr.dtype == np.float64, name


def test_determinism_and_seed(r64):
    again = scaling.run(dk=64, n=32, seed=0)
    other = scaling.run(dk=64, n=32, seed=1)
    for name in ("var_raw", "var_scaled", "pmax_raw", "entropy_raw", "jacobian_scaled", "weights_raw"):
        np.testing.assert_array_equal(getattr(again, name), getattr(r64, name))
        assert not np.array_equal(getattr(other, name), getattr(r64, name)), name
    assert again.at_raw == r64.at_raw and again.at_var_raw == r64.at_var_raw
    assert other.at_var_raw != r64.at_var_raw


# --------------------------------------------------------------------------- run: input checks


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(dk=0), dict(dk=4097), dict(dk=-1), dict(dk=2.5), dict(dk=True),
        dict(n=1), dict(n=1025), dict(n=0),
        dict(seed=-1), dict(seed=10_000),
        dict(sigma=0.2), dict(sigma=4.5), dict(sigma=float("nan")), dict(sigma=0.0),
    ],
    ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()),
)  # fmt: skip
def test_run_rejects_out_of_range(kwargs):
    args = dict(dk=64, n=32, seed=0, sigma=1.0) | kwargs
    with pytest.raises(ValueError):
        scaling.run(**args)


def test_run_accepts_the_limits_themselves():
    r = scaling.run(dk=limits.SCALING_DK.lo, n=limits.SCALING_N.lo, seed=limits.SEED.hi, sigma=limits.SCALING_SIGMA.hi)
    assert r.weights_raw.shape == (2,)
    assert np.isfinite(r.var_raw).all()


# --------------------------------------------------------------------------- run: exact relations


@pytest.mark.parametrize("dk", [1, 4, 9, 97])
def test_raw_weights_are_scaled_weights_to_the_power_sqrt_dk(dk):
    """weights_raw = softmax(s) and weights_scaled = softmax(s / sqrt(d_k)) of the same query:
    so weights_raw is proportional to weights_scaled ** sqrt(d_k) (equal when d_k = 1)."""
    r = scaling.run(dk=dk, n=7, seed=8)
    powered = r.weights_scaled ** math.sqrt(dk)
    np.testing.assert_allclose(r.weights_raw, powered / powered.sum(), rtol=1e-9, atol=1e-300)
    if dk > 1:
        assert r.weights_raw.max() > r.weights_scaled.max()


@pytest.mark.parametrize("sigma", [0.5, 2.0])
def test_sigma_rescales_the_same_draw(sigma):
    """Every component is randn * sigma from the same generator, and multiplying by a power of two
    is exact in floating point: with sigma = 2^j the products q_i k_i and the scores are exactly
    sigma^2 times those of sigma = 1, so Var scales by sigma^4 and the weights by a power sigma^2."""
    base = scaling.run(dk=97, n=32, seed=6, sigma=1.0)
    r = scaling.run(dk=97, n=32, seed=6, sigma=sigma)
    s4 = sigma**4
    np.testing.assert_allclose(r.var_raw, s4 * base.var_raw, rtol=1e-12)
    np.testing.assert_allclose(r.var_scaled, s4 * base.var_scaled, rtol=1e-12)
    assert r.at_var_raw == pytest.approx(s4 * base.at_var_raw, rel=1e-12)
    for w, w1 in ((r.weights_raw, base.weights_raw), (r.weights_scaled, base.weights_scaled)):
        powered = w1 ** (sigma**2)  # softmax(c * s) is proportional to softmax(s) ** c
        np.testing.assert_allclose(w, powered / powered.sum(), rtol=1e-9, atol=1e-300)
    # larger sigma sharpens the (scaled) softmax: division by sqrt(d_k) does not undo sigma
    i = DK_GRID.index(64)
    if sigma > 1:
        assert r.pmax_scaled[i] > base.pmax_scaled[i]
    else:
        assert r.pmax_scaled[i] < base.pmax_scaled[i]
