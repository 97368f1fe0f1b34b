"""Lesson `tokenization`: how WordPiece, unigram and BPE tokenizers cut text into subwords.

Two experiments.

``compare``: the learner's text through three real tokenizers, side by side, with no special
tokens added (a special token typed in the text, such as "[CLS]" or "<|im_start|>", is matched as
the model's own tokenizer matches it, and flagged ``special``):
  WordPiece       all-MiniLM-L6-v2 (uncased, 30,522 entries): each word is cut greedily into the
                  longest vocabulary entries, "##" marking a piece that continues a word; a word
                  with a character outside the vocabulary becomes one [UNK] as a whole;
  unigram         multilingual-e5-small (XLM-R's SentencePiece, 250,002 pieces): the segmentation
                  with the highest total log-probability; an unknown character is one <unk>;
  byte-level BPE  SmolLM2-135M (49,152 tokens): the text's UTF-8 bytes, merged by the learned merge
                  ranks; no unknown token, so a Chinese character outside the vocabulary falls
                  apart into byte pieces (注意力 is 9 bytes and 7 tokens).

Display strings, one convention for the three columns (so they compare at a glance; the pieces as
each tokenizer spells them are in ``pieces``):
  ␣ a space (SentencePiece's "▁" and byte-level BPE's "Ġ" both stand for one), ↵ a newline, ⇥ a tab;
  ## kept: WordPiece's own marker, meaning "this piece continues a word" (the opposite mark);
  ⟨E6 B3⟩ the bytes of a piece that holds only part of a character (hexadecimal UTF-8 bytes);
  ⟨U+200B⟩ an invisible or control character (never a raw control character, never U+FFFD);
  the unknown token as the vocabulary spells it ([UNK], <unk>); what it replaced is in ``unk_text``.
Display strings are plain text: a page must escape them (they may hold "<script>").

``train_bpe`` (tf_core.bpe, re-exported here for the page): our own byte-pair-encoding trainer,
trained live on the learner's text or a bundled sample, merge by merge.
"""
from __future__ import annotations

import functools
import importlib.util
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tf_core import limits
from tf_core.bpe import LEVELS, BPETraining, MergeStep, train_bpe  # noqa: F401 - the page's trainer
from tf_core.models.catalog import MODELS
from tf_core.readable import as_text, byte_decoder, cut_text, readable_bytes, visible, whole_utf8

KEYS = ("minilm", "e5", "smollm2")  # the side-by-side columns, in this order
ALGORITHMS = {"minilm": "WordPiece", "e5": "unigram", "smollm2": "byte-level BPE"}
CJK_EXAMPLE = "注意力"  # the card's example of a word that byte-level BPE spells in byte pieces
SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "text"
SAMPLE_LANGS = ("en", "zh")

# Token kinds in ``Tokenized.kinds``
PIECE, BYTES, UNK, SPECIAL = "piece", "bytes", "unk", "special"


# --------------------------------------------------------------------------- the real tokenizers


@dataclass(frozen=True, eq=False)
class RealTokenizer:
    """A pretrained model's tokenizer, loaded without the model's weights."""

    key: str  # "minilm", "e5", "smollm2"
    name: str  # the model's published name
    algorithm: str  # "WordPiece", "unigram", "byte-level BPE"
    tokenizer: object  # tokenizers.Tokenizer (shared: never change its settings)
    vocab_size: int
    unk_id: int | None  # None: byte-level BPE has no unknown token
    special_ids: frozenset[int]  # the model's special tokens ([CLS], <s>, <|im_start|> ...)
    missing_bytes: tuple[int, ...]  # byte-level: bytes without a token of their own (dropped); else ()


def available() -> tuple[str, ...]:
    """The keys whose packages are installed (nothing is loaded)."""
    here = [k for k in KEYS if MODELS[k].installed()]
    if "smollm2" in here and importlib.util.find_spec("gguf") is None:
        here.remove("smollm2")
    return tuple(here)


