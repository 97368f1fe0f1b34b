"""Caps of the lessons that run a pretrained encoder, the tokenizers, padding and batches, and the
numbers the translation model knows. (tf_core/limits/__init__.py says how caps are kept.)"""
from __future__ import annotations

from tf_core.limits.ranges import IntRange

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
