"""tf_core.lab.ln_vs_bn: BatchNorm's and LayerNorm's statistics on a padded batch of a real encoder
(against nn.BatchNorm1d and nn.LayerNorm on fresh forwards of each batch), and Pre-LN against Post-LN
(gradient norms at initialisation against live_training.gradient_norms; the four runs deterministic).

Tolerances, measured: the lab reads every batch size and padding off one forward of the batch padded
to the longest + 64; a fresh forward of the smaller batch differs by float rounding (<= 3e-6 in the
hidden states, MiniLM), which moves the mean |change| by < 1e-6. We allow 1e-4. LayerNorm's change
against each sentence alone is the encoder's rounding: 1.5e-6 measured, we allow 1e-5."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tf_core import limits, tasks
from tf_core.blocks import init_weights
from tf_core.lab import ln_vs_bn as lab
from tf_core.lab.padding_mask import pad_batch, tokenize_all
from tf_core.live_training import BATCH_OFFSET, INIT_OFFSET, TrainRun, gradient_norms

SENTENCES = ["Hi.", "The cat sat on the mat because it was tired.", "Padding only makes the batch rectangular.",
             "A much longer sentence, which sets the padded length of every other row in this batch."]
TOL_SLICE = 1e-4
TOL_LN = 1e-5


@pytest.fixture(scope="module")
def result(minilm):
    return lab.statistics(minilm, SENTENCES, layer=2)


def _features(encoder, sentences, layer, extra):
    toks, _ = tokenize_all(encoder, sentences, limits.ENCODER_TOKENS)
    L = max(len(t) for t in toks) + extra
    ids, mask = pad_batch(toks, encoder.model.cfg.pad_token_id, L)
    x = encoder.model(ids, mask, need_weights=False, trace_layer=layer).trace.resid1.double()
    alone = [encoder.run(t, need_weights=False, trace_layer=layer).trace.resid1[0].double() for t in toks]
    return x, mask, alone, [len(t) for t in toks]


def _reference_change(encoder, sentences, layer, extra):
    """Mean |change| of BatchNorm1d (padding counted) and LayerNorm outputs against each sentence alone,
    from a fresh forward of exactly that batch, with PyTorch's own modules."""
    x, mask, alone, lengths = _features(encoder, sentences, layer, extra)
    D = x.shape[-1]
    bn = torch.nn.BatchNorm1d(D, affine=False, eps=lab.EPS, dtype=torch.float64).train()
    ln = torch.nn.LayerNorm(D, elementwise_affine=False, eps=lab.EPS, dtype=torch.float64)
    out = bn(x.reshape(-1, D)).reshape(x.shape)  # (B, L, D): every position counted, as nn.BatchNorm1d does
    bn_diff = ln_diff = 0.0
    for b, n in enumerate(lengths):
        ref = F.batch_norm(alone[b], None, None, training=True, eps=lab.EPS)
        bn_diff += float((out[b, :n] - ref).abs().sum())
        ln_diff += float((ln(x[b, :n]) - ln(alone[b])).abs().sum())
    count = sum(lengths) * D
    return bn_diff / count, ln_diff / count


def test_shapes_and_sweeps(result):
    B, E = len(SENTENCES), limits.LNBN_PAD_SWEEP + 1
    assert result.batch_sizes.tolist() == list(range(1, B + 1)) and result.pads.tolist() == list(range(E))
    for a in (result.bn_counted_k, result.bn_masked_k, result.ln_k, result.pad_fraction_k):
        assert a.shape == (B,)
    for a in (result.bn_counted_e, result.bn_masked_e, result.ln_e, result.pad_fraction_e):
        assert a.shape == (E,)
    assert result.mean_real.shape == result.mean_counted.shape == result.std_real.shape == (result.d_model,)
    assert result.n_real == result.lengths.sum() and result.n_pad == B * result.lengths.max() - result.lengths.sum()
    # one sentence alone, no padding: BatchNorm either way is that sentence's own normalisation
    assert result.pad_fraction_k[0] == 0 and result.bn_counted_k[0] < TOL_LN and result.bn_masked_k[0] < TOL_LN
    # more padding pulls the counted statistics further; the masked ones see the same real tokens whatever the padding
    assert result.bn_counted_e[-1] > result.bn_counted_e[0] > 0.05
    assert (result.bn_masked_e == result.bn_masked_e[0]).all() and result.bn_masked_e[0] > 0.05
    assert np.all(np.diff(result.pad_fraction_e) > 0)
    # LayerNorm: only the encoder's rounding, whatever the batch
    assert result.ln_max < TOL_LN and result.ln_stat_max < TOL_LN
    assert result.ln_k.max() < TOL_LN and result.ln_e.max() < TOL_LN
    assert result.bn_pad > 0.05 and result.shift.max() > result.shift_median > 0
    assert result.ln_verdict in ("exact", "rounding")


