"""The one bounded worker: heavy jobs wait in line for a fixed number of slots, fairly and boundedly.

A classroom shares one server with 2 CPU cores. A long decode or a training run already keeps the
cores busy, so two such jobs at once each run at half speed or worse (cache thrashing, oversubscribed
threads), and ten at once make every learner wait ten times as long with no one finishing early. Here
jobs take turns instead: ``limits.WORKER_SLOTS`` of them (1 by default) run at once, the others wait
first come, first served, and each can show its place in the line while it waits.

    >>> w = Worker(slots=1)
    >>> seen = []
    >>> w.run(sum, [1, 2, 3], on_wait=seen.append), seen    # nobody ahead: position 0 at once
    (6, [0])

Use, from any thread (Streamlit runs each session's script in its own thread):

    run_queued(fn, *args, on_wait=callback, owner=learner, alive=callback, **kwargs)
    with default_worker().slot(on_wait=callback, owner=learner): ...   the same for a block of code
    checkpoint()    inside a job, at each of its steps: raises Cancelled when the job must stop

``on_wait(position)`` is called in the caller's own thread (so a page may update its widgets from
it), outside the worker's lock, each time the caller's position changes: 1 = next in line, 2 = one
job waits ahead of it ... and finally 0 = "your turn", just before the job starts (also when there
was no wait). If it raises, the caller leaves the line and the exception goes on; the same for
``timeout`` (TimeoutError, the longest wait in line). A slot is given back when the job ends, by an
exception too.

Fairness and bounds, for a class that shares one server:
- ``owner`` (a learner: the page passes one per browser, since a class shares one address and a learner
  may open many tabs) has at most one job running or waiting. A newer job of the same owner replaces the
  older one: a waiting one leaves the line, a running one stops at its next ``checkpoint()``; either
  raises ``Cancelled("replaced")`` in its own thread. So a learner who moves a slider during a long job,
  or opens ten tabs, holds one place, not ten.
- The line holds at most ``line`` jobs (``limits.WORKER_LINE``). One more raises ``Busy(ahead)`` at once
  (the page says "busy, N ahead of you, try again") instead of growing a wait of many minutes.
- A running job has ``time_limit`` seconds (``limits.WORKER_JOB_SECONDS``); ``alive()``, when given, says
  whether the job's learner is still there (their tab still connected). ``checkpoint()``, called by the
  job at each step, raises ``Cancelled("time")`` or ``Cancelled("gone")``; a job waiting in line whose
  learner has gone leaves it (checked every ``poll`` seconds while it sleeps).

Waiting uses a ``threading.Condition``: a waiting thread sleeps until a slot is given back or the
line moves (or ``poll`` seconds pass, to ask ``alive()``), and uses no CPU meanwhile. Order: strictly
first in, first out (a ticket number per call; only the head of the line may take a free slot). A
thread that already holds a slot and asks for another (a queued job calling a queued job) runs at once
in the slot it holds: waiting for itself would deadlock a 1-slot worker.

Scope, stated: one worker per process, shared by every session of that Streamlit server (the point:
they share its cores). No Streamlit import here: the page passes callbacks that draw and that look at
its session.
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tf_core import limits


@dataclass(frozen=True)
class Ticket:
    """One job's place: its number (the order it arrived in) and how long it waited for its slot."""

    number: int
    waited_seconds: float


class Busy(RuntimeError):
    """The line is full: ``ahead`` jobs run or wait before this one would. Nothing was queued."""

    def __init__(self, ahead: int, line: int):
        super().__init__(f"the line is full: {ahead} jobs ahead (at most {line} may wait)")
        self.ahead = ahead
        self.line = line


class Cancelled(RuntimeError):
    """A job stopped before its end. ``reason``: "replaced" (a newer job of the same owner took its
    place), "time" (it ran past its time limit) or "gone" (its learner left: ``alive()`` said no)."""

    REASONS = ("replaced", "time", "gone")

    def __init__(self, reason: str, seconds: float | None = None):
        if reason not in self.REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        detail = f" after {seconds:.0f} s" if seconds is not None else ""
        super().__init__(f"job cancelled ({reason}){detail}")
        self.reason = reason
        self.seconds = seconds


