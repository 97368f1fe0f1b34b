"""Tests for tf_core.lab.batchnorm (lesson: BatchNorm's strengths and weaknesses).

The runs are short here (a few steps: the measurements do not need a trained model to be checked);
the references are PyTorch's own ``nn.BatchNorm1d`` message, the 1/sqrt(N) law of a sample mean,
and the exact invariances of LayerNorm (its two modes and every length give the same statistics)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from tf_core import limits
from tf_core.lab import batchnorm as lab

STEPS = 3


@pytest.fixture(scope="module")
def r():
    return lab.run(length=4, batch=4, seed=1, steps=STEPS)


def test_shapes_and_names(r):
    K = len(limits.BN_EVAL_BATCHES)
    assert list(r.eval_batches) == list(limits.BN_EVAL_BATCHES)
    for a in (r.noise_mean, r.noise_std, r.noise_theory, r.noise_token, r.acc_train_mode, r.loss_train_mode):
        assert a.shape == (K,)
    assert list(r.lengths) == list(range(1, 9)) and r.drift.shape == (8,)
    assert set(r.runs) == set(lab.RUNS) and all(run.steps == STEPS for run in r.runs.values())
    assert np.isfinite(r.drift).all() and (r.drift >= 0).all()


def test_same_seed_same_result_other_seed_differs(r):
    again = lab.run(length=4, batch=4, seed=1, steps=STEPS)
    for name in lab.RUNS:
        np.testing.assert_array_equal(again.runs[name].loss, r.runs[name].loss)
    np.testing.assert_array_equal(again.noise_mean, r.noise_mean)
    np.testing.assert_array_equal(again.loss_train_mode, r.loss_train_mode)
    assert again.loss_eval_mode == r.loss_eval_mode
    other = lab.run(length=4, batch=4, seed=2, steps=STEPS)
    assert not np.array_equal(other.runs["batch"].loss, r.runs["batch"].loss)


def test_noise_follows_one_over_sqrt_n(r):
    """The batch mean's spread over many batches against sigma / sqrt(b T) (in units of sigma): the
    windows' characters are nearly independent, so the ratio is near 1 at every batch size."""
    np.testing.assert_allclose(r.noise_theory, 1 / np.sqrt(r.eval_batches * r.length))
    ratio = r.noise_mean / r.noise_theory
    assert ((ratio > 0.7) & (ratio < 1.25)).all(), ratio
    assert np.all(np.diff(r.noise_mean) < 0) and np.all(np.diff(r.noise_std) < 0)  # more batch, less noise
    assert r.noise_token[0] > r.noise_token[-1] > 0  # the token's output still differs from inference's


def test_layer_norm_has_no_mode_or_length_difference(r):
    assert r.layer_modes_diff == 0.0
    assert r.layer_length_diff == 0.0


def test_one_value_per_feature_messages_are_pytorchs():
    ours, theirs = lab._one_value_messages()
    with pytest.raises(ValueError) as e:
        nn.BatchNorm1d(4).train()(torch.zeros(1, 4))
    assert theirs == str(e.value) and "more than 1 value" in theirs
    assert "more than one value" in ours


def test_length_one_batch_one_cannot_run_in_train_mode_and_is_a_result():
    one = lab.run(length=1, batch=2, seed=0, steps=1)
    assert one.cannot_run == one.one_value_error
    assert math.isnan(one.acc_train_mode[0]) and np.isfinite(one.acc_train_mode[1:]).all()
    assert np.isfinite(one.acc_eval_mode)  # eval mode runs: the running statistics


def test_every_batch_size_runs_at_length_two_and_up(r):
    assert r.cannot_run == "" and np.isfinite(r.loss_train_mode).all()


def test_train_mode_at_the_full_batch_equals_pytorch_batchnorm(r):
    """The evaluation in training mode leaves the running statistics alone (a copy), and one batch of
    every held-out window normalised by our BatchNorm equals nn.BatchNorm1d on the same rows."""
    from tf_core.norms import BatchNorm
    model = lab.make_model("batch", 4)
    before = [m.running_mean.clone() for m in model.modules() if isinstance(m, BatchNorm)]
    x = torch.randint(0, 32, (8, 4))
    lab._evaluate(model, x, x, 8, train_mode=True)
    after = [m.running_mean for m in model.modules() if isinstance(m, BatchNorm)]
    assert all(torch.equal(a, b) for a, b in zip(before, after))
    h = torch.randn(8, 4, 64, dtype=torch.float64)
    ours = BatchNorm(64).double().train()(h)
    ref = nn.BatchNorm1d(64).double().train()(h.reshape(-1, 64)).reshape(8, 4, 64)
    torch.testing.assert_close(ours, ref)


def test_on_step_reports_every_step_of_both_runs():
    seen = []
    lab.run(length=2, batch=2, seed=0, steps=2, on_step=lambda name, rep: seen.append((name, rep.step)))
    assert seen == [("batch", 0), ("batch", 1), ("layer", 0), ("layer", 1)]


@pytest.mark.parametrize("kwargs", [
    {"length": 0}, {"length": 17}, {"batch": 1}, {"batch": 65}, {"seed": -1}, {"seed": 10_000},
    {"steps": 0}, {"length": 2.5}, {"batch": None},
])
def test_caps_are_enforced(kwargs):
    with pytest.raises(ValueError):
        lab.run(**{"steps": 1, **kwargs})


def test_both_ends_of_the_caps_run():
    lo = lab.run(length=limits.BN_LENGTH.lo, batch=limits.BN_BATCH.lo, seed=limits.SEED.hi, steps=1)
    hi = lab.run(length=limits.BN_LENGTH.hi, batch=limits.BN_BATCH.hi, seed=limits.SEED.lo, steps=1)
    assert len(lo.lengths) == 2 and len(hi.lengths) == 2 * limits.BN_LENGTH.hi
    assert np.isfinite(hi.loss_train_mode).all()
