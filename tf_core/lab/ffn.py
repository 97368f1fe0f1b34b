"""Lesson `ffn`: the position-wise feed-forward network, its activation, its pros and cons.

Each block's FFN is one small MLP applied to every position on its own:

    FFN(x_i) = W2 · act(W1 x_i + b1) + b2          for every position i, with the SAME W1, b1, W2, b2
    SwiGLU:  W_down · (SiLU(W_gate x_i) ⊙ W_up x_i)    (Llama, SmolLM2: three matrices, no biases)

"Position-wise" means two things, both measured here on a real pretrained encoder (MiniLM, or e5 for
Chinese) and the learner's sentence: the weights are shared by all positions, and position i's output
depends on position i's input only. :func:`position_check` runs every layer's FFN once over all the
positions (what the model does) and once per position, alone, with the same weights: the outputs agree
up to float32 rounding (the matrix kernels block a (T, D) product differently from a (1, D) one), within
the tolerance ``torch.testing.assert_close`` uses for float32.

The rest of the lesson, each computed live:
  :func:`curves`       ReLU, GELU and SiLU (SwiGLU's gate) and their derivatives by autograd;
  :func:`param_table`  the FFN's weights against attention's per layer, from each real model's config:
                       2·d·d_ff (3·d·d_ff for SwiGLU) against 2d² + 2·d·n_kv·d_head (= 4d² without GQA);
  :func:`run`          a short training run of the same small stack with a ReLU, a GELU and a SwiGLU FFN
                       at the learner's learning rate (tf_core.live_training, the reverse task), and the
                       fraction of FFN units that are dead: exactly 0 at every position of a fixed
                       evaluation batch, so their weights get no gradient and they never come back.

Stated: GELU and SiLU are not exactly 0 for any finite negative input in exact arithmetic, but in float32
they underflow to 0 far enough out (:attr:`Curves.gelu_zero_below`), so a GELU unit pushed far negative by
a too-large step is as dead as a ReLU one; the run counts what float32 gives, for all three.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.blocks import ACTIVATIONS, BlockConfig, Stack, StackConfig, activation, init_weights
from tf_core.models.text_encoder import TextEncoder

# float32 rounding: torch.testing.assert_close's default tolerances for float32 (rtol, atol)
TOLERANCE = (1.3e-6, 1e-5)
CURVE_RANGE = (-4.0, 4.0)  # the x range the activation curves are drawn over
CURVE_POINTS = 801  # x step 0.01
EVAL_OFFSET = 7_919  # the evaluation batch's generator: seed + this, apart from the run's own generators


# --------------------------------------------------------------------------- the activations
@dataclass(frozen=True)
class Curves:
    x: np.ndarray  # (N,)
    names: tuple[str, ...]  # ("relu", "gelu", "swiglu"): SwiGLU's gate SiLU(x) = x·sigmoid(x)
    value: np.ndarray  # (3, N) act(x)
    grad: np.ndarray  # (3, N) d act / dx, by autograd
    gelu_min: float  # GELU's smallest value (it dips below 0) ...
    gelu_min_at: float  # ... at this x
    silu_min: float
    silu_min_at: float
    relu_grad_negative: float  # ReLU's largest |gradient| over x < 0 (exactly 0)
    gelu_grad_at_minus2: float  # GELU's gradient at x = -2: small but not 0
    gelu_zero_below: float  # float32: GELU(x) is exactly 0 for every x below this (underflow)
    silu_zero_below: float


def _zero_below(name: str) -> float:
    """The largest float32 x (to 0.01) with act(x) == 0 exactly: the underflow edge."""
    x = torch.arange(-200.0, 0.0, 0.01, dtype=torch.float32)  # (N,)
    zero = (activation(name, x) == 0).numpy()
    alive = np.flatnonzero(~zero)
    return float(x[alive[0] - 1]) if len(alive) and alive[0] > 0 else math.nan


def curves() -> Curves:
    """The three activations and their derivatives (autograd, float32) over CURVE_RANGE."""
    x = torch.linspace(*CURVE_RANGE, CURVE_POINTS, dtype=torch.float32)  # (N,)
    values, grads = [], []
    for name in ACTIVATIONS:
        xi = x.clone().requires_grad_(True)
        y = activation(name, xi)  # (N,)
        (g,) = torch.autograd.grad(y.sum(), xi)  # each y_i depends on x_i only: the sum's gradient is dy_i/dx_i
        values.append(y.detach().numpy())
        grads.append(g.numpy())
    value, grad = np.stack(values), np.stack(grads)  # (3, N)
    xs = x.numpy()
    g_i, s_i = int(np.argmin(value[1])), int(np.argmin(value[2]))
    at_m2 = torch.tensor([-2.0], requires_grad=True)
    (g2,) = torch.autograd.grad(activation("gelu", at_m2).sum(), at_m2)
    return Curves(x=xs, names=ACTIVATIONS, value=value, grad=grad, gelu_min=float(value[1, g_i]),
                  gelu_min_at=float(xs[g_i]), silu_min=float(value[2, s_i]), silu_min_at=float(xs[s_i]),
                  relu_grad_negative=float(np.abs(grad[0, xs < 0]).max()), gelu_grad_at_minus2=float(g2),
                  gelu_zero_below=_zero_below("gelu"), silu_zero_below=_zero_below("swiglu"))


# --------------------------------------------------------------------------- one FFN, every position
@dataclass(frozen=True)
class PositionCheck:
    model: str
    pieces: tuple[str, ...]  # the sentence's tokens
    n_total: int
    truncated: bool
    diff: np.ndarray  # (L, T) max_k |FFN(all positions)[t, k] - FFN(position t alone)[k]| per layer
    scale: np.ndarray  # (L,) max |FFN output| per layer (what the differences compare with)
    rtol: float
    atol: float
    d_model: int
    d_ff: int
    weights_per_layer: int  # W1, b1, W2, b2 of one layer: the numbers every position shares

    @property
    def max_diff(self) -> float:
        return float(self.diff.max(initial=0.0))

    @property
    def exact_share(self) -> float:
        """The share of (layer, position) pairs whose two results are bit for bit equal."""
        return float((self.diff == 0).mean()) if self.diff.size else 1.0

    @property
    def within_tolerance(self) -> bool:
        return bool(np.all(self.diff <= self.atol + self.rtol * self.scale[:, None]))


def position_check(encoder: TextEncoder, text: str, max_tokens: int = limits.ENCODER_TOKENS) -> PositionCheck:
    """Every layer's FFN on the sentence's real hidden states: once over all T positions, once per
    position alone (T calls of one row), with the layer's own weights."""
    limits.ENCODER_TOKEN_CAP.check("max_tokens", max_tokens)
    tokens = encoder.tokenize(text, max_tokens)
    model = encoder.model
    diffs, scales = [], []
    with torch.inference_mode():
        out = encoder.run(tokens, need_weights=False)
        for i, block in enumerate(model.blocks):
            _, _, tr = block(out.hidden_states[i], None, need_weights=False, trace=True)
            h = tr.ln1  # (1, T, D): the FFN's input, after the attention sub-layer and its LayerNorm

            def ffn(x: torch.Tensor) -> torch.Tensor:
                return block.ff2(torch.nn.functional.gelu(block.ff1(x)))  # (..., D)

            together = ffn(h)[0]  # (T, D): one call for every position
            alone = torch.cat([ffn(h[:, t:t + 1])[0] for t in range(h.shape[1])])  # (T, D): T calls of one row
            diffs.append((together - alone).abs().amax(dim=-1).double().cpu().numpy())  # (T,)
            scales.append(float(together.abs().max()))
    cfg = model.cfg
    return PositionCheck(model=encoder.name, pieces=tokens.pieces, n_total=tokens.n_total, truncated=tokens.truncated,
                         diff=np.stack(diffs), scale=np.array(scales), rtol=TOLERANCE[0], atol=TOLERANCE[1],
                         d_model=cfg.d_model, d_ff=cfg.d_ff, weights_per_layer=2 * cfg.d_model * cfg.d_ff + cfg.d_ff + cfg.d_model)