def load_tokenizer(key: str) -> RealTokenizer:
    """The tokenizer of ``key`` (raises ``ModelUnavailable`` when its package is missing).

    Cost on a 2-core CPU (benchmarks/tokenization.py): MiniLM ~0.03 s (tokenizer.json), SmolLM2
    ~0.12 s (GGUF header 0.05 s + BPE 0.06 s), e5 ~1.1 s (reading 250,002 pieces 0.13 s, building
    the unigram model 0.95 s; the weights are not read): cache it."""
    if key == "minilm":
        from tf_core.models import minilm

        tok = minilm.tokenizer()
        unk, missing = tok.token_to_id("[UNK]"), ()
        specials = frozenset(i for i, t in tok.get_added_tokens_decoder().items() if t.special)
    elif key == "e5":
        from tf_core.models import e5

        tok, (bos, eos, pad, unk) = e5.shared_tokenizer()  # the model's own, when it is loaded (~260 MiB each)
        missing, specials = (), frozenset((bos, eos, pad, unk))
    elif key == "smollm2":
        from tf_core.models import smollm2

        tok = smollm2.tokenizer()
        unk, missing = None, smollm2.missing_bytes(tok)
        specials = frozenset(i for i, t in tok.get_added_tokens_decoder().items() if t.special)
    else:
        raise KeyError(f"unknown tokenizer {key!r}; expected one of {KEYS}")
    info = MODELS[key]
    return RealTokenizer(key=key, name=info.name, algorithm=ALGORITHMS[key], tokenizer=tok,
                         vocab_size=tok.get_vocab_size(), unk_id=unk, special_ids=specials, missing_bytes=missing)


def _lead_range(b: int) -> range:
    """The code points whose UTF-8 encoding starts with byte ``b`` (empty: never a first byte)."""
    if b < 0x80:
        return range(b, b + 1)
    for lo, hi, bits, shift, first in ((0xC2, 0xDF, 0x1F, 6, 0x80), (0xE0, 0xEF, 0x0F, 12, 0x800),
                                       (0xF0, 0xF4, 0x07, 18, 0x10000)):
        if lo <= b <= hi:
            start = (b & bits) << shift
            return range(max(start, first), min(start + (1 << shift), 0x110000))
    return range(0)  # 0x80-0xBF continue a character; 0xC0, 0xC1 and 0xF5-0xFF never occur


@functools.cache
def in_assigned_utf8(b: int) -> bool:
    """Whether byte ``b`` occurs in the UTF-8 of some assigned character (Unicode, as this Python knows
    it): "A" (0x41), a control (0x04), a continuation byte (0xA9) and 0xF3 (plane 14's tags) do; 0xC0,
    0xF1 (planes 4-7, unassigned) and 0xFF do not."""
    if 0x80 <= b <= 0xBF:  # a continuation byte: U+0100 + (b - 0x80), Latin Extended-A, is C4 b
        return unicodedata.category(chr(0x100 + b - 0x80)) != "Cn"
    return any(unicodedata.category(chr(cp)) not in ("Cn", "Cs") for cp in _lead_range(b))


def byte_kinds(missing: Sequence[int]) -> dict[str, tuple[int, ...]]:
    """Bytes without a token, by kind: "unassigned" (in the UTF-8 of no assigned character: no text
    can hold them), "control" (C0 controls and DEL) and "other" (bytes of real text: a gap); e.g.
    [0x04, 0xC0, 0xFF, 0x41] -> unassigned (0xC0, 0xFF), control (0x04), other (0x41)."""
    kinds: dict[str, tuple[int, ...]] = {"unassigned": (), "control": (), "other": ()}
    for b in missing:
        kind = "unassigned" if not in_assigned_utf8(b) else "control" if b < 0x20 or b == 0x7F else "other"
        kinds[kind] += (b,)
    return kinds


@dataclass(frozen=True)
class Tokenized:
    """One tokenizer's result on the text (no special tokens added)."""

    key: str
    name: str
    algorithm: str
    ids: tuple[int, ...]
    pieces: tuple[str, ...]  # vocabulary entries as the tokenizer spells them ("##ing", "▁the", "Ġthe", "æ³")
    display: tuple[str, ...]  # the same, readable (see the module docstring)
    kinds: tuple[str, ...]  # per token: PIECE, BYTES (part of a character), UNK or SPECIAL
    spans: tuple[tuple[int, int], ...]  # (start, end) characters of the text each token covers
    unk_text: tuple[str, ...]  # what each unknown token replaced (made visible), in text order
    dropped: tuple[str, ...]  # characters (not whitespace) that leave no trace in the tokens, made
    #                           visible, in text order: removed by normalisation, or bytes without a token
    n_chars: int  # characters of the text
    n_bytes: int  # its UTF-8 bytes

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    @property
    def n_unk(self) -> int:
        return self.kinds.count(UNK)

    @property
    def n_byte_pieces(self) -> int:
        return self.kinds.count(BYTES)

    @property
    def chars_per_token(self) -> float | None:
        return self.n_chars / len(self.ids) if self.ids else None

    @property
    def bytes_per_token(self) -> float | None:
        return self.n_bytes / len(self.ids) if self.ids else None


