"""tf_core.lab.kv_cache and generate's ``on_step``, on both decoders: cached and uncached greedy decoding choose
the same tokens; the cache's bytes equal the formula; against the weights' bytes; grouped-query attention's
saving; no Q cache is needed (the newest query's row does not change when every past query does, and does
change when a past key does); a decode longer than the context is cut to what fits, and says so.

Tolerances, measured (float32, CPU): cached vs uncached logits 6e-6 (random Llama) and 1e-4 (SmolLM2,
64 tokens); the cached step vs a full forward's last row 8e-6 / 5e-5 (logits) and 2e-6 (weights); the
last attention row with the past queries replaced: 0.0 bit for bit, so asserted == 0."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from tiny_decoders import CHARACTERS, byte_tokenizer, one_torch_thread, tiny_gpt, tiny_llama  # noqa: F401 (fixture)

from tf_core import limits
from tf_core.cache import kv_cache_bytes
from tf_core.lab import kv_cache as lab
from tf_core.models.llama import generate

TEXT = "Keys and values stay; queries go."  # 33 byte tokens


@pytest.fixture(scope="module")
def tok():
    return byte_tokenizer()


@pytest.fixture(scope="module")
def model():
    return tiny_llama(seed=7)


def check_no_q(q, exact_step: float):
    assert q.past_queries_zero_diff == 0.0 and q.past_queries_random_diff == 0.0
    assert q.past_key_diff > 1e-4  # the demonstration can fail: a past KEY does matter
    assert q.one_query_diff <= 1e-5
    assert q.step_logits_diff <= exact_step and q.step_weights_diff <= 1e-5
    assert q.cache_key_diff > 1e-4 and q.cache_value_diff > 1e-4


@pytest.mark.parametrize("n_new", [1, 20, limits.KV_UNCACHED_TOKENS + 6])
def test_cached_equals_uncached(model, tok, n_new):
    r = lab.run(model, tok, TEXT, n_new=n_new, layer=1, seed=3)
    T, k = len(TEXT), min(n_new, limits.KV_UNCACHED_TOKENS)
    assert r.n_prompt == T and r.n_new == r.n_new_asked == n_new and r.n_uncached == k and not r.context_cut
    np.testing.assert_array_equal(r.ids, np.array(tok.encode(TEXT).ids))
    assert r.tokens.shape == (n_new,) and len(r.generated) == n_new
    assert r.same_tokens and r.logits_diff <= 1e-4 and r.same_prefix == k
    np.testing.assert_array_equal(r.tokens_uncached, r.tokens[:k])
    assert r.step_cached.shape == (n_new,) and r.step_uncached.shape == (k,)
    assert (r.step_cached > 0).all() and (r.step_uncached > 0).all()
    assert r.rate_lengths[-1] == n_new and r.rate_lengths.shape == r.rate_cached.shape == r.rate_uncached.shape
    for length, c, u in zip(r.rate_lengths, r.rate_cached, r.rate_uncached):
        assert math.isnan(c) if length < 2 else c > 0
        assert math.isnan(u) if length < 2 or length > k else u > 0
    assert r.teacher_forced_diff <= 1e-4 and r.teacher_forced_same_argmax
    if n_new > 1:
        check_no_q(r.no_q, 1e-4)
        assert r.no_q.positions == T + k - 1 and r.no_q.layer == 1


def test_cache_memory(model, tok):
    r = lab.run(model, tok, TEXT, n_new=10)
    assert r.cache_positions == len(TEXT) + 9  # the last token chosen is never run
    assert r.cache_bytes == r.formula_bytes == 2 * 3 * r.cache_positions * 2 * 8 * 4 and r.formula_matches
    assert r.mha_bytes == 2 * r.formula_bytes  # 4 query heads share 2 K/V heads
    assert r.gqa_saving == 0.5 and r.bytes_per_number == 4
    assert r.bytes_per_position * r.cache_positions == r.cache_bytes
    assert r.context_bytes == kv_cache_bytes(3, 512, 2, 8)
    mha = lab.run(tiny_llama(seed=7, n_kv_heads=4), tok, TEXT, n_new=3)  # plain multi-head: no saving
    assert mha.gqa_saving == 0.0 and mha.cache_bytes == mha.mha_bytes == mha.formula_bytes
    import dataclasses

    assert not dataclasses.replace(r, formula_bytes=r.cache_bytes + 1).formula_matches  # the verdict can fail
    other = r.tokens_uncached.copy()
    other[4] += 1
    assert dataclasses.replace(r, tokens_uncached=other).same_prefix == 4


def test_speed_word_follows_the_timings(model, tok):
    """rate_ratio is tokens/s with the cache over without; its word is "faster", "same" (within 5%) or
    "slower", whichever way a busy machine pushed this run (the uncached steps rescaled to give each ratio)."""
    import dataclasses

    r = lab.run(model, tok, TEXT, n_new=10)
    assert r.rate_ratio == pytest.approx(r.tokens_per_second_cached / r.tokens_per_second_uncached)
    for ratio, word in ((3.0, "faster"), (1.04, "same"), (0.96, "same"), (0.7, "slower")):
        scale = r.rate_ratio / ratio  # the uncached steps divided by this: the ratio becomes `ratio`
        got = dataclasses.replace(r, step_uncached=r.step_uncached / scale)
        assert got.rate_ratio == pytest.approx(ratio) and got.speed_change == word
    assert math.isnan(lab.run(model, tok, TEXT, n_new=1).rate_ratio)  # one token: no step to time


def test_cache_against_the_weights(model, tok):
    """The parameters as loaded (the tied head counted once) against the cache; where they cross."""
    r = lab.run(model, tok, TEXT, n_new=10)
    cfg = model.cfg
    D, L, V, F, Hkv, Dh = cfg.d_model, cfg.n_layers, cfg.vocab_size, cfg.d_ff, cfg.n_kv_heads, cfg.d_head
    per_block = 2 * D + D * D + 2 * D * Hkv * Dh + D * D + 3 * D * F  # 2 norms, q, k, v, o, gate/up/down
    assert r.weight_bytes == 4 * (V * D + L * per_block + D) == 4 * sum(p.numel() for p in model.parameters())
    assert r.dtype == "float32" and r.bytes_per_position == 2 * L * Hkv * Dh * 4
    assert r.weights_share == pytest.approx(r.weight_bytes / (r.weight_bytes + r.cache_bytes))
    assert r.crossing_tokens == math.ceil(r.weight_bytes / r.bytes_per_position)
    assert (r.crossing_tokens - 1) * r.bytes_per_position < r.weight_bytes <= r.crossing_tokens * r.bytes_per_position
    assert r.crossing_batch == math.ceil(r.crossing_tokens / 512)


def test_no_query_cache_again_at_another_layer(model, tok):
    """The page's other layer or seed: the same text as the run's, no new decode."""
    r = lab.run(model, tok, TEXT, n_new=6, layer=0, seed=0)
    again = lab.no_query_cache_at(model, r, layer=0, seed=0)
    assert again == r.no_q  # the same text, layer and seed: the same numbers
    other = lab.no_query_cache_at(model, r, layer=2, seed=5)
    assert other.layer == 2 and other.positions == r.no_q.positions == len(TEXT) + 5
    check_no_q(other, 1e-4)
    with pytest.raises(ValueError, match="layer"):
        lab.no_query_cache_at(model, r, layer=3, seed=0)


def test_progress_callback(model, tok):
    seen = []
    r = lab.run(model, tok, "ab", n_new=5, on_progress=lambda i, n: seen.append((i, n)))
    total = 2 * lab.WARMUP_TOKENS + 5 + 5 + 5 + 1  # warm-ups, both decodes, no-Q forwards, teacher forcing
    steps = [(i, total) for i in range(1, 15)]  # one report per decoding step, then the no-Q forwards at once
    assert lab.forwards(2, 5) == total and seen == steps + [(19, total), (20, total)] and r.n_uncached == 5
    seen.clear()
    lab.run(model, tok, "a", n_new=1, on_progress=lambda i, n: seen.append((i, n)))  # one position: one no-Q forward
    assert seen == [(i, 6) for i in range(1, 7)] and lab.forwards(1, 1) == 6
    steps = []
    generate(model, torch.tensor([[1, 2]]), 4, on_step=lambda i, n: steps.append((i, n)))
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_no_query_cache_directly(model):
    seq = torch.randint(0, 256, (1, 17), generator=torch.Generator().manual_seed(4))
    with torch.inference_mode():
        q = lab.no_query_cache(model, seq, layer=2, seed=0)
        one = lab.no_query_cache(model, seq[:, :1], layer=0, seed=0)
    check_no_q(q, 1e-4)
    assert q.positions == 17
    assert one.positions == 1 and all(math.isnan(getattr(one, f)) for f in
                                      ("past_queries_zero_diff", "past_key_diff", "step_logits_diff"))


def test_the_comparison_would_notice_a_different_past(model):
    """The control for "cached = uncached": decoding after another first token gives other logits."""
    a = generate(model, torch.tensor([[5, 6, 7, 8]]), 8, use_cache=False).logits
    b = generate(model, torch.tensor([[9, 6, 7, 8]]), 8, use_cache=True).logits
    assert (a - b).abs().max() > 1e-3


def test_real_smollm2(smollm2_model):
    chat = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    r = lab.run(smollm2_model.model, smollm2_model.tokenizer, chat, n_new=4)
    assert r.same_tokens and r.logits_diff <= 3e-4 and r.teacher_forced_diff <= 3e-4
    assert r.pieces[:3] == ("<|im_start|>", "user", "↵") and r.n_prompt == 10  # "assistant" is two tokens
    assert r.cache_positions == 10 + 3 and r.cache_bytes == r.formula_bytes == kv_cache_bytes(30, 13, 3, 64)
    assert r.mha_bytes == 3 * r.cache_bytes and r.gqa_saving == pytest.approx(2 / 3)
    assert r.context_bytes == 2 * 30 * 8192 * 3 * 64 * 4
    # 134,515,008 parameters in float32 (the tied head once): the cache passes them at 11,677 positions
    assert r.weight_bytes == 4 * 134_515_008 and r.dtype == "float32" and r.weights_share > 0.99
    assert r.crossing_tokens == 11_677 and r.crossing_batch == 2
    check_no_q(r.no_q, 3e-4)


def test_bad_input(model, tok):
    for bad in (0, limits.KV_NEW_TOKENS.hi + 1, -3, 2.5):
        with pytest.raises(ValueError, match="n_new"):
            lab.run(model, tok, TEXT, n_new=bad)
    with pytest.raises(ValueError, match="layer"):
        lab.run(model, tok, TEXT, n_new=2, layer=3)
    with pytest.raises(ValueError, match="seed"):
        lab.run(model, tok, TEXT, n_new=2, seed=-1)
    with pytest.raises(ValueError, match="empty"):
        lab.run(model, tok, " ", n_new=2)
    cut = lab.run(tiny_llama(max_positions=40), tok, TEXT, n_new=10)  # 33 + 10 > 40: the 7 that fit
    assert cut.context_cut and (cut.n_new_asked, cut.n_new, cut.n_uncached) == (10, 7, 7) and cut.same_tokens
    assert cut.cache_positions == 39 and len(cut.step_cached) == 7
    with pytest.raises(ValueError, match="positions"):
        lab.run(tiny_llama(max_positions=33), tok, TEXT, n_new=10)  # no room for one token
    top = lab.run(tiny_llama(max_positions=64 + limits.KV_NEW_TOKENS.hi), tok, "q" * 100, n_new=limits.KV_NEW_TOKENS.hi)
    assert top.truncated and top.n_prompt == limits.DECODER_TOKENS and top.same_tokens
    assert top.n_uncached == limits.KV_UNCACHED_TOKENS and np.isnan(top.rate_uncached[-1])


def test_the_tiny_gpt_and_its_short_context():
    model = tiny_gpt(seed=7)  # 128 positions, 4 heads each with its own keys and values
    r = lab.run(model, CHARACTERS, TEXT, n_new=limits.KV_NEW_TOKENS.hi, layer=2, seed=1)
    assert r.context_cut and r.n_new_asked == limits.KV_NEW_TOKENS.hi and r.n_new == 128 - len(TEXT)
    assert r.same_tokens and r.logits_diff <= 1e-4 and r.teacher_forced_diff <= 1e-4
    assert r.cache_bytes == r.formula_bytes == r.mha_bytes and r.gqa_saving == 0.0
    assert r.weight_bytes == 4 * sum(p.numel() for p in model.parameters())
    check_no_q(r.no_q, 1e-4)


def test_rates_come_from_the_clipped_steps(model, tok):
    """A step slower than 3x its neighbours' median (tf_core.device.clip_spikes) enters the rates at that
    bound; step 0, which reads the prompt, is never clipped; the clipped steps are counted."""
    import dataclasses

    r = lab.run(model, tok, TEXT, n_new=10)
    steps = np.array([0.5, 0.010, 0.011, 0.010, 0.012, 1.4, 0.011, 0.010, 0.012, 0.011])  # step 0 and 5 slow
    got = dataclasses.replace(r, step_cached=steps)
    assert got.clipped_cached.clipped.tolist() == [False] * 5 + [True] + [False] * 4
    assert got.clipped_steps == 1 + r.clipped_uncached.count
    bound = 3 * np.median([0.011, 0.010, 0.012, 0.011, 0.010, 0.012])  # its neighbours: steps 2-4 and 6-8
    assert got.clipped_cached.seconds[5] == pytest.approx(bound) and got.clipped_cached.measured[5] == 1.4
    clipped_sum = steps[1:].sum() - 1.4 + bound
    assert got.tokens_per_second_cached == pytest.approx(9 / clipped_sum)
    assert got.tokens_per_second_cached > 5 * 9 / steps[1:].sum()  # the raw sum would give a fifth of it
    assert lab.clip_steps(np.array([0.5])).count == 0 and lab.clip_steps(np.array([])).count == 0
    # the run's own rates are from its clipped steps
    assert r.rate_cached[-1] == pytest.approx(r.tokens_per_second_cached)
    assert r.rate_cached[-1] == pytest.approx(9 / r.clipped_cached.seconds[1:].sum())
