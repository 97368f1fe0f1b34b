"""tf_core.lab.encoder: every step against a hand computation with torch primitives, on the real
MiniLM (and e5 for the block output)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.lab import encoder as lab

TEXT = "The cat sat on the mat because it was tired."
# The model runs in float32, the hand computation in float64: measured differences are below 2e-5
# relative on these statistics; 1e-4 leaves room without hiding a wrong step (those differ by O(1)).
TOL = dict(rtol=1e-4, atol=1e-4)


@torch.no_grad()
def hand(encoder, text: str, layer: int) -> dict[str, torch.Tensor]:
    """The block written out with F.linear, softmax, F.layer_norm and F.gelu, in float64, from
    the block input the encoder itself computed."""
    tokens = encoder.tokenize(text, limits.ENCODER_TOKENS)
    x = encoder.run(tokens, need_weights=False).hidden_states[layer][0].double()  # (T, D)
    b = encoder.model.blocks[layer]
    p = {n: t.double() for n, t in b.state_dict().items()}
    H = encoder.model.cfg.n_heads
    T, D = x.shape
    heads = lambda t: t.view(T, H, D // H).transpose(0, 1)  # noqa: E731  (T, D) -> (H, T, Dh)
    q, k, v = (heads(F.linear(x, p[f"{n}.weight"], p[f"{n}.bias"])) for n in "qkv")
    scores = q @ k.transpose(1, 2) / math.sqrt(D // H)  # (H, T, T)
    weights = torch.softmax(scores, dim=-1)
    context = (weights @ v).transpose(0, 1).reshape(T, D)
    attn_out = F.linear(context, p["o.weight"], p["o.bias"])
    ln1 = F.layer_norm(x + attn_out, (D,), p["ln1.weight"], p["ln1.bias"], b.ln1.eps)
    up = F.linear(ln1, p["ff1.weight"], p["ff1.bias"])
    act = F.gelu(up)
    down = F.linear(act, p["ff2.weight"], p["ff2.bias"])
    ln2 = F.layer_norm(ln1 + down, (D,), p["ln2.weight"], p["ln2.bias"], b.ln2.eps)
    return {"x_in": x, "q": q, "k": k, "v": v, "scores": scores, "weights": weights, "context": context,
            "attn_out": attn_out, "resid1": x + attn_out, "ln1": ln1, "ffn_up": up, "gelu": act,
            "ffn_down": down, "resid2": ln1 + down, "ln2": ln2}


def per_token_norm(t: torch.Tensor) -> np.ndarray:
    t = t if t.dim() == 2 else t.transpose(0, 1).reshape(t.shape[1], -1)  # (H, T, X) -> (T, H X)
    return t.norm(dim=-1).numpy()


@pytest.mark.parametrize("layer", [0, 2, 5])
def test_every_step_equals_the_hand_computation(minilm, layer):
    r = lab.run(minilm, TEXT, layer=layer, max_tokens=128, head=3)
    want = hand(minilm, TEXT, layer)
    assert [s.key for s in r.steps][-len(lab.BLOCK_KEYS):] == list(lab.BLOCK_KEYS)
    for key, t in want.items():
        s = r.step(key)
        assert s.shape == tuple(t.shape), key
        np.testing.assert_allclose([s.mean, s.std, s.min, s.max], [t.mean(), t.std(unbiased=False), t.min(), t.max()],
                                   err_msg=key, **TOL)
        np.testing.assert_allclose(s.norms, per_token_norm(t), err_msg=key, **TOL)
        assert s.token_norm == pytest.approx(per_token_norm(t).mean(), rel=1e-4), key
        sample = t[3] if t.dim() == 3 else t  # head 3's slice for per-head steps
        k = s.sample.shape[1]
        assert k == (sample.shape[1] if key in ("scores", "weights") else min(limits.WALK_DIMS, sample.shape[1])), key
        np.testing.assert_allclose(s.sample, sample[:, :k].numpy(), err_msg=key, **TOL)
        assert s.hist.sum() == t.numel() and len(s.edges) == limits.WALK_BINS + 1, key
        assert s.edges[0] == pytest.approx(s.min) and s.edges[-1] == pytest.approx(s.max), key


@pytest.mark.parametrize("layer", [0, 4, 5])
def test_block_output_is_the_next_hidden_state(minilm, layer):
    tokens = minilm.tokenize(TEXT, 128)
    out = minilm.run(tokens, need_weights=False, trace_layer=layer)
    assert torch.equal(out.trace.x_out, out.hidden_states[layer + 1])
    assert torch.equal(out.trace.x_in, out.hidden_states[layer])
    r = lab.run(minilm, TEXT, layer=layer, max_tokens=128)
    h = out.hidden_states[layer + 1][0].double()
    np.testing.assert_allclose(r.step("ln2").norms, h.norm(dim=-1).numpy(), rtol=1e-12)
    np.testing.assert_array_equal(r.step("ln2").sample, h[:, : limits.WALK_DIMS].float().numpy())
    if layer + 1 < minilm.model.cfg.n_layers:  # the next block starts where this one ended
        nxt = lab.run(minilm, TEXT, layer=layer + 1, max_tokens=128)
        # (not bit for bit: a traced block takes the explicit attention, the others PyTorch's SDPA)
        np.testing.assert_allclose(nxt.step("x_in").norms, r.step("ln2").norms, rtol=1e-6)


def test_e5_block_output_is_the_next_hidden_state(e5_encoder):
    text = "注意力机制是Transformer的核心"
    r = lab.run(e5_encoder, text, layer=11, max_tokens=64)
    out = e5_encoder.run(e5_encoder.tokenize(text, 64), need_weights=False, trace_layer=11)
    assert torch.equal(out.trace.x_out, out.last_hidden_state)
    np.testing.assert_allclose(r.step("ln2").norms, out.last_hidden_state[0].double().norm(dim=-1).numpy(), rtol=1e-12)
    assert r.dims == {"T": len(r.pieces), "D": 384, "H": 12, "Dh": 32, "d_ff": 1536}
    want = hand(e5_encoder, text, 11)
    np.testing.assert_allclose(r.step("gelu").norms, per_token_norm(want["gelu"]), **TOL)


def test_embedding_steps_at_layer_0(minilm):
    r = lab.run(minilm, TEXT, layer=0, max_tokens=128)
    assert [s.key for s in r.steps] == list(lab.EMBED_KEYS + lab.BLOCK_KEYS)
    emb = minilm.model.embeddings
    ids = torch.tensor(minilm.tokenize(TEXT, 128).ids)
    with torch.no_grad():
        word = emb.word.weight[ids].double()
        pos = emb.position.weight[: len(ids)].double()
        summed = word + pos + emb.token_type.weight[0].double()
        ln = F.layer_norm(summed, (384,), emb.ln.weight.double(), emb.ln.bias.double(), emb.ln.eps)
    for key, t in (("embed_word", word), ("embed_pos", pos), ("embed_sum", summed), ("x_in", ln)):
        np.testing.assert_allclose(r.step(key).norms, t.norm(dim=-1).numpy(), **TOL)
    x0 = minilm.run(minilm.tokenize(TEXT, 128), need_weights=False).hidden_states[0][0].double()
    torch.testing.assert_close(ln, x0, rtol=1e-5, atol=1e-5)  # our sum + LayerNorm is the model's
    assert r.step("x_in").shape_text == f"(T, D) = ({len(ids)}, 384)"
    assert r.step("scores").shape_text == f"(H, T, T) = (12, {len(ids)}, {len(ids)})"
    assert r.step("ffn_up").dims == ("T", "d_ff")
    assert [ln.key for ln in r.layer_norms] == ["x_in", "ln1", "ln2"]
    emb_ln = r.layer_norm("x_in")  # the embeddings' LayerNorm: its output is the block input
    np.testing.assert_allclose(emb_ln.out_norm, r.step("x_in").norms, **TOL)
    np.testing.assert_allclose(emb_ln.in_norm, r.step("embed_sum").norms, rtol=1e-12)
    assert [s.key for s in lab.run(minilm, TEXT, layer=1, max_tokens=128).steps] == list(lab.BLOCK_KEYS)


def test_layer_norm_effects(minilm):
    r = lab.run(minilm, TEXT, layer=2, max_tokens=128)
    want = hand(minilm, TEXT, 2)
    for eff, x, y in ((r.layer_norm("ln1"), want["resid1"], want["ln1"]), (r.layer_norm("ln2"), want["resid2"], want["ln2"])):
        np.testing.assert_allclose(eff.in_mean, x.mean(-1).numpy(), **TOL)
        np.testing.assert_allclose(eff.in_std, x.std(-1, unbiased=False).numpy(), **TOL)
        np.testing.assert_allclose(eff.hat_mean, 0.0, atol=1e-12)  # normalised: mean 0 ...
        np.testing.assert_allclose(eff.hat_std, 1.0, atol=1e-6)  # ... and std 1 (eps = 1e-12)
        np.testing.assert_allclose(eff.out_mean, y.mean(-1).numpy(), **TOL)  # after gamma and beta
        np.testing.assert_allclose(eff.out_std, y.std(-1, unbiased=False).numpy(), **TOL)
        np.testing.assert_allclose(eff.out_norm, y.norm(dim=-1).numpy(), **TOL)
        # the honest part: the output is NOT mean 0 / std 1 once gamma and beta are applied
        assert np.abs(eff.out_std - 1).max() > 0.1
        assert eff.gamma.shape == eff.beta.shape == (384,)
    # LayerNorm resets the scale: the output norms vary far less than the input norms
    ln2 = r.layer_norm("ln2")
    assert ln2.out_norm.std() / ln2.out_norm.mean() < ln2.in_norm.std() / ln2.in_norm.mean()


def test_residual_and_gelu_measures(minilm):
    r = lab.run(minilm, TEXT, layer=2, max_tokens=128)
    w = hand(minilm, TEXT, 2)
    b = minilm.model.blocks[2]
    cos = lambda a, c: F.cosine_similarity(a, c, dim=-1).numpy()  # noqa: E731
    ln = lambda t, m: F.layer_norm(t, (384,), m.weight.detach().double(), m.bias.detach().double(), m.eps)  # noqa: E731
    np.testing.assert_allclose(r.attn_ratio, (w["attn_out"].norm(dim=-1) / w["x_in"].norm(dim=-1)).numpy(), **TOL)
    np.testing.assert_allclose(r.ffn_ratio, (w["ffn_down"].norm(dim=-1) / w["ln1"].norm(dim=-1)).numpy(), **TOL)
    np.testing.assert_allclose(r.cos_attn, cos(w["x_in"], w["ln1"]), **TOL)
    np.testing.assert_allclose(r.cos_attn_no_residual, cos(w["x_in"], ln(w["attn_out"], b.ln1)), **TOL)
    np.testing.assert_allclose(r.cos_ffn, cos(w["ln1"], w["ln2"]), **TOL)
    np.testing.assert_allclose(r.cos_ffn_no_residual, cos(w["ln1"], ln(w["ffn_down"], b.ln2)), **TOL)
    np.testing.assert_allclose(r.cos_block, cos(w["x_in"], w["ln2"]), **TOL)
    # what the residual does, measured: the token stays close to itself only with it
    assert r.cos_attn.mean() > r.cos_attn_no_residual.mean() + 0.2
    assert r.cos_ffn.mean() > r.cos_ffn_no_residual.mean() + 0.2
    assert r.gelu_negative == pytest.approx((w["ffn_up"] < 0).double().mean().item(), abs=1e-3)
    assert r.gelu_small == pytest.approx((w["gelu"].abs() < lab.GELU_SMALL).double().mean().item(), abs=1e-3)
    assert lab.gelu_minimum() - 1e-6 <= r.gelu_min < 0
    assert 0.3 < r.gelu_negative < 0.99  # most pre-activations are negative, not all


def test_inputs_out_of_range_and_odd_text(minilm):
    for bad in (6, -1, True, 1.5, None):  # a whole float (1.0) counts as 1, as in every lab (limits.IntRange)
        with pytest.raises(ValueError, match="layer"):
            lab.run(minilm, TEXT, layer=bad, max_tokens=128)
    for bad in (12, -1):
        with pytest.raises(ValueError, match="head"):
            lab.run(minilm, TEXT, layer=0, max_tokens=128, head=bad)
    for bad in (1, limits.ENCODER_TOKENS + 1):
        with pytest.raises(ValueError, match="max_tokens"):
            lab.run(minilm, TEXT, layer=0, max_tokens=bad)
    r = lab.run(minilm, "", layer=0, max_tokens=128)  # [CLS] [SEP] only
    assert r.pieces == ("[CLS]", "[SEP]") and r.dims["T"] == 2
    assert all(np.isfinite([s.mean, s.std, s.min, s.max]).all() for s in r.steps)
    r = lab.run(minilm, "word " * 1000, layer=1, max_tokens=20)
    assert r.truncated and r.n_total > 20 and r.step("weights").shape == (12, 20, 20)
    assert r.step("weights").sample.shape == (20, 20)
    r = lab.run(minilm, "x" * (limits.ENCODER_TEXT_CHARS + 5), layer=1, max_tokens=128)
    assert r.truncated
    r = lab.run(minilm, "<b>hi</b> 🙂 注意力", layer=1, max_tokens=128)  # HTML, emoji, CJK: tokens, no error
    assert "[UNK]" in r.pieces and np.isfinite(r.cos_block).all()
