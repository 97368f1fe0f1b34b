"""tf_core.lab.causal_mask (and Llama's ``causal=False``): with the mask, changing token p leaves every
earlier position's logits bit for bit equal; without it, they all change.

Measured: 0.0 before p on both attention paths (explicit and SDPA), for the random Llamas here and for
SmolLM2-135M (float32, CPU), so the test asserts == 0, not a tolerance. Without the mask the change before
p is 0.02..3 for the random model and 3..14 for SmolLM2; we require > 1e-4 at every earlier position."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from tiny_decoders import byte_tokenizer, one_torch_thread, tiny_llama  # noqa: F401 (fixture)

from tf_core import limits
from tf_core.lab import causal_mask as lab
from tf_core.lab import decoder_prompt

TEXT = "The cat sat on the mat."  # 23 bytes = 23 tokens of the byte tokenizer
LEAK = 1e-4


@pytest.fixture(scope="module")
def tok():
    return byte_tokenizer()


@pytest.fixture(scope="module")
def model():
    return tiny_llama()


@pytest.mark.parametrize("position", [0, 1, 11, 22])
def test_mask_keeps_earlier_positions_exactly(model, tok, position):
    r = lab.run(model, tok, TEXT, position=position, layer=1, head=3)
    T = len(TEXT)
    assert len(r.pieces) == T and r.position == position and r.ids.shape == (T,)
    for d in (r.delta_causal, r.delta_bidirectional, r.delta_causal_fast):
        assert d.shape == (T,) and d.dtype == np.float64
    assert (r.delta_causal[:position] == 0).all() and (r.delta_causal_fast[:position] == 0).all()
    assert r.exact_before and r.max_before_causal == 0.0
    assert (r.delta_causal[position:] > LEAK).all()  # from p on, the change shows
    assert (r.delta_bidirectional[:position] > LEAK).all()  # without the mask it reaches back
    assert r.max_before_bidirectional == (r.delta_bidirectional[:position].max() if position else 0.0)
    np.testing.assert_allclose(r.delta_causal_fast, r.delta_causal, atol=1e-4)


def test_maps_and_mask(model, tok):
    r = lab.run(model, tok, TEXT, layer=2, head=1)
    T = len(TEXT)
    np.testing.assert_array_equal(r.mask, np.tril(np.ones((T, T), dtype=bool)))
    assert r.weights_causal.shape == r.weights_bidirectional.shape == (T, T)
    assert (r.weights_causal[~r.mask] == 0).all()  # exp(-inf) = 0 exactly above the diagonal
    assert (r.weights_bidirectional[~r.mask] > 0).all()  # nothing masked
    for w in (r.weights_causal, r.weights_bidirectional):
        np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)
    # the maps are the model's own weights at (layer, head)
    ids = torch.from_numpy(r.ids)[None]  # (1, T)
    with torch.inference_mode():
        want = model(ids, need_weights=True).attentions[2][0, 1]
        want_b = model(ids, need_weights=True, causal=False).attentions[2][0, 1]
    np.testing.assert_array_equal(r.weights_causal, want.numpy())
    np.testing.assert_array_equal(r.weights_bidirectional, want_b.numpy())
    later = np.triu(np.ones((T, T)), 1)
    assert r.future_mass == pytest.approx(float((r.weights_bidirectional * later).sum(-1)[:-1].mean()), rel=1e-5)
    assert r.future_mass_layers.shape == (3, 4) and 0 < r.future_mass_layers.min() and r.future_mass_layers.max() < 1


def test_causal_false_drops_the_mask_on_both_paths(model):
    ids = torch.randint(0, 256, (2, 9), generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        explicit = model(ids, need_weights=True, causal=False)
        fast = model(ids, causal=False)
        causal = model(ids)
    torch.testing.assert_close(fast.logits, explicit.logits, atol=1e-5, rtol=0)
    assert all((w[..., :-1, 1:] > 0).any() for w in explicit.attentions)  # weight above the diagonal
    assert (fast.logits[:, :-1] - causal.logits[:, :-1]).abs().max() > 1e-3
    # a single new token against a cache has no mask either way: the same numbers
    step = model(ids[:, -1:], model(ids[:, :-1]).cache)
    step_b = model(ids[:, -1:], model(ids[:, :-1]).cache, causal=False)
    assert torch.equal(step.logits, step_b.logits)


def test_replacement_and_readable_tokens(model, tok):
    # the byte tokenizer has no " dog" token: the first one-token candidate is "a", then "b"
    a, b = tok.token_to_id("a"), tok.token_to_id("b")
    assert lab.run(model, tok, "xyz", position=1).replacement_id == a
    r = lab.run(model, tok, "aaa", position=1)
    assert r.replacement_id == b and r.replacement_piece == "b" and r.changed_pieces == ("a", "b", "a")
    given = lab.run(model, tok, "xyz", position=2, replacement=tok.token_to_id("Q"))
    assert given.replacement_piece == "Q" and given.changed_pieces == ("x", "y", "Q")
    emoji = lab.run(model, tok, "a 🙂注", position=0)
    assert emoji.pieces == ("a", "␣", "⟨F0⟩", "⟨9F⟩", "⟨99⟩", "⟨82⟩", "⟨E6⟩", "⟨B3⟩", "⟨A8⟩")


def test_a_character_vocabulary(model):
    """A tokenizer like TinyGPT's Vocab: encode(text) -> ids (ValueError on an unknown character),
    decode(ids) -> the characters."""
    class Chars:
        tokens = tuple("abcdefghijklmnopqrstuvwxyz .\n")

        def encode(self, text):
            if set(text) - set(self.tokens):
                raise ValueError(f"{sorted(set(text) - set(self.tokens))} not in the vocabulary")
            return [self.tokens.index(c) for c in text]

        def decode(self, ids):
            return [self.tokens[i] for i in ids]

    r = lab.run(model, Chars(), "the dog.\nsat", position=4)
    assert r.pieces == ("t", "h", "e", "␣", "d", "o", "g", ".", "↵", "s", "a", "t")
    assert r.replacement_piece == "a" and r.exact_before  # " dog" is 4 characters: "a" is the first one-token word
    with pytest.raises(ValueError, match="vocabulary"):
        lab.run(model, Chars(), "Ünïcode")


def test_real_smollm2(smollm2_model):
    tok, model = smollm2_model.tokenizer, smollm2_model.model
    r = lab.run(model, tok, "The cat sat on the mat because it was tired.", position=7, layer=5, head=3)
    assert r.pieces[:3] == ("The", "␣cat", "␣sat") and r.pieces[7] == "␣it"
    assert r.replacement_id == tok.token_to_id("Ġdog") and r.replacement_piece == "␣dog"
    assert r.exact_before and (r.delta_causal[:7] == 0).all()
    assert (r.delta_causal[7:] > 1e-2).all() and (r.delta_bidirectional[:7] > 1e-2).all()
    assert 0 < r.future_mass < 1
    pieces = decoder_prompt.encode(tok, "注意力🙂").pieces
    assert pieces == ("⟨E6 B3⟩", "⟨A8⟩", "⟨E6⟩", "⟨84⟩", "⟨8F⟩", "⟨E5 8A⟩", "⟨9B⟩", "⟨F0 9F⟩", "⟨99 82⟩")
    assert decoder_prompt.encode(tok, " 🙂").pieces == ("␣🙂",)  # with its space, one whole token


def test_bad_input(model, tok):
    for empty in ("", "   ", None):
        with pytest.raises(ValueError, match="empty"):
            lab.run(model, tok, empty)
    long = lab.run(model, tok, "x" * 500, position=0)
    assert long.truncated and len(long.pieces) == limits.DECODER_TOKENS and long.n_total == 500
    chars = decoder_prompt.encode(tok, "y" * (limits.DECODER_TEXT_CHARS + 1))
    assert chars.truncated and chars.n_chars_total == limits.DECODER_TEXT_CHARS + 1
    assert not lab.run(model, tok, "x" * limits.DECODER_TOKENS, position=0).truncated
    one = lab.run(model, tok, "abc", max_tokens=1)  # the smallest cap: one token, p = 0
    assert one.truncated and one.position == 0 and one.max_before_bidirectional == 0.0
    for cap in (0, limits.DECODER_TOKENS + 1):
        with pytest.raises(ValueError, match="max_tokens"):
            lab.run(model, tok, "abc", max_tokens=cap)
    for bad in (-1, 3, True, 1.5, "1"):
        with pytest.raises(ValueError, match="position"):
            lab.run(model, tok, "abc", position=bad)
    with pytest.raises(ValueError, match="layer"):
        lab.run(model, tok, "abc", layer=3)
    with pytest.raises(ValueError, match="head"):
        lab.run(model, tok, "abc", head=4)
    with pytest.raises(ValueError, match="replacement"):
        lab.run(model, tok, "abc", replacement=256)
    with pytest.raises(ValueError, match="changes nothing"):
        lab.run(model, tok, "abc", position=0, replacement=tok.token_to_id("a"))


def test_prompt_with_no_token(smollm2_model):
    # 0x04 has no token in SmolLM2's vocabulary: BPE drops it, and nothing is left
    with pytest.raises(ValueError, match="no token"):
        decoder_prompt.encode(smollm2_model.tokenizer, "\x04\x04")
