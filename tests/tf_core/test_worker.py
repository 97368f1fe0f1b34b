"""tf_core.worker: first in, first out; never more jobs at once than slots; positions reported while
waiting; a slot given back whatever happens (an exception in the job, in the callback, a timeout).

Threads here block on Events the test controls, so the order of events is fixed, not left to timing;
``until`` polls a condition for at most 5 s (a hang fails the test instead of blocking the suite)."""
from __future__ import annotations

import threading
import time

import pytest

from tf_core import limits
from tf_core.worker import Worker, default_worker, run_queued


def until(condition, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for a condition")
        time.sleep(0.002)


def start(target, *args) -> threading.Thread:
    t = threading.Thread(target=target, args=args, daemon=True)
    t.start()
    return t


def hold(worker: Worker, started: threading.Event, release: threading.Event) -> threading.Thread:
    """A thread that takes a slot and keeps it until ``release`` is set."""
    def job():
        started.set()
        assert release.wait(5)
    return start(lambda: worker.run(job))


def test_first_in_first_out():
    w = Worker(slots=1)
    started, release = threading.Event(), threading.Event()
    blocker = hold(w, started, release)
    assert started.wait(5)
    order, threads = [], []
    for i in range(6):  # each joins the line only after the previous one is in it: arrival order is 0..5
        threads.append(start(lambda i=i: w.run(order.append, i)))
        until(lambda i=i: w.waiting == i + 1)
    assert order == [] and w.running == 1
    release.set()
    for t in [blocker, *threads]:
        t.join(5)
    assert order == list(range(6)) and w.running == 0 and w.waiting == 0


@pytest.mark.parametrize("slots", [1, 2, 3])
def test_never_more_than_slots_at_once(slots):
    w = Worker(slots=slots)
    lock, now, peak = threading.Lock(), [0], [0]

    def job():
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        time.sleep(0.05)
        with lock:
            now[0] -= 1

    threads = [start(w.run, job) for _ in range(3 * slots + 2)]
    for t in threads:
        t.join(10)
    assert peak[0] == slots and now[0] == 0 and w.running == 0  # every slot used, never one more


def test_positions_are_reported_while_waiting():
    w = Worker(slots=1)
    started, release = threading.Event(), threading.Event()
    blocker = hold(w, started, release)
    assert started.wait(5)
    seen = {name: [] for name in "abc"}
    go = {name: threading.Event() for name in "abc"}
    threads = []
    for name in "abc":
        threads.append(start(lambda n=name: w.run(go[n].wait, 5, on_wait=seen[n].append)))
        until(lambda n=name: len(seen[n]) == 1)
    assert seen == {"a": [1], "b": [2], "c": [3]}
    release.set()  # the blocker ends: a runs, b and c move up
    until(lambda: seen["a"] == [1, 0] and seen["b"] == [2, 1] and seen["c"] == [3, 2])
    go["a"].set()
    until(lambda: seen["b"] == [2, 1, 0] and seen["c"] == [3, 2, 1])
    go["b"].set()
    go["c"].set()
    for t in [blocker, *threads]:
        t.join(5)
    assert seen == {"a": [1, 0], "b": [2, 1, 0], "c": [3, 2, 1, 0]}
    done = []
    assert w.run(lambda: 7, on_wait=done.append) == 7 and done == [0]  # nobody ahead: 0 at once


def test_an_exception_gives_the_slot_back():
    w = Worker(slots=1)

    def boom():
        raise ValueError("inside the job")

    with pytest.raises(ValueError, match="inside the job"):
        w.run(boom)
    assert w.running == 0
    assert w.run(lambda: "next") == "next"  # the slot is free again
    with pytest.raises(KeyError):
        with w.slot():
            raise KeyError("in a with block")
    assert w.running == 0


def test_leaving_the_line_lets_the_others_move_up():
    w = Worker(slots=1)
    started, release = threading.Event(), threading.Event()
    blocker = hold(w, started, release)
    assert started.wait(5)
    errors, seen = [], []

    def impatient(position):
        raise RuntimeError("the page was closed")  # e.g. Streamlit stopping the script in the callback

    def first():
        try:
            w.run(lambda: None, on_wait=impatient)
        except RuntimeError as e:
            errors.append(e)

    start(first).join(5)
    assert len(errors) == 1 and w.waiting == 0
    with pytest.raises(TimeoutError):
        w.run(lambda: None, timeout=0.05)
    assert w.waiting == 0 and w.running == 1
    later = start(lambda: w.run(lambda: None, on_wait=seen.append))
    until(lambda: seen == [1])  # first in line: the two that left hold no place
    release.set()
    for t in (blocker, later):
        t.join(5)
    assert seen == [1, 0] and w.running == 0

    def fails_at_start(position):
        if position == 0:
            raise RuntimeError("failed when the turn came")

    with pytest.raises(RuntimeError):
        w.run(lambda: None, on_wait=fails_at_start)
    assert w.running == 0 and w.waiting == 0  # the slot taken for it was given back


def test_waiting_uses_no_cpu():
    w = Worker(slots=1)
    started, release = threading.Event(), threading.Event()
    blocker = hold(w, started, release)
    assert started.wait(5)
    cpu = {}

    def waiter():
        w.run(lambda: cpu.setdefault("end", time.thread_time()),
              on_wait=lambda p: cpu.setdefault("start", time.thread_time()))

    t = start(waiter)
    until(lambda: "start" in cpu)
    time.sleep(0.3)  # it waits 0.3 s in line
    release.set()
    for th in (blocker, t):
        th.join(5)
    assert cpu["end"] - cpu["start"] < 0.05  # a polling loop would have burnt most of the 0.3 s


def test_a_job_inside_a_job_does_not_deadlock():
    w = Worker(slots=1)
    out = []
    t = start(lambda: out.append(w.run(lambda: w.run(lambda: "inner") + " in outer")))
    t.join(5)
    assert out == ["inner in outer"] and w.running == 0


def test_default_worker_and_validation():
    assert default_worker() is default_worker() and default_worker().slots == limits.WORKER_SLOTS
    assert run_queued(divmod, 7, 2) == (3, 1)
    assert run_queued(int, "12", base=8) == 10
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValueError):
            Worker(slots=bad)