@dataclass(frozen=True)
class Comparison:
    text: str  # the text tokenized (after the cut)
    n_chars_total: int  # characters before the cut
    truncated: bool
    results: tuple[Tokenized, ...]  # one per tokenizer given, in the order given
    unavailable: tuple[str, ...]  # keys of KEYS that were not given (package missing)

    @property
    def n_chars(self) -> int:
        return len(self.text)

    @property
    def n_bytes(self) -> int:
        return len(self.text.encode("utf-8"))

    def get(self, key: str) -> Tokenized | None:
        return next((r for r in self.results if r.key == key), None)


def tokenize(rt: RealTokenizer, text: str) -> Tokenized:
    """``text`` through one tokenizer, without special tokens, with readable pieces."""
    text = as_text(text)
    enc = rt.tokenizer.encode(text, add_special_tokens=False)
    ids, spans = tuple(enc.ids), tuple(enc.offsets)
    byte_level = rt.algorithm == "byte-level BPE"
    decode = byte_decoder() if byte_level else None
    known: dict[int, tuple[str, str, str]] = {}  # id -> (piece, display, kind): a text repeats its tokens
    pieces, display, kinds, unk_text = [], [], [], []
    for i, (a, b) in zip(ids, spans):
        if i not in known:
            piece = rt.tokenizer.id_to_token(i)
            if i == rt.unk_id:
                known[i] = (piece, piece, UNK)
            elif i in rt.special_ids:
                known[i] = (piece, piece, SPECIAL)
            elif byte_level:
                raw = bytes(decode[c] for c in piece)
                known[i] = (piece, readable_bytes(raw), PIECE if whole_utf8(raw) else BYTES)
            elif rt.algorithm == "unigram":
                known[i] = (piece, visible(piece.replace("\u2581", " ")), PIECE)  # SentencePiece's ▁ is a space
            else:
                known[i] = (piece, visible(piece), PIECE)
        piece, shown, kind = known[i]
        if kind == UNK:
            if text[a:b] == piece:  # "[UNK]" typed in the text: the special token, not an unknown word
                kind = SPECIAL
            else:
                unk_text.append(visible(text[a:b]))
        pieces.append(piece)
        display.append(shown)
        kinds.append(kind)
    gone = _dropped(rt, set(text))
    dropped = tuple(visible(ch) for ch in text if ch in gone) if gone else ()
    return Tokenized(key=rt.key, name=rt.name, algorithm=rt.algorithm, ids=ids, pieces=tuple(pieces),
                     display=tuple(display), kinds=tuple(kinds), spans=spans, unk_text=tuple(unk_text),
                     dropped=dropped, n_chars=len(text), n_bytes=len(text.encode("utf-8")))


def _dropped(rt: RealTokenizer, chars: set[str]) -> set[str]:
    """The characters (not whitespace) that leave no trace in the tokens: removed by the tokenizer's
    normaliser (control characters; WordPiece also combining accents), or, at byte level, holding a
    byte that has no token."""
    norm, missing = rt.tokenizer.normalizer, set(rt.missing_bytes)
    return {ch for ch in chars if not ch.isspace() and (
        (norm is not None and norm.normalize_str(ch) == "") or (missing and not missing.isdisjoint(ch.encode())))}


def compare(text: str, tokenizers: Sequence[RealTokenizer], max_chars: int = limits.TOKENIZE_TEXT_CHARS) -> Comparison:
    """The text (cut at ``max_chars`` characters, 0 .. limits.TOKENIZE_TEXT_CHARS) through each tokenizer.
    Never raises on odd text: empty, control characters, emoji, HTML, lone surrogates (they become U+FFFD
    first); ValueError on a ``max_chars`` outside its limit."""
    max_chars = limits.IntRange(0, limits.TOKENIZE_TEXT_CHARS, limits.TOKENIZE_TEXT_CHARS).check("max_chars", max_chars)
    cut, n_total, truncated = cut_text(text, max_chars)
    given = {rt.key for rt in tokenizers}
    return Comparison(text=cut, n_chars_total=n_total, truncated=truncated,
                      results=tuple(tokenize(rt, cut) for rt in tokenizers),
                      unavailable=tuple(k for k in KEYS if k not in given))


def sample_text(lang: str) -> str:
    """The bundled training sample (our own short texts of ~3 KB: ~3,200 characters of English,
    ~950 of Chinese), "en" or "zh"."""
    if lang not in SAMPLE_LANGS:
        raise ValueError(f"lang must be one of {SAMPLE_LANGS}, got {lang!r}")
    return (SAMPLES / f"bpe_sample_{lang}.txt").read_text(encoding="utf-8")