@dataclass(eq=False)
class _Job:
    """A job in line or in a slot (the worker's bookkeeping; the lock guards ``cancel``)."""

    number: int
    owner: Hashable | None
    alive: Callable[[], bool] | None
    time_limit: float | None
    started: float | None = None  # time.monotonic() when it took its slot
    cancel: str | None = None  # a Cancelled reason, set by another thread
    worker: Worker | None = field(default=None, repr=False)

    def stop_reason(self) -> str | None:
        """Why this job must stop now, or None."""
        if self.cancel is not None:
            return self.cancel
        if self.started is not None and self.time_limit is not None and time.monotonic() - self.started > self.time_limit:
            return "time"
        if self.alive is not None and not self.alive():
            return "gone"
        return None


_current = threading.local()  # .job: the _Job this thread runs in a slot (checkpoint() reads it)


def checkpoint() -> None:
    """Inside a job, at each of its steps: raise Cancelled when the job must stop (replaced by its owner's
    newer job, past its time limit, or its learner gone). Outside a job, nothing: a lab function may call
    it whether or not it runs in the line."""
    job = getattr(_current, "job", None)
    if job is None:
        return
    reason = job.stop_reason()
    if reason is not None:
        raise Cancelled(reason, time.monotonic() - job.started if job.started is not None else None)


