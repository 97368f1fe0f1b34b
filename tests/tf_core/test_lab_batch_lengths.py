"""tf_core.lab.batch_lengths: padding counted by hand, sorted batching never pads more than any split
into the same batch sizes (brute force), bucketing between random and sorted, FLOPs from the real
weights, and the real encoders timed on the bundled sentences."""
from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
import torch

from tf_core import limits
from tf_core.lab import batch_lengths as lab


def test_a_small_example_by_hand():
    lengths = np.array([5, 2, 9, 3])
    batches = lab.plan(lengths, 2, "sorted")
    assert [b.tolist() for b in batches] == [[1, 3], [0, 2]]  # (2, 3) and (5, 9)
    b = lab.batching("sorted", lengths, batches, n_layers=1, d_model=2, d_ff=4)
    assert b.padded_len.tolist() == [3, 9] and b.sizes.tolist() == [2, 2]
    assert b.real_tokens.tolist() == [5, 14] and b.pad_tokens.tolist() == [1, 4]
    assert b.pad_fraction == pytest.approx(5 / 24)
    assert b.attn_cells.tolist() == [2 * 9, 2 * 81] and b.attn_cells_real.tolist() == [4 + 9, 25 + 81]
    assert b.attn_waste == pytest.approx(1 - 119 / 180)
    assert b.attn_waste > b.pad_fraction  # the T^2 part wastes more than the token count
    assert b.flops[1] == lab.encoder_flops(1, 2, 4, 2, 9) and b.flops_real[1] == lab.encoder_flops(1, 2, 4, 1, 5) + lab.encoder_flops(1, 2, 4, 1, 9)
    assert lab.padded_tokens(lengths, batches) == 24
    # random in batches of 2 of the same lengths: whatever the pairs, never less than 24
    for perm in itertools.permutations(range(4)):
        assert lab.padded_tokens(lengths, [list(perm[:2]), list(perm[2:])]) >= 24
    # no batching at all (batch size 1) pads nothing
    one = lab.batching("random", lengths, lab.plan(lengths, 1, "random", seed=3))
    assert one.pad_fraction == 0.0 and one.attn_waste == 0.0


def test_the_short_batch_goes_where_it_wastes_least():
    """[10, 10, 1] in batches of 2: cutting the sorted list from the start pads to 30, [10, 10] [1] to 21."""
    lengths = np.array([10, 1, 10])
    batches = lab.plan(lengths, 2, "sorted")
    assert sorted(sorted(b.tolist()) for b in batches) == [[0, 2], [1]]
    assert lab.padded_tokens(lengths, batches) == 21
    lengths = np.array([10, 1, 1])  # here the short batch belongs with the longest
    assert lab.padded_tokens(lengths, lab.plan(lengths, 2, "sorted")) == 12


def _is_partition(batches, n, batch_size):
    flat = sorted(i for b in batches for i in b.tolist())
    return flat == list(range(n)) and all(1 <= len(b) <= batch_size for b in batches)


@pytest.mark.parametrize("trial", range(40))
def test_sorted_never_pads_more_than_any_split(trial):
    """Brute force over every order of up to 7 sentences, cut into batches as random batching cuts."""
    rng = np.random.default_rng(trial)
    n = int(rng.integers(1, 8))
    bs = int(rng.integers(1, n + 1))
    lengths = rng.integers(2, 40, size=n)
    best = min(lab.padded_tokens(lengths, [list(p[i:i + bs]) for i in range(0, n, bs)])
               for p in itertools.permutations(range(n)))
    batches = lab.plan(lengths, bs, "sorted")
    assert _is_partition(batches, n, bs)
    assert lab.padded_tokens(lengths, batches) == best


