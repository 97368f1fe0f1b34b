"""A lab's progress: how many of its units of work (forward passes, decoding steps) are done.

A lab that takes seconds knows before it starts how many forward passes it will run; it reports
``on_progress(done, total)`` after each one, and a page draws a bar from that (ui.decoders). The
count lives here, once, next to the work it counts, so a lab that changes what it runs changes its
total in the same place; no page predicts it.

    progress = Progress(total_forwards, on_progress)
    forward = progress.counting(partial(decoder.run, model))   # each call: one unit, reported
    ...
    progress.tick(5)                                            # five units done at once

(tests/tf_core/test_progress.py runs this.)

No Streamlit here: the callback draws, in the caller's thread.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Progress:
    """``total`` units of work, reported as on_progress(done, total) after each (None: not reported)."""

    def __init__(self, total: int, on_progress: Callable[[int, int], None] | None = None):
        if total < 0:
            raise ValueError(f"total must be non-negative, got {total}")
        self.total = total
        self.done = 0
        self._report = on_progress

    def tick(self, n: int = 1) -> None:
        """n more units done."""
        self.done += n
        if self._report is not None:
            self._report(self.done, self.total)

    def counting(self, fn: Callable[P, R]) -> Callable[P, R]:
        """``fn`` that counts one unit after each call: a lab wraps its forward with it."""

        def counted(*args: P.args, **kwargs: P.kwargs) -> R:
            out = fn(*args, **kwargs)
            self.tick()
            return out

        return counted
