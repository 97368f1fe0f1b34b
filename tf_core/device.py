"""Which device this process computes on, and timing that is honest on a GPU.

One device per process: the cached models are shared by every user of the app, so they must all
live in one place. ``TF_CORE_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``, ``mps``) overrides the choice.
"""
from __future__ import annotations

import functools
import os
import statistics
import time
from dataclasses import dataclass
from typing import Callable

import torch

ENV_VAR = "TF_CORE_DEVICE"


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


def describe(device: torch.device | None = None) -> str:
    """A short human label: ``"cpu (2 threads)"``, ``"cuda: NVIDIA H100"``."""
    device = device or get_device()
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads)"
    return device.type


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
) -> Timing:
    """Time ``fn()`` ``repeats`` times, synchronising the device before and after each call."""
    if repeats < 1:
        raise ValueError("repeats must be >= 1")
    device = device or get_device()
    for _ in range(warmup):
        fn()
    synchronize(device)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        synchronize(device)
        samples.append(time.perf_counter() - start)
    return Timing(tuple(samples))