class Worker:
    """``slots`` jobs at a time; at most ``line`` more wait, in FIFO order; one job per owner. Thread-safe."""

    def __init__(self, slots: int = limits.WORKER_SLOTS, line: int = limits.WORKER_LINE,
                 time_limit: float | None = limits.WORKER_JOB_SECONDS, poll: float = 1.0):
        for name, value in (("slots", slots), ("line", line)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if time_limit is not None and not time_limit > 0:
            raise ValueError(f"time_limit must be positive seconds or None, got {time_limit!r}")
        self.slots = slots
        self.line = line
        self.time_limit = time_limit
        self.poll = poll
        self._cond = threading.Condition()
        self._line: deque[int] = deque()  # ticket numbers waiting, first in line on the left
        self._running = 0
        self._numbers = itertools.count()
        self._held = threading.local()  # slots this thread holds (nested calls run in them)
        self._by_owner: dict[Hashable, _Job] = {}  # each owner's one job, waiting or running
        self._jobs: dict[int, _Job] = {}

    @property
    def running(self) -> int:
        """Jobs in a slot now."""
        with self._cond:
            return self._running

    @property
    def waiting(self) -> int:
        """Jobs in line now."""
        with self._cond:
            return len(self._line)

    def _position(self, number: int) -> int:
        """0 when ``number`` may start now, else its place in the line (1 = next). Lock held."""
        place = self._line.index(number)
        return 0 if place == 0 and self._running < self.slots else place + 1

    @contextmanager
    def slot(self, on_wait: Callable[[int], Any] | None = None, timeout: float | None = None,
             owner: Hashable | None = None, alive: Callable[[], bool] | None = None,
             time_limit: float | None = None) -> Iterator[Ticket]:
        """Wait in line for a slot, hold it for the ``with`` block, give it back however the block ends.
        ``time_limit`` (default: the worker's) bounds the block's run, enforced by ``checkpoint()``."""
        if getattr(self._held, "count", 0):  # this thread is inside a slot already: nest in it
            if on_wait is not None:
                on_wait(0)
            self._held.count += 1
            try:
                yield Ticket(number=-1, waited_seconds=0.0)
            finally:
                self._held.count -= 1
            return
        job = self._enter(owner, alive, self.time_limit if time_limit is None else time_limit)
        ticket = self._acquire(job, on_wait, timeout)
        self._held.count = 1
        _current.job = job
        try:
            yield ticket
        finally:
            self._held.count = 0
            _current.job = None
            with self._cond:
                self._running -= 1
                self._forget(job)
                self._cond.notify_all()  # the head of the line may start; the others move up

    def _enter(self, owner: Hashable | None, alive: Callable[[], bool] | None, time_limit: float | None) -> _Job:
        """A new job at the end of the line: its owner's older job told to stop; Busy if the line is full."""
        with self._cond:
            if len(self._line) >= self.line:
                raise Busy(ahead=len(self._line) + self._running, line=self.line)
            job = _Job(number=next(self._numbers), owner=owner, alive=alive, time_limit=time_limit, worker=self)
            if owner is not None:
                older = self._by_owner.get(owner)
                if older is not None:
                    older.cancel = "replaced"
                    if older.number in self._line:  # still waiting: out of the line now, so the newer one
                        self._line.remove(older.number)  # does not wait behind it; its thread raises
                self._by_owner[owner] = job
            self._jobs[job.number] = job
            self._line.append(job.number)
            self._cond.notify_all()  # the older job's thread wakes to leave; the others see the line
            return job

    def _forget(self, job: _Job) -> None:
        """Lock held: the job has left the line or its slot."""
        self._jobs.pop(job.number, None)
        if job.owner is not None and self._by_owner.get(job.owner) is job:
            del self._by_owner[job.owner]

    def _acquire(self, job: _Job, on_wait: Callable[[int], Any] | None, timeout: float | None) -> Ticket:
        start = time.monotonic()
        deadline = None if timeout is None else start + timeout
        number = job.number
        reported = None
        try:
            while True:
                with self._cond:
                    while True:
                        reason = job.cancel or ("gone" if job.alive is not None and not job.alive() else None)
                        if reason is not None:
                            raise Cancelled(reason)
                        position = self._position(number)
                        if position == 0:
                            self._line.popleft()  # it is the head: the only one that may start
                            self._running += 1
                            job.started = time.monotonic()
                            self._cond.notify_all()  # a second free slot may now go to the new head
                            break
                        if position != reported and on_wait is not None:
                            break  # tell the caller, outside the lock
                        left = None if deadline is None else deadline - time.monotonic()
                        if left is not None and left <= 0:
                            raise TimeoutError(f"waited {timeout} s in line (position {position})")
                        wait = self.poll if job.alive is not None else None  # wake to ask alive() now and then
                        self._cond.wait(wait if left is None else left if wait is None else min(wait, left))
                if position == 0:
                    break
                on_wait(position)
                reported = position
        except BaseException:
            with self._cond:
                if number in self._line:  # still waiting: leave the line (a TimeoutError, a callback's error)
                    self._line.remove(number)
                self._forget(job)
                self._cond.notify_all()  # the ones behind move up
            raise
        try:
            if on_wait is not None:
                on_wait(0)
        except BaseException:
            with self._cond:  # the slot was taken: give it back before passing the error on
                self._running -= 1
                self._forget(job)
                self._cond.notify_all()
            raise
        return Ticket(number=number, waited_seconds=time.monotonic() - start)

    def run(self, fn: Callable[..., Any], *args: Any, on_wait: Callable[[int], Any] | None = None,
            timeout: float | None = None, owner: Hashable | None = None, alive: Callable[[], bool] | None = None,
            time_limit: float | None = None, **kwargs: Any) -> Any:
        """fn(*args, **kwargs) in a slot, after waiting in line; its result, or its exception."""
        with self.slot(on_wait=on_wait, timeout=timeout, owner=owner, alive=alive, time_limit=time_limit):
            return fn(*args, **kwargs)


_default: Worker | None = None
_medium: Worker | None = None
_default_lock = threading.Lock()


def default_worker() -> Worker:
    """The process's worker (``limits.WORKER_SLOTS`` slots, ``limits.WORKER_LINE`` places in line), made on
    first use. Process-wide on purpose: every session of the server shares its cores, so they must share
    one line."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Worker(limits.WORKER_SLOTS)
        return _default


def medium_worker() -> Worker:
    """A second, separate line for medium work (about 0.2 to 2 s: an encoder run over a few padded
    sentences): ``limits.MEDIUM_SLOTS`` at once, so a class cannot pile such runs onto 2 cores, and never
    behind a long job of the main line, which would make a fraction of a second wait a minute."""
    global _medium
    with _default_lock:
        if _medium is None:
            _medium = Worker(limits.MEDIUM_SLOTS, line=limits.MEDIUM_LINE)
        return _medium


def run_queued(fn: Callable[..., Any], *args: Any, on_wait: Callable[[int], Any] | None = None,
               timeout: float | None = None, owner: Hashable | None = None, alive: Callable[[], bool] | None = None,
               time_limit: float | None = None, worker: Worker | None = None, **kwargs: Any) -> Any:
    """fn(*args, **kwargs) through ``worker`` (default: the process's main line; see the module docstring)."""
    return (worker or default_worker()).run(fn, *args, on_wait=on_wait, timeout=timeout, owner=owner, alive=alive,
                                            time_limit=time_limit, **kwargs)
