"""tf_core.lab.residual_leak and ``decoder.traced``, on both decoders: no sub-step of any block moves a later token's change to
an earlier position when the mask is on; without it the first leak is layer 0's attention output.

Measured: every masked entry before p is 0.0 bit for bit (random Llamas and tiny GPTs, SmolLM2-135M; float32, CPU),
so the test asserts == 0. The per-position sub-steps are also checked on their own: a norm or the
feed-forward applied to a sequence with one row changed changes that row only, exactly."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from tiny_decoders import (CHARACTERS, byte_tokenizer, check_trace, one_torch_thread,  # noqa: F401 (fixture)
                           tiny_gpt, tiny_llama)

from tf_core.lab import residual_leak as lab
from tf_core.models import decoder
from tf_core.models.decoder import BlockTrace

TEXT = "Residuals add, they do not look around."


@pytest.fixture(scope="module")
def tok():
    return byte_tokenizer()


@pytest.fixture(scope="module")
def model():
    return tiny_llama(seed=3)


@pytest.fixture(scope="module", params=["llama", "tiny-gpt"])
def both(request, tok):
    """(model, tokenizer) of each decoder the lesson offers; TEXT is 39 tokens for both."""
    return (tiny_llama(seed=3), tok) if request.param == "llama" else (tiny_gpt(seed=3), CHARACTERS)


@pytest.mark.parametrize("position", [0, 9, len(TEXT) - 1])
def test_no_sub_step_leaks_with_the_mask(both, position):
    model, tok = both
    r = lab.run(model, tok, TEXT, position=position)
    T, p = len(TEXT), position
    assert r.steps == tuple(f.name for f in dataclasses.fields(BlockTrace))
    assert r.formulas == tuple(model.MATH.formulas[s] for s in r.steps) and all(r.formulas)
    assert (r.norm, r.ffn) == ((model.MATH.norm, model.MATH.ffn))
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
    on, off = r.grids_before()
    assert on.shape == off.shape == (3, 6) and (on == 0).all()
    np.testing.assert_array_equal(off, r.delta_bidirectional[:, :, :p].max(axis=-1, initial=0.0))
    for layer in (0, 2):
        prof_on, prof_off = r.profiles(layer)
        assert prof_on.shape == prof_off.shape == (7, T)
        np.testing.assert_array_equal(prof_on[1:], r.delta_causal[layer])
        np.testing.assert_array_equal(prof_off[0], r.embedding_delta if layer == 0 else r.delta_bidirectional[1, -1])
    if p:
        assert r.first_leak == (0, "attn") and r.norm_before_leak == 0.0
        assert r.first_leak_value == off[0, 1] > 0
        assert (r.delta_bidirectional[0, 1:, :p] > 0).all()  # attention, then everything after it
        assert (r.logits_delta_bidirectional[:p] > 1e-4).all()
    else:
        assert r.first_leak is None and np.isnan(r.first_leak_value)


def test_trace_is_the_forward(model):
    ids = torch.randint(0, 256, (2, 11), generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        plain = model(ids)
        out = decoder.traced(model, ids)
        check_trace(model, ids, plain, out, model.tok_emb(ids), lambda block: (block.attn_norm, block.mlp_norm))
        for need_weights in (False, True):  # without the mask too, and with the explicit attention path
            off = decoder.traced(model, ids, mask=decoder.unmasked, need_weights=need_weights)
            want = decoder.run(model, ids, mask=decoder.unmasked, need_weights=need_weights)
            assert torch.equal(off.logits, want.logits)
            assert len(off.attentions) == (3 if need_weights else 0) and len(off.traces) == 3


def test_progress_counts_every_traced_forward(model, tok):
    seen = []
    lab.run(model, tok, TEXT, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, lab.FORWARDS) for i in range(1, lab.FORWARDS + 1)]


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
    assert (r.delta_causal[:, :, 6] > 0).all() and (r.norm, r.ffn) == ("RMSNorm", "SwiGLU")
    assert [s for s in r.steps if s in lab.MIXING_STEPS] == ["attn"]


def test_bad_input(model, tok):
    with pytest.raises(ValueError, match="empty"):
        lab.run(model, tok, "")
    with pytest.raises(ValueError, match="position"):
        lab.run(model, tok, "abc", position=3)
    r = lab.run(model, tok, "z" * 300)
    assert r.truncated and r.delta_causal.shape[-1] == 64 and r.position == 32
    with pytest.raises(ValueError, match="layer"):
        r.profiles(3)
