"""Lesson `block-cost`: which part of a Transformer block costs the most, counted and measured.

One block's forward on n tokens of width d, h heads of d/h, FFN inner width d_ff (tf_core/flops.py
derives every count; a multiply-add is 2 FLOPs, matrix products only):

    QKV projections      x W_Q, x W_K, x W_V        6·n·d²       parameters 3·d² (+ 3·d biases)
    attention core       softmax(Q Kᵀ/√d_h) V       4·n²·d       none
    output projection    o W_O                      2·n·d²       d² (+ d)
    FFN                  GELU(x W_1) W_2            4·n·d·d_ff   2·d·d_ff (+ d_ff + d)

Attention holds 4·d² parameters whatever h is, the FFN 2·d·d_ff: twice as many at d_ff = 4d. The core
is the only part quadratic in n; it equals the rest when 4·n²·d = 8·n·d² + 4·n·d·d_ff, at
n = 2·d + d_ff (6·d for d_ff = 4d), and the FFN alone at n = d_ff.

Measured: each part is timed on its own, on inputs of the right shape, at every n of a doubling grid up
to the learner's n, float32 on the process's device, one sequence. The core is timed two ways: the
explicit path (tf_core.attention: the (h, n, n) scores and weights written out, as the FLOP count
describes it) and PyTorch's fused SDPA. One n after the other, every part is called once to warm up,
then ``repeats`` rounds time each part once, the parts taking turns (tf_core.device.time_call, which
synchronises a GPU); a sample of a short call is a burst of calls divided by their number
(tf_core.device.calls_per_sample, at least SAMPLE_FLOPS of counted work). The measured crossing is where the median time of the core equals the sum of the
other three parts' medians, interpolated on log axes between the two n of the grid around it. At n the
four parts are also timed chained (up to CHAIN_REPEATS calls), as one block runs them (explicit core), to check that timing them
apart does not change what they cost. LayerNorm and the residual sums are left out: element-wise,
O(n·d), as the FLOP count leaves them out. The timed functions are the ones below, whose FLOPs the
tests count with FlopCounterMode.

Run time, measured on the idle 2-core machine (2 threads): the defaults (n = 2048, d = 256, 4 heads,
d_ff = 4d, 3 repeats) ~1.2 s; every cap at once (n = 2048, d = 512, 8 heads, d_ff = 4d, 5 repeats) ~3.8 s (~7 s on
one thread).
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from tf_core import flops, limits
from tf_core.attention import merge_heads, scaled_dot_product_attention, split_heads
from tf_core.device import DeviceInfo, SecondsPerSize, calls_per_sample, describe, get_device, grid_up_to, time_call
from tf_core.progress import Progress

GRID = (32, 64, 128, 256, 512, 1024, 2048)  # the n timed: those below the chosen n, then n
PARTS = ("qkv", "core_explicit", "core_sdpa", "out_proj", "ffn")  # in the order a block runs them (one core)
CORES = ("core_explicit", "core_sdpa")
REST = ("qkv", "out_proj", "ffn")  # everything but the core
CHAIN_REPEATS = 3  # timed calls of the chained block at n (no warm-up: its parts have just run at these sizes)
SAME_CROSSING = 0.1  # a measured crossing within 10% of the counted one is "about where the FLOPs put it"


def grid_for(n: int) -> list[int]:
    """The n timed for a chosen n: the GRID values below it, then n.

    >>> grid_for(64), grid_for(300)
    ([32, 64], [32, 64, 128, 256, 300])
    """
    return grid_up_to(GRID, n)


# --------------------------------------------------------------------------- the block's parts
@dataclass(frozen=True)
class BlockWeights:
    """The block's weights in nn.Linear's (out, in) layout; biases in every linear, as tf_core.blocks."""

    w_q: torch.Tensor  # (D, D)
    w_k: torch.Tensor  # (D, D)
    w_v: torch.Tensor  # (D, D)
    w_o: torch.Tensor  # (D, D)
    b_q: torch.Tensor  # (D,)
    b_k: torch.Tensor  # (D,)
    b_v: torch.Tensor  # (D,)
    b_o: torch.Tensor  # (D,)
    w_1: torch.Tensor  # (D_ff, D)
    b_1: torch.Tensor  # (D_ff,)
    w_2: torch.Tensor  # (D, D_ff)
    b_2: torch.Tensor  # (D,)

    def counts(self) -> dict[str, int]:
        """Parameters counted from the tensors: attention's and the FFN's weights and biases."""
        size = lambda *ts: sum(t.numel() for t in ts)  # noqa: E731
        return {"attention_weights": size(self.w_q, self.w_k, self.w_v, self.w_o),
                "attention_biases": size(self.b_q, self.b_k, self.b_v, self.b_o),
                "ffn_weights": size(self.w_1, self.w_2), "ffn_biases": size(self.b_1, self.b_2)}


def random_weights(d: int, d_ff: int, g: torch.Generator, device: torch.device | str = "cpu") -> BlockWeights:
    """Weights with N(0, 1/fan_in) entries and zero biases, drawn from ``g``."""
    w = lambda o, i: torch.randn((o, i), generator=g) / math.sqrt(i)  # noqa: E731
    t = BlockWeights(w(d, d), w(d, d), w(d, d), w(d, d), *(torch.zeros(d) for _ in range(4)),
                     w(d_ff, d), torch.zeros(d_ff), w(d, d_ff), torch.zeros(d))
    return BlockWeights(*(getattr(t, f).to(device) for f in BlockWeights.__dataclass_fields__))


def qkv_projections(x: torch.Tensor, w: BlockWeights) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """x (B, T, D) -> Q, K, V (B, T, D) each."""
    return F.linear(x, w.w_q, w.b_q), F.linear(x, w.w_k, w.b_k), F.linear(x, w.w_v, w.b_v)


def attention_core(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, heads: int, fused: bool = False) -> torch.Tensor:
    """softmax(Q Kᵀ/√d_h) V for every head, from the projections to the concatenated heads:
    (B, T, D) each -> (B, T, D). ``fused``: PyTorch's SDPA instead of the explicit path."""
    qh, kh, vh = (split_heads(t, heads) for t in (q, k, v))  # (B, H, T, Dh) each: views
    o = scaled_dot_product_attention(qh, kh, vh, need_weights=not fused).output  # (B, H, T, Dh)
    return merge_heads(o)  # (B, T, D): a copy (the transposed heads are not contiguous)


