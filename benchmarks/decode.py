"""Greedy decoding of SmolLM2-135M-Instruct: our Llama decoder against Hugging Face's generate, and
what the KV cache saves.

    python benchmarks/decode.py [--runs 3] [--lengths 64 256] [--hf-tokens 64]

Prints figures, asserts nothing. Both implementations hold the same float32 weights (dequantised
from the package's GGUF file; Hugging Face's built by transformers' own GGUF code, see
tests/hf_references.py), run on the CPU with the same torch thread count, on the same prompt,
greedy, with a cache (Hugging Face: generate(do_sample=False, use_cache=True), min_new_tokens =
max_new_tokens so neither stops early). Tokens/s = new tokens / wall time of the whole call, the
prompt's prefill included; medians of --runs calls after one warm-up, ours and theirs interleaved.
Cached vs uncached: our generate(use_cache=True / False) at each length, the tokens compared.
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
sys.path.insert(0, str(ROOT / "tests"))  # hf_references: the Hugging Face model with the same weights

import torch  # noqa: E402

os.environ.setdefault("TQDM_DISABLE", "1")  # transformers' GGUF loader draws a progress bar per tensor

PROMPT = ("<|im_start|>user\nExplain in a few paragraphs why a Transformer divides the attention scores "
          "by the square root of the key dimension.<|im_end|>\n<|im_start|>assistant\n")


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lengths", type=int, nargs="+", default=[64, 256])
    ap.add_argument("--hf-tokens", type=int, default=64)
    ap.add_argument("--uncached-runs", type=int, default=None, help="runs of the uncached baseline "
                    "(default: --runs up to 64 new tokens, 1 beyond: 256 uncached steps take about a minute on 2 cores)")
    args = ap.parse_args()

    import transformers

    from hf_references import hf_smollm2
    from tf_core.models import smollm2
    from tf_core.models.llama import generate

    transformers.logging.set_verbosity_error()
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, {platform.processor() or platform.machine()}, "
          f"{torch.get_num_threads()} torch threads, float32, CPU")
    smol = smollm2.load()
    print(f"our load (header, tokenizer, dequantise, build): {smol.load_seconds:.2f} s")
    seconds, hf = timed(hf_smollm2)
    print(f"Hugging Face reference load: {seconds:.2f} s")
    model = smol.model
    ids = torch.tensor([smol.tokenizer.encode(PROMPT).ids])  # (1, T)
    print(f"prompt: {ids.shape[1]} tokens")

    # --- ours vs Hugging Face, cached greedy ------------------------------------------------------------
    n = args.hf_tokens

    def ours():
        return generate(model, ids, n, use_cache=True).tokens[0].tolist()

    def theirs():
        with torch.inference_mode():
            out = hf.generate(ids, max_new_tokens=n, min_new_tokens=n, do_sample=False, use_cache=True)
        return out[0, ids.shape[1]:].tolist()

    ours(), theirs()  # warm-up
    t_ours, t_hf = [], []
    for _ in range(args.runs):
        s, a = timed(ours)
        t_ours.append(s)
        s, b = timed(theirs)
        t_hf.append(s)
    mo, mh = statistics.median(t_ours), statistics.median(t_hf)
    print(f"\ncached greedy, {n} new tokens (median of {args.runs}):")
    print(f"  ours          {n / mo:7.1f} tokens/s  ({mo:.2f} s)")
    print(f"  Hugging Face  {n / mh:7.1f} tokens/s  ({mh:.2f} s)")
    print(f"  ours / HF speed: {mh / mo:.2f}x;  same tokens: {a == b}")
    print(f"  text: {smol.tokenizer.decode(a)[:160]!r}")

    # --- cached vs uncached ------------------------------------------------------------------------
    cfg = model.cfg
    print("\nKV cache vs recomputing the prefix (ours; median of runs):")
    for length in args.lengths:
        runs_u = args.uncached_runs or (args.runs if length <= 64 else 1)
        cached = [timed(lambda: generate(model, ids, length, use_cache=True)) for _ in range(args.runs)]
        uncached = [timed(lambda: generate(model, ids, length, use_cache=False)) for _ in range(runs_u)]
        tc, tu = statistics.median(s for s, _ in cached), statistics.median(s for s, _ in uncached)
        g_c, g_u = cached[0][1], uncached[0][1]
        same = torch.equal(g_c.tokens, g_u.tokens)
        cache = g_c.cache
        print(f"  {length:4d} new tokens: cached {tc:6.2f} s ({length / tc:5.1f} tok/s, {args.runs} runs), "
              f"uncached {tu:6.2f} s ({length / tu:5.1f} tok/s, {runs_u} runs): speedup {tu / tc:5.2f}x; "
              f"identical tokens: {same}")
        print(f"        last step: cached {g_c.step_seconds[-1] * 1e3:6.1f} ms, uncached {g_u.step_seconds[-1] * 1e3:6.1f} ms; "
              f"cache {cache.length} positions = {cache.nbytes / 2**20:.2f} MiB measured "
              f"(2 x {cfg.n_layers} layers x {cache.length} x {cfg.n_kv_heads} kv heads x {cfg.d_head} x 4 bytes)")


if __name__ == "__main__":
    main()
