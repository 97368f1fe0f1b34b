"""tf_core.live_training and tf_core.tasks: determinism for a seed and thread count, the per-step
reports, divergence as a result, the schedules, the reverse task's data."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tf_core import limits
from tf_core import live_training as lt
from tf_core.blocks import BlockConfig, Stack, StackConfig
from tf_core.tasks import load, seeded

TASK = load("reverse")


def stack(**kw) -> Stack:
    return Stack(StackConfig(vocab=TASK.vocab, max_len=8, n_layers=2, block=BlockConfig(d_model=32, n_heads=4, d_ff=64, **kw)))


def batches(g):
    return TASK.batch(8, 8, g)


def run(seed=0, steps=6, lr=3e-3, **kw):
    return lt.train(stack(**kw.pop("block", {})), batches, steps=steps, lr_at=lt.constant(lr), seed=seed,
                    device=torch.device("cpu"), **kw)


def test_same_seed_same_curves_other_seed_other_curves():
    a, b, c = run(0), run(0), run(1)
    assert np.array_equal(a.loss, b.loss) and np.array_equal(a.grad_norms, b.grad_norms)
    assert not np.array_equal(a.loss, c.loss)
    assert a.threads == limits.TRAIN_THREADS and a.device == "cpu" and a.diverged_at is None


def test_deterministic_whatever_the_global_generator_and_thread_count_around_it():
    torch.manual_seed(1)
    a = run(3)
    torch.manual_seed(2)
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        b = run(3)
    finally:
        torch.set_num_threads(before)
    assert np.array_equal(a.loss, b.loss)
    assert torch.get_num_threads() == before


def test_dropout_runs_are_seeded_too():
    a, b = run(0, dropout=0.2), run(0, dropout=0.2)
    assert np.array_equal(a.loss, b.loss)
    assert not np.array_equal(a.loss, run(0).loss)


def test_reports_every_step_in_order():
    seen = []
    r = lt.train(stack(), batches, steps=5, lr_at=lt.linear_warmup(1e-3, 4), seed=0, on_step=seen.append,
                 device=torch.device("cpu"))
    assert [s.step for s in seen] == list(range(5)) and all(s.steps == 5 for s in seen)
    assert [s.loss for s in seen] == r.loss.tolist()
    assert [s.lr for s in seen] == pytest.approx([2.5e-4, 5e-4, 7.5e-4, 1e-3, 1e-3])
    assert r.grad_norms.shape == (5, 2) and (r.grad_norms > 0).all()
    assert abs(r.loss[0] - TASK.chance) < 1.5  # starts near a uniform guess


def test_learns_the_reverse_task():
    r = lt.train(Stack(StackConfig(vocab=TASK.vocab, max_len=8, n_layers=2)), lambda g: TASK.batch(32, 8, g),
                 steps=80, lr_at=lt.linear_warmup(3e-3, 20), seed=0, device=torch.device("cpu"))
    assert r.final_loss() < 0.5 * TASK.entropy  # past the character-frequency plateau: it uses the positions


class BlowsUp(Stack):
    """A stack whose logits turn infinite from its fourth call on: a divergence on cue."""

    calls = 0

    def forward(self, ids, drop=None):
        self.calls += 1
        out = super().forward(ids, drop)
        return out * math.inf if self.calls >= 4 else out


def test_divergence_is_a_result_not_an_exception():
    model = BlowsUp(StackConfig(vocab=TASK.vocab, max_len=8, n_layers=2))
    seen = []
    r = lt.train(model, batches, steps=7, lr_at=lt.constant(1e-3), seed=0, on_step=seen.append, device=torch.device("cpu"))
    assert r.diverged_at == 3 and len(seen) == 3
    assert np.isfinite(r.loss[:3]).all() and np.isnan(r.loss[3:]).all() and np.isnan(r.grad_norms[3:]).all()
    assert math.isnan(r.final_loss())


def test_steps_are_capped():
    with pytest.raises(ValueError, match="outside the limit"):
        run(steps=limits.TRAIN_STEPS.hi + 1)
    with pytest.raises(ValueError):
        run(steps=0)


def test_gradient_norms_at_init_one_per_block():
    x, y = TASK.batch(4, 8, seeded(0))
    model = stack()
    loss, norms = lt.gradient_norms(model, x, y)
    assert len(norms) == 2 and all(n > 0 for n in norms) and math.isfinite(loss)
    assert all(p.grad is None for p in model.parameters())  # no gradient left behind


def test_noam_schedule_is_the_papers_formula():
    f = lt.noam(512, 4000)
    for step in (1, 100, 3999, 4000, 10_000):
        assert f(step - 1) == pytest.approx(512 ** -0.5 * min(step ** -0.5, step * 4000 ** -1.5))
    peak = max(range(8000), key=f)
    assert peak == 3999  # the peak at step = warm-up (counted from 1)
    with pytest.raises(ValueError):
        lt.noam(512, 0)


def test_reverse_and_next_tasks():
    x, y = TASK.batch(3, 7, seeded(2))
    assert torch.equal(y, x.flip(1))
    nxt = load("next")
    x, y = nxt.batch(3, 7, seeded(2))
    assert torch.equal(x[:, 1:], y[:, :-1])
    assert TASK.vocab == len(set(TASK.decode(TASK.ids)))
    assert 0 < TASK.entropy < TASK.chance == pytest.approx(math.log(TASK.vocab))
    with pytest.raises(ValueError):
        TASK.batch(1, len(TASK.ids) + 1, seeded(0))
    with pytest.raises(ValueError):
        load("sort")
