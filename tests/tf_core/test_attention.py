"""Tests for tf_core.attention against PyTorch's own attention (the references).

References used:
  * ``torch.nn.functional.scaled_dot_product_attention`` (SDPA) for outputs and gradients;
  * a hand-written masked softmax (``_ref_weights``) for the weights the app draws;
  * ``torch.nn.MultiheadAttention`` for the multi-head layer.
Everything runs in float64 so the tolerances below can be tight; each is stated where defined.
"""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from tf_core.attention import (
    AttentionOutput,
    MultiHeadParams,
    merge_heads,
    multi_head_attention,
    scaled_dot_product_attention,
    split_heads,
)
from tf_core.masks import causal_mask, combine_masks, padding_mask, to_blocked

DTYPE = torch.float64
# float64 has eps ~2.2e-16; sums over at most ~100 terms stay far below 1e-12 relative error.
RTOL = 1e-10
ATOL = 1e-12

# (B, H, n_q, n_k, d_k, d_v): degenerate, small odd, large odd queries, long key side.
SHAPES = [
    (1, 1, 1, 1, 1, 1),
    (2, 3, 7, 5, 8, 8),
    (1, 2, 97, 13, 7, 7),
    (3, 1, 5, 97, 16, 3),
]
SHAPE_IDS = ["B1H1q1k1d1", "B2H3q7k5d8", "B1H2q97k13d7", "B3H1q5k97d16v3"]
MASK_KINDS = ["none", "causal", "padding", "random_with_empty_rows"]


# --------------------------------------------------------------------------- helpers / references


def _gen(*key: int) -> torch.Generator:
    """A generator seeded from the test's parameters, so every case draws different data."""
    seed = 0
    for x in key:
        seed = seed * 1_000_003 + int(x)
    return torch.Generator().manual_seed(seed % (2**63))


def _qkv(B, H, n_q, n_k, d_k, d_v, g, requires_grad=False):
    q = torch.randn(B, H, n_q, d_k, generator=g, dtype=DTYPE)
    k = torch.randn(B, H, n_k, d_k, generator=g, dtype=DTYPE)
    v = torch.randn(B, H, n_k, d_v, generator=g, dtype=DTYPE)
    return [t.requires_grad_(requires_grad) for t in (q, k, v)]


def _ref_padding(lengths: list[int], max_len: int) -> torch.Tensor:
    """Reference (B, 1, 1, max_len) key-padding mask built by loops: True = real token."""
    keep = torch.zeros(len(lengths), 1, 1, max_len, dtype=torch.bool)
    for b, length in enumerate(lengths):
        for j in range(length):
            keep[b, 0, 0, j] = True
    return keep


