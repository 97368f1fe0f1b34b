"""Lesson `weight-tying`: where a Transformer shares weights, and why the embedding and the output
layer can be one matrix.

The input embedding maps token i to row i of a (V, d) table E. The output layer scores the final
hidden state h against every token: logits = W h, and ``nn.Linear(d, V).weight`` is W with shape
(V, d), the table's own shape, row i scoring token i. Tying sets W = E (no transpose):

    x_0 = E[token]            (embedding: read row i)
    logits = E · h            (output: dot product of h with every row)

so one row carries a token's meaning both ways, and V·d parameters are saved (Press & Wolf 2017;
Vaswani et al. 2017, section 3.4, share it with the decoder's input embedding too).

Measured here:
  :func:`smollm2_file`  SmolLM2-135M's GGUF file: the tensor directory has ``token_embd.weight``
                        (49,152 x 576) and no ``output.weight``, so llama.cpp (and tf_core.models.llama)
                        compute the logits with the embedding table; what the table is of the whole model,
                        and what an untied copy would add. (tests/tf_core/test_lab_weight_tying.py checks
                        with Hugging Face transformers that ``lm_head.weight`` shares storage with
                        ``embed_tokens.weight``.)
  :func:`run`           a small causal stack trained live twice, tied and untied, on next-token prediction
                        over a BPE vocabulary learned from the shipped English texts: a model whose
                        vocabulary table is a large share of its parameters (in the shipped tiny GPT it is
                        ~1 %, too little to show anything). Train loss per step, held-out loss every few
                        steps on the last tenth of the text, which neither run trains on.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from tf_core import limits

TEXTS = ("bpe_sample_en.txt", "batch_sentences_en.txt")  # assets/text: ~6,800 characters of English
TEXT_DIR = Path(__file__).resolve().parents[2] / "assets" / "text"
MERGES = limits.BPE_MERGES.hi  # 200 merges: a vocabulary of ~230 tokens over ~2,900 tokens of text
HELD_OUT = 0.1  # the last tenth of the token stream is never trained on
LENGTH, BATCH = 16, 32  # windows of 16 tokens predicting the next 16, 32 windows a step
N_LAYERS, N_HEADS = 1, 4
EVAL_EVERY = 5  # steps between two held-out evaluations


# --------------------------------------------------------------------------- SmolLM2's file
@dataclass(frozen=True)
class FileFacts:
    n_tensors: int
    names: tuple[str, ...]  # every tensor name, in file order
    outside_blocks: tuple[str, ...]  # the tensors not in a block ("blk.N...."): the embedding, the final norm
    table: str  # the embedding's name
    table_shape: tuple[int, int]  # (V, d)
    has_output: bool  # is there an "output.weight"?
    total: int  # parameters in the file
    vocab: int
    d_model: int
    shapes: tuple[tuple[str, tuple[int, ...]], ...] = ()  # (name, shape) of every tensor, file order

    @property
    def table_params(self) -> int:
        return self.table_shape[0] * self.table_shape[1]

    @property
    def table_share(self) -> float:
        """The table's share of the (tied) model."""
        return self.table_params / self.total

    @property
    def untied_total(self) -> int:
        """The model with an output matrix of its own (another V x d)."""
        return self.total + (0 if self.has_output else self.table_params)

    @property
    def saved_share(self) -> float:
        """What tying saves, as a share of the untied model."""
        return 1 - self.total / self.untied_total


EMBEDDING, OUTPUT = "token_embd.weight", "output.weight"  # llama.cpp's names


def smollm2_file(path: Path | None = None) -> FileFacts:
    """SmolLM2's GGUF header (tf_core.models.smollm2.read: no tensor data is read)."""
    from tf_core.models import smollm2

    f = smollm2.read(path)
    shapes = {name: info.shape for name, info in f.tensors.items()}
    total = sum(int(np.prod(s, dtype=np.int64)) for s in shapes.values())
    V, d = shapes[EMBEDDING]
    return FileFacts(n_tensors=len(shapes), names=tuple(shapes), outside_blocks=tuple(n for n in shapes if not n.startswith("blk.")),
                     table=EMBEDDING, table_shape=(int(V), int(d)), has_output=OUTPUT in shapes, total=total,
                     vocab=int(V), d_model=int(d), shapes=tuple(shapes.items()))


