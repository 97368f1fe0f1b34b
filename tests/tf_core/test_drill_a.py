"""Drill quantities of group a (tf_core/drill/lessons_a.py) with their strings (ui/strings/drill_a.py): each
computed once on the real models, in its range, quoted by its strings with placeholders it fills, its
settings named as the lesson's URL names them, and its number checked against a source of its own (a
formula, a FLOP counter, the model or its tokenizer run directly).

Measured on the 2-core CPU, models loaded and warm: tokenization ~0.9 s (loading e5's tokenizer),
dot-vs-additive ~0.6 s (three timed rounds), causal-mask ~0.6 s, the others 0.2 s or less; SmolLM2 loads in
~2.5 s. The whole file runs in about 10 s."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from drill_checks import check_strings, check_value_facts_and_settings, measure_all

from tf_core import limits
from tf_core.drill import lessons_a
from tf_core.drill.models import local

ROOT = Path(__file__).resolve().parents[2]
QUANTITIES = {q.qid: q for q in lessons_a.QUANTITIES}
# Where each lesson's URL parameters are declared (a quoted name there, or one of the shared controls').
PAGES = {"tokenization": ["app_pages/tokens.py"], "pretrained-vectors": ["app_pages/tokens.py"],
         "qk-separate": ["app_pages/attention.py"], "multi-head": ["app_pages/attention.py"],
         "dot-vs-additive": ["app_pages/lessons/dot_vs_additive.py"], "scaling": ["app_pages/scaling.py"],
         "padding-mask": ["app_pages/masks.py"], "batch-lengths": ["app_pages/lessons/batch_lengths.py"],
         "causal-mask": ["app_pages/masks.py"]}


@pytest.fixture(scope="module")
def models():
    return local()


@pytest.fixture(scope="module")
def measured(models):
    return measure_all(QUANTITIES, models)


def test_the_group_covers_its_lessons_in_the_order_of_study():
    assert list(QUANTITIES) == ["tokenization", "pretrained-vectors", "qk-separate", "dot-vs-additive", "scaling",
                                "multi-head", "padding-mask", "batch-lengths", "causal-mask"]


def test_fixed_inputs_are_the_lessons_own_defaults():
    from tf_core.lab import tokenization
    from ui import decoders, encoders

    assert lessons_a.ENCODER_TEXT == encoders.TEXT.default_for("en")
    assert lessons_a.DECODER_PROMPT == decoders.PROMPT.default_for("en")
    assert lessons_a.CJK_WORD == tokenization.CJK_EXAMPLE
    masks = (ROOT / "app_pages/masks.py").read_text(encoding="utf-8")
    assert json.dumps(lessons_a.PADDING_TEXT, ensure_ascii=False) in masks  # the padding lesson's English default


@pytest.mark.parametrize("qid", list(QUANTITIES))
def test_strings_exist_in_both_languages_and_quote_only_facts(qid, measured):
    check_strings(qid, measured[qid])


@pytest.mark.parametrize("qid", list(QUANTITIES))
def test_value_facts_and_settings(qid, measured):
    check_value_facts_and_settings(QUANTITIES[qid], measured[qid], PAGES[qid])


# --- each number against its own source ---------------------------------------------------------------
def test_tokenization_against_the_tokenizers(measured, models):
    from tf_core.models import minilm

    m = measured["tokenization"]
    word = m.facts["word"]
    ids = models.load("smollm2").tokenizer.encode(word, add_special_tokens=False).ids  # the decoder's own copy
    assert m.value == len(ids) and m.facts["bytes"] == len(word.encode("utf-8")) == 9
    assert m.facts["chars"] <= m.value <= m.facts["bytes"]  # between one token a character and one a byte
    pieces = minilm.tokenizer().encode(word, add_special_tokens=False).tokens
    assert (m.facts["n_wordpiece"], m.facts["n_unk"]) == (len(pieces), pieces.count("[UNK]"))
    assert m.settings == {"text": word}


def test_pretrained_vectors_table_share(measured, models):
    m, enc = measured["pretrained-vectors"], models.load("minilm")
    W = enc.model.embeddings.word.weight
    assert (m.facts["V"], m.facts["D"]) == (30_522, 384) == tuple(W.shape)
    assert m.facts["table_params"] == W.numel()
    assert m.facts["model_params"] == sum(p.numel() for p in enc.model.parameters())
    assert m.value == pytest.approx(W.numel() / m.facts["model_params"])


def test_qk_separate_diagonal_rate_from_the_query_projection(measured, models):
    m, enc = measured["qk-separate"], models.load("minilm")
    layer = m.settings["layer"]
    tokens = enc.tokenize(m.settings["text"], limits.ENCODER_TOKENS)
    block = enc.model.blocks[layer]
    with torch.inference_mode():
        x = enc.run(tokens, need_weights=False).hidden_states[layer][0]  # (T, D) the block's input
        H = block.n_heads
        q = block.q(x).double().view(len(tokens), H, -1).transpose(0, 1)  # (H, T, Dh)
        s = q @ q.transpose(-2, -1)  # the shared projection's scores (the scale does not move an argmax)
    rate = (s.argmax(dim=-1) == torch.arange(len(tokens))).double().mean().item()
    assert m.value == pytest.approx(rate)
    assert m.value > m.facts["diag_own"] and m.facts["asym_shared"] < 1e-12 < m.facts["asym_own"]


def test_dot_vs_additive_flops_against_the_counter_and_the_formula(measured):
    from torch.utils.flop_counter import FlopCounterMode

    from tf_core.lab import dot_vs_additive as lab

    m = measured["dot-vs-additive"]
    n, dk, da = m.facts["n"], m.facts["dk"], m.facts["da"]
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(n, dk, generator=g), torch.randn(n, dk, generator=g)
    w1, w2, v = torch.randn(da, dk, generator=g), torch.randn(da, dk, generator=g), torch.randn(da, 1, generator=g)
    counted = {}
    for name, fn in (("dot", lambda: lab.dot_scores(q, k)), ("add", lambda: lab.additive_scores(q, k, w1, w2, v))):
        with FlopCounterMode(display=False) as fc:
            fn()
        counted[name] = fc.get_total_flops()
    assert (m.facts["flops_dot"], m.facts["flops_add"]) == (counted["dot"], counted["add"])
    assert m.value == pytest.approx(1 + 2 * da / n)  # (2 n² d_a + 4 n d_k d_a) / (2 n² d_k) at d_a = d_k
    assert m.facts["naive_ratio"] == pytest.approx((2 * dk + 1) * da / dk)
    assert m.facts["time_ratio"] > 0


def test_scaling_against_the_lab(measured):
    from tf_core.lab import scaling

    m = measured["scaling"]
    assert m.value == scaling.run(dk=m.facts["dk"], n=m.facts["n"], seed=0).at_raw.pmax
    assert m.value > m.facts["pmax_scaled"] > m.facts["uniform"]


def test_multi_head_costs_the_same_as_one_wide_head(measured):
    m = measured["multi-head"]
    T, d = m.facts["tokens"], m.facts["d"]
    assert m.value == 1.0
    assert m.facts["flops_multi"] == m.facts["flops_single"] == 8 * T * d * d + 4 * T * T * d
    assert m.facts["exps_multi"] == m.facts["heads"] * m.facts["exps_single"] == m.facts["heads"] * T * T
    assert 0 < m.facts["dist_mean"] < 1


def test_padding_mask_pad_weight_from_the_encoder(measured, models):
    from tf_core.lab import padding_mask

    m, enc = measured["padding-mask"], models.load("minilm")
    sentences, _ = padding_mask.split_sentences(m.settings["text"])
    toks = [enc.tokenize(s, limits.ENCODER_TOKENS) for s in sentences]
    shortest = min(toks, key=len)
    n, T = len(shortest), max(len(x) for x in toks) + m.settings["extra"]
    ids = torch.full((1, T), enc.model.cfg.pad_token_id, dtype=torch.long)
    ids[0, :n] = torch.tensor(shortest.ids)
    with torch.inference_mode():
        att = torch.stack(enc.model(ids, None).attentions)[:, 0].double()  # (L, H, T, T) no mask
    assert (m.facts["n_real"], m.facts["n_pad"], m.facts["T"]) == (n, T - n, T)
    assert m.value == pytest.approx(att[:, :, :n, n:].sum(-1).mean().item(), abs=1e-6)
    assert m.facts["diff_masked"] < 1e-4 < m.facts["diff_unmasked"]


def test_batch_lengths_padding_from_the_lengths(measured, models):
    from tf_core.lab import batch_lengths

    m, enc = measured["batch-lengths"], models.load("minilm")
    s = m.settings
    sentences = batch_lengths.sample_sentences("en", s["n"], s["seed"])
    lengths = np.array([len(enc.tokenize(x, limits.ENCODER_TOKENS)) for x in sentences])
    order = np.random.default_rng(s["seed"]).permutation(len(lengths))  # random batching: one shuffle, then cut
    batches = [order[i:i + s["bs"]] for i in range(0, len(order), s["bs"])]
    computed = sum(len(b) * lengths[b].max() for b in batches)
    assert m.value == pytest.approx(1 - lengths.sum() / computed)
    assert m.facts["pad_sorted"] <= m.value <= m.facts["pad_fixed"]
    assert m.facts["pad_fixed"] == pytest.approx(1 - lengths.sum() / (len(lengths) * m.facts["fixed_len"]))


def test_causal_mask_earlier_logits_from_the_prefix_alone(measured, models):
    """Positions before p depend on tokens 0..p-1 only: the prefix run alone gives their logits."""
    from tf_core.models import decoder

    m, dec = measured["causal-mask"], models.load("smollm2")
    assert m.value == 0.0 and m.facts["before_causal"] == m.facts["before_fast"] == 0.0
    assert m.facts["before_bidir"] > 1e-3 and m.facts["at_p"] > 0
    p = m.facts["p"]
    ids = torch.tensor([dec.tokenizer.encode(m.settings["prompt"], add_special_tokens=False).ids])
    assert ids.shape[1] == m.facts["T"] and p == m.settings["pos"]
    with torch.inference_mode():
        full = decoder.run(dec.model, ids).logits[0, :p]
        prefix = decoder.run(dec.model, ids[:, :p]).logits[0]
    torch.testing.assert_close(prefix, full, rtol=1e-4, atol=1e-4)
