"""tf_core.lab.parallelism and ``decoder.run``'s ``on_block``, on both decoders: one teacher-forced call and n cached one-token calls give
the same logits and argmax; the timings are there (positive), never compared (a shared machine is noisy).

Tolerance, measured (float32, CPU): max |logits one call - n steps| 1e-5 for the random Llamas, 1.7e-4
for SmolLM2-135M (a (1, D) row times a matrix sums in another order than a (T, D) block); asserted
<= 1e-4 and <= 1e-3."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from tiny_decoders import CHARACTERS, byte_tokenizer, one_torch_thread, tiny_gpt, tiny_llama  # noqa: F401 (fixture)

from tf_core import limits
from tf_core.lab import parallelism as lab
from tf_core.models import decoder

TEXT = "Positions in parallel, layers in turn."  # 38 byte tokens


@pytest.fixture(scope="module")
def tok():
    return byte_tokenizer()


@pytest.fixture(scope="module")
def model():
    return tiny_llama(seed=5)


def check(r, n: int, n_layers: int, repeats: int):
    assert r.n == n and len(r.pieces) == n and r.repeats == repeats
    assert len(r.parallel_samples) == len(r.sequential_samples) == repeats
    assert min(r.parallel_samples) > 0 and min(r.sequential_samples) > 0
    assert r.parallel_seconds > 0 and r.sequential_seconds > 0 and r.speedup > 0
    assert r.argmax_parallel.shape == r.argmax_sequential.shape == (n,)
    assert r.grid_n[-1] == n and (np.diff(r.grid_n) > 0).all()
    assert r.grid_parallel.shape == r.grid_sequential.shape == r.grid_n.shape
    assert (r.grid_parallel > 0).all() and (r.grid_sequential > 0).all()
    assert (r.per_position_sequential > 0).all() and (r.per_position_parallel > 0).all()
    assert r.layer_seconds.shape == r.layer_start.shape == (n_layers,)
    assert (r.layer_seconds > 0).all() and r.layer_start[0] >= 0
    # the blocks one after another: each starts where the previous one ended, all inside the call
    np.testing.assert_allclose(r.layer_start[1:], np.cumsum(r.layer_seconds)[:-1], rtol=1e-9)
    assert (np.diff(r.layer_start) > 0).all() and 0 < r.layers_share <= 1.0
    assert r.dtype == "float32" and r.device.type == "cpu" and r.logits_max > 0


@pytest.mark.parametrize("n,repeats", [(2, 1), (16, 2), (64, 1), (5, limits.PARALLEL_REPEATS.hi)])
def test_one_call_equals_n_steps(model, tok, n, repeats):
    r = lab.run(model, tok, TEXT, n=n, repeats=repeats)
    check(r, n, 3, repeats)
    assert r.max_abs_diff <= 1e-4 and r.same_argmax and r.rounding_only
    assert r.grid_n.tolist() == [g for g in lab.GRID if g < n] + [n]
    assert r.n_prompt == min(n, len(TEXT))
    assert r.truncated == (n < len(TEXT))
    if n > len(TEXT):  # the prompt repeated to n tokens
        assert r.pieces[len(TEXT):] == r.pieces[:n - len(TEXT)]


def test_logits_functions_directly(model):
    ids = torch.randint(0, 256, (1, 13), generator=torch.Generator().manual_seed(2))
    with torch.inference_mode():
        par, seq = lab.parallel_logits(model, ids), lab.sequential_logits(model, ids)
        want = model(ids).logits[0]
    assert par.shape == seq.shape == (13, 256)
    assert torch.equal(par, want)
    torch.testing.assert_close(seq, want, atol=1e-4, rtol=0)
    # and the sequential side really is sequential: a later step depends on the earlier tokens
    other = ids.clone()
    other[0, 0] = (other[0, 0] + 1) % 256
    with torch.inference_mode():
        assert (lab.sequential_logits(model, other)[-1] - seq[-1]).abs().max() > 1e-4


def test_on_block_is_called_after_each_block(model):
    calls = []
    with torch.inference_mode():
        a = decoder.run(model, torch.tensor([[1, 2, 3]]), on_block=lambda i, trace: calls.append((i, trace.resid2.shape)))
        b = model(torch.tensor([[1, 2, 3]]))
    assert calls == [(0, (1, 3, 32)), (1, (1, 3, 32)), (2, (1, 3, 32))] and torch.equal(a.logits, b.logits)


def test_the_tiny_gpt_has_its_blocks_timed_too():
    """The same loop runs both decoders: no model without the per-block timing any more."""
    r = lab.run(tiny_gpt(seed=5), CHARACTERS, TEXT, n=8, repeats=2)
    check(r, 8, 3, 2)
    assert r.max_abs_diff <= 1e-4 and r.same_argmax and r.rounding_only


@pytest.mark.parametrize("n,repeats", [(2, 1), (16, 2)])
def test_progress_counts_every_forward(model, tok, n, repeats):
    seen = []
    lab.run(model, tok, TEXT, n=n, repeats=repeats, on_progress=lambda done, total: seen.append((done, total)))
    total = lab.ParallelismResult.forwards(n, repeats)
    grid = len([g for g in lab.GRID if g < n]) + 1
    assert total == 1 + min(n, 4) + repeats * (grid + n + 1)
    assert seen == [(i, total) for i in range(1, total + 1)]


def test_rounding_verdict_follows_the_difference(model, tok):
    r = lab.run(model, tok, TEXT, n=4, repeats=1)
    bound = lab.ROUNDING_ULPS * torch.finfo(torch.float32).eps * r.logits_max
    assert r.rounding_only and r.relative_diff == pytest.approx(r.max_abs_diff / r.logits_max)
    assert not dataclasses.replace(r, max_abs_diff=2 * bound).rounding_only  # the verdict can fail


def test_a_stalled_step_is_clipped_before_the_sum(model, tok, monkeypatch):
    """The n steps' times as the clock gives them, one 1 s stall among 10 ms steps in every repeat: the
    sequential time sums that step at 3x its neighbours' median (tf_core.device.clip_spikes), and counts it."""
    real = lab._sequential_timed

    def stalled(forward, ids, device):
        _, logits = real(forward, ids, device)
        steps = np.full(ids.shape[1], 0.010)
        steps[3] = 1.0
        return np.cumsum(steps), logits

    monkeypatch.setattr(lab, "_sequential_timed", stalled)
    r = lab.run(model, tok, TEXT, n=8, repeats=2)
    assert r.clipped_steps == 2  # one per repeat
    assert r.sequential_samples == pytest.approx((7 * 0.010 + 3 * 0.010,) * 2)  # not 7 * 0.010 + 1.0
    assert r.grid_sequential.tolist() == pytest.approx([4 * 0.010 + 2 * 0.010, 10 * 0.010])  # grid (4, 8)


def test_real_smollm2(smollm2_model):
    r = lab.run(smollm2_model.model, smollm2_model.tokenizer, "The cat sat on the mat.", n=8, repeats=1)
    check(r, 8, 30, 1)
    assert r.max_abs_diff <= 1e-3 and r.same_argmax and r.n_prompt == 7


def test_bad_input(tok):
    small = tiny_llama(max_positions=20)
    for bad in (1, limits.PARALLEL_N.hi + 1, 2.5, None):
        with pytest.raises(ValueError, match="n"):
            lab.run(small, tok, TEXT, n=bad)
    for bad in (0, limits.PARALLEL_REPEATS.hi + 1):
        with pytest.raises(ValueError, match="repeats"):
            lab.run(small, tok, TEXT, n=4, repeats=bad)
    with pytest.raises(ValueError, match="positions"):
        lab.run(small, tok, TEXT, n=32)
    with pytest.raises(ValueError, match="empty"):
        lab.run(small, tok, "", n=4)
    long = lab.run(small, tok, "w" * 100, n=limits.PARALLEL_N.lo, repeats=1)
    assert long.truncated and long.n == 2
