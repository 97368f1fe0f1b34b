"""What one lesson asks the learner to predict, and how a prediction is scored.

Each of the 27 lessons declares one :class:`Quantity`: a number the lesson's own lab function computes
live (the largest softmax weight at d_k = 4096 without the scaling, the bytes a KV cache holds after
256 new tokens, whether an earlier logit moves when a later token changes ...). The drill asks for it
before it computes it, then sets the two side by side. No Streamlit here: a notebook can run a drill.

Scores, by :attr:`Quantity.kind`:

- ``"log"``: a positive magnitude (bytes, a ratio, a variance). The error is a factor,
  max(p / a, a / p), and the prediction is close when the factor is at most ``tolerance``. Being off by
  ×10 is the same miss whether too high or too low, as an interviewer would judge an order of magnitude.
- ``"linear"``: a value on a fixed scale (a fraction, an accuracy, a cosine). The error is p − a, close
  when |p − a| ≤ ``tolerance``.
- ``"yesno"``: the answer is 1.0 (yes) or 0.0 (no); close means right.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

KINDS = ("log", "linear", "yesno")


class Models(Protocol):
    """Where a quantity gets the real models it needs: ``load(key)`` with key "minilm" or "e5" (a
    TextEncoder), "smollm2" or "tinygpt" (an object with ``.model`` and ``.tokenizer``). The app passes
    its per-process caches; :func:`tf_core.drill.models.local` loads them once for a script or a test."""

    def load(self, key: str): ...


@dataclass(frozen=True)
class Measured:
    """A quantity as computed now: ``value`` (yes/no: 1.0 or 0.0), the numbers its reveal sentence
    quotes (``facts``: name -> int, float or str, already what the sentence shows), and the lesson
    settings it ran with (``settings``: the lesson's URL parameters, so the link opens the same run)."""

    value: float
    facts: Mapping[str, object] = field(default_factory=dict)
    settings: Mapping[str, object] = field(default_factory=dict)
    device: str = "cpu"  # where a model-backed quantity ran ("cpu", "cuda"); the lesson page states it in full


@dataclass(frozen=True)
class Quantity:
    """One lesson's live quantity. ``compute(models)`` runs the lesson's lab at fixed settings (seconds at
    most on 2 CPU cores, plus loading a model the first time). ``lo``..``hi``: what the answer box accepts
    (log: lo > 0). ``tolerance``: the factor (log) or difference (linear) still counted close."""

    qid: str
    kind: str
    compute: Callable[[Models], Measured]
    tolerance: float = 2.0
    lo: float = 0.0
    hi: float = 1.0
    step: float | None = None  # the answer box's step (None: Streamlit's default for a float)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.qid}: kind {self.kind!r} is not one of {KINDS}")
        if self.kind == "log" and (self.lo <= 0 or self.tolerance <= 1):
            raise ValueError(f"{self.qid}: a log quantity needs lo > 0 and a tolerance factor > 1")
        if self.kind == "linear" and self.tolerance <= 0:
            raise ValueError(f"{self.qid}: a linear quantity needs a tolerance > 0")
        if self.kind != "yesno" and not self.lo < self.hi:
            raise ValueError(f"{self.qid}: lo must be below hi")


@dataclass(frozen=True)
class Score:
    """How far a prediction was: ``error`` is the factor (log, >= 1), the signed difference p - a
    (linear) or 0/1 (yesno: 1 = wrong); ``close`` whether it is within the tolerance; ``high``: the
    prediction was above the answer (None when equal or for yes/no)."""

    kind: str
    error: float
    close: bool
    high: bool | None


def score(quantity: Quantity, predicted: float, actual: float) -> Score:
    """Score ``predicted`` against the live ``actual`` (see the module docstring)."""
    p, a = float(predicted), float(actual)
    if not (math.isfinite(p) and math.isfinite(a)):
        raise ValueError("a prediction and an answer must be finite numbers")
    if quantity.kind == "yesno":
        wrong = (p >= 0.5) != (a >= 0.5)
        return Score("yesno", float(wrong), not wrong, None)
    high = None if p == a else p > a
    if quantity.kind == "linear":
        return Score("linear", p - a, abs(p - a) <= quantity.tolerance + 1e-12, high)
    if p <= 0 or a <= 0:  # a magnitude: the answer box refuses 0, a lab never measures a non-positive one
        raise ValueError("a magnitude prediction and its answer must be positive")
    factor = max(p / a, a / p)
    return Score("log", factor, factor <= quantity.tolerance * (1 + 1e-12), high)
