"""tf_core.ablation: Break it's per-call switches, on random Llamas against a Llama written out here
with PyTorch's own ops (F.rms_norm, F.scaled_dot_product_attention), on the tiny GPT (the mask only)
and on e5 (positions). The real SmolLM2 is tests/tf_core/test_lab_break_it.py's.

Tolerances, measured (float32, CPU, the random Llamas): every switch and pair of switches against the
written-out reference, max |logit diff| 7.6e-6 at logits up to |39| (two float32 steps: other kernels
add in another order); asserted within atol 1e-5 + rtol 1e-5. Without any switch the logits are those
of ``model(ids)`` bit for bit, so that is asserted exactly.
"""
from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from tiny_decoders import one_torch_thread, tiny_gpt, tiny_llama  # noqa: F401 (fixture)

from tf_core import limits
from tf_core.ablation import POSITIONS, SWITCHES, Ablation, Switched, shuffle_order
from tf_core.grouped_attention import use_grouped
from tf_core.lab import positional_encoding
from tf_core.models import decoder, llama
from tf_core.positional import apply_rope, rope_angles

TOL = dict(atol=1e-5, rtol=1e-5)
SINGLE = {  # one switch each (the tiny Llama: 3 layers x 4 heads)
    "scale": Ablation(scale=False), "causal": Ablation(causal=False), "rope": Ablation(rope=False),
    "norm_scale": Ablation(norm_scale=False), "heads_off": Ablation(heads_off=((0, 1), (2, 3), (2, 0))),
}


def both(a: Ablation, b: Ablation) -> Ablation:
    """The switches of a and b together."""
    return Ablation(scale=a.scale and b.scale, causal=a.causal and b.causal, rope=a.rope and b.rope,
                    norm_scale=a.norm_scale and b.norm_scale, heads_off=a.heads_off + b.heads_off)


ALL = {**SINGLE, **{f"{x}+{y}": both(SINGLE[x], SINGLE[y]) for x, y in itertools.combinations(SINGLE, 2)}}


def reference(model: llama.Llama, ids: torch.Tensor, a: Ablation) -> torch.Tensor:
    """The Llama forward written out with PyTorch's ops and the switches applied the textbook way:
    F.rms_norm with weight=None for no scale, q and k left unrotated for no RoPE, SDPA with scale=1.0,
    a zeroed head as its values masked to 0, no mask at all without the causal one. (1, T, V)."""
    cfg, (B, T) = model.cfg, ids.shape
    H, Hkv, Dh, D = cfg.n_heads, cfg.n_kv_heads, cfg.d_head, cfg.d_model
    cos, sin = rope_angles(torch.arange(T), Dh, cfg.rope_theta)
    norm = lambda module, h: F.rms_norm(h, (D,), module.weight if a.norm_scale else None, eps=cfg.rms_eps)
    mask = torch.ones(T, T, dtype=torch.bool).tril() if a.causal else None
    x = model.tok_emb.weight[ids]  # (B, T, D)
    for i, block in enumerate(model.blocks):
        h = norm(block.attn_norm, x)
        q = F.linear(h, block.attn.q.weight).view(B, T, H, Dh).transpose(1, 2)  # (B, H, T, Dh)
        k = F.linear(h, block.attn.k.weight).view(B, T, Hkv, Dh).transpose(1, 2)  # (B, Hkv, T, Dh)
        v = F.linear(h, block.attn.v.weight).view(B, T, Hkv, Dh).transpose(1, 2)
        if a.rope:
            q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        k, v = k.repeat_interleave(H // Hkv, dim=1), v.repeat_interleave(H // Hkv, dim=1)  # (B, H, T, Dh)
        for layer, head in a.heads_off:
            if layer == i:
                v[:, head] = 0  # that head's values masked: its output is 0
        att = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=None if a.scale else 1.0)
        x = x + F.linear(att.transpose(1, 2).reshape(B, T, H * Dh), block.attn.o.weight)
        m = norm(block.mlp_norm, x)
        x = x + F.linear(F.silu(F.linear(m, block.mlp.gate.weight)) * F.linear(m, block.mlp.up.weight), block.mlp.down.weight)
    return F.linear(norm(model.norm, x), model.tok_emb.weight)


