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
