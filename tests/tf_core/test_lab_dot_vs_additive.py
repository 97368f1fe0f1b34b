"""tf_core.lab.dot_vs_additive: the scores against references (a brute-force loop over the pairs,
torch.matmul, PyTorch's SDPA, tf_core.attention), the FLOP counts against FlopCounterMode run on the
lab's own functions, both ends of every cap, and the run's result (progress, shapes, what was timed,
the saturation statistics)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from tf_core import flops, limits
from tf_core.attention import scaled_dot_product_attention
from tf_core.lab import dot_vs_additive as lab

F64 = torch.float64
META = torch.device("meta")
SIZES = [(1, 1, 1), (7, 3, 5), (33, 16, 12), (97, 64, 1), (2, 1, 128)]  # (n, d_k, d_a): odd sizes and ones


def draw(n: int, d_k: int, d_a: int, seed: int = 0, batch: tuple[int, ...] = ()):
    g = torch.Generator().manual_seed(seed)
    q, k = (torch.randn((*batch, n, d_k), generator=g, dtype=F64) for _ in range(2))
    w1, w2 = (torch.randn((d_a, d_k), generator=g, dtype=F64) for _ in range(2))
    v = torch.randn((d_a, 1), generator=g, dtype=F64)
    return q, k, w1, w2, v


def brute_force(q, k, w1, w2, v) -> torch.Tensor:
    """e_ij = vᵀ tanh(W [q_i; k_j]), one pair at a time: the textbook formula, no vectorising."""
    w = torch.cat([w1, w2], dim=1)
    out = torch.empty(q.shape[0], k.shape[0], dtype=q.dtype)
    for i in range(q.shape[0]):
        for j in range(k.shape[0]):
            out[i, j] = (v[:, 0] * torch.tanh(w @ torch.cat([q[i], k[j]]))).sum()
    return out


@pytest.mark.parametrize("n,d_k,d_a", [(1, 1, 1), (7, 3, 5), (9, 16, 12)])
def test_both_additive_forms_equal_the_per_pair_formula(n, d_k, d_a):
    q, k, w1, w2, v = draw(n, d_k, d_a)
    ref = brute_force(q, k, w1, w2, v)
    torch.testing.assert_close(lab.additive_scores(q, k, w1, w2, v), ref, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(lab.additive_scores_naive(q, k, w1, w2, v), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n,d_k,d_a", SIZES)
def test_efficient_additive_is_the_naive_one_with_batches_and_unequal_lengths(n, d_k, d_a):
    q, k, w1, w2, v = draw(n, d_k, d_a, batch=(2,))
    k = k[..., : max(1, n - 1), :]  # n_q != n_k where n > 1
    eff, naive = lab.additive_scores(q, k, w1, w2, v), lab.additive_scores_naive(q, k, w1, w2, v)
    assert eff.shape == naive.shape == (2, n, k.shape[-2])
    torch.testing.assert_close(eff, naive, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n,d_k,d_a", SIZES)
def test_additive_scores_are_bounded_by_the_l1_norm_of_v(n, d_k, d_a):
    q, k, w1, w2, v = draw(n, d_k, d_a, seed=3)
    s = lab.additive_scores(100 * q, 100 * k, w1, w2, v)  # huge inputs: every tanh saturated
    assert (s.abs() <= v.abs().sum() * (1 + 1e-12)).all()


@pytest.mark.parametrize("n,d_k,d_a", SIZES)
def test_dot_scores_equal_matmul_sdpa_and_the_core(n, d_k, d_a):
    q, k, _, _, _ = draw(n, d_k, d_a, batch=(3,))
    torch.testing.assert_close(lab.dot_scores(q, k, scaled=False), torch.matmul(q, k.transpose(-2, -1)), rtol=0, atol=0)
    scaled = lab.dot_scores(q, k)
    torch.testing.assert_close(scaled, q @ k.transpose(-2, -1) / math.sqrt(d_k), rtol=1e-14, atol=1e-14)
    # SDPA returns weights @ V: with V = I the output is the weights, softmax of its scaled scores
    eye = torch.eye(n, dtype=F64).expand(3, n, n)
    torch.testing.assert_close(torch.softmax(scaled, dim=-1), F.scaled_dot_product_attention(q, k, eye), rtol=1e-12, atol=1e-12)
    core = scaled_dot_product_attention(q, k, eye)
    torch.testing.assert_close(torch.softmax(scaled, dim=-1), core.weights, rtol=1e-12, atol=1e-12)


def counted(fn, *args) -> int:
    with FlopCounterMode(display=False) as mode:
        fn(*args)
    return mode.get_total_flops()


@pytest.mark.parametrize("n,d_k,d_a", [*SIZES, (512, 512, 128), (4096, 64, 64)])
def test_flop_counts_equal_flop_counter_on_the_labs_functions(n, d_k, d_a):
    """The functions the lab times, counted by PyTorch on the meta device (shapes only, no memory)."""
    q, k = torch.empty(n, d_k, device=META), torch.empty(n, d_k, device=META)
    w1, w2, v = torch.empty(d_a, d_k, device=META), torch.empty(d_a, d_k, device=META), torch.empty(d_a, 1, device=META)
    assert counted(lab.dot_scores, q, k) == flops.dot_scores(n, d_k)
    assert counted(lab.additive_scores, q, k, w1, w2, v) == flops.additive_scores(n, d_k, d_a)
    assert counted(lab.additive_scores_naive, q, k, w1, w2, v) == flops.additive_scores_naive(n, d_k, d_a)


def test_v_as_a_vector_would_count_nothing():
    """Why v is a (d_a, 1) matrix: FlopCounterMode has no formula for aten.mv."""
    e, v = torch.empty(4, 8, device=META), torch.empty(8, device=META)
    assert counted(torch.mv, e, v) == 0 and counted(torch.mm, e, v[:, None]) == 2 * 4 * 8


# --------------------------------------------------------------------------- the run
QUICK = dict(n=limits.DVA_N.lo, d_k=limits.DVA_DK.lo, d_a=limits.DVA_DA.lo, repeats=limits.DVA_REPEATS.lo)


@pytest.fixture(scope="module")
def result():
    """A small run: n = 64 (grid 8, 16, 32, 64), odd widths."""
    ticks = []
    r = lab.run(n=64, d_k=7, d_a=5, repeats=2, seed=11, on_progress=lambda done, total: ticks.append((done, total)))
    return r, ticks


def test_run_reports_progress_after_every_timed_call(result):
    r, ticks = result
    total = lab.DotVsAdditiveResult.calls(64, 7, 5, 2)
    assert total == 3 * 3 * 4  # warm-up + 2 repeats, 3 ways at each of the 4 n (all affordable here)
    assert [d for d, _ in ticks] == list(range(1, total + 1)) and {t for _, t in ticks} == {total}


def test_run_times_and_counts_every_n(result):
    r, _ = result
    assert r.grid_n.tolist() == [8, 16, 32, 64] == lab.grid_for(64)
    for way in lab.WAYS:
        assert r.seconds[way].shape == (4, 2) and r.timed(way).all() and (r.seconds[way] > 0).all()
        lo, hi = r.spread(way)
        assert (lo <= r.median(way)).all() and (r.median(way) <= hi).all()
        assert (r.flop_rate(way) > 0).all()
    assert r.flops["dot"].tolist() == [flops.dot_scores(m, 7) for m in (8, 16, 32, 64)]
    assert r.flops["additive"].tolist() == [flops.additive_scores(m, 7, 5) for m in (8, 16, 32, 64)]
    assert r.flops["naive"].tolist() == [flops.additive_scores_naive(m, 7, 5) for m in (8, 16, 32, 64)]
    assert r.largest_tensor["additive"].tolist() == [m * m * 5 for m in (8, 16, 32, 64)]
    assert r.speedup == pytest.approx(r.median("additive")[-1] / r.median("dot")[-1])
    assert r.device.type == "cpu" and r.dtype == "float32"
    # the efficient and the naive forms on the timed float32 inputs: rounding only
    assert r.max_naive_diff <= 1e-5 * max(r.score_scale, 1.0)


def test_the_naive_form_is_timed_only_where_affordable():
    r = lab.run(n=512, d_k=512, d_a=1, repeats=1)
    expected = [lab.naive_affordable(int(m), 512, 1) for m in r.grid_n]
    assert r.timed("naive").tolist() == expected and expected[0] and not expected[-1]
    assert r.timed("dot").all() and r.timed("additive").all()
    assert np.isnan(r.median("naive")[~np.array(expected)]).all()
    assert r.grid_n.tolist() == [8, 16, 32, 64, 128, 256, 512]


def test_saturation_statistics(result):
    r, _ = result
    assert r.dk_grid.tolist() == sorted({*lab.DK_GRID, 7}) and r.dk_grid[r.at_dk] == 7
    assert r.queries == limits.DVA_QUERIES
    big = -1  # d_k = 512
    # unscaled spread grows like √d_k, scaled stays at 1 (64 queries x 64 keys: a few percent of sampling error)
    np.testing.assert_allclose(r.std["dot"] / np.sqrt(r.dk_grid), 1, rtol=0.2)
    np.testing.assert_allclose(r.std["scaled"], 1, rtol=0.2)
    assert r.std["dot"][big] > 15 and r.std["additive"].max() < r.v_l1
    # additive scores never leave (-‖v‖₁, ‖v‖₁), whatever d_k
    assert (r.max_abs["additive"] < r.v_l1).all()
    # the unscaled softmax saturates, the scaled and additive ones do not
    assert r.pmax["dot"][big] > 0.7 and r.pmax["scaled"][big] < 0.2 and r.pmax["additive"][big] < 0.2
    assert r.entropy["dot"][big] < 1 < r.entropy["scaled"][big]
    assert (r.entropy["additive"] > 0.8 * r.entropy_uniform).all()
    assert (r.entropy["scaled"] <= r.entropy_uniform + 1e-12).all() and r.entropy_uniform == pytest.approx(math.log(64))
    # at d_k = 1 the scale is 1: scaled and unscaled are the same scores
    assert r.std["dot"][0] == r.std["scaled"][0] and r.pmax["dot"][0] == r.pmax["scaled"][0]


def test_the_seed_decides_the_draw():
    a, b, c = (lab.run(**{**QUICK, "seed": s}) for s in (5, 5, 6))
    for m in ("std", "pmax", "entropy", "max_abs"):
        for kind in ("dot", "scaled", "additive"):
            np.testing.assert_array_equal(getattr(a, m)[kind], getattr(b, m)[kind])
    assert not np.array_equal(a.std["dot"], c.std["dot"]) and a.v_l1 == b.v_l1 != c.v_l1
    assert a.max_naive_diff == b.max_naive_diff


@pytest.mark.parametrize("name,bounds", [("n", limits.DVA_N), ("d_k", limits.DVA_DK), ("d_a", limits.DVA_DA),
                                         ("repeats", limits.DVA_REPEATS), ("seed", limits.SEED)])
def test_every_argument_at_both_ends_of_its_cap(name, bounds):
    for value in (bounds.lo, bounds.hi):
        r = lab.run(**{**QUICK, name: value})
        assert {"n": r.n, "d_k": r.d_k, "d_a": r.d_a, "repeats": r.repeats, "seed": r.seed}[name] == value
        assert r.grid_n[-1] == r.n and r.seconds["dot"].shape == (len(r.grid_n), r.repeats)
    for bad in (bounds.lo - 1, bounds.hi + 1, bounds.lo + 0.5, True, None, "8"):
        with pytest.raises(ValueError):
            lab.run(**{**QUICK, name: bad})
