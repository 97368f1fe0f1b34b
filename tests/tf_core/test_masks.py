"""Tests for tf_core.masks: every mask against a loop-built reference.

Convention under test: boolean, True = "this query may attend to this key".
"""
from __future__ import annotations

import pytest
import torch

from tf_core.attention import scaled_dot_product_attention
from tf_core.masks import causal_mask, combine_masks, padding_mask, to_additive, to_blocked


def _ref_causal(n_q: int, n_k: int) -> torch.Tensor:
    """Query i may see key j iff j <= i + (n_k - n_q): queries are the last n_q positions."""
    offset = n_k - n_q
    out = torch.zeros(n_q, n_k, dtype=torch.bool)
    for i in range(n_q):
        for j in range(n_k):
            out[i, j] = j <= i + offset
    return out


def _ref_padding(lengths: list[int], max_len: int) -> torch.Tensor:
    out = torch.zeros(len(lengths), 1, 1, max_len, dtype=torch.bool)
    for b, length in enumerate(lengths):
        for j in range(max_len):
            out[b, 0, 0, j] = j < length
    return out


# --------------------------------------------------------------------------- causal_mask


@pytest.mark.parametrize("n", [1, 2, 7, 97])
def test_causal_mask_square(n):
    m = causal_mask(n)
    assert m.dtype == torch.bool and m.shape == (n, n)
    assert torch.equal(m, _ref_causal(n, n))
    assert torch.equal(m, causal_mask(n, n))
    # query i sees exactly i + 1 keys
    assert m.sum(dim=-1).tolist() == list(range(1, n + 1))


@pytest.mark.parametrize("n_q,n_k", [(1, 1), (1, 7), (3, 7), (7, 97), (5, 6)])
def test_causal_mask_with_cache_is_aligned_at_the_end(n_q, n_k):
    m = causal_mask(n_q, n_k)
    assert m.shape == (n_q, n_k)
    assert torch.equal(m, _ref_causal(n_q, n_k))
    assert m[-1].all(), "the last query sees every key (all past keys plus itself)"
    # the first new query sees the cached keys plus itself
    assert int(m[0].sum()) == n_k - n_q + 1
    # equals the bottom-right block of the full square mask over all n_k positions
    assert torch.equal(m, causal_mask(n_k)[n_k - n_q :, :])


def test_causal_mask_fewer_keys_than_queries_leaves_early_queries_empty():
    m = causal_mask(5, 3)  # aligned at the end: queries 0 and 1 have no key
    assert torch.equal(m, _ref_causal(5, 3))
    assert m.any(dim=-1).tolist() == [False, False, True, True, True]


def test_causal_mask_empty_and_negative():
    assert causal_mask(0).shape == (0, 0)
    assert causal_mask(0, 4).shape == (0, 4)
    with pytest.raises(ValueError):
        causal_mask(-1)
    with pytest.raises(ValueError):
        causal_mask(3, -1)


# --------------------------------------------------------------------------- padding_mask


@pytest.mark.parametrize(
    "lengths,max_len",
    [([1], None), ([3, 1, 7], None), ([3, 1, 7], 9), ([0, 2], 4), ([97], None), ([5, 5], 5)],
)
def test_padding_mask_values(lengths, max_len):
    m = padding_mask(lengths, max_len)
    T = max(lengths) if max_len is None else max_len
    assert m.dtype == torch.bool
    assert m.shape == (len(lengths), 1, 1, T)
    assert torch.equal(m, _ref_padding(lengths, T))


def test_padding_mask_accepts_tensor_lengths():
    m = padding_mask(torch.tensor([2, 4]), 4)
    assert torch.equal(m, _ref_padding([2, 4], 4))


def test_padding_mask_no_sequences():
    assert padding_mask([], max_len=3).shape == (0, 1, 1, 3)
    assert padding_mask([]).shape == (0, 1, 1, 0)


def test_padding_mask_rejects_negative_lengths():
    with pytest.raises(ValueError, match="non-negative"):
        padding_mask([3, -1])


