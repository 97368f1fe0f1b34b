"""Caps of the positions page: the extrapolation experiment and the tables and biases. (tf_core/limits/__init__.py says how caps are kept.)"""
from __future__ import annotations

from tf_core.limits.ranges import FloatRange, IntRange

# --- Lesson `pe-variants`, the length-extrapolation experiment (tf_core/models/position_lm.py,
# tf_core/lab/pe_variants.py; trained by `python -m tf_core.train positions`) ---
# Characters per training window of the six shipped models (one per position encoding).
PE_TRAIN_LENGTH = 32
# The evaluation lengths the lab sweeps by default: 1, 1.5, 2, 3 and 4 x the training length. The longest
# sizes the learned table (its rows past PE_TRAIN_LENGTH are never trained).
PE_EVAL_LENGTHS = (32, 48, 64, 96, 128)
# Any single evaluation length a caller may ask for: at most the learned table's rows.
PE_EVAL_LENGTH = IntRange(1, 128, 128)
# Held-out windows of the longest length; every length covers the same span of windows x 128 characters, so
# the sweep runs 6 kinds x 5 lengths x windows x 128 characters through the models (~130k characters a second
# on one thread of the shared 2-core machine, measured: see tf_core/lab/pe_variants.py for the timings).
# 128 keeps the default sweep a few seconds; the cap, 1,024, is 8x that (~30 s) and most of the held-out text.
PE_WINDOWS = IntRange(1, 1024, 128)
# --- end of lesson `pe-variants` ---

