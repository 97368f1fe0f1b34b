"""Lesson `ln-vs-bn`: why Transformers use LayerNorm and not BatchNorm, and where LayerNorm goes.

Part 1, the statistics (:func:`statistics`), on a real pretrained encoder (MiniLM, e5). The learner's
sentences form one right-padded batch, as a data loader makes it. We take the hidden states at the
input of one block's first LayerNorm (x + attention(x), BERT is Post-LN) and normalise them two ways,
without the learned scale and shift (gamma = 1, beta = 0), in float64:

    LayerNorm: each token by its own mean and standard deviation over its D features   (tf_core.norms)
    BatchNorm: each feature by its mean and standard deviation over every position of the batch

and compare each real token's normalised vector with what it is when its sentence is normalised
alone (a batch of one, no padding, the encoder run on that sentence only):

    change = mean over the real tokens and features of |norm(x in the batch) - norm(x alone)|

- BatchNorm, padding counted (what nn.BatchNorm1d does on a (B*T, D) batch): the pad positions are
  numbers like any other, so they pull every feature's mean and variance; more padding, more pull.
- BatchNorm, padding left out (a mask): still the other sentences' tokens set each token's output;
  the output moves with the batch size and with who is in the batch.
- LayerNorm: a token's statistics use that token only. Its change is the encoder's own float
  rounding (the batch's attention sums run over more keys), ~1e-7, the same for any batch.

How the batch grows, from one forward: rows of a masked batch do not interact, and a pad position's
hidden state depends only on itself and its own row's real tokens (the mask hides the pads from
every query), so the batch of the first k sentences padded to their longest + e is, up to float
rounding, the first k rows and the first (longest + e) columns of one batch padded to the longest +
``limits.LNBN_PAD_SWEEP``. Two sweeps read off it: k = 1 .. B (no extra padding) and e = 0 .. 64.

Part 2, the placement (:func:`placement`), on :class:`tf_core.blocks.Stack` and the reverse task:

    Post-LN (Vaswani et al. 2017):  x = LN(x + F(x))        Pre-LN:  x = x + F(LN(x)),  + a final LN

- each block's gradient norm at initialisation (the same weights the runs start from), averaged over
  ``limits.LNBN_INIT_BATCHES`` batches: Xiong et al. (2020) show that Post-LN's gradients grow toward
  the output layer, so a large learning rate at the start blows the top layers up, while Pre-LN's do
  not grow with depth;
- four short live runs at the learner's learning rate: Pre-LN and Post-LN, each without and with a
  linear warm-up over the first quarter of the steps. A run's verdict (:func:`verdict`) is measured
  against the task's two landmarks: the character entropy (the plateau of a model that knows only
  how common each character is) and the run's own first loss.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits, tasks
from tf_core.blocks import BlockConfig, Stack, StackConfig, init_weights
from tf_core.device import DeviceInfo, describe, get_device
from tf_core.lab.padding_mask import pad_batch, split_sentences, tokenize_all
from tf_core.live_training import (BATCH_OFFSET, INIT_OFFSET, StepReport, TrainRun, constant, fixed_threads,
                                   gradient_norms, linear_warmup, train)
from tf_core.models.text_encoder import TextEncoder
from tf_core.norms import BatchNorm, LayerNorm

__all__ = ["statistics", "placement", "split_sentences", "verdict", "RUNS", "NormsResult", "PlacementResult"]

# The eps of tf_core.norms (PyTorch's default); BERT's own LayerNorms use 1e-12, which changes nothing here.
EPS = 1e-5


# --- part 1: the statistics -----------------------------------------------------------------------
@dataclass(frozen=True)
class NormsResult:
    model: str  # the encoder's published name
    device: DeviceInfo
    layer: int  # the block whose first LayerNorm's input is normalised
    d_model: int  # D: the features a LayerNorm averages over
    pieces: tuple[tuple[str, ...], ...]  # each sentence's tokens, unpadded
    lengths: np.ndarray  # (B,) real tokens per sentence
    n_total: np.ndarray  # (B,) tokens before any cut
    truncated: np.ndarray  # (B,) bool
    pad_piece: str
    batch_sizes: np.ndarray  # (B,) 1 .. B: the first k sentences, padded to their longest
    pads: np.ndarray  # (E,) 0 .. LNBN_PAD_SWEEP: pad tokens added after the longest, all B sentences
    pad_fraction_k: np.ndarray  # (B,) pad positions / all positions of each batch of the first sweep
    pad_fraction_e: np.ndarray  # (E,) the same for the padding sweep
    bn_counted_k: np.ndarray  # (B,) mean |change| of BatchNorm's output, padding counted, by batch size
    bn_masked_k: np.ndarray  # (B,) the same with the padding left out of the statistics
    ln_k: np.ndarray  # (B,) LayerNorm's
    bn_counted_e: np.ndarray  # (E,) the same three by extra padding
    bn_masked_e: np.ndarray
    ln_e: np.ndarray
    bn_pad: float  # mean |BN(padding counted) - BN(padding left out)| over real tokens, all B, no extra padding
    ln_max: float  # max |LN(x in the batch) - LN(x alone)| over every real token and feature
    ln_stat_max: float  # max |difference| of a token's LayerNorm mean or standard deviation, batch vs alone
    mean_real: np.ndarray  # (D,) BatchNorm's per-feature mean over the real tokens (all B, no extra padding)
    mean_counted: np.ndarray  # (D,) ... with the padding counted
    std_real: np.ndarray  # (D,) per-feature standard deviation over the real tokens
    n_real: int  # real positions of that batch
    n_pad: int  # pad positions of that batch

    @property
    def shift(self) -> np.ndarray:
        """(D,) how far counting the padding moves each feature's mean, in that feature's standard deviations."""
        return np.abs(self.mean_counted - self.mean_real) / np.sqrt(self.std_real ** 2 + EPS)

    @property
    def shift_median(self) -> float:
        return float(np.median(self.shift))

    @property
    def shift_max(self) -> float:
        return float(self.shift.max())

    @property
    def ln_verdict(self) -> str:
        """"exact" when LayerNorm's outputs are bit-for-bit those of each sentence alone, else "rounding"."""
        return "exact" if self.ln_max == 0 else "rounding"


