"""Dropout as a per-call option with its own random generator.

    dropout(x, p) = x * m / (1 - p),   m ~ Bernoulli(1 - p) per element         (Srivastava et al. 2014)

Training zeroes each element with probability p and scales the survivors by 1 / (1 - p), so the
expected value of every element is unchanged; at test time dropout is the identity (no scaling
then: the 1 / (1 - p) was paid during training, "inverted dropout", as ``nn.Dropout`` does).

Why not ``nn.Dropout`` and ``model.train()``: a model the app caches is shared by every learner, so
switching it to training mode for one would change everyone's results (DESIGN.md: no per-user state
on a shared model), and ``nn.Dropout`` draws from torch's global generator, which other sessions'
threads share, so the same seed would not give the same mask. Here the caller passes a
:class:`Dropout` (the rate and a seeded ``torch.Generator``) into a forward call; ``None`` means no
dropout, the evaluation behaviour.

    >>> import torch
    >>> x = torch.ones(2, 4)
    >>> a = dropout(x, Dropout.seeded(0.5, seed=0)); b = dropout(x, Dropout.seeded(0.5, seed=0))
    >>> torch.equal(a, b), sorted(set(a.flatten().tolist())) <= [0.0, 2.0]
    (True, True)
    >>> torch.equal(dropout(x, None), x)
    True
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True, eq=False)
class Dropout:
    """A dropout rate and the generator its masks come from (one per call chain: each mask drawn
    advances it, so two layers get different masks and the same seed replays the same ones)."""

    p: float
    generator: torch.Generator

    def __post_init__(self) -> None:
        if not 0.0 <= self.p < 1.0:
            raise ValueError(f"dropout rate must be in [0, 1), got {self.p}")

    @classmethod
    def seeded(cls, p: float, seed: int, device: torch.device | str = "cpu") -> Dropout:
        gen = torch.Generator(device=device)
        gen.manual_seed(int(seed))
        return cls(p, gen)


def dropout(x: torch.Tensor, d: Dropout | None) -> torch.Tensor:
    """``x`` with dropout ``d`` applied (``None`` or p = 0: ``x`` itself)."""
    if d is None or d.p == 0.0:
        return x
    keep = torch.rand(x.shape, generator=d.generator, device=x.device, dtype=torch.float32) >= d.p  # x's shape
    return x * keep.to(x.dtype) / (1.0 - d.p)
