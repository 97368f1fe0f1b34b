"""The learner's prompt as a decoder's token ids, shown readably, and one token swapped for another.

Shared by the decoder lessons (causal-mask, residual-leak, parallelism, kv-cache). Two kinds of
tokenizer are accepted, duck-typed:
  * a ``tokenizers.Tokenizer`` (SmolLM2's byte-level BPE): ``encode(text, add_special_tokens=False).ids``
    and ``id_to_token(i)``;
  * a character vocabulary such as ``tf_core.models.vocab.Vocab``: ``encode(text) -> list[int]`` (a
    character it lacks raises ``ValueError``, which is passed on) and ``decode(ids) -> list[str]``.

Display strings follow tf_core.readable's convention: "␣" for a space, "↵" a newline,
⟨E6 B3⟩ for a byte-level piece that holds only part of a character (emoji and many Chinese
characters fall apart into such pieces in SmolLM2's vocabulary), ⟨U+200B⟩ for an invisible
character. Each sequence of tokens comes in two forms: ``pieces``, the characters (consecutive
pieces that make whole characters together show them on their first piece and "·" on the others:
``从 ·`` for ⟨E4 BB⟩ ⟨8E⟩; :func:`tf_core.readable.char_labels`), what charts and token rows show;
and ``byte_pieces``, each token by itself (the hexadecimal form), what names one token (the one
replaced at p). Both are plain text: a page must escape them (a prompt may hold "<script>").

The replacement token, when the caller gives none: the first of " dog", " cat", "dog", "cat",
"a", "b", "x" that is ONE token of the vocabulary and differs from the token it replaces; else the
next id. Deterministic, and a real word wherever the vocabulary has one.

``resolve`` turns what a learner typed into a runnable perturbation without raising: an empty
prompt, one that gives no token or a single token runs a default prompt instead; the position is
clamped to 1 .. T-1; the replacement word becomes its first token. What it changed comes back as
codes (``Inputs.prompt_notice``, ``Inputs.word_notice``) that a page words in its own language.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.readable import as_text, byte_decoder, char_labels, readable_bytes

REPLACEMENTS = (" dog", " cat", "dog", "cat", "a", "b", "x")


@dataclass(frozen=True)
class Prompt:
    ids: tuple[int, ...]  # the tokens the lesson runs (after any cut)
    pieces: tuple[str, ...]  # the same, readable as characters (see the module docstring)
    byte_pieces: tuple[str, ...]  # the same, each token by itself (hexadecimal where it is part of a character)
    n_total: int  # tokens of the (character-cut) text before the token cut
    n_chars_total: int  # characters of the text before the character cut
    truncated: bool  # cut at the character or the token cap

    def __len__(self) -> int:
        return len(self.ids)

    def tensor(self, device: torch.device | str = "cpu") -> torch.Tensor:
        """(1, T) int64 ids."""
        return torch.tensor([self.ids], dtype=torch.long, device=device)


@dataclass(frozen=True)
class Perturbation:
    """What the perturbation lessons (causal-mask, residual-leak) share: the prompt, and the token
    put at one position. Their result dataclasses extend it; ``perturbation()`` fills it."""

    pieces: tuple[str, ...]  # the prompt's tokens, readable as characters (see the module docstring)
    byte_pieces: tuple[str, ...]  # the same, each token by itself
    ids: np.ndarray  # (T,) int64 the prompt's token ids
    n_total: int  # tokens before the cut
    truncated: bool  # the prompt was cut (characters or tokens)
    position: int  # p: the position whose token is replaced
    replacement_id: int
    replacement_piece: str  # the new token at p, by itself (byte form: it names the token)
    changed_pieces: tuple[str, ...]  # the prompt with the new token at p, as characters (regrouped: a
    #                                  swap in the middle of a character leaves its other pieces hex)
    changed_byte_pieces: tuple[str, ...]  # the same, each token by itself


def perturbation(prompt: Prompt, position: int, replacement_id: int, tokenizer) -> dict[str, object]:
    """The ``Perturbation`` fields, as keywords for a result that extends it."""
    changed = list(prompt.ids)
    changed[position] = replacement_id
    changed_chars, changed_bytes = labels(tokenizer, changed)
    return dict(pieces=prompt.pieces, byte_pieces=prompt.byte_pieces, ids=np.array(prompt.ids, dtype=np.int64),
                n_total=prompt.n_total, truncated=prompt.truncated, position=position,
                replacement_id=replacement_id, replacement_piece=changed_bytes[position],
                changed_pieces=changed_chars, changed_byte_pieces=changed_bytes)


def change(a: torch.Tensor, b: torch.Tensor) -> np.ndarray:
    """How much each position changed between two runs: (..., T, X), (..., T, X) -> (..., T) float64
    NumPy, max |b - a| over the last axis (the vocabulary for logits, the features for a hidden state)."""
    return (b - a).abs().amax(dim=-1).double().cpu().numpy()


def encode_ids(tokenizer, text: str) -> list[int]:
    """The ids of ``text``, nothing added around it."""
    if hasattr(tokenizer, "id_to_token"):  # tokenizers.Tokenizer
        return list(tokenizer.encode(text, add_special_tokens=False).ids)
    return list(tokenizer.encode(text))  # a character vocabulary


def _is_byte_level(tokenizer) -> bool:
    try:
        from tokenizers import decoders
    except ImportError:  # pragma: no cover - tokenizers is an app dependency
        return False
    return isinstance(getattr(tokenizer, "decoder", None), decoders.ByteLevel)


def token_bytes(tokenizer, token_id: int) -> bytes | str:
    """The bytes of text one token stands for; a token that is no text of bytes (a special token,
    an id the vocabulary lacks, a piece of a tokenizer that is not byte-level) as its display
    string instead (``str``: tf_core.readable's grouping leaves it as it is)."""
    if not hasattr(tokenizer, "id_to_token"):  # a character vocabulary
        return tokenizer.decode([token_id])[0].encode("utf-8", "replace")
    raw = tokenizer.id_to_token(int(token_id))
    if raw is None:
        return f"⟨id {token_id}⟩"
    added = tokenizer.get_added_tokens_decoder()
    if token_id in added and added[token_id].special:
        return raw
    if _is_byte_level(tokenizer):
        table = byte_decoder()
        if all(c in table for c in raw):
            return bytes(table[c] for c in raw)
    return raw.encode("utf-8", "replace")  # a piece spelled as text (made visible like any other)


def piece(tokenizer, token_id: int) -> str:
    """One token by itself, readable: byte-level pieces as their characters or hexadecimal bytes,
    special tokens as spelled, anything else with its spaces and invisible characters made visible.

    >>> class Chars:  # a character vocabulary: "a", " ", newline
    ...     def decode(self, ids): return ["a \\n"[i] for i in ids]
    >>> piece(Chars(), 1), piece(Chars(), 2)
    ('␣', '↵')
    """
    raw = token_bytes(tokenizer, token_id)
    return raw if isinstance(raw, str) else readable_bytes(raw)


def labels(tokenizer, ids) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(characters, byte form) of consecutive tokens (see the module docstring).

    >>> class Chars:  # a character vocabulary: every token is whole characters, both forms agree
    ...     def decode(self, ids): return ["a 从"[i] for i in ids]
    >>> labels(Chars(), [0, 1, 2])
    (('a', '␣', '从'), ('a', '␣', '从'))
    """
    ids = [int(i) for i in ids]
    raw = [token_bytes(tokenizer, i) for i in ids]
    return char_labels(raw), tuple(r if isinstance(r, str) else readable_bytes(r) for r in raw)


def encode(tokenizer, text: object, max_tokens: int = limits.DECODER_TOKENS,
           max_chars: int = limits.DECODER_TEXT_CHARS) -> Prompt:
    """The prompt cut at ``max_chars`` characters, tokenized, cut at ``max_tokens`` tokens (the
    beginning is kept). Raises ValueError for an empty prompt (nothing but whitespace), one with no
    token (only characters the tokenizer drops) and a cap outside its limit."""
    max_tokens = limits.IntRange(1, limits.DECODER_TOKENS, limits.DECODER_TOKENS).check("max_tokens", max_tokens)
    max_chars = limits.IntRange(1, limits.DECODER_TEXT_CHARS, limits.DECODER_TEXT_CHARS).check("max_chars", max_chars)
    full = as_text(text)
    cut = full[:max_chars]
    if not cut.strip():
        raise ValueError("the prompt is empty: type at least one word")
    ids = encode_ids(tokenizer, cut)
    if not ids:
        raise ValueError("the prompt gives no token (its characters are dropped by the tokenizer)")
    kept = ids[:max_tokens]
    chars, byte_form = labels(tokenizer, kept)
    return Prompt(ids=tuple(kept), pieces=chars, byte_pieces=byte_form, n_total=len(ids),
                  n_chars_total=len(full), truncated=len(full) > max_chars or len(ids) > max_tokens)


def replacement_for(tokenizer, current: int, n_vocab: int) -> int:
    """A deterministic other token for ``current`` (see the module docstring)."""
    for word in REPLACEMENTS:
        try:
            ids = encode_ids(tokenizer, word)
        except ValueError:  # a character vocabulary without that character
            continue
        if len(ids) == 1 and ids[0] != current and ids[0] < n_vocab:
            return ids[0]
    return (current + 1) % n_vocab


def swap(prompt: Prompt, position: int, replacement: int | None, tokenizer, n_vocab: int) -> tuple[int, int]:
    """Check ``position`` and ``replacement`` against the prompt and the model's vocabulary; returns
    (position, replacement id). ``replacement`` None picks one with :func:`replacement_for`."""
    T = len(prompt.ids)
    position = limits.IntRange.indices(T).check("position", position)
    current = prompt.ids[position]
    if replacement is None:
        return position, replacement_for(tokenizer, current, n_vocab)
    replacement = limits.IntRange.indices(n_vocab).check("replacement", replacement)
    if replacement == current:
        raise ValueError(f"token {replacement} is already at position {position}: replacing it changes nothing")
    return position, replacement


# --- the learner's input, resolved for the perturbation lessons ------------------------------------
PROMPT_NOTICES = ("empty", "no_token", "one_token")  # why a default prompt runs instead of the learner's
WORD_NOTICES = ("none", "same", "first")  # the word gives no token / is the token at p / is several tokens


@dataclass(frozen=True)
class Inputs:
    """What a perturbation lesson runs, from what the learner typed (see :func:`resolve`)."""

    text: str  # the prompt that runs: the learner's, or the first default that works
    prompt: Prompt
    prompt_notice: str | None  # None, or one of PROMPT_NOTICES: why a default prompt runs instead
    asked_position: int
    position: int  # p: asked_position clamped to 1 .. T-1 (position 0 has nothing before it)
    replacement: int | None  # the word's first token; None: the automatic choice (:func:`replacement_for`)
    word_notice: str | None  # None, or one of WORD_NOTICES
    word_tokens: int  # how many tokens the word is, as placed at p (0 without a word)
    word_first: str  # its first token, readable ("" without one)

    @property
    def position_clamped(self) -> bool:
        return self.position != self.asked_position


def _two_tokens(tokenizer, text: str, max_tokens: int) -> tuple[Prompt | None, str | None]:
    """(the prompt, None) when ``text`` gives at least two tokens, else (None, the notice code)."""
    try:
        prompt = encode(tokenizer, text, max_tokens)
    except ValueError:
        return None, "empty" if not as_text(text).strip() else "no_token"
    return (prompt, None) if len(prompt) >= 2 else (None, "one_token")


def _word(tokenizer, prompt: Prompt, position: int, word: str) -> tuple[int | None, str | None, int, str]:
    """(replacement id or None, notice, tokens of the word, its first token readable). The word keeps
    the leading space of the word token it replaces ("dog" for "␣cat" is " dog"); a token that is a
    space alone (a character vocabulary's "␣") is replaced by the word as typed."""
    word = as_text(word)[:limits.DECODER_WORD_CHARS]
    if not word.strip():
        return None, None, 0, ""
    current = prompt.byte_pieces[position]  # the token itself (a "·" character label says nothing)
    spaced = " " + word.strip() if current.startswith("␣") and len(current) > 1 and not word[:1].isspace() else word
    try:
        ids = encode_ids(tokenizer, spaced)
    except ValueError:  # a character vocabulary without one of its characters
        ids = []
    if not ids:
        return None, "none", 0, ""
    first = piece(tokenizer, ids[0])
    if ids[0] == prompt.ids[position]:
        return None, "same", len(ids), first
    return ids[0], "first" if len(ids) > 1 else None, len(ids), first


def resolve(tokenizer, text: object, defaults: tuple[str, ...], position: int, word: object = "",
            max_tokens: int = limits.DECODER_TOKENS) -> Inputs:
    """The learner's prompt, position and replacement word made runnable (see the module docstring).
    ``defaults``: the prompts to fall back on, in order (the page's language first; a character
    vocabulary may lack the characters of some). ValueError only when no default gives two tokens.

    >>> class Chars:  # a character vocabulary
    ...     tokens = "abc "
    ...     def encode(self, text): return [self.tokens.index(c) for c in text]
    ...     def decode(self, ids): return [self.tokens[i] for i in ids]
    >>> r = resolve(Chars(), "", ("abc",), position=9, word="ba")
    >>> r.text, r.prompt_notice, r.position, r.position_clamped, r.replacement, r.word_notice
    ('abc', 'empty', 2, True, 1, 'first')
    """
    prompt, notice = _two_tokens(tokenizer, text, max_tokens)
    used = as_text(text)
    if prompt is None:
        for candidate in defaults:
            prompt, _ = _two_tokens(tokenizer, candidate, max_tokens)
            if prompt is not None:
                used = candidate
                break
        else:
            raise ValueError("neither the prompt nor a default prompt gives two tokens of this vocabulary")
    asked = int(position)
    p = min(max(asked, 1), len(prompt) - 1)
    replacement, word_notice, n_word, first = _word(tokenizer, prompt, p, word)
    return Inputs(text=used, prompt=prompt, prompt_notice=notice, asked_position=asked, position=p,
                  replacement=replacement, word_notice=word_notice, word_tokens=n_word, word_first=first)
