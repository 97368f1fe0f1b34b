"""LayerNorm, BatchNorm and RMSNorm, written out, each able to show the statistics it normalises by.

    LayerNorm(x) = (x - mean_D(x)) / sqrt(var_D(x) + eps) * gamma + beta      per token, over its D features
    BatchNorm(x) = (x - mean_BT(x)) / sqrt(var_BT(x) + eps) * gamma + beta    per feature, over the batch
    RMSNorm(x)   = x / sqrt(mean_D(x^2) + eps) * gamma                         per token, no centring, no beta

(Ba et al. 2016; Ioffe & Szegedy 2015; Zhang & Sennrich 2019.) Each equals PyTorch's own module
(``nn.LayerNorm``, ``nn.BatchNorm1d`` in training and in evaluation mode, ``nn.RMSNorm``): the tests
compare outputs and gradients with ``torch.testing.assert_close``.

The point of the lesson is *which numbers* each one averages over, so each module has a
``statistics(x, mask)`` returning them as a :class:`NormStats`:

- LayerNorm and RMSNorm: one mean (RMSNorm: one mean square) per token. A token's statistics do not
  depend on the other sentences in the batch, on the batch size, or on padding.
- BatchNorm: one mean and variance per *feature*, over every position of every sequence in the batch.
  Padding positions are counted unless a ``mask`` (True = a real token) leaves them out; with the
  padding counted, the statistics change with how much padding the batch has.

Shapes: x is (B, T, D) (a batch of sequences) or (N, D) (a batch of vectors); the mask is (B, T) or (N,).

Deviation, stated: ``nn.BatchNorm1d`` takes (N, C) or (N, C, L) with the features in dimension 1; a
Transformer's activations are (B, T, D) with the features last. :class:`BatchNorm` takes the
Transformer layout and normalises each of the D features over all B x T positions, which is
``nn.BatchNorm1d(D)`` applied to ``x.reshape(B * T, D)`` (or to ``x.transpose(1, 2)``).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class NormStats:
    """What a norm divides by, as tensors (off the autograd graph).

    mean: LayerNorm (B, T) per token; BatchNorm (D,) per feature; RMSNorm None (it does not centre).
    scale: the denominator sqrt(var + eps) (RMSNorm: sqrt(mean(x^2) + eps)), the same shape.
    count: how many numbers each statistic averaged (D for a token; the positions counted for BatchNorm).
    """

    mean: torch.Tensor | None
    scale: torch.Tensor
    count: int


def _flat(x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """The rows BatchNorm averages over: every position, or only the masked-in ones. (N, D)."""
    rows = x.reshape(-1, x.shape[-1])  # (B*T, D)
    if mask is None:
        return rows
    keep = mask.reshape(-1)
    if keep.dtype != torch.bool or keep.numel() != rows.shape[0]:
        raise ValueError(f"mask must be boolean with one entry per position, got {tuple(mask.shape)}")
    return rows[keep]


class LayerNorm(nn.Module):
    """Per-token normalisation over the last dimension; equal to ``nn.LayerNorm(d)``."""

    def __init__(self, d: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))
        self.bias = nn.Parameter(torch.zeros(d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        centred = x - x.mean(-1, keepdim=True)  # (..., D)
        # (..., 1) the biased variance, as nn.LayerNorm, as the mean of squared deviations: torch's x.var
        # (a one-pass Welford reduction) took ~3.3 ms on (1024, 576) on one CPU thread, this ~0.2 ms
        var = centred.pow(2).mean(-1, keepdim=True)
        return centred / torch.sqrt(var + self.eps) * self.weight + self.bias

    @torch.no_grad()
    def statistics(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> NormStats:
        """Each token's own mean and scale, (...,); ``mask`` changes nothing (no token looks at another)."""
        return NormStats(x.mean(-1), torch.sqrt(x.var(-1, unbiased=False) + self.eps), x.shape[-1])


class RMSNorm(nn.Module):
    """x / sqrt(mean(x^2) + eps) * gamma, per token; equal to ``nn.RMSNorm(d, eps=eps)``."""

    def __init__(self, d: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight

    @torch.no_grad()
    def statistics(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> NormStats:
        return NormStats(None, torch.sqrt(x.pow(2).mean(-1) + self.eps), x.shape[-1])


class BatchNorm(nn.Module):
    """Per-feature normalisation over every position of the batch, features last; equal to
    ``nn.BatchNorm1d(d, eps, momentum)`` on ``x.reshape(-1, d)``.

    Training mode: the batch's own mean and biased variance normalise; the running estimates move
    toward the batch's mean and *unbiased* variance by ``momentum`` (as PyTorch does). Evaluation
    mode: the running estimates normalise, whatever the batch. ``mask`` (True = a real token)
    leaves padding out of the batch statistics in training mode (padding rows are still normalised,
    by the real tokens' statistics); ``nn.BatchNorm1d`` has no such option and counts every row."""

    def __init__(self, d: int, eps: float = 1e-5, momentum: float = 0.1):
        super().__init__()
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(d))
        self.bias = nn.Parameter(torch.zeros(d))
        self.register_buffer("running_mean", torch.zeros(d))
        self.register_buffer("running_var", torch.ones(d))

    def _batch_moments(self, x: torch.Tensor, mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor, int]:
        rows = _flat(x, mask)  # (N, D)
        if rows.shape[0] < 1:
            raise ValueError("BatchNorm needs at least one position in the batch")
        return rows.mean(0), rows.var(0, unbiased=False), rows.shape[0]  # (D,), (D,)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if self.training:
            mean, var, n = self._batch_moments(x, mask)
            if n < 2:  # subtle: PyTorch refuses too: the variance of one value is 0 and says nothing
                raise ValueError("BatchNorm in training mode needs more than one value per feature (got 1)")
            with torch.no_grad():
                unbiased = var * n / (n - 1)
                self.running_mean.lerp_(mean.detach(), self.momentum)
                self.running_var.lerp_(unbiased.detach(), self.momentum)
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias

    @torch.no_grad()
    def statistics(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> NormStats:
        """The statistics this call would normalise by: the batch's (training mode; ``mask``
        leaves padding out) or the running estimates (evaluation mode). (D,) each."""
        if self.training:
            mean, var, n = self._batch_moments(x, mask)
            return NormStats(mean, torch.sqrt(var + self.eps), n)
        return NormStats(self.running_mean.clone(), torch.sqrt(self.running_var + self.eps), 0)


NORMS = {"layer": LayerNorm, "batch": BatchNorm, "rms": RMSNorm}


def make_norm(kind: str, d: int) -> nn.Module:
    """A norm by name ("layer", "batch", "rms"; "none": the identity)."""
    if kind == "none":
        return nn.Identity()
    if kind not in NORMS:
        raise ValueError(f"unknown norm {kind!r}; choose one of {sorted(NORMS)} or 'none'")
    return NORMS[kind](d)