@pytest.mark.parametrize("k,extra", [(2, 0), (4, 0), (4, 7)])
def test_against_pytorch_on_a_fresh_forward(minilm, result, k, extra):
    """A sweep point equals nn.BatchNorm1d / nn.LayerNorm on a forward of exactly that batch."""
    bn_ref, ln_ref = _reference_change(minilm, SENTENCES[:k], 2, extra)
    bn_lab = result.bn_counted_k[k - 1] if extra == 0 else result.bn_counted_e[extra]
    assert k == len(SENTENCES) or extra == 0
    assert abs(bn_lab - bn_ref) < TOL_SLICE, (bn_lab, bn_ref)
    assert ln_ref < TOL_LN


def test_feature_means_against_brute_force(minilm, result):
    x, mask, _, lengths = _features(minilm, SENTENCES, 2, 0)
    real = x[mask]
    np.testing.assert_allclose(result.mean_real, real.mean(0).numpy(), atol=1e-5)
    np.testing.assert_allclose(result.mean_counted, x.reshape(-1, x.shape[-1]).mean(0).numpy(), atol=1e-5)


@pytest.mark.parametrize("sentences", [[""], ["🙂 <b>x</b>"], ["same length", "same length"]],
                         ids=["empty", "emoji", "no-padding"])
def test_odd_input(minilm, sentences):
    r = lab.statistics(minilm, sentences, layer=0)
    assert np.isfinite(r.bn_counted_k).all() and np.isfinite(r.bn_counted_e).all()
    if len(set(sentences)) == 1:
        assert r.n_pad == 0 and r.bn_pad == 0.0  # nothing padded: counting the padding changes nothing
        np.testing.assert_array_equal(r.mean_real, r.mean_counted)


def test_limits_at_both_ends(minilm):
    last = minilm.model.cfg.n_layers - 1
    r = lab.statistics(minilm, ["a b c"] * limits.PAD_SENTENCES.hi, layer=last)
    assert r.layer == last and len(r.lengths) == limits.PAD_SENTENCES.hi
    with pytest.raises(ValueError):
        lab.statistics(minilm, ["a"] * (limits.PAD_SENTENCES.hi + 1))
    with pytest.raises(ValueError):
        lab.statistics(minilm, [])
    for layer in (-1, last + 1):
        with pytest.raises(ValueError):
            lab.statistics(minilm, ["a"], layer=layer)


def test_e5_runs(e5_encoder):
    r = lab.statistics(e5_encoder, ["你好。", "猫坐在垫子上，因为它累了。"], layer=11)
    assert r.ln_max < TOL_LN and r.bn_pad > 0


# --- part 2: placement -----------------------------------------------------------------------------
def test_gradient_norms_at_init_against_live_training():
    """The lab's per-block norms are live_training.gradient_norms on the same weights and batches."""
    depth, seed = 3, 5
    task = tasks.load("reverse")
    for place in ("pre", "post"):
        mine = lab.init_gradient_norms(place, depth, seed, torch.device("cpu"))
        model = lab._stack(place, depth, task.vocab)
        init_weights(model, tasks.seeded(seed + INIT_OFFSET), "xavier")
        gen = tasks.seeded(seed + BATCH_OFFSET)
        ref = []
        for _ in range(limits.LNBN_INIT_BATCHES):
            x, y = task.batch(limits.LNBN_BATCH, limits.LNBN_SEQ, gen)
            ref.append(gradient_norms(model, x, y)[1])
        np.testing.assert_allclose(mine, np.mean(ref, axis=0), rtol=1e-5)
        assert mine.shape == (depth,) and (mine > 0).all()


