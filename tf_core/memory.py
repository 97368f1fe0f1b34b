"""Peak memory of one call, measured, not estimated: the most bytes its tensors held at once.

On CUDA the caching allocator keeps the statistic itself: ``torch.cuda.reset_peak_memory_stats``,
then ``max_memory_allocated`` after the call minus ``memory_allocated`` before it: the peak above
the start. It counts tensor blocks (rounded up to 512 bytes), not the cache the allocator reserves;
it is process-wide, so a tensor another thread allocates meanwhile counts too; and a first call's
one-time allocations (cuBLAS's workspace) count in it: call ``fn`` once before measuring for the
steady state.

The CPU has no such statistic, so the profiler records every allocation and free:
``torch.autograd.profiler.profile(use_cpu=True, profile_memory=True)``, whose result
(``prof.kineto_results.events()``, torch 2.13) holds one event named ``"[memory]"`` per allocation
(``nbytes() > 0``) or free (``nbytes() < 0``) with its time ``start_ns()`` and ``device_type()``.
Sorted by time, their running sum is the bytes the call holds; its maximum is the peak. These
accessors are not documented: they are what torch's own profiler.py reads to fill each op's
``FunctionEvent.cpu_memory_usage``, and that public figure is an op's net sum (a temporary an op
allocates and frees reads 0, so a peak inside an op is lost). Caveats, measured on torch 2.13:

- Only what goes through c10's CPU allocator is seen: tensor storages. Not NumPy arrays, not the
  buffers a BLAS or oneDNN allocates with its own malloc, not Python objects.
- A free of a tensor allocated before the profile started is not reported (the profiler warns once,
  "Memory block of unknown size was allocated before the profiling started"), so it does not lower
  the count: on the CPU the peak is that of the call's own allocations, while CUDA's statistic credits
  such a free. The two agree whenever ``fn`` frees nothing it did not allocate (a caller holding the
  inputs, as usual).
- The profiler follows the calling thread: a tensor allocated by a Python thread that ``fn`` starts is
  not seen, nor is another session's work at the same time (in the ops tried at 2 threads, sort,
  unique, cdist, SDPA, every allocation was made by the calling thread).
- Two profilers at once crashed the process (a segfault, two threads each profiling), so calls here
  take turns behind one lock. The first profile run outside the main thread (Streamlit's script
  threads) prints one harmless "ERROR: External init callback must run in same thread" line.
- Kineto prints two "USDT ... profiler_start/stop" lines to stderr on every use; the environment
  variable ``KINETO_LOG_LEVEL=6``, set before the first profile, silences them (scripts/cost.py sets it).
- ``torch.profiler.profile`` (the newer wrapper) imports torch._inductor and torch._dynamo on its
  first use (~2.5 s on the 2-core machine); ``torch.autograd.profiler.profile`` starts in ~2 ms.

Other devices (MPS) raise ``ValueError``: not measured here.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import torch

from tf_core.device import get_device, synchronize

MEMORY_EVENT = "[memory]"  # the profiler's name for an allocation or free event (torch.autograd.profiler_util)
_TURNS = threading.Lock()  # one measurement at a time: the profiler and the CUDA peak statistic are process-wide


@dataclass(frozen=True)
class PeakMemory:
    """The most bytes ``fn``'s tensors held at once (the caveats: the module docstring)."""

    bytes: int  # CUDA: above the start; CPU: of the call's own allocations (0 if it allocated nothing)
    device: torch.device  # where they were counted
    method: str  # "cuda.max_memory_allocated" or "profiler": how, for a page to say

    @property
    def mib(self) -> float:
        return self.bytes / 2**20


def peak_bytes(fn: Callable[[], object], device: torch.device | str | None = None) -> PeakMemory:
    """Run ``fn()`` once and return its peak memory on ``device`` (default: the process's device).

    Only allocations on that device count: a CUDA call's host tensors are not in its CUDA peak,
    and vice versa. ``fn``'s result is dropped before the measurement ends, so the peak includes it.
    """
    device = torch.device(device) if device is not None else get_device()
    with _TURNS:
        if device.type == "cuda":
            return _cuda_peak(fn, device)
        if device.type == "cpu":
            return _cpu_peak(fn, device)
    raise ValueError(f"peak memory is measured on cuda and cpu only, not {device.type!r}")


def _cuda_peak(fn: Callable[[], object], device: torch.device) -> PeakMemory:
    synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    start = torch.cuda.memory_allocated(device)
    fn()
    synchronize(device)
    peak = torch.cuda.max_memory_allocated(device) - start
    return PeakMemory(max(0, peak), device, "cuda.max_memory_allocated")


def _cpu_peak(fn: Callable[[], object], device: torch.device) -> PeakMemory:
    from torch.autograd import DeviceType
    from torch.autograd.profiler import profile

    host = (DeviceType.CPU, DeviceType.MKLDNN, DeviceType.IDEEP)  # as torch's profiler.py sums CPU memory
    with profile(use_cpu=True, profile_memory=True) as prof:
        fn()
    events = [e for e in prof.kineto_results.events() if e.name() == MEMORY_EVENT and e.device_type() in host]
    held = peak = 0
    for event in sorted(events, key=lambda e: e.start_ns()):  # stable: events of one time keep their order
        held += event.nbytes()  # frees of tensors older than the profile never appear
        peak = max(peak, held)
    return PeakMemory(peak, device, "profiler")
