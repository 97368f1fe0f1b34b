"""The interview drill's core: one live quantity per lesson to predict (:mod:`tf_core.drill.base`), a
spaced-repetition schedule (:mod:`tf_core.drill.schedule`) and the learner's progress as a small
versioned file (:mod:`tf_core.drill.progress`). No Streamlit, and no torch until a quantity is computed.

``QUANTITIES``: question id -> its :class:`~tf_core.drill.base.Quantity`, one per lesson of
assets/curriculum.toml (tests/tf_core/test_drill.py checks that every question has exactly one).
"""
from __future__ import annotations

from tf_core.drill import lessons_a, lessons_b, lessons_c
from tf_core.drill.base import KINDS, Measured, Models, Quantity, Score, score


def _collect() -> dict[str, Quantity]:
    out: dict[str, Quantity] = {}
    for module in (lessons_a, lessons_b, lessons_c):
        for q in module.QUANTITIES:
            if q.qid in out:
                raise ValueError(f"two drill quantities for {q.qid!r}")
            out[q.qid] = q
    return out


QUANTITIES: dict[str, Quantity] = _collect()

__all__ = ["KINDS", "Measured", "Models", "QUANTITIES", "Quantity", "Score", "score"]
