"""The caps of tf_core/limits/ enforced by lab functions that a notebook can call on their own (helpers the
lessons' run functions call with checked values): each at both ends of its range runs, and just outside raises a
ValueError naming the parameter, the value and the range. The lessons' own tests cover their run functions."""
from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from tiny_decoders import byte_tokenizer, one_torch_thread, tiny_llama  # noqa: F401 (fixture)

from tf_core import limits
from tf_core.lab import (
    batchnorm,
    break_it,
    decoder_prompt,
    embed_scale,
    kv_cache,
    ln_vs_bn,
    multi_head,
    padding_mask,
    pe_adds,
    pe_variants,
    residual,
    tokenization,
    variants,
)


def refused(name: str, value, lo, hi):
    """pytest.raises for IntRange/FloatRange.check's message: the name, the value and the range."""
    return pytest.raises(ValueError, match=re.escape(f"{name}={value} is outside the limit [{lo}, {hi}]"))


def ends(bounds: limits.IntRange) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(both ends, just outside both ends) of an integer range."""
    return (bounds.lo, bounds.hi), (bounds.lo - 1, bounds.hi + 1)


# --- kv_cache.no_query_cache: layer, seed, positions --------------------------------------------------------------
@pytest.fixture(scope="module")
def llama():
    return tiny_llama(seed=7)  # 3 layers, 512 positions


def ids(n: int) -> torch.Tensor:
    return torch.randint(0, 256, (1, n), generator=torch.Generator().manual_seed(n))  # (1, n)


def test_no_query_cache_checks_its_layer_and_seed(llama):
    last = llama.cfg.n_layers - 1
    with torch.inference_mode():
        for layer in (0, last):
            assert kv_cache.no_query_cache(llama, ids(9), layer=layer, seed=0).layer == layer
        for seed in ends(limits.SEED)[0]:
            assert kv_cache.no_query_cache(llama, ids(9), layer=0, seed=seed).positions == 9
        for layer in (-1, last + 1):
            with refused("layer", layer, 0, last):
                kv_cache.no_query_cache(llama, ids(9), layer=layer, seed=0)
        for seed in ends(limits.SEED)[1]:
            with refused("seed", seed, limits.SEED.lo, limits.SEED.hi):
                kv_cache.no_query_cache(llama, ids(9), layer=0, seed=seed)


def test_no_query_cache_checks_its_length(llama):
    cap = kv_cache.NO_Q_POSITIONS
    assert cap.hi == limits.DECODER_TOKENS + limits.KV_UNCACHED_TOKENS - 1  # the longest text run() gives it
    with torch.inference_mode():
        for n in ends(cap)[0]:
            assert kv_cache.no_query_cache(llama, ids(n), layer=1, seed=0).positions == n
        for n in ends(cap)[1]:
            with refused("positions", n, cap.lo, cap.hi):
                kv_cache.no_query_cache(llama, ids(n), layer=1, seed=0)


# --- text caps: tokenization.compare, decoder_prompt.encode, padding_mask.tokenize_all --------------------------
def test_compare_checks_its_character_cap():
    cap = limits.TOKENIZE_TEXT_CHARS
    assert tokenization.compare("x" * (cap + 5), [], max_chars=cap).truncated
    assert tokenization.compare("abc", [], max_chars=0).text == ""
    for bad in (-1, cap + 1):
        with refused("max_chars", bad, 0, cap):
            tokenization.compare("abc", [], max_chars=bad)


def test_encode_checks_its_character_cap():
    tok, cap = byte_tokenizer(), limits.DECODER_TEXT_CHARS
    assert decoder_prompt.encode(tok, "abc", max_chars=1).ids == decoder_prompt.encode(tok, "a").ids
    assert decoder_prompt.encode(tok, "x" * cap, max_chars=cap).n_chars_total == cap
    for bad in (0, cap + 1):
        with refused("max_chars", bad, 1, cap):
            decoder_prompt.encode(tok, "abc", max_chars=bad)


def test_tokenize_all_checks_its_token_cap():
    seen = []
    fake = SimpleNamespace(tokenize=lambda text, cap: seen.append(cap) or SimpleNamespace(truncated=False))
    cap = limits.ENCODER_TOKEN_CAP
    for n in ends(cap)[0]:
        padding_mask.tokenize_all(fake, ["a b"], n)
    assert seen == [cap.lo, cap.hi]
    for n in ends(cap)[1]:
        with refused("max_tokens", n, cap.lo, cap.hi):
            padding_mask.tokenize_all(fake, ["a b"], n)


def test_embed_checks_how_many_sentences(minilm):
    hi = limits.BREAKIT_PAIRS.hi
    for n in (1, hi):
        rows, cut = break_it.embed(minilm, [f"sentence {i}" for i in range(n)])
        assert rows.shape[0] == n and cut == 0
    for n in (0, hi + 1):
        with refused("number of sentences", n, 1, hi):
            break_it.embed(minilm, ["x"] * n)


# --- seeds and sizes of the training and variants helpers ---------------------------------------------------------
def test_init_gradient_norms_checks_depth_and_seed():
    for depth in ends(limits.LNBN_DEPTH)[0]:
        assert ln_vs_bn.init_gradient_norms("pre", depth, 0, torch.device("cpu")).shape == (depth,)
    assert ln_vs_bn.init_gradient_norms("post", 1, limits.SEED.hi, torch.device("cpu")).shape == (1,)
    for depth in ends(limits.LNBN_DEPTH)[1]:
        with refused("depth", depth, limits.LNBN_DEPTH.lo, limits.LNBN_DEPTH.hi):
            ln_vs_bn.init_gradient_norms("pre", depth, 0)
    for seed in ends(limits.SEED)[1]:
        with refused("seed", seed, limits.SEED.lo, limits.SEED.hi):
            ln_vs_bn.init_gradient_norms("pre", 1, seed)


def test_make_model_checks_length_and_depth():
    for length in ends(limits.BN_LENGTH)[0]:
        assert batchnorm.make_model("batch", length).cfg.max_len == 2 * length
    for length in ends(limits.BN_LENGTH)[1]:
        with refused("length", length, limits.BN_LENGTH.lo, limits.BN_LENGTH.hi):
            batchnorm.make_model("batch", length)
    for depth in ends(limits.RES_DEPTH)[0]:
        assert len(residual.make_model(depth, "layer", residual=True).blocks) == depth
    for depth in ends(limits.RES_DEPTH)[1]:
        with refused("depth", depth, limits.RES_DEPTH.lo, limits.RES_DEPTH.hi):
            residual.make_model(depth, "layer", residual=True)


@pytest.mark.parametrize("draw", [
    lambda seed: variants.decoder_states(1, seed),
    lambda seed: variants.norm_statistics(seed),
    lambda seed: pe_adds.synthetic_rows(seed, torch.arange(3), 10, 4),
], ids=["decoder_states", "norm_statistics", "synthetic_rows"])
def test_seeded_draws_check_their_seed(draw):
    for seed in ends(limits.SEED)[0]:
        draw(seed)
    for seed in ends(limits.SEED)[1]:
        with refused("seed", seed, limits.SEED.lo, limits.SEED.hi):
            draw(seed)


def test_random_cache_checks_its_length():
    top = limits.VAR_LENGTH.hi
    for n in (1, top):
        cache = variants.random_cache(1, 1, n, torch.Generator().manual_seed(0), torch.device("cpu"))
        assert cache.keys[0].shape == (1, 1, n, variants.D_HEAD)
    for n in (0, top + 1):
        with refused("n", n, 1, top):
            variants.random_cache(1, 1, n, torch.Generator().manual_seed(0), torch.device("cpu"))


# --- the positions page's helpers ---------------------------------------------------------------------------------
def test_init_std_checks_the_width():
    for d in ends(limits.EMB_D)[0]:
        assert embed_scale.init_std("tied", d) == pytest.approx(d ** -0.5)
    for d in ends(limits.EMB_D)[1]:
        with refused("d", d, limits.EMB_D.lo, limits.EMB_D.hi):
            embed_scale.init_std("tied", d)


def test_rope_offset_checks_its_base_and_positions():
    base, most = limits.PE_BASE, limits.PE_ROPE_POSITIONS
    for theta in (base.lo, base.hi):
        assert pe_variants.rope_offset(3, seed=0, d_head=8, theta=theta, positions=10).max_deviation < 1e-9
    for theta in (np.nextafter(base.lo, 0.0), np.nextafter(base.hi, np.inf)):
        with refused("theta", float(theta), base.lo, base.hi):
            pe_variants.rope_offset(3, seed=0, d_head=8, theta=theta, positions=10)
    for positions in (1, most):
        assert len(pe_variants.rope_offset(3, seed=0, d_head=8, positions=positions).scores) == positions
    for positions in (0, most + 1):
        with refused("positions", positions, 1, most):
            pe_variants.rope_offset(3, seed=0, d_head=8, positions=positions)


# --- multi_head.pick_head -----------------------------------------------------------------------------------------
def test_pick_head_checks_the_given_layer_and_head():
    share = np.array([[0.9, 0.2, 0.5], [0.1, 0.5, 0.7]])  # 2 layers x 3 heads
    assert multi_head.pick_head(share, layer=0) == (0, 1) and multi_head.pick_head(share, layer=1) == (1, 0)
    assert multi_head.pick_head(share, head=0) == (1, 0) and multi_head.pick_head(share, head=2) == (0, 2)
    for layer in (-1, 2):
        with refused("layer", layer, 0, 1):
            multi_head.pick_head(share, layer=layer)
    for head in (-1, 3):
        with refused("head", head, 0, 2):
            multi_head.pick_head(share, head=head)