def _make_mask(kind: str, B, H, n_q, n_k, g) -> torch.Tensor | None:
    if kind == "none":
        return None
    if kind == "causal":  # (n_q, n_k); for n_k < n_q the first queries see no key at all
        return causal_mask(n_q, n_k)
    if kind == "padding":  # (B, 1, 1, n_k); every length >= 1 so no row is empty
        lengths = torch.randint(1, n_k + 1, (B,), generator=g).tolist()
        return _ref_padding(lengths, n_k)
    if kind == "random_with_empty_rows":  # full (B, H, n_q, n_k) with forced empty rows
        m = torch.rand(B, H, n_q, n_k, generator=g) < 0.6
        m[0, 0, 0, :] = False  # at least one query with no key
        if n_q > 2:
            m[-1, -1, n_q // 2, :] = False
        return m
    raise AssertionError(kind)


def _ref_weights(q, k, mask, scale) -> torch.Tensor:
    """softmax(q k^T * scale) written with exp and sum over the allowed keys only.

    A row with no allowed key gets all-zero weights (the documented tf_core/SDPA convention).
    """
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    scores = (q @ k.transpose(-2, -1)) * scale
    allowed = torch.ones_like(scores, dtype=torch.bool) if mask is None else mask.expand_as(scores)
    neg_inf = torch.full_like(scores, float("-inf"))
    row_max = torch.where(allowed, scores, neg_inf).amax(dim=-1, keepdim=True)
    row_max = torch.where(torch.isfinite(row_max), row_max, torch.zeros_like(row_max))
    e = torch.where(allowed, torch.exp(scores - row_max), torch.zeros_like(scores))
    denom = e.sum(dim=-1, keepdim=True)
    return torch.where(denom > 0, e / torch.where(denom > 0, denom, torch.ones_like(denom)), e)


def _empty_rows(mask, shape) -> torch.Tensor:
    """(…, n_q) booleans: True where a query has no key it may attend to."""
    if mask is None:
        return torch.zeros(shape[:-1], dtype=torch.bool)
    return ~mask.expand(shape).any(dim=-1)


# --------------------------------------------------------------------------- explicit path vs SDPA


@pytest.mark.parametrize("scale", [None, 1.0, 0.3], ids=["scale_default", "scale_1", "scale_0.3"])
@pytest.mark.parametrize("kind", MASK_KINDS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_explicit_path_matches_sdpa_and_reference(shape, kind, scale):
    B, H, n_q, n_k, d_k, d_v = shape
    g = _gen(*shape, MASK_KINDS.index(kind), 0 if scale is None else int(scale * 10))
    q, k, v = _qkv(*shape, g)
    mask = _make_mask(kind, B, H, n_q, n_k, g)

    res = scaled_dot_product_attention(q, k, v, mask=mask, scale=scale)
    assert isinstance(res, AttentionOutput)
    assert res.output.shape == (B, H, n_q, d_v)
    assert res.weights.shape == (B, H, n_q, n_k)
    assert not torch.isnan(res.output).any() and not torch.isnan(res.weights).any()

    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
    torch.testing.assert_close(res.output, expected, rtol=RTOL, atol=ATOL)

    # weights against the hand-written softmax, and the attention identity output = weights @ v
    ref_w = _ref_weights(q, k, mask, scale)
    torch.testing.assert_close(res.weights, ref_w, rtol=RTOL, atol=ATOL)
    torch.testing.assert_close(res.output, ref_w @ v, rtol=RTOL, atol=ATOL)

    # rows sum to 1, or exactly 0 (weights and output) for a query with no key
    empty = _empty_rows(mask, res.weights.shape)
    row_sums = res.weights.sum(dim=-1)
    torch.testing.assert_close(row_sums, (~empty).to(DTYPE), rtol=0, atol=1e-12)
    assert (res.weights[empty] == 0).all()
    assert (res.output[empty] == 0).all()
    assert (res.weights >= 0).all()
    if mask is not None:  # no weight ever lands on a masked key
        assert (res.weights[~mask.expand_as(res.weights)] == 0).all()


def test_random_mask_case_really_has_empty_rows():
    """Guard for the test above: the 'random_with_empty_rows' masks do contain empty rows."""
    for shape in SHAPES:
        B, H, n_q, n_k, _, _ = shape
        m = _make_mask("random_with_empty_rows", B, H, n_q, n_k, _gen(*shape))
        assert (~m.any(dim=-1)).any()


def test_default_scale_is_inverse_sqrt_dk():
    g = _gen(11)
    q, k, v = _qkv(2, 2, 7, 5, 9, 4, g)
    default = scaled_dot_product_attention(q, k, v)
    explicit = scaled_dot_product_attention(q, k, v, scale=1 / 3)  # 1/sqrt(9)
    torch.testing.assert_close(default.weights, explicit.weights, rtol=0, atol=0)
    unscaled = scaled_dot_product_attention(q, k, v, scale=1.0)
    assert not torch.allclose(default.weights, unscaled.weights)


def test_explicit_path_with_tf_core_padding_mask():
    """Same as the 'padding' case above, with the mask built by tf_core.masks.padding_mask."""
    g = _gen(12)
    B, H, n_q, n_k = 3, 2, 7, 13
    q, k, v = _qkv(B, H, n_q, n_k, 8, 5, g)
    lengths = [13, 1, 6]
    mask = padding_mask(lengths)
    assert mask.shape == (B, 1, 1, n_k)
    res = scaled_dot_product_attention(q, k, v, mask=mask)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    torch.testing.assert_close(res.output, expected, rtol=RTOL, atol=ATOL)
    torch.testing.assert_close(res.weights, _ref_weights(q, k, mask, None), rtol=RTOL, atol=ATOL)


# --------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("kind", MASK_KINDS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_gradients_match_sdpa(shape, kind):
    B, H, n_q, n_k, d_k, d_v = shape
    g = _gen(*shape, MASK_KINDS.index(kind), 7)
    q, k, v = _qkv(*shape, g, requires_grad=True)
    mask = _make_mask(kind, B, H, n_q, n_k, g)
    upstream = torch.randn(B, H, n_q, d_v, generator=g, dtype=DTYPE)

    ours = scaled_dot_product_attention(q, k, v, mask=mask).output
    grads = torch.autograd.grad(ours, (q, k, v), upstream)
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    ref_grads = torch.autograd.grad(ref, (q, k, v), upstream)

    for name, got, want in zip("qkv", grads, ref_grads):
        assert torch.isfinite(got).all(), f"non-finite grad for {name}"
        torch.testing.assert_close(got, want, rtol=RTOL, atol=ATOL, msg=f"grad {name}")
    # a query with no key has a constant (zero) output: its gradient is exactly 0
    empty = _empty_rows(mask, (B, H, n_q, n_k))
    assert (grads[0][empty] == 0).all()


def test_gradcheck_with_an_empty_row():
    """Finite differences agree with autograd, including through a fully masked row."""
    g = _gen(13)
    q, k, v = _qkv(1, 2, 4, 3, 3, 2, g, requires_grad=True)
    mask = torch.rand(1, 2, 4, 3, generator=g) < 0.6
    mask[0, 0, 1] = False
    mask[0, 1, 2] = torch.tensor([True, False, True])

    def f(q, k, v):
        res = scaled_dot_product_attention(q, k, v, mask=mask)
        return res.output, res.weights

    assert torch.autograd.gradcheck(f, (q, k, v), eps=1e-6, atol=1e-8, rtol=1e-6)


# --------------------------------------------------------------------------- fast path, errors


@pytest.mark.parametrize("kind", MASK_KINDS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_need_weights_false_gives_same_output(shape, kind):
    B, H, n_q, n_k, d_k, d_v = shape
    g = _gen(*shape, MASK_KINDS.index(kind), 3)
    q, k, v = _qkv(*shape, g)
    mask = _make_mask(kind, B, H, n_q, n_k, g)
    slow = scaled_dot_product_attention(q, k, v, mask=mask, scale=0.7, need_weights=True)
    fast = scaled_dot_product_attention(q, k, v, mask=mask, scale=0.7, need_weights=False)
    assert fast.weights is None
    assert not torch.isnan(fast.output).any()
    torch.testing.assert_close(fast.output, slow.output, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize(
    "bad_mask",
    [torch.zeros(3, 4), torch.ones(3, 4, dtype=torch.long), torch.ones(3, 4, dtype=torch.uint8)],
    ids=["float_additive", "long", "uint8"],
)
def test_non_bool_mask_raises_type_error(bad_mask, need_weights):
    q, k, v = torch.randn(1, 1, 3, 2), torch.randn(1, 1, 4, 2), torch.randn(1, 1, 4, 2)
    with pytest.raises(TypeError, match="boolean"):
        scaled_dot_product_attention(q, k, v, mask=bad_mask, need_weights=need_weights)


@pytest.mark.parametrize("need_weights", [True, False])
def test_mismatched_dk_raises_value_error(need_weights):
    q, k, v = torch.randn(1, 1, 3, 5), torch.randn(1, 1, 4, 4), torch.randn(1, 1, 4, 4)
    with pytest.raises(ValueError, match="d_k"):
        scaled_dot_product_attention(q, k, v, need_weights=need_weights)


def test_mismatched_key_count_raises_value_error():
    q, k, v = torch.randn(1, 1, 3, 4), torch.randn(1, 1, 4, 4), torch.randn(1, 1, 5, 4)
    with pytest.raises(ValueError, match="keys"):
        scaled_dot_product_attention(q, k, v)


# --------------------------------------------------------------------------- split / merge heads


@pytest.mark.parametrize(
    "B,T,D,H", [(1, 1, 1, 1), (2, 7, 12, 3), (3, 97, 6, 6), (1, 5, 8, 1), (2, 1, 15, 5)]
)
def test_split_merge_heads(B, T, D, H):
    x = torch.randn(B, T, D, generator=_gen(B, T, D, H), dtype=DTYPE)
    heads = split_heads(x, H)
    Dh = D // H
    assert heads.shape == (B, H, T, Dh)
    for h in range(H):  # head h is the slice [h*Dh, (h+1)*Dh) of the model dimension
        torch.testing.assert_close(heads[:, h], x[..., h * Dh : (h + 1) * Dh], rtol=0, atol=0)
    merged = merge_heads(heads)
    assert merged.shape == (B, T, D)
    torch.testing.assert_close(merged, x, rtol=0, atol=0)
    # merge then split is the identity too
    torch.testing.assert_close(split_heads(merge_heads(heads), H), heads, rtol=0, atol=0)


@pytest.mark.parametrize("D,H", [(7, 2), (12, 5), (1, 2), (6, 4)])
def test_split_heads_rejects_indivisible(D, H):
    with pytest.raises(ValueError, match="divisible"):
        split_heads(torch.zeros(2, 3, D), H)


# --------------------------------------------------------------------------- multi-head attention

# (d_model, n_heads, B, n_q, n_k, self_attention)
MHA_CASES = [
    (12, 3, 2, 7, 7, True),
    (8, 1, 1, 1, 1, True),
    (6, 6, 3, 7, 7, True),
    (12, 3, 2, 1, 7, False),  # one query against seven keys (a decoding step)
    (12, 3, 2, 7, 5, False),  # cross-attention, n_k < n_q
    (10, 5, 1, 4, 97, False),
]
MHA_IDS = ["d12h3T7", "d8h1T1", "d6h6T7", "d12h3q1k7", "d12h3q7k5", "d10h5q4k97"]
MHA_MASKS = ["none", "causal", "key_padding", "causal+key_padding"]
# Causal masks with n_k < n_q leave the first queries with no key; nn.MultiheadAttention returns
# NaN there (our convention is 0, tested against SDPA above), so those combinations are left out.
MHA_PARAMS = [
    pytest.param(case, kind, id=f"{cid}-{kind}")
    for case, cid in zip(MHA_CASES, MHA_IDS)
    for kind in MHA_MASKS
    if not ("causal" in kind and case[4] < case[3])
]


def _mha_module(d, h, seed) -> torch.nn.MultiheadAttention:
    torch.manual_seed(seed)
    mha = torch.nn.MultiheadAttention(d, h, batch_first=True, bias=True, dtype=DTYPE).eval()
    with torch.no_grad():  # the biases start at 0: randomise them so they are tested at all
        mha.in_proj_bias.normal_()
        mha.out_proj.bias.normal_()
    return mha


def _params_from(mha: torch.nn.MultiheadAttention) -> MultiHeadParams:
    """Views of the module's own parameters (gradients flow back into them)."""
    w_q, w_k, w_v = mha.in_proj_weight.chunk(3, dim=0)
    b_q, b_k, b_v = mha.in_proj_bias.chunk(3, dim=0)
    return MultiHeadParams(
        w_q=w_q, w_k=w_k, w_v=w_v, w_o=mha.out_proj.weight,
        b_q=b_q, b_k=b_k, b_v=b_v, b_o=mha.out_proj.bias,
    )  # fmt: skip


def _mha_masks(kind, B, n_q, n_k, g):
    """Our mask (True = may attend) and nn.MultiheadAttention's (attn_mask, key_padding_mask)."""
    causal = pad = None
    if "causal" in kind:
        causal = causal_mask(n_q, n_k)  # (n_q, n_k)
    if "key_padding" in kind:
        lengths = torch.randint(1, n_k + 1, (B,), generator=g).tolist()
        lengths[0] = n_k  # one full-length sequence
        pad = _ref_padding(lengths, n_k)  # (B, 1, 1, n_k)
    ours = combine_masks(causal, pad)
    attn_mask = None if causal is None else to_blocked(causal)
    key_padding_mask = None if pad is None else to_blocked(pad)[:, 0, 0, :]  # (B, n_k)
    return ours, attn_mask, key_padding_mask


@pytest.mark.parametrize("case,kind", MHA_PARAMS)
def test_multi_head_attention_matches_nn_module(case, kind):
    d, h, B, n_q, n_k, self_att = case
    seed = sum(case[:5]) * 10 + MHA_MASKS.index(kind)
    g = _gen(seed)
    mha = _mha_module(d, h, seed)
    x_q = torch.randn(B, n_q, d, generator=g, dtype=DTYPE, requires_grad=True)
    x_kv = x_q if self_att else torch.randn(B, n_k, d, generator=g, dtype=DTYPE, requires_grad=True)
    ours_mask, attn_mask, kpm = _mha_masks(kind, B, n_q, n_k, g)
    upstream = torch.randn(B, n_q, d, generator=g, dtype=DTYPE)

    ours = multi_head_attention(x_q, x_kv, _params_from(mha), n_heads=h, mask=ours_mask)
    ref_out, ref_w = mha(
        x_q, x_kv, x_kv, attn_mask=attn_mask, key_padding_mask=kpm,
        need_weights=True, average_attn_weights=False,
    )  # fmt: skip
    assert ours.output.shape == (B, n_q, d)
    assert ours.weights.shape == (B, h, n_q, n_k)
    torch.testing.assert_close(ours.output, ref_out, rtol=RTOL, atol=ATOL)
    torch.testing.assert_close(ours.weights, ref_w, rtol=RTOL, atol=ATOL)

    # gradients w.r.t. the inputs and every parameter, same upstream gradient
    wrt = [x_q] + ([] if self_att else [x_kv]) + list(mha.parameters())
    got = torch.autograd.grad(ours.output, wrt, upstream)
    want = torch.autograd.grad(ref_out, wrt, upstream)
    for i, (a, b) in enumerate(zip(got, want)):
        torch.testing.assert_close(a, b, rtol=RTOL, atol=ATOL, msg=f"grad #{i}")

    # the fast path gives the same output and no weights
    fast = multi_head_attention(x_q, x_kv, _params_from(mha), n_heads=h, mask=ours_mask, need_weights=False)
    assert fast.weights is None
    torch.testing.assert_close(fast.output, ours.output, rtol=RTOL, atol=ATOL)


def test_multi_head_attention_without_biases():
    """Biases default to None: the layer is then purely linear maps around attention."""
    d, h = 12, 4
    torch.manual_seed(5)
    mha = torch.nn.MultiheadAttention(d, h, batch_first=True, bias=False, dtype=DTYPE).eval()
    w_q, w_k, w_v = mha.in_proj_weight.chunk(3, dim=0)
    params = MultiHeadParams(w_q=w_q, w_k=w_k, w_v=w_v, w_o=mha.out_proj.weight)
    x = torch.randn(2, 7, d, generator=_gen(5), dtype=DTYPE)
    ours = multi_head_attention(x, x, params, n_heads=h)
    ref_out, ref_w = mha(x, x, x, need_weights=True, average_attn_weights=False)
    torch.testing.assert_close(ours.output, ref_out, rtol=RTOL, atol=ATOL)
    torch.testing.assert_close(ours.weights, ref_w, rtol=RTOL, atol=ATOL)


def test_multi_head_attention_rejects_indivisible_heads():
    d = 12
    w = torch.eye(d)
    params = MultiHeadParams(w_q=w, w_k=w, w_v=w, w_o=w)
    with pytest.raises(ValueError, match="divisible"):
        multi_head_attention(torch.randn(1, 3, d), torch.randn(1, 3, d), params, n_heads=5)


# --------------------------------------------------------------------------- on the app's device


@pytest.mark.parametrize("kind", MASK_KINDS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_the_device_computes_what_the_cpu_computes(shape, kind):
    """On the device the app computes on (TF_CORE_DEVICE; scripts/gpu_check.sh sets cuda), the
    explicit path and PyTorch's SDPA give the CPU's float64 results, fully masked rows included.
    Skipped where that device is the CPU: the tests above are this test there."""
    from tf_core.device import get_device

    device = get_device()
    if device.type == "cpu":
        pytest.skip("the app's device is the CPU")
    B, H, n_q, n_k, d_k, d_v = shape
    g = _gen(*shape, MASK_KINDS.index(kind), 7)
    q, k, v = _qkv(*shape, g)
    mask = _make_mask(kind, B, H, n_q, n_k, g)
    on = lambda t: None if t is None else t.to(device)  # noqa: E731
    cpu = scaled_dot_product_attention(q, k, v, mask=mask)
    dev = scaled_dot_product_attention(on(q), on(k), on(v), mask=on(mask))
    torch.testing.assert_close(dev.output.cpu(), cpu.output, rtol=RTOL, atol=ATOL)
    torch.testing.assert_close(dev.weights.cpu(), cpu.weights, rtol=RTOL, atol=ATOL)
    fused = F.scaled_dot_product_attention(on(q), on(k), on(v), attn_mask=on(mask))
    torch.testing.assert_close(fused.cpu(), cpu.output, rtol=RTOL, atol=ATOL)
