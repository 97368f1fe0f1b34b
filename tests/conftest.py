"""Shared test set-up: the repository root on sys.path, and a small thread count for torch."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CORE_DEVICE", "cpu")  # tests run on the CPU; CUDA checks skip themselves
# The app gives light requests fewer torch threads than torch's default (tf_core.device.configure_threads);
# the suite keeps torch's default, so an AppTest run does not slow the tests that follow it.
# Under pytest-xdist (the README's `-n 2`) each worker runs torch on one thread: two workers of two threads
# each on 2 cores make OpenMP's threads wait for each other (tf_core/limits/, TRAIN_THREADS).
if os.environ.get("PYTEST_XDIST_WORKER"):
    import torch

    torch.set_num_threads(1)
    os.environ["TF_CORE_THREADS"] = "1"
elif "TF_CORE_THREADS" not in os.environ:
    import torch

    os.environ["TF_CORE_THREADS"] = str(torch.get_num_threads())


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, through Playwright) for the session, shared by tests/browser and
    tests/deploy: Playwright's sync API runs one instance per thread, so a second ``sync_playwright()``
    in a worker whose session browser is open fails ("Sync API inside the asyncio loop")."""
    browser_dir = str(ROOT / "tests" / "browser")
    if browser_dir not in sys.path:  # importlib import mode: make browser_helpers importable
        sys.path.insert(0, browser_dir)
    import browser_helpers as bh

    bh.require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = bh.launch_chromium(pw)
        try:
            yield b
        finally:
            b.close()
