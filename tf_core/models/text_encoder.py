"""A pretrained encoder together with its tokenizer: text in, tokens and hidden states out.

The tokenizer is the ``tokenizers`` library reading the model's own tokenizer file, with its
padding and truncation switched off: the lesson's token cap (tf_core.limits) decides the length,
and a text over it is cut with ``Tokens.truncated`` set so that the page can say so.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from tf_core.models.encoder import Encoder, EncoderOutput


@dataclass(frozen=True)
class Tokens:
    ids: tuple[int, ...]  # token ids, special tokens included
    pieces: tuple[str, ...]  # the vocabulary entry of each id, as the tokenizer spells it
    n_total: int  # tokens before truncation
    truncated: bool  # True when the text had more than the cap and was cut

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class TextEncoder:
    key: str  # short id used in URLs and caches ("minilm", "e5")
    name: str  # the model's published name
    model: Encoder
    tokenizer: object  # tokenizers.Tokenizer
    source: str  # the registry package it comes from
    licence: str
    prefix: str = ""  # text put before the learner's (e5 expects "query: ")
    unk_id: int | None = None

    def tokenize(self, text: str, max_tokens: int) -> Tokens:
        """Tokens of ``prefix + text`` with the model's special tokens, at most ``max_tokens``
        (the closing special token is kept when cutting)."""
        if max_tokens < 2:
            raise ValueError("max_tokens must leave room for the two special tokens")
        enc = self.tokenizer.encode(self.prefix + text)
        ids, pieces = list(enc.ids), list(enc.tokens)
        n_total = len(ids)
        if n_total > max_tokens:
            ids = ids[: max_tokens - 1] + ids[-1:]
            pieces = pieces[: max_tokens - 1] + pieces[-1:]
        return Tokens(ids=tuple(ids), pieces=tuple(pieces), n_total=n_total, truncated=n_total > max_tokens)

    def run(self, tokens: Tokens, **kwargs) -> EncoderOutput:
        """The encoder on one sequence (batch of 1); keyword arguments go to ``Encoder.forward``."""
        device = next(self.model.parameters()).device
        ids = torch.tensor([tokens.ids], dtype=torch.long, device=device)  # (1, T)
        return self.model(ids, **kwargs)
