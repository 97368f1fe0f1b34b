"""The worked examples in tf_core's docstrings run and give what they say.

EXAMPLES lists the modules that have examples; each must have at least one (a module listed
without any would pass vacuously), and a module of tf_core that gains an example must be listed
here, so that no example goes unrun.
"""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import tf_core

EXAMPLES = (
    "tf_core",
    "tf_core.bpe",
    "tf_core.cache",
    "tf_core.device",
    "tf_core.dropout",
    "tf_core.flops",
    "tf_core.lab.batch_lengths",
    "tf_core.lab.block_cost",
    "tf_core.lab.complexity",
    "tf_core.lab.decoder_prompt",
    "tf_core.lab.dot_vs_additive",
    "tf_core.lab.encoder",
    "tf_core.lab.multi_head",
    "tf_core.lab.padding_mask",
    "tf_core.lab.pretrained_vectors",
    "tf_core.lab.scaling",
    "tf_core.lab.variants",
    "tf_core.live_training",
    "tf_core.masks",
    "tf_core.models.smollm2",
    "tf_core.models.vocab",
    "tf_core.numbers",
    "tf_core.readable",
    "tf_core.tasks",
    "tf_core.train",
    "tf_core.worker",
)


def examples(name: str) -> int:
    """How many examples the docstrings of module ``name`` hold (its functions' and classes' included)."""
    module = importlib.import_module(name)
    return sum(len(test.examples) for test in doctest.DocTestFinder().find(module))


@pytest.mark.parametrize("name", EXAMPLES)
def test_docstring_examples(name):
    assert examples(name) > 0, f"{name} is listed in EXAMPLES but has no docstring example"
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples failed in {name}"


def test_every_module_with_examples_is_listed():
    names = ["tf_core", *(m.name for m in pkgutil.walk_packages(tf_core.__path__, prefix="tf_core.")
                          if not m.name.endswith("__main__"))]
    with_examples = {name for name in names if examples(name)}
    assert with_examples == set(EXAMPLES), (
        f"unlisted: {sorted(with_examples - set(EXAMPLES))}, without examples: {sorted(set(EXAMPLES) - with_examples)}")
