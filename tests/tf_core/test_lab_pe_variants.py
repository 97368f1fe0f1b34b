"""tf_core.lab.pe_variants.extrapolation on the six shipped models: the sweep against metrics.json
(the CLI's own evaluation of the same windows) and against a plain loop over the windows written
here; the break rule on hand-made curves; every argument at both ends of its cap.

Tolerances: the loop below runs one window at a time, the lab 64 at a time; the float32 logits then
differ in the last bits, and a mean over ~10^4 characters moves by < 1e-6 (we allow 1e-5). metrics.json
stores 6 decimals (we allow 1e-4 there)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.lab import pe_variants as lab
from tf_core.models import checkpoints
from tf_core.models.position_lm import KINDS


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def models():
    return lab.load_models()


@pytest.fixture(scope="module")
def result(models):
    return lab.extrapolation(models)


def test_default_sweep_equals_the_training_runs_own_evaluation(result):
    assert result.kinds == KINDS and list(result.lengths) == list(limits.PE_EVAL_LENGTHS)
    assert result.train_length == limits.PE_TRAIN_LENGTH and result.seed == limits.SEED.default
    for r, kind in enumerate(KINDS):
        ev = checkpoints.load_position_lm(kind).metrics["evaluation"]
        assert (result.span, result.start) == (ev["span"], ev["start"])
        assert list(result.windows) == ev["windows"]
        np.testing.assert_allclose(result.loss[r], ev["loss"], rtol=0, atol=1e-4)
        np.testing.assert_allclose(result.bits[r], ev["bits"], rtol=0, atol=1e-4)


def test_the_sweep_equals_a_plain_loop_over_the_windows(models):
    text = checkpoints.load_position_validation()
    res = lab.extrapolation(models, kinds=("learned", "alibi"), lengths=(48, 32), windows=8, seed=7)
    assert list(res.lengths) == [32, 48] and res.span == 8 * 48
    for r, kind in enumerate(res.kinds):
        model = models[kind]
        ids = torch.tensor(model.cfg.vocab.encode(text))
        for c, L in enumerate(res.lengths):
            total, n = 0.0, 0
            for w in range(res.span // L):
                s = res.start + w * int(L)
                logits = model(ids[None, s:s + L])[0]  # (L, V): one window, from its own start
                total += float(F.cross_entropy(logits.double(), ids[s + 1:s + L + 1], reduction="sum"))
                n += int(L)
            assert res.windows[c] == res.span // L
            assert res.loss[r, c] == pytest.approx(total / n, abs=1e-5), (kind, L)


def test_derived_figures_follow_their_definitions(result):
    longest = result.lengths[-1]
    assert result.per_position.shape == (len(KINDS), longest)
    # every window of the longest length is complete, so the per-position mean averages to the loss
    np.testing.assert_allclose(result.per_position.mean(1), result.loss[:, -1], rtol=1e-12)
    np.testing.assert_allclose(result.bits, result.loss / math.log(2))
    np.testing.assert_allclose(result.ratio, result.loss[:, -1] / result.loss[:, 0])
    assert list(result.holds) == [r <= 1 + lab.TOLERANCE for r in result.ratio]
    T = result.train_length
    np.testing.assert_allclose(result.reference, result.per_position[:, T // 2:T].mean(1))
    for r in range(len(KINDS)):
        assert (result.reference[r], result.break_at[r]) == lab.break_position(result.per_position[r], T)
    assert result.seconds > 0 and result.threads == 1 and result.device == "cpu"


def test_break_rule_on_hand_made_curves():
    flat = np.r_[np.full(4, 3.0), np.ones(12)]  # high start (no context), then flat
    assert lab.break_position(flat, 8, rise=0.1, bin_size=4) == (1.0, -1)
    up = flat.copy()
    up[8] = 1.5  # one position 0.5 high: the bin of 4 averages 1.125, above 1.1
    assert lab.break_position(up, 8, rise=0.1, bin_size=4) == (1.0, 8)
    edge = flat.copy()
    edge[12:16] = 1.1  # exactly reference + rise: not above it
    assert lab.break_position(edge, 8, rise=0.1 + 1e-12, bin_size=4) == (1.0, -1)
    tail = np.r_[flat, [2.0]]  # a last, shorter bin of one position
    assert lab.break_position(tail, 8, rise=0.1, bin_size=4) == (1.0, 16)
    assert lab.break_position(np.ones(5), 5) == (1.0, -1)  # nothing past the training length
    for bad in (0, 6):
        with pytest.raises(ValueError, match="train_length"):
            lab.break_position(np.ones(5), bad)


def test_progress_seed_loader_and_the_training_length_added(models):
    calls = []
    res = lab.extrapolation(lambda kind: models[kind], kinds=("rope",), lengths=(64,), windows=4, seed=3,
                            on_progress=lambda done, total: calls.append((done, total)))
    assert list(res.lengths) == [32, 64] and calls == [(1, 2), (2, 2)]
    again = lab.extrapolation(models, kinds=("rope",), lengths=(64,), windows=4, seed=3)
    np.testing.assert_array_equal(res.loss, again.loss)
    other = lab.extrapolation(models, kinds=("rope",), lengths=(64,), windows=4, seed=4)
    assert other.start != res.start and not np.array_equal(other.loss, res.loss)


def test_caps_at_both_ends(models):
    lo = lab.extrapolation(models, kinds=("none",), lengths=(1,), windows=1, seed=limits.SEED.hi)
    assert list(lo.lengths) == [1, 32] and list(lo.windows) == [32, 1] and lo.break_at[0] == -1
    hi = lab.extrapolation(models, kinds=("sinusoidal",), lengths=(limits.PE_EVAL_LENGTH.hi,),
                           windows=limits.PE_WINDOWS.hi)
    assert hi.span == limits.PE_WINDOWS.hi * limits.PE_EVAL_LENGTH.hi and hi.windows[-1] == limits.PE_WINDOWS.hi


@pytest.mark.parametrize("kwargs,match", [
    (dict(kinds=()), "kinds"),
    (dict(kinds=("absolute",)), "kinds"),
    (dict(kinds=("alibi", "alibi")), "kinds"),
    (dict(lengths=(0,)), "length"),
    (dict(lengths=(limits.PE_EVAL_LENGTH.hi + 1,)), "length"),
    (dict(lengths=(32.5,)), "length"),
    (dict(windows=0), "windows"),
    (dict(windows=limits.PE_WINDOWS.hi + 1), "windows"),
    (dict(seed=-1), "seed"),
    (dict(seed=limits.SEED.hi + 1), "seed"),
    (dict(text="In the beginning"), "longer text"),
])
def test_bad_arguments_raise(models, kwargs, match):
    with pytest.raises(ValueError, match=match):
        lab.extrapolation(models, **({"kinds": ("alibi",)} | kwargs))


def test_a_model_under_the_wrong_name_is_refused(models):
    with pytest.raises(ValueError, match="is a 'learned' model"):
        lab.extrapolation({"alibi": models["learned"]}, kinds=("alibi",))
    with pytest.raises(KeyError):
        lab.extrapolation({"alibi": models["alibi"]}, kinds=("alibi", "rope"))
