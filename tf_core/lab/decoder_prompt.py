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
character. They are plain text: a page must escape them (a prompt may hold "<script>").

The replacement token, when the caller gives none: the first of " dog", " cat", "dog", "cat",
"a", "b", "x" that is ONE token of the vocabulary and differs from the token it replaces; else the
next id. Deterministic, and a real word wherever the vocabulary has one.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.readable import as_text, byte_decoder, readable_bytes, visible

REPLACEMENTS = (" dog", " cat", "dog", "cat", "a", "b", "x")


@dataclass(frozen=True)
class Prompt:
    ids: tuple[int, ...]  # the tokens the lesson runs (after any cut)
    pieces: tuple[str, ...]  # the same, readable (see the module docstring)
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

    pieces: tuple[str, ...]  # the prompt's tokens, readable (see the module docstring)
    ids: np.ndarray  # (T,) int64 the prompt's token ids
    n_total: int  # tokens before the cut
    truncated: bool  # the prompt was cut (characters or tokens)
    position: int  # p: the position whose token is replaced
    replacement_id: int
    replacement_piece: str  # the new token at p, readable


def perturbation(prompt: Prompt, position: int, replacement_id: int, tokenizer) -> dict[str, object]:
    """The ``Perturbation`` fields, as keywords for a result that extends it."""
    return dict(pieces=prompt.pieces, ids=np.array(prompt.ids, dtype=np.int64), n_total=prompt.n_total,
                truncated=prompt.truncated, position=position, replacement_id=replacement_id,
                replacement_piece=piece(tokenizer, replacement_id))


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


def piece(tokenizer, token_id: int) -> str:
    """One token, readable: byte-level pieces as their characters or hexadecimal bytes, special
    tokens as spelled, anything else with its spaces and invisible characters made visible.

    >>> class Chars:  # a character vocabulary: "a", " ", newline
    ...     def decode(self, ids): return ["a \\n"[i] for i in ids]
    >>> piece(Chars(), 1), piece(Chars(), 2)
    ('␣', '↵')
    """
    if not hasattr(tokenizer, "id_to_token"):
        return visible(tokenizer.decode([token_id])[0])
    raw = tokenizer.id_to_token(int(token_id))
    if raw is None:
        return f"⟨id {token_id}⟩"
    added = tokenizer.get_added_tokens_decoder()
    if token_id in added and added[token_id].special:
        return raw
    if _is_byte_level(tokenizer):
        table = byte_decoder()
        if all(c in table for c in raw):
            return readable_bytes(bytes(table[c] for c in raw))
    return visible(raw)


def encode(tokenizer, text: object, max_tokens: int = limits.DECODER_TOKENS,
           max_chars: int = limits.DECODER_TEXT_CHARS) -> Prompt:
    """The prompt cut at ``max_chars`` characters, tokenized, cut at ``max_tokens`` tokens (the
    beginning is kept). Raises ValueError for an empty prompt (nothing but whitespace), one with no
    token (only characters the tokenizer drops) and a cap outside its limit."""
    max_tokens = limits.IntRange(1, limits.DECODER_TOKENS, limits.DECODER_TOKENS).check("max_tokens", max_tokens)
    full = as_text(text)
    cut = full[:max_chars]
    if not cut.strip():
        raise ValueError("the prompt is empty: type at least one word")
    ids = encode_ids(tokenizer, cut)
    if not ids:
        raise ValueError("the prompt gives no token (its characters are dropped by the tokenizer)")
    kept = ids[:max_tokens]
    return Prompt(ids=tuple(kept), pieces=tuple(piece(tokenizer, i) for i in kept), n_total=len(ids),
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
