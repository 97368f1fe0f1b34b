"""A short training run, live: the loop the lessons on norms, residuals, activations, warm-up and
weight tying run in seconds, reporting every step.

(Not tf_core/train.py: that is the command line that trains the shipped checkpoints.)

    run = train(model, batches, steps=60, lr_at=constant(1e-3), seed=0, on_step=print_it)

Each step: a batch, the loss, its gradients, the gradient norm of each block (the evidence for
residuals and norm placement), then one Adam step at the schedule's learning rate. ``on_step``
gets a :class:`StepReport` after every step (a page draws progress and the growing loss curve
from it, in the caller's thread).

Deterministic: the model is initialised from the seed's own generator (:func:`tf_core.blocks.init_weights`),
every batch comes from a second generator seeded from it, dropout from a third, and the run holds
torch to ``threads`` CPU threads (``limits.TRAIN_THREADS``), so the same seed and settings draw the
same curves on any CPU with the same torch build (a float sum split over another thread count
rounds differently, so the count is fixed and shown). On a GPU the same holds up to the kernels'
own non-determinism; the page says which device ran.

A diverged run is a result: when the loss stops being finite, the run ends there, ``diverged_at``
says at which step, and the remaining steps are NaN. Gradients are not clipped: clipping would hide
exactly the instability the warm-up and Post-LN lessons are about.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tf_core import limits
from tf_core.blocks import init_weights
from tf_core.device import fixed_threads, get_device  # fixed_threads: re-exported for the labs
from tf_core.dropout import Dropout
from tf_core.tasks import seeded

# The generators of one run, apart: initial weights, batches, dropout masks.
INIT_OFFSET, BATCH_OFFSET, DROPOUT_OFFSET = 0, 1, 2
ADAM_BETAS = (0.9, 0.98)  # the original paper's (Vaswani et al. 2017, section 5.3)
ADAM_EPS = 1e-9


@dataclass(frozen=True)
class StepReport:
    step: int  # 0-based
    steps: int  # the run's length
    loss: float
    lr: float
    grad_norms: tuple[float, ...]  # per block, first block first


@dataclass(frozen=True)
class TrainRun:
    """A finished run: per-step series as NumPy arrays."""

    loss: np.ndarray  # (S,) float64; NaN after a divergence
    lr: np.ndarray  # (S,)
    grad_norms: np.ndarray  # (S, L) the gradient norm of each block's parameters; NaN after a divergence
    diverged_at: int | None  # the first step whose loss (or a gradient) was not finite
    seconds: float  # wall-clock time of the steps
    threads: int  # torch CPU threads the run held
    device: str  # "cpu", "cuda", "mps"

    @property
    def steps(self) -> int:
        return len(self.loss)

    def final_loss(self, last: int = 5) -> float:
        """The mean loss of the last ``last`` steps (NaN if the run diverged): one batch's loss is noisy."""
        return float(np.mean(self.loss[-last:])) if self.diverged_at is None else math.nan


def constant(lr: float) -> Callable[[int], float]:
    return lambda step: lr


def linear_warmup(lr: float, warmup: int) -> Callable[[int], float]:
    """From lr / warmup up to ``lr`` over ``warmup`` steps, then constant (0 warm-up steps: constant)."""
    return lambda step: lr * min(1.0, (step + 1) / warmup) if warmup > 0 else lr


def noam(d_model: int, warmup: int, factor: float = 1.0) -> Callable[[int], float]:
    """The original paper's schedule (Vaswani et al. 2017, eq. 3), steps counted from 1:
    lr = factor · d_model^-0.5 · min(step^-0.5, step · warmup^-1.5): linear warm-up to the peak at
    step = warmup, then decay as 1/sqrt(step).

    >>> f = noam(512, 4000); round(f(3999) * 1e3, 4)    # the peak, at step 4000
    0.6988
    """
    if warmup < 1:
        raise ValueError(f"warm-up must be at least 1 step, got {warmup}")
    return lambda step: factor * d_model ** -0.5 * min((step + 1) ** -0.5, (step + 1) * warmup ** -1.5)


