"""Which device this process computes on, how many CPU threads it uses, and timing that is honest
on a GPU.

One device per process: the cached models are shared by every user of the app, so they must all
live in one place. ``TF_CORE_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``, ``mps``) overrides the choice.

CPU threads: one count for the whole process, set once (``configure_threads``: half the cores, 1 to 4;
``TF_CORE_THREADS`` or ``OMP_NUM_THREADS`` set by the user wins). A widget change runs a small forward
(tens of ms) while the browser, on a learner's laptop the same machine, redraws the page; with torch's
default (one thread per core) that forward fights the browser for the cores: OpenMP waits for its
slowest thread, so on 2 cores the e5 multi-head forward took ~115 ms in the app instead of ~65 ms with
1 thread (benchmarks/rerender.py, text edits). Queued long jobs (tf_core/worker.py) run on the same
count: ``torch.set_num_threads`` is process-wide (a new thread, and Streamlit runs each rerun in a new
one, takes the global count at its first parallel op), so a job that raised it for itself raised it for
every other learner's request too, and on a shared server the free cores are better spent on the next
request than on one job's speed.
"""
from __future__ import annotations

import contextlib
import functools
import os
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

ENV_VAR = "TF_CORE_DEVICE"
THREADS_ENV = "TF_CORE_THREADS"
MAX_INTERACTIVE_THREADS = 4
SAME_SPEED = 0.05  # a speed ratio within 5% of 1 reads "about as fast": the run-to-run spread on a shared 2-core CPU


def pick_device(override: str | None = None) -> torch.device:
    """Return ``override`` (or ``$TF_CORE_DEVICE``) if set, else cuda, then mps, then cpu.

    An override naming a device this machine lacks raises ``ValueError`` instead of failing later
    inside a kernel.
    """
    name = override if override is not None else os.environ.get(ENV_VAR, "").strip()
    if name:
        device = torch.device(name)  # raises RuntimeError on a malformed name
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"{ENV_VAR}={name!r} but CUDA is not available on this machine")
        if device.type == "mps" and not torch.backends.mps.is_available():
            raise ValueError(f"{ENV_VAR}={name!r} but MPS is not available on this machine")
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


@functools.cache
def get_device() -> torch.device:
    """The process-wide device (decided once, on first use)."""
    return pick_device()


