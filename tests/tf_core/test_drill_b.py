"""Drill quantities of group b (tf_core/drill/lessons_b.py) with their strings (ui/strings/drill_b.py): each
computed once on the real models, in its range, quoted by its strings with placeholders it fills, its
settings named as the lesson's URL names them, and its number checked against a source of its own (a
formula, a FLOP counter, PyTorch's own ops, the model run directly).

Measured on the 2-core CPU, models loaded and warm: kv-cache ~2.9 s (16 cached and 16 uncached steps),
residual ~2.5 s (two 80-step runs), parallelism ~1.3 s, block-cost ~0.7 s (one timed round), residual-leak
~0.4 s, complexity ~0.3 s, the others 0.2 s or less; SmolLM2 loads in ~3-4 s."""
from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from drill_checks import check_strings, check_value_facts_and_settings, measure_all

from tf_core import limits
from tf_core.drill import lessons_b
from tf_core.drill.models import local

ROOT = Path(__file__).resolve().parents[2]
QUANTITIES = {q.qid: q for q in lessons_b.QUANTITIES}
# Where each lesson's URL parameters are declared (a quoted name there, or one of the shared controls').
PAGES = {"residual-leak": ["app_pages/masks.py"], "encoder": ["app_pages/architecture.py"],
         "cross-attention": ["app_pages/architecture.py"], "parallelism": ["app_pages/decoding.py"],
         "kv-cache": ["app_pages/decoding.py"], "complexity": ["app_pages/lessons/complexity.py"],
         "block-cost": ["app_pages/lessons/block_cost.py"], "residual": ["app_pages/norms.py"],
         "ln-vs-bn": ["app_pages/norms.py"]}


@pytest.fixture(scope="module")
def models():
    return local()


@pytest.fixture(scope="module")
def measured(models):
    return measure_all(QUANTITIES, models)


def test_the_group_covers_its_lessons_in_the_order_of_study():
    assert list(QUANTITIES) == ["residual-leak", "encoder", "cross-attention", "parallelism", "kv-cache", "complexity",
                                "block-cost", "residual", "ln-vs-bn"]


def test_fixed_inputs_are_the_lessons_own_defaults():
    from ui import decoders, encoders

    assert lessons_b.ENCODER_TEXT == encoders.TEXT.default_for("en")
    assert lessons_b.DECODER_PROMPT == decoders.PROMPT.default_for("en")
    norms = ast.parse((ROOT / "app_pages/norms.py").read_text(encoding="utf-8"))
    text = next(node.value for node in norms.body if isinstance(node, ast.Assign) and node.targets[0].id == "LNBN_TEXT")
    defaults = dict(ast.literal_eval(next(k.value for k in text.keywords if k.arg == "defaults")))
    assert lessons_b.LNBN_TEXT == defaults["en"]  # the ln-vs-bn lesson's English sentences
    architecture = (ROOT / "app_pages/architecture.py").read_text(encoding="utf-8")
    assert f'("zh", "{lessons_b.XATTN_NUMBER}")' in architecture


@pytest.mark.parametrize("qid", list(QUANTITIES))
def test_strings_exist_in_both_languages_and_quote_only_facts(qid, measured):
    check_strings(qid, measured[qid])


@pytest.mark.parametrize("qid", list(QUANTITIES))
def test_value_facts_and_settings(qid, measured):
    check_value_facts_and_settings(QUANTITIES[qid], measured[qid], PAGES[qid])


# --- each number against its own source ---------------------------------------------------------------
def test_residual_leak_earlier_positions_from_the_prefix_alone(measured, models):
    """Every block's output at the positions before p is what the prefix alone gives: nothing later reaches them."""
    from tf_core.models import decoder

    m, dec = measured["residual-leak"], models.load("smollm2")
    assert m.value == 0.0 and m.facts["before_causal"] == m.facts["resid_causal"] == 0.0
    assert m.facts["last_bidir"] > 1e-3 and m.facts["at_p_last"] > 0
    assert (m.facts["leak_layer"], m.facts["leak_step"]) == (0, "attn") and m.facts["leak_value"] > 0
    p, L = m.facts["p"], dec.model.cfg.n_layers
    assert p == m.settings["pos"] and m.facts["cells"] == L * m.facts["steps"] * p
    ids = torch.tensor([dec.tokenizer.encode(m.settings["prompt"], add_special_tokens=False).ids])
    assert ids.shape[1] == m.facts["T"]
    with torch.inference_mode():
        full = decoder.traced(dec.model, ids).hidden_states
        prefix = decoder.traced(dec.model, ids[:, :p]).hidden_states
    assert len(full) == L + 1
    for a, b in zip(full, prefix):
        torch.testing.assert_close(b[0], a[0, :p], rtol=1e-4, atol=1e-3)


