"""Reproducible training of the length-extrapolation models of lesson `pe-variants`: one
:class:`tf_core.models.position_lm.PositionLM` per position encoding, the same recipe for every kind.

    python -m tf_core.train positions --kind alibi|...|all --seed 0 --threads 1

(the command line is tf_core.train's; this module holds the recipe and the loop). The corpus, the
optimiser, its schedule and the seeding are tf_core.train's, as for the tiny GPT: the same seed and
thread count give the same weights and metrics.
"""
from __future__ import annotations

import hashlib
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.device import fixed_threads
from tf_core.models import checkpoints, position_lm, vocab
from tf_core.train import (EVAL_SEED_OFFSET, VAL_FRACTION, Result, load_corpus, lr_at, optimise, seed_everything,
                           text_batch, versions)


@dataclass(frozen=True)
class PositionsRecipe:
    """One recipe for every kind (fixed before any evaluation): the same text, seed, batches and steps."""

    # optimiser steps. Over the last 500 of the 3,000 the validation loss at the training length fell by
    # 0.008-0.022 nats in every kind (cosine decay to lr / 10): flattened. Measured on the shared 2-core
    # machine (load ~3.5): 56-99 s a kind on 1 thread (the shipped runs); 2 threads ran ~8x slower there
    # (300 steps: 68 s against 8.7 s), OpenMP's threads waiting on the other jobs, so the shipped
    # models were trained with --threads 1.
    steps: int = 3000
    batch: int = 32  # training windows per step, each exactly train_length characters
    train_length: int = limits.PE_TRAIN_LENGTH  # the length every model is trained at
    max_eval_length: int = max(limits.PE_EVAL_LENGTHS)  # the longest evaluation (4 x): the learned table's rows
    lr: float = 3e-3  # peak learning rate (AdamW), after a linear warm-up; then cosine to lr / 10 (as GPTRecipe)
    warmup: int = 100
    weight_decay: float = 0.1  # on matrices only, as GPTRecipe (the learned table's untrained rows included)
    log_every: int = 100  # steps between entries of the training and validation loss histories
    val_windows: int = 64  # validation windows of train_length in each history entry (the flattening curve)
    eval_lengths: tuple[int, ...] = limits.PE_EVAL_LENGTHS  # the final evaluation's lengths (metrics.json)
    eval_windows: int = limits.PE_WINDOWS.default  # windows of the longest length: the span every length covers
    eval_seed: int = limits.SEED.default  # where that span starts: the lab's default windows
    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 4
    d_ff: int = 256


POSITIONS = PositionsRecipe()


@dataclass(frozen=True, eq=False)
class PositionsResult(Result):
    """A trained PositionLM, its config and metrics, and the held-out text it was evaluated on."""

    validation_text: str = field(repr=False)


POSITION_BATCH_SEED_OFFSET = 2  # training windows: their own generator, apart from the weights' (seed) and evaluation's


