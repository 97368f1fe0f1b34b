"""Caps of the cost page: lessons `complexity` and `block-cost`. (tf_core/limits/__init__.py says how caps are kept.)"""
from __future__ import annotations

from tf_core.limits.ranges import IntRange

# --- Lessons `complexity` and `block-cost` (page cost; tf_core/lab/complexity.py, tf_core/lab/block_cost.py) ---
# Both time one sequence (batch 1) at every n of a doubling grid up to the learner's n, in float32. What the caps
# protect: the explicit attention path holds two (heads, n, n) float32 matrices at once (scores and weights),
# 2 x 8 x 2048² x 4 B = 268 MB at the caps of n and heads (SDPA's fused kernel on the CPU: a few MB), and a
# rerun's time. Measured on the idle 2-core machine, 2 torch threads (the worker's): explicit attention at
# n = 2048, d = 512, 8 heads ~0.18 s a call, SDPA ~0.06 s; the block's parts at the same sizes (d_ff = 4d) ~0.3 s a
# round. Whole runs (each lab's docstring): complexity ~0.3 s at the defaults, ~2.8 s at the caps; block-cost ~1.8 s
# and ~3.8 s; on one thread (a test run) ~5 s and ~7 s at the caps; more while other programs keep the cores busy.
CX_N = IntRange(64, 2048, 1024)  # the longest n timed (the grid starts at 16: at least three points to fit)
CX_D = IntRange(8, 512, 256)  # model width d; the heads split it, so d must divide by the heads
CX_HEADS = IntRange(1, 8, 4)  # heads h, of d / h each; the (h, n, n) weights grow with h
CX_REPEATS = IntRange(1, 5, 5)  # timed calls per way and n, after one warm-up call (5: a median robust to two slow calls)
BC_N = IntRange(64, 2048, 2048)  # the longest n timed (the grid starts at 32)
BC_D = IntRange(8, 512, 256)
BC_HEADS = IntRange(1, 8, 4)
BC_FF = IntRange(1, 4, 4)  # d_ff / d: 4 is the paper's (at 8 the FFN alone took ~0.1 s a call at the caps)
BC_REPEATS = IntRange(1, 5, 5)  # timed rounds of every part at every n, after one warm-up round (as CX_REPEATS)
# --- end of lessons `complexity` and `block-cost` ---
