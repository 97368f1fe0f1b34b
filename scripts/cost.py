"""What attention costs at one size: one block's FLOPs by part (tf_core.flops), the n at which the
attention core catches up with the rest, and explicit attention against PyTorch's SDPA measured on
this machine (time: tf_core.device.time_call; peak memory: tf_core.memory.peak_bytes).

    python scripts/cost.py --n 256 --d 384 --heads 6 --d-ff 1536 [--batch 1] [--repeats 20]

A script, not ``python -m tf_core.flops``: the core does not print (tests/test_repo_commands.py).
The measured part runs on the process's device (TF_CORE_DEVICE overrides), in float32, on
TF_CORE_THREADS (or OMP_NUM_THREADS) CPU threads if set, else the app's light-request count; the
first lines say which. Both attentions get the same seeded q, k, v of shape (batch, heads, n, d/heads)
and no mask: "explicit" is tf_core.attention's path that returns the (batch, heads, n, n) weights,
"SDPA" the fused kernel it takes when no weights are asked for. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Kineto prints two "USDT ... profiler_start/stop" lines to stderr per profile (tf_core/memory.py); a
# value the user set wins. Read on the profiler's first start, so it must be set before that.
os.environ.setdefault("KINETO_LOG_LEVEL", "6")

import torch  # noqa: E402

from tf_core import flops  # noqa: E402
from tf_core.attention import scaled_dot_product_attention  # noqa: E402
from tf_core.device import configure_threads, describe, get_device, time_call  # noqa: E402
from tf_core.memory import peak_bytes  # noqa: E402

PART_NAMES = {
    "qkv": "Q, K, V projections",
    "scores": "scores Q K^T",
    "values": "weights x V",
    "out_proj": "output projection",
    "ffn": "FFN d -> d_ff -> d",
}


def si(x: float) -> str:
    """1234567 -> '1.23 M': three significant digits and a unit prefix."""
    for unit, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.3g} {unit}"
    return f"{x:.3g} "


def flop_lines(cost: flops.BlockFlops) -> list[str]:
    lines = [f"One block at n={cost.n}, d={cost.d}, heads={cost.h}, d_ff={cost.d_ff}, batch={cost.b}: forward FLOPs "
             "(multiply-add = 2, matrix products only, as torch's FlopCounterMode)"]
    for key, value in cost.parts.items():
        lines.append(f"  {PART_NAMES[key]:<22} {si(value) + 'FLOP':>12}  {value / cost.total:6.1%}")
    lines.append(f"  {'total':<22} {si(cost.total) + 'FLOP':>12}  attention core (scores + weights x V) "
                 f"{cost.core / cost.total:.1%}")
    lines.append(f"Parameters: attention 4d^2 = {cost.attention_weights:,} (+ {cost.attention_biases:,} biases), "
                 f"FFN 2*d*d_ff = {cost.ffn_weights:,} (+ {cost.ffn_biases:,} biases)")
    cross, cross_ffn = flops.crossing_n(cost.d, cost.d_ff), flops.crossing_n_ffn(cost.d_ff)
    side = "below" if cost.n < cross else "at" if cost.n == cross else "above"
    lines.append(f"Crossing: the attention core equals the rest of the block at n = 2d + d_ff = {cross:,} "
                 f"({cross / cost.d:g} d), the FFN alone at n = d_ff = {cross_ffn:,}; n={cost.n} is {side} it")
    return lines


def measured_lines(n: int, d: int, heads: int, batch: int, repeats: int, seed: int) -> list[str]:
    device = get_device()
    info = describe(device)
    where = (f"cpu, {info.threads} thread{'s' * (info.threads != 1)}" if info.type == "cpu"
             else f"{info.type} {info.name}".strip())
    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(batch, heads, n, d // heads, generator=g).to(device) for _ in range(3))  # (B, H, T, Dh)
    lines = [f"Measured on {where}, float32, torch {torch.__version__}; q, k, v ({batch}, {heads}, {n}, {d // heads}), "
             f"{repeats} timed calls after 2 warm-ups; peak = most bytes the call's tensors held at once"]
    for label, weights in (("explicit (n x n weights)", True), ("SDPA (fused)", False)):
        fn = lambda weights=weights: scaled_dot_product_attention(q, k, v, need_weights=weights)
        timing = time_call(fn, device, repeats=repeats)
        peak = peak_bytes(fn, device)
        lines.append(f"  {label:<24} median {timing.median * 1e3:8.3f} ms   p95 {timing.p95 * 1e3:8.3f} ms   "
                     f"peak {peak.mib:8.2f} MiB ({peak.bytes:,} bytes, {peak.method})")
    lines.append(f"  for scale: the weights of all heads, {batch} x {heads} x {n} x {n} float32 = "
                 f"{4 * batch * heads * n * n / 2**20:.2f} MiB")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/cost.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=256, help="tokens per sequence")
    parser.add_argument("--d", type=int, default=384, help="model width d")
    parser.add_argument("--heads", type=int, default=6, help="heads (d must divide by it)")
    parser.add_argument("--d-ff", type=int, default=None, help="FFN inner width (default 4 d)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=20, help="timed calls of each attention")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    d_ff = 4 * args.d if args.d_ff is None else args.d_ff
    if min(args.n, args.d, args.heads, d_ff, args.batch, args.repeats) < 1:
        parser.error("every size and --repeats must be positive")
    if args.d % args.heads:
        parser.error(f"--d {args.d} is not divisible by --heads {args.heads}")
    configure_threads()
    lines = flop_lines(flops.block(args.n, args.d, args.heads, d_ff, args.batch))
    lines += measured_lines(args.n, args.d, args.heads, args.batch, args.repeats, args.seed)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
