"""Lesson `residual`: why a deep stack needs residual connections, measured at initialisation and
in two short training runs.

Two stacks of ``depth`` blocks (tf_core.blocks, Pre-LN or no norm at all) that differ only in the
residual connection:

    with:     x = x + Sublayer(Norm(x))        the block adds to the stream
    without:  x = Sublayer(Norm(x))            the block replaces the stream

1. **Gradient norm per block at initialisation** (one forward and backward on one batch of the
   reverse task, no update; tf_core.live_training.gradient_norms). Without norms and without
   residuals the gradient shrinks by orders of magnitude from the last block to the first (each
   block multiplies it by its Jacobian); with residuals each block's Jacobian is I + (its branch's),
   so the gradient reaches the first block through the identity. With LayerNorm in every block the
   gradient norms do *not* vanish without residuals (the norm rescales them): the page shows it.
2. **How different the positions still are** after each block: ||h - mean over positions(h)|| / ||h||
   of the hidden states. Attention averages positions; stacked without residuals the token
   representations collapse to the same vector within a few blocks (the rank collapse of Dong et al.
   2021), so no later block can tell positions apart, whatever its gradient. The residual keeps the
   input (tokens and positions) in the stream.
3. **Two short runs** of the reverse task (which needs the positions), the same seed, batches and
   learning rate: the loss curves.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.blocks import BlockConfig, Stack, StackConfig, init_weights
from tf_core.live_training import BATCH_OFFSET, INIT_OFFSET, TrainRun, constant, fixed_threads, gradient_norms, train
from tf_core.tasks import load, seeded

RUNS = ("with", "without")  # the run names on_step reports: with residuals, without
NORMS = ("layer", "none")  # Pre-LN blocks, or blocks without any norm
LEARNED_LOSS = 1.0  # nats: a run that ends below this has learned the task (its plateau is the entropy, ~2.92)


@dataclass(frozen=True)
class ResidualResult:
    depth: int
    norm: str
    lr: float
    seed: int
    steps: int
    runs: dict[str, TrainRun]  # "with", "without"
    grad_norms: dict[str, np.ndarray]  # run -> (depth,) each block's gradient norm at initialisation
    init_loss: dict[str, float]  # run -> the loss of that first batch
    spread: dict[str, np.ndarray]  # run -> (depth + 1,) position spread of the embeddings, then after each block

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.runs.values())

    def ratio(self, run: str) -> float:
        """First block's gradient norm / last block's."""
        g = self.grad_norms[run]
        return float(g[0] / g[-1]) if g[-1] > 0 else float("nan")


def make_model(depth: int, norm: str, residual: bool) -> Stack:
    """The stack of ``depth`` blocks (limits.RES_DEPTH) both runs train, with or without its residuals."""
    depth = limits.RES_DEPTH.check("depth", depth)
    task = load("reverse")
    block = BlockConfig(d_model=64, n_heads=4, d_ff=256, norm=norm, placement="pre", residual=residual)
    return Stack(StackConfig(task.vocab, limits.RES_LENGTH, depth, block))


def position_spread(model: Stack, ids: torch.Tensor) -> np.ndarray:
    """||h - mean_T(h)|| / ||h|| of the embeddings and after each block: 0 when every position of a
    sequence holds the same vector. ids (B, T) -> (L + 1,)."""
    with torch.no_grad():
        h = model.tok(ids) + model.pos(torch.arange(ids.shape[1], device=ids.device))  # (B, T, D)
        out = []
        for block in [None, *model.blocks]:
            h = h if block is None else block(h)
            centred = h - h.mean(1, keepdim=True)  # (B, T, D)
            out.append(float(centred.norm() / h.norm().clamp_min(1e-30)))
    return np.array(out)


def run(depth: int = limits.RES_DEPTH.default, norm: str = "layer", lr: float = limits.RES_LR.default, seed: int = 0,
        steps: int = limits.RES_STEPS, on_step: Callable[[str, object], None] | None = None) -> ResidualResult:
    """Measure both stacks at initialisation, then train each (see the module docstring).
    ``on_step(run, report)`` after every step, ``run`` in :data:`RUNS`."""
    limits.RES_DEPTH.check("depth", depth)
    limits.RES_LR.check("lr", lr)
    limits.SEED.check("seed", seed)
    limits.TRAIN_STEPS.check("steps", steps)
    if norm not in NORMS:
        raise ValueError(f"unknown norm {norm!r}; choose one of {NORMS}")
    task = load("reverse")
    cpu = torch.device("cpu")
    B, T = limits.RES_BATCH, limits.RES_LENGTH
    grads, losses, spreads, runs = {}, {}, {}, {}
    for name in RUNS:
        model = make_model(depth, norm, residual=name == "with")
        with fixed_threads(limits.TRAIN_THREADS):
            # the weights and the first batch the run below starts from
            init_weights(model, seeded(seed + INIT_OFFSET), "xavier")
            x, y = task.batch(B, T, seeded(seed + BATCH_OFFSET))
            losses[name], g = gradient_norms(model, x, y)
            grads[name] = np.array(g)
            spreads[name] = position_spread(model, x)
        report = (lambda rep, name=name: on_step(name, rep)) if on_step else None
        runs[name] = train(model, lambda g: task.batch(B, T, g), steps=steps, lr_at=constant(lr), seed=seed,
                           on_step=report, device=cpu)
    return ResidualResult(depth=depth, norm=norm, lr=float(lr), seed=seed, steps=steps, runs=runs, grad_norms=grads,
                          init_loss=losses, spread=spreads)