def train_positions(kind: str, recipe: PositionsRecipe = POSITIONS, seed: int = 0, threads: int = 2,
                    corpus: str = "kjv") -> PositionsResult:
    """A PositionLM of ``kind`` trained on ``corpus`` character by character (the last 5% held out, as
    the GPT's), then evaluated at every length of the recipe."""
    start_time = time.perf_counter()
    text, data_info = load_corpus(corpus)
    chars = vocab.Vocab(tuple(sorted(set(text))))
    ids = torch.tensor(chars.encode(text), dtype=torch.long)  # (N,)
    n_val = int(len(ids) * VAL_FRACTION)
    train_ids, val_ids = ids[:-n_val], ids[-n_val:]
    val_span = recipe.val_windows * recipe.train_length
    if min(len(train_ids), len(val_ids)) <= max(recipe.eval_windows * recipe.max_eval_length, val_span) + 1:
        raise ValueError(f"the evaluation needs a longer text: 5% of it is {n_val} characters")
    cfg = position_lm.PositionLMConfig(kind=kind, vocab=chars, train_length=recipe.train_length,
                                       max_eval_length=recipe.max_eval_length, d_model=recipe.d_model,
                                       n_layers=recipe.n_layers, n_heads=recipe.n_heads, d_ff=recipe.d_ff,
                                       relative_max_distance=recipe.train_length)
    with fixed_threads(threads):
        seed_everything(seed)
        model = position_lm.PositionLM(cfg)
        position_lm.init_weights(model, torch.Generator().manual_seed(seed))
        gen = torch.Generator().manual_seed(seed + POSITION_BATCH_SEED_OFFSET)
        val_start = position_lm.span_start(len(val_ids), val_span, seed + EVAL_SEED_OFFSET)
        val_history = []

        def step_loss(step: int) -> torch.Tensor:
            if step % recipe.log_every == 0:  # the validation loss at the training length, before this step
                val = position_lm.window_losses(model, val_ids, recipe.train_length, val_span, val_start)
                val_history.append([step, round(float(val.mean()), 5)])
            x, y = text_batch(train_ids, recipe.train_length, recipe.batch, gen)  # (B, T) each
            return F.cross_entropy(model(x).flatten(0, 1), y.flatten())

        history = optimise(model, recipe.steps, recipe.lr, recipe.warmup, recipe.weight_decay, recipe.log_every,
                           step_loss)
        train_seconds = time.perf_counter() - start_time
        val = position_lm.window_losses(model, val_ids, recipe.train_length, val_span, val_start)
        val_history.append([recipe.steps, round(float(val.mean()), 5)])
        evaluation = position_lm.evaluate_lengths(model, val_ids, tuple(recipe.eval_lengths), recipe.eval_windows,
                                                  recipe.eval_seed)
    metrics = {
        "kind": kind,
        "evaluation": evaluation,
        "history": history,  # training loss of single batches
        "val_history": val_history,  # [step, validation loss at train_length] on val_windows fixed windows
        "uniform_loss": round(math.log(len(chars)), 5),
        "parameters": checkpoints.n_parameters(model),
        "steps": recipe.steps,
        "train_seconds": round(train_seconds, 1),  # reading the corpus, the steps and the validation history
        "threads": threads,
        "torch": torch.__version__,
    }
    if kind == "learned":
        # AdamW decays a row without gradients by (1 - lr_t · weight_decay) per step and moves it no further
        decay = math.prod(1.0 - lr_at(s, recipe.steps, recipe.lr, recipe.warmup) * recipe.weight_decay
                          for s in range(recipe.steps))
        metrics["learned_table"] = {
            "rows": recipe.max_eval_length, "trained_rows": recipe.train_length,
            "untrained_rows": recipe.max_eval_length - recipe.train_length,
            "untrained_note": "rows train_length.. never get a gradient: their initial N(0, 1/d) values, "
                              "scaled by the weight decay factor",
            "weight_decay_factor": round(decay, 6)}
    val_text = text[-n_val:]
    data_info |= {"train_characters": len(train_ids), "val_characters": len(val_ids),
                  "split": f"the last {VAL_FRACTION:.0%} of the text is the validation set",
                  "validation_file": f"../{checkpoints.POSITIONS_VALIDATION}",
                  "validation_sha256": hashlib.sha256(val_text.encode("utf-8")).hexdigest()}
    config = {"model": f"position-lm-{kind}", "architecture": checkpoints.config_to_json(cfg), "data": data_info,
              "training": {"seed": seed, "threads": threads, **asdict(recipe), **versions()}}
    return PositionsResult(model=model, config=config, metrics=metrics, validation_text=val_text)


def save_positions(folder: Path, result: PositionsResult) -> Path:
    """Write one kind's checkpoint into folder/<kind>/ and the held-out text into folder/validation.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / checkpoints.POSITIONS_VALIDATION).open("w", encoding="utf-8", newline="") as f:
        f.write(result.validation_text)
    return checkpoints.save(folder / result.metrics["kind"], result.model, result.config, result.metrics)