def test_padding_mask_rejects_2d_lengths():
    with pytest.raises(ValueError, match="1-D"):
        padding_mask([[1, 2], [3, 4]])


def test_padding_mask_rejects_max_len_too_short():
    with pytest.raises(ValueError, match="shorter"):
        padding_mask([3, 5], max_len=4)


# --------------------------------------------------------------------------- combine_masks


def test_combine_masks_none_handling():
    m = torch.tensor([[True, False], [True, True]])
    assert combine_masks() is None
    assert combine_masks(None) is None
    assert combine_masks(None, None) is None
    assert combine_masks(m) is m
    assert combine_masks(None, m, None) is m


def test_combine_masks_broadcasts_causal_and_padding():
    B, T = 3, 7
    causal = causal_mask(T)  # (T, T)
    lengths = [7, 1, 4]
    pad = _ref_padding(lengths, T)  # (B, 1, 1, T)
    m = combine_masks(causal, None, pad)
    assert m.shape == (B, 1, T, T)
    for b in range(B):
        for i in range(T):
            for j in range(T):
                assert bool(m[b, 0, i, j]) == (j <= i and j < lengths[b])


def test_combine_masks_is_and_of_all():
    g = torch.Generator().manual_seed(0)
    a, b, c = (torch.rand(2, 1, 5, 7, generator=g) < 0.7 for _ in range(3))
    c = c[:, :, :1, :]  # (2, 1, 1, 7) broadcasts over queries
    m = combine_masks(a, b, c)
    assert torch.equal(m, a & b & c.expand_as(a))
    # order does not matter
    assert torch.equal(m, combine_masks(c, None, b, a))


# --------------------------------------------------------------------------- to_additive / to_blocked


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_to_additive_values(dtype):
    m = causal_mask(4, 6)
    add = to_additive(m, dtype=dtype)
    assert add.dtype == dtype and add.shape == m.shape
    assert (add[m] == 0).all()
    assert torch.isneginf(add[~m]).all()


def test_to_additive_default_dtype_is_float32():
    assert to_additive(torch.ones(2, 2, dtype=torch.bool)).dtype == torch.float32


@pytest.mark.parametrize("n_q,n_k", [(1, 1), (7, 7), (5, 13), (97, 97)])
def test_additive_mask_softmax_equals_boolean_path(n_q, n_k):
    """softmax(scores + to_additive(mask)) == our boolean-masked weights (no empty rows)."""
    g = torch.Generator().manual_seed(n_q * 1000 + n_k)
    q = torch.randn(2, 3, n_q, 8, generator=g, dtype=torch.float64)
    k = torch.randn(2, 3, n_k, 8, generator=g, dtype=torch.float64)
    v = torch.randn(2, 3, n_k, 4, generator=g, dtype=torch.float64)
    mask = combine_masks(causal_mask(n_q, n_k), torch.rand(2, 3, n_q, n_k, generator=g) < 0.5)
    mask[..., 0] = True  # key 0 is causally visible to every query: no query is left without a key
    assert mask.any(dim=-1).all()
    scores = q @ k.transpose(-2, -1) / 8**0.5
    expected = torch.softmax(scores + to_additive(mask, dtype=torch.float64), dim=-1)
    got = scaled_dot_product_attention(q, k, v, mask=mask).weights
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-15)
    # and the float mask is accepted as-is by PyTorch's SDPA, giving the same output
    ref = torch.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=to_additive(mask, dtype=torch.float64)
    )
    torch.testing.assert_close(got @ v, ref, rtol=1e-10, atol=1e-12)


def test_to_blocked_is_negation():
    g = torch.Generator().manual_seed(1)
    m = torch.rand(2, 1, 7, 5, generator=g) < 0.5
    before = m.clone()
    blocked = to_blocked(m)
    assert blocked.dtype == torch.bool and blocked.shape == m.shape
    assert torch.equal(blocked, ~before)
    assert torch.equal(m, before), "to_blocked must not modify its input"
    assert torch.equal(to_blocked(blocked), m)
    assert torch.equal(to_blocked(causal_mask(3)), torch.ones(3, 3, dtype=torch.bool).triu(1))