def _bn_outputs(x: torch.Tensor, mask: torch.Tensor | None, norm: BatchNorm) -> torch.Tensor:
    """BatchNorm of ``x`` (k, L, D) by its batch statistics (``mask``: padding left out). (k, L, D)"""
    s = norm.statistics(x, mask)
    return (x - s.mean) / s.scale


def _ln_outputs(x: torch.Tensor, norm: LayerNorm) -> torch.Tensor:
    s = norm.statistics(x)
    return (x - s.mean[..., None]) / s.scale[..., None]  # (..., D)


@torch.inference_mode()
def statistics(encoder: TextEncoder, sentences: Sequence[str], layer: int = 0,
               max_tokens: int = limits.ENCODER_TOKENS) -> NormsResult:
    """BatchNorm's and LayerNorm's statistics on ``sentences`` (1 to ``limits.PAD_SENTENCES.hi``; "" and
    odd text are fine) as one padded batch, at the input of block ``layer``'s first LayerNorm.
    Raises ``ValueError`` for a count, layer or cap outside its range."""
    cfg = encoder.model.cfg
    sentences = list(sentences)
    limits.PAD_SENTENCES.check("number of sentences", len(sentences))
    layer = limits.IntRange.indices(cfg.n_layers).check("layer", layer)
    max_tokens = limits.ENCODER_TOKEN_CAP.check("max_tokens", max_tokens)
    device = next(encoder.model.parameters()).device

    toks, cut = tokenize_all(encoder, sentences, max_tokens)
    lengths = np.array([len(t) for t in toks])
    B, longest, D = len(toks), int(lengths.max()), cfg.d_model
    ids, mask = pad_batch(toks, cfg.pad_token_id, longest + limits.LNBN_PAD_SWEEP, device)  # (B, T), (B, T)
    x = encoder.model(ids, mask, need_weights=False, trace_layer=layer).trace.resid1.double()  # (B, T, D)
    alone = [encoder.run(t, need_weights=False, trace_layer=layer).trace.resid1[0].double() for t in toks]  # (n, D) each

    bn, ln = BatchNorm(D, eps=EPS).to(device), LayerNorm(D, eps=EPS).to(device)  # training mode: batch statistics
    bn_alone = [_bn_outputs(a, None, bn) for a in alone]  # each sentence normalised by its own statistics
    ln_diff = [(_ln_outputs(x[b, :n], ln) - _ln_outputs(alone[b], ln)).abs() for b, n in enumerate(lengths)]  # (n, D)
    ln_stat_max = 0.0
    for b, n in enumerate(lengths):
        s_batch, s_alone = ln.statistics(x[b, :n]), ln.statistics(alone[b])
        ln_stat_max = max(ln_stat_max, float((s_batch.mean - s_alone.mean).abs().max()),
                          float((s_batch.scale - s_alone.scale).abs().max()))

    def change(k: int, extra: int) -> tuple[float, float, float, float]:
        """(BN counted, BN masked, LN) mean |change| over the real tokens of the first k sentences padded to
        their longest + extra, and that batch's pad fraction."""
        L = int(lengths[:k].max()) + extra
        xk, mk = x[:k, :L], mask[:k, :L]  # (k, L, D), (k, L)
        out_c, out_m = _bn_outputs(xk, None, bn), _bn_outputs(xk, mk, bn)
        total_c = total_m = total_l = 0.0
        for b in range(k):
            n = int(lengths[b])
            total_c += float((out_c[b, :n] - bn_alone[b]).abs().sum())
            total_m += float((out_m[b, :n] - bn_alone[b]).abs().sum())
            total_l += float(ln_diff[b].sum())
        count = float(lengths[:k].sum()) * D
        return total_c / count, total_m / count, total_l / count, 1.0 - float(lengths[:k].sum()) / (k * L)

    sweep_k = np.array([change(k, 0) for k in range(1, B + 1)])  # (B, 4)
    pads = np.arange(limits.LNBN_PAD_SWEEP + 1)
    sweep_e = np.array([change(B, int(e)) for e in pads])  # (E, 4)

    x0, m0 = x[:, :longest], mask[:, :longest]  # the batch as a data loader pads it
    real = x0[m0]  # (N, D)
    counted = bn.statistics(x0)
    out_c, out_m = _bn_outputs(x0, None, bn)[m0], _bn_outputs(x0, m0, bn)[m0]  # (N, D) each
    return NormsResult(
        model=encoder.name,
        device=describe(device),
        layer=layer,
        d_model=D,
        pieces=tuple(t.pieces for t in toks),
        lengths=lengths,
        n_total=np.array([t.n_total for t in toks]),
        truncated=np.array(cut, dtype=bool),
        pad_piece=encoder.tokenizer.id_to_token(cfg.pad_token_id) or str(cfg.pad_token_id),
        batch_sizes=np.arange(1, B + 1),
        pads=pads,
        pad_fraction_k=sweep_k[:, 3],
        pad_fraction_e=sweep_e[:, 3],
        bn_counted_k=sweep_k[:, 0], bn_masked_k=sweep_k[:, 1], ln_k=sweep_k[:, 2],
        bn_counted_e=sweep_e[:, 0], bn_masked_e=sweep_e[:, 1], ln_e=sweep_e[:, 2],
        bn_pad=float((out_c - out_m).abs().mean()),
        ln_max=max(float(d.max()) for d in ln_diff),
        ln_stat_max=ln_stat_max,
        mean_real=real.mean(0).cpu().numpy(),
        mean_counted=counted.mean.cpu().numpy(),
        std_real=real.std(0, unbiased=False).cpu().numpy(),
        n_real=int(lengths.sum()),
        n_pad=int(B * longest - lengths.sum()),
    )


