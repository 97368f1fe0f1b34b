"""When a card comes back: SuperMemo's SM-2 (Wozniak, 1990), with one change for a drill held in one sitting.

The learner grades each answer: again, hard, good or easy, read as SM-2's response quality 1, 3, 4 or 5.
After every answer the card's easiness factor moves by EF' = EF + (0.1 - (5 - q)(0.08 + (5 - q) 0.02)),
never below 1.3. A quality of 3 or more counts as a success: the n-th success in a row sets the interval
to 1 day, then 6 days, then the previous interval times EF (rounded). A quality under 3 starts the
repetitions again (EF is kept, as SM-2 says) and, instead of SM-2's "tomorrow", the card comes back
in the same sitting once :data:`tf_core.limits.DRILL_RELEARN_GAP` other cards have been dealt.

:func:`next_card` deals, from the questions in play: a card to relearn whose gap has passed; else the
most overdue card (due time passed); else the first card never answered, in the order of study; else
a card still waiting out its gap, when no other is left; else nothing (everything is scheduled on a
later day; the page says when).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from tf_core import limits

GRADES = ("again", "hard", "good", "easy")
QUALITY = {"again": 1, "hard": 3, "good": 4, "easy": 5}
DAY = 86_400.0  # seconds
MIN_EF = 1.3


@dataclass(frozen=True)
class CardState:
    """One question's schedule. ``due``: Unix seconds (0 = never answered); ``relearn_at``: the deal
    count after which a failed card comes back this sitting (None: not relearning); ``answers``: how
    many times it has been answered."""

    ef: float = 2.5
    reps: int = 0
    interval: int = 0  # days
    due: float = 0.0
    answers: int = 0
    relearn_at: int | None = None

    @property
    def new(self) -> bool:
        return self.answers == 0


def review(state: CardState, grade: str, now: float, dealt: int) -> CardState:
    """The state after answering with ``grade`` at ``now`` (Unix seconds), ``dealt`` cards having been
    dealt in this sitting so far."""
    if grade not in QUALITY:
        raise ValueError(f"grade {grade!r} is not one of {GRADES}")
    q = QUALITY[grade]
    ef = max(MIN_EF, state.ef + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)))
    if q < 3:
        return replace(state, ef=ef, reps=0, interval=0, due=now, answers=state.answers + 1,
                       relearn_at=dealt + limits.DRILL_RELEARN_GAP)
    reps = state.reps + 1
    interval = 1 if reps == 1 else 6 if reps == 2 else max(1, round(state.interval * ef))
    return replace(state, ef=ef, reps=reps, interval=interval, due=now + interval * DAY, answers=state.answers + 1,
                   relearn_at=None)


def next_card(order: Sequence[str], states: Mapping[str, CardState], now: float, dealt: int,
              skip: str | None = None) -> str | None:
    """The question to deal next among ``order`` (question ids in the order of study), or None when every
    one is scheduled later. ``skip``: the card just answered, dealt again only if nothing else is left."""
    fresh = CardState()
    st = {q: states.get(q, fresh) for q in order}
    waiting = sorted((s.relearn_at, i, q) for i, (q, s) in enumerate(st.items()) if s.relearn_at is not None)
    ready = [q for at, _, q in waiting if at <= dealt]
    due = [q for _, _, q in sorted((s.due, i, q) for i, (q, s) in enumerate(st.items())
                                   if not s.new and s.relearn_at is None and s.due <= now)]
    new = [q for q, s in st.items() if s.new]
    later = [q for at, _, q in waiting if at > dealt]  # nothing else left: a failed card comes back early
    pools = (ready, due, new, later)
    for pool in pools:
        for q in pool:
            if q != skip:
                return q
    return skip if any(skip in pool for pool in pools) else None


def next_due(order: Sequence[str], states: Mapping[str, CardState]) -> float | None:
    """When the next card of ``order`` falls due (Unix seconds), None if none has been answered."""
    times = [states[q].due for q in order if q in states and not states[q].new]
    return min(times) if times else None
