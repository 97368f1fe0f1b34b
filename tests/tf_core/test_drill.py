"""The interview drill's core: one quantity per lesson, the scores, SM-2 against its published rule, the
progress file (round trip, and every kind of bad file refused whole)."""
from __future__ import annotations

import json
import math

import pytest

from tf_core import limits
from tf_core.drill import QUANTITIES, Quantity, score
from tf_core.drill import progress as files
from tf_core.drill.schedule import DAY, CardState, next_card, next_due, review
from ui import curriculum

NOW = 1_800_000_000.0


def test_every_question_has_exactly_one_quantity():
    ids = {q.id for q in curriculum.load().questions}
    assert set(QUANTITIES) == ids
    assert all(q.qid == qid for qid, q in QUANTITIES.items())


def test_every_quantity_accepts_a_range_that_matches_its_kind():
    for q in QUANTITIES.values():
        if q.kind == "log":
            assert 0 < q.lo < q.hi and q.tolerance > 1, q.qid
        elif q.kind == "linear":
            assert q.lo < q.hi and 0 < q.tolerance < q.hi - q.lo, q.qid


def test_scores():
    log = Quantity("x", "log", lambda m: None, tolerance=2.0, lo=1e-3, hi=1e9)
    assert score(log, 200, 100).error == pytest.approx(2.0) and score(log, 200, 100).close and score(log, 200, 100).high
    assert score(log, 50, 100).error == pytest.approx(2.0) and score(log, 50, 100).high is False
    assert not score(log, 1000, 100).close and score(log, 100, 100).high is None
    lin = Quantity("x", "linear", lambda m: None, tolerance=0.1, lo=0, hi=1)
    assert score(lin, 0.6, 0.5).close and score(lin, 0.6, 0.5).error == pytest.approx(0.1)
    assert not score(lin, 0.2, 0.5).close and score(lin, 0.2, 0.5).high is False
    yn = Quantity("x", "yesno", lambda m: None)
    assert score(yn, 1.0, 1.0).close and not score(yn, 0.0, 1.0).close
    with pytest.raises(ValueError):
        score(log, 0, 100)
    with pytest.raises(ValueError):
        score(lin, math.nan, 0.5)
    with pytest.raises(ValueError):
        Quantity("x", "log", lambda m: None, lo=0, hi=1)
    with pytest.raises(ValueError):
        Quantity("x", "odd", lambda m: None)


def test_sm2_intervals_and_easiness_follow_the_published_rule():
    s = CardState()
    s = review(s, "good", NOW, 1)  # q = 4: EF unchanged (0.1 - 1 * (0.08 + 0.02) = 0)
    assert (s.reps, s.interval, s.ef, s.due) == (1, 1, 2.5, NOW + DAY)
    s = review(s, "good", NOW, 2)
    assert (s.reps, s.interval) == (2, 6)
    s = review(s, "easy", NOW, 3)  # q = 5: EF + 0.1, interval = round(6 * 2.6)
    assert s.ef == pytest.approx(2.6) and s.interval == round(6 * 2.6)
    s = review(s, "hard", NOW, 4)  # q = 3: EF - 0.14
    assert s.ef == pytest.approx(2.46) and s.interval == round(16 * 2.46)
    failed = review(s, "again", NOW, 5)  # q = 1: EF - 0.54, repetitions start again, back in the sitting
    assert failed.ef == pytest.approx(1.92) and failed.reps == 0 and failed.relearn_at == 5 + limits.DRILL_RELEARN_GAP
    floor = CardState()
    for i in range(10):
        floor = review(floor, "again", NOW, i)
    assert floor.ef == 1.3
    with pytest.raises(ValueError):
        review(s, "perfect", NOW, 1)