def test_encoder_update_ratio_with_pytorchs_attention(measured, models):
    """The attention sub-layer rebuilt from the block's weights with F.scaled_dot_product_attention."""
    m, enc = measured["encoder"], models.load("minilm")
    layer = m.settings["layer"]
    tokens = enc.tokenize(m.settings["text"], limits.ENCODER_TOKENS)
    block = enc.model.blocks[layer]
    with torch.inference_mode():
        x = enc.run(tokens, need_weights=False).hidden_states[layer][0]  # (T, D) the block's input
        T, H = x.shape[0], block.n_heads
        q, k, v = (lin(x).view(T, H, -1).transpose(0, 1) for lin in (block.q, block.k, block.v))  # (H, T, Dh)
        attn = block.o(F.scaled_dot_product_attention(q, k, v).transpose(0, 1).reshape(T, -1))  # (T, D)
    ratio = (attn.norm(dim=-1) / x.norm(dim=-1)).double().numpy()
    assert m.value == pytest.approx(float(np.median(ratio)), rel=1e-4)
    assert m.facts["T"] == T and (m.facts["D"], m.facts["H"], m.facts["d_ff"]) == (384, 12, 1536)
    assert m.facts["cos_attn"] > m.facts["cos_attn_no_residual"]


def test_cross_attention_weight_from_the_translator(measured):
    from tf_core import numbers
    from tf_core.models import checkpoints, seq2seq

    m = measured["cross-attention"]
    n = numbers.parse_number(m.settings["n"])
    words = numbers.english_words(n)
    tr = seq2seq.translate(checkpoints.load_seq2seq().model, words, max_chars=limits.NUMBER_CHARS)
    w = tr.cross_attentions.float()[-1].mean(0)  # (N, S) the last decoder layer, mean over the heads
    assert tr.text == m.facts["output"] == numbers.to_chinese(n) and m.facts["char"] == tr.text[-1]
    assert m.facts["word"] == words[-1] == "five" and m.facts["S"] == len(words)
    assert m.value == pytest.approx(float(w[len(tr.text) - 1, -1]), abs=1e-6)
    torch.testing.assert_close(w.sum(-1), torch.ones(w.shape[0]), rtol=0, atol=1e-5)
    assert 0.0 < m.facts["place_max"] < 1.0 and m.facts["char_place"] in tr.text


def test_parallelism_one_call_against_cached_steps(measured, models):
    from tf_core.models import decoder

    m, dec = measured["parallelism"], models.load("smollm2")
    n = m.settings["n"]
    assert m.value == 1.0 and m.facts["same"] == m.facts["n"] == n
    eps = torch.finfo(torch.float32).eps
    assert m.facts["max_diff"] <= m.facts["ulps"] * eps * m.facts["logits_max"]
    ids = torch.tensor([dec.tokenizer.encode(m.settings["prompt"], add_special_tokens=False).ids[:n]])
    assert ids.shape[1] == n  # the prompt has at least n tokens: nothing repeated
    with torch.inference_mode():
        one = decoder.run(dec.model, ids).logits[0]  # (n, V)
        cache, rows = None, []
        for i in range(n):
            out = decoder.run(dec.model, ids[:, i:i + 1], cache)
            cache = out.cache
            rows.append(out.logits[0, -1])
        steps = torch.stack(rows)
    assert float((one - steps).abs().max()) <= m.facts["ulps"] * eps * float(one.abs().max())
    assert torch.equal(one.argmax(-1), steps.argmax(-1))


def test_kv_cache_bytes_against_the_formula_and_a_cache_built_directly(measured, models):
    from tf_core.models import decoder

    m, dec = measured["kv-cache"], models.load("smollm2")
    cfg, f = dec.model.cfg, m.facts
    assert (f["layers"], f["heads"], f["kv_heads"], f["d_head"], f["bytes_per_number"]) == (30, 9, 3, 64, 4)
    assert (f["layers"], f["heads"], f["kv_heads"], f["d_head"]) == (cfg.n_layers, cfg.n_heads, cfg.n_kv_heads, cfg.d_head)
    assert f["positions"] == f["n_prompt"] + f["n_new"] - 1 and f["n_new"] == m.settings["new"]
    assert m.value == f["cache_bytes"] == f["formula_bytes"] == 2 * 30 * f["positions"] * 3 * 64 * 4
    assert f["mha_bytes"] == 3 * f["cache_bytes"] and f["per_position"] * f["positions"] == f["cache_bytes"]
    ids = torch.tensor([dec.tokenizer.encode(m.settings["prompt"], add_special_tokens=False).ids])
    assert ids.shape[1] == f["n_prompt"]
    with torch.inference_mode():  # any tokens of the same length fill the same bytes
        cache = decoder.run(dec.model, ids.repeat(1, 2)[:, :f["positions"]]).cache
    assert sum(x.numel() * x.element_size() for x in (*cache.keys, *cache.values)) == f["cache_bytes"]


