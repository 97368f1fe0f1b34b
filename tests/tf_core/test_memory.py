"""tf_core.memory.peak_bytes against allocations whose size is known, and what it finds about attention.

Figures measured on torch 2.13.0+cpu, 2-core machine, float32, one head of d_k = 64 (the CPU tests run
on one thread: the fused kernel's scratch tiles are per thread, so its peak grows with the thread count):

    n                          256      512     1024     2048     4096
    explicit (bytes / 4n²)     2.25     2.12     2.06     2.03     2.02   scores and weights held at once, + output
    SDPA     (bytes / 4n²)     0.57     0.27     0.20     0.07     0.02   never an n × n matrix

The explicit path's peak is exactly 8n² + 4·n·d_v bytes (the scaled scores, the weights, the output).
PyTorch's SDPA on the CPU takes its flash kernel (aten._scaled_dot_product_flash_attention_for_cpu),
whose memory is the output, the log-sum-exp and fixed tiles; the tiles' size changes with n up to
~768 tokens (from 512 to 768 its peak grows 2.8x, from 1024 to 2048 1.31x), so the linear growth is
asserted only from 1024 on.
"""
from __future__ import annotations

import threading

import pytest
import torch
import torch.nn.functional as F

from tf_core.attention import scaled_dot_product_attention
from tf_core.device import fixed_threads
from tf_core.memory import PeakMemory, peak_bytes

CPU = torch.device("cpu")
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(),
                                reason="needs a CUDA device (scripts/gpu_check.sh runs it)")


def qkv(n: int, device=CPU, d_k: int = 64) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(n)
    return [torch.randn(1, 1, n, d_k, generator=g).to(device) for _ in range(3)]  # (B, H, T, Dk)


def explicit(q, k, v):
    return scaled_dot_product_attention(q, k, v).output  # keeps the (B, H, T, T) weights


def fused(q, k, v):
    return F.scaled_dot_product_attention(q, k, v)


# --------------------------------------------------------------------------- known allocations


@pytest.mark.parametrize("n", [1, 7, 97, 1000])
def test_one_n_by_n_float32_tensor(n):
    peak = peak_bytes(lambda: torch.zeros(n, n), CPU)
    assert isinstance(peak, PeakMemory) and peak.device == CPU and peak.method == "profiler"
    assert 4 * n * n <= peak.bytes <= 4 * n * n + 64  # the allocator reports the bytes asked for


def test_a_temporary_inside_one_expression_counts():
    # ones (4n²) and its doubled copy (4n²) exist together for a moment, then both go: a net sum
    # (FunctionEvent.cpu_memory_usage) would read ~0, the peak is 8n²
    n = 500
    assert 8 * n * n <= peak_bytes(lambda: torch.ones(n, n).mul(2).sum(), CPU).bytes <= 8 * n * n + 64


def test_a_free_of_an_older_tensor_is_not_seen_on_the_cpu():
    # the profiler has no size for a block allocated before it started (it warns "Memory block of
    # unknown size"), so freeing one does not lower the count: the CPU peak is that of the call's own
    # allocations, 4 x 100² here (CUDA's statistic would credit the free and read 0)
    box = [torch.empty(300, 300)]

    def swap():
        box.clear()
        return torch.empty(100, 100)

    assert peak_bytes(swap, CPU).bytes == 4 * 100 * 100


def test_calls_from_several_threads_take_turns():
    # two profilers at once crashed the process (torch 2.13); each thread must get its own exact peak
    sizes, got = (100, 200, 300, 400), {}

    def measure(n):
        got[n] = [peak_bytes(lambda: torch.zeros(n, n), CPU).bytes for _ in range(3)]

    threads = [threading.Thread(target=measure, args=(n,)) for n in sizes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == {n: [4 * n * n] * 3 for n in sizes}


def test_an_unsupported_device_raises():
    with pytest.raises(ValueError, match="cuda and cpu"):
        peak_bytes(lambda: None, "meta")


# --------------------------------------------------------------------------- attention on the CPU


def test_explicit_attention_is_quadratic():
    with fixed_threads(1):
        small, large = (peak_bytes(lambda: explicit(*qkv(n)), CPU).bytes for n in (512, 1024))
    assert large >= 4 * 1024 * 1024  # at least the (1, 1, n, n) float32 weights
    assert 3.5 < large / small <= 4.0  # 4 x, less the output's linear share (measured 3.88)


def test_cpu_sdpa_grows_slower_and_never_holds_the_weights():
    n = 2048
    with fixed_threads(1):
        tensors = {m: qkv(m) for m in (n // 2, n)}
        sdpa = {m: peak_bytes(lambda: fused(*tensors[m]), CPU).bytes for m in (n // 2, n)}
        full = peak_bytes(lambda: explicit(*tensors[n]), CPU).bytes
    assert sdpa[n] / sdpa[n // 2] < 2.0  # linear in n past the tile-size changes (measured 1.31)
    assert sdpa[n] < 4 * n * n / 4  # under a quarter of one n × n matrix (measured 0.07 of it)
    assert full / sdpa[n] > 10  # measured 30 x


# --------------------------------------------------------------------------- CUDA


@needs_cuda
@pytest.mark.parametrize("n", [7, 1000, 4096])
def test_cuda_one_n_by_n_float32_tensor(n):
    peak = peak_bytes(lambda: torch.zeros(n, n, device="cuda"), "cuda")
    assert peak.method == "cuda.max_memory_allocated"
    assert 4 * n * n <= peak.bytes <= 4 * n * n + 512  # the caching allocator rounds blocks up to 512 bytes


@needs_cuda
def test_cuda_explicit_is_quadratic_and_sdpa_is_not():
    cuda = torch.device("cuda")
    peaks = {}
    for n in (2048, 4096):
        tensors = qkv(n, cuda)
        for name, fn in (("explicit", explicit), ("sdpa", fused)):
            fn(*tensors)  # once first: a first call's one-time allocations (cuBLAS workspace) are not the point
            peaks[name, n] = peak_bytes(lambda: fn(*tensors), cuda).bytes
    assert 3.5 < peaks["explicit", 4096] / peaks["explicit", 2048] <= 4.1
    assert peaks["sdpa", 4096] / peaks["sdpa", 2048] < 3.0
    assert peaks["sdpa", 4096] < 4 * 4096 * 4096 / 4