def test_dealing_order():
    order = ("a", "b", "c", "d", "e")
    states = {}
    assert next_card(order, states, NOW, 0) == "a"  # new cards in the order of study
    states["a"] = review(CardState(), "again", NOW, 1)  # back after DRILL_RELEARN_GAP more cards
    assert next_card(order, states, NOW, 1, skip="a") == "b"
    states["b"] = review(CardState(), "good", NOW - 2 * DAY, 2)  # overdue by a day
    states["c"] = review(CardState(), "good", NOW - 3 * DAY, 2)  # overdue by two: first
    assert next_card(order, states, NOW, 2) == "c"
    assert next_card(order, states, NOW, 1 + limits.DRILL_RELEARN_GAP) == "a"  # the failed card, its gap over
    done = {q: review(CardState(), "good", NOW, 1) for q in order}
    assert next_card(order, done, NOW, 1) is None and next_due(order, done) == NOW + DAY
    only = {**done, "e": review(CardState(), "again", NOW, 1)}
    assert next_card(order, only, NOW, 1, skip="e") == "e"  # nothing else left: it comes back early
    assert next_card((), {}, NOW, 0) is None and next_due(order, {}) is None


def _some_progress():
    states = {"scaling": review(CardState(), "good", NOW, 1), "kv-cache": review(CardState(), "again", NOW, 2)}
    history = {"scaling": [files.Answer(NOW, "good", True, 80)], "kv-cache": [files.Answer(NOW, "again", False, 60)] * 30}
    return states, history


def test_progress_round_trip_is_small_and_drops_the_sittings_relearn_gap():
    states, history = _some_progress()
    data = files.dumps(states, history, now=NOW)
    assert len(data) < 4096
    loaded = files.loads(data, ["scaling", "kv-cache"], now=NOW + 10)
    assert loaded.states["scaling"] == states["scaling"] and loaded.unknown == ()
    assert loaded.states["kv-cache"].relearn_at is None and loaded.states["kv-cache"].due <= NOW + 10
    assert len(loaded.history["kv-cache"]) == limits.DRILL_HISTORY and loaded.history["scaling"] == tuple(history["scaling"])


def _doc(**changes):
    doc = json.loads(files.dumps(*_some_progress(), now=NOW))
    doc.update(changes)
    return json.dumps(doc).encode()


@pytest.mark.parametrize("data, code", [
    (b"", "empty"), (b"  \n", "empty"), (b"{not json", "not_json"), (b"\xff\xfe\x00", "not_json"),
    (b"[1, 2]", "not_ours"), (json.dumps({"app": "other"}).encode(), "not_ours"),
    (b"x" * (limits.DRILL_FILE_BYTES + 1), "too_big"), (b"[" * 100_000, "too_big"),
    (b"[" * 60_000, "not_json"),  # deeply nested, under the cap: refused, no RecursionError
])
def test_bad_files_are_refused_with_a_reason(data, code):
    with pytest.raises(files.ProgressError) as e:
        files.loads(data, ["scaling"])
    assert e.value.code == code


@pytest.mark.parametrize("change", [
    {"version": 2}, {"version": "1"}, {"cards": []}, {"cards": {"scaling": {"ef": "high"}}},
    {"cards": {"scaling": {"ef": 2.5, "reps": 1, "interval": 1, "due": NOW, "answers": 1, "history": [{"grade": "meh"}]}}},
    {"cards": {"scaling": {"ef": 99, "reps": 1, "interval": 1, "due": NOW, "answers": 1}}},
    {"cards": {"scaling": {"ef": 2.5, "reps": 1.5, "interval": 1, "due": NOW, "answers": 1}}},
    {"cards": {"scaling": {"ef": 2.5, "reps": 1, "interval": 1, "due": float("inf"), "answers": 1}}},
])
def test_hand_edited_files_are_refused_whole(change):
    with pytest.raises(files.ProgressError) as e:
        files.loads(_doc(**change), ["scaling", "kv-cache"])
    assert e.value.code in ("version", "bad_card")


def test_cards_of_unknown_questions_are_left_out_and_counted():
    doc = json.loads(_doc())
    doc["cards"]["not-a-question"] = doc["cards"]["scaling"]
    loaded = files.loads(json.dumps(doc).encode(), ["scaling", "kv-cache"])
    assert loaded.unknown == ("not-a-question",) and set(loaded.states) == {"scaling", "kv-cache"}