def block_grad_norms(groups: list[list[nn.Parameter]]) -> list[float]:
    """sqrt(sum of squared gradients) over each group's parameters (0 for a group without gradients)."""
    norms = []
    for params in groups:
        sq = [p.grad.detach().double().pow(2).sum() for p in params if p.grad is not None]
        norms.append(float(torch.stack(sq).sum().sqrt()) if sq else 0.0)
    return norms


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position. logits (B, T, V), targets (B, T)."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), targets.reshape(-1))


def gradient_norms(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, list[float]]:
    """One forward and backward of ``model`` (a :class:`tf_core.blocks.Stack`) on (x, y), no update:
    (the loss, each block's gradient norm). At initialisation this is Xiong et al.'s measurement."""
    model.train()
    model.zero_grad(set_to_none=True)
    loss = cross_entropy(model(x), y)
    loss.backward()
    norms = block_grad_norms(model.layer_groups())
    model.zero_grad(set_to_none=True)
    model.eval()
    return float(loss.detach()), norms


def train(model: nn.Module, batches: Callable[[torch.Generator], tuple[torch.Tensor, torch.Tensor]], *, steps: int,
          lr_at: Callable[[int], float], seed: int, dropout: float = 0.0, init: str = "xavier", weight_decay: float = 0.0,
          threads: int = limits.TRAIN_THREADS, on_step: Callable[[StepReport], None] | None = None,
          device: torch.device | None = None) -> TrainRun:
    """Train ``model`` (a :class:`tf_core.blocks.Stack`: ``model(x, drop)`` gives logits and
    ``layer_groups()`` its blocks) in place for ``steps`` Adam steps, from weights the seed sets.

    ``batches(generator)`` returns one (inputs, targets) pair from the batch generator (on any
    device: they are moved to the model's); ``lr_at(step)`` the learning rate of each 0-based step; ``dropout`` the rate at the
    paper's places (0: none); ``init`` the scheme of :func:`tf_core.blocks.init_weights`. Returns the per-step series (:class:`TrainRun`)."""
    limits.TRAIN_STEPS.check("steps", steps)
    device = device or get_device()
    with fixed_threads(threads):
        model.to(device)
        init_weights(model, seeded(seed + INIT_OFFSET), init)  # on the CPU generator: the same weights on any device
        batch_gen = seeded(seed + BATCH_OFFSET)
        drop = Dropout.seeded(dropout, seed + DROPOUT_OFFSET, device) if dropout > 0 else None
        opt = torch.optim.AdamW(model.parameters(), lr=lr_at(0), betas=ADAM_BETAS, eps=ADAM_EPS,
                                weight_decay=weight_decay)
        groups = model.layer_groups()
        loss_s = np.full(steps, np.nan)
        lr_s = np.array([lr_at(s) for s in range(steps)], dtype=np.float64)
        norms_s = np.full((steps, len(groups)), np.nan)
        diverged = None
        model.train()
        start = time.perf_counter()
        for step in range(steps):
            for group in opt.param_groups:
                group["lr"] = lr_s[step]
            x, y = (t.to(device) for t in batches(batch_gen))  # a task's batches are drawn on the CPU
            loss = cross_entropy(model(x, drop), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            value = float(loss.detach())
            norms = block_grad_norms(groups)
            if not (math.isfinite(value) and all(math.isfinite(n) for n in norms)):
                diverged = step
                break
            opt.step()
            loss_s[step], norms_s[step] = value, norms
            if on_step is not None:
                on_step(StepReport(step, steps, value, float(lr_s[step]), tuple(norms)))
        seconds = time.perf_counter() - start
        model.eval()
    return TrainRun(loss_s, lr_s, norms_s, diverged, seconds, threads, device.type)
