"""Caps of the live training runs and the lessons on the norms, layers and architecture pages. (tf_core/limits/__init__.py says how caps are kept.)"""
from __future__ import annotations

from tf_core.limits.ranges import FloatRange, IntRange

# --- Live training runs (tf_core/live_training.py, tf_core/blocks.py, tf_core/tasks.py): pages norms and layers ---
# torch CPU threads every live run holds, whatever the server has: the same link then draws the same
# curves on any server (another count rounds float sums differently). 1, measured (benchmarks/training.py,
# 2 idle cores, d = 64, batch 16 x 8): 6.7 / 12.3 / 24.7 ms a step at 2 / 4 / 8 layers on 1 thread against
# 6.4 / 11.8 / 22.6 on 2 -- these small models are bound by per-operation overhead, not arithmetic -- while
# 2 threads on 2 cores that something else also uses (the browser, another server process) ran 10-30x
# slower: OpenMP's threads wait for each other. One thread gives up ~5 % and never thrashes.
TRAIN_THREADS = 1
# Optimiser steps of one run (the lessons set their own, smaller, defaults). Measured on 2 cores: a
# Pre-LN stack of d = 64, batch 32 x 32, takes ~10 ms a step at 2 layers and ~77 ms at 16.
TRAIN_STEPS = IntRange(1, 1_000, 100)

# --- Lesson `ln-vs-bn` (page norms; tf_core/lab/ln_vs_bn.py) ---
# The learner's sentences: at most PAD_SENTENCES.hi lines (the padding lesson's cap), each cut to
# ENCODER_TOKENS tokens. Pad tokens the padding sweep adds after the longest sentence: every count from
# 0 to this one is read off ONE forward of the batch padded to the longest + 64 (masked rows do not
# interact, so a shorter padding is a slice of it). The worst case, 6 sentences of 128 tokens on e5
# (12 layers), is one batch forward of 6 x 192 and 6 forwards alone, like the padding lesson (~1.6 s);
# the default (MiniLM, 6 short sentences) ~0.2 s on 2 cores, idle.
LNBN_PAD_SWEEP = 64
# Blocks of the Pre-LN / Post-LN stacks. Four runs (Pre/Post x warm-up on/off) of LNBN_STEPS steps each,
# measured on the 2-core machine while idle (2 threads, median of 3, a fresh process): 4 blocks ~2.9 s for
# the four runs (~12 ms a step) plus ~0.2 s for the encoder part; the cap, 8 blocks, ~6.7 s, drawn live
# with a progress bar; 1 block ~0.9 s. (12 would be ~10 s, and 8 already shows Post-LN's gradients
# growing toward the output.) With the runs on one thread (limits.TRAIN_THREADS) 4 blocks took 5.1 s
# (benchmarks/training.py), over the 5 s budget; the default is 3 blocks, ~4.0 s for the four runs, where
# seeds 0-2 keep the order: Pre-LN learns either way, Post-LN without warm-up ends worst (2.05 / 2.90 /
# 0.83 nats) and warm-up rescues it (0.47 / 0.62 / 0.42).
LNBN_DEPTH = IntRange(1, 8, 3)
# The learning rate (Adam's peak; the slider offers a 1-2-5 series). 5e-3 is where, at 4 layers and 60
# steps, Pre-LN learns the task without warm-up and Post-LN without warm-up sits on the plateau (the
# Xiong et al. 2020 result, measured for seeds 0-2); from ~0.5 every run blows up.
LNBN_LR = FloatRange(1e-4, 1.0, 5e-3)
# Steps of each run (warm-up: the first quarter of them). The page keeps the default.
LNBN_STEPS = IntRange(4, 200, 60)
# Sequences per step and their length (the reverse task), the stacks' width: the smallest that learn
# the task in 60 steps (d = 32 did not: ~1.5 nats after 60 steps at any learning rate).
LNBN_BATCH = 16
LNBN_SEQ = 8
LNBN_D_MODEL = 64
# Batches the gradient norms at initialisation are averaged over (one forward and backward each).
LNBN_INIT_BATCHES = 4
# --- end of lesson `ln-vs-bn` ---

