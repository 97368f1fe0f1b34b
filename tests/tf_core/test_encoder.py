"""tf_core.models.encoder on a tiny random configuration: validation, loading checks, masks, shapes.
(Numerical parity with BertModel on real weights is in test_minilm.py.)"""
from __future__ import annotations

import pytest
import torch

from tf_core.models.encoder import Encoder, EncoderConfig, hf_bert_names

TINY = EncoderConfig(vocab_size=50, d_model=12, n_layers=2, n_heads=3, d_ff=20, max_positions=16)


@pytest.fixture
def model():
    torch.manual_seed(0)
    return Encoder(TINY).eval()


@pytest.mark.parametrize("bad", [dict(d_model=10, n_heads=3), dict(n_layers=0), dict(vocab_size=-1)])
def test_invalid_config_raises(bad):
    fields = {**TINY.__dict__, **bad}
    with pytest.raises(ValueError):
        EncoderConfig(**fields)


def test_load_checks_names_and_shapes(model):
    state = {k: v.clone() for k, v in model.state_dict().items()}
    Encoder(TINY).load(state)  # the same names and shapes load
    with pytest.raises(KeyError):
        Encoder(TINY).load({k: v for k, v in state.items() if not k.startswith("blocks.1.")})
    with pytest.raises(KeyError):
        Encoder(TINY).load({**state, "pooler.weight": torch.zeros(1)})
    with pytest.raises(ValueError):
        Encoder(TINY).load({**state, "blocks.0.q.weight": torch.zeros(12, 11)})


def test_name_map_covers_every_parameter(model):
    names = hf_bert_names(TINY.n_layers)
    assert set(names) == set(model.state_dict())
    assert len(set(names.values())) == len(names)


def test_shapes_and_lengths(model):
    ids = torch.randint(0, 50, (2, 7))
    out = model(ids)
    assert len(out.hidden_states) == 3 and all(h.shape == (2, 7, 12) for h in out.hidden_states)
    assert len(out.attentions) == 2 and all(a.shape == (2, 3, 7, 7) for a in out.attentions)
    torch.testing.assert_close(out.attentions[0].sum(-1), torch.ones(2, 3, 7))
    fast = model(ids, need_weights=False)
    assert fast.attentions == ()
    torch.testing.assert_close(fast.last_hidden_state, out.last_hidden_state, rtol=1e-5, atol=1e-6)


def test_one_token_and_the_position_limit(model):
    assert model(torch.tensor([[3]])).last_hidden_state.shape == (1, 1, 12)
    model(torch.zeros(1, 16, dtype=torch.long))
    with pytest.raises(ValueError, match="positions"):
        model(torch.zeros(1, 17, dtype=torch.long))


def test_padding_does_not_change_real_tokens(model):
    ids = torch.randint(1, 50, (1, 5))
    alone = model(ids).last_hidden_state
    padded = torch.cat([ids, torch.zeros(1, 4, dtype=torch.long)], dim=1)
    mask = torch.tensor([[True] * 5 + [False] * 4])
    out = model(padded, mask)
    torch.testing.assert_close(out.last_hidden_state[:, :5], alone, rtol=1e-5, atol=1e-6)
    assert out.attentions[1][..., 5:].abs().max() == 0
    torch.testing.assert_close(out.mean_pooled(), alone.mean(dim=1), rtol=1e-5, atol=1e-6)


def test_bad_head_mask_and_trace_layer_raise(model):
    ids = torch.randint(0, 50, (1, 4))
    with pytest.raises(ValueError, match="head_mask"):
        model(ids, head_mask=torch.ones(3, 3))
    with pytest.raises(ValueError, match="trace_layer"):
        model(ids, trace_layer=2)
    assert model(ids, trace_layer=1).trace is not None and model(ids).trace is None