def output_projection(o: torch.Tensor, w: BlockWeights) -> torch.Tensor:
    """(B, T, D) -> (B, T, D)."""
    return F.linear(o, w.w_o, w.b_o)


def ffn(x: torch.Tensor, w: BlockWeights) -> torch.Tensor:
    """W_2 GELU(W_1 x + b_1) + b_2 at every position: (B, T, D) -> (B, T, D)."""
    return F.linear(F.gelu(F.linear(x, w.w_1, w.b_1)), w.w_2, w.b_2)  # (B, T, D_ff) inside


def chained(x: torch.Tensor, w: BlockWeights, heads: int, fused: bool = False) -> torch.Tensor:
    """The four parts one after the other, as a block runs them (no norm, no residual): (B, T, D)."""
    return ffn(output_projection(attention_core(*qkv_projections(x, w), heads, fused), w), w)


def _part_flops(n: int, d: int, heads: int, d_ff: int) -> dict[str, int]:
    """Counted FLOPs of one call of each part at n (tf_core.flops; both cores the same)."""
    c = flops.block(n, d, heads, d_ff)
    return {"qkv": c.qkv, "core_explicit": c.core, "core_sdpa": c.core, "out_proj": c.out_proj, "ffn": c.ffn}


# --------------------------------------------------------------------------- the crossing
@dataclass(frozen=True)
class Crossing:
    """Where the core's measured time passes the rest's: ``n`` inside the grid (NaN outside it), or
    ``side`` "below" (already past at the shortest n timed) or "above" (not yet at the longest)."""

    n: float
    side: str  # "within", "below" or "above"