def test_placement_is_deterministic_and_warms_up():
    a = lab.placement(depth=2, lr=5e-3, seed=3, steps=limits.LNBN_STEPS.lo)
    b = lab.placement(depth=2, lr=5e-3, seed=3, steps=limits.LNBN_STEPS.lo)
    assert [n for n, _ in a.runs] == [n for n, _, _ in lab.RUNS]
    for (name, ra), (_, rb) in zip(a.runs, b.runs):
        np.testing.assert_array_equal(ra.loss, rb.loss)
        np.testing.assert_array_equal(ra.grad_norms, rb.grad_norms)
    np.testing.assert_array_equal(a.grad_post, b.grad_post)
    warm = a.warmup
    assert warm == max(1, limits.LNBN_STEPS.lo // 4)
    assert a.get("pre_warm").lr[0] == pytest.approx(5e-3 / warm) and a.get("pre").lr[0] == 5e-3
    assert a.get("post_warm").lr[-1] == pytest.approx(5e-3)
    assert all(math.isfinite(r.loss[0]) for _, r in a.runs)
    assert a.entropy == pytest.approx(tasks.load("reverse").entropy)


def test_on_step_reports_every_step_of_every_run():
    seen = []
    p = lab.placement(depth=1, lr=1e-3, seed=0, steps=limits.LNBN_STEPS.lo, on_step=lambda name, r: seen.append(name))
    assert seen == [n for n, _, _ in lab.RUNS for _ in range(p.steps)]


@pytest.mark.parametrize("depth,lr", [(limits.LNBN_DEPTH.lo, limits.LNBN_LR.lo), (limits.LNBN_DEPTH.hi, limits.LNBN_LR.hi)])
def test_placement_at_both_ends(depth, lr):
    p = lab.placement(depth=depth, lr=lr, seed=limits.SEED.hi, steps=limits.LNBN_STEPS.lo)
    assert p.grad_pre.shape == p.grad_post.shape == (depth,)
    assert all(p.verdict(n) in ("learned", "partway", "plateau", "diverged") for n, _, _ in lab.RUNS)


@pytest.mark.parametrize("kwargs", [{"depth": 0}, {"depth": limits.LNBN_DEPTH.hi + 1}, {"lr": 2.0}, {"lr": 0.0},
                                    {"lr": float("nan")}, {"seed": -1}, {"steps": limits.LNBN_STEPS.lo - 1},
                                    {"steps": limits.LNBN_STEPS.hi + 1}, {"depth": 2.5}])
def test_placement_rejects_settings_outside_the_limits(kwargs):
    with pytest.raises(ValueError):
        lab.placement(**{"steps": limits.LNBN_STEPS.lo, **kwargs})


def _run(loss, diverged_at=None):
    loss = np.asarray(loss, dtype=float)
    return TrainRun(loss, np.ones_like(loss), np.ones((len(loss), 1)), diverged_at, 0.0, 2, "cpu")


@pytest.mark.parametrize("loss,diverged_at,expected", [
    ([4.0] * 5 + [0.1] * 5, None, "learned"),
    ([4.0] * 5 + [1.5] * 5, None, "partway"),
    ([4.0] * 5 + [2.9] * 5, None, "plateau"),
    ([4.0] * 5 + [40.0] * 5, None, "diverged"),  # ended above where it started
    ([4.0, 3.0] + [math.nan] * 8, 2, "diverged"),  # stopped being finite
])
def test_verdict(loss, diverged_at, expected):
    assert lab.verdict(_run(loss, diverged_at), entropy=2.92) == expected
