"""Our encoder against Hugging Face's BertModel with the same weights: forward time, load time, RSS.

    python benchmarks/encoder.py [--runs 30]

Prints figures, asserts nothing. Both sides: float32, the same torch thread count, eager attention
with the attention weights returned (output_attentions=True / our default), batch of 1, the same
token ids, inference mode; each timing is the median of --runs calls after 3 warm-up calls, the two
implementations interleaved call by call so that a slow spell of the machine hits both.
Target (issue 4): ours <= 1.0 x Hugging Face's time.
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # hf_references: the Hugging Face models with our weights

import torch  # noqa: E402

TEXT = ("Why divide the scores by the square root of the key dimension before the softmax? "
        "Because the dot product of two random vectors grows with their length. ") * 20


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def load_models():
    """(key, our TextEncoder, the Hugging Face model with the same weights, load seconds, RSS MiB)."""
    from tf_core.models import minilm

    out = []
    gc.collect()
    t = time.perf_counter()
    ours = minilm.load()
    load_s = time.perf_counter() - t
    rss = rss_mib()
    from hf_references import hf_reference

    hf = hf_reference(ours)
    out.append(("minilm", ours, hf, load_s, rss))
    try:
        from tf_core.models import e5
    except ImportError:
        return out
    try:
        t = time.perf_counter()
        ours = e5.load()
        load_s = time.perf_counter() - t
        rss = rss_mib()
        hf = hf_reference(ours)
    except Exception as exc:  # noqa: BLE001  (absent package on this platform: say so and go on)
        print(f"e5: skipped ({exc})")
        return out
    out.append(("e5", ours, hf, load_s, rss))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    print(f"python {platform.python_version()}  torch {torch.__version__}  threads {torch.get_num_threads()}  "
          f"cores {len(os.sched_getaffinity(0))}  dtype float32  device cpu")
    rss0 = rss_mib()
    models = load_models()
    print(f"RSS before loading: {rss0:.0f} MiB")
    rows = []
    for key, ours, hf, load_s, rss in models:
        print(f"{key}: our load {load_s:.2f} s, RSS after our load {rss:.0f} MiB")
        for n_tokens in (16, 128):
            tokens = ours.tokenize(TEXT, max_tokens=n_tokens)
            ids = torch.tensor([tokens.ids])

            def run_ours():
                ours.model(ids)

            def run_hf():
                with torch.inference_mode():
                    hf(ids, output_attentions=True)

            for _ in range(3):
                run_ours(), run_hf()
            a, b = [], []
            for _ in range(args.runs):
                a.append(timed(run_ours))
                b.append(timed(run_hf))
            ma, mb = statistics.median(a), statistics.median(b)
            rows.append((key, len(tokens), ma, mb))
            print(f"  {len(tokens):4d} tokens: ours {ma:7.2f} ms   HF eager {mb:7.2f} ms   ratio {ma / mb:.2f}x"
                  f"   (median of {args.runs}; ours min {min(a):.2f}, HF min {min(b):.2f})")
    print(f"RSS with everything loaded: {rss_mib():.0f} MiB (ours and the HF references)")
    print("\nsummary: target ours <= 1.0 x HF")
    for key, n, ma, mb in rows:
        print(f"  {key:7s} {n:4d} tokens  {ma / mb:.2f}x  {'PASS' if ma <= mb else 'MISS'}")


if __name__ == "__main__":
    main()
