"""tf_core.grouped_attention: one new token's grouped-query attention, each shared key/value head read in
place, against PyTorch's SDPA over the heads expanded as tf_core.models.llama.repeat_kv expands them, odd
sizes included; and a Llama whose attention is grouped decodes as the one that expands."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from tf_core.grouped_attention import GroupedAttention, grouped_decode_attention, use_grouped
from tf_core.models.llama import Llama, LlamaConfig, repeat_kv


@pytest.mark.parametrize("heads, kv_heads", [(9, 3), (6, 2), (4, 1), (5, 5), (8, 4)])
@pytest.mark.parametrize("S", [1, 7, 97])
def test_grouped_equals_expanded(heads, kv_heads, S):
    g = torch.Generator().manual_seed(heads * 100 + S)
    q = torch.randn(2, heads, 1, 16, generator=g)  # (B, H, 1, Dh)
    k, v = (torch.randn(2, kv_heads, S, 16, generator=g) for _ in range(2))  # (B, Hkv, S, Dh)
    group = heads // kv_heads
    expected = F.scaled_dot_product_attention(q, repeat_kv(k, group), repeat_kv(v, group))  # (B, H, 1, Dh)
    torch.testing.assert_close(grouped_decode_attention(q, k, v), expected)


def test_refuses_what_it_does_not_compute():
    q, k = torch.zeros(1, 9, 2, 8), torch.zeros(1, 3, 5, 8)
    with pytest.raises(ValueError):  # two new tokens would need the causal mask tiled
        grouped_decode_attention(q, k, k)
    with pytest.raises(ValueError):
        grouped_decode_attention(torch.zeros(1, 8, 1, 8), k, k)  # 8 query heads cannot share 3 evenly
    with pytest.raises(TypeError):
        use_grouped(use_grouped(Llama(CFG)))  # already grouped


CFG = LlamaConfig(vocab_size=50, d_model=36, n_layers=2, n_heads=6, n_kv_heads=2, d_ff=40, max_positions=64)


def test_a_grouped_llama_decodes_as_the_expanding_one():
    torch.manual_seed(0)
    model = Llama(CFG).eval()
    grouped = Llama(CFG).eval()
    grouped.load_state_dict(model.state_dict())
    use_grouped(grouped)
    assert all(isinstance(b.attn, GroupedAttention) for b in grouped.blocks)
    ids = torch.tensor([[3, 14, 15, 9, 26, 5, 35]])
    full_a, full_b = model(ids), grouped(ids)  # several new tokens: the parent's way, the same numbers
    assert torch.equal(full_a.logits, full_b.logits)
    step_a = model(ids[:, -1:], model(ids[:, :-1]).cache)
    step_b = grouped(ids[:, -1:], grouped(ids[:, :-1]).cache)
    torch.testing.assert_close(step_b.logits, step_a.logits)
    torch.testing.assert_close(step_b.logits[:, -1], full_a.logits[:, -1])
    with_weights = grouped(ids[:, -1:], grouped(ids[:, :-1]).cache, need_weights=True)  # weights asked: the parent's way
    assert with_weights.attentions[0].shape == (1, 6, 1, 7)
