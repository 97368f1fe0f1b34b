"""Process-wide tuning of the Streamlit server (no effect on what a page shows).

Streamlit runs ``gc.collect(2)`` after every script run (config ``runner.postScriptGC``). A full
collection walks every container object the process holds: once torch, Plotly and Altair are
imported that is ~280k long-lived objects (module dicts, classes, validators) and ~185 ms on a
2-core CPU, more than the experiment itself, on every widget change. ``gc.freeze()`` moves the
objects alive at that moment into a permanent generation that collections skip, so the per-run
collection then costs ~5 ms; objects created later (each rerun's figures, results) are collected
as before. Measured with ``benchmarks/rerender.py``.
"""
from __future__ import annotations

import gc
import threading

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