# --- Lesson `batchnorm` (page norms; tf_core/lab/batchnorm.py) ---
# Two live runs (BatchNorm and LayerNorm) of a 2-block Pre-norm stack (d = 64, 4 heads, d_ff 256) on the
# reverse task, then forward passes only. Sequence length of the training batches (1 = a copy task:
# each batch still has BN_BATCH >= 2 values per feature, so training mode always runs).
BN_LENGTH = IntRange(1, 16, 8)
# Sequences per training batch. BatchNorm averages over batch x length positions; 2 is the smallest
# batch it can train on at length 1. Estimated from the idle reference (~13 ms a step at 2 blocks, batch
# 32 x 8, 2 cores): the default's two runs ~1.5 s plus ~0.5 s of measurements; the cap, 64 x 16, ~4x the
# work per step (~8 s). The shared machine here was loaded ~3-4x over, so its own timings are not quoted.
BN_BATCH = IntRange(2, 64, 16)
BN_STEPS = 80  # Adam steps of each run: both models learn the reverse task in ~60-70 at the defaults (loss < 0.1)
BN_LR = 3e-3
BN_LAYERS = 2
BN_EVAL_BATCHES = (1, 2, 4, 8, 16, 32, 64)  # the batch sizes of the noise sweep and of the evaluation
BN_EVAL_SEQUENCES = 64  # held-out sequences each evaluation averages over (one batch of 64, or 64 of 1)
BN_NOISE_DRAWS = 200  # batches drawn per batch size to measure how much the statistics move
# --- end of lesson `batchnorm` ---

# --- Lesson `residual` (page norms; tf_core/lab/residual.py) ---
# Blocks of the stack (d = 64, 4 heads, d_ff 256, Pre-LN) whose gradients and runs are compared. The
# gradient norms at initialisation are one backward pass (~0.1 s at 16); the two runs dominate: from
# the idle reference (~35 ms a step at 6 blocks, batch 32 x 8) ~15 ms a step at the default 4 (batch
# 16 x 8), ~2.5 s for both runs, and ~50 ms at 16, ~8 s at the cap (not measured idle: see BN_BATCH).
RES_DEPTH = IntRange(1, 16, 4)
RES_STEPS = 80  # Adam steps of each run (with residuals the reverse task is learned in ~60-70 at 4-6 blocks)
RES_BATCH = 16  # sequences per batch, length RES_LENGTH
RES_LENGTH = 8
# The learning rates offered (log-spaced); 3e-3 learns with residuals at the default depth; 0.1 at depth
# 16 without norms diverges at once (a result the page marks).
RES_LRS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
RES_LR = FloatRange(1e-4, 1e-1, 3e-3)
# --- end of lesson `residual` ---

# --- Lesson `ffn` (page layers; tf_core/lab/ffn.py) ---
# The dead-ReLU run: one small Pre-LN stack (d 64, 2 layers, d_ff 256, reverse task, batch 32 x 8) trained
# three times (ReLU, GELU, SwiGLU) at the learner's constant learning rate. The rates a learner picks
# from (log-spaced): measured at 80 steps, 1e-2 learns with no dead unit; 3e-2 learns and leaves ~8% of
# the second layer's ReLU units dead (GELU, SwiGLU: none); 1e-1 fails (loss stuck at ~2.9 nats) with
# half the ReLU units dead and some GELU units exactly 0 too (float32 underflow).
FFN_LR = FloatRange(1e-3, 1e-1, 3e-2)
FFN_LR_OPTIONS = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
# Steps of each of the three runs (the page keeps the default; a notebook caller may ask for up to the cap).
# Measured on 2 idle cores, 2 threads, cold process: the default's 3 x 80 steps train in ~1.9 s (~3.1 s
# with imports and the first call; the position check ~0.05 s and the models' configs ~0.25 s more);
# the cap, 3 x 200, ~5 s. On a loaded machine 2 threads can be 10x slower.
FFN_STEPS = IntRange(1, 200, 80)
# --- end of lesson `ffn` ---

