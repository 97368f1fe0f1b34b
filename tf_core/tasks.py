"""The fixed little tasks the live training runs learn, made from a text that ships with the app.

The text is ``assets/text/bpe_sample_en.txt`` (written for this project), lower-cased, one token per
character (its ~30 distinct characters). Every batch is a set of windows of that text at positions
drawn from a seeded ``torch.Generator``, so a seed fixes every batch of a run.

- ``reverse``: read a window, write it backwards: target[i] = window[T - 1 - i]. Each output
  position must find one particular input position, so the task needs the position embeddings
  (without them attention is permutation-equivariant and every position would predict the same
  mix) and it needs attention to move information between positions. A model that has learned
  only which characters are common sits at the text's character entropy; one that has learned the
  task goes to 0. Bidirectional (no causal mask), like an encoder.
- ``next``: the next character after each position (a character language model; use a causal stack).

    >>> task = load("reverse")
    >>> x, y = task.batch(batch=2, length=5, generator=seeded(0))
    >>> torch.equal(y, x.flip(1)), x.shape
    (True, torch.Size([2, 5]))
"""
from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch

TEXT = Path(__file__).resolve().parent.parent / "assets" / "text" / "bpe_sample_en.txt"
TASKS = ("reverse", "next")


def seeded(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    gen = torch.Generator(device=device)
    gen.manual_seed(int(seed))
    return gen


@dataclass(frozen=True, eq=False)
class CharTask:
    name: str
    chars: str  # the vocabulary, sorted: token i is chars[i]
    ids: torch.Tensor  # (N,) the whole text as token ids

    @property
    def vocab(self) -> int:
        return len(self.chars)

    @property
    def entropy(self) -> float:
        """The text's character entropy in nats: the loss of a model that knows only how common
        each character is (the plateau before a reverse-task model finds the positions)."""
        counts = torch.bincount(self.ids, minlength=self.vocab).double()
        p = counts[counts > 0] / counts.sum()
        return float(-(p * p.log()).sum())

    @property
    def chance(self) -> float:
        """ln(vocab): the loss of a uniform guess, where a run starts."""
        return math.log(self.vocab)

    def batch(self, batch: int, length: int, generator: torch.Generator,
              device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
        """(inputs, targets), each (batch, length) token ids, on ``device``."""
        span = length + 1 if self.name == "next" else length
        if not 1 <= span <= len(self.ids):
            raise ValueError(f"window of {span} characters does not fit the {len(self.ids)}-character text")
        starts = torch.randint(0, len(self.ids) - span + 1, (batch,), generator=generator)  # (B,)
        windows = self.ids[starts[:, None] + torch.arange(span)]  # (B, span)
        if self.name == "next":
            x, y = windows[:, :-1], windows[:, 1:]
        else:
            x, y = windows, windows.flip(1)
        return x.to(device), y.to(device)

    def decode(self, ids) -> str:
        return "".join(self.chars[int(i)] for i in ids)


@functools.cache
def load(name: str = "reverse") -> CharTask:
    """The task ``name`` ("reverse" or "next") over the shipped text. Cached: read once per process."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {TASKS}")
    text = " ".join(TEXT.read_text(encoding="utf-8").lower().split())  # one space between words
    chars = "".join(sorted(Counter(text)))
    index = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.long)  # (N,)
    return CharTask(name, chars, ids)