@pytest.fixture(scope="module")
def model():
    """A random Llama whose RMSNorm scales are not all 1 (a fresh RMSNorm's are: nothing to remove)."""
    m = tiny_llama()
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for name, p in m.named_parameters():
            if "norm" in name:
                p.copy_(torch.rand(p.shape, generator=g) * 1.5 + 0.25)
    return m


@pytest.fixture(scope="module")
def ids():
    return torch.randint(0, 256, (1, 19), generator=torch.Generator().manual_seed(1))


# --------------------------------------------------------------------------- the object
def test_defaults_remove_nothing_and_names_are_in_order():
    a = Ablation()
    assert a.intact and a.removed == () and a.heads_off == () and a.positions == "keep"
    full = Ablation(scale=False, causal=False, rope=False, norm_scale=False, heads_off=[(1, 2)], positions="remove")
    assert full.removed == SWITCHES
    assert Ablation(rope=False, scale=False).removed == ("scale", "rope")
    assert full.decoder_part() == Ablation(scale=False, causal=False, rope=False, norm_scale=False, heads_off=((1, 2),))
    assert full.encoder_part() == Ablation(positions="remove")
    assert set(POSITIONS) == {"keep", "remove", "shuffle"}


def test_hashable_and_normalised():
    a = Ablation(heads_off=[(2, 1), [0, 3], (2, 1)])
    b = Ablation(heads_off=((0, 3), (2, 1)))
    assert a == b and hash(a) == hash(b) and a.heads_off == ((0, 3), (2, 1))
    assert len({a, b, Ablation(), Ablation(scale=False)}) == 3
    assert Ablation(scale=np.bool_(False)).scale is False
    with pytest.raises(Exception):
        a.scale = False  # frozen


@pytest.mark.parametrize("kwargs", [
    dict(scale=0), dict(causal="no"), dict(rope=None), dict(norm_scale=1),
    dict(positions="drop"), dict(positions=None), dict(seed=-1), dict(seed=limits.SEED.hi + 1), dict(seed=1.5),
    dict(heads_off=(1, 2)), dict(heads_off="0,1"), dict(heads_off=((0, -1),)), dict(heads_off=((0, 1, 2),)),
    dict(heads_off=((0.5, 1),)), dict(heads_off=5),
    dict(heads_off=tuple((i, 0) for i in range(limits.BREAKIT_HEADS_OFF + 1))),
])
def test_bad_switches_raise(kwargs):
    with pytest.raises(ValueError):
        Ablation(**kwargs)


def test_heads_at_the_cap():
    assert len(Ablation(heads_off=tuple((i, 0) for i in range(limits.BREAKIT_HEADS_OFF))).heads_off) == limits.BREAKIT_HEADS_OFF


def test_checked_against_the_model(model):
    for bad in (Ablation(heads_off=((3, 0),)), Ablation(heads_off=((0, 4),)), Ablation(positions="remove")):
        with pytest.raises(ValueError):
            bad.check(model)
        with pytest.raises(ValueError):
            decoder.run(model, torch.tensor([[1, 2]]), ablation=bad)
    Ablation(heads_off=((2, 3),)).check(model)  # the last layer and head
    gpt = tiny_gpt()
    for name, a in SINGLE.items():
        if name == "causal":
            assert a.check(gpt) is a
        else:
            with pytest.raises(ValueError, match="only causal"):
                a.check(gpt)
    with pytest.raises(ValueError):
        Ablation().check(object())


