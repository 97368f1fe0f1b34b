"""tf_core.progress: a lab's count of its forward passes, reported after each."""
from __future__ import annotations

import pytest

from tf_core.progress import Progress


def test_counting_and_ticks_report_done_of_total():
    seen = []
    p = Progress(4, lambda done, total: seen.append((done, total)))
    double = p.counting(lambda x, *, k=2: k * x)  # each call is one unit; arguments pass through
    assert (double(1), double(2, k=3)) == (2, 6)
    p.tick(2)
    assert seen == [(1, 4), (2, 4), (4, 4)] and p.done == p.total == 4


def test_no_callback_and_a_bad_total():
    p = Progress(1)
    p.counting(lambda: None)()
    assert p.done == 1
    with pytest.raises(ValueError, match="non-negative"):
        Progress(-1)


def test_a_failed_call_is_not_counted():
    seen = []
    p = Progress(2, lambda done, total: seen.append(done))

    def boom():
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        p.counting(boom)()
    assert seen == [] and p.done == 0
