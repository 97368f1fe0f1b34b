"""Lesson `batchnorm`: BatchNorm's strengths and weaknesses, measured on a model trained live.

Two 2-block Pre-norm stacks, one with BatchNorm and one with LayerNorm (tf_core.norms, equal to
``nn.BatchNorm1d`` and ``nn.LayerNorm``), learn the reverse task (tf_core.tasks) at length T on
batches of B sequences. Then, with forward passes only:

1. **Noise of the batch statistics.** BatchNorm normalises each feature by the mean and variance of
   the b x T positions in its batch. For b = 1 .. 64 sequences, many batches of fresh windows of the
   text go through the trained model's embeddings (the input of its first BatchNorm) and the spread
   of the batch mean and standard deviation across batches is measured, against the independent-
   sample theory 1/sqrt(b T). And one fixed token's normalised output: how far its training-mode
   value (the batch's statistics) lies from its evaluation-mode value (the running statistics) —
   the same token comes out differently depending on its batch-mates.
2. **Train/eval mismatch.** Held-out windows, evaluated in training mode (the batch's own
   statistics) at each batch size, and in evaluation mode (the running statistics, the same for
   any batch); the LayerNorm model has no such difference (its statistics are each token's own).
3. **A length never seen in training.** Batches of length 1 .. 2T: how far each BatchNorm layer's
   batch statistics move from its running statistics. The position table is sized for 2T: rows
   T .. 2T - 1 were never trained (they keep their random initial values) — which is the point: a
   length the running statistics never saw. A LayerNorm token's statistics do not depend on the
   length at all (measured: exactly 0).
4. **One value per feature.** A batch of one sequence of one token: BatchNorm in training mode
   cannot normalise (the variance of one value is 0) and refuses, as PyTorch does; the messages of
   both are returned as results.
"""
from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from tf_core import limits
from tf_core.blocks import BlockConfig, Stack, StackConfig
from tf_core.live_training import TrainRun, constant, cross_entropy, fixed_threads, train
from tf_core.norms import BatchNorm
from tf_core.tasks import load, seeded

RUNS = ("batch", "layer")  # the run names on_step reports: BatchNorm, LayerNorm
HELD_OUT_OFFSET = 1_000  # the held-out windows' generator: apart from the training batches'
NOISE_OFFSET = 2_000
LENGTH_BATCH = 16  # sequences per batch in the length sweep


@dataclass(frozen=True)
class BatchNormResult:
    length: int  # T, the training length
    batch: int  # B, sequences per training batch
    steps: int
    seed: int
    runs: dict[str, TrainRun]  # "batch", "layer"
    eval_batches: np.ndarray  # (K,) the batch sizes evaluated (sequences)
    # -- noise of the statistics (first BatchNorm's input: the trained embeddings of the text) --
    noise_mean: np.ndarray  # (K,) std across batches of the batch mean, / the characters' spread, mean over features
    noise_std: np.ndarray  # (K,) std across batches of the batch std, in the same unit
    noise_theory: np.ndarray  # (K,) 1 / sqrt(b T): the batch mean's spread for independent positions
    noise_token: np.ndarray  # (K,) RMS of (one token's train-mode output - its eval-mode output)
    # -- the mismatch: held-out windows at length T --
    acc_train_mode: np.ndarray  # (K,) BatchNorm model, batch statistics, by batch size; NaN where it cannot run
    loss_train_mode: np.ndarray  # (K,)
    acc_eval_mode: float  # BatchNorm model, running statistics (any batch size)
    loss_eval_mode: float
    acc_layer: float  # the LayerNorm model (the same in both modes)
    loss_layer: float
    layer_modes_diff: float  # max |train-mode logits - eval-mode logits| of the LayerNorm model: 0
    # -- lengths --
    lengths: np.ndarray  # (2T,) 1 .. 2T
    drift: np.ndarray  # (2T,) mean over BN layers and features of |batch mean - running mean| / running std
    layer_length_diff: float  # max |LN statistics of a token at another length - at length T|: 0
    # -- one value per feature --
    one_value_error: str  # tf_core.norms.BatchNorm's message
    torch_error: str  # nn.BatchNorm1d's message
    cannot_run: str  # the message when b x T = 1 in the evaluation ("" when every batch size ran)

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.runs.values())

    def at_batch(self, b: int) -> int:
        return int(np.flatnonzero(self.eval_batches == b)[0])


def make_model(norm: str, length: int) -> Stack:
    """The stack both runs train (only the norm differs); positions for twice the training length (ValueError
    on a length outside limits.BN_LENGTH)."""
    length = limits.BN_LENGTH.check("length", length)
    task = load("reverse")
    block = BlockConfig(d_model=64, n_heads=4, d_ff=256, norm=norm, placement="pre")
    return Stack(StackConfig(task.vocab, 2 * length, limits.BN_LAYERS, block))


