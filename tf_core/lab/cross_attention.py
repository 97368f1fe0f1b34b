"""Lesson `cross-attention`: how the encoder and the decoder interact.

The model is the project's own encoder-decoder (tf_core.models.seq2seq.Seq2Seq, trained by
tf_core.train), which translates a number's English words into Chinese numerals:

    "twenty thousand three hundred and five"  ->  二万零三百零五

The encoder reads the S source words once and returns one vector per word, the memory M (S, D).
The decoder writes one character per step. Inside every decoder block, after its causal
self-attention over the characters written so far, a cross-attention layer lets each output
position look at the source:

    Q = LN(y) W_Q               (N, Dh) per head: from the decoder, "what am I about to write?"
    K = M W_K,  V = M W_V       (S, Dh) per head: from the encoder's output, the same at every step
    A = softmax(Q K^T / sqrt(Dh), pad words masked)      (N, S), each row sums to 1
    y = y + concat_h(A_h V_h) W_O

This is the only path from the source to the output: the decoder's self-attention sees characters
only, so whatever the model knows about the words reaches it through the rows of A. Row t of A
belongs to the step that chose output token t (its query sits at the token before it). Since K
and V depend on the source alone, a decoder computes them once per sentence, however many steps it
then runs.

This module translates the learner's number greedily and returns every decoder layer's
cross-attention (layers, heads, N, S), the map of one head (or the mean over the heads), and for
each output step the source word it weighs most. What the shipped model does is measured, not
assumed. On 20,305 a digit character puts most of its weight on its own word (二 on "twenty",
三 on "three", 五 on "five", 0.84-1.0 in every head of the last layer); the place characters and
零 do not line up so neatly: 万 goes to "thousand" in one head and elsewhere in others, and the
heads of one layer split such decisions among themselves. (The model has no rule that a row must
point at one word: the weights are whatever made the training loss small.) The reference is
:func:`tf_core.numbers.to_chinese`; the result also says whether the number was one of the
held-out numbers the model never saw in training, and the shipped model's exact-match accuracy
over all of them (from its metrics.json).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tf_core import limits, numbers
from tf_core.models import checkpoints, seq2seq
from tf_core.models.vocab import EOS
from tf_core.train import held_out_numbers  # the split, rebuilt from the checkpoint's config

PLACE_CHARS = frozenset(numbers.PLACES_ZH[1:]) | {numbers.DIGITS_ZH[0]}  # 十 百 千 万 and 零


@dataclass(frozen=True)
class CrossAttentionResult:
    number: int  # what the learner's text means
    words: tuple[str, ...]  # the encoder's tokens: to_english(number) split on spaces
    tokens: tuple[str, ...]  # the decoder's N output steps, "<eos>" last when the model ended
    output: str  # the numerals the model wrote (special tokens left out)
    reference: str  # to_chinese(number), the right answer
    correct: bool  # output == reference
    output_value: int | None  # the number the output spells, None when it is not a standard numeral
    probs: np.ndarray  # (N,) the probability of each chosen token
    weights: np.ndarray  # (L, H, N, S) float32: every decoder layer's cross-attention
    layer: int  # the layer shown (0-based)
    head: int | None  # the head shown; None = the mean over the heads
    map: np.ndarray  # (N, S) the map shown: weights[layer, head], or the mean over heads
    mean_heads: np.ndarray  # (N, S) the mean over the heads at ``layer``
    attends_to: tuple[str, ...]  # per output step, the source word with the largest weight in ``map``
    attends_index: np.ndarray  # (N,) int: that word's position
    held_out: bool  # the number is one of those the model never saw in training
    held_out_accuracy: float  # the shipped model's exact match over all its held-out numbers (metrics.json)
    held_out_count: int

    @property
    def place_steps(self) -> tuple[int, ...]:
        """The steps that write a place character (十 百 千 万) or 零: characters no source word maps to
        one-to-one (二万 is "twenty thousand"; 零 has no word at all)."""
        return tuple(i for i, tok in enumerate(self.tokens) if tok in PLACE_CHARS)

    @property
    def ended(self) -> bool:
        """The last step wrote <eos> (otherwise the decode stopped at its length limit)."""
        return bool(self.tokens) and self.tokens[-1] == EOS

    @property
    def n_layers(self) -> int:
        return self.weights.shape[0]

    @property
    def n_heads(self) -> int:
        return self.weights.shape[1]


def _index(name: str, value, n: int, allow_negative: bool = False) -> int:
    lo = -n if allow_negative else 0
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value < n:
        raise ValueError(f"{name} must be an integer in [0, {n}), got {value!r}")
    return int(value) % n


def run(text: str, layer: int = -1, head: int | None = None, *, trained: checkpoints.Trained | None = None
        ) -> CrossAttentionResult:
    """Translate the number in ``text`` and return the decoder's cross-attention.

    text: digits, English words or Chinese numerals (:func:`tf_core.numbers.parse_number`), a whole
        number in ``limits.NUMBER``; anything else raises ``tf_core.numbers.NumberError`` (a ValueError)
        with a message to show.
    layer: the decoder layer shown, 0-based; negative counts from the last (default: the last).
    head: the head shown, 0-based; None (or -1, as ``limits.XATTN_HEAD`` spells it) for the mean
        over the heads.
    trained: the translator (checkpoints.load_seq2seq()); None loads the shipped checkpoint (tens of ms),
        the app passes the one it keeps in st.cache_resource.
    """
    n = numbers.parse_number(text)
    trained = trained if trained is not None else checkpoints.load_seq2seq()
    model, cfg = trained.model, trained.model.cfg
    layer = _index("layer", layer, cfg.n_dec_layers, allow_negative=True)
    if head is not None and not (type(head) is int and head == -1):
        head = _index("head", head, cfg.n_heads)
    else:
        head = None
    words = numbers.english_words(n)
    if len(words) > limits.NUMBER_WORDS:  # never, for a number in range: the encoder's cap, checked anyway
        raise ValueError(f"{len(words)} words exceed the limit of {limits.NUMBER_WORDS}")

    t = seq2seq.translate(model, words, max_chars=limits.NUMBER_CHARS)
    weights = t.cross_attentions.float().cpu().numpy()  # (L, H, N, S)
    mean_heads = weights[layer].mean(axis=0)  # (N, S)
    shown = mean_heads if head is None else weights[layer, head]  # (N, S)
    top = shown.argmax(axis=-1)  # (N,)
    try:
        value = numbers.from_chinese(t.text)
    except numbers.NumberError:
        value = None
    reference = numbers.to_chinese(n)
    return CrossAttentionResult(
        number=n,
        words=words,
        tokens=t.tokens,
        output=t.text,
        reference=reference,
        correct=t.text == reference,
        output_value=value,
        probs=t.probs.float().cpu().numpy(),
        weights=weights,
        layer=layer,
        head=head,
        map=shown,
        mean_heads=mean_heads,
        attends_to=tuple(words[i] for i in top),
        attends_index=top,
        held_out=n in set(held_out_numbers(trained.config)),
        held_out_accuracy=float(trained.metrics["held_out_exact_match"]),
        held_out_count=int(trained.metrics["held_out_count"]),
    )