# --- fairness and bounds (issue 18): one job per owner, a bounded line, a time limit, a learner gone ---
from tf_core.worker import Busy, Cancelled, checkpoint  # noqa: E402


def outcome(fn) -> tuple[threading.Thread, dict]:
    """fn() in a thread; its result or exception lands in the returned dict."""
    out: dict = {}

    def body():
        try:
            out["result"] = fn()
        except BaseException as e:  # noqa: BLE001 - the test reads it
            out["error"] = e
    return start(body), out


def test_a_newer_job_of_the_same_owner_replaces_the_waiting_one():
    w = Worker(slots=1)
    started, release = threading.Event(), threading.Event()
    blocker = hold(w, started, release)
    assert started.wait(5)
    first, out1 = outcome(lambda: w.run(lambda: "first", owner="ana"))
    until(lambda: w.waiting == 1)
    other, out3 = outcome(lambda: w.run(lambda: "bob's", owner="bob"))
    until(lambda: w.waiting == 2)
    second, out2 = outcome(lambda: w.run(lambda: "second", owner="ana"))
    first.join(5)
    assert isinstance(out1["error"], Cancelled) and out1["error"].reason == "replaced"
    assert w.waiting == 2  # bob's job and ana's newer one: ana holds one place, not two
    release.set()
    for t in (blocker, other, second):
        t.join(5)
    assert out2["result"] == "second" and out3["result"] == "bob's" and w.running == 0 and w.waiting == 0


def test_a_running_job_stops_at_its_next_step_when_its_owner_asks_again():
    w = Worker(slots=1)
    steps, running = [], threading.Event()

    def long_job():
        while True:
            running.set()
            checkpoint()
            steps.append(1)
            time.sleep(0.005)

    old, out_old = outcome(lambda: w.run(long_job, owner="ana"))
    assert running.wait(5)
    new, out_new = outcome(lambda: w.run(lambda: "newer", owner="ana"))
    for t in (old, new):
        t.join(5)
    assert isinstance(out_old["error"], Cancelled) and out_old["error"].reason == "replaced"
    assert out_new["result"] == "newer" and steps and w.running == 0


def test_a_full_line_answers_busy_at_once_and_queues_nothing():
    w = Worker(slots=1, line=2)
    started, release = threading.Event(), threading.Event()
    blocker = hold(w, started, release)
    assert started.wait(5)
    waiters = [outcome(lambda i=i: w.run(lambda: i, owner=f"learner {i}")) for i in range(2)]
    until(lambda: w.waiting == 2)
    t0 = time.monotonic()
    with pytest.raises(Busy) as info:
        w.run(lambda: "never", owner="late")
    assert time.monotonic() - t0 < 0.5 and info.value.ahead == 3 and info.value.line == 2
    assert w.waiting == 2
    release.set()
    for t, _ in waiters:
        t.join(5)
    blocker.join(5)
    assert sorted(out["result"] for _, out in waiters) == [0, 1]
    with pytest.raises(ValueError):
        Worker(slots=1, line=0)


def test_a_job_past_its_time_limit_stops_at_its_next_step():
    w = Worker(slots=1, time_limit=0.05)

    def slow():
        for _ in range(1000):
            checkpoint()
            time.sleep(0.01)
        return "finished"

    with pytest.raises(Cancelled) as info:
        w.run(slow)
    assert info.value.reason == "time" and 0.05 <= info.value.seconds < 1
    assert w.running == 0  # the slot came back
    checkpoint()  # outside a job: nothing to stop


def test_a_learner_who_left_loses_their_place_and_their_running_job():
    w = Worker(slots=1, poll=0.02)
    started, release = threading.Event(), threading.Event()
    blocker = hold(w, started, release)
    assert started.wait(5)
    here = {"ana": True}
    t, out = outcome(lambda: w.run(lambda: "never", owner="ana", alive=lambda: here["ana"]))
    until(lambda: w.waiting == 1)
    here["ana"] = False  # the tab closed while waiting
    t.join(5)
    assert isinstance(out["error"], Cancelled) and out["error"].reason == "gone" and w.waiting == 0
    release.set()
    blocker.join(5)

    here["bob"] = True

    def job():
        here["bob"] = False  # the tab closes during the run
        checkpoint()
        return "never"

    with pytest.raises(Cancelled) as info:
        w.run(job, owner="bob", alive=lambda: here["bob"])
    assert info.value.reason == "gone" and w.running == 0