# --------------------------------------------------------------------------- FFN against attention
@dataclass(frozen=True)
class ParamRow:
    model: str
    d_model: int
    d_ff: int
    n_layers: int
    n_heads: int
    n_kv_heads: int
    d_head: int
    gated: bool  # SwiGLU: three matrices

    @property
    def ffn(self) -> int:
        """FFN weight matrices of one layer: 2·d·d_ff, or 3·d·d_ff gated (biases left out)."""
        return (3 if self.gated else 2) * self.d_model * self.d_ff

    @property
    def attention(self) -> int:
        """Attention weight matrices of one layer: W_Q and W_O are d x d, W_K and W_V d x (n_kv·d_head)
        (= 4d² when n_kv = n_heads)."""
        return 2 * self.d_model ** 2 + 2 * self.d_model * self.n_kv_heads * self.d_head

    @property
    def ratio(self) -> float:
        return self.ffn / self.attention


def configs() -> dict[str, object]:
    """The installed real models' configs, read from their files without loading the weights:
    MiniLM's config.json, e5's file header, SmolLM2's GGUF header. name -> EncoderConfig or LlamaConfig."""
    import mmap

    from tf_core.models import e5, minilm, smollm2
    from tf_core.models.catalog import MODELS, ModelUnavailable
    from tf_core.models.llama import LlamaConfig

    out: dict[str, object] = {}
    for key in ("minilm", "e5", "smollm2"):
        try:
            if key == "minilm":
                cfg = minilm.config()
            elif key == "e5":
                with open(e5.model_path(), "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                    cfg = e5._read_front(e5._Reader(mm))[0]
            else:
                cfg = LlamaConfig.from_gguf(smollm2.read().metadata)
        except (ModelUnavailable, FileNotFoundError, ImportError):
            continue  # not installed here: the table lists the others
        out[MODELS[key].name.split("/")[-1]] = cfg
    return out


def param_table(cfgs: Mapping[str, object]) -> tuple[ParamRow, ...]:
    """One row per model config (EncoderConfig: BERT, GELU, no GQA; LlamaConfig: SwiGLU and GQA)."""
    rows = []
    for name, c in cfgs.items():
        n_kv = getattr(c, "n_kv_heads", c.n_heads)
        rows.append(ParamRow(model=name, d_model=c.d_model, d_ff=c.d_ff, n_layers=c.n_layers, n_heads=c.n_heads,
                             n_kv_heads=n_kv, d_head=c.d_model // c.n_heads, gated=hasattr(c, "n_kv_heads")))
    return tuple(rows)


# --------------------------------------------------------------------------- dead ReLUs, live
STACK = dict(d_model=64, n_heads=4, d_ff=256, n_layers=2)  # the small stack of the run (d_ff = 4 d)
TASK = "reverse"
LENGTH, BATCH = 8, 32  # the reverse task's window and batch (tf_core.tasks)
EVAL_BATCH = 256  # windows of the fixed evaluation batch: 256 x 8 = 2,048 positions


@dataclass(frozen=True)
class ActRun:
    act: str
    loss: np.ndarray  # (S,) per step; NaN after a divergence
    diverged_at: int | None
    dead_before: np.ndarray  # (L,) fraction of each layer's d_ff units exactly 0 at every evaluation position, at init
    dead_after: np.ndarray  # (L,) the same after the run
    zero_share: float  # after the run: the share of all FFN activations that are exactly 0 (sparsity)
    final_loss: float  # mean of the last 5 steps (NaN if diverged)
    seconds: float

    @property
    def dead(self) -> float:
        """Dead units of every layer together, after the run."""
        return float(self.dead_after.mean())

    @property
    def dead_at_init(self) -> float:
        return float(self.dead_before.mean())


@dataclass(frozen=True)
class DeadResult:
    lr: float
    steps: int
    seed: int
    runs: tuple[ActRun, ...]  # relu, gelu, swiglu
    d_model: int
    d_ff: int
    n_layers: int
    positions: int  # evaluation positions a dead unit is 0 at
    threads: int
    device: str

    def get(self, act: str) -> ActRun:
        return next(r for r in self.runs if r.act == act)

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.runs)


def ffn_hidden(model: Stack, x: torch.Tensor) -> list[torch.Tensor]:
    """Each block's FFN units after the activation, (B, T, d_ff) per block, for token ids x (B, T).
    A forward pre-hook on each FFN of this model (the lab's own, never a shared one) records its input."""
    seen: list[torch.Tensor] = []
    hooks = [b.ffn.register_forward_pre_hook(lambda m, args: seen.append(m.hidden(args[0]))) for b in model.blocks]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
    return seen


def dead_fraction(hidden: list[torch.Tensor]) -> np.ndarray:
    """(L,) per layer: the fraction of units exactly 0 at every position of the batch."""
    return np.array([float((h == 0).flatten(0, -2).all(dim=0).double().mean()) for h in hidden])


def run(lr: float, seed: int, steps: int = limits.FFN_STEPS.default,
        on_step: Callable[[str, object], None] | None = None) -> DeadResult:
    """The same small Pre-LN stack trained on the reverse task for ``steps`` Adam steps at a constant
    ``lr``, once per activation (same seed: same batches, same initial matrices where shapes agree),
    with the dead units counted before and after on a fixed evaluation batch."""
    from tf_core import tasks
    from tf_core.live_training import constant, train

    lr = limits.FFN_LR.check("lr", lr)
    seed = limits.SEED.check("seed", seed)
    steps = limits.FFN_STEPS.check("steps", steps)
    task = tasks.load(TASK)
    x_eval, _ = task.batch(EVAL_BATCH, LENGTH, tasks.seeded(seed + EVAL_OFFSET))  # (E, T)
    runs, threads, device = [], limits.TRAIN_THREADS, "cpu"
    for act in ACTIVATIONS:
        cfg = StackConfig(vocab=task.vocab, max_len=LENGTH, n_layers=STACK["n_layers"],
                          block=BlockConfig(d_model=STACK["d_model"], n_heads=STACK["n_heads"], d_ff=STACK["d_ff"], act=act))
        model = Stack(cfg)
        init_weights(model, tasks.seeded(seed), "xavier")  # what train() starts from (the same seed)
        before = dead_fraction(ffn_hidden(model, x_eval))
        report = None if on_step is None else (lambda r, a=act: on_step(a, r))
        t = train(model, lambda g: task.batch(BATCH, LENGTH, g), steps=steps, lr_at=constant(lr), seed=seed,
                  on_step=report)
        dev = next(model.parameters()).device
        hidden = ffn_hidden(model, x_eval.to(dev))
        zero = float(torch.cat([h.flatten() for h in hidden]).eq(0).double().mean())
        runs.append(ActRun(act=act, loss=t.loss, diverged_at=t.diverged_at, dead_before=before,
                           dead_after=dead_fraction(hidden), zero_share=zero, final_loss=t.final_loss(), seconds=t.seconds))
        threads, device = t.threads, t.device
    return DeadResult(lr=lr, steps=steps, seed=seed, runs=tuple(runs), d_model=STACK["d_model"], d_ff=STACK["d_ff"],
                      n_layers=STACK["n_layers"], positions=EVAL_BATCH * LENGTH, threads=threads, device=device)
