"""Tests for tf_core.device and for the lazy imports of the tf_core package."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

import tf_core
from tf_core import device as dev

REPO_ROOT = Path(__file__).resolve().parents[2]
HAS_CUDA = torch.cuda.is_available()
HAS_MPS = torch.backends.mps.is_available()


@pytest.fixture
def fresh_get_device():
    """get_device() is cached for the process: clear it around the test."""
    dev.get_device.cache_clear()
    yield dev.get_device
    dev.get_device.cache_clear()


# --------------------------------------------------------------------------- pick_device


def test_pick_device_override_cpu(monkeypatch):
    monkeypatch.setenv(dev.ENV_VAR, "cuda:7")  # the override wins over the environment
    assert dev.pick_device("cpu") == torch.device("cpu")


@pytest.mark.parametrize("value", ["cpu", " cpu ", "cpu\n"])
def test_pick_device_from_env(monkeypatch, value):
    monkeypatch.setenv("TF_CORE_DEVICE", value)
    assert dev.ENV_VAR == "TF_CORE_DEVICE"
    assert dev.pick_device() == torch.device("cpu")


def test_pick_device_auto(monkeypatch):
    monkeypatch.delenv(dev.ENV_VAR, raising=False)
    expected = "cuda" if HAS_CUDA else "mps" if HAS_MPS else "cpu"
    assert dev.pick_device().type == expected
    monkeypatch.setenv(dev.ENV_VAR, "   ")  # blank means "not set"
    assert dev.pick_device().type == expected


@pytest.mark.skipif(HAS_CUDA, reason="CUDA is available here")
@pytest.mark.parametrize("name", ["cuda", "cuda:1"])
def test_pick_device_cuda_unavailable_raises(monkeypatch, name):
    monkeypatch.delenv(dev.ENV_VAR, raising=False)
    with pytest.raises(ValueError, match="CUDA is not available"):
        dev.pick_device(name)
    monkeypatch.setenv(dev.ENV_VAR, name)
    with pytest.raises(ValueError, match="CUDA is not available"):
        dev.pick_device()


@pytest.mark.skipif(HAS_MPS, reason="MPS is available here")
def test_pick_device_mps_unavailable_raises():
    with pytest.raises(ValueError, match="MPS is not available"):
        dev.pick_device("mps")


def test_pick_device_malformed_name_raises():
    with pytest.raises(RuntimeError):
        dev.pick_device("not-a-device")


def test_get_device_returns_torch_device(fresh_get_device, monkeypatch):
    monkeypatch.setenv(dev.ENV_VAR, "cpu")
    d = fresh_get_device()
    assert isinstance(d, torch.device)
    assert d == torch.device("cpu")
    assert fresh_get_device() is d  # decided once per process


# --------------------------------------------------------------------------- describe


def test_describe_cpu():
    info = dev.describe(torch.device("cpu"))
    assert (info.type, info.name, info.threads) == ("cpu", "", torch.get_num_threads())


def test_describe_default_uses_get_device(fresh_get_device, monkeypatch):
    monkeypatch.setenv(dev.ENV_VAR, "cpu")
    assert dev.describe().type == "cpu"


# --------------------------------------------------------------------------- threads


@pytest.fixture
def torch_threads():
    """Put torch's thread count back after a test that changes it."""
    before = torch.get_num_threads()
    dev.configure_threads.cache_clear()
    yield
    dev.configure_threads.cache_clear()
    torch.set_num_threads(before)


@pytest.mark.parametrize("cores, expected", [(1, 1), (2, 1), (3, 1), (4, 2), (6, 3), (8, 4), (128, 4)])
def test_interactive_threads_half_the_cores_within_bounds(cores, expected):
    assert dev.interactive_threads(cores) == expected


