"""Lesson `lr-dropout`: the original Transformer's learning-rate schedule, and dropout where BERT puts
it, on in training and off at test time.

Three experiments, each a function (the page caches each on its own inputs):

- :func:`schedule`: the paper's schedule (Vaswani et al. 2017, eq. 3) for the learner's d_model and
  warm-up, lr = d_model^-0.5 · min(step^-0.5, step · warmup^-1.5): a linear rise to its peak
  d_model^-0.5 · warmup^-0.5 at step = warmup, then a 1/sqrt(step) decay. Arithmetic only.
- :func:`warmup_runs`: its effect, live. Two runs of the same Post-LN stack (tf_core.blocks.Stack)
  on the reverse task (tf_core.tasks), the same seed, batches and peak learning rate: one at that
  rate from the first step (no warm-up), one on the paper's schedule scaled so that its peak is that
  rate. Scaled, because the paper's own numbers (d_model 512, 4000 warm-up steps, peak ~7e-4) are
  for 100k steps and a run here has a few hundred: the factor lr_peak / (d_model^-0.5 · warmup^-0.5)
  keeps the schedule's shape (rise, peak at the warm-up step, 1/sqrt decay) and cancels d_model.
  Post-LN because that is where warm-up matters most (Xiong et al. 2020: its gradients near the
  output are large at initialisation).
- :func:`dropout_runs`: dropout on a real encoder (all-MiniLM-L6-v2), at BERT's four places and at
  the rate its config file gives, applied per call from a seeded generator (tf_core.dropout; the
  shared cached model is never switched to ``.train()``): two passes with dropout and different
  seeds differ, two passes without are identical, the mean of many dropout passes comes back to the
  no-dropout output (inverted dropout keeps the expectation, so test time needs no rescaling), and
  the fraction of exact zeros at each point of a block shows where the masks are.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.blocks import BlockConfig, Stack, StackConfig
from tf_core.dropout import Dropout
from tf_core.live_training import StepReport, TrainRun, constant, fixed_threads, noam, train
from tf_core.tasks import load as load_task

# The stack trained live: the width, heads and FFN of the measurements in tf_core/limits/, and
# windows of LENGTH characters, BATCH windows per step, reversed.
D_MODEL, HEADS, D_FF, LENGTH, BATCH = 64, 4, 256, 8, 32
TASK = "reverse"
RUNS = ("constant", "warmup")  # run names given to on_step: no warm-up, the paper's schedule


# --- the schedule ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Schedule:
    d_model: int
    warmup: int
    step: np.ndarray  # (N,) steps 1 .. N, counted from 1 as in the paper
    lr: np.ndarray  # (N,) the paper's learning rate at each step (factor 1)
    peak_step: int  # the step with the largest rate (= warmup)
    peak_lr: float  # d_model^-0.5 · warmup^-0.5, read off the curve


def schedule(d_model: int, warmup: int, steps: int) -> Schedule:
    """The paper's schedule over steps 1 .. max(steps, 2 · warmup) (the peak and the decay after it
    are always drawn)."""
    limits.LRD_D_MODEL.check("d_model", d_model)
    limits.LRD_WARMUP.check("warmup", warmup)
    limits.LRD_STEPS.check("steps", steps)
    n = max(steps, 2 * warmup)
    f = noam(d_model, warmup)
    lr = np.array([f(s) for s in range(n)], dtype=np.float64)  # noam counts its 0-based step from 1
    top = int(np.argmax(lr))
    return Schedule(d_model, warmup, np.arange(1, n + 1), lr, top + 1, float(lr[top]))


# --- its effect in a short run ----------------------------------------------------------------------
@dataclass(frozen=True)
class WarmupResult:
    layers: int
    steps: int
    lr: float  # the peak learning rate both runs reach
    warmup: int
    seed: int
    factor: float  # the paper's schedule times this peaks at lr
    constant: TrainRun  # lr from the first step
    warm: TrainRun  # the paper's schedule, scaled
    entropy: float  # the task's character entropy: the plateau of a model that has not found the positions
    chance: float  # ln(vocab): where a run starts

    @property
    def total_steps(self) -> int:
        return 2 * self.steps


def _stack(layers: int, vocab: int) -> Stack:
    block = BlockConfig(d_model=D_MODEL, n_heads=HEADS, d_ff=D_FF, norm="layer", placement="post")
    return Stack(StackConfig(vocab=vocab, max_len=LENGTH, n_layers=layers, block=block))


def warmup_runs(layers: int, steps: int, lr: float, warmup: int, seed: int,
                on_step: Callable[[str, StepReport], None] | None = None) -> WarmupResult:
    """Train a ``layers``-deep Post-LN stack twice on the reverse task: at ``lr`` from the start,
    and on the paper's schedule with ``warmup`` steps scaled to peak at ``lr``. Same seed, so the
    same initial weights and the same batches. ``on_step(run, report)`` after every step, ``run``
    one of :data:`RUNS`."""
    limits.LRD_LAYERS.check("layers", layers)
    limits.LRD_STEPS.check("steps", steps)
    limits.LRD_WARMUP.check("warmup", warmup)
    limits.LRD_LR.check("lr", lr)
    limits.SEED.check("seed", seed)
    task = load_task(TASK)
    # the factor that makes the paper's peak d^-0.5 · w^-0.5 equal lr (d_model cancels: any d works)
    factor = lr / noam(D_MODEL, warmup)(warmup - 1)
    schedules = {"constant": constant(lr), "warmup": noam(D_MODEL, warmup, factor)}
    runs = {}
    for name, lr_at in schedules.items():
        model = _stack(layers, task.vocab)
        report = None if on_step is None else (lambda r, name=name: on_step(name, r))
        runs[name] = train(model, lambda g: task.batch(BATCH, LENGTH, g, next(model.parameters()).device),
                           steps=steps, lr_at=lr_at, seed=seed, on_step=report)
    return WarmupResult(layers, steps, float(lr), warmup, seed, factor, runs["constant"], runs["warmup"],
                        task.entropy, task.chance)


# --- dropout on a real encoder ------------------------------------------------------------------------
# The points of one encoder block (and the embeddings) whose exact zeros are counted, in order; the
# dropout places of BERT are marked True, and whether the original paper drops there too.
POINTS = (
    # (name, BERT drops here, the 2017 paper drops here)
    ("embeddings", True, True),  # after the embeddings (BERT: after their LayerNorm; the paper: their sum)
    ("attn_probs", True, False),  # the softmax weights (BERT's attention_probs_dropout_prob)
    ("attn_out", True, True),  # W_O · heads, before the residual add
    ("ln1", False, False),  # after add & LayerNorm
    ("ffn_act", False, False),  # GELU(W_1 x), inside the FFN
    ("ffn_out", True, True),  # W_2 · GELU(...), before the residual add
    ("x_out", False, False),  # the block's output, after add & LayerNorm
)


@dataclass(frozen=True)
class DropoutResult:
    model: str  # the model's published name
    pieces: tuple[str, ...]  # the tokens, special tokens included
    n_total: int  # tokens before the cap
    truncated: bool
    unk: int  # [UNK] tokens
    rate: float  # the hidden dropout rate applied: the model's config file's, or the one the caller gave
    rate_from_config: bool  # True: the rate is this model's own (its config file gives it)
    attention_rate: float  # its attention dropout rate
    seeds: tuple[int, int]  # the two dropout passes' seeds
    passes: int  # dropout passes averaged for the expectation
    layer: int  # the block whose points are counted
    diff_train: np.ndarray  # (L + 1, T) max over features of |h_a - h_b|, two dropout passes, per layer and token
    diff_eval: np.ndarray  # (L + 1, T) the same for two passes without dropout
    cos_train: float  # cosine of the two dropout passes' sentence embeddings (mean-pooled)
    cos_eval: float  # cosine of the two passes without dropout
    zeros_train: np.ndarray  # (len(POINTS),) the fraction of exact zeros at each point, dropout pass a
    zeros_eval: np.ndarray  # (len(POINTS),) without dropout
    gap: np.ndarray  # (passes,) |mean of the first k dropout embeddings - eval| / |eval|, k = 1 .. passes
    scale: float  # least-squares scale of the mean dropped embedding-layer output against the eval one (1: kept)

    @property
    def max_train(self) -> float:
        return float(self.diff_train.max()) if self.diff_train.size else 0.0

    @property
    def max_eval(self) -> float:
        return float(self.diff_eval.max()) if self.diff_eval.size else 0.0


def _sentence(out) -> torch.Tensor:
    return out.mean_pooled()[0].double()  # (D,)


def reference_rate() -> float:
    """MiniLM's dropout rate, as its config file gives it (hidden and attention: the same, 0.1): the
    rate applied to an encoder whose own files give none (e5-small's)."""
    from tf_core.models import minilm

    cfg = minilm.config()
    if cfg.hidden_dropout is None or cfg.hidden_dropout != cfg.attention_dropout:
        raise ValueError("MiniLM's config gives no single dropout rate")
    return float(cfg.hidden_dropout)


def dropout_runs(encoder, text: str, seed: int, passes: int = limits.LRD_PASSES.default,
                 max_tokens: int = limits.ENCODER_TOKENS, rate: float | None = None) -> DropoutResult:
    """``text`` through ``encoder`` (a TextEncoder) with dropout at BERT's places: seeds ``seed`` and
    ``seed + 1``, and ``passes`` passes for the mean; and twice without dropout. The rate is the
    encoder's own where its config gives it (MiniLM's does), else ``rate`` (e5-small's files give
    none: the page passes :func:`reference_rate`). Nothing is stored on the shared model."""
    limits.SEED.check("seed", seed)
    limits.LRD_PASSES.check("passes", passes)
    limits.ENCODER_TOKEN_CAP.check("max_tokens", max_tokens)
    cfg = encoder.model.cfg
    own = cfg.hidden_dropout is not None and cfg.attention_dropout is not None
    if own and cfg.hidden_dropout != cfg.attention_dropout:
        raise ValueError("this lesson applies one rate at every place; the config has two different ones")
    if not own and rate is None:
        raise ValueError(f"{encoder.name}'s files give no dropout rate: pass one")
    p = float(cfg.hidden_dropout) if own else float(rate)
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1), got {p}")
    tokens = encoder.tokenize(text, max_tokens)
    device = next(encoder.model.parameters()).device
    layer = 0
    with fixed_threads(limits.TRAIN_THREADS):  # the same sums, so the same numbers, on any server
        run = lambda drop: encoder.run(tokens, need_weights=False, trace_layer=layer, drop=drop)  # noqa: E731
        eval_a, eval_b = run(None), run(None)
        seeds = (seed, seed + 1)
        train_a, train_b = (run(Dropout.seeded(p, s, device)) for s in seeds)
        # `passes` more, each from its own seed after the two above; the embeddings' output of each too
        means, dropped_emb = [], []
        total = torch.zeros_like(_sentence(eval_a))
        for k in range(passes):
            out = run(Dropout.seeded(p, seed + 2 + k, device))
            total += _sentence(out)
            means.append(total / (k + 1))
            dropped_emb.append(out.hidden_states[0][0].double())
    ref = _sentence(eval_a)
    gap = np.array([float((m - ref).norm() / ref.norm()) for m in means])
    x = eval_a.hidden_states[0][0].double()  # (T, D) the embeddings' output without dropout
    mean_emb = torch.stack(dropped_emb).mean(0)  # (T, D)
    scale = float((mean_emb * x).sum() / (x * x).sum())

    def diff(a, b) -> np.ndarray:
        return np.stack([(ha[0] - hb[0]).abs().amax(-1).double().cpu().numpy()
                         for ha, hb in zip(a.hidden_states, b.hidden_states)])  # (L + 1, T)

    def zeros(out) -> np.ndarray:
        tr = out.trace
        tensors = {"embeddings": out.hidden_states[0], "attn_probs": tr.weights, "attn_out": tr.attn_out,
                   "ln1": tr.ln1, "ffn_act": tr.ffn_act, "ffn_out": tr.ffn_out, "x_out": tr.x_out}
        return np.array([float((tensors[name] == 0).double().mean()) for name, _, _ in POINTS])

    cos = lambda a, b: float(torch.nn.functional.cosine_similarity(_sentence(a), _sentence(b), dim=0))  # noqa: E731
    unk = sum(1 for i in tokens.ids if i == encoder.unk_id) if encoder.unk_id is not None else 0
    return DropoutResult(
        model=encoder.name, pieces=tokens.pieces, n_total=tokens.n_total, truncated=tokens.truncated, unk=unk,
        rate=p, rate_from_config=own, attention_rate=p, seeds=seeds, passes=passes, layer=layer,
        diff_train=diff(train_a, train_b), diff_eval=diff(eval_a, eval_b),
        cos_train=cos(train_a, train_b), cos_eval=cos(eval_a, eval_b),
        zeros_train=zeros(train_a), zeros_eval=zeros(eval_a), gap=gap, scale=scale,
    )


def verdict(final: float, diverged_at: int | None, entropy: float) -> str:
    """How a run ended, as a key: "diverged", "stuck" (its last losses still at or above the plateau
    of the character entropy, minus a tenth), "learned" (below a tenth of the plateau), else "partly"."""
    if diverged_at is not None or not math.isfinite(final):
        return "diverged"
    if final >= 0.9 * entropy:
        return "stuck"
    if final <= 0.1 * entropy:
        return "learned"
    return "partly"
