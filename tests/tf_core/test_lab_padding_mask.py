"""tf_core.lab.padding_mask on the real encoders: masked padding changes nothing, unmasked padding does;
the weights against Hugging Face's BertModel; the fully masked row; the mask conventions; odd input.

Tolerance, measured: with the mask, real tokens' last hidden states in the padded batch differ from
the sentence run alone by 0 to 2.5e-6 (float32, CPU; MiniLM and e5, 0 to 64 extra pads): sums over a
different number of keys round differently. We allow 1e-5. Without the mask they differ by 0.45 to
1.9; we require > 0.1 wherever a sentence has padding."""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.attention import scaled_dot_product_attention
from tf_core.lab import padding_mask as lab
from tf_core.masks import padding_mask

TOL_MASKED = 1e-5
MIN_UNMASKED = 0.1
SENTENCES = {
    "minilm": ["Hi.", "The cat sat on the mat because it was tired.", "Padding only makes the batch rectangular."],
    "e5": ["你好。", "猫坐在垫子上，因为它累了。", "填充只是为了让批次变成矩形。"],
}


@pytest.fixture(params=["minilm", "e5"])
def encoder(request):
    return request.getfixturevalue({"minilm": "minilm", "e5": "e5_encoder"}[request.param])


@pytest.mark.parametrize("extra_pad", [0, 8, 64])
def test_masked_padding_changes_nothing_unmasked_padding_does(encoder, extra_pad):
    r = lab.run(encoder, SENTENCES[encoder.key], extra_pad=extra_pad, layer=1, head=2)
    B = len(SENTENCES[encoder.key])
    assert r.lengths.shape == r.diff_masked.shape == r.diff_unmasked.shape == (B,)
    assert r.batch_len == r.lengths.max() + extra_pad
    assert r.diff_masked.max() < TOL_MASKED, r.diff_masked
    padded = r.lengths < r.batch_len
    assert padded.any() and (padded.all() or extra_pad == 0)
    assert (r.diff_unmasked[padded] > MIN_UNMASKED).all(), r.diff_unmasked
    # a row without padding is the same batch row either way
    assert (r.diff_unmasked[~padded] < TOL_MASKED).all()
    assert r.index == int(np.argmin(r.lengths)) and r.n_pad[r.index] == r.n_pad.max()


def test_masks_and_weights(encoder):
    r = lab.run(encoder, SENTENCES[encoder.key], extra_pad=8, layer=2, head=5)
    B, T = len(r.lengths), r.batch_len
    assert r.mask.shape == (B, T) and r.mask.dtype == bool
    np.testing.assert_array_equal(r.mask.sum(-1), r.lengths)
    assert r.mask[np.arange(B), r.lengths - 1].all() and not r.mask[np.arange(B), r.lengths].any()
    assert r.key_mask.shape == (B, T, T)
    np.testing.assert_array_equal(r.key_mask, np.broadcast_to(r.mask[:, None, :], (B, T, T)))
    assert r.pad_fraction == pytest.approx(1 - r.lengths.sum() / (B * T))

    n = int(r.lengths[r.index])
    for w in (r.weights_masked, r.weights_unmasked):
        assert w.shape == (T, T)
        np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)
    assert (r.weights_masked[:, n:] == 0).all()  # exactly zero: exp(-inf) = 0
    assert (r.weights_unmasked[:n, n:] > 0).all()
    assert r.pad_mass == pytest.approx(float(r.weights_unmasked[:n, n:].sum(-1).mean()), abs=1e-6)
    L, H = encoder.model.cfg.n_layers, encoder.model.cfg.n_heads
    assert r.pad_mass_layers.shape == (L, H) and r.pad_mass_layers[2, 5] == pytest.approx(r.pad_mass)
    assert 0 < r.pad_mass_layers.min() and r.pad_mass_layers.max() < 1
    assert len(r.padded_pieces(r.index)) == T and r.padded_pieces(r.index)[-1] == r.pad_piece
    assert r.pad_piece == {"minilm": "[PAD]", "e5": "<pad>"}[encoder.key]
    assert r.pad_id == encoder.model.cfg.pad_token_id


def test_weights_equal_bert_model_with_and_without_attention_mask(minilm):
    """The reference: transformers' BertModel (eager attention) on the same padded batch, given the
    attention mask (1 = attend, as ours) and given none (every pad attended)."""
    pytest.importorskip("transformers")
    from hf_references import hf_reference

    hf = hf_reference(minilm)
    r = lab.run(minilm, SENTENCES["minilm"], extra_pad=5, layer=3, head=7)
    toks, _ = lab.tokenize_all(minilm, SENTENCES["minilm"], limits.ENCODER_TOKENS)
    ids, mask = lab.pad_batch(toks, minilm.model.cfg.pad_token_id, r.batch_len)
    with torch.inference_mode():
        ref_m = hf(ids, attention_mask=mask.long(), output_attentions=True)
        ref_u = hf(ids, output_attentions=True)
    np.testing.assert_allclose(r.weights_masked, ref_m.attentions[3][r.index, 7].numpy(), atol=1e-5)
    np.testing.assert_allclose(r.weights_unmasked, ref_u.attentions[3][r.index, 7].numpy(), atol=1e-5)
    # and the real tokens' outputs: masked batch = BertModel's masked batch = each sentence alone
    ours = minilm.model(ids, mask, need_weights=False).last_hidden_state
    for b, t in enumerate(toks):
        n = len(t)
        assert (ours[b, :n] - ref_m.last_hidden_state[b, :n]).abs().max() < 1e-4