def test_configure_threads_uses_the_interactive_count(torch_threads, monkeypatch):
    monkeypatch.delenv(dev.THREADS_ENV, raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    n = dev.configure_threads()
    assert n == dev.interactive_threads() == torch.get_num_threads()
    seen = []  # Streamlit runs each script in a new thread: it must see the count too
    worker = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
    worker.start()
    worker.join()
    assert seen == [n]


@pytest.mark.parametrize("env", [dev.THREADS_ENV, "OMP_NUM_THREADS"])
def test_configure_threads_honours_the_user(torch_threads, monkeypatch, env):
    monkeypatch.delenv(dev.THREADS_ENV, raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setenv(env, "3")
    assert dev.configure_threads() == 3 == torch.get_num_threads()


@pytest.mark.parametrize("raw", ["", "0", "-2", "two"])
def test_configure_threads_ignores_a_malformed_setting(torch_threads, monkeypatch, raw):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setenv(dev.THREADS_ENV, raw)
    assert dev.configure_threads() == dev.interactive_threads()


def test_a_queued_job_runs_on_the_process_count_and_changes_nothing(torch_threads, monkeypatch):
    """torch.set_num_threads is process-wide: a job that raised it would raise it for every other learner's
    request started meanwhile (a new thread reads the global count), so a job keeps the one count."""
    monkeypatch.delenv(dev.THREADS_ENV, raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    seen = {}
    with dev.job_threads() as n:
        other = threading.Thread(target=lambda: seen.setdefault("other", torch.get_num_threads()))
        other.start()
        other.join(5)
        assert n == dev.interactive_threads() == torch.get_num_threads() == seen["other"]
    assert torch.get_num_threads() == n
    info = dev.describe(torch.device("cpu"))
    assert info.threads == info.job_threads == n


def test_fixed_threads_changes_nothing_when_the_count_is_already_in_force(torch_threads):
    torch.set_num_threads(1)
    with dev.fixed_threads(1) as n:
        assert n == torch.get_num_threads() == 1
    torch.set_num_threads(2)
    with dev.fixed_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2  # put back
    with pytest.raises(ValueError):
        with dev.fixed_threads(0):
            pass


# --------------------------------------------------------------------------- timing


@pytest.mark.parametrize("repeats,warmup", [(1, 0), (7, 2), (20, 1)])
def test_time_call_samples(repeats, warmup):
    calls = []
    timing = dev.time_call(lambda: calls.append(1), device=torch.device("cpu"), repeats=repeats, warmup=warmup)
    assert len(calls) == warmup + repeats
    assert len(timing.samples) == repeats
    assert all(isinstance(s, float) and s >= 0 for s in timing.samples)
    assert min(timing.samples) <= timing.median <= max(timing.samples)
    assert timing.p95 in timing.samples
    assert timing.median <= timing.p95 <= max(timing.samples)


def test_time_call_measures_the_call():
    import time

    timing = dev.time_call(lambda: time.sleep(0.002), device=torch.device("cpu"), repeats=3, warmup=0)
    assert min(timing.samples) >= 0.002


@pytest.mark.parametrize("repeats", [0, -1])
def test_time_call_rejects_no_repeats(repeats):
    with pytest.raises(ValueError, match="repeats"):
        dev.time_call(lambda: None, device=torch.device("cpu"), repeats=repeats)


@pytest.mark.parametrize("n", [1, 2, 7, 20, 97])
def test_timing_median_and_p95_match_references(n):
    samples = tuple(np.random.default_rng(n).exponential(size=n).tolist())
    t = dev.Timing(samples)
    assert t.median == statistics.median(samples)
    # p95 is the order statistic nearest to the 95% position (NumPy's "nearest" method)
    assert t.p95 == float(np.percentile(samples, 95, method="nearest"))


def test_timing_known_values():
    t = dev.Timing(tuple(float(i) for i in range(20, 0, -1)))  # 20..1, unsorted on purpose
    assert t.median == 10.5
    assert t.p95 == 19.0


# --------------------------------------------------------------------------- lazy package imports


def _run_python(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_import_tf_core_does_not_import_torch():
    proc = _run_python(
        "import sys, tf_core, tf_core.limits\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "assert 'numpy' not in sys.modules, 'numpy was imported'\n"
        "assert tf_core.limits is sys.modules['tf_core.limits']\n"
        "assert 'torch' not in sys.modules\n"
    )
    assert proc.returncode == 0, proc.stderr


def test_attribute_access_imports_lazily():
    proc = _run_python(
        "import sys, tf_core\n"
        "assert 'tf_core.attention' not in sys.modules\n"
        "f = tf_core.scaled_dot_product_attention\n"
        "assert 'tf_core.attention' in sys.modules and 'torch' in sys.modules\n"
        "assert f is sys.modules['tf_core.attention'].scaled_dot_product_attention\n"
    )
    assert proc.returncode == 0, proc.stderr


def test_lazy_names_resolve_to_their_modules():
    from tf_core import attention, limits, masks

    assert tf_core.scaled_dot_product_attention is attention.scaled_dot_product_attention
    assert tf_core.multi_head_attention is attention.multi_head_attention
    assert tf_core.causal_mask is masks.causal_mask
    assert tf_core.get_device is dev.get_device
    assert tf_core.limits is limits
    for name in tf_core.__all__:
        assert getattr(tf_core, name) is not None, name


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        tf_core.nope  # noqa: B018
    assert not hasattr(tf_core, "also_not_there")


# --------------------------------------------------------------------------- clip_spikes


def test_clip_spikes_clips_a_spike_to_its_neighbours_bound():
    steps = np.array([0.030, 0.031, 0.029, 1.400, 0.030, 0.032, 0.031])  # one 1.4 s stall among ~30 ms steps
    c = dev.clip_spikes(steps)
    bound = dev.SPIKE_FACTOR * statistics.median([0.030, 0.031, 0.029, 0.030, 0.032, 0.031])
    assert c.count == 1 and c.clipped.tolist() == [False, False, False, True, False, False, False]
    assert c.seconds[3] == pytest.approx(bound) and c.measured[3] == 1.4  # the time as timed is kept
    np.testing.assert_array_equal(np.delete(c.seconds, 3), np.delete(steps, 3))
    # a rate from the clipped sum: ~2.2x the rate from the raw sum, which the one stall would decide
    assert len(steps) / c.seconds.sum() == pytest.approx(len(steps) / (steps.sum() - 1.4 + bound))
    assert len(steps) / c.seconds.sum() > 2 * len(steps) / steps.sum()


def test_clip_spikes_leaves_smooth_and_growing_series_alone():
    growing = np.linspace(0.01, 0.5, 40)  # uncached decoding: each step longer than the last
    assert dev.clip_spikes(growing).count == 0
    np.testing.assert_array_equal(dev.clip_spikes(growing).seconds, growing)
    # just under the bound stays, just over is clipped; the neighbours are at most SPIKE_NEIGHBOURS a side
    under = dev.clip_spikes([1.0, 1.0, 1.0, 2.99, 1.0, 1.0, 1.0])
    over = dev.clip_spikes([1.0, 1.0, 1.0, 3.01, 1.0, 1.0, 1.0])
    assert under.count == 0 and over.count == 1 and over.seconds[3] == 3.0
    far = dev.clip_spikes([100.0] + [1.0] * 4 + [4.0])  # step 5's neighbours: steps 2-4 (all 1.0), not step 0
    assert far.clipped.tolist() == [True, False, False, False, False, True]
    assert dev.clip_spikes([5.0]).count == 0 and dev.clip_spikes([]).count == 0  # nothing to compare with
    two = dev.clip_spikes([1.0, 1.0, 1.0, 9.0, 9.5, 1.0, 1.0, 1.0])  # two stalls side by side: both clipped
    assert two.count == 2
