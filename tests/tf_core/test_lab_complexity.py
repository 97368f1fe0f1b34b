"""tf_core.lab.complexity: the two timed ways against each other and PyTorch's own attention, their FLOPs
against FlopCounterMode run on the very functions timed, the reshape walk against nn.MultiheadAttention and
tf_core.attention.multi_head_attention (shapes, views, values), the quadratic fit on known curves, both ends
of every cap, and the run's result (progress, shapes, peaks, what the explicit path stores)."""
from __future__ import annotations

import dataclasses
import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

from tf_core import flops, limits
from tf_core.attention import multi_head_attention
from tf_core.lab import complexity as lab

F64 = torch.float64
META = torch.device("meta")
SIZES = [(1, 1, 1), (7, 12, 3), (33, 16, 4), (97, 8, 8), (2, 64, 1)]  # (n, d, heads): ones and odd sizes


def qkv(n: int, d: int, heads: int, dtype=F64, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn((2, heads, n, d // heads), generator=g, dtype=dtype) for _ in range(3)]  # (B, H, T, Dh)


@pytest.mark.parametrize("n,d,heads", SIZES)
def test_both_ways_equal_pytorch_attention(n, d, heads):
    q, k, v = qkv(n, d, heads)
    ref = F.scaled_dot_product_attention(q, k, v)
    e, s = lab.explicit(q, k, v), lab.fused(q, k, v)
    torch.testing.assert_close(e.output, ref, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(s.output, ref, rtol=1e-12, atol=1e-12)
    assert e.weights.shape == (2, heads, n, n) and s.weights is None  # only the explicit way builds the n x n weights
    torch.testing.assert_close(e.weights.sum(-1), torch.ones(2, heads, n, dtype=F64))


def counted(fn, *args) -> int:
    with FlopCounterMode(display=False) as mode:
        fn(*args)
    return mode.get_total_flops()


@pytest.mark.parametrize("n,d,heads", [*SIZES, (2048, 512, 8), (4096, 768, 12)])
def test_flops_of_the_timed_functions_are_tf_core_flops(n, d, heads):
    """FlopCounterMode on the meta device (shapes only: a 4096-token count costs nothing). SDPA's fused CPU
    kernel has no FLOP formula (it would count 0), so the fused way is counted in its math form."""
    q = k = v = torch.empty(1, heads, n, d // heads, device=META)
    want = flops.attention_scores(n, d, heads) + flops.attention_values(n, d, heads)
    assert counted(lab.explicit, q, k, v) == want == flops.block(n, d, heads, 4 * d).core
    with sdpa_kernel(SDPBackend.MATH):
        assert counted(lab.fused, q, k, v) == want


# --------------------------------------------------------------------------- the reshape walk
@pytest.mark.parametrize("n,d,heads", SIZES)
def test_walk_equals_nn_multihead_attention_and_the_core(n, d, heads):
    g = torch.Generator().manual_seed(n + d)
    params = lab.random_params(d, g)
    params = type(params)(*(p.double() for p in (params.w_q, params.w_k, params.w_v, params.w_o,
                                                 params.b_q, params.b_k, params.b_v, params.b_o)))
    x = torch.randn((3, n, d), generator=g, dtype=F64)  # (B, T, D)
    steps, out, weights = lab.head_walk(x, params, heads)
    mha = lab.torch_reference(x, params, heads).double()
    ref, ref_w = mha(x, x, x, need_weights=True, average_attn_weights=False)
    torch.testing.assert_close(out, ref, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(weights, ref_w, rtol=1e-12, atol=1e-12)
    core = multi_head_attention(x, x, params, heads)
    torch.testing.assert_close(out, core.output, rtol=1e-12, atol=1e-12)
    assert weights.shape == ref_w.shape == core.weights.shape == (3, heads, n, n)
    B, T, D, H, Dh = 3, n, d, heads, d // heads
    shapes = {s.key: s.shape for s in steps}
    assert shapes == {"x": (B, T, D), "q_proj": (B, T, D), "split": (B, T, H, Dh), "heads_first": (B, H, T, Dh),
                      "keys_t": (B, H, Dh, T), "scores": (B, H, T, T), "weights": (B, H, T, T), "mix": (B, H, T, Dh),
                      "heads_back": (B, T, H, Dh), "merge": (B, T, D), "out_proj": (B, T, D)}
    for s in steps:
        assert len(s.dims.split()) == len(s.shape) and s.elements == math.prod(s.shape)


def test_walk_marks_views_and_the_copy_that_merges_the_heads():
    x = torch.randn(1, 5, 12)
    steps = {s.key: s for s in lab.head_walk(x, lab.random_params(12, torch.Generator().manual_seed(0)), 3)[0]}
    assert steps["split"].view and steps["heads_first"].view and steps["keys_t"].view and steps["heads_back"].view
    assert not steps["heads_first"].contiguous and not steps["heads_back"].contiguous
    assert not steps["merge"].view and steps["merge"].contiguous  # reshape of strided memory copies ...
    with pytest.raises(RuntimeError):  # ... where view refuses: PyTorch's own statement of it
        torch.randn(1, 3, 5, 4).transpose(1, 2).view(1, 5, 12)
    assert not steps["scores"].view and not steps["q_proj"].view


def test_walk_with_one_head_is_single_head_attention():
    x = torch.randn(1, 6, 8, dtype=F64)
    params = lab.random_params(8, torch.Generator().manual_seed(1))
    params = type(params)(*(p.double() for p in (params.w_q, params.w_k, params.w_v, params.w_o,
                                                 params.b_q, params.b_k, params.b_v, params.b_o)))
    _, out, w = lab.head_walk(x, params, 1)
    q, k, v = (F.linear(x, wt, b) for wt, b in ((params.w_q, params.b_q), (params.w_k, params.b_k), (params.w_v, params.b_v)))
    ref = F.linear(F.scaled_dot_product_attention(q, k, v), params.w_o, params.b_o)
    torch.testing.assert_close(out, ref, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="divisible"):
        lab.head_walk(x, params, 3)


# --------------------------------------------------------------------------- the fit
def test_quadratic_fit_recovers_known_curves_and_keeps_every_term_non_negative():
    n = np.array([16.0, 32, 64, 128, 256, 512])
    np.testing.assert_allclose(lab.quadratic_fit(n, 5 + 0.25 * n + 0.01 * n**2), [5, 0.25, 0.01], rtol=1e-9)
    np.testing.assert_allclose(lab.quadratic_fit(n, 8.0 * n**2), [0, 0, 8], atol=1e-9)
    fit = lab.quadratic_fit(n, 1000 - n)  # falling: no non-negative fit follows it, the best is a constant
    assert (fit >= 0).all() and fit[1] == fit[2] == 0
    assert (lab.quadratic_fit([10.0], [3.0]) >= 0).all()
    for bad in ([0.0] * 6, [-1.0] * 6):
        with pytest.raises(ValueError):
            lab.quadratic_fit(n, bad)


# --------------------------------------------------------------------------- the run
@pytest.fixture(scope="module")
def result():
    """A small run with odd widths: n = 96 (grid 16, 32, 64, 96), d = 12, 3 heads."""
    ticks = []
    r = lab.run(n=96, d=12, heads=3, repeats=2, seed=5, on_progress=lambda done, total: ticks.append((done, total)))
    return r, ticks


def test_run_reports_progress_after_every_call_weighed_by_its_size(result):
    r, ticks = result
    total = lab.ComplexityResult.work(96, 12, 3, 2)
    # at d = 12 every n here is short: a timed sample is a burst of calls, 64 (the cap) up to n = 64 and at 96
    # ceil(2^24 / (4 x 96² x 12)) = 38
    number = {16: 64, 32: 64, 64: 64, 96: 38}
    assert {m: lab.calls_at(m, 12, 3) for m in number} == number
    # both ways at the 4 n: warm-up, 2 samples, the memory, each call n² units; then the walk at 96
    assert total == sum(2 * (2 * c + 2) * m**2 for m, c in number.items()) + 96**2
    assert len(ticks) == 2 * 4 * (2 + 2) + 1 and {t for _, t in ticks} == {total}
    done = [d for d, _ in ticks]
    assert done[-1] == total and done[:2] == [16**2, 2 * 16**2] and all(b > a for a, b in zip(done, done[1:]))
    assert done[2] - done[1] == 64 * 16**2  # the first timed sample


def test_a_short_call_is_timed_in_bursts_and_a_long_one_alone():
    # 4 x 16² x 256 = 2^18 FLOPs a call: 64 calls make 2^24; 4 x 32² x 256 = 2^20: 16 calls
    assert [lab.calls_at(m, 256, 4) for m in (16, 32, 64, 128, 1024)] == [64, 16, 4, 1, 1]


def test_run_times_and_measures_every_n(result):
    r, _ = result
    assert r.grid_n.tolist() == [16, 32, 64, 96] == lab.grid_for(96)
    for way in lab.WAYS:
        assert r.seconds[way].shape == (4, 2) and (r.seconds[way] > 0).all()
        lo, hi = r.spread(way)
        assert (lo <= r.median(way)).all() and (r.median(way) <= hi).all()
        assert r.peak[way].shape == (4,) and r.peak[way].dtype == np.int64
        for m in lab.MEASURES:
            assert (r.fit(way, m) >= 0).all() and 0 <= r.quadratic_share(way, m) <= 1
    assert r.flops.tolist() == [4 * m * m * 12 for m in (16, 32, 64, 96)]
    assert r.quadratic_growth == pytest.approx((96 / 64) ** 2)
    assert r.weights_bytes == 4 * 3 * 96 * 96 and r.d_head == 4
    assert r.speedup == pytest.approx(r.median("explicit")[-1] / r.median("sdpa")[-1])
    assert r.device.type == torch.device(lab.get_device()).type and r.dtype == "float32"
    assert r.walk_vs_torch < 1e-5 and r.path_diff <= 1e-5 * max(1.0, r.output_scale)
    assert [s.key for s in r.walk][-1] == "out_proj" and r.walk[5].shape == (1, 3, 96, 96)


@pytest.mark.skipif(lab.get_device().type != "cpu", reason="the exact byte count is the CPU profiler's")
def test_the_explicit_path_holds_scores_and_weights_at_once(result):
    """Peak = 8 bytes per head per n² (the scaled scores and the weights, float32) + 4·d per token (the output)."""
    r, _ = result
    assert r.memory_method == "profiler"
    for m, peak in zip(r.grid_n, r.peak["explicit"]):
        assert peak == 8 * 3 * m * m + 4 * m * 12
    c = r.fit("explicit", "memory")
    assert c[2] / r.heads == pytest.approx(8, rel=1e-6) and c[1] == pytest.approx(4 * 12, rel=1e-6)
    assert (r.peak["sdpa"] < r.peak["explicit"]).all()  # never an n × n matrix


def test_the_seed_decides_the_walk_input():
    a, b, c = (lab.run(n=64, d=8, heads=2, repeats=1, seed=s) for s in (3, 3, 4))
    assert a.walk_vs_torch == b.walk_vs_torch and a.path_diff == b.path_diff and a.output_scale == b.output_scale
    assert a.output_scale != c.output_scale


QUICK = dict(n=limits.CX_N.lo, d=limits.CX_D.lo, heads=limits.CX_HEADS.lo, repeats=limits.CX_REPEATS.lo)


@pytest.mark.parametrize("name,bounds", [("n", limits.CX_N), ("d", limits.CX_D), ("heads", limits.CX_HEADS),
                                         ("repeats", limits.CX_REPEATS), ("seed", limits.SEED)])
def test_every_argument_at_both_ends_of_its_cap(name, bounds):
    for value in (bounds.lo, bounds.hi):
        args = {**QUICK, name: value}
        if name == "heads":
            args["d"] = limits.CX_D.hi  # 8 heads need d divisible by 8
        r = lab.run(**args)
        assert {"n": r.n, "d": r.d, "heads": r.heads, "repeats": r.repeats, "seed": r.seed}[name] == value
        assert r.grid_n[-1] == r.n and r.seconds["explicit"].shape == (len(r.grid_n), r.repeats)
    for bad in (bounds.lo - 1, bounds.hi + 1, bounds.lo + 0.5, True, None, "8"):
        with pytest.raises(ValueError):
            lab.run(**{**QUICK, name: bad})


def test_d_must_divide_by_the_heads():
    with pytest.raises(ValueError, match="divisible"):
        lab.run(n=64, d=12, heads=8, repeats=1)
    assert lab.run(n=64, d=9, heads=3, repeats=1).d_head == 3  # an odd d that divides


def test_cli_prints_the_lessons_figures(capsys):
    spec = importlib.util.spec_from_file_location("cost", Path(__file__).resolve().parents[2] / "scripts" / "cost.py")
    cost = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cost)
    assert cost.main(["--lesson", "complexity", "--n", "64", "--d", "12", "--heads", "3", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    for text in ("lesson complexity", "n=64, d=12, heads=3", "explicit", "SDPA", "median", "peak", "fit",
                 "bytes per n² per head", "nn.MultiheadAttention", "thread", "(1, 3, 64, 64)"):
        assert text in out, text


def test_whether_sdpa_stored_a_matrix_is_read_from_its_measured_peaks(result):
    """The page says SDPA stores no n × n matrix only when the peaks show it: on the CPU its flash kernel
    does not; peaks of a math fallback (one float32 (h, n, n) matrix per call) flip the flag."""
    r, _ = result
    assert not r.sdpa_stored_matrix
    n = r.grid_n.astype(np.int64)
    fallback = dataclasses.replace(r, peak={**r.peak, "sdpa": 4 * r.heads * n * n + 4 * n * r.d})
    assert fallback.sdpa_stored_matrix and fallback.fit("sdpa", "memory")[2] / r.heads == pytest.approx(4, rel=0.05)


def test_sdpa_forced_onto_its_math_path_is_measured_storing_the_matrix():
    """The same run with PyTorch's SDPA held to its math backend (the fallback some devices get): its
    measured peaks grow like a stored (h, n, n) matrix and the flag says so."""
    with sdpa_kernel(SDPBackend.MATH):
        r = lab.run(n=256, d=32, heads=2, repeats=1, seed=0)
    assert r.sdpa_stored_matrix
