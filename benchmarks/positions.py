"""How long pe-variants' extrapolation sweep takes from a cold cache (issue 15: under 10 s on 2 cores):
the six shipped position models loaded, then every kind read at every length (the lab's default
windows), as the page's queued job runs it.

    python benchmarks/positions.py [--repeats 20] [--threads 2 1] [--windows 128]

Prints figures; asserts nothing. Each repeat loads the six checkpoints again (a cold load after the
first, as a fresh process sees it once torch is imported) and runs the whole sweep (the lab keeps no
cache, so every sweep is a cold one). Threads: each count in ``--threads`` in turn (the page's job
runs on the process's one count, tf_core.device.job_threads: 1 on a 2-core machine). The first load of the process
is printed on its own: it includes the position modules' first imports.
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
from tf_core.device import fixed_threads  # noqa: E402

TARGET_S = 10.0


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    ap.add_argument("--windows", type=int, default=limits.PE_WINDOWS.default)
    args = ap.parse_args()
    print(f"python {platform.python_version()}, torch {torch.__version__}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}; windows {args.windows}, float32, CPU")
    began = time.perf_counter()
    from tf_core.lab import pe_variants as lab
    lab.load_models()
    print(f"first load in this process (imports included): {time.perf_counter() - began:.2f} s")
    for threads in args.threads:
        loads, sweeps, totals = [], [], []
        with fixed_threads(threads):
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                models = lab.load_models()
                t1 = time.perf_counter()
                lab.extrapolation(models, windows=args.windows, seed=limits.SEED.default)
                t2 = time.perf_counter()
                loads.append(t1 - t0)
                sweeps.append(t2 - t1)
                totals.append(t2 - t0)
        print(f"{threads} thread(s), {args.repeats} runs: load median {statistics.median(loads):.3f} s; "
              f"sweep median {statistics.median(sweeps):.2f} s, p95 {p95(sweeps):.2f} s; load + sweep median "
              f"{statistics.median(totals):.2f} s, p95 {p95(totals):.2f} s (target {TARGET_S:g} s)")


if __name__ == "__main__":
    main()
