"""tf_core.lab.residual_leak and Llama's ``trace``: no sub-step of any block moves a later token's change to
an earlier position when the mask is on; without it the first leak is layer 0's attention output.

Measured: every masked entry before p is 0.0 bit for bit (random Llamas and SmolLM2-135M, float32, CPU),
so the test asserts == 0. The per-position sub-steps are also checked on their own: a norm or the
feed-forward applied to a sequence with one row changed changes that row only, exactly."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from tiny_decoders import byte_tokenizer, one_torch_thread, tiny_llama  # noqa: F401 (fixture)

from tf_core.lab import residual_leak as lab
from tf_core.models.llama import BlockTrace

TEXT = "Residuals add, they do not look around."


@pytest.fixture(scope="module")
def tok():
    return byte_tokenizer()


@pytest.fixture(scope="module")
def model():
    return tiny_llama(seed=3)


@pytest.mark.parametrize("position", [0, 9, len(TEXT) - 1])
def test_no_sub_step_leaks_with_the_mask(model, tok, position):
    r = lab.run(model, tok, TEXT, position=position)
    T, p = len(TEXT), position
    assert r.steps == tuple(f.name for f in dataclasses.fields(BlockTrace))
    assert r.delta_causal.shape == r.delta_bidirectional.shape == (3, 6, T)
    assert r.exact_before and r.max_before_causal == 0.0
    assert (r.delta_causal[:, :, :p] == 0).all() and (r.logits_delta_causal[:p] == 0).all()
    assert (r.delta_causal[:, :, p] > 0).all()  # the changed position changes at every sub-step
    # the embedding changes at p only, and so does layer 0's first norm, mask or not (both per position)
    np.testing.assert_array_equal(np.flatnonzero(r.embedding_delta), [p])
    for grid in (r.delta_causal, r.delta_bidirectional):
        np.testing.assert_array_equal(np.flatnonzero(grid[0, 0]), [p])
    # after p the change arrives through layer 0's attention, in both runs
    assert (r.delta_causal[0, 1, p + 1:] > 0).all()
    if p:
        assert r.first_leak == (0, "attn")
        assert (r.delta_bidirectional[0, 1:, :p] > 0).all()  # attention, then everything after it
        assert (r.logits_delta_bidirectional[:p] > 1e-4).all()
    else:
        assert r.first_leak is None


def test_trace_is_the_forward(model):
    ids = torch.randint(0, 256, (2, 11), generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        plain = model(ids)
        out = model(ids, trace=True)
        check_trace(model, ids, plain, out)


def check_trace(model, ids, plain, out):
    assert plain.hidden_states == () and plain.traces == ()
    assert torch.equal(out.logits, plain.logits)  # tracing changes no number
    assert len(out.hidden_states) == 4 and len(out.traces) == 3
    assert torch.equal(out.hidden_states[0], model.tok_emb(ids))
    for i, (tr, block) in enumerate(zip(out.traces, model.blocks)):
        x = out.hidden_states[i]
        assert torch.equal(tr.attn_norm, block.attn_norm(x))
        assert torch.equal(tr.resid1, x + tr.attn)
        assert torch.equal(tr.mlp_norm, block.mlp_norm(tr.resid1))
        assert torch.equal(tr.mlp, block.mlp(tr.mlp_norm))
        assert torch.equal(tr.resid2, tr.resid1 + tr.mlp) and torch.equal(tr.resid2, out.hidden_states[i + 1])


def test_norm_and_ffn_act_on_each_position_alone(model):
    """The claim behind the lesson, on the modules themselves: change row p of the input, and only
    row p of the output changes (RMSNorm, the SwiGLU feed-forward, a residual sub-layer)."""
    block = model.blocks[0]
    g = torch.Generator().manual_seed(1)
    x = torch.randn(1, 13, 32, generator=g)
    y = x.clone()
    y[0, 5] += torch.randn(32, generator=g)
    with torch.inference_mode():
        for f in (block.attn_norm, block.mlp, lambda t: t + block.mlp(block.mlp_norm(t))):
            changed = (f(y) - f(x)).abs().amax(-1)[0]  # (T,)
            np.testing.assert_array_equal(np.flatnonzero(changed.numpy()), [5])


def test_real_smollm2(smollm2_model):
    r = lab.run(smollm2_model.model, smollm2_model.tokenizer, "The cat sat on the mat because it was tired.",
                position=6)
    assert r.delta_causal.shape == (30, 6, 11) and r.pieces[6] == "␣because"
    assert r.exact_before and r.first_leak == (0, "attn")
    assert (r.delta_causal[:, :, 6] > 0).all()
    assert [s for s in r.steps if s in lab.MIXING_STEPS] == ["attn"]


def test_bad_input(model, tok):
    with pytest.raises(ValueError, match="empty"):
        lab.run(model, tok, "")
    with pytest.raises(ValueError, match="position"):
        lab.run(model, tok, "abc", position=3)
    r = lab.run(model, tok, "z" * 300)
    assert r.truncated and r.delta_causal.shape[-1] == 64 and r.position == 32