@pytest.mark.parametrize("trial", range(30))
def test_every_plan_is_a_partition_and_sorted_beats_random_and_bucketed(trial):
    rng = np.random.default_rng(100 + trial)
    n = int(rng.integers(1, 200))
    bs = int(rng.integers(1, 17))
    lengths = rng.integers(2, 129, size=n)
    plans = {s: lab.plan(lengths, bs, s, seed=trial, pool_batches=int(rng.integers(1, 9))) for s in lab.STRATEGIES}
    for batches in plans.values():
        assert _is_partition(batches, n, bs)
        assert len(batches) >= -(-n // bs)
    cost = {s: lab.padded_tokens(lengths, b) for s, b in plans.items()}
    assert cost["sorted"] <= cost["random"] and cost["sorted"] <= cost["bucketed"]
    assert lab.plan(lengths, bs, "random", seed=trial)[0].tolist() == plans["random"][0].tolist()  # seeded


def test_bucketing_pools():
    lengths = np.random.default_rng(0).integers(2, 100, size=64)
    # a pool of one batch sorts inside each batch only: the same padding as random batches
    assert lab.padded_tokens(lengths, lab.plan(lengths, 8, "bucketed", seed=5, pool_batches=1)) == \
        lab.padded_tokens(lengths, lab.plan(lengths, 8, "random", seed=5))
    # bigger pools pad less (these lengths, measured: 1 > 2 > 8 batches per pool)
    costs = [lab.padded_tokens(lengths, lab.plan(lengths, 8, "bucketed", seed=5, pool_batches=p)) for p in (1, 2, 8)]
    assert costs[0] > costs[1] > costs[2]
    assert costs[2] == lab.padded_tokens(lengths, lab.plan(lengths, 8, "sorted"))  # one pool of all = sorted
    with pytest.raises(ValueError):
        lab.plan(lengths, 8, "alphabetical")


def test_flops_formula_counts_the_real_weights(minilm):
    """The linear part of encoder_flops is 2 FLOPs per weight of the blocks' matrices per token."""
    cfg = minilm.model.cfg
    weights = sum(m.weight.numel() for blk in minilm.model.blocks for m in (blk.q, blk.k, blk.v, blk.o, blk.ff1, blk.ff2))
    T = 10
    attention = cfg.n_layers * 4 * T * T * cfg.d_model
    assert lab.encoder_flops(cfg.n_layers, cfg.d_model, cfg.d_ff, 1, T) == 2 * weights * T + attention


def _counted(module, *args, **kwargs) -> tuple[int, int]:
    """PyTorch's own FLOP count of one forward, as (linear, attention): addmm/mm are the nn.Linear
    layers (projections and FFN), bmm the batched q k^T and weights x values. need_weights=True
    takes the explicit attention path: the fused SDPA kernel is not counted on the CPU."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as fc, torch.inference_mode():
        module(*args, need_weights=True, **kwargs)
    counts = {str(op): n for op, n in fc.get_flop_counts()["Global"].items()}
    assert set(counts) <= {"aten.addmm", "aten.mm", "aten.bmm"}, counts
    return counts.get("aten.addmm", 0) + counts.get("aten.mm", 0), counts.get("aten.bmm", 0)


def test_flop_split_against_torch_flop_counter(minilm):
    """The (linear, attention) split of one real MiniLM block at two lengths, counted by PyTorch."""
    cfg = minilm.model.cfg
    block = minilm.model.blocks[0]
    for B, T in ((1, 7), (3, 97)):
        x = torch.randn(B, T, cfg.d_model)
        assert _counted(block, x, None) == lab.encoder_flops_split(1, cfg.d_model, cfg.d_ff, B, T)
    assert lab.crossing_length(cfg.d_model, cfg.d_ff) == 6 * cfg.d_model == 2304


def test_crossing_length_is_where_the_counts_meet():
    """At T* = 2d + d_ff the counted attention FLOPs equal the linear ones (a small block: T* = 192)."""
    from tf_core.models.encoder import Block, EncoderConfig

    cfg = EncoderConfig(vocab_size=8, d_model=32, n_layers=1, n_heads=4, d_ff=128, max_positions=512)
    block = Block(cfg).eval()
    T = lab.crossing_length(cfg.d_model, cfg.d_ff)
    linear, attention = _counted(block, torch.randn(1, T, cfg.d_model), None)
    assert T == 192 and linear == attention
    below, above = _counted(block, torch.randn(1, T - 1, 32), None), _counted(block, torch.randn(1, T + 1, 32), None)
    assert below[1] < below[0] and above[1] > above[0]


def test_attention_share_of_a_run_against_torch_flop_counter(minilm):
    """Each strategy's attention share of the FLOPs equals PyTorch's count over its padded batches."""
    sentences = lab.sample_sentences("en", 10, 3)
    r = lab.run(minilm, sentences, batch_size=4, repeats=1)
    toks, _ = lab.tokenize_all(minilm, sentences, r.max_tokens)
    for s in r.strategies:
        linear = attention = 0
        for batch in s.batches:
            ids, mask = lab.pad_batch([toks[i] for i in batch], minilm.model.cfg.pad_token_id)
            a, b = _counted(minilm.model, ids, mask)
            linear, attention = linear + a, attention + b
        assert (int(s.flops.sum()), int(s.flops_attn.sum())) == (linear + attention, attention)
        assert s.attn_flops_share == pytest.approx(attention / (linear + attention), rel=1e-12)
        # below T* the share is small: T / (T + T*) < 1/2 for every batch
        assert s.attn_flops_share <= max(s.padded_len) / (max(s.padded_len) + r.crossing_length) < 0.5
    assert r.crossing_length == 2304 and r.max_positions == 512 and (r.d_model, r.d_ff) == (384, 1536)


def test_bundled_sentences():
    for lang in ("en", "zh"):
        s = lab.bundled_sentences(lang)
        assert len(s) == 60 and len(set(s)) == 60
        chars = [len(x) for x in s]
        assert max(chars) > 10 * min(chars)  # lengths really vary
        assert lab.sample_sentences(lang, 12, 7) == lab.sample_sentences(lang, 12, 7)
        assert lab.sample_sentences(lang, 12, 7) != lab.sample_sentences(lang, 12, 8)
        assert len(set(lab.sample_sentences(lang, limits.BATCH_SENTENCES.hi, 0))) == limits.BATCH_SENTENCES.hi
    with pytest.raises(ValueError):
        lab.bundled_sentences("fr")


def test_real_encoder_at_the_defaults(minilm):
    sentences = lab.sample_sentences("en", limits.BATCH_SENTENCES.default, 0)
    r = lab.run(minilm, sentences, seed=0)
    assert len(r.lengths) == limits.BATCH_SENTENCES.default and not r.truncated.any()
    rnd, srt, bkt = (r.get(s) for s in lab.STRATEGIES)
    for s in r.strategies:
        assert s.seconds.shape == (limits.BATCH_REPEATS,) and (s.seconds > 0).all()
        assert np.isfinite(s.real_tokens_per_s) and s.real_tokens_per_s > 0
        assert s.tokens_per_s >= s.real_tokens_per_s
        assert s.real_tokens.sum() == r.real_tokens
        assert s.attn_waste >= s.pad_fraction  # measured on these sentences: the T^2 part wastes more
    assert srt.pad_fraction <= bkt.pad_fraction < rnd.pad_fraction
    assert r.fixed.pad_fraction > rnd.pad_fraction and (r.fixed.padded_len == r.max_tokens).all()
    assert np.isnan(r.fixed.median_s)  # not timed
    assert r.speedup == pytest.approx(srt.real_tokens_per_s / rnd.real_tokens_per_s)
    # the verdict word follows the measured ratio (sorted's timings replaced to give each ratio)
    for ratio, word in ((1.3, "faster"), (1.04, "same"), (0.97, "same"), (0.8, "slower")):
        timed = replace(srt, seconds=rnd.seconds / ratio)
        got = replace(r, strategies=(rnd, timed, bkt))
        assert got.speedup == pytest.approx(ratio) and got.speed_change == word
    with pytest.raises(KeyError):
        r.get("fixed")


def test_odd_input_and_e5(minilm, e5_encoder):
    odd = ["", "🙂", "<b>x</b> \x07\x00", "word " * 2000, "Short."]
    r = lab.run(minilm, odd, batch_size=2, repeats=1, max_tokens=16)
    assert r.truncated.tolist() == [False, False, False, True, False] and r.lengths[3] == 16
    assert all(s.seconds.shape == (1,) for s in r.strategies)
    one = lab.run(e5_encoder, ["只有一句。"], batch_size=16, repeats=1)
    assert all(s.pad_fraction == 0.0 and len(s.batches) == 1 for s in one.strategies)
    assert one.get("random").real_tokens_per_s > 0
    zh = lab.run(e5_encoder, lab.sample_sentences("zh", 8, 1), batch_size=4, repeats=1)
    assert zh.get("sorted").pad_fraction <= zh.get("random").pad_fraction


def test_limits_are_enforced(minilm):
    for kwargs in ({"batch_size": limits.BATCH_SIZE.lo - 1}, {"batch_size": limits.BATCH_SIZE.hi + 1}, {"pool_batches": 0},
                   {"repeats": 0}, {"repeats": limits.BATCH_REPEATS + 1}, {"seed": -1}, {"max_tokens": 1}):
        with pytest.raises(ValueError):
            lab.run(minilm, ["a", "b"], **kwargs)
    with pytest.raises(ValueError):
        lab.run(minilm, [])
    with pytest.raises(ValueError):
        lab.run(minilm, ["a"] * (limits.BATCH_SENTENCES.hi + 1))