# --------------------------------------------------------------------------- each switch against a reference
def test_no_switch_is_the_model_bit_for_bit(model, ids):
    want = model(ids).logits
    for need_weights in (False, True):
        with torch.inference_mode():
            out = decoder.run(model, ids, ablation=Ablation(), need_weights=need_weights)
        assert torch.equal(out.logits, model(ids, need_weights=need_weights).logits)
    assert Ablation().apply(model, decoder.causal) == (model, decoder.causal)  # the same model, the same mask
    with torch.no_grad():
        torch.testing.assert_close(reference(model, ids, Ablation()), want, **TOL)  # the reference itself is right


@pytest.mark.parametrize("name", list(ALL))
def test_switches_against_the_written_out_llama(model, ids, name):
    a = ALL[name]
    with torch.no_grad():
        want = reference(model, ids, a)
    for need_weights in (False, True):
        with torch.inference_mode():
            out = decoder.run(model, ids, ablation=a, need_weights=need_weights)
        torch.testing.assert_close(out.logits, want, **TOL)
        assert (out.logits - model(ids).logits).abs().max() > 1e-3  # the switch does something
        if need_weights:
            for layer, head in a.heads_off:
                assert (out.attentions[layer][:, head] == 0).all()  # a zeroed head's weights, as BertModel's head_mask
            if a.causal:
                assert all((w[0].triu(1) == 0).all() for w in out.attentions)


def test_no_mask_is_decoder_unmasked(model, ids):
    gpt = tiny_gpt()
    gpt_ids = torch.tensor([[3, 9, 14, 22, 5, 17]])
    for m, x in ((model, ids), (gpt, gpt_ids)):
        with torch.inference_mode():
            for need_weights in (False, True):
                got = decoder.run(m, x, ablation=Ablation(causal=False), need_weights=need_weights)
                want = decoder.run(m, x, mask=decoder.unmasked, need_weights=need_weights)
                assert torch.equal(got.logits, want.logits)


def test_one_layer_scale_is_sdpa_with_scale_one(model, ids):
    """The attention of block 0 alone with scale 1.0 is PyTorch's SDPA(scale=1.0) on the same q, k, v."""
    attn, T = model.blocks[0].attn, ids.shape[1]
    h = torch.randn(1, T, model.cfg.d_model, generator=torch.Generator().manual_seed(2))
    cos, sin = rope_angles(torch.arange(T), model.cfg.d_head, model.cfg.rope_theta)
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    with torch.no_grad():
        got, _, _ = attn(h, cos, sin, None, mask, False, scale=1.0)
        q = apply_rope(attn.q(h).view(1, T, 4, 8).transpose(1, 2), cos, sin)
        k = apply_rope(attn.k(h).view(1, T, 2, 8).transpose(1, 2), cos, sin).repeat_interleave(2, dim=1)
        v = attn.v(h).view(1, T, 2, 8).transpose(1, 2).repeat_interleave(2, dim=1)
        want = attn.o(F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=1.0).transpose(1, 2).reshape(1, T, 32))
        torch.testing.assert_close(got, want, **TOL)
        assert (got - attn(h, cos, sin, None, mask, False)[0]).abs().max() > 1e-4


@pytest.mark.parametrize("name", ["scale", "rope", "norm_scale", "heads_off", "scale+rope"])
def test_switches_continue_through_the_cache(model, ids, name):
    """A switch applies to a cached step as to the whole text: the last position's logits agree."""
    a = ALL[name]
    with torch.inference_mode():
        full = decoder.run(model, ids, ablation=a).logits[0, -1]
        cache = decoder.run(model, ids[:, :-1], ablation=a).cache
        step = decoder.run(model, ids[:, -1:], cache, ablation=a).logits[0, -1]
    torch.testing.assert_close(step, full, **TOL)


def test_grouped_decoding_steps_take_the_switches_too(model, ids):
    """tf_core.grouped_attention's one-token step hands a switched call back to the parent attention."""
    grouped = use_grouped(copy.deepcopy(model))
    for name in ("scale", "heads_off", "scale+heads_off"):
        with torch.inference_mode():
            cache = decoder.run(grouped, ids[:, :-1], ablation=ALL[name]).cache
            step = decoder.run(grouped, ids[:, -1:], cache, ablation=ALL[name]).logits[0, -1]
            full = decoder.run(model, ids, ablation=ALL[name]).logits[0, -1]
        torch.testing.assert_close(step, full, **TOL)