def _norms(model: nn.Module, kind: type) -> list[nn.Module]:
    return [m for m in model.modules() if isinstance(m, kind)]


@torch.no_grad()
def _evaluate(model: Stack, x: torch.Tensor, y: torch.Tensor, batch: int, train_mode: bool) -> tuple[float, float]:
    """(loss, accuracy) over (x, y) cut into batches of ``batch`` sequences, in training mode (each
    batch's own statistics; on a copy, so the running statistics are left as they are) or not."""
    net = copy.deepcopy(model) if train_mode else model
    net.train(train_mode)
    losses, hits = [], []
    for i in range(0, len(x), batch):
        logits = net(x[i:i + batch])  # (b, T, V)
        losses.append(float(cross_entropy(logits, y[i:i + batch])))
        hits.append((logits.argmax(-1) == y[i:i + batch]).double().mean().item())
    model.eval()
    return float(np.mean(losses)), float(np.mean(hits))


def _one_value_messages() -> tuple[str, str]:
    x = torch.zeros(1, 1, 4)  # one sequence of one token: one value per feature
    try:
        BatchNorm(4).train()(x)
        ours = ""
    except ValueError as e:
        ours = str(e)
    try:
        nn.BatchNorm1d(4).train()(x.reshape(1, 4))
        theirs = ""
    except ValueError as e:
        theirs = str(e)
    return ours, theirs


@torch.no_grad()
def _noise(model: Stack, length: int, seed: int) -> tuple[np.ndarray, ...]:
    """The first BatchNorm's statistics over batches of b sequences drawn from the text."""
    task = load("reverse")
    bn = model.blocks[0].norm1
    gen = seeded(seed + NOISE_OFFSET)
    pos = model.pos(torch.arange(length))  # (T, D)
    embed = lambda ids: model.tok(ids) + pos  # noqa: E731 - (b, T, D), what the first norm reads
    pool, _ = task.batch(2048, length, gen)
    # every batch holds each position b times, so only the characters move the statistics: the unit
    # is the spread of the character part over the text, and the theory is then 1/sqrt(b T) exactly
    # for independent characters
    sigma = model.tok(pool).flatten(0, 1).std(0, unbiased=False).clamp_min(1e-12)  # (D,)
    probe, _ = task.batch(1, length, gen)  # the fixed token: position 0 of this window
    x_probe = embed(probe)  # (1, T, D)
    y_eval = ((x_probe[0, 0] - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps))  # (D,) gamma, beta left out
    out = {k: [] for k in ("mean", "std", "token")}
    K = limits.BN_NOISE_DRAWS
    for b in limits.BN_EVAL_BATCHES:
        ids, _ = task.batch(K * b, length, gen)
        xb = embed(ids).reshape(K, b * length, -1)  # (K, b T, D): K batches of b random windows
        m, v = xb.mean(1), xb.var(1, unbiased=False)  # (K, D) each
        out["mean"].append(float((m.std(0) / sigma).mean()))
        out["std"].append(float((v.sqrt().std(0) / sigma).mean()))
        # the fixed window with b - 1 random batch-mates: its first token, normalised by that batch
        mates = xb[:, length:]  # (K, (b-1) T, D): the first window of each batch replaced by the fixed one
        with_probe = torch.cat([x_probe.expand(K, -1, -1), mates], 1)  # (K, b T, D)
        m, v = with_probe.mean(1), with_probe.var(1, unbiased=False)  # (K, D)
        y_train = (x_probe[0, 0] - m) / torch.sqrt(v + bn.eps)  # (K, D)
        out["token"].append(float((y_train - y_eval).pow(2).mean().sqrt()))
    theory = [1 / math.sqrt(b * length) for b in limits.BN_EVAL_BATCHES]
    return tuple(np.array(out[k]) for k in ("mean", "std", "token")) + (np.array(theory),)