def shape_listing(f: FileFacts) -> str:
    """The tensor directory as text: the tensors outside the blocks, block 0's, a line for the other
    blocks, and the output matrix a separate head would need (absent here)."""
    rows = [(n, s) for n, s in f.shapes if not n.startswith("blk.") or n.startswith("blk.0.")]
    width = max(len(n) for n, _ in rows + [(OUTPUT, ())])
    lines = [f"{n:<{width}}  {' x '.join(f'{x:,}' for x in s)}" for n, s in rows]
    blocks = sorted({int(n.split(".")[1]) for n, _ in f.shapes if n.startswith("blk.")})
    if len(blocks) > 1:
        per = sum(1 for n, _ in f.shapes if n.startswith("blk.0."))
        lines.append(f"{'blk.1 .. blk.' + str(blocks[-1]):<{width}}  {per} tensors each, as blk.0")
    lines.append(f"{OUTPUT:<{width}}  {'(present)' if f.has_output else '(absent: the logits use ' + f.table + ')'}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the live run
@dataclass(frozen=True, eq=False)
class Corpus:
    vocab: tuple[str, ...]  # the BPE symbols, id order
    train: torch.Tensor  # (N_train,) token ids
    held: torch.Tensor  # (N_held,)
    chars: int


@functools.cache
def corpus() -> Corpus:
    """The shipped English texts (lower-cased, single spaces) as BPE token ids (tf_core.bpe, MERGES merges)."""
    from tf_core import bpe

    text = " ".join(" ".join((TEXT_DIR / name).read_text(encoding="utf-8") for name in TEXTS).lower().split())
    trained = bpe.train_bpe(text, n_merges=MERGES, max_chars=len(text))
    ranks = {(m.left, m.right): r for r, m in enumerate(trained.merges)}
    vocab = tuple(dict.fromkeys([*sorted(trained.alphabet), *(m.new for m in trained.merges)]))
    index = {s: i for i, s in enumerate(vocab)}
    ids = torch.tensor([index[s] for w in trained.words for s in bpe.apply_merges(w, ranks)], dtype=torch.long)
    cut = int(len(ids) * (1 - HELD_OUT))
    return Corpus(vocab=vocab, train=ids[:cut], held=ids[cut:], chars=len(text))


def windows(ids: torch.Tensor, starts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(inputs, next-token targets), each (B, LENGTH), of the windows starting at ``starts`` (B,)."""
    w = ids[starts[:, None] + torch.arange(LENGTH + 1)]  # (B, LENGTH + 1)
    return w[:, :-1], w[:, 1:]


@dataclass(frozen=True)
class TieRun:
    tied: bool
    params: int  # distinct parameters (the tied table counted once)
    table: int  # V x d
    loss: np.ndarray  # (S,) train loss per step; NaN after a divergence
    held: np.ndarray  # (S,) held-out loss at every EVAL_EVERY-th step (and the last), NaN elsewhere
    diverged_at: int | None
    seconds: float

    @property
    def final_train(self) -> float:
        return float(np.mean(self.loss[-10:])) if self.diverged_at is None else math.nan

    @property
    def final_held(self) -> float:
        done = self.held[np.isfinite(self.held)]
        return float(done[-1]) if len(done) and self.diverged_at is None else math.nan

    @property
    def best_held(self) -> float:
        done = self.held[np.isfinite(self.held)]
        return float(done.min()) if len(done) else math.nan


@dataclass(frozen=True)
class TieResult:
    d_model: int
    lr: float
    steps: int
    seed: int
    vocab: int
    train_tokens: int
    held_tokens: int
    runs: tuple[TieRun, TieRun]  # tied, untied
    threads: int
    device: str

    @property
    def tied(self) -> TieRun:
        return self.runs[0]

    @property
    def untied(self) -> TieRun:
        return self.runs[1]

    @property
    def table_share(self) -> float:
        """The table's share of the tied model's parameters."""
        return self.tied.table / self.tied.params

    @property
    def saved_share(self) -> float:
        return 1 - self.tied.params / self.untied.params

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.runs)


def run(d_model: int, lr: float, seed: int, steps: int = limits.TIE_STEPS.default,
        on_step: Callable[[str, object], None] | None = None) -> TieResult:
    """Train the same causal stack (1 block, 4 heads, d_ff 4·d, ``init="small"``: N(0, 0.02), as GPT-2's
    tied table) twice from the seed's weights, tied (``StackConfig(tied=True)``) and untied, on the same
    batches; ``on_step(run_name, report)`` with run names "tied" and "untied"."""
    from tf_core.blocks import BlockConfig, Stack, StackConfig, parameter_count
    from tf_core.live_training import constant, cross_entropy, train

    d_model = limits.TIE_D.check("d_model", d_model)
    lr = limits.TIE_LR.check("lr", lr)
    seed = limits.SEED.check("seed", seed)
    steps = limits.TIE_STEPS.check("steps", steps)
    c = corpus()
    held_starts = torch.arange(0, len(c.held) - LENGTH, LENGTH)  # every held-out window, none overlapping
    hx, hy = windows(c.held, held_starts)  # (H, LENGTH) each

    def batches(g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        starts = torch.randint(0, len(c.train) - LENGTH, (BATCH,), generator=g)  # (B,)
        return windows(c.train, starts)

    runs, threads, device = [], limits.TRAIN_THREADS, "cpu"
    for tied in (True, False):
        cfg = StackConfig(vocab=len(c.vocab), max_len=LENGTH, n_layers=N_LAYERS, tied=tied,
                          block=BlockConfig(d_model=d_model, n_heads=N_HEADS, d_ff=4 * d_model, causal=True))
        model = Stack(cfg)
        held = np.full(steps, np.nan)

        def report(r, name="tied" if tied else "untied", model=model, held=held):
            if r.step % EVAL_EVERY == 0 or r.step == r.steps - 1:
                dev = next(model.parameters()).device
                with torch.no_grad():  # no dropout, no batch statistics: the training mode changes nothing here
                    held[r.step] = float(cross_entropy(model(hx.to(dev)), hy.to(dev)))
            if on_step is not None:
                on_step(name, r)

        t = train(model, batches, steps=steps, lr_at=constant(lr), seed=seed, init="small", on_step=report)
        runs.append(TieRun(tied=tied, params=parameter_count(model), table=len(c.vocab) * d_model, loss=t.loss,
                           held=held, diverged_at=t.diverged_at, seconds=t.seconds))
        threads, device = t.threads, t.device
    return TieResult(d_model=d_model, lr=lr, steps=steps, seed=seed, vocab=len(c.vocab), train_tokens=len(c.train),
                     held_tokens=len(c.held), runs=(runs[0], runs[1]), threads=threads, device=device)
