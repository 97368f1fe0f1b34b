"""Tests for tf_core.lab.ffn (lesson: the position-wise FFN, its activations, dead ReLUs, its parameters).

References: the activations' derivatives in closed form (ReLU's step, GELU's Φ(x) + x·φ(x), SiLU's
σ(x)(1 + x(1 − σ(x)))); the encoder block's own FFN output (EncoderBlock trace) for the all-positions call;
the real models' tensor shapes for the parameter table; a brute-force count for the dead units. The
training runs use a few steps (the app's default is limits.FFN_STEPS)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tf_core import limits
from tf_core.lab import ffn


def test_curves_match_closed_form_derivatives():
    c = ffn.curves()
    x = torch.tensor(c.x, dtype=torch.float64)
    assert c.names == ("relu", "gelu", "swiglu") and c.value.shape == c.grad.shape == (3, ffn.CURVE_POINTS)
    np.testing.assert_allclose(c.value[0], torch.relu(x).numpy(), atol=1e-6)
    np.testing.assert_allclose(c.grad[0][c.x < 0], 0.0, atol=0)  # exactly 0: the dead side
    np.testing.assert_allclose(c.grad[0][c.x > 0], 1.0, atol=0)
    phi = torch.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)
    Phi = 0.5 * (1 + torch.erf(x / math.sqrt(2)))
    np.testing.assert_allclose(c.value[1], (x * Phi).numpy(), atol=1e-6)
    np.testing.assert_allclose(c.grad[1], (Phi + x * phi).numpy(), atol=1e-5)
    s = torch.sigmoid(x)
    np.testing.assert_allclose(c.value[2], (x * s).numpy(), atol=1e-6)
    np.testing.assert_allclose(c.grad[2], (s * (1 + x * (1 - s))).numpy(), atol=1e-5)
    assert c.relu_grad_negative == 0.0
    assert c.gelu_min == pytest.approx(-0.17, abs=0.01) and c.gelu_min_at == pytest.approx(-0.75, abs=0.02)
    assert c.silu_min == pytest.approx(-0.278, abs=0.005) and c.silu_min_at == pytest.approx(-1.28, abs=0.02)
    # float32 underflow: exactly 0 at (and below) the stated edge, not just above it
    for name, edge in (("gelu", c.gelu_zero_below), ("swiglu", c.silu_zero_below)):
        act = ffn.activation
        assert act(name, torch.tensor([edge, edge - 1.0])).eq(0).all()
        assert act(name, torch.tensor([edge + 0.02])).ne(0).all()


def test_position_check_on_minilm(minilm):
    pc = ffn.position_check(minilm, "The animal didn't cross the street because it was too tired.")
    L, T = pc.diff.shape
    assert L == minilm.model.cfg.n_layers and T == len(pc.pieces) > 2
    assert pc.within_tolerance and pc.max_diff < 1e-3
    # the all-positions call is what the model computes: equal to the block's own FFN output
    ids = torch.tensor([minilm.tokenize("The animal didn't cross the street because it was too tired.", 128).ids])
    out = minilm.model(ids, need_weights=False, trace_layer=2)
    block = minilm.model.blocks[2]
    with torch.inference_mode():
        together = block.ff2(torch.nn.functional.gelu(block.ff1(out.trace.ln1)))
    torch.testing.assert_close(together, out.trace.ffn_out, rtol=0, atol=0)
    cfg = minilm.model.cfg
    assert pc.weights_per_layer == sum(p.numel() for m in (block.ff1, block.ff2) for p in m.parameters())
    assert (pc.d_model, pc.d_ff) == (cfg.d_model, cfg.d_ff)


def test_position_check_one_token_cap_and_a_long_text(minilm):
    pc = ffn.position_check(minilm, "", max_tokens=limits.ENCODER_TOKEN_CAP.lo)  # [CLS] [SEP]
    assert pc.diff.shape[1] == 2 and pc.within_tolerance
    long = ffn.position_check(minilm, "word " * 400, max_tokens=limits.ENCODER_TOKEN_CAP.hi)
    assert long.truncated and long.diff.shape[1] == limits.ENCODER_TOKENS and long.within_tolerance
    for bad in (limits.ENCODER_TOKEN_CAP.lo - 1, limits.ENCODER_TOKEN_CAP.hi + 1):
        with pytest.raises(ValueError):
            ffn.position_check(minilm, "x", max_tokens=bad)


def test_param_table_counts_the_real_tensors(minilm):
    (row,) = ffn.param_table({"m": minilm.model.cfg})
    b = minilm.model.blocks[0]
    assert row.ffn == b.ff1.weight.numel() + b.ff2.weight.numel() == 2 * 384 * 1536
    assert row.attention == sum(getattr(b, n).weight.numel() for n in "qkvo") == 4 * 384 ** 2
    assert row.ratio == 2.0 and not row.gated


def test_param_table_gqa_swiglu_from_the_llama_config():
    from tf_core.models.llama import PRESETS, Attention, SwiGLU

    cfg = PRESETS["smollm2-135m"]
    (row,) = ffn.param_table({"s": cfg})
    assert row.gated and (row.n_heads, row.n_kv_heads, row.d_head) == (9, 3, 64)
    with torch.device("meta"):
        attn, mlp = Attention(cfg), SwiGLU(cfg)
    assert row.ffn == sum(p.numel() for p in mlp.parameters()) == 3 * 576 * 1536
    assert row.attention == sum(p.numel() for p in attn.parameters()) == 2 * 576 ** 2 + 2 * 576 * 3 * 64
    assert row.ratio == pytest.approx(3.0)


def test_configs_read_the_installed_models_files():
    cfgs = ffn.configs()
    if not cfgs:  # scripts/gpu_check.sh runs these tests where no real model is installed
        pytest.skip("no real model installed")
    for name, cfg in cfgs.items():
        assert cfg.d_model > 0 and cfg.d_ff > cfg.d_model, name


def test_dead_fraction_against_brute_force():
    g = torch.Generator().manual_seed(0)
    h = torch.relu(torch.randn(4, 5, 7, generator=g) - 1.5)  # (B, T, units)
    h[..., 2] = 0.0
    h[..., 5] = 0.0
    expected = np.mean([all(float(h[b, t, j]) == 0 for b in range(4) for t in range(5)) for j in range(7)])
    assert ffn.dead_fraction([h]) == pytest.approx([expected]) and expected >= 2 / 7


@pytest.fixture(scope="module")
def short_run():
    return ffn.run(1e-1, seed=3, steps=3)


def test_run_reports_each_activation_and_is_deterministic(short_run):
    r = short_run
    assert tuple(a.act for a in r.runs) == ("relu", "gelu", "swiglu")
    for a in r.runs:
        assert a.loss.shape == (3,) and a.dead_before.shape == a.dead_after.shape == (r.n_layers,)
        assert 0 <= a.dead <= 1 and 0 <= a.zero_share <= 1
    assert r.get("swiglu").dead_at_init == 0.0 and r.get("gelu").dead_at_init == 0.0
    assert r.get("relu").zero_share > r.get("gelu").zero_share  # ReLU's sparsity
    again = ffn.run(1e-1, seed=3, steps=3)
    for a, b in zip(r.runs, again.runs):
        np.testing.assert_array_equal(a.loss, b.loss)
        np.testing.assert_array_equal(a.dead_after, b.dead_after)


def test_run_names_each_step(short_run):
    seen = []
    ffn.run(1e-3, seed=0, steps=2, on_step=lambda name, rep: seen.append((name, rep.step)))
    assert seen == [(a, s) for a in ("relu", "gelu", "swiglu") for s in range(2)]


@pytest.mark.parametrize("kwargs", [dict(lr=limits.FFN_LR.lo / 2), dict(lr=limits.FFN_LR.hi * 2), dict(seed=-1),
                                    dict(seed=limits.SEED.hi + 1), dict(steps=0), dict(steps=limits.FFN_STEPS.hi + 1)])
def test_run_checks_its_caps(kwargs):
    args = dict(lr=limits.FFN_LR.default, seed=0, steps=1) | kwargs
    with pytest.raises(ValueError):
        ffn.run(**args)


def test_run_at_both_ends_of_the_learning_rate():
    for lr in (limits.FFN_LR.lo, limits.FFN_LR.hi):
        r = ffn.run(lr, seed=limits.SEED.hi, steps=1)
        assert all(np.isfinite(a.loss[0]) for a in r.runs)
