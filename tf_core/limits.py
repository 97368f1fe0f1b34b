"""Every cap on user input, as plain data, in one place.

The lab functions enforce these (a notebook user gets the same caps as the app) and the UI shows
them next to the controls they bound. Nothing here imports torch: the home page reads this module.
Raising a cap is a deliberate change: each comment says what the cap protects.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IntRange:
    """An inclusive integer range with the default a lesson starts from."""

    lo: int
    hi: int
    default: int

    def __post_init__(self) -> None:
        if not (self.lo <= self.default <= self.hi):
            raise ValueError(f"default {self.default} outside [{self.lo}, {self.hi}]")

    @classmethod
    def indices(cls, n: int) -> IntRange:
        """The valid indices of n things (a model's layers, heads, a prompt's positions): 0 .. n - 1."""
        return cls(0, n - 1, 0)

    def clamp(self, value: int) -> int:
        return max(self.lo, min(self.hi, int(value)))

    def check(self, name: str, value: int) -> int:
        """Return ``value`` if it is an int inside the range, else raise ``ValueError``."""
        try:
            whole = int(value)
        except (TypeError, ValueError, OverflowError):  # None, "x", NaN, inf
            raise ValueError(f"{name} must be an integer, got {value!r}") from None
        if isinstance(value, bool) or whole != value:
            raise ValueError(f"{name} must be an integer, got {value!r}")
        if not (self.lo <= value <= self.hi):
            raise ValueError(f"{name}={value} is outside the limit [{self.lo}, {self.hi}]")
        return int(value)


@dataclass(frozen=True)
class FloatRange:
    """An inclusive float range with a default."""

    lo: float
    hi: float
    default: float

    def __post_init__(self) -> None:
        if not (self.lo <= self.default <= self.hi):
            raise ValueError(f"default {self.default} outside [{self.lo}, {self.hi}]")

    def clamp(self, value: float) -> float:
        return max(self.lo, min(self.hi, float(value)))

    def check(self, name: str, value: float) -> float:
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {value!r}") from None
        if not (self.lo <= value <= self.hi):  # also rejects NaN
            raise ValueError(f"{name}={value} is outside the limit [{self.lo}, {self.hi}]")
        return value


# Any lesson's random seed.
SEED = IntRange(0, 9_999, 0)

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

# Lessons that run a pretrained encoder on the learner's sentence.
# Tokens per sentence, special tokens included: an all-heads overview draws layers x heads maps of
# T x T cells, and 128 keeps it readable and a cache miss well under a second on a 2-core CPU.
ENCODER_TOKENS = 128
# The token cap an encoder lab accepts: at least the two special tokens, at most ENCODER_TOKENS.
ENCODER_TOKEN_CAP = IntRange(2, ENCODER_TOKENS, ENCODER_TOKENS)
# Characters of text taken from the learner before tokenizing (a sentence, not a document); the
# token cap above is what usually cuts, with a notice.
ENCODER_TEXT_CHARS = 2_000

# Which block and which head an encoder lesson shows (both encoders have 12 heads; MiniLM has 6
# layers and e5-small 12: a layer past the chosen model's last is shown as its last, with a notice).
ENCODER_LAYER = IntRange(0, 11, 1)
ENCODER_HEAD = IntRange(0, 11, 0)

# The home page's search box (characters): a search is a few words, never a document.
SEARCH_CHARS = 100

# --- Lessons `encoder` and `pretrained-vectors` (tf_core/lab/encoder.py, tf_core/lab/pretrained_vectors.py) ---
# The encoder walk keeps, per intermediate, a slice of (tokens x first WALK_DIMS features) for
# drawing and a WALK_BINS-bin histogram: at most 128 x 128 numbers per step (a head's score map),
# so ~20 steps stay a few hundred kB in st.cache_data.
WALK_DIMS = 16
WALK_BINS = 40
# Characters of the word looked up in the embedding table; a longer text is cut (with a notice).
# A word is a few pieces; 40 characters hold any dictionary word and keep the notice rare.
VECTORS_WORD_CHARS = 40
# Pieces of that word searched (the rest are cut, with a notice): 7 pieces and their mean are 8
# similarity columns, one (V, D) x (D, 8) product over e5's 250,037 x 384 table (~25-50 ms on 2 cores).
VECTORS_PIECES = 7
# Neighbours listed per piece.
VECTORS_K = IntRange(1, 50, 10)
# Random embedding tables the "does a pretrained table help" experiment averages over (each draws
# only the rows its ~72 words use, so 10 tables cost ~1 ms).
VECTORS_RANDOM_TABLES = 10

# --- Lesson `tokenization` (tf_core/lab/tokenization.py) ---
# Characters of the learner's text run through the three real tokenizers side by side (a cut text is
# reported). 2,000 characters are ~500-1,000 tokens a column: one comparison takes a few ms.
TOKENIZE_TEXT_CHARS = 2_000
# Merges our own BPE trainer learns (the "merges step by step" table lists every one).
BPE_MERGES = IntRange(1, 200, 50)
# Characters of text the trainer learns from (the bundled samples are ~3 KB each): at
# 200 merges the training takes well under 150 ms on a 2-core CPU.
BPE_TEXT_CHARS = 10_000
# Characters of the training text shown segmented after a chosen merge step.
BPE_SEGMENT_CHARS = 400

# --- Lessons `padding-mask` and `batch-lengths` (tf_core/lab/padding_mask.py, tf_core/lab/batch_lengths.py) ---
# Sentences in the padding lesson's batch. Each runs through the encoder alone and the batch runs twice
# (masked, unmasked): 6 sentences of 128 tokens with 64 extra pads take ~1.6 s with e5 and ~0.8 s with
# MiniLM on 2 cores, the worst case (the defaults: ~0.2 s); 6 rows stay readable.
PAD_SENTENCES = IntRange(1, 6, 3)
# Pad tokens added after the longest sentence. 64 more keys turn the largest map into 192 x 192 cells
# and keep the batch far below both models' 512 positions (128 + 64).
PAD_EXTRA = IntRange(0, 64, 8)
# Sentences batched three ways in the batch-length lesson (sampled from the bundled 60). Each is
# encoded once per strategy and repeat (3 x 3 timed passes): 12 at batch size 4 take ~0.9 s on 2 cores
# with MiniLM and ~1.6 s with e5 (12 layers). 24 bounds the worst case: see BATCH_SIZE.
BATCH_SENTENCES = IntRange(1, 24, 12)
# Sentences per batch. Small batches pay the per-call overhead many times: at 24 sentences, batches of 2
# take ~3.6 s with e5 and ~1.7 s with MiniLM (batches of 16: ~3.1 s and ~1.0 s), the worst cases.
# Batch size 1 (no padding at all, and the slowest) is left out for that reason: 2 already shows it.
BATCH_SIZE = IntRange(2, 16, 4)
# Bucketed batching sorts by length inside pools of this many batches, then shuffles the batches
# (as Hugging Face's group_by_length does with "megabatches"): a pool of 1 batch pads like random
# batching, a pool holding every sentence like sorted batching.
BATCH_POOL = IntRange(1, 8, 2)
# Timed passes per strategy (the median is shown); the passes of the three strategies alternate, so a
# burst of load on a shared server hits all three alike.
BATCH_REPEATS = 3

# --- Lesson `cross-attention` and the numbers it translates (tf_core/numbers.py, tf_core/lab/cross_attention.py) ---
# The numbers the shipped translation model knows: 0 .. 99,999, English words -> Chinese numerals. The
# range is the model's whole world (its training data and held-out set are drawn from it); the default
# 20,305 shows both a 零 for a skipped place and "and".
NUMBER = IntRange(0, 99_999, 20_305)
# Characters a learner may type for one number: the longest spelling, "seventy seven thousand seven
# hundred and seventy seven", is 54; 200 leaves room for extra spaces and refuses pasted documents.
NUMBER_TEXT_CHARS = 200
# English words in the longest number (77,777: seventy seven thousand seven hundred and seventy seven):
# the encoder's longest input.
NUMBER_WORDS = 8
# Output characters of the longest Chinese numeral (九万九千九百九十九). Greedy decoding stops after
# this many characters plus an end token even if the model never ends: at most 10 decoder runs.
NUMBER_CHARS = 9

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