def test_the_three_mask_conventions_agree_after_conversion():
    """Ours (True = may attend) into PyTorch's SDPA as is; into nn.MultiheadAttention's
    key_padding_mask inverted (True = ignore); into the notes' additive -1e9 form."""
    g = torch.Generator().manual_seed(0)
    B, T, D = 3, 7, 8
    x = torch.randn(B, T, D, generator=g)
    lengths = torch.tensor([7, 4, 1])
    keep = padding_mask(lengths, T)  # (B, 1, 1, T)
    mha = torch.nn.MultiheadAttention(D, 1, batch_first=True, bias=False)
    with torch.no_grad():
        want, _ = mha(x, x, x, key_padding_mask=~keep[:, 0, 0])  # True = ignore
        w_q, w_k, w_v = mha.in_proj_weight.chunk(3)
        q, k, v = (F.linear(x, w)[:, None] for w in (w_q, w_k, w_v))  # (B, 1, T, D)
        sdpa = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
        scores = q @ k.transpose(-2, -1) / math.sqrt(D) + (~keep).float() * lab.NEG_1E9  # the notes' form
        notes = torch.softmax(scores, -1) @ v
        core = scaled_dot_product_attention(q, k, v, mask=keep).output
    for got in (sdpa, notes, core):
        torch.testing.assert_close(mha.out_proj(got[:, 0]), want)


def test_fully_masked_row_from_the_model(encoder):
    r = lab.run(encoder, SENTENCES[encoder.key], extra_pad=8)
    d = r.row
    k = len(d.scores)
    assert d.from_padding and k == lab.DEMO_KEYS
    assert np.isnan(d.neg_inf).all()
    np.testing.assert_allclose(d.neg_1e9, 1.0 / k, rtol=1e-6)  # uniform over the pads, not zero
    np.testing.assert_allclose(d.finite_min, 1.0 / k, rtol=1e-6)
    assert (d.core == 0).all() and d.core_out_max == 0.0
    assert d.sdpa_out_max == 0.0  # PyTorch's fused kernel also gives zeros (>= 2.5)
    assert d.nan_spreads  # 0 x NaN = NaN: a NaN pad row would reach real tokens in the next layer
    assert d.fill_diff == 0.0  # with a real key in the row, -1e9, finfo.min and -inf give the same weights
    # the words the card fills in follow these measurements
    assert [lab.outcome(v) for _, v in d.table[1:]] == ["nan", "uniform", "uniform", "zeros"]
    assert [name for name, _ in d.table] == ["scores", "neg_inf", "neg_1e9", "finite_min", "core"]
    assert d.outcomes == {"neg_inf": ("nan", pytest.approx(np.nan, nan_ok=True)), "core": ("zeros", 0.0),
                          "sdpa": ("zeros", 0.0)}
    assert r.dtype == "float32" and r.device.type == next(encoder.model.parameters()).device.type


def test_outcome_words():
    assert lab.outcome([]) == "zeros" and lab.outcome([np.nan, 0.0]) == "other"
    assert lab.outcome(np.full(3, 1 / 3)) == "uniform" and lab.outcome([0.2, 0.8]) == "other"
    row = lab.RowDemo(*(np.zeros(2),) * 5, core_out_max=0.0, sdpa_out_max=float("nan"), nan_spreads=True,
                      fill_diff=0.0, from_padding=True)
    assert row.outcomes["sdpa"][0] == "nan" and row.outcomes["core"] == ("zeros", 0.0)
    assert replace(row, sdpa_out_max=-0.5).outcomes["sdpa"] == ("other", 0.5)
    assert replace(row, core_out_max=0.5).outcomes["core"] == ("other", 0.5)
    assert replace(row, neg_inf=np.full(2, 0.5)).outcomes["neg_inf"] == ("uniform", 0.5)


