"""Caps of the attention page: lessons `scaling` and `dot-vs-additive`. (tf_core/limits/__init__.py says how caps are kept.)"""
from __future__ import annotations

from tf_core.limits.ranges import FloatRange, IntRange

# Lesson `scaling` (why divide by sqrt(d_k)).
# d_k up to 4096: the largest head size worth showing; the sampled curves always run to it.
SCALING_DK = IntRange(1, 4096, 64)
# n keys in one softmax row. The curves cost O(queries * n * sum(d_k grid)): 1024 keeps a cache
# miss under ~100 ms on a 2-core CPU.
SCALING_N = IntRange(2, 1024, 32)
# Standard deviation of every q and k component (1 = the textbook assumption).
SCALING_SIGMA = FloatRange(0.25, 4.0, 1.0)
# q.k pairs sampled for the variance curve: the relative standard error of the sampled variance is
# about sqrt(2 / pairs) = 4.4% (sqrt(8 / pairs) at d_k = 1, where q.k is a product of two normals).
# Fewer would be faster (drawing pairs x 4096 x 2 normals is most of a new seed's cost, ~40 ms),
# but with 512 a 5-standard-error band no longer separates Var = d_k from Var = sqrt(d_k) at d_k = 2.
SCALING_PAIRS = 1024
# Queries whose softmax statistics are averaged per d_k (each against the same n keys).
SCALING_QUERIES = 64

# Lesson `dot-vs-additive` (tf_core/lab/dot_vs_additive.py): n queries against n keys of width d_k, timed.
# The efficient additive score builds an (n, n, d_a) float32 tensor: at the caps 512² x 128 x 4 B = 134 MB and
# 0.16 s a call on the idle 2-core machine with 2 threads (0.26 s with 1; the dot product: 5-8 ms). A whole run,
# measured there: the defaults 0.23 s (2 threads) / 0.44 s (1 thread), every cap at once 1.5 s / 2.6 s; two to
# three times that while other programs keep both cores busy (a test suite: 6 s at the caps, 1 thread).
DVA_N = IntRange(8, 512, 256)
DVA_DK = IntRange(1, 512, 64)
DVA_DA = IntRange(1, 128, 64)
DVA_REPEATS = IntRange(1, 5, 3)
# The naive additive score (W applied to every concatenated pair [q_i; k_j]) is timed only at the n of the grid
# where its n² (2 d_k + 1) d_a multiply-adds stay under DVA_NAIVE_WORK (2^28: ~40 ms on one busy core) and its
# largest tensor, (n, n, max(2 d_k, d_a)), under DVA_NAIVE_ELEMENTS (the efficient form's at the caps, 134 MB in
# float32): up to n = 128 at the defaults, n = 32 at the caps of d_k and d_a, n = 128 at d_k = 512, d_a = 1.
DVA_NAIVE_WORK = 2**28
DVA_NAIVE_ELEMENTS = DVA_N.hi * DVA_N.hi * DVA_DA.hi
# Queries whose softmax rows (over the n keys) are averaged in the saturation curves, at every d_k of the grid.
DVA_QUERIES = 64
