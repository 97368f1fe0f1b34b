"""What attention costs at one size: one block's FLOPs by part (tf_core.flops), the n at which the
attention core catches up with the rest, and explicit attention against PyTorch's SDPA measured on
this machine (time: tf_core.device.time_call; peak memory: tf_core.memory.peak_bytes).

    python scripts/cost.py --n 256 --d 384 --heads 6 --d-ff 1536 [--batch 1] [--repeats 20]
    python scripts/cost.py --lesson complexity [--n 1024 --d 256 --heads 4 --repeats 3 --seed 0]
    python scripts/cost.py --lesson block-cost [--n 2048 --d 256 --heads 4 --d-ff 1024 --repeats 3 --seed 0]

``--lesson`` runs that lesson's lab (tf_core/lab/complexity.py, tf_core/lab/block_cost.py) with the page's
defaults for every size not given, on the app's caps (tf_core/limits/), and prints the figures its page
shows: per n, both ways' median time, spread and peak memory, the fits and the reshape walk; or every part's
median time, the core-over-rest ratios, the measured crossings against n = 2d + d_ff, the parameters. The
page's run waits in the worker's line on the process's one thread count (tf_core.device.job_threads); so does this one.

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


def complexity_lines(r) -> list[str]:
    """What the complexity lesson shows, from its lab's result."""
    lines = [f"lesson complexity: n={r.n}, d={r.d}, heads={r.heads}, repeats={r.repeats}, seed={r.seed}; {where(r.device)}, "
             f"{r.dtype}, one sequence; median (min .. max) of the timed calls after a warm-up; peak memory from "
             f"{r.memory_method}"]
    lines.append(f"  {'n':>6}  {'explicit ms':>24}  {'SDPA ms':>24}  {'explicit peak':>14}  {'SDPA peak':>12}")
    for i, n in enumerate(r.grid_n):
        cells = []
        for way in ("explicit", "sdpa"):
            lo, hi = (x[i] * 1e3 for x in r.spread(way))
            cells.append(f"{r.median(way)[i] * 1e3:9.3f} ({lo:.3f} .. {hi:.3f})")
        lines.append(f"  {n:>6}  {cells[0]:>24}  {cells[1]:>24}  {r.peak['explicit'][i] / 2**20:10.2f} MiB  "
                     f"{r.peak['sdpa'][i] / 2**20:8.2f} MiB")
    for way, label in (("explicit", "explicit"), ("sdpa", "SDPA")):
        t, m = r.fit(way, "time"), r.fit(way, "memory")
        lines.append(f"  {label}: time fit a + b n + c n^2 = {t[0]:.3g} + {t[1]:.3g} n + {t[2]:.3g} n^2 s (n^2 term "
                     f"{r.quadratic_share(way, 'time'):.0%} at n={r.n}); memory fit c = {m[2]:.3g} B, {m[2] / r.heads:.3g} "
                     f"bytes per n² per head, b = {m[1]:.3g} B per token; from n={r.grid_n[-2]} to {r.n}: time x"
                     f"{r.growth(way, 'time'):.3g}, memory x{r.growth(way, 'memory'):.3g} (n^2 alone x{r.quadratic_growth:.3g})")
    lines.append(f"  at n={r.n}: explicit / SDPA time {r.speedup:.3g}; one (h, n, n) float32 matrix "
                 f"{r.weights_bytes / 2**20:.2f} MiB; max |explicit - SDPA| {r.path_diff:.3g} (outputs up to {r.output_scale:.3g})")
    lines.append(f"Reshape walk at (1, {r.n}, {r.d}), {r.heads} heads; output vs nn.MultiheadAttention: max |diff| "
                 f"{r.walk_vs_torch:.3g}")
    for i, s in enumerate(r.walk):
        kind = ("view" if s.view else "new") + (", contiguous" if s.contiguous else ", strided")
        shape = f"({', '.join(s.dims.split())}) = {s.shape}"
        lines.append(f"  {i + 1:>2}. {s.code:<34} {shape:<38} {s.elements:>12,}  {kind}")
    return lines


