"""Live training runs on a page (pages norms and layers): the run waits in the process's one line
(tf_core.worker), then shows a progress bar and the loss curves growing step by step, and its result
is kept for the next learner who asks for the same settings.

Why not st.cache_data around the run: a cached function's elements are recorded and replayed on
every cache hit, so a growing chart redrawn tens of times would be sent again on every rerun that
hits the cache. Here the finished results live in one bounded store per process
(:func:`cached_run`; the results are frozen dataclasses of arrays, never mutated, so sessions can
share them) and the live drawing happens outside any cached function, once.

A lab that trains takes ``on_step(run, report)``: ``run`` names which of its runs the
:class:`tf_core.live_training.StepReport` belongs to; the page maps each name to a label.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TypeVar

import numpy as np
import streamlit as st

from ui.charts.shared import loss_curves
from ui.i18n import t

R = TypeVar("R")
RESULTS_KEPT = 256  # finished runs kept per process (each a few kB of curves)
REDRAW_SECONDS = 0.25  # the live chart redraws at most this often (each redraw is a message to the browser)


class _Store:
    """An LRU dict of finished results, shared by every session of the process, thread-safe."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _store() -> _Store:
    return _Store(RESULTS_KEPT)


class Live:
    """The callbacks of one job's runs, drawing into one box: a line while it waits in line, then a
    progress bar over every run's steps and the loss curves so far."""

    def __init__(self, box, lang: str, label: str, names: Mapping[str, str], total_steps: int):
        self.box, self.lang, self.label, self.names, self.total = box, lang, label, dict(names), max(1, total_steps)
        self.losses: dict[str, list[float]] = {}
        self.done = 0
        self._drawn = 0.0

    def wait(self, position: int) -> None:
        """tf_core.worker's on_wait: 1 = next in line ...; 0 = its turn."""
        if position > 0:
            self.box.info(t("dec.waiting", self.lang, position=position), icon=":material/hourglass_top:")
        else:
            self.box.progress(0.0, text=self.label)

    def on_step(self, run: str, report) -> None:
        """A lab's ``on_step(run, StepReport)``: records the loss, redraws at most every REDRAW_SECONDS. Each
        step is also where the job stops if it must (tf_core.worker.checkpoint: replaced, out of time,
        learner gone)."""
        from tf_core.worker import checkpoint

        checkpoint()
        self.losses.setdefault(run, []).append(report.loss)
        self.done += 1
        now = time.monotonic()
        if now - self._drawn >= REDRAW_SECONDS or report.step == report.steps - 1:
            self._drawn = now
            self.draw()

    def draw(self) -> None:
        series = [(self.names.get(run, run), np.asarray(v), None) for run, v in self.losses.items()]
        with self.box.container():
            st.progress(min(1.0, self.done / self.total), text=self.label)
            st.vega_lite_chart(*_chart_args(loss_curves(series, self.lang, height=180)), width="stretch")


def _chart_args(c):
    return c.data, dict(c.spec)


def cached_run(key: tuple, job: Callable[[Live], R], lang: str, label: str, names: Mapping[str, str],
               total_steps: int) -> R:
    """``job(live)``'s result for ``key`` (every input the result depends on): from the process's
    store when some session already ran it, else run now through tf_core.worker, drawn live in a
    box emptied when the job ends, however it ends (an exception goes on to the page)."""
    from ui import jobs

    store = _store()
    hit = store.get(key)
    if hit is not None:
        return hit
    box = st.empty()
    live = Live(box, lang, label, names, total_steps)

    def in_slot() -> R:
        again = store.get(key)  # another session may have run it while this one waited in line
        return again if again is not None else job(live)

    try:
        result = jobs.run(in_slot, lang=lang, on_wait=live.wait)
    finally:
        box.empty()
    store.put(key, result)
    return result


def where(device: str, threads: int, seed: int, seconds: float, runs: int, lang: str) -> str:
    """The line under a lesson's runs: where they trained (a tf_core.live_training.TrainRun's
    ``device`` type), on how many threads, with which seed, how long they took."""
    name = t(f"train.device.{device}", lang) if device in ("cpu", "cuda", "mps") else device
    return t("train.where", lang, device=name, threads=threads, seed=seed, seconds=f"{seconds:.1f}", runs=runs)