def crossing(grid_n, ratio) -> Crossing:
    """The first n where ``ratio`` (core over rest, per n of the grid) reaches 1, interpolated linearly in
    log n and log ratio between the two grid points around it.

    >>> c = crossing([100, 200, 400], [0.5, 0.8, 1.6])   # log(1/0.8) / log(2): 1 is 0.32 of the way, in logs
    >>> round(c.n, 6), c.side
    (250.0, 'within')
    >>> crossing([100, 200], [1.2, 3.0]).side, crossing([100, 200], [0.2, 0.5]).side
    ('below', 'above')
    """
    n, r = np.asarray(grid_n, dtype=np.float64), np.asarray(ratio, dtype=np.float64)
    if r[0] >= 1:
        return Crossing(math.nan, "below")
    for i in range(1, len(r)):
        if r[i] >= 1:
            lo, hi = math.log(r[i - 1]), math.log(r[i])
            at = math.log(n[i - 1]) + (0 - lo) * (math.log(n[i]) - math.log(n[i - 1])) / (hi - lo)
            return Crossing(math.exp(at), "within")
    return Crossing(math.nan, "above")


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class BlockCostResult(SecondsPerSize):
    """Time of every part against n, the counted FLOPs and parameters, and the crossings."""

    n: int  # the longest n timed
    d: int
    heads: int
    d_ff: int
    repeats: int
    seed: int
    grid_n: np.ndarray  # (G,) int64 the n timed, ending with n
    seconds: dict[str, np.ndarray]  # part -> (G, repeats) float64 seconds per call
    flops: dict[str, np.ndarray]  # part -> (G,) int64 counted FLOPs (tf_core.flops; both cores the same)
    chain_seconds: np.ndarray  # (min(repeats, CHAIN_REPEATS),) the four parts chained at n (explicit core)
    params: dict[str, int]  # counted from the weight tensors: attention_weights, attention_biases, ffn_weights, ffn_biases
    crossing_flops: int  # n where the core's FLOPs equal the rest's: 2 d + d_ff
    crossing_flops_ffn: int  # n where they equal the FFN's alone: d_ff
    core_diff: float  # max |explicit − SDPA| core output at n, float32
    core_scale: float  # max |core output| there
    dtype: str
    device: DeviceInfo

    @staticmethod
    def work(n: int, d: int, heads: int, d_ff: int, repeats: int) -> int:
        """Units of work :func:`run` reports (its progress total): a call counts its FLOPs (tf_core.flops), for
        every part at every n of the grid a warm-up and the repeats (each sample a burst of
        calls_per_sample calls), then the chained block's calls at n. Weighed so, the bar moves with the
        time spent, and the many calls at short n (a fraction of a millisecond each) do not redraw it one
        by one."""
        per_n = sum(u * (1 + repeats * calls_per_sample(u)) for m in grid_for(n) for u in _part_flops(m, d, heads, d_ff).values())
        return per_n + min(repeats, CHAIN_REPEATS) * flops.block(n, d, heads, d_ff).total

    @property
    def rest(self) -> np.ndarray:
        """(G,) QKV + output projection + FFN, medians summed."""
        return sum(self.median(p) for p in REST)

    @property
    def rest_flops(self) -> np.ndarray:
        return sum(self.flops[p] for p in REST)

    def ratio(self, core: str) -> np.ndarray:
        """(G,) the core's median time over the rest's; "flops": the counted ratio, n / (2 d + d_ff)."""
        if core == "flops":
            return self.flops["core_explicit"] / self.rest_flops
        return self.median(core) / self.rest

    def crossing(self, core: str) -> Crossing:
        return crossing(self.grid_n, self.ratio(core))

    def verdict(self, core: str) -> str:
        """Did the measured crossing come "earlier" or "later" than the counted one, or the "same" (within
        SAME_CROSSING)? Where the grid cannot place either: "not_reached" (neither by n: the counted one lies
        beyond it too) or "from_start" (both at or before the shortest n timed)."""
        c, counted = self.crossing(core), self.crossing_flops
        if c.side == "within":
            if abs(math.log(c.n / counted)) < math.log(1 + SAME_CROSSING):
                return "same"
            return "earlier" if c.n < counted else "later"
        if c.side == "below":
            return "earlier" if counted > self.grid_n[0] else "from_start"
        return "later" if counted <= self.n else "not_reached"

    def shares(self, core: str = "core_explicit", basis: str = "time") -> dict[str, np.ndarray]:
        """part -> (G,) its share of the block (qkv, the core, out_proj, ffn), of the median times or
        (``basis`` "flops") of the counted FLOPs."""
        parts = ("qkv", core, "out_proj", "ffn")
        values = {p: (self.median(p) if basis == "time" else self.flops[p].astype(np.float64)) for p in parts}
        total = sum(values.values())
        return {p: v / total for p, v in values.items()}

    def rate(self, part: str) -> np.ndarray:
        """(G,) counted FLOPs per second of median time (the rest: ``part`` "rest")."""
        if part == "rest":
            return self.rest_flops / self.rest
        return self.flops[part] / self.median(part)

    @property
    def chain_ratio(self) -> float:
        """The parts' medians at n (explicit core) summed, over the chained block's median."""
        return float((self.rest[-1] + self.median("core_explicit")[-1]) / statistics.median(self.chain_seconds))