def test_complexity_peak_is_the_two_stored_matrices(measured):
    m = measured["complexity"]
    n, d, heads = m.facts["n"], m.facts["d"], m.facts["heads"]
    assert (n, d, heads) == (m.settings["n"], m.settings["d"], m.settings["heads"])
    assert m.facts["weights_mib"] == 4 * heads * n * n / 2**20
    two_matrices_and_output = (2 * 4 * heads * n * n + 4 * n * d) / 2**20
    assert m.value == pytest.approx(two_matrices_and_output, rel=0.1)
    assert m.facts["peak_sdpa"] < m.value / 4 and m.facts["per_head"] == pytest.approx(8, rel=0.1)


def test_block_cost_crossing_against_the_flop_counter(measured):
    from torch.utils.flop_counter import FlopCounterMode

    from tf_core.lab import block_cost

    m = measured["block-cost"]
    d, d_ff, heads = m.facts["d"], m.facts["d_ff"], m.facts["heads"]
    assert m.value == 2 * d + d_ff == 1536 and m.facts["cross_ffn"] == d_ff
    n = int(m.value)
    w = block_cost.random_weights(d, d_ff, torch.Generator().manual_seed(0))
    x = torch.randn(1, n, d)
    counted = {}
    with torch.inference_mode():
        q, k, v = block_cost.qkv_projections(x, w)
        for name, fn in (("qkv", lambda: block_cost.qkv_projections(x, w)),
                         ("core", lambda: block_cost.attention_core(q, k, v, heads)),
                         ("out", lambda: block_cost.output_projection(x, w)), ("ffn", lambda: block_cost.ffn(x, w))):
            with FlopCounterMode(display=False) as fc:
                fn()
            counted[name] = fc.get_total_flops()
    assert counted["core"] == counted["qkv"] + counted["out"] + counted["ffn"]
    assert (m.facts["p_attn"], m.facts["p_ffn"]) == (4 * d * d, 2 * d * d_ff)
    assert m.facts["ratio_flops"] == pytest.approx(m.facts["n"] / m.value)


def test_residual_without_residuals_stays_near_the_plateau(measured):
    from tf_core.blocks import init_weights
    from tf_core.lab import residual
    from tf_core.live_training import BATCH_OFFSET, INIT_OFFSET, fixed_threads
    from tf_core.tasks import load, seeded

    m = measured["residual"]
    s, f = m.settings, m.facts
    assert m.value == 0.0 and f["loss_with"] < f["learned"] <= f["loss_without"]
    task = load("reverse")
    assert f["loss_without"] > 0.8 * task.entropy  # about where knowing only each character's frequency gets
    model = residual.make_model(s["depth"], s["norm"], residual=False)  # the spread at initialisation, again
    with fixed_threads(limits.TRAIN_THREADS):
        init_weights(model, seeded(s["seed"] + INIT_OFFSET), "xavier")
        x, _ = task.batch(limits.RES_BATCH, limits.RES_LENGTH, seeded(s["seed"] + BATCH_OFFSET))
        with torch.no_grad():
            h = model.tok(x) + model.pos(torch.arange(x.shape[1]))
            for block in model.blocks:
                h = block(h)
    spread = float((h - h.mean(1, keepdim=True)).norm() / h.norm())
    assert f["spread_without"] == pytest.approx(spread, rel=1e-3, abs=1e-9) and spread < 1e-3 < f["spread_with"]


def test_ln_vs_bn_layer_norm_with_pytorchs_op(measured, models):
    """F.layer_norm on each sentence's hidden states, in the padded batch and alone."""
    from tf_core.lab import ln_vs_bn
    from tf_core.lab.padding_mask import pad_batch, tokenize_all

    m, enc = measured["ln-vs-bn"], models.load("minilm")
    layer = m.settings["layer"]
    sentences, _ = ln_vs_bn.split_sentences(m.settings["text"])
    toks, _ = tokenize_all(enc, sentences, limits.ENCODER_TOKENS)
    lengths = [len(x) for x in toks]
    ids, mask = pad_batch(toks, enc.model.cfg.pad_token_id, max(lengths), "cpu")
    with torch.inference_mode():
        x = enc.model(ids, mask, need_weights=False, trace_layer=layer).trace.resid1.double()  # (B, T, D)
        D = x.shape[-1]
        worst = 0.0
        for b, (tok, n) in enumerate(zip(toks, lengths)):
            alone = enc.run(tok, need_weights=False, trace_layer=layer).trace.resid1[0].double()  # (n, D)
            diff = F.layer_norm(x[b, :n], (D,), eps=1e-5) - F.layer_norm(alone, (D,), eps=1e-5)
            worst = max(worst, float(diff.abs().max()))
    assert m.value == 0.0 and worst < m.facts["threshold"]
    assert m.facts["ln_max"] == pytest.approx(worst, rel=0.5, abs=1e-6)
    assert (m.facts["n_sent"], m.facts["n_real"], m.facts["n_pad"]) == (
        len(sentences), sum(lengths), len(sentences) * max(lengths) - sum(lengths))
    assert m.facts["D"] == D and m.facts["bn_pad"] > 1e-2 and m.facts["bn_masked"] > 1e-2
