"""tf_core.lab.block_cost: every timed part against PyTorch's own layers (nn.Linear, nn.MultiheadAttention,
F.scaled_dot_product_attention), their FLOPs against FlopCounterMode run on the very functions timed, the
parameters counted against tf_core.flops, the crossing's interpolation and verdicts on made-up ratios, both
ends of every cap, and the run's result."""
from __future__ import annotations

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
from tf_core.lab import block_cost as lab

F64 = torch.float64
META = torch.device("meta")
SIZES = [(1, 8, 1, 8), (7, 12, 3, 20), (33, 16, 4, 64), (97, 24, 8, 24), (2, 64, 2, 256)]  # (n, d, heads, d_ff)


def weights(d: int, d_ff: int, seed: int = 0, dtype=F64) -> lab.BlockWeights:
    g = torch.Generator().manual_seed(seed)
    w = lab.random_weights(d, d_ff, g)
    return lab.BlockWeights(*(torch.randn(getattr(w, f).shape, generator=g, dtype=dtype) / 3
                              for f in lab.BlockWeights.__dataclass_fields__))  # non-zero biases too


@pytest.mark.parametrize("n,d,heads,d_ff", SIZES)
def test_the_chained_parts_equal_pytorch_layers(n, d, heads, d_ff):
    w = weights(d, d_ff, seed=n)
    x = torch.randn((2, n, d), dtype=F64, generator=torch.Generator().manual_seed(d))  # (B, T, D)
    mha = torch.nn.MultiheadAttention(d, heads, batch_first=True, dtype=F64)
    up, down = torch.nn.Linear(d, d_ff, dtype=F64), torch.nn.Linear(d_ff, d, dtype=F64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([w.w_q, w.w_k, w.w_v]))
        mha.in_proj_bias.copy_(torch.cat([w.b_q, w.b_k, w.b_v]))
        mha.out_proj.weight.copy_(w.w_o)
        mha.out_proj.bias.copy_(w.b_o)
        up.weight.copy_(w.w_1), up.bias.copy_(w.b_1), down.weight.copy_(w.w_2), down.bias.copy_(w.b_2)
        attended = mha(x, x, x, need_weights=False)[0]
        ref = down(F.gelu(up(attended)))
    q, k, v = lab.qkv_projections(x, w)
    for fused in (False, True):
        core = lab.attention_core(q, k, v, heads, fused=fused)
        torch.testing.assert_close(lab.output_projection(core, w), attended, rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(lab.chained(x, w, heads, fused=fused), ref, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(lab.ffn(x, w), down(F.gelu(up(x))), rtol=1e-12, atol=1e-12)


def counted(fn, *args) -> int:
    with FlopCounterMode(display=False) as mode:
        fn(*args)
    return mode.get_total_flops()


@pytest.mark.parametrize("n,d,heads,d_ff", [*SIZES, (2048, 512, 8, 2048), (4096, 768, 12, 3072)])
def test_flops_of_the_timed_functions_are_tf_core_flops(n, d, heads, d_ff):
    """FlopCounterMode on the meta device; the fused core in its math form (the CPU's fused kernel has no
    FLOP formula and would count 0)."""
    w = lab.random_weights(d, d_ff, torch.Generator(), META)
    x = torch.empty(1, n, d, device=META)
    cost = flops.block(n, d, heads, d_ff)
    assert counted(lab.qkv_projections, x, w) == cost.qkv
    assert counted(lab.attention_core, x, x, x, heads) == cost.core
    with sdpa_kernel(SDPBackend.MATH):
        assert counted(lab.attention_core, x, x, x, heads, True) == cost.core
    assert counted(lab.output_projection, x, w) == cost.out_proj
    assert counted(lab.ffn, x, w) == cost.ffn
    assert counted(lab.chained, x, w, heads) == cost.total


@pytest.mark.parametrize("d,d_ff", [(1, 1), (8, 32), (12, 20), (512, 2048)])
def test_parameters_counted_from_the_tensors_are_tf_core_flops(d, d_ff):
    counts = lab.random_weights(d, d_ff, torch.Generator(), META).counts()
    cost = flops.block(1, d, 1, d_ff)
    assert counts == {"attention_weights": 4 * d * d, "attention_biases": 4 * d, "ffn_weights": 2 * d * d_ff, "ffn_biases": d_ff + d}
    assert counts == {"attention_weights": cost.attention_weights, "attention_biases": cost.attention_biases,
                      "ffn_weights": cost.ffn_weights, "ffn_biases": cost.ffn_biases}


# --------------------------------------------------------------------------- the crossing
def test_crossing_interpolates_in_logs_and_names_the_side():
    c = lab.crossing([100, 200, 400], [0.25, 0.5, 2.0])  # log ratio -0.69 -> 0.69 over one doubling: the middle
    assert c.side == "within" and c.n == pytest.approx(200 * math.sqrt(2))
    assert lab.crossing([64, 128], [1.0, 2.0]).side == "below"  # equal at the shortest n: already there
    assert lab.crossing([64, 128], [0.5, 1.0]).n == pytest.approx(128)
    assert lab.crossing([64, 128, 256], [0.1, 0.2, 0.9]).side == "above"
    assert lab.crossing([64, 128, 256], [0.5, 2.0, 0.5]).n == pytest.approx(64 * 2 ** 0.5)  # the first crossing


def fake(ratio, counted: int, grid=(32, 64, 128, 256)) -> lab.BlockCostResult:
    """A result whose core/rest ratio is ``ratio`` at each n: the rest takes 1 ms, the cores ratio ms."""
    G = len(grid)
    secs = {p: np.full((G, 1), 1e-3 / 3) for p in lab.REST}
    secs["core_explicit"] = secs["core_sdpa"] = np.asarray(ratio, dtype=float)[:, None] * 1e-3
    return lab.BlockCostResult(n=grid[-1], d=8, heads=1, d_ff=8, repeats=1, seed=0, grid_n=np.array(grid), seconds=secs,
                               flops={p: np.ones(G, dtype=np.int64) for p in lab.PARTS}, chain_seconds=np.ones(1),
                               params={}, crossing_flops=counted, crossing_flops_ffn=8, core_diff=0.0, core_scale=1.0,
                               dtype="float32", device=None)


@pytest.mark.parametrize("ratio,counted,verdict", [
    ([0.5, 0.8, 2.0, 4.0], 128, "earlier"),   # measured ≈ 76, counted 128
    ([0.1, 0.2, 0.5, 2.0], 96, "later"),      # measured ≈ 181
    ([0.25, 0.5, 1.0, 2.0], 120, "same"),     # measured 128, within 10% of 120
    ([1.5, 2.0, 3.0, 4.0], 100, "earlier"),   # already past at 32, counted inside the grid
    ([1.5, 2.0, 3.0, 4.0], 24, "from_start"),  # both at or before the shortest n
    ([0.1, 0.2, 0.3, 0.4], 200, "later"),     # not by 256 though the FLOPs say 200
    ([0.1, 0.2, 0.3, 0.4], 600, "not_reached"),
])
def test_verdicts(ratio, counted, verdict):
    r = fake(ratio, counted)
    assert r.verdict("core_explicit") == verdict
    np.testing.assert_allclose(r.ratio("core_explicit"), ratio)


# --------------------------------------------------------------------------- the run
@pytest.fixture(scope="module")
def result():
    """A small run with odd sizes: n = 96 (grid 32, 64, 96), d = 24, 3 heads, d_ff = 3d."""
    ticks = []
    r = lab.run(n=96, d=24, heads=3, ff=3, repeats=2, seed=7, on_progress=lambda done, total: ticks.append((done, total)))
    return r, ticks


def test_run_reports_progress_after_every_timed_call_weighed_by_its_flops(result):
    r, ticks = result
    total = lab.BlockCostResult.work(96, 24, 3, 72, 2)
    per_n = [flops.block(m, 24, 3, 72) for m in (32, 64, 96)]
    parts = [u for c in per_n for u in (c.qkv, c.core, c.core, c.out_proj, c.ffn)]  # both cores
    # each a warm-up and 2 samples, a sample a burst of calls of at least 2^24 FLOPs (at most 64)
    assert total == sum(u * (1 + 2 * min(64, -(-2**24 // u))) for u in parts) + 2 * per_n[-1].total  # the chain twice
    assert min(64, -(-2**24 // per_n[0].qkv)) > 1  # these sizes are short: bursts
    assert len(ticks) == 3 * 5 * 3 + 2 and {t for _, t in ticks} == {total}  # warm-up + 2 repeats, 5 parts, 3 n; chain
    done = [d for d, _ in ticks]
    assert done[-1] == total and done[0] == per_n[0].qkv and all(b > a for a, b in zip(done, done[1:]))


def test_run_times_counts_and_crosses(result):
    r, _ = result
    assert r.grid_n.tolist() == [32, 64, 96] == lab.grid_for(96) and r.d_ff == 72
    for part in lab.PARTS:
        assert r.seconds[part].shape == (3, 2) and (r.seconds[part] > 0).all()
        lo, hi = r.spread(part)
        assert (lo <= r.median(part)).all() and (r.median(part) <= hi).all() and (r.rate(part) > 0).all()
    per_n = [flops.block(m, 24, 3, 72) for m in (32, 64, 96)]
    assert r.flops["qkv"].tolist() == [c.qkv for c in per_n] and r.flops["ffn"].tolist() == [c.ffn for c in per_n]
    assert r.flops["core_explicit"].tolist() == r.flops["core_sdpa"].tolist() == [c.core for c in per_n]
    np.testing.assert_allclose(r.ratio("flops"), [m / (2 * 24 + 72) for m in (32, 64, 96)])
    assert r.crossing_flops == 120 == flops.crossing_n(24, 72) and r.crossing_flops_ffn == 72
    for core in lab.CORES:
        assert r.crossing(core).side in ("within", "below", "above")
        assert r.verdict(core) in ("earlier", "later", "same", "not_reached", "from_start")
        np.testing.assert_allclose(sum(r.shares(core).values()), 1)
    np.testing.assert_allclose(sum(r.shares(basis="flops").values()), 1)
    assert r.params == {"attention_weights": 4 * 24 * 24, "attention_biases": 96, "ffn_weights": 2 * 24 * 72, "ffn_biases": 96}
    assert r.chain_seconds.shape == (2,) and r.chain_ratio > 0
    assert r.core_diff <= 1e-5 * max(1.0, r.core_scale)
    assert r.device.type == lab.get_device().type and r.dtype == "float32"


QUICK = dict(n=limits.BC_N.lo, d=limits.BC_D.lo, heads=limits.BC_HEADS.lo, ff=limits.BC_FF.lo, repeats=limits.BC_REPEATS.lo)


@pytest.mark.parametrize("name,bounds", [("n", limits.BC_N), ("d", limits.BC_D), ("heads", limits.BC_HEADS),
                                         ("ff", limits.BC_FF), ("repeats", limits.BC_REPEATS), ("seed", limits.SEED)])
def test_every_argument_at_both_ends_of_its_cap(name, bounds):
    for value in (bounds.lo, bounds.hi):
        r = lab.run(**{**QUICK, name: value})
        assert {"n": r.n, "d": r.d, "heads": r.heads, "ff": r.d_ff // r.d, "repeats": r.repeats, "seed": r.seed}[name] == value
        assert r.grid_n[-1] == r.n and r.seconds["ffn"].shape == (len(r.grid_n), r.repeats)
    for bad in (bounds.lo - 1, bounds.hi + 1, bounds.lo + 0.5, True, None, "8"):
        with pytest.raises(ValueError):
            lab.run(**{**QUICK, name: bad})


def test_d_must_divide_by_the_heads():
    with pytest.raises(ValueError, match="divisible"):
        lab.run(n=64, d=12, heads=8, ff=1, repeats=1)


def test_cli_prints_the_lessons_figures(capsys):
    spec = importlib.util.spec_from_file_location("cost", Path(__file__).resolve().parents[2] / "scripts" / "cost.py")
    cost = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cost)
    assert cost.main(["--lesson", "block-cost", "--n", "64", "--d", "16", "--heads", "2", "--d-ff", "32", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    for text in ("lesson block-cost", "n=64, d=16, heads=2, d_ff=32", "core_explicit", "core_sdpa", "crossing, explicit core",
                 "crossing, SDPA core", "2d + d_ff = 64", "4d^2 = 1,024", "2*d*d_ff = 1,024", "GFLOP/s", "thread"):
        assert text in out, text
    with pytest.raises(SystemExit):  # d_ff not a multiple of d: the lesson's ff = d_ff / d cannot take it
        cost.main(["--lesson", "block-cost", "--d", "16", "--d-ff", "20"])
    with pytest.raises(SystemExit):  # beyond the lesson's cap
        cost.main(["--lesson", "block-cost", "--n", str(limits.BC_N.hi + 1)])
