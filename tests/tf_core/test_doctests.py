"""The worked examples in tf_core's docstrings run and give what they say."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import tf_core

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(tf_core.__path__, prefix="tf_core.") if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples failed in {name}"
