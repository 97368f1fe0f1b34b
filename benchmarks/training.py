"""How fast the live training runs are (issue 14): steps per second of tf_core.live_training at each
depth, and each training lesson's default, all of its runs together, from a cold cache.

    python benchmarks/training.py [--steps 30] [--repeats 5] [--only loop lessons]

Prints figures; asserts nothing. Threads: every run holds ``limits.TRAIN_THREADS`` torch threads
(what the app uses), on the device the app would pick (``TF_CORE_DEVICE`` overrides).

  loop     a Pre-LN stack on the reverse task (d = 64, 4 heads, d_ff = 256), batch 32 x 8 (the
           lessons' shape) and 32 x 32 (the issue's reference shape), depths 1 .. 16: median ms per
           optimiser step over ``--steps`` steps after 3 warm-up steps (per-step times from the
           run's own clock: ``TrainRun.seconds / steps``, median of ``--repeats`` runs).
  lessons  each lesson's labs called as its page calls them at the default settings (LESSONS below),
           ``--repeats`` times: every call computes everything again (the labs keep no cache; the
           pages' st.cache_data and ui.training store are not involved), so each is a cold cache;
           the encoder is loaded once before, as the app keeps it per process. Median and max
           seconds, against the 5 s target.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from tf_core import limits  # noqa: E402
from tf_core import live_training as lt  # noqa: E402
from tf_core.blocks import BlockConfig, Stack, StackConfig  # noqa: E402
from tf_core.device import get_device  # noqa: E402
from tf_core.tasks import load  # noqa: E402

TARGET_COLD_S = 5.0
DEPTHS = (1, 2, 4, 8, 16)
# Six sentences of different lengths, as the ln-vs-bn page's default (the page's own text lives in the page).
SENTENCES = ("Short one.", "Padding fills the rest of each row.", "A batch holds sentences of many different lengths.",
             "Hi!", "The longest sentence of this batch sets the length every other row is padded to.", "They all share it.")
SENTENCE = "The animal didn't cross the street because it was too tired."


def _minilm():
    from tf_core.models import registry

    return registry.load("minilm")


# lesson id -> (what it needs loaded first, untimed: the process's cached model), then the page's default
# calls, all of them, timed together. The pages call exactly these labs with these defaults.
def _ln_vs_bn(enc):
    from tf_core.lab import ln_vs_bn as lab

    lab.statistics(enc, SENTENCES, layer=limits.ENCODER_LAYER.default)
    lab.placement()


def _batchnorm(_):
    from tf_core.lab import batchnorm as lab

    lab.run()


def _residual(_):
    from tf_core.lab import residual as lab

    lab.run()


def _ffn(enc):
    from tf_core.lab import ffn as lab

    lab.curves(), lab.param_table(lab.configs())
    lab.position_check(enc, SENTENCE)
    lab.run(limits.FFN_LR.default, limits.SEED.default)


def _weight_tying(_):
    from tf_core.lab import weight_tying as lab

    lab.smollm2_file()
    lab.run(limits.TIE_D.default, limits.TIE_LR.default, limits.SEED.default)


def _lr_dropout(enc):
    from tf_core.lab import lr_dropout as lab

    lab.schedule(limits.LRD_D_MODEL.default, limits.LRD_WARMUP.default, limits.LRD_STEPS.default)
    lab.warmup_runs(limits.LRD_LAYERS.default, limits.LRD_STEPS.default, limits.LRD_LR.default,
                    limits.LRD_WARMUP.default, limits.SEED.default)
    lab.dropout_runs(enc, SENTENCE, limits.SEED.default)


def _variants(_):
    from tf_core.lab import variants as lab

    lab.run()  # the page's timed run (decode steps, norms, FFNs, SmolLM2's header) at the defaults
    lab.train_ffns(limits.SEED.default, limits.VAR_STEPS.default)


LESSONS = {"ln-vs-bn": _ln_vs_bn, "batchnorm": _batchnorm, "residual": _residual, "ffn": _ffn,
           "weight-tying": _weight_tying, "lr-dropout": _lr_dropout, "variants": _variants}


def environment() -> None:
    print(f"python {platform.python_version()}  torch {torch.__version__}  device {get_device()}  "
          f"cores {os.cpu_count()}  train threads {limits.TRAIN_THREADS}")


def loop(steps: int, repeats: int) -> None:
    task = load("reverse")
    print(f"\n== live loop: ms per optimiser step (median of {repeats} runs of {steps} steps, after 3 warm-up steps)")
    print(f"{'layers':>6} {'batch 32x8':>12} {'batch 32x32':>12}")
    for depth in DEPTHS:
        row = []
        for length in (8, 32):
            cfg = StackConfig(vocab=task.vocab, max_len=length, n_layers=depth, block=BlockConfig())
            per_step = []
            for r in range(repeats):
                model = Stack(cfg)
                lt.train(model, lambda g: task.batch(32, length, g), steps=3, lr_at=lt.constant(1e-3), seed=r)  # warm-up
                run = lt.train(model, lambda g: task.batch(32, length, g), steps=steps, lr_at=lt.constant(1e-3), seed=r)
                per_step.append(run.seconds / steps * 1e3)
            row.append(statistics.median(per_step))
        print(f"{depth:>6} {row[0]:>10.1f}ms {row[1]:>10.1f}ms   ({1e3 / row[0]:.0f} and {1e3 / row[1]:.0f} steps/s)", flush=True)


def lessons(repeats: int) -> None:
    print(f"\n== each lesson's default, all of its runs (median / max of {repeats} calls; target < {TARGET_COLD_S:g} s)")
    start = time.perf_counter()
    enc = _minilm()
    print(f"  (MiniLM loaded first, once per process as the app does: {time.perf_counter() - start:.2f} s, not counted)")
    for qid, fn in LESSONS.items():
        times = []
        for _ in range(repeats):  # the labs keep no cache of their own: every call computes everything again
            start = time.perf_counter()
            fn(enc)
            times.append(time.perf_counter() - start)
        med = statistics.median(times)
        print(f"  {qid:14s} {med:6.2f} s median  {max(times):6.2f} s max   "
              f"{'ok' if med < TARGET_COLD_S else 'OVER'}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--only", nargs="*", default=["loop", "lessons"], choices=["loop", "lessons"])
    args = ap.parse_args()
    environment()
    if "loop" in args.only:
        loop(args.steps, args.repeats)
    if "lessons" in args.only:
        lessons(args.repeats)


if __name__ == "__main__":
    main()
