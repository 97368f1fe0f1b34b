"""Lesson `tokenization`: how long the tokenizers take to build, the comparison and our BPE trainer.

    python benchmarks/tokenization.py [--runs 25]

Prints figures, asserts nothing. Each figure is the median (and the maximum) of --runs calls after
one warm-up call. Targets (the lesson's issue): training at the caps (BPE_TEXT_CHARS characters,
BPE_MERGES.hi merges) well under 150 ms; a comparison of a text at TOKENIZE_TEXT_CHARS well under
50 ms once the tokenizers are built.
"""
from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tf_core import limits  # noqa: E402
from tf_core import bpe as B  # noqa: E402
from tf_core.lab import tokenization as T  # noqa: E402


def timed(fn, runs: int) -> str:
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return f"median {statistics.median(times) * 1e3:8.1f} ms   max {max(times) * 1e3:8.1f} ms   ({runs} runs)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=25)
    runs = ap.parse_args().runs
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")

    print("\nbuilding the tokenizers (no model weights)")
    here = T.available()
    if "minilm" in here:
        from tf_core.models import minilm

        print("  MiniLM WordPiece (tokenizer.json)       ", timed(minilm.tokenizer, runs))
    if "e5" in here:
        from tf_core.models import e5

        print("  e5 read_vocab (first ~5 MB, mmap)        ", timed(e5.read_vocab, runs))
        print("  e5 read (whole 72 MB file)               ", timed(e5.read, max(3, runs // 5)))
        vocab = e5.read_vocab()
        print("  e5 unigram from the vocab (250,002)      ", timed(lambda: e5.tokenizer(vocab), max(3, runs // 5)))
    if "smollm2" in here:
        import gguf

        from tf_core.models import smollm2

        print("  SmolLM2 GGUF header (ours)               ", timed(smollm2.read, runs))
        header = smollm2.read()
        print("  SmolLM2 byte-level BPE from the header   ", timed(lambda: smollm2.tokenizer(header), runs))
        print("  gguf.GGUFReader opening the same file    ", timed(lambda: gguf.GGUFReader(header.path), 3))

    toks = [T.load_tokenizer(k) for k in here]
    en, zh = T.sample_text("en"), T.sample_text("zh")
    cap = limits.TOKENIZE_TEXT_CHARS
    print(f"\ncompare(): {', '.join(here)} on {cap} characters")
    for name, text in [("English", (en * 2)[:cap]), ("Chinese", (zh * 3)[:cap]), ("mixed", (en[:1000] + zh)[:cap])]:
        print(f"  {name:8s}", timed(lambda: T.compare(text, toks), runs))

    n, chars = limits.BPE_MERGES.hi, limits.BPE_TEXT_CHARS
    rng = random.Random(0)
    texts = {
        "English sample x3": (en * 4)[:chars],
        "Chinese sample x11": (zh * 11)[:chars],
        "mixed": ((en + zh) * 3)[:chars],
        "Chinese, no punctuation": "".join(c for c in zh * 12 if "\u4e00" <= c <= "\u9fff")[:chars],
        "random letters, no space": "".join(rng.choice("abcdefghij") for _ in range(chars)),
    }
    print(f"\ntrain_bpe(): {n} merges on {chars} characters")
    for name, text in texts.items():
        for level in B.LEVELS:
            print(f"  {name:26s} {level}", timed(lambda: B.train_bpe(text, n, level), runs))


if __name__ == "__main__":
    main()
