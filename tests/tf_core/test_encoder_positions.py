"""The encoder's per-call position options (tf_core.models.encoder: ``position_ids``, ``use_positions``).

Without position vectors self-attention cannot see order, so shuffling the tokens shuffles the outputs
the same way; the learned positions are what breaks that. Checked on a tiny random encoder (always
runs) and on the real all-MiniLM-L6-v2 (skipped without its package). Tolerances, measured on the
2-core CPU (float32, 19 tokens, 3 shuffles): a shuffled MiniLM run against the unshuffled one
shuffled, with no positions or with the positions shuffled along: max |diff| 1.7e-6 .. 2.0e-6 over
all 7 hidden states (attention sums its keys in another order; the tiny encoder: 4.8e-7); asserted
<= 2e-5. With the positions left in place the same comparison differs by 9.8 .. 10.8 (tiny: 3.1).
"""
from __future__ import annotations

import pytest
import torch

from tf_core.models.encoder import Encoder, EncoderConfig

TINY = EncoderConfig(vocab_size=50, d_model=12, n_layers=2, n_heads=3, d_ff=20, max_positions=16)
TEXT = "The cat sat on the mat because it was tired, so it slept all afternoon."
TOL = 2e-5


@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    return Encoder(TINY).eval()


def shuffle(T: int, seed: int = 0) -> torch.Tensor:
    """A permutation of 0..T-1 that moves every position (so a test cannot pass by luck)."""
    g = torch.Generator().manual_seed(seed)
    while True:
        perm = torch.randperm(T, generator=g)
        if T < 2 or bool((perm != torch.arange(T)).all()):
            return perm


def max_gap(a: tuple[torch.Tensor, ...], b: tuple[torch.Tensor, ...]) -> float:
    return max((x - y).abs().max().item() for x, y in zip(a, b))


def shuffled(hidden: tuple[torch.Tensor, ...], perm: torch.Tensor) -> tuple[torch.Tensor, ...]:
    return tuple(h[:, perm] for h in hidden)


def snapshot(model: Encoder) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in model.state_dict().items()}


def assert_unchanged(model: Encoder, before: dict[str, torch.Tensor]) -> None:
    after = model.state_dict()
    assert after.keys() == before.keys() and all(torch.equal(after[k], before[k]) for k in before)
    assert not model.training


# --- tiny random encoder (no package needed) -------------------------------------------------------

def test_tiny_without_positions_is_permutation_equivariant(tiny):
    ids = torch.randint(1, TINY.vocab_size, (2, 11), generator=torch.Generator().manual_seed(1))
    perm = shuffle(11)
    plain = tiny(ids, use_positions=False).hidden_states
    moved = tiny(ids[:, perm], use_positions=False).hidden_states
    assert max_gap(moved, shuffled(plain, perm)) < TOL
    with_pos = tiny(ids[:, perm]).hidden_states
    assert max_gap(with_pos, shuffled(tiny(ids).hidden_states, perm)) > 0.1
    # the positions travelling with their tokens restore equivariance
    carried = tiny(ids[:, perm], position_ids=perm).hidden_states
    assert max_gap(carried, shuffled(tiny(ids).hidden_states, perm)) < TOL


def test_tiny_defaults_and_per_row_positions(tiny):
    ids = torch.randint(1, TINY.vocab_size, (2, 9), generator=torch.Generator().manual_seed(2))
    base = tiny(ids)
    for same in (tiny(ids, position_ids=None, use_positions=True), tiny(ids, position_ids=torch.arange(9)),
                 tiny(ids, position_ids=torch.arange(9).expand(2, 9))):
        assert all(torch.equal(a, b) for a, b in zip(base.hidden_states + base.attentions,
                                                     same.hidden_states + same.attentions))
    rows = torch.stack([torch.arange(9) + 7, torch.arange(9).flip(0)])  # (B, T): a shift, a reversal
    both = tiny(ids, position_ids=rows).last_hidden_state
    for b in range(2):
        alone = tiny(ids[b:b + 1], position_ids=rows[b]).last_hidden_state
        torch.testing.assert_close(both[b:b + 1], alone, atol=1e-6, rtol=0)
    assert (both[0] - base.last_hidden_state[0]).abs().max() > 0.1  # other rows of the table, other outputs


def test_tiny_one_token_and_no_positions_keeps_type_and_layernorm(tiny):
    ids = torch.tensor([[5]])
    x = tiny.embeddings(ids, use_positions=False)  # (1, 1, D)
    want = tiny.embeddings.ln(tiny.embeddings.word(ids) + tiny.embeddings.token_type.weight[0])
    assert torch.equal(x, want)
    assert tiny(ids, use_positions=False).last_hidden_state.shape == (1, 1, 12)


@pytest.mark.parametrize("bad, match", [
    (torch.tensor([0, 1, 16]), r"\[0, 16\)"),  # past the table's last row
    (torch.tensor([-1, 0, 1]), r"\[0, 16\)"),
    (torch.tensor([0, 1]), "shape"),
    (torch.zeros(2, 2, 3, dtype=torch.long), "shape"),
    (torch.tensor([0.0, 1.0, 2.0]), "integers"),
])
def test_tiny_bad_position_ids_raise(tiny, bad, match):
    before = snapshot(tiny)
    with pytest.raises(ValueError, match=match):
        tiny(torch.tensor([[1, 2, 3]]), position_ids=bad)
    with pytest.raises(ValueError, match="use_positions=False"):
        tiny(torch.tensor([[1, 2, 3]]), position_ids=torch.arange(3), use_positions=False)
    assert_unchanged(tiny, before)


# --- all-MiniLM-L6-v2 ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sentence(minilm):
    tokens = minilm.tokenize(TEXT, max_tokens=128)
    return torch.tensor([tokens.ids]), tokens  # (1, T) with [CLS] and [SEP]


def test_minilm_defaults_are_bit_identical(minilm, sentence):
    ids, tokens = sentence
    base = minilm.run(tokens)
    for same in (minilm.run(tokens, position_ids=None, use_positions=True),
                 minilm.run(tokens, position_ids=torch.arange(ids.shape[1]))):
        assert all(torch.equal(a, b) for a, b in zip(base.hidden_states + base.attentions,
                                                     same.hidden_states + same.attentions))


def test_minilm_without_positions_shuffles_with_its_tokens(minilm, sentence):
    ids, _ = sentence
    model, perm = minilm.model, shuffle(ids.shape[1])  # every token moves, [CLS] and [SEP] included
    before = snapshot(model)
    plain = model(ids, need_weights=False, use_positions=False).hidden_states
    moved = model(ids[:, perm], need_weights=False, use_positions=False).hidden_states
    assert max_gap(moved, shuffled(plain, perm)) < TOL
    normal = model(ids, need_weights=False).hidden_states
    assert max_gap(model(ids[:, perm], need_weights=False).hidden_states, shuffled(normal, perm)) > 0.1
    carried = model(ids[:, perm], need_weights=False, position_ids=perm).hidden_states
    assert max_gap(carried, shuffled(normal, perm)) < TOL
    with pytest.raises(ValueError, match=r"\[0, 512\)"):
        model(ids, position_ids=torch.arange(ids.shape[1]) + 512 - ids.shape[1] + 1)
    assert_unchanged(model, before)
    assert torch.equal(model(ids, need_weights=False).last_hidden_state, normal[-1])  # nothing left behind