# --------------------------------------------------------------------------- the run
def _check(n: int, d: int, heads: int, ff: int, repeats: int, seed: int) -> tuple[int, ...]:
    n = limits.BC_N.check("n", n)
    d = limits.BC_D.check("d", d)
    heads = limits.BC_HEADS.check("heads", heads)
    ff = limits.BC_FF.check("ff", ff)
    repeats = limits.BC_REPEATS.check("repeats", repeats)
    seed = limits.SEED.check("seed", seed)
    if d % heads:
        raise ValueError(f"d={d} is not divisible by heads={heads}")
    return n, d, heads, ff, repeats, seed


def run(n: int = limits.BC_N.default, d: int = limits.BC_D.default, heads: int = limits.BC_HEADS.default,
        ff: int = limits.BC_FF.default, repeats: int = limits.BC_REPEATS.default, seed: int = limits.SEED.default,
        on_progress=None) -> BlockCostResult:
    """Time every part of one block (d, ``heads``, d_ff = ``ff``·d) at every n of the grid up to ``n``,
    the core both ways, and count their FLOPs and parameters. ValueError on an argument outside
    tf_core.limits or a d that does not divide by the heads. on_progress(done, total) after each timed call,
    total = BlockCostResult.work(n, d, heads, ff·d, repeats).

    >>> r = run(n=64, d=16, heads=2, ff=4, repeats=1)
    >>> r.grid_n.tolist(), r.crossing_flops, r.params["attention_weights"], r.params["ffn_weights"]
    ([32, 64], 96, 1024, 2048)
    >>> r.flops["qkv"].tolist(), r.flops["core_explicit"].tolist()
    ([49152, 98304], [65536, 262144])
    """
    n, d, heads, ff, repeats, seed = _check(n, d, heads, ff, repeats, seed)
    d_ff = ff * d
    device = get_device()
    progress = Progress(BlockCostResult.work(n, d, heads, d_ff, repeats), on_progress)
    grid = grid_for(n)
    g = torch.Generator().manual_seed(seed)
    w = random_weights(d, d_ff, g, device)
    X = torch.randn((1, n, d), generator=g)  # (B, T, D)
    seconds = {p: np.zeros((len(grid), repeats)) for p in PARTS}
    chain_repeats = min(repeats, CHAIN_REPEATS)
    with torch.inference_mode():
        for i, m in enumerate(grid):
            x = X[:, :m].contiguous().to(device)  # (1, m, D)
            q, k, v = qkv_projections(x, w)  # (1, m, D) each
            o = attention_core(q, k, v, heads)  # (1, m, D)
            calls = {"qkv": lambda x=x: qkv_projections(x, w),
                     "core_explicit": lambda q=q, k=k, v=v: attention_core(q, k, v, heads),
                     "core_sdpa": lambda q=q, k=k, v=v: attention_core(q, k, v, heads, fused=True),
                     "out_proj": lambda o=o: output_projection(o, w), "ffn": lambda x=x: ffn(x, w)}
            units = _part_flops(m, d, heads, d_ff)
            for part, fn in calls.items():
                fn()  # warm-up: the first call allocates and picks its kernels
                progress.tick(units[part])
            number = {part: calls_per_sample(u) for part, u in units.items()}
            for r in range(repeats):
                for part, fn in calls.items():
                    seconds[part][i, r] = time_call(fn, device, repeats=1, warmup=0, number=number[part]).samples[0]
                    progress.tick(number[part] * units[part])
        core_diff = float((o - attention_core(q, k, v, heads, fused=True)).abs().max())
        core_scale = float(o.abs().max())
        del q, k, v, o, calls
        block = lambda: chained(x, w, heads)  # noqa: E731
        chain = np.zeros(chain_repeats)
        for r in range(chain_repeats):  # no warm-up: its parts have just run at these sizes
            chain[r] = time_call(block, device, repeats=1, warmup=0).samples[0]
            progress.tick(flops.block(n, d, heads, d_ff).total)
    counts = {p: [_part_flops(m, d, heads, d_ff)[p] for m in grid] for p in PARTS}
    return BlockCostResult(
        n=n, d=d, heads=heads, d_ff=d_ff, repeats=repeats, seed=seed, grid_n=np.array(grid, dtype=np.int64),
        seconds=seconds, flops={p: np.array(v, dtype=np.int64) for p, v in counts.items()}, chain_seconds=chain,
        params=w.counts(), crossing_flops=flops.crossing_n(d, d_ff), crossing_flops_ffn=flops.crossing_n_ffn(d_ff),
        core_diff=core_diff, core_scale=core_scale, dtype="float32", device=describe(device),
    )
