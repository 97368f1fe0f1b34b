"""tf_core.lab.causal_mask (and ``decoder.unmasked``): with the mask, changing token p leaves every earlier
position's logits bit for bit equal; without it, they all change. On both decoders: a random Llama and a
random tiny GPT (and SmolLM2 when installed). Also decoder_prompt.resolve, the page's input.

Measured: 0.0 before p on both attention paths (explicit and SDPA), for the random Llamas and tiny GPTs
here and for SmolLM2-135M (float32, CPU), so the test asserts == 0, not a tolerance. Without the mask the
change before p is 0.02..3 for the random models and 3..14 for SmolLM2; we require > 1e-4 at every
earlier position."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from tiny_decoders import CHARACTERS, byte_tokenizer, one_torch_thread, tiny_gpt, tiny_llama  # noqa: F401 (fixture)

from tf_core import limits
from tf_core.lab import causal_mask as lab
from tf_core.lab import decoder_prompt
from tf_core.models import decoder

TEXT = "The cat sat on the mat."  # 23 bytes = 23 tokens of the byte tokenizer
LEAK = 1e-4


@pytest.fixture(scope="module")
def tok():
    return byte_tokenizer()


@pytest.fixture(scope="module")
def model():
    return tiny_llama()


@pytest.fixture(scope="module", params=["llama", "tiny-gpt"])
def both(request, tok):
    """(model, tokenizer) of each decoder the lesson offers; both read TEXT as 23 tokens."""
    return (tiny_llama(), tok) if request.param == "llama" else (tiny_gpt(), CHARACTERS)


@pytest.mark.parametrize("position", [0, 1, 11, 22])
def test_mask_keeps_earlier_positions_exactly(both, position):
    model, tok = both
    r = lab.run(model, tok, TEXT, position=position)
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


def test_maps_and_mask(both):
    model, tok = both
    r = lab.run(model, tok, TEXT)
    T = len(TEXT)
    np.testing.assert_array_equal(r.mask, np.tril(np.ones((T, T), dtype=bool)))
    assert r.weights_causal.shape == r.weights_bidirectional.shape == (3, 4, T, T)
    assert r.weights_causal.dtype == np.float32 and r.dtype == "float32" and r.device.type == "cpu"
    assert (r.weights_causal[..., ~r.mask] == 0).all() and r.masked_max == 0.0  # exp(-inf) = 0 exactly
    assert (r.weights_bidirectional[..., ~r.mask] > 0).all()  # nothing masked
    for w in (r.weights_causal, r.weights_bidirectional):
        np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-5)
    # the maps are the model's own weights, every (layer, head)
    ids = torch.from_numpy(r.ids)[None]  # (1, T)
    with torch.inference_mode():
        want = torch.stack(decoder.run(model, ids, need_weights=True).attentions)[:, 0]  # (L, H, T, T)
        want_b = torch.stack(decoder.run(model, ids, need_weights=True, mask=decoder.unmasked).attentions)[:, 0]
    np.testing.assert_array_equal(r.weights_causal, want.numpy())
    np.testing.assert_array_equal(r.weights_bidirectional, want_b.numpy())
    on, off = r.head_maps(2, 1)
    np.testing.assert_array_equal(on, want[2, 1].numpy())
    np.testing.assert_array_equal(off, want_b[2, 1].numpy())
    later = np.triu(np.ones((T, T)), 1)
    assert r.future_mass(2, 1) == pytest.approx(float((off * later).sum(-1)[:-1].mean()), rel=1e-5)
    assert r.future_mass_layers.shape == (3, 4) and 0 < r.future_mass_layers.min() and r.future_mass_layers.max() < 1


def test_unmasked_drops_the_mask_on_both_paths(model):
    ids = torch.randint(0, 256, (2, 9), generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        explicit = decoder.run(model, ids, need_weights=True, mask=decoder.unmasked)
        fast = decoder.run(model, ids, mask=decoder.unmasked)
        causal = model(ids)
    torch.testing.assert_close(fast.logits, explicit.logits, atol=1e-5, rtol=0)
    assert all((w[..., :-1, 1:] > 0).any() for w in explicit.attentions)  # weight above the diagonal
    assert (fast.logits[:, :-1] - causal.logits[:, :-1]).abs().max() > 1e-3
    # a single new token against a cache has no mask either way: the same numbers
    with torch.inference_mode():
        step = model(ids[:, -1:], model(ids[:, :-1]).cache)
        step_b = decoder.run(model, ids[:, -1:], model(ids[:, :-1]).cache, mask=decoder.unmasked)
    assert torch.equal(step.logits, step_b.logits)


def test_progress_counts_every_forward(model, tok):
    seen = []
    lab.run(model, tok, TEXT, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, lab.FORWARDS) for i in range(1, lab.FORWARDS + 1)]


def test_replacement_and_readable_tokens(model, tok):
    # the byte tokenizer has no " dog" token: the first one-token candidate is "a", then "b"
    a, b = tok.token_to_id("a"), tok.token_to_id("b")
    assert lab.run(model, tok, "xyz", position=1).replacement_id == a
    r = lab.run(model, tok, "aaa", position=1)
    assert r.replacement_id == b and r.replacement_piece == "b" and r.changed_pieces == ("a", "b", "a")
    given = lab.run(model, tok, "xyz", position=2, replacement=tok.token_to_id("Q"))
    assert given.replacement_piece == "Q" and given.changed_pieces == ("x", "y", "Q")
    emoji = lab.run(model, tok, "a 🙂注", position=0)
    assert emoji.byte_pieces == ("a", "␣", "⟨F0⟩", "⟨9F⟩", "⟨99⟩", "⟨82⟩", "⟨E6⟩", "⟨B3⟩", "⟨A8⟩")
    assert emoji.pieces == ("a", "␣", "🙂", "·", "·", "·", "注", "·", "·")  # characters on their first piece
    # a swap in the middle of a character: the changed copy regroups, its broken pieces stay hex
    cut = lab.run(model, tok, "从a", position=1, replacement=tok.token_to_id("Q"))
    assert cut.pieces == ("从", "·", "·", "a") and cut.byte_pieces == ("⟨E4⟩", "⟨BB⟩", "⟨8E⟩", "a")
    assert cut.replacement_piece == "Q" and cut.changed_pieces == ("⟨E4⟩", "Q", "⟨8E⟩", "a")
    assert cut.changed_byte_pieces == ("⟨E4⟩", "Q", "⟨8E⟩", "a")


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
    r = lab.run(model, tok, "The cat sat on the mat because it was tired.", position=7)
    assert r.pieces[:3] == ("The", "␣cat", "␣sat") and r.pieces[7] == "␣it"
    assert r.replacement_id == tok.token_to_id("Ġdog") and r.replacement_piece == "␣dog"
    assert r.exact_before and (r.delta_causal[:7] == 0).all() and r.masked_max == 0.0
    assert (r.delta_causal[7:] > 1e-2).all() and (r.delta_bidirectional[:7] > 1e-2).all()
    assert 0 < r.future_mass(5, 3) < 1 and r.weights_causal.shape == (30, 9, 11, 11)
    prompt = decoder_prompt.encode(tok, "注意力🙂")
    assert prompt.byte_pieces == ("⟨E6 B3⟩", "⟨A8⟩", "⟨E6⟩", "⟨84⟩", "⟨8F⟩", "⟨E5 8A⟩", "⟨9B⟩", "⟨F0 9F⟩", "⟨99 82⟩")
    assert prompt.pieces == ("注", "·", "意", "·", "·", "力", "·", "🙂", "·")
    cut = decoder_prompt.encode(tok, "注意力🙂", max_tokens=8)  # the token cap in the middle of the emoji
    assert cut.pieces == ("注", "·", "意", "·", "·", "力", "·", "⟨F0 9F⟩")
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
    r = lab.run(model, tok, "abc")
    with pytest.raises(ValueError, match="layer"):
        r.head_maps(3, 0)
    with pytest.raises(ValueError, match="head"):
        r.head_maps(0, 4)
    with pytest.raises(ValueError, match="head"):
        r.future_mass(0, -1)
    with pytest.raises(ValueError, match="replacement"):
        lab.run(model, tok, "abc", replacement=256)
    with pytest.raises(ValueError, match="changes nothing"):
        lab.run(model, tok, "abc", position=0, replacement=tok.token_to_id("a"))


def test_prompt_with_no_token(smollm2_model):
    # 0x04 has no token in SmolLM2's vocabulary: BPE drops it, and nothing is left
    with pytest.raises(ValueError, match="no token"):
        decoder_prompt.encode(smollm2_model.tokenizer, "\x04\x04")


# --- the page's input: decoder_prompt.resolve, re-exported by the lesson ------------------------------
DEFAULTS = ("从前有一座山", "Once upon a time")  # the first has no character of CHARACTERS


@pytest.mark.parametrize("text,notice", [("", "empty"), ("  \n", "empty"), ("a", "one_token"), ("Ünï", "no_token")])
def test_resolve_falls_back_to_the_first_default_that_works(text, notice):
    r = lab.resolve(CHARACTERS, text, DEFAULTS, position=8)
    assert r.prompt_notice == notice and r.text == "Once upon a time" and len(r.prompt) == 16
    assert (r.position, r.position_clamped, r.replacement, r.word_notice) == (8, False, None, None)
    with pytest.raises(ValueError, match="two tokens"):
        lab.resolve(CHARACTERS, text, DEFAULTS[:1], position=1)


def test_resolve_clamps_the_position_to_the_prompt(tok):
    for asked, used in ((0, 1), (-5, 1), (1, 1), (6, 6), (7, 6), (60, 6)):
        r = lab.resolve(tok, "abcdefg", DEFAULTS, position=asked)
        assert (r.prompt_notice, r.asked_position, r.position) == (None, asked, used)
        assert r.position_clamped == (asked != used)
    assert lab.resolve(tok, "ab", DEFAULTS, position=9).position == 1  # two tokens: p = 1 only


def test_resolve_the_replacement_word(smollm2_model):
    tok = smollm2_model.tokenizer
    text = "The cat sat on the mat."  # The ␣cat ␣sat ␣on ␣the ␣mat .
    r = lab.resolve(tok, text, DEFAULTS, position=1, word="dog")  # keeps the space of "␣cat": " dog"
    assert (r.replacement, r.word_notice, r.word_tokens, r.word_first) == (tok.token_to_id("Ġdog"), None, 1, "␣dog")
    same = lab.resolve(tok, text, DEFAULTS, position=1, word="cat")
    assert (same.replacement, same.word_notice) == (None, "same")
    many = lab.resolve(tok, text, DEFAULTS, position=1, word="antidisestablishment")
    assert many.word_notice == "first" and many.word_tokens > 1
    assert many.replacement == tok.encode(" antidisestablishment", add_special_tokens=False).ids[0]
    none = lab.resolve(tok, text, DEFAULTS, position=6, word="\x04")  # at ".": no space added, no token left
    assert (none.replacement, none.word_notice) == (None, "none")
    assert lab.resolve(tok, text, DEFAULTS, position=1, word="   ").word_notice is None


def test_resolve_a_character_vocabulary():
    r = lab.resolve(CHARACTERS, "the dog", DEFAULTS, position=4, word="cat")  # "d" -> "c", "at" dropped
    assert (r.replacement, r.word_notice, r.word_tokens, r.word_first) == (CHARACTERS.index["c"], "first", 3, "c")
    assert lab.resolve(CHARACTERS, "the dog", DEFAULTS, position=4, word="d").word_notice == "same"
    assert lab.resolve(CHARACTERS, "the dog", DEFAULTS, position=4, word="注").word_notice == "none"
    r = lab.resolve(CHARACTERS, "the dog", DEFAULTS, position=3, word="x")  # a space at p: the word as typed
    assert (r.replacement, r.word_notice) == (CHARACTERS.index["x"], None)
