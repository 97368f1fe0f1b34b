"""tf_core.bpe: our BPE trainer against the ``tokenizers`` BpeTrainer and a naive recount, on
English, Chinese, mixed, emoji, HTML, control characters and random texts."""
from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from awkward_texts import TEXTS

from tf_core import bpe as B
from tf_core import limits
from tf_core.lab.tokenization import sample_text
from tf_core.readable import byte_decoder


def tokenizers_merges(text: str, level: str) -> tuple[list[tuple[str, str]], dict[str, int], object]:
    """The ``tokenizers`` BpeTrainer on the same pre-tokenization: its merges in rank order, its vocabulary."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    options = dict(vocab_size=1_000_000, min_frequency=B.MIN_PAIR_COUNT, show_progress=False)
    if level == "byte":
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
        trainer = trainers.BpeTrainer(initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), **options)
    else:
        tok.pre_tokenizer = pre_tokenizers.Split(Regex(B.GPT2_SPLIT), behavior="isolated")
        trainer = trainers.BpeTrainer(**options)
    tok.train_from_iterator([text], trainer)
    model = json.loads(tok.to_str())["model"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in model["merges"]]
    return merges, model["vocab"], tok


def naive_training(text: str, n_merges: int, level: str) -> list[tuple[str, str, int, int]]:
    """minbpe's loop, written plainly: recount every pair of every word at every step, merge the most
    frequent (ties: the lower pair of ids, the alphabet numbered in code-point order). Returns
    (left, right, count, tokens after) per merge."""
    words = Counter(w for w, _ in B.pre_tokenize(text, level))
    alphabet = set("".join(words))
    if level == "byte":
        alphabet |= set(byte_decoder())
    names = sorted(alphabet)
    ids = {s: i for i, s in enumerate(names)}
    segs = {w: [ids[c] for c in w] for w in words}
    out = []
    for _ in range(n_merges):
        counts = Counter()
        for w, s in segs.items():
            for pair in zip(s, s[1:]):
                counts[pair] += words[w]
        if not counts:
            break
        (a, b), c = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if c < B.MIN_PAIR_COUNT:
            break
        new = names[a] + names[b]
        if new not in ids:
            ids[new] = len(names)
            names.append(new)
        for w, s in segs.items():
            merged, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == (a, b):
                    merged.append(ids[new])
                    i += 2
                else:
                    merged.append(s[i])
                    i += 1
            segs[w] = merged
        out.append((names[a], names[b], c, sum(len(s) * words[w] for w, s in segs.items())))
    return out


def random_texts(n: int) -> list[str]:
    rng = random.Random(0)
    out = []
    for _ in range(n):
        alphabet = rng.choice(["ab", "abc ", "ab  c", "xyz\n", "注意力 ", "aab c"])
        out.append(" ".join("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
                            for _ in range(rng.randint(0, 60))))
    return out


# --------------------------------------------------------------------------- the trainer


@pytest.mark.parametrize("level", B.LEVELS)
@pytest.mark.parametrize("name", [*TEXTS, "sample-en", "sample-zh"])
def test_merges_equal_tokenizers_bpe_trainer(name, level):
    text = sample_text(name[-2:]) if name.startswith("sample") else TEXTS[name]
    ours = B.train_bpe(text, limits.BPE_MERGES.hi, level)
    theirs, vocab, _ = tokenizers_merges(text, level)
    assert [(m.left, m.right) for m in ours.merges] == theirs[:len(ours.merges)]
    if len(ours.merges) < limits.BPE_MERGES.hi:  # we stopped because no pair occurs twice: so did it
        assert len(theirs) == len(ours.merges)
    assert all(vocab[m.new] == m.new_id for m in ours.merges)  # the same ids, so the same tie-breaking
    assert all(vocab[s] == i for i, s in enumerate(ours.alphabet))


@pytest.mark.parametrize("level", B.LEVELS)
def test_merges_equal_tokenizers_on_random_texts(level):
    """Small alphabets make many ties and overlapping pairs ("a a a")."""
    for text in random_texts(40):
        ours = B.train_bpe(text, limits.BPE_MERGES.hi, level)
        theirs = tokenizers_merges(text, level)[0]
        assert [(m.left, m.right) for m in ours.merges] == theirs[:len(ours.merges)], text
        assert len(ours.merges) == limits.BPE_MERGES.hi or len(theirs) == len(ours.merges), text


def test_ties_go_to_the_older_symbols_as_in_tokenizers():
    """(" ", "a"), ("a", "b") and ("z", "y") all occur twice. minbpe would take the pair seen first,
    ("z", "y"); tokenizers takes the lowest pair of ids, and ids follow code points: " " < a < b < y < z."""
    text = "zy zy ab ab"
    ours = B.train_bpe(text, 3)
    assert [(m.left, m.right, m.count) for m in ours.merges] == [(" ", "a", 2), ("z", "y", 2), (" a", "b", 2)]
    assert tokenizers_merges(text, "char")[0][:3] == [(" ", "a"), ("z", "y"), (" a", "b")]


@pytest.mark.parametrize("level", B.LEVELS)
@pytest.mark.parametrize("name", ["en", "zh", "repeats", "emoji"])
def test_counts_and_token_totals_equal_a_naive_recount(name, level):
    ours = B.train_bpe(TEXTS[name], 60, level)
    want = naive_training(TEXTS[name], 60, level)
    assert [(m.left, m.right, m.count, m.n_tokens) for m in ours.merges] == want


@pytest.mark.parametrize("level", B.LEVELS)
def test_segmentation_matches_training_and_tokenizers_encoding(level):
    text = sample_text("en")
    ours = B.train_bpe(text, 120, level)
    _, _, tok = tokenizers_merges(text, level)
    ranks = {(m.left, m.right): r for r, m in enumerate(ours.merges)}
    for step in (0, 1, 7, 60, 120):
        ranks_k = {p: r for p, r in ranks.items() if r < step}
        total = sum(len(B.apply_merges(w, ranks_k)) for w in ours.words)
        assert total == (ours.merges[step - 1].n_tokens if step else ours.n_tokens_start)
    # after every merge, our segmentation of the text is what a BPE model with those merges gives
    from tokenizers import Tokenizer, models

    vocab = {s: i for i, s in enumerate(ours.alphabet)} | {m.new: m.new_id for m in ours.merges}
    bpe = Tokenizer(models.BPE(vocab=vocab, merges=[(m.left, m.right) for m in ours.merges]))
    bpe.pre_tokenizer = tok.pre_tokenizer
    ours_pieces = [p for w in ours.words for p in B.apply_merges(w, ranks)]
    assert ours_pieces == bpe.encode(text).tokens


def test_segment_is_readable_and_cut():
    t = B.train_bpe(sample_text("zh"), 30, "byte")
    zero, end = t.segment(0, max_chars=40), t.segment(30, max_chars=40)
    assert len(zero) > len(end) > 0
    assert "".join(zero).count("⟨") == len([p for p in zero if p.startswith("⟨")]) > 0  # bytes of CJK characters
    assert all("\ufffd" not in p for p in zero + end)
    assert len(t.segment(30)) > len(end)
    assert t.segment(-5, max_chars=40) == zero
    c = B.train_bpe("ab ab", 1)
    assert c.segment(0) == ("a", "b", "␣", "a", "b") and c.segment(1) == ("ab", "␣", "ab")


def test_merge_display_is_readable():
    t = B.train_bpe("注意 注意 注意力 the the", 10, "byte")
    shown = [m.display for m in t.merges]
    # byte merges ignore character boundaries: the end of 注 joins the start of 意 (A8 E6) first
    assert shown[:3] == [("⟨A8⟩", "⟨E6⟩", "⟨A8 E6⟩"), ("⟨B3⟩", "⟨A8 E6⟩", "⟨B3 A8 E6⟩"), ("⟨E6⟩", "⟨B3 A8 E6⟩", "注⟨E6⟩")]
    assert ("注⟨E6⟩", "⟨84 8F⟩", "注意") in shown and ("␣", "the", "␣the") in shown
    assert all("\ufffd" not in x for d in shown for x in d)


@pytest.mark.parametrize("level", B.LEVELS)
@pytest.mark.parametrize("text", ["", "a", "abc", "🙂", "\x00\x07", "  ", "\ud800", None])
def test_odd_text_trains_without_error(text, level):
    t = B.train_bpe(text, 10, level)
    assert t.merges == () and t.n_tokens_end == t.n_tokens_start  # no pair occurs twice
    assert t.requested == 10 and not t.truncated
    assert all("\ufffd" not in p for p in t.segment(0))


def test_caps():
    for bad in (0, limits.BPE_MERGES.hi + 1, -3, 2.5, True, "7", None):
        with pytest.raises(ValueError):
            B.train_bpe("ab ab", bad)
    with pytest.raises(ValueError):
        B.train_bpe("ab ab", 5, level="word")
    long = "the theme of the thesis " * 1000
    t = B.train_bpe(long, 5)
    assert t.truncated and len(t.text) == limits.BPE_TEXT_CHARS and t.n_chars_total == len(long)
    assert len(t.merges) == 5 and t.vocab_size == len(t.alphabet) + 5
