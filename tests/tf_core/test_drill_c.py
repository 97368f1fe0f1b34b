"""The drill quantities of tf_core/drill/lessons_c.py: each computed once with the real models (module scope),
in range, its strings quoting only what it measured, its link naming only the lesson's own parameters, and
its number checked against an independent source (a formula, PyTorch's own op, the shipped metrics, a
brute-force search, the model file read directly)."""
from __future__ import annotations

import json
import math
import string
from pathlib import Path

import numpy as np
import pytest
import torch

from tf_core.drill import QUANTITIES, lessons_c
from tf_core.drill.models import local
from ui.i18n import LANGS, STRINGS

ROOT = Path(__file__).resolve().parents[2]
QIDS = [q.qid for q in lessons_c.QUANTITIES]
# Each lesson's URL parameters (its page's params.Param names): a link may name these only.
PAGE_PARAMS = {
    "batchnorm": {"len", "batch", "seed"},
    "positional-encoding": {"d", "length", "base", "k", "text", "model", "seed"},
    "pe-adds": {"model", "sample", "positions", "seed", "measure"},
    "embed-scale": {"d", "init", "scale", "seed"},
    "pe-variants": {"windows", "seed", "kinds", "k", "heads", "buckets", "maxdist", "side"},
    "ffn": {"text", "model", "lr", "seed"},
    "weight-tying": {"d", "lr", "seed"},
    "lr-dropout": {"dmodel", "warmup", "lr", "layers", "steps", "seed", "text"},
    "variants": {"length", "repeats", "seed"},
}


@pytest.fixture(scope="module")
def captured():
    """What the labs returned inside the computes that train (their results are not kept by Measured)."""
    from tf_core.lab import ffn, lr_dropout

    seen: dict[str, list] = {"ffn_hidden": [], "warmup": []}
    real_hidden, real_warmup = ffn.ffn_hidden, lr_dropout.warmup_runs

    def hidden(model, x):
        out = real_hidden(model, x)
        seen["ffn_hidden"].append([h.detach().clone() for h in out])
        return out

    def warmup(*args, **kwargs):
        out = real_warmup(*args, **kwargs)
        seen["warmup"].append(out)
        return out

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ffn, "ffn_hidden", hidden)
        mp.setattr(lr_dropout, "warmup_runs", warmup)
        measured = {q.qid: q.compute(local()) for q in lessons_c.QUANTITIES}
    return measured, seen


@pytest.fixture(scope="module")
def measured(captured):
    return captured[0]


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_lesson_of_group_c_is_registered_once():
    assert QIDS == list(PAGE_PARAMS)
    assert all(QUANTITIES[qid] is q for qid, q in zip(QIDS, lessons_c.QUANTITIES))


@pytest.mark.parametrize("qid", QIDS)
def test_value_in_range_and_strings_quote_only_facts(qid, measured):
    q, m = QUANTITIES[qid], measured[qid]
    assert math.isfinite(m.value)
    if q.kind == "yesno":
        assert m.value in (0.0, 1.0)
    else:
        assert q.lo <= m.value <= q.hi
    assert all(isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in m.facts.values())
    assert all(math.isfinite(v) for v in m.facts.values() if isinstance(v, float))
    assert set(m.settings) <= PAGE_PARAMS[qid]
    for part in ("ask", "unit", "reveal"):
        if part == "unit" and f"drill.{qid}.unit" not in STRINGS:
            continue  # a pure number
        entry = STRINGS[f"drill.{qid}.{part}"]
        assert set(entry) == set(LANGS)
        assert fields(entry["en"]) == fields(entry["zh"]), part
        assert fields(entry["en"]) <= set(m.facts) | {"value"}, part
    assert not fields(STRINGS[f"drill.{qid}.ask"]["en"])  # asked before the run: nothing to quote yet
    for lang in LANGS:  # every placeholder fills
        STRINGS[f"drill.{qid}.reveal"][lang].format(value=m.value, **m.facts)


def test_batchnorm_noise_follows_one_over_root_n(measured):
    m = measured["batchnorm"]
    assert m.facts["theory_1"] == pytest.approx(1 / math.sqrt(m.facts["T"]))
    # the batch mean of n values moves by about sigma / sqrt(n): within 30 % of it, at 1 and at 64 sequences
    assert m.value == pytest.approx(m.facts["theory_1"], rel=0.3)
    assert m.facts["noise_max"] == pytest.approx(1 / math.sqrt(m.facts["b_max"] * m.facts["T"]), rel=0.3)


def test_positional_encoding_against_the_encoder_itself(measured):
    from tf_core import limits
    from tf_core.lab.positional_encoding import shuffle_order

    m = measured["positional-encoding"]
    assert m.value == 1.0 and m.facts["none_max"] <= m.facts["within"] < m.facts["kept_max"]
    enc = local().load("minilm")
    tokens = enc.tokenize(m.settings["text"], limits.ENCODER_TOKENS)
    order = torch.as_tensor(shuffle_order(tokens.ids, m.settings["seed"]))
    ids = torch.tensor([tokens.ids], device=next(enc.model.parameters()).device)
    with torch.inference_mode():
        plain = enc.model(ids, need_weights=False, use_positions=False).hidden_states[-1][0]
        moved = enc.model(ids[:, order], need_weights=False, use_positions=False).hidden_states[-1][0]
    assert float((moved - plain[order]).abs().max()) <= m.facts["within"]
    assert len(tokens.ids) == m.facts["T"] and int((ids[0, order] != ids[0]).sum()) == m.facts["moved"]


