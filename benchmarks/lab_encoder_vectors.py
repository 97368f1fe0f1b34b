"""Time of the lab functions behind lessons `encoder` and `pretrained-vectors`, models loaded.

    python benchmarks/lab_encoder_vectors.py [--runs 20] [--threads 2] [--e5-float32]

Prints figures, asserts nothing. Each figure is the median (and 90th percentile) of --runs calls
after 2 warm-up calls, in a process with --threads torch threads (2 = the classroom server).
Target: each lesson's whole lab call under ~300 ms on 2 cores. Also prints the memory the vectors
lesson keeps per model (its table index) and the resident set size.

--e5-float32 also times e5's whole-table readers against the same model with its word table
dequantised whole into a float32 nn.Embedding (as it was loaded before the table stayed in its
4-bit blocks, tf_core/models/quantized.py): the two called in turn, run after run, so both see the
same load on the machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

SENTENCE = "The animal didn't cross the street because it was too tired."
LONG = "Why divide the scores by the square root of the key dimension before the softmax? " * 12


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timing(fn, runs: int) -> tuple[float, float]:
    for _ in range(2):
        fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    return statistics.median(ts), ts[min(len(ts) - 1, int(0.9 * len(ts)))]


def interleaved(fns: dict, runs: int) -> dict[str, tuple[float, float]]:
    """Median and p90 ms of each function, called in turn after 2 warm-up rounds."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for i in range(runs + 2):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            if i >= 2:
                times[name].append((time.perf_counter() - t) * 1000)
    return {name: (statistics.median(ts), sorted(ts)[min(len(ts) - 1, int(0.9 * len(ts)))]) for name, ts in times.items()}


def e5_against_float32(enc, runs: int) -> None:
    """e5's 4-bit table (as loaded) against its float32 twin: the index build and the search."""
    from dataclasses import replace

    from tf_core.lab import pretrained_vectors as vectors
    from tf_core.models.encoder import Encoder

    dense = replace(enc, model=Encoder.from_state(enc.model.cfg, enc.model.state_dict()))  # the table dequantised whole
    print(f"\ne5 word table: 4-bit blocks (as loaded) vs float32 (dequantised whole), {torch.get_num_threads()} threads")
    cases = {"table index build": lambda e: (lambda: vectors._build_index(e)),
             "neighbours 'bank' (1 piece)": lambda e: (lambda: vectors.neighbours(e, "bank", 10)),
             "neighbours 'unbelievably' (4-5 pieces)": lambda e: (lambda: vectors.neighbours(e, "unbelievably", 10))}
    for name, make in cases.items():
        r = interleaved({"4-bit": make(enc), "float32": make(dense)}, runs)
        print(f"  {name:40s} 4-bit {r['4-bit'][0]:7.1f} {r['4-bit'][1]:7.1f}   float32 {r['float32'][0]:7.1f} "
              f"{r['float32'][1]:7.1f}   ratio {r['4-bit'][0] / r['float32'][0]:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--e5-float32", action="store_true", help="also compare e5's 4-bit table with a float32 copy")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from tf_core.lab import encoder as encoder_walk, pretrained_vectors as vectors
    from tf_core.models import registry

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.runs} runs, median / p90 ms")
    for key in registry.available():
        enc = registry.load(key)
        n_layers = enc.model.cfg.n_layers
        cases = {
            f"encoder_walk layer 0, {len(enc.tokenize(SENTENCE, 128))} tokens": lambda: encoder_walk.run(enc, SENTENCE, 0, 128),
            f"encoder_walk last layer, {len(enc.tokenize(LONG, 128))} tokens": lambda: encoder_walk.run(enc, LONG, n_layers - 1, 128),
            "vectors.neighbours 'bank' (1 piece)": lambda: vectors.neighbours(enc, "bank", 10),
            "vectors.neighbours 'unbelievably' (4-5 pieces)": lambda: vectors.neighbours(enc, "unbelievably", 10),
            "vectors.categories en": lambda: vectors.categories(enc, "en", 0),
            "vectors.contexts en": lambda: vectors.contexts(enc, "en"),
            "vectors.run 'bank' en (the page's call)": lambda: vectors.run(enc, "bank", 10, "en", 0),
            "vectors.run '注意力' zh (the page's call)": lambda: vectors.run(enc, "注意力", 10, "zh", 0),
        }
        t = time.perf_counter()
        index = vectors.table_index(enc)
        print(f"\n{enc.name}: table index built in {(time.perf_counter() - t) * 1000:.0f} ms, "
              f"{index.nbytes / 2**20:.2f} MiB kept")
        for name, fn in cases.items():
            med, p90 = timing(fn, args.runs)
            print(f"  {name:48s} {med:7.1f} {p90:7.1f}")
        print(f"  RSS {rss_mib():.0f} MiB")
        if key == "e5" and args.e5_float32:
            e5_against_float32(enc, args.runs)


if __name__ == "__main__":
    main()