# --- part 2: the placement ------------------------------------------------------------------------
# The four runs: (name, placement, warm-up). The page maps each name to its label.
RUNS = (("pre", "pre", False), ("pre_warm", "pre", True), ("post", "post", False), ("post_warm", "post", True))
LEARNED = 0.5  # nats: a run whose final loss is below this has learned the reversal (the plateau is ~2.9)
PLATEAU = 0.9  # a final loss at or above 0.9 x the character entropy is still on the plateau


def warmup_steps(steps: int) -> int:
    """The warm-up of the runs with one: a linear ramp over the first quarter of the steps (at least 1)."""
    return max(1, steps // 4)


def verdict(run: TrainRun, entropy: float) -> str:
    """What a run came to: "diverged" (its loss stopped being finite, or it ended above the loss it
    started from), "plateau" (at or above ``PLATEAU`` x the character entropy: it knows only how common
    each character is), "learned" (below ``LEARNED`` nats) or "partway"."""
    final = run.final_loss()
    if run.diverged_at is not None or not math.isfinite(final) or final > run.loss[0]:
        return "diverged"
    if final >= PLATEAU * entropy:
        return "plateau"
    return "learned" if final < LEARNED else "partway"


@dataclass(frozen=True)
class PlacementResult:
    depth: int
    lr: float
    steps: int
    warmup: int  # steps of the linear warm-up in the runs that have one
    seed: int
    batch: int
    seq_len: int
    d_model: int
    grad_pre: np.ndarray  # (L,) each block's gradient norm at initialisation, Pre-LN, first block first
    grad_post: np.ndarray  # (L,) the same, Post-LN
    runs: tuple[tuple[str, TrainRun], ...]  # in RUNS' order
    entropy: float  # the text's character entropy (nats): the plateau
    chance: float  # ln(vocab): a uniform guess

    def get(self, name: str) -> TrainRun:
        return dict(self.runs)[name]

    def final(self, name: str) -> float:
        """The run's mean loss over its last 5 steps (NaN when it diverged to a non-finite loss)."""
        return self.get(name).final_loss()

    def verdict(self, name: str) -> str:
        return verdict(self.get(name), self.entropy)

    @property
    def seconds(self) -> float:
        return sum(r.seconds for _, r in self.runs)

    @property
    def threads(self) -> int:
        return self.runs[0][1].threads

    @property
    def device(self) -> str:
        return self.runs[0][1].device


def _stack(placement_: str, depth: int, vocab: int) -> Stack:
    block = BlockConfig(d_model=limits.LNBN_D_MODEL, n_heads=4, d_ff=4 * limits.LNBN_D_MODEL, placement=placement_)
    return Stack(StackConfig(vocab=vocab, max_len=limits.LNBN_SEQ, n_layers=depth, block=block))


def init_gradient_norms(placement_: str, depth: int, seed: int, device: torch.device | None = None) -> np.ndarray:
    """(depth,) each block's gradient norm at initialisation (the weights ``train`` starts from for this
    seed), averaged over ``limits.LNBN_INIT_BATCHES`` batches of the reverse task; no update. ValueError on a
    depth or seed outside limits.LNBN_DEPTH, limits.SEED."""
    depth = limits.LNBN_DEPTH.check("depth", depth)
    seed = limits.SEED.check("seed", seed)
    task = tasks.load("reverse")
    model = _stack(placement_, depth, task.vocab)
    dev = device or get_device()
    with fixed_threads(limits.TRAIN_THREADS):
        model.to(dev)
        init_weights(model, tasks.seeded(seed + INIT_OFFSET), "xavier")
        gen = tasks.seeded(seed + BATCH_OFFSET)
        norms = []
        for _ in range(limits.LNBN_INIT_BATCHES):
            x, y = task.batch(limits.LNBN_BATCH, limits.LNBN_SEQ, gen, dev)
            norms.append(gradient_norms(model, x, y)[1])
    return np.mean(np.array(norms), axis=0)  # (L,)


def placement(depth: int = limits.LNBN_DEPTH.default, lr: float = limits.LNBN_LR.default,
              seed: int = limits.SEED.default, steps: int = limits.LNBN_STEPS.default,
              on_step: Callable[[str, StepReport], None] | None = None,
              device: torch.device | None = None) -> PlacementResult:
    """Pre-LN against Post-LN at ``depth`` blocks: gradient norms at initialisation, then the four runs
    of :data:`RUNS` at peak learning rate ``lr`` for ``steps`` steps. ``on_step(run name, report)``
    after every step of every run. Raises ``ValueError`` for a setting outside its limit."""
    depth = limits.LNBN_DEPTH.check("depth", depth)
    lr = limits.LNBN_LR.check("learning rate", lr)
    seed = limits.SEED.check("seed", seed)
    steps = limits.LNBN_STEPS.check("steps", steps)
    task = tasks.load("reverse")
    warm = warmup_steps(steps)
    grads = {p: init_gradient_norms(p, depth, seed, device) for p in ("pre", "post")}

    runs = []
    for name, place, with_warmup in RUNS:
        model = _stack(place, depth, task.vocab)

        def batches(gen: torch.Generator, model=model) -> tuple[torch.Tensor, torch.Tensor]:
            return task.batch(limits.LNBN_BATCH, limits.LNBN_SEQ, gen, next(model.parameters()).device)

        report = None if on_step is None else (lambda r, name=name: on_step(name, r))
        schedule = linear_warmup(lr, warm) if with_warmup else constant(lr)
        runs.append((name, train(model, batches, steps=steps, lr_at=schedule, seed=seed, on_step=report, device=device)))
    return PlacementResult(depth=depth, lr=lr, steps=steps, warmup=warm, seed=seed, batch=limits.LNBN_BATCH,
                           seq_len=limits.LNBN_SEQ, d_model=limits.LNBN_D_MODEL, grad_pre=grads["pre"],
                           grad_post=grads["post"], runs=tuple(runs), entropy=task.entropy, chance=task.chance)