@torch.no_grad()
def _length_drift(bn_model: Stack, ln_model: Stack, length: int, seed: int) -> tuple[np.ndarray, float]:
    """For lengths 1 .. 2T: how far each BatchNorm's batch statistics lie from its running ones
    (in running standard deviations, averaged over layers and features); and the largest change of
    a LayerNorm token's statistics between lengths (positions the lengths share)."""
    task = load("reverse")
    gen = seeded(seed + NOISE_OFFSET + 1)
    seen: list[torch.Tensor] = []
    hooks = [m.register_forward_pre_hook(lambda _m, args: seen.append(args[0])) for m in _norms(bn_model, BatchNorm)]
    drift = []
    try:
        for L in range(1, 2 * length + 1):
            seen.clear()
            x, _ = task.batch(LENGTH_BATCH, L, gen)
            bn_model(x)
            per_layer = []
            for m, h in zip(_norms(bn_model, BatchNorm), seen):
                rows = h.reshape(-1, h.shape[-1])  # (b L, D)
                per_layer.append(((rows.mean(0) - m.running_mean).abs() / torch.sqrt(m.running_var + m.eps)).mean())
            drift.append(float(torch.stack(per_layer).mean()))
    finally:
        for hook in hooks:
            hook.remove()
    # LayerNorm: the first norm's statistics of the same windows' first tokens, at every length
    x, _ = task.batch(LENGTH_BATCH, 2 * length, seeded(seed + NOISE_OFFSET + 2))
    ln = ln_model.blocks[0].norm1
    emb = lambda ids: ln_model.tok(ids) + ln_model.pos(torch.arange(ids.shape[1]))  # noqa: E731
    ref = ln.statistics(emb(x[:, :length]))
    diff = 0.0
    for L in range(1, 2 * length + 1):
        s = ln.statistics(emb(x[:, :L]))
        k = min(L, length)
        diff = max(diff, float((s.mean[:, :k] - ref.mean[:, :k]).abs().max()),
                   float((s.scale[:, :k] - ref.scale[:, :k]).abs().max()))
    return np.array(drift), diff


def run(length: int = limits.BN_LENGTH.default, batch: int = limits.BN_BATCH.default, seed: int = 0,
        steps: int = limits.BN_STEPS, on_step: Callable[[str, object], None] | None = None) -> BatchNormResult:
    """Train the BatchNorm and LayerNorm stacks, then measure (see the module docstring).
    ``on_step(run, report)``: after every training step, ``run`` in :data:`RUNS`."""
    limits.BN_LENGTH.check("length", length)
    limits.BN_BATCH.check("batch", batch)
    limits.SEED.check("seed", seed)
    limits.TRAIN_STEPS.check("steps", steps)
    task = load("reverse")
    cpu = torch.device("cpu")  # tiny models: the CPU, the same numbers on any server
    models, runs = {}, {}
    for name in RUNS:
        model = make_model(name, length)
        report = (lambda rep, name=name: on_step(name, rep)) if on_step else None
        runs[name] = train(model, lambda g: task.batch(batch, length, g), steps=steps, lr_at=constant(limits.BN_LR),
                           seed=seed, on_step=report, device=cpu)
        models[name] = model
    bn_model, ln_model = models["batch"], models["layer"]
    with torch.no_grad(), fixed_threads(limits.TRAIN_THREADS):
        noise_mean, noise_std, noise_token, theory = _noise(bn_model, length, seed)
        x, y = task.batch(limits.BN_EVAL_SEQUENCES, length, seeded(seed + HELD_OUT_OFFSET))
        acc_t, loss_t, cannot = [], [], ""
        for b in limits.BN_EVAL_BATCHES:
            try:
                loss, acc = _evaluate(bn_model, x, y, b, train_mode=True)
            except ValueError as e:  # b x T = 1: one value per feature
                loss, acc, cannot = math.nan, math.nan, str(e)
            loss_t.append(loss)
            acc_t.append(acc)
        loss_e, acc_e = _evaluate(bn_model, x, y, limits.BN_EVAL_SEQUENCES, train_mode=False)
        loss_l, acc_l = _evaluate(ln_model, x, y, limits.BN_EVAL_SEQUENCES, train_mode=False)
        ln_train = copy.deepcopy(ln_model).train()
        modes_diff = float((ln_train(x) - ln_model(x)).abs().max())
        drift, ln_diff = _length_drift(bn_model, ln_model, length, seed)
    ours, theirs = _one_value_messages()
    return BatchNormResult(
        length=length, batch=batch, steps=steps, seed=seed, runs=runs,
        eval_batches=np.array(limits.BN_EVAL_BATCHES), noise_mean=noise_mean, noise_std=noise_std,
        noise_theory=theory, noise_token=noise_token, acc_train_mode=np.array(acc_t), loss_train_mode=np.array(loss_t),
        acc_eval_mode=acc_e, loss_eval_mode=loss_e, acc_layer=acc_l, loss_layer=loss_l, layer_modes_diff=modes_diff,
        lengths=np.arange(1, 2 * length + 1), drift=drift, layer_length_diff=ln_diff,
        one_value_error=ours, torch_error=theirs, cannot_run=cannot,
    )