def interactive_threads(cores: int | None = None) -> int:
    """Torch threads for a light request: half of ``cores`` (default: this machine's), 1 to 4.

    >>> [interactive_threads(c) for c in (1, 2, 4, 8, 64)]
    [1, 1, 2, 4, 4]
    """
    cores = cores if cores is not None else (os.cpu_count() or 1)
    return max(1, min(MAX_INTERACTIVE_THREADS, cores // 2))


def _user_threads() -> int | None:
    """The thread count the user asked for (``TF_CORE_THREADS``, else ``OMP_NUM_THREADS``), if any."""
    for name in (THREADS_ENV, "OMP_NUM_THREADS"):
        raw = os.environ.get(name, "").strip()
        if raw.isdigit() and int(raw) > 0:
            return int(raw)
    return None


@functools.cache
def configure_threads() -> int:
    """Set this process's torch threads for light requests, once; returns the count.

    subtle: torch keeps the count in a global that each new thread reads on its first parallel op,
    and Streamlit runs every script in a new thread, so one call here covers every later rerun."""
    n = _user_threads() or interactive_threads()
    torch.set_num_threads(n)
    return n


@contextlib.contextmanager
def job_threads() -> Iterator[int]:
    """For a queued long job: the process's one thread count, unchanged (the module docstring says why
    a job no longer takes every core); yields it, for the page to say what the job ran on."""
    yield configure_threads()


@contextlib.contextmanager
def fixed_threads(n: int) -> Iterator[int]:
    """torch on exactly ``n`` CPU threads inside the block; the caller's count restored after (the
    training CLI and the live training runs: a fixed count, so float sums round the same way).

    Nothing is changed when ``n`` is the count in force: on a 2-core server the process runs 1 thread and
    the runs ask for 1 (limits.TRAIN_THREADS), so a training job leaves other requests' count alone. On a
    larger machine the count is process-wide for the run's duration (fewer threads for others, never
    more); ``TF_CORE_THREADS=1`` makes the two agree there too."""
    if n < 1:
        raise ValueError(f"threads must be positive, got {n}")
    before = torch.get_num_threads()
    if before == n:
        yield n
        return
    torch.set_num_threads(n)
    try:
        yield n
    finally:
        torch.set_num_threads(before)


def cpu_threads() -> tuple[int, int]:
    """(threads a light request runs on now, threads a queued long job gets): the same count since jobs
    no longer change it (the module docstring); both kept, so a page can say each."""
    n = torch.get_num_threads()
    return n, n


@dataclass(frozen=True)
class DeviceInfo:
    """What a result was computed on, as data: a page words it in its own language (ui.text.device_text)."""

    type: str  # "cpu", "cuda" or "mps"
    name: str  # the accelerator's name ("NVIDIA H200"); "" on the CPU
    threads: int  # CPU: torch threads a light request runs on (0 on an accelerator)
    job_threads: int  # CPU: torch threads a queued long job gets (0 on an accelerator)


def describe(device: torch.device | None = None) -> DeviceInfo:
    """The device, and on the CPU the thread counts now in force.

    >>> describe(torch.device("cpu")).type
    'cpu'
    """
    device = device or get_device()
    if device.type == "cpu":
        n, heavy = cpu_threads()
        return DeviceInfo("cpu", "", n, heavy)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else ""
    return DeviceInfo(device.type, name, 0, 0)


def to_numpy(t: torch.Tensor, dtype=None):
    """A tensor as a NumPy array on the host, off the autograd graph (``dtype``: a NumPy dtype to
    cast to, e.g. np.float32 for a half-precision tensor NumPy cannot hold, or np.float64)."""
    a = t.detach().cpu().numpy()
    return a if dtype is None else a.astype(dtype, copy=False)


def synchronize(device: torch.device) -> None:
    """Wait for queued kernels: GPU calls return before the work is done."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of repeated calls (after warm-up)."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_call(
    fn: Callable[[], object],
    device: torch.device | None = None,
    repeats: int = 20,
    warmup: int = 2,
    number: int = 1,
) -> Timing:
    """Time ``fn()`` ``repeats`` times, synchronising the device before and after each sample. A sample is
    ``number`` calls back to back, divided by ``number``: seconds per call. For a call of tens of
    microseconds (attention at n = 16) one call per sample measures the clock, the synchronisation (a
    GPU's is itself ~10 µs) and the scheduler as much as the call; see :func:`calls_per_sample`."""
    if repeats < 1 or number < 1:
        raise ValueError("repeats and number must be >= 1")
    device = device or get_device()
    for _ in range(warmup):
        fn()
    synchronize(device)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        synchronize(device)
        samples.append((time.perf_counter() - start) / number)
    return Timing(tuple(samples))


SAMPLE_FLOPS = 2**24  # a timed sample holds at least ~16.8 MFLOP of counted work: ~1 ms on one core of a 2-core CPU
MAX_CALLS_PER_SAMPLE = 64  # ... in at most this many calls


def calls_per_sample(flops: int, target: int = SAMPLE_FLOPS, cap: int = MAX_CALLS_PER_SAMPLE) -> int:
    """How many calls of ``flops`` counted FLOPs one timed sample makes (``time_call``'s ``number``): enough
    for ``target`` FLOPs, 1 to ``cap``. Short calls are then timed in bursts long enough for the clock
    and the synchronisation not to count, long ones one by one.

        >>> calls_per_sample(2**20), calls_per_sample(2**30), calls_per_sample(1)
        (16, 1, 64)
    """
    return max(1, min(cap, -(-target // max(1, int(flops)))))


def grid_up_to(grid, n: int) -> list[int]:
    """The sizes a cost lesson times for a chosen ``n``: the values of ``grid`` below it, then ``n``.

        >>> grid_up_to((16, 32, 64, 128), 64), grid_up_to((16, 32, 64, 128), 100)
        ([16, 32, 64], [16, 32, 64, 100])
    """
    return [g for g in grid if g < n] + [n]


class SecondsPerSize:
    """Median and spread of a result whose ``seconds`` maps a key to (G, repeats) seconds per call, one
    row per timed size (NaN rows: not timed at that size). Mixed into the cost lessons' results."""

    seconds: dict[str, np.ndarray]

    def median(self, key: str) -> np.ndarray:
        """(G,) median seconds per call (NaN where not timed)."""
        rows = self.seconds[key]
        return np.array([statistics.median(row) if not np.isnan(row[0]) else np.nan for row in rows])

    def spread(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(G,) fastest and slowest of the repeats."""
        return self.seconds[key].min(axis=1), self.seconds[key].max(axis=1)


def speed_change(ratio: float) -> str:
    """A measured speed ratio (new over old, > 1: faster) as a word a page translates: "faster",
    "slower", or "same" within ``SAME_SPEED`` of 1. Timings on a busy machine can invert a real
    speed-up, so a page says which way this run went instead of typing "faster".

        >>> speed_change(1.3), speed_change(0.97), speed_change(0.8)
        ('faster', 'same', 'slower')
    """
    if abs(ratio - 1) < SAME_SPEED:
        return "same"
    return "faster" if ratio > 1 else "slower"


SPIKE_FACTOR = 3  # a timed step slower than this many times the median of its neighbours is a spike ...
SPIKE_NEIGHBOURS = 3  # ... the neighbours: up to this many steps on each side


@dataclass(frozen=True)
class ClippedSteps:
    """Per-step seconds with their spikes clipped (:func:`clip_spikes`)."""

    measured: np.ndarray  # (n,) float64 as timed
    seconds: np.ndarray  # (n,) the same with each spike set to its bound: the times to sum into a rate
    bound: np.ndarray  # (n,) SPIKE_FACTOR x the median of each step's neighbours (inf: a step without any)
    clipped: np.ndarray  # (n,) bool: the steps above their bound

    @property
    def count(self) -> int:
        return int(self.clipped.sum())


def clip_spikes(seconds, factor: float = SPIKE_FACTOR, neighbours: int = SPIKE_NEIGHBOURS) -> ClippedSteps:
    """Clip the spikes of a series of timed steps: a step slower than ``factor`` times the median of its
    neighbours (up to ``neighbours`` steps on each side, the step itself left out, fewer at the ends) is
    set to that bound. On a shared machine one step can take a thousand ms where its neighbours take
    thirty (another program's burst, a page fault): summed into a rate, that one step would decide a
    speed-up. Clipping keeps the step in the sum at the most a step there plausibly took; ``measured``
    keeps what the clock said. A single step has no neighbours and is never clipped.

        >>> c = clip_spikes([10, 11, 100, 10, 12])
        >>> c.seconds.tolist(), c.count
        ([10.0, 11.0, 31.5, 10.0, 12.0], 1)
    """
    measured = np.asarray(seconds, dtype=np.float64).reshape(-1)
    n = len(measured)
    bound = np.full(n, np.inf)
    for i in range(n):
        around = np.concatenate([measured[max(0, i - neighbours):i], measured[i + 1:i + 1 + neighbours]])
        if len(around):
            bound[i] = factor * float(np.median(around))
    clipped = measured > bound
    return ClippedSteps(measured, np.where(clipped, bound, measured), bound, clipped)