def block_cost_lines(r) -> list[str]:
    """What the block-cost lesson shows, from its lab's result."""
    lines = [f"lesson block-cost: n={r.n}, d={r.d}, heads={r.heads}, d_ff={r.d_ff}, repeats={r.repeats}, seed={r.seed}; "
             f"{where(r.device)}, {r.dtype}, one sequence; median ms of the timed rounds after a warm-up round"]
    parts = ("qkv", "core_explicit", "core_sdpa", "out_proj", "ffn")
    lines.append(f"  {'n':>6}" + "".join(f"  {p:>13}" for p in parts) + f"  {'core/rest expl':>14}  {'SDPA':>6}  {'FLOPs':>6}")
    for i, n in enumerate(r.grid_n):
        lines.append(f"  {n:>6}" + "".join(f"  {r.median(p)[i] * 1e3:13.3f}" for p in parts)
                     + f"  {r.ratio('core_explicit')[i]:14.3g}  {r.ratio('core_sdpa')[i]:6.3g}  {r.ratio('flops')[i]:6.3g}")
    for core, label in (("core_explicit", "explicit core"), ("core_sdpa", "SDPA core")):
        c = r.crossing(core)
        at = f"n = {c.n:,.0f}" if c.side == "within" else ("n < " if c.side == "below" else "n > ") + f"{r.grid_n[0 if c.side == 'below' else -1]:,}"
        lines.append(f"  crossing, {label}: {at} measured, {r.verdict(core)} (FLOPs: n = 2d + d_ff = {r.crossing_flops:,}, "
                     f"{r.crossing_flops / r.d:g} d; the FFN alone: n = d_ff = {r.crossing_flops_ffn:,})")
    share, counted = r.shares("core_explicit"), r.shares("core_explicit", "flops")
    lines.append(f"  explicit core's share of the time: {share['core_explicit'][0]:.0%} at n={r.grid_n[0]}, "
                 f"{share['core_explicit'][-1]:.0%} at n={r.n} (of the FLOPs: {counted['core_explicit'][0]:.1%}, "
                 f"{counted['core_explicit'][-1]:.0%})")
    lines.append(f"  counted GFLOP/s at n={r.n}: rest {r.rate('rest')[-1] / 1e9:.3g}, explicit core "
                 f"{r.rate('core_explicit')[-1] / 1e9:.3g}, SDPA core {r.rate('core_sdpa')[-1] / 1e9:.3g}; parts timed apart "
                 f"sum to {r.chain_ratio:.0%} of the chained block")
    p = r.params
    lines.append(f"  parameters (counted from the weights): attention 4d^2 = {p['attention_weights']:,} "
                 f"(+ {p['attention_biases']:,} biases), FFN 2*d*d_ff = {p['ffn_weights']:,} (+ {p['ffn_biases']:,} biases)")
    return lines


def where(info) -> str:
    """The device a result ran on, as the page says it."""
    if info.type == "cpu":
        return f"cpu, {info.threads} thread{'s' * (info.threads != 1)}"
    return f"{info.type} {info.name}".strip()


def lesson_lines(lesson: str, args) -> list[str]:
    """Run a lesson's lab as its page does (queued work, on the one thread count) and describe it."""
    from tf_core import limits
    from tf_core.device import job_threads

    given = lambda value, bounds: bounds.default if value is None else value  # noqa: E731
    with job_threads():
        if lesson == "complexity":
            from tf_core.lab import complexity

            r = complexity.run(n=given(args.n, limits.CX_N), d=given(args.d, limits.CX_D),
                               heads=given(args.heads, limits.CX_HEADS), repeats=given(args.repeats, limits.CX_REPEATS),
                               seed=args.seed)
            return complexity_lines(r)
        from tf_core.lab import block_cost

        d = given(args.d, limits.BC_D)
        if args.d_ff is not None and args.d_ff % d:
            raise ValueError(f"--d-ff {args.d_ff} must be a multiple of d = {d} for this lesson")
        r = block_cost.run(n=given(args.n, limits.BC_N), d=d, heads=given(args.heads, limits.BC_HEADS),
                           ff=limits.BC_FF.default if args.d_ff is None else args.d_ff // d,
                           repeats=given(args.repeats, limits.BC_REPEATS), seed=args.seed)
        return block_cost_lines(r)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/cost.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lesson", choices=("complexity", "block-cost"), default=None,
                        help="print that lesson's figures (its lab, the page's defaults for the sizes not given)")
    parser.add_argument("--n", type=int, default=None, help="tokens per sequence (default 256; a lesson's: its page's)")
    parser.add_argument("--d", type=int, default=None, help="model width d (default 384)")
    parser.add_argument("--heads", type=int, default=None, help="heads, d must divide by it (default 6)")
    parser.add_argument("--d-ff", type=int, default=None, help="FFN inner width (default 4 d)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=None, help="timed calls of each attention (default 20)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.lesson is not None:
        configure_threads()
        try:
            lines = lesson_lines(args.lesson, args)
        except ValueError as exc:  # a size outside the lesson's caps (tf_core/limits/)
            parser.error(str(exc))
        print("\n".join(lines))
        return 0
    args.n, args.d = 256 if args.n is None else args.n, 384 if args.d is None else args.d
    args.heads, args.repeats = 6 if args.heads is None else args.heads, 20 if args.repeats is None else args.repeats
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
