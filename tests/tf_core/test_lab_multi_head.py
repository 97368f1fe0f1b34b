"""tf_core.lab.multi_head: entropy and Jensen-Shannon against references, costs, the real MiniLM."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tf_core.lab import multi_head as lab

F64 = torch.float64


def test_entropy_matches_torch_distributions():
    g = torch.Generator().manual_seed(1)
    p = torch.softmax(torch.randn(5, 7, generator=g, dtype=F64) * 3, dim=-1)
    torch.testing.assert_close(lab.row_entropy(p), torch.distributions.Categorical(probs=p).entropy())
    one_hot = torch.tensor([[0.0, 1.0, 0.0]], dtype=F64)
    assert lab.row_entropy(one_hot).item() == 0.0


def test_head_distance_against_a_direct_formula():
    g = torch.Generator().manual_seed(2)
    att = torch.softmax(torch.randn(2, 3, 5, 5, generator=g, dtype=F64) * 2, dim=-1)  # (L, H, T, T)
    got = lab.head_distance(att)
    want = torch.zeros(2, 3, 3, dtype=F64)
    for layer in range(2):
        for a in range(3):
            for b in range(3):
                bc = (att[layer, a] * att[layer, b]).sqrt().sum(-1)  # (T,)
                want[layer, a, b] = (1 - bc).clamp_min(0).sqrt().mean()
    torch.testing.assert_close(got, want)
    assert torch.diagonal(got, dim1=1, dim2=2).abs().max() < 1e-7
    disjoint = torch.zeros(1, 2, 1, 2, dtype=F64)
    disjoint[0, 0, 0, 0] = 1.0
    disjoint[0, 1, 0, 1] = 1.0
    assert lab.head_distance(disjoint)[0, 0, 1].item() == pytest.approx(1.0)


@pytest.mark.parametrize("d, h, T", [(384, 12, 16), (384, 12, 128), (512, 8, 7), (64, 1, 3)])
def test_costs_of_h_heads_equal_one_wide_head(d, h, T):
    multi, single = lab.attention_costs(d, h, T), lab.attention_costs(d, 1, T)
    assert multi.params == single.params == 4 * d * d + 4 * d
    assert multi.flops_projections == single.flops_projections
    assert multi.flops_scores == single.flops_scores == 2 * T * T * d
    assert multi.flops_mix == single.flops_mix
    assert multi.exps == h * single.exps
    # the params match what nn.MultiheadAttention allocates for the same d, whatever h is
    mha = torch.nn.MultiheadAttention(d, h, bias=True)
    assert sum(p.numel() for p in mha.parameters()) == multi.params


def test_costs_reject_a_bad_split():
    with pytest.raises(ValueError):
        lab.attention_costs(384, 7, 4)


def test_real_heads_differ(minilm):
    r = lab.run(minilm, "The cat sat on the mat because it was tired.", max_tokens=128)
    L, H, T = 6, 12, len(r.pieces)
    assert r.attentions.shape == (L, H, T, T) and r.entropy.shape == (L, H) and r.distance.shape == (L, H, H)
    np.testing.assert_allclose(r.attentions.sum(-1), 1.0, atol=1e-5)
    assert (r.entropy >= 0).all() and (r.entropy <= r.max_entropy + 1e-9).all()
    assert np.allclose(np.diagonal(r.distance, axis1=1, axis2=2), 0.0, atol=1e-6)
    np.testing.assert_allclose(r.distance, np.swapaxes(r.distance, 1, 2), atol=1e-12)
    off = r.distance[:, ~np.eye(H, dtype=bool)]
    assert off.mean() > 0.2 and off.max() <= 1.0  # the heads really differ
    assert r.entropy.std() > 0.1  # some heads focus, some spread
    assert r.change is None
    # e^H counts keys: 1 for a one-hot row, T for a uniform one, and the real heads lie between
    one_hot, uniform = lab.row_entropy(torch.eye(T)).mean(), lab.row_entropy(torch.full((T,), 1 / T))
    assert math.exp(one_hot) == 1.0 and math.exp(uniform) == pytest.approx(T)
    assert (r.effective_keys >= 1).all() and (r.effective_keys <= T + 1e-6).all()
    np.testing.assert_allclose(np.log(r.effective_keys), r.entropy, rtol=1e-12)


def test_zeroing_a_head_changes_the_output_a_little(minilm):
    r = lab.run(minilm, "The cat sat on the mat because it was tired.", max_tokens=128, ablate=(3, 4))
    assert r.ablated == (3, 4) and r.change.shape == (len(r.pieces),)
    assert 0 < r.change.mean() < 0.5  # one head of 72 matters, but does not carry the model alone
    with pytest.raises(ValueError):
        lab.run(minilm, "x", max_tokens=16, ablate=(6, 0))


def test_auto_picks_the_head_with_the_least_weight_on_the_first_key(minilm):
    """"auto" (None) for the layer, the head or both resolves by pick_head's rule on this text, and
    the head zeroed is the one picked."""
    text = "The cat sat on the mat because it was tired."
    r = lab.run(minilm, text, max_tokens=128, ablate=(None, None))
    np.testing.assert_allclose(r.first_key_share, r.attentions[..., 0].mean(axis=-1), atol=1e-6)
    assert r.ablated == np.unravel_index(np.argmin(r.first_key_share), r.first_key_share.shape)
    assert r.first_key_share[r.ablated] == r.first_key_share.min() < np.median(r.first_key_share)
    fixed = lab.run(minilm, text, max_tokens=128, ablate=(2, None))
    assert fixed.ablated == (2, int(np.argmin(fixed.first_key_share[2])))
    np.testing.assert_allclose(fixed.change, lab.run(minilm, text, max_tokens=128, ablate=fixed.ablated).change)
    assert lab.pick_head(np.array([[0.5, 0.5], [0.5, 0.5]])) == (0, 0)  # ties: the lowest index
