"""The one bounded worker: heavy jobs wait in line for a fixed number of slots.

A classroom shares one server with 2 CPU cores. A long decode or a training run already keeps both
cores busy (torch uses them all), so two such jobs at once each run at half speed or worse (cache
thrashing, oversubscribed threads), and ten at once make every learner wait ten times as long with
no one finishing early. Here jobs take turns instead: ``limits.WORKER_SLOTS`` of them (1 by
default) run at once, the others wait first come, first served, and each can show its place in the
line while it waits.

    >>> w = Worker(slots=1)
    >>> seen = []
    >>> w.run(sum, [1, 2, 3], on_wait=seen.append), seen    # nobody ahead: position 0 at once
    (6, [0])

Use, from any thread (Streamlit runs each session's script in its own thread):

    run_queued(fn, *args, on_wait=callback, **kwargs)   fn(*args, **kwargs) in a slot of the process's worker
    with default_worker().slot(on_wait=callback): ...   the same for a block of code

``on_wait(position)`` is called in the caller's own thread (so a page may update its widgets from
it), outside the worker's lock, each time the caller's position changes: 1 = next in line, 2 = one
job waits ahead of it ... and finally 0 = "your turn", just before the job starts (also when there
was no wait). If it raises, the caller leaves the line and the exception goes on; the same for
``timeout`` (TimeoutError). A slot is given back when the job ends, by an exception too.

Waiting uses a ``threading.Condition``: a waiting thread sleeps until a slot is given back or the
line moves, and uses no CPU meanwhile. Order: strictly first in, first out (a ticket number per
call; only the head of the line may take a free slot). A thread that already holds a slot and asks
for another (a queued job calling a queued job) runs at once in the slot it holds: waiting for
itself would deadlock a 1-slot worker.

Scope, stated: one worker per process, shared by every session of that Streamlit server (the point:
they share its cores). No Streamlit import here: the page passes a callback that draws.
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tf_core import limits


@dataclass(frozen=True)
class Ticket:
    """One job's place: its number (the order it arrived in) and how long it waited for its slot."""

    number: int
    waited_seconds: float


class Worker:
    """``slots`` jobs at a time; the rest wait in FIFO order. Thread-safe."""

    def __init__(self, slots: int = limits.WORKER_SLOTS):
        if isinstance(slots, bool) or not isinstance(slots, int) or slots < 1:
            raise ValueError(f"slots must be a positive integer, got {slots!r}")
        self.slots = slots
        self._cond = threading.Condition()
        self._line: deque[int] = deque()  # ticket numbers waiting, first in line on the left
        self._running = 0
        self._numbers = itertools.count()
        self._held = threading.local()  # slots this thread holds (nested calls run in them)

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
    def slot(self, on_wait: Callable[[int], Any] | None = None, timeout: float | None = None) -> Iterator[Ticket]:
        """Wait in line for a slot, hold it for the ``with`` block, give it back however the block ends."""
        if getattr(self._held, "count", 0):  # this thread is inside a slot already: nest in it
            if on_wait is not None:
                on_wait(0)
            self._held.count += 1
            try:
                yield Ticket(number=-1, waited_seconds=0.0)
            finally:
                self._held.count -= 1
            return
        ticket = self._acquire(on_wait, timeout)
        self._held.count = 1
        try:
            yield ticket
        finally:
            self._held.count = 0
            with self._cond:
                self._running -= 1
                self._cond.notify_all()  # the head of the line may start; the others move up

    def _acquire(self, on_wait: Callable[[int], Any] | None, timeout: float | None) -> Ticket:
        start = time.monotonic()
        deadline = None if timeout is None else start + timeout
        with self._cond:
            number = next(self._numbers)
            self._line.append(number)
        reported = None
        try:
            while True:
                with self._cond:
                    while True:
                        position = self._position(number)
                        if position == 0:
                            self._line.popleft()  # it is the head: the only one that may start
                            self._running += 1
                            self._cond.notify_all()  # a second free slot may now go to the new head
                            break
                        if position != reported and on_wait is not None:
                            break  # tell the caller, outside the lock
                        left = None if deadline is None else deadline - time.monotonic()
                        if left is not None and left <= 0:
                            raise TimeoutError(f"waited {timeout} s in line (position {position})")
                        self._cond.wait(left)
                if position == 0:
                    break
                on_wait(position)
                reported = position
        except BaseException:
            with self._cond:
                if number in self._line:  # still waiting: leave the line (a TimeoutError, a callback's error)
                    self._line.remove(number)
                    self._cond.notify_all()  # the ones behind move up
            raise
        try:
            if on_wait is not None:
                on_wait(0)
        except BaseException:
            with self._cond:  # the slot was taken: give it back before passing the error on
                self._running -= 1
                self._cond.notify_all()
            raise
        return Ticket(number=number, waited_seconds=time.monotonic() - start)

    def run(self, fn: Callable[..., Any], *args: Any, on_wait: Callable[[int], Any] | None = None,
            timeout: float | None = None, **kwargs: Any) -> Any:
        """fn(*args, **kwargs) in a slot, after waiting in line; its result, or its exception."""
        with self.slot(on_wait=on_wait, timeout=timeout):
            return fn(*args, **kwargs)


_default: Worker | None = None
_default_lock = threading.Lock()


def default_worker() -> Worker:
    """The process's worker (``limits.WORKER_SLOTS`` slots), made on first use. Process-wide on
    purpose: every session of the server shares its cores, so they must share one line."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Worker(limits.WORKER_SLOTS)
        return _default


def run_queued(fn: Callable[..., Any], *args: Any, on_wait: Callable[[int], Any] | None = None,
               timeout: float | None = None, **kwargs: Any) -> Any:
    """fn(*args, **kwargs) through the process's worker (see the module docstring)."""
    return default_worker().run(fn, *args, on_wait=on_wait, timeout=timeout, **kwargs)
