"""Tests for tf_core.lab.residual (lesson: residual connections and why they matter).

References: the training loop's own first-step gradient norms (the same weights and batch), a stack
whose positions are made identical (spread exactly 0), and the two regimes the lesson shows:
without norms and residuals the gradient vanishes toward the input; with LayerNorm it does not,
but the positions collapse to one vector."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tf_core import limits
from tf_core.lab import residual as lab

STEPS = 2


@pytest.fixture(scope="module")
def deep_layer():
    return lab.run(depth=8, norm="layer", lr=3e-3, seed=0, steps=STEPS)


@pytest.fixture(scope="module")
def deep_plain():
    return lab.run(depth=12, norm="none", lr=1e-4, seed=0, steps=1)


def test_shapes(deep_layer):
    for name in lab.RUNS:
        assert deep_layer.grad_norms[name].shape == (8,)
        assert deep_layer.spread[name].shape == (9,)
        assert deep_layer.runs[name].steps == STEPS


def test_gradient_norms_at_init_are_the_runs_first_step(deep_layer):
    """gradient_norms on the seed's weights and first batch = what train() measured at its step 0."""
    for name in lab.RUNS:
        np.testing.assert_allclose(deep_layer.grad_norms[name], deep_layer.runs[name].grad_norms[0], rtol=1e-5)
        assert deep_layer.init_loss[name] == pytest.approx(deep_layer.runs[name].loss[0], rel=1e-5)


def test_without_norms_the_gradient_vanishes_toward_the_input(deep_plain):
    assert deep_plain.ratio("without") < 1e-3
    assert deep_plain.ratio("with") > 1e-2


def test_with_layer_norm_positions_collapse_without_residuals(deep_layer):
    assert deep_layer.spread["without"][-1] < 1e-3
    assert deep_layer.spread["with"][-1] > 0.1
    assert deep_layer.ratio("without") > 0.1  # the gradient itself has not vanished


def test_spread_is_zero_when_every_position_is_the_same():
    model = lab.make_model(3, "layer", residual=True)
    with torch.no_grad():
        model.pos.weight.zero_()
    ids = torch.full((2, 8), 5)
    # float32 rounding of the mean over positions leaves ~1e-7: the floor the collapsed stack reaches too
    assert (lab.position_spread(model, ids) < 1e-6).all()


def test_same_seed_same_result(deep_layer):
    again = lab.run(depth=8, norm="layer", lr=3e-3, seed=0, steps=STEPS)
    for name in lab.RUNS:
        np.testing.assert_array_equal(again.runs[name].loss, deep_layer.runs[name].loss)
        np.testing.assert_array_equal(again.grad_norms[name], deep_layer.grad_norms[name])


def test_a_diverging_learning_rate_is_a_result():
    r = lab.run(depth=limits.RES_DEPTH.hi, norm="none", lr=limits.RES_LR.hi, seed=0, steps=3)
    assert any(run.diverged_at is not None for run in r.runs.values())
    for run in r.runs.values():
        if run.diverged_at is not None:
            assert np.isnan(run.loss[run.diverged_at:]).all()


@pytest.mark.parametrize("kwargs", [
    {"depth": 0}, {"depth": limits.RES_DEPTH.hi + 1}, {"lr": 0.0}, {"lr": 0.2}, {"norm": "batch"},
    {"seed": -1}, {"steps": 0}, {"depth": 2.5},
])
def test_caps_are_enforced(kwargs):
    with pytest.raises(ValueError):
        lab.run(**{"steps": 1, **kwargs})


def test_depth_one_and_lowest_rate_run():
    r = lab.run(depth=limits.RES_DEPTH.lo, norm="layer", lr=limits.RES_LR.lo, seed=limits.SEED.hi, steps=1)
    assert r.grad_norms["with"].shape == (1,) and r.ratio("with") == 1.0


def test_on_step_names_the_runs():
    seen = []
    lab.run(depth=1, steps=2, on_step=lambda name, rep: seen.append(name))
    assert seen == ["with", "with", "without", "without"]
