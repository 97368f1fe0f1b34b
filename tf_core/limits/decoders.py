"""Caps of the decoder lessons (SmolLM2), the worker, and the cross-attention map. (tf_core/limits/__init__.py says how caps are kept.)"""
from __future__ import annotations

from tf_core.limits.ranges import IntRange

# --- Decoder lessons `causal-mask`, `residual-leak` (page masks), `parallelism`, `kv-cache` (page decoding);
# tf_core/lab/decoder_prompt.py, causal_mask.py, residual_leak.py, parallelism.py, kv_cache.py ---
# Characters of the learner's prompt taken before tokenizing (a cut is reported).
DECODER_TEXT_CHARS = 2_000
# Tokens of that prompt a decoder lesson runs (the rest are cut, with a flag). 64 keeps the T x T maps
# readable; measured on the shared 2-core machine (SmolLM2, 1 torch thread, other users' load): one forward
# of 64 tokens ~0.35 s, causal-mask (6 forwards) ~2 s and residual-leak (4 traced forwards) ~1.2 s at 28
# tokens. The residual-leak grid is then 30 layers x 6 sub-steps x 64 positions; a traced SmolLM2 run
# holds ~27 MB of intermediates at 64 tokens, freed after each pair.
DECODER_TOKENS = 64
# Positions run in ONE teacher-forced call and as n one-token cached steps. The sequential side costs
# n SmolLM2 steps (~0.1 s each, measured as above) per timed repeat; the curve over smaller n reads its
# steps off that run. Measured with 3 repeats: n = 32 ~16 s, n = 64 ~27 s in all, so a page sends it
# through tf_core.worker.
PARALLEL_N = IntRange(2, 64, 32)
# Timed repeats per measurement (the median is shown), after one warm-up call.
PARALLEL_REPEATS = IntRange(1, 5, 3)
# New tokens decoded greedily with the KV cache: ~0.09 s a step for SmolLM2 (measured as above, 9-11
# tokens/s), so 256 tokens take ~25 s; a page sends it through tf_core.worker, with a progress bar.
KV_NEW_TOKENS = IntRange(1, 256, 64)
# The uncached side decodes at most this many tokens: step t runs the whole prefix again (O(n^2) in
# all). Measured: 64 steps after a 16-token prompt take 0.2 -> 0.42 s each, ~21 s (3 tokens/s).
KV_UNCACHED_TOKENS = 64

# --- tf_core/worker.py: the one bounded worker every heavy job (a long decode, a training run) goes through ---
# Jobs running at once in this process; the others wait in line (FIFO). 1: a 2-core server runs one
# heavy job at full speed instead of several at a fraction each (torch already uses both cores).
WORKER_SLOTS = 1
# Jobs that may wait in line at once. A learner has at most one job running or waiting (a newer one
# replaces it), so the line is at most as long as the class; past this bound the next learner is told
# "busy, N ahead of you, try again" instead of waiting behind a line that would take minutes (the longest
# job, a 256-token kv-cache run with its uncached side, takes ~45 s on 2 cores).
WORKER_LINE = 8
# Seconds a job may run before it is stopped at its next step (the learner is told why). Twice the longest
# job measured on a shared 2-core machine (the kv-cache run above, the parallelism timing at n = 64 ~27 s).
WORKER_JOB_SECONDS = 120
# The second line, for medium work (tf_core.worker.medium_worker): the padding lesson's encoder runs, ~0.2 s
# at its defaults and up to ~1.6 s at its caps (limits.PAD_SENTENCES). One at a time, a line of 16 at most.
MEDIUM_SLOTS = 1
MEDIUM_LINE = 16

# --- Lesson `cross-attention` (page architecture; tf_core/lab/cross_attention.py) ---
# The decoder layer and head whose cross-attention map is drawn, clamped to the shipped model
# (2 decoder layers x 4 heads); head -1 draws the mean over the heads.
XATTN_LAYER = IntRange(0, 7, 1)
XATTN_HEAD = IntRange(-1, 15, -1)

# --- Lessons `causal-mask`, `residual-leak` (page masks) on SmolLM2-135M ---
# The position p whose token is replaced (position 0 has nothing before it to check).
DECODER_POSITION = IntRange(1, DECODER_TOKENS - 1, 8)
# Characters of the replacement word the learner types (one token is used; a long paste is refused).
DECODER_WORD_CHARS = 40
# SmolLM2's 30 layers and 9 query heads: the layer and head whose attention is drawn.
DECODER_LAYER = IntRange(0, 29, 0)
DECODER_HEAD = IntRange(0, 8, 0)
