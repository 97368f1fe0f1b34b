"""Process-wide tuning of the Streamlit server (no effect on what a page shows).

Streamlit runs ``gc.collect(2)`` after every script run (config ``runner.postScriptGC``). A full
collection walks every container object the process holds: once torch, Plotly and Altair are
imported that is ~280k long-lived objects (module dicts, classes, validators) and ~185 ms on a
2-core CPU, more than the experiment itself, on every widget change. ``gc.freeze()`` moves the
objects alive at that moment into a permanent generation that collections skip, so the per-run
collection then costs ~5 ms; objects created later (each rerun's figures, results) are collected
as before. Measured with ``benchmarks/rerender.py``.

glibc's allocator (:func:`start_trimmer`): a lesson's NumPy arrays and torch tensors of a few MiB each come
from glibc's heap once its mmap threshold has risen (it rises to the size of each large block freed, up to
32 MiB), and the holes they leave between longer-lived objects are kept, not returned. One session's 500
distinct reruns of the scaling lesson (``benchmarks/classroom.py --reruns``) grew the server's VmRSS by
74 MB, 4 MB of it in the caches, with swings of 80 MB between samples. Two remedies, measured the same way:
fixing the threshold at 1 MiB (``mallopt``) grew it 9-21 MB but put a page-fault cost on every large
allocation (re-render p50 +15 ms, p95 +40 ms); ``malloc_trim(0)`` every few seconds from a background
thread, which hands every free page of every arena back, grew it 4 MB, all of it cache entries, with the
re-render times unchanged (a trim takes ~2 ms after activity, ~0.02 ms when idle).
"""
from __future__ import annotations

import gc
import threading

from tf_core.libc import malloc_trim

_frozen: set[str] = set()
_lock = threading.Lock()


def freeze_heap(after: str) -> None:
    """Collect once, then freeze what is alive, the first time ``after`` (a name for the set of
    imports just done) is reached in this process; later calls return at once.

    subtle: whatever is garbage but not yet collected at that moment would be kept forever, hence
    the collection first; and freezing only at a few named points bounds what can be pinned.
    """
    if after in _frozen:
        return
    with _lock:
        if after in _frozen:
            return
        gc.collect()
        gc.freeze()
        _frozen.add(after)


_trimmer: list[bool] = []  # [started], once this process has tried
TRIM_SECONDS = 3.0  # how often the server's free heap pages go back to the system (see the module docstring)


_stop_trimming = threading.Event()  # set only by tests


def _trim_forever(trim, seconds: float, stop: threading.Event) -> None:
    while not stop.wait(seconds):
        trim(0)


def start_trimmer(seconds: float = TRIM_SECONDS) -> bool:
    """Start, once per process, a daemon thread that calls glibc's ``malloc_trim(0)`` every ``seconds``;
    False (and no thread) where the C library is not glibc (macOS, musl). Later calls return at once."""
    with _lock:
        if not _trimmer:
            trim = malloc_trim()
            if trim is not None:
                threading.Thread(target=_trim_forever, args=(trim, seconds, _stop_trimming), daemon=True, name="malloc-trim").start()
            _trimmer.append(trim is not None)
        return _trimmer[0]