def test_rounding_verdict_against_torch_testing(minilm):
    """close_masked is torch.testing.assert_close's own verdict (its default tolerances for the dtype):
    the masked batch passes it against each sentence alone, the unmasked batch fails it."""
    from torch.testing._comparison import default_tolerances

    for dtype, tol in lab.ROUNDING_TOL.items():
        assert tol == default_tolerances(torch.zeros(1, dtype=dtype))
    sentences = SENTENCES["minilm"]
    r = lab.run(minilm, sentences, extra_pad=8)
    toks, _ = lab.tokenize_all(minilm, sentences, limits.ENCODER_TOKENS)
    ids, mask = lab.pad_batch(toks, minilm.model.cfg.pad_token_id, r.batch_len)
    with torch.inference_mode():
        masked = minilm.model(ids, mask, need_weights=False).last_hidden_state
        unmasked = minilm.model(ids, None, need_weights=False).last_hidden_state
        for b, t in enumerate(toks):
            alone = minilm.run(t, need_weights=False).last_hidden_state[0]
            torch.testing.assert_close(masked[b, :len(t)], alone)
            with pytest.raises(AssertionError):
                torch.testing.assert_close(unmasked[b, :len(t)], alone)
    assert r.close_masked.all() and r.masked_verdict in ("exact", "rounding")
    assert (r.masked_verdict == "exact") == (r.diff_masked.max() == 0)
    assert replace(r, diff_masked=np.zeros(len(sentences))).masked_verdict == "exact"
    assert replace(r, diff_masked=np.ones(len(sentences)), close_masked=~r.close_masked).masked_verdict == "beyond"


def test_fully_masked_row_by_hand():
    q = torch.tensor([1.0, 0.0])
    k = torch.tensor([[2.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    v = torch.tensor([[1.0], [2.0], [3.0]])
    scores, neg_inf, neg_1e9, fmin, core, core_out, sdpa_out = lab.fully_masked_row(q, k, v)
    np.testing.assert_allclose(scores, np.array([2.0, 0.0, -1.0]) / math.sqrt(2), rtol=1e-6)
    assert np.isnan(neg_inf).all()
    np.testing.assert_allclose(neg_1e9, [1 / 3] * 3, rtol=1e-6)
    np.testing.assert_allclose(fmin, [1 / 3] * 3, rtol=1e-6)
    assert (core == 0).all() and core_out == 0.0 and sdpa_out == 0.0
    # float64 keeps the differences: adding -1e9 then only shifts the row, softmax is unchanged (still not 0)
    s64 = torch.tensor([2.0, 0.0, -1.0], dtype=torch.float64)
    torch.testing.assert_close(torch.softmax(s64 + lab.NEG_1E9, -1), torch.softmax(s64, -1))
    # and in float16 the notes' masked_fill(-1e9) does not even run: -1e9 is out of range (max 65504)
    with pytest.raises(RuntimeError):
        torch.zeros(3, dtype=torch.float16).masked_fill(torch.tensor([True, False, True]), lab.NEG_1E9)


def test_odd_input_gives_a_result(minilm, e5_encoder):
    odd = ["", "🙂🚀 <b>bold</b> <script>x</script> \x07\x00\u200b", "word " * 2000]
    for enc in (minilm, e5_encoder):
        r = lab.run(enc, odd, max_tokens=32, extra_pad=0)
        assert r.truncated.tolist() == [False, False, True]
        assert r.n_total[2] > 32 and r.lengths[2] == 32 and r.batch_len == 32
        assert r.pieces[2][-1] in ("[SEP]", "</s>")  # the closing token is kept
        assert r.index == 0 and r.diff_masked.max() < TOL_MASKED
        assert np.isfinite(r.weights_masked).all() and np.isfinite(r.weights_unmasked).all()
    one = lab.run(minilm, ["Only one."], extra_pad=0)
    assert one.batch_len == one.lengths[0] and one.pad_fraction == 0.0
    assert not one.row.from_padding and one.row.nan_spreads and one.pad_mass == 0.0
    assert one.diff_masked[0] == one.diff_unmasked[0] == 0.0
    chars = lab.run(minilm, ["x" * (limits.ENCODER_TEXT_CHARS + 1)], max_tokens=128, extra_pad=0)
    assert chars.truncated[0]


def test_split_sentences():
    assert lab.split_sentences("") == (("",), False)
    assert lab.split_sentences(None) == (("",), False)
    assert lab.split_sentences(" a \n\n\tb\r\n") == (("a", "b"), False)
    many = "\n".join(str(i) for i in range(limits.PAD_SENTENCES.hi + 2))
    got, cut = lab.split_sentences(many)
    assert cut and len(got) == limits.PAD_SENTENCES.hi


def test_limits_are_enforced(minilm):
    with pytest.raises(ValueError):
        lab.run(minilm, [])
    with pytest.raises(ValueError):
        lab.run(minilm, ["a"] * (limits.PAD_SENTENCES.hi + 1))
    with pytest.raises(ValueError):
        lab.run(minilm, ["a"], extra_pad=limits.PAD_EXTRA.hi + 1)
    with pytest.raises(ValueError):
        lab.run(minilm, ["a"], layer=6)
    with pytest.raises(ValueError):
        lab.run(minilm, ["a"], head=12)
    with pytest.raises(ValueError):
        lab.run(minilm, ["a", "b"], index=2)
    with pytest.raises(ValueError):
        lab.run(minilm, ["a"], max_tokens=limits.ENCODER_TOKENS + 1)
