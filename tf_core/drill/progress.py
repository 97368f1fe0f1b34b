"""The learner's drill progress as a small file they keep (the app keeps it only in the session's memory).

Format, version 1 (UTF-8 JSON, at most :data:`tf_core.limits.DRILL_FILE_BYTES`)::

    {"app": "transformer-details-lab", "kind": "drill-progress", "version": 1,
     "saved": "2026-12-06T10:00:00Z",
     "cards": {"scaling": {"ef": 2.5, "reps": 1, "interval": 1, "due": 1796000000.0, "answers": 1,
                           "history": [{"at": 1795913600.0, "grade": "good", "close": true, "sure": 70}]}}}

:func:`loads` checks everything before it returns anything, so a bad file changes nothing: it raises
:class:`ProgressError` whose ``code`` says what is wrong (the page words it in the learner's language).
Cards of questions this app does not have are left out and counted; a card relearning in the sitting it
was saved in is due again when loaded.
"""
from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tf_core import limits
from tf_core.drill.schedule import GRADES, MIN_EF, CardState

APP, KIND, VERSION = "transformer-details-lab", "drill-progress", 1
ERRORS = ("too_big", "empty", "not_json", "not_ours", "version", "bad_card")


class ProgressError(ValueError):
    """A file that is not this app's drill progress: ``code`` in :data:`ERRORS`, ``detail`` for the log."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Answer:
    """One answer to a card: when (Unix seconds), the grade, whether the prediction was close, how sure
    the learner was (50..100 %)."""

    at: float
    grade: str
    close: bool
    sure: int


@dataclass(frozen=True)
class Progress:
    states: Mapping[str, CardState] = field(default_factory=dict)
    history: Mapping[str, tuple[Answer, ...]] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()  # question ids in a loaded file that this app does not have


def dumps(states: Mapping[str, CardState], history: Mapping[str, Iterable[Answer]], now: float | None = None) -> bytes:
    """The file's bytes: every answered card's state and its last ``DRILL_HISTORY`` answers."""
    cards = {}
    for qid, s in sorted(states.items()):
        if s.new:
            continue
        cards[qid] = {"ef": round(s.ef, 4), "reps": s.reps, "interval": s.interval, "due": round(s.due, 3),
                      "answers": s.answers,
                      "history": [{"at": round(a.at, 3), "grade": a.grade, "close": a.close, "sure": a.sure}
                                  for a in list(history.get(qid, ()))[-limits.DRILL_HISTORY:]]}
    saved = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if now is None else now))
    doc = {"app": APP, "kind": KIND, "version": VERSION, "saved": saved, "cards": cards}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _number(card: Mapping, key: str, lo: float, hi: float, whole: bool = False) -> float:
    v = card.get(key)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not lo <= v <= hi:
        raise ProgressError("bad_card", f"{key}={v!r}")
    if whole and v != int(v):
        raise ProgressError("bad_card", f"{key}={v!r} is not whole")
    return int(v) if whole else float(v)


def _card(card: object, now: float) -> tuple[CardState, tuple[Answer, ...]]:
    if not isinstance(card, dict):
        raise ProgressError("bad_card", "a card is not an object")
    state = CardState(ef=_number(card, "ef", MIN_EF, 10.0), reps=_number(card, "reps", 0, 10_000, True),
                      interval=_number(card, "interval", 0, 100_000, True), due=_number(card, "due", 0, 1e11),
                      answers=_number(card, "answers", 1, 1_000_000, True))
    if state.reps == 0:  # saved while relearning: due at once, the gap belonged to that sitting
        state = CardState(ef=state.ef, reps=0, interval=0, due=min(state.due, now), answers=state.answers)
    raw = card.get("history", [])
    if not isinstance(raw, list) or len(raw) > limits.DRILL_HISTORY:
        raise ProgressError("bad_card", "history")
    answers = []
    for a in raw:
        if not isinstance(a, dict) or a.get("grade") not in GRADES or not isinstance(a.get("close"), bool):
            raise ProgressError("bad_card", f"answer {a!r}")
        answers.append(Answer(at=_number(a, "at", 0, 1e11), grade=a["grade"], close=a["close"],
                              sure=_number(a, "sure", 50, 100, True)))
    return state, tuple(answers)


def loads(data: bytes, known: Iterable[str], now: float | None = None) -> Progress:
    """Parse a progress file, all or nothing (see the module docstring). ``known``: this app's question ids."""
    if len(data) > limits.DRILL_FILE_BYTES:
        raise ProgressError("too_big", f"{len(data)} bytes")
    if not data.strip():
        raise ProgressError("empty")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise ProgressError("not_json", str(e)[:200]) from None
    if not isinstance(doc, dict) or doc.get("app") != APP or doc.get("kind") != KIND:
        raise ProgressError("not_ours")
    if doc.get("version") != VERSION:
        raise ProgressError("version", repr(doc.get("version"))[:40])
    cards = doc.get("cards")
    if not isinstance(cards, dict):
        raise ProgressError("bad_card", "cards is not an object")
    known = set(known)
    now = time.time() if now is None else now
    states, history, unknown = {}, {}, []
    for qid, card in cards.items():
        state, answers = _card(card, now)  # every card is checked, known or not
        if qid not in known:
            unknown.append(str(qid)[:60])
            continue
        states[qid], history[qid] = state, answers
    return Progress(states=states, history=history, unknown=tuple(unknown))