def test_the_shared_model_is_never_changed(model, ids):
    before = {k: v.clone() for k, v in model.state_dict().items()}
    attrs = {name: sorted(vars(m)) for name, m in model.named_modules()}
    logits = model(ids).logits
    with torch.inference_mode():
        for a in ALL.values():
            decoder.run(model, ids, ablation=a)
            decoder.run(model, ids, ablation=a, need_weights=True)
    after = model.state_dict()
    assert before.keys() == after.keys() and all(torch.equal(before[k], after[k]) for k in before)
    assert attrs == {name: sorted(vars(m)) for name, m in model.named_modules()}  # nothing stored on a module
    assert torch.equal(model(ids).logits, logits)  # the next plain call: the same numbers
    assert isinstance(Ablation(rope=False).apply(model, decoder.causal)[0], Switched)


# --------------------------------------------------------------------------- generation without the mask
def test_generation_without_the_mask_runs_without_the_cache(model, ids, monkeypatch):
    prompt, n = ids[:, :5], 4
    with pytest.raises(ValueError, match="use_cache=False"):
        llama.generate(model, prompt, n, use_cache=True, ablation=Ablation(causal=False))
    calls, run = [], decoder.run

    def spy(m, x, cache=None, **kw):
        calls.append((x.shape[1], cache, kw.get("ablation")))
        return run(m, x, cache, **kw)

    monkeypatch.setattr(decoder, "run", spy)
    out = llama.generate(model, prompt, n, use_cache=False, ablation=Ablation(causal=False))
    assert [c[0] for c in calls] == [5, 6, 7, 8] and all(c[1] is None for c in calls) and out.cache is None
    monkeypatch.setattr(decoder, "run", run)
    seq = prompt  # the same tokens, step by step with no mask over the whole text
    for t in range(n):
        nxt = run(model, seq, mask=decoder.unmasked).logits[0, -1].argmax()
        assert int(out.tokens[0, t]) == int(nxt)
        seq = torch.cat([seq, nxt.view(1, 1)], dim=1)
    plain = llama.generate(model, prompt, n)
    assert torch.equal(llama.generate(model, prompt, n, ablation=Ablation()).tokens, plain.tokens)


# --------------------------------------------------------------------------- encoders: positions
def test_positions_give_the_encoders_own_arguments(e5_encoder):
    tokens = e5_encoder.tokenize("狗追着猫跑进了花园。", limits.ENCODER_TOKENS)
    ids = torch.tensor([tokens.ids])
    assert Ablation().encoder_kwargs(tokens.ids) == {}
    assert Ablation(positions="remove").check(e5_encoder).encoder_kwargs(tokens.ids) == {"use_positions": False}
    kw = Ablation(positions="shuffle", seed=3).encoder_kwargs(tokens.ids)
    pos = kw["position_ids"]
    T = len(tokens)
    assert sorted(pos.tolist()) == list(range(T)) and pos[0] == 0 and pos[-1] == T - 1 and (pos[1:-1] != torch.arange(1, T - 1)).all()
    order = shuffle_order(tokens.ids, 3)
    with torch.inference_mode():
        got = e5_encoder.model(ids, need_weights=False, **kw)
        moved = e5_encoder.model(ids[:, order], need_weights=False)  # the tokens read in that order at 0..T-1
    torch.testing.assert_close(got.last_hidden_state[0, order], moved.last_hidden_state[0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(got.mean_pooled(), moved.mean_pooled(), atol=1e-5, rtol=1e-5)
    for bad in SINGLE.values():
        with pytest.raises(ValueError, match="encoder"):
            bad.check(e5_encoder)
    assert positional_encoding.shuffle_order is shuffle_order  # one shuffle, shared with the lesson