# --- Lesson `weight-tying` (page layers; tf_core/lab/weight_tying.py) ---
# The live run: a 1-block causal stack over a ~230-token BPE vocabulary, trained twice (tied, untied),
# batch 32 x 16. Its width d: the table (V x d) against the block (~12 d^2): at d 16 the untied output
# matrix is ~40% of the model, at 64 ~20%.
TIE_D = IntRange(16, 64, 32)
TIE_D_OPTIONS = (16, 32, 64)
# Constant learning rates offered. Measured at d 32, seed 0, 120 steps, lr 3e-3: train loss tied 3.65,
# untied 3.06; held-out tied 4.64, untied 4.74 (the untied run memorises the ~2,600 training tokens more).
TIE_LR = FloatRange(1e-3, 3e-2, 3e-3)
TIE_LR_OPTIONS = (1e-3, 3e-3, 1e-2, 3e-2)
# Steps of each run (the page keeps the default). Measured on 2 idle cores, 2 threads, cold process, d 32
# with a held-out evaluation every 5 steps: 2 x 120 steps train in ~1.25 s (~2.4 s with imports and the
# BPE vocabulary); the cap, 2 x 300 at d 64, ~4 s.
TIE_STEPS = IntRange(1, 300, 120)
# --- end of lesson `weight-tying` ---

# --- Lesson `lr-dropout` (page layers; tf_core/lab/lr_dropout.py) ---
# The d_model of the paper's schedule curve (arithmetic only: it scales the curve, and cancels in the
# live run, whose schedule is scaled to the chosen peak). 512 = the paper's base model.
LRD_D_MODEL = IntRange(16, 4096, 512)
# Warm-up steps of the schedule and of the live run (at least 1: the paper's formula divides by it).
LRD_WARMUP = IntRange(1, 300, 20)
# The live runs: two (no warm-up, warm-up) of a Post-LN stack, d = 64, batch 32 x 8, reverse task.
# Cost ~5.5 ms a step per layer + ~2 ms on 2 idle cores (tf_core/live_training.py's figures); here, on a
# 2-core machine shared by four jobs, 1 thread: ~13 ms a step at 3 layers. Default 3 layers x 80 steps:
# both runs ~3 s idle; at the caps (8 layers x 300 steps) ~28 s, in the worker's line. Defaults chosen so
# the effect shows on every seed tried: at lr 1e-2 no warm-up stays at the ~2.9-nat plateau (2.94, 2.92
# for seeds 0, 1), 20 warm-up steps reach ~0.02.
LRD_LAYERS = IntRange(1, 8, 3)
LRD_STEPS = IntRange(10, 300, 80)
# Peak learning rate of both runs (a select slider over log-spaced values; the top ones diverge).
LRD_LR = FloatRange(1e-4, 0.1, 1e-2)
# Dropout passes of the encoder averaged for the expectation (one MiniLM forward each: ~15 ms at ~15 tokens).
LRD_PASSES = IntRange(1, 64, 16)
# --- end of lesson `lr-dropout` ---

# --- Lesson `variants` (page architecture; tf_core/lab/variants.py). n: SmolLM2's cache length, and each attention
# variant's decode step timed at every option up to n (at 8,192 the timed multi-head cache is 75 MB, a step ~30 ms on
# 2 cores); norms and FFNs timed on min(n, VAR_TIMED_TOKENS) tokens (an FFN call on 1,024 ~30 ms); VAR_STEPS: Adam
# steps of each live FFN run (ReLU, SwiGLU; ~0.8 s each at 60 on 2 cores) ---
VAR_LENGTH = IntRange(64, 8_192, 4_096)
VAR_LENGTH_OPTIONS = (64, 128, 256, 512, 1_024, 2_048, 4_096, 8_192)
VAR_REPEATS = IntRange(1, 9, 5)  # timed calls per (variant, length) after one warm-up call
VAR_DECODE_LAYERS, VAR_TIMED_TOKENS, VAR_STAT_TOKENS = 2, 1_024, 64  # timed blocks; timed tokens; statistics tokens
VAR_STEPS, VAR_LR = IntRange(1, 300, 60), 1e-2
