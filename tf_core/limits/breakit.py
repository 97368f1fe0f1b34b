"""Caps of Break it: the real models with one design choice removed per call (tf_core/ablation.py,
tf_core/lab/break_it.py). (tf_core/limits/__init__.py says how caps are kept.)"""
from __future__ import annotations

from tf_core.limits.ranges import IntRange

# Characters of an evaluation text, a prompt or one sentence of a pair taken before tokenizing (a cut is reported).
BREAKIT_TEXT_CHARS = 4_000
BREAKIT_PROMPT_CHARS = 400
BREAKIT_PAIR_CHARS = 300
# SmolLM2 tokens of an evaluation text scored in one teacher-forced forward (the rest are cut, with a flag);
# at least 2: one prediction. The shipped texts are 145 (en) and 174 (zh) tokens. Measured on the shared
# 2-core machine (1 torch thread): a forward of 200 tokens ~0.7 s; a run scores each text twice (intact, broken).
BREAKIT_TOKENS = IntRange(2, 256, 256)
# SmolLM2 tokens of a generation prompt (the rest are cut).
BREAKIT_PROMPT_TOKENS = 32
# New tokens decoded greedily. Without the causal mask every step runs the whole text again, with no
# cache (the cache would hide the missing mask): 24 steps after a 10-token prompt ~2-3 s per language.
BREAKIT_NEW_TOKENS = IntRange(1, 40, 24)
# (layer, head) pairs zeroed at once: four of SmolLM2's 30 layers x 9 heads, whole.
BREAKIT_HEADS_OFF = 36
# zh/en sentence pairs of the retrieval test: at least 2 (one pair is always "found"); each sentence
# one e5 forward of at most ENCODER_TOKENS tokens (~0.02 s for 20 tokens), twice per run (intact, broken).
BREAKIT_PAIRS = IntRange(2, 64, 24)