# --- Page `positions`: the tables and biases of tf_core/positional.py (lessons `positional-encoding`, `pe-adds`,
# `embed-scale`, and the side-by-side views of `pe-variants`). Costs measured on the shared 2-core machine, 1 thread ---
# d_model of the sinusoid views (curves, the PE matrix, M_k). Odd values are allowed on purpose: the last
# dimension is then a lone sine (tf_core/positional.py says why). 2048 x 1024 takes ~30 ms to compute and
# ~0.3 s for its 2048 x 2048 cosine-similarity matrix; a full PCA of it ~2.3 s (MiniLM's 512 x 384 ~0.1 s).
PE_D = IntRange(2, 1024, 64)
# Positions in those views (rows of the table, the side of the similarity matrix). Length 1 is allowed: one
# row, no distance to compare.
PE_LENGTH = IntRange(1, 2048, 128)
# The sinusoid's (and RoPE's) base: the slowest pair's period is ~2*pi*base positions. 10,000 is the paper's;
# SmolLM2 uses 100,000 and Llama 3 500,000. It must exceed 1 (at 1 every pair turns at the same rate).
PE_BASE = FloatRange(2.0, 1_000_000.0, 10_000.0)
# The shift k of "PE(pos + k) = M_k PE(pos)": any integer works, negative or past the table's end, and the
# page lets the learner try both (up to twice the longest table).
PE_OFFSET = IntRange(-4_096, 4_096, 4)
# ALiBi heads whose slopes and bias maps are shown: 64 slopes still read as one chart, and the tests check
# every count up to 64 against BLOOM's implementation.
ALIBI_HEADS = IntRange(1, 64, 8)
# Side of the query x key bias maps (ALiBi per head, T5's buckets and bias): 64 heads x 256 x 256 take ~3 ms
# and 16 MB in float32; at 512 ~70 ms and 64 MB, for heatmaps nobody can read at that size.
PE_BIAS_LENGTH = IntRange(1, 256, 32)
# T5's buckets (all of them: both directions when bidirectional) and the distance from which every offset
# shares the last bucket; T5 uses 32 and 128. The distance must exceed the exact buckets (a quarter of the
# buckets when bidirectional, half when causal, at most 64 here), so its floor of 65 keeps every pair valid.
T5_BUCKETS = IntRange(4, 128, 32)
T5_MAX_DISTANCE = IntRange(65, 4_096, 128)
# Lesson `positional-encoding` (tf_core/lab/positional_encoding.py). The most rows and columns of a matrix
# (the PE table, the cosine-similarity matrix) sent to the browser as a heatmap: a larger one is drawn from
# every s-th row and column (the page says so). At the caps, 2048 positions x 1024 dimensions, a full
# 2048 x 2048 float32 heatmap would be ~22 MB of JSON; 256 x 256 is ~0.45 MB.
PE_DRAW_SIDE = 256
# The corner of M_k drawn as a grid of numbers (12 x 12: six 2 x 2 rotation blocks, each value readable).
PE_ROTATION_CORNER = 12
# Dimension pairs whose sinusoids are drawn as curves over the positions (the fastest, the slowest and two
# between them, evenly spaced in frequency index).
PE_CURVE_PAIRS = 4
# Lesson `embed-scale` (tf_core/lab/embed_scale.py). d_model of the sampled embedding table and the PE it is
# added to: 512 is the paper's base model. Every d costs a (positions x d) draw: ~2 ms at 4096.
EMB_D = IntRange(2, 4_096, 512)
EMB_D_OPTIONS = (2, 4, 8, 16, 32, 64, 128, 256, 384, 512, 768, 1024, 2048, 4096)
# How the table is initialised: "tied" N(0, 1/d) (a table shared with the output layer, whose logits must
# start small), "bert" N(0, 0.02^2) (BERT's and GPT-2's initialiser), "torch" N(0, 1) (nn.Embedding's default).
EMB_INITS = ("tied", "bert", "torch")
# Positions whose embeddings and PE are compared (one sampled embedding row each). The page keeps the default.
EMB_POSITIONS = IntRange(1, 512, 64)
# The d_model values of the sweep "ratio of norms against d" (powers of two up to EMB_D's cap).
EMB_SWEEP_D = (2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
# Lesson `pe-variants`, its side-by-side views (tf_core/lab/pe_variants.py). RoPE's head size for the offset check
# (even: RoPE turns pairs); 64 is SmolLM2's. Positions over which <RoPE(q, m), RoPE(k, m - k)> is compared: 4,096
# float64 scores of a 256-wide head take ~5 ms. The helix draws the first PE_ROPE_HELIX of them (~10 turns of pair 0).
PE_ROPE_D = IntRange(2, 256, 64)
PE_ROPE_POSITIONS = 4_096
PE_ROPE_HELIX = 64
# Bias maps drawn side by side (ALiBi's heads, the trained T5 bias's heads): the first, the last and evenly between.
PE_BIAS_MAPS = 4
# MiniLM's position table compared row with row: all of its 512 rows (512 x 512 cells, ~1.5 MB of JSON at 3 decimals).
PE_LEARNED_ROWS = 512
# Lesson `pe-adds` (tf_core/lab/pe_adds.py). Is a token's own row still the nearest after adding its position?
# Tokens sampled from the word table, and positions of the learned table tried, evenly spread over its rows.
# Cost ~ tokens x positions x V (eight scores per candidate row), measured on the shared 2-core machine, 1 thread:
# MiniLM default 32 x 8 ~0.4 s, the caps 128 x 32 ~6 s; e5 (250,037 rows) default ~3.3 s.
PEADD_SAMPLE = IntRange(1, 128, 32)
PEADD_POSITIONS = IntRange(1, 32, 8)
# The search's work, tokens x positions x rows of the word table, is capped too: MiniLM (30,522 rows) reaches
# both caps above (125 M, ~3.8 s at 2 threads), e5 (250,037 rows) at most 512 token-position pairs (e.g. 64 x 8
# or 16 x 32: ~6 s, of which ~3 s is drawing its synthetic N(0, 1/d) table whatever the sample). The page lowers
# the tokens' cap to fit (PEADD_WORK // (positions x rows)) and says so.
PEADD_WORK = 128 * 1024 * 1024
# Rows of the word table scored at a time (a running best carries over): no (V x D) copy is ever made.
PEADD_BLOCK_ROWS = 4096
# The "random directions" sweep: widths d, vectors per width, and how many widths one call may ask for.
PEADD_ORTHO_D = IntRange(2, 4096, 384)
PEADD_ORTHO_D_VALUES = (2, 8, 32, 128, 384, 1024, 4096)
PEADD_ORTHO_WIDTHS = 16
PEADD_ORTHO_N = IntRange(2, 1024, 512)
# Principal components of the learned position table reported (explained variance; curves of the first few).
PEADD_COMPONENTS = IntRange(1, 32, 8)
PEADD_CURVES = 4
# --- end of page `positions` (tf_core/positional.py) ---
