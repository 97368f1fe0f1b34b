"""tf_core.lab.cross_attention: the shipped number translator's cross-attention, for the learner's number."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from tf_core import limits, numbers, train
from tf_core.lab import cross_attention
from tf_core.models import checkpoints, seq2seq, vocab


@pytest.fixture(scope="module")
def trained():
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: a second thread only waits on the shared cores
    yield checkpoints.load_seq2seq()
    torch.set_num_threads(before)


@pytest.mark.parametrize("text", ["20305", "twenty thousand three hundred and five", "二万零三百零五", " 20,305 "])
def test_any_spelling_gives_the_same_result(trained, text):
    r = cross_attention.run(text, trained=trained)
    assert r.number == 20305 and r.reference == "二万零三百零五"
    assert r.words == ("twenty", "thousand", "three", "hundred", "and", "five")
    assert r.output == r.reference and r.correct and r.output_value == 20305
    assert r.tokens == tuple("二万零三百零五") + (vocab.EOS,) and r.ended  # the card's "last step writes <eos>"
    assert not replace(r, tokens=r.tokens[:-1]).ended  # cut at the length limit


def test_shapes_and_maps(trained):
    cfg = trained.model.cfg
    r = cross_attention.run("1005", layer=0, head=None, trained=trained)
    N, S = len(r.tokens), len(r.words)
    assert (r.n_layers, r.n_heads) == (cfg.n_dec_layers, cfg.n_heads)
    assert r.weights.shape == (cfg.n_dec_layers, cfg.n_heads, N, S) and r.weights.dtype == np.float32
    np.testing.assert_allclose(r.weights.sum(-1), 1.0, atol=1e-5)  # every row a distribution over the words
    np.testing.assert_allclose(r.mean_heads, r.weights[0].mean(0), atol=1e-7)
    assert r.map is r.mean_heads and r.layer == 0 and r.head is None
    minus_one = cross_attention.run("1005", layer=0, head=-1, trained=trained)  # limits.XATTN_HEAD's "mean"
    assert minus_one.head is None and np.array_equal(minus_one.map, r.map)
    assert r.probs.shape == (N,) and ((r.probs > 0) & (r.probs <= 1)).all()
    assert len(r.attends_to) == N and list(r.attends_index) == list(r.map.argmax(-1))
    assert all(r.words[i] == w for i, w in zip(r.attends_index, r.attends_to))
    assert [r.tokens[i] for i in r.place_steps] == ["千", "零"]  # 一千零五
    assert cross_attention.run("20305", trained=trained).place_steps == (1, 2, 4, 5)  # 二万零三百零五: 万 零 百 零
    assert cross_attention.run("7", trained=trained).place_steps == ()
    for head in range(cfg.n_heads):
        h = cross_attention.run("1005", layer=-1, head=head, trained=trained)
        assert h.layer == cfg.n_dec_layers - 1 and h.head == head
        np.testing.assert_array_equal(h.map, h.weights[-1, head])
        np.testing.assert_array_equal(h.weights, r.weights)  # the choice of map changes nothing else


def test_weights_are_those_of_the_model(trained):
    """The lab's maps are the model's own cross-attention, computed again here by teacher forcing."""
    r = cross_attention.run("77777", trained=trained)
    src = seq2seq.source_ids(trained.model.cfg, [r.words])
    tgt = torch.tensor([[trained.model.cfg.bos_id] + trained.model.cfg.tgt_vocab.encode(r.tokens[:-1])])
    with torch.no_grad():
        out = trained.model(src, tgt)
    ref = torch.stack([w[0] for w in out.cross_attentions]).numpy()  # (L, H, N, S)
    np.testing.assert_allclose(r.weights, ref, atol=1e-5)


def test_held_out_flag_and_accuracy(trained):
    held = train.held_out_numbers(trained.config)
    inside = cross_attention.run(str(held[0]), trained=trained)
    assert inside.held_out
    outside = next(n for n in range(100) if n not in set(held))
    assert not cross_attention.run(str(outside), trained=trained).held_out
    assert inside.held_out_accuracy == trained.metrics["held_out_exact_match"] >= 0.95
    assert inside.held_out_count == len(held)


def test_edges_of_the_range(trained):
    for n in (limits.NUMBER.lo, limits.NUMBER.hi, 10, 10010):
        r = cross_attention.run(str(n), trained=trained)
        assert r.reference == numbers.to_chinese(n) and r.correct, (n, r.output)
        assert len(r.words) <= limits.NUMBER_WORDS and len(r.tokens) <= limits.NUMBER_CHARS + 1


@pytest.mark.parametrize("text,match", [
    ("", "type a whole number"), ("100000", "outside the range"), ("-3", "outside the range"),
    ("three hundred thousand", "outside the range"), ("banana", "not a number word"), ("3.5", "whole number"),
])
def test_bad_text_raises_a_value_error_to_show(trained, text, match):
    with pytest.raises(ValueError, match=match):
        cross_attention.run(text, trained=trained)


@pytest.mark.parametrize("kw", [{"layer": 2}, {"layer": -3}, {"layer": 1.0}, {"head": 4}, {"head": -2}, {"head": True}])
def test_bad_layer_or_head_raises(trained, kw):
    with pytest.raises(ValueError, match="must be an integer"):
        cross_attention.run("305", trained=trained, **kw)


def test_default_loads_the_shipped_model():
    r = cross_attention.run("305")
    assert r.output == "三百零五" and r.layer == r.n_layers - 1