def test_pe_adds_against_a_direct_cosine_search(measured):
    from tf_core.lab import pe_adds
    from tf_core.lab.pretrained_vectors import table_index

    m = measured["pe-adds"]
    enc = local().load("minilm")
    r = pe_adds.recover(enc, positions=m.settings["positions"], sample=m.settings["sample"], seed=m.settings["seed"])
    emb = enc.model.embeddings
    W = emb.word.weight.detach().cpu().double()  # (V, D)
    valid = table_index(enc).valid.cpu()
    unit = W / W.norm(dim=1, keepdim=True)
    pos = torch.as_tensor(r.positions)
    shift = (emb.position.weight.detach().cpu().double()[pos] + emb.token_type.weight.detach().cpu().double()[0])  # (P, D)
    x = W[torch.as_tensor(r.token_ids)][:, None, :] + shift[None]  # (S, P, D)
    scores = x @ unit.T  # (S, P, V): cosine up to |x|, which is the same for every row
    scores[..., ~valid] = -math.inf
    hits = scores.argmax(-1) == torch.as_tensor(r.token_ids)[:, None]
    assert m.value == pytest.approx(float(hits.double().mean()))
    assert m.facts["candidates"] == int(valid.sum())


def test_embed_scale_against_the_formula(measured):
    m = measured["embed-scale"]
    d = m.settings["d"]
    assert m.facts["pe_norm"] == pytest.approx(math.sqrt(d / 2))
    # |e| ~ sigma sqrt(d) = 1 for N(0, 1/d); the ratio sqrt(2 / d), within a few per cent over 64 rows
    assert m.value == pytest.approx(math.sqrt(2 / d), rel=0.05)
    assert m.facts["ratio_scaled"] == pytest.approx(m.value * math.sqrt(d))


def test_pe_variants_against_the_shipped_metrics(measured):
    m = measured["pe-variants"]
    stored = json.loads((ROOT / "assets/models/positions/rope/metrics.json").read_text())["evaluation"]
    assert (stored["seed"], stored["windows"][-1]) == (m.settings["seed"], m.settings["windows"])
    assert m.value == pytest.approx(stored["loss"][-1] / stored["loss"][0], rel=1e-4)
    assert m.value == pytest.approx(m.facts["loss_long"] / m.facts["loss_train"])
    assert m.facts["alibi_ratio"] <= 1.05 < 1.3 < m.value


def test_ffn_zero_share_from_the_activations(measured, captured):
    m = measured["ffn"]
    relu_after = captured[1]["ffn_hidden"][1]  # calls: relu before, relu after, gelu before, gelu after, ...
    acts = torch.cat([h.flatten() for h in relu_after])
    assert acts.min() >= 0 and acts.numel() == m.facts["layers"] * m.facts["positions"] * m.facts["d_ff"]
    assert m.value == pytest.approx(float((acts == 0).double().mean()))
    dead = sum(int((h == 0).flatten(0, -2).all(dim=0).sum()) for h in relu_after)
    assert dead == m.facts["dead_relu_n"]


def test_weight_tying_against_the_file():
    from tf_core.models import smollm2

    f = smollm2.read()
    shapes = {name: info.shape for name, info in f.tensors.items()}
    total = sum(int(np.prod(s, dtype=np.int64)) for s in shapes.values())
    assert "output.weight" not in shapes
    m = lessons_c._weight_tying(local())
    assert tuple(shapes["token_embd.weight"]) in ((49_152, 576), (576, 49_152))
    assert m.value == pytest.approx(49_152 * 576 / total)
    assert m.facts["untied_total"] == total + 49_152 * 576


def test_lr_dropout_final_loss_from_the_run(measured, captured):
    m = measured["lr-dropout"]
    (r,) = captured[1]["warmup"]
    assert m.value == pytest.approx(float(np.mean(r.constant.loss[-5:])))
    assert m.facts["chance"] == pytest.approx(math.log(32))
    assert abs(m.value - m.facts["entropy"]) < 0.3 and m.facts["loss_warm"] < 0.1 * m.facts["entropy"]


def test_variants_rms_mean_against_pytorch():
    m = lessons_c._variants(local())
    r = m.facts["ratio"]
    z = torch.randn(m.facts["d"], generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    z = (z - z.mean()) / z.std(unbiased=False)  # mean 0, std 1 exactly
    out = torch.nn.functional.rms_norm(r + z, (m.facts["d"],), eps=1e-5)
    assert m.value == pytest.approx(float(out.mean()), abs=1e-5)
    assert m.value == pytest.approx(r / math.sqrt(1 + r * r), abs=1e-5)
    assert abs(m.facts["ln_mean"]) < 1e-5
