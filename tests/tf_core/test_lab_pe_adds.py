"""Lesson `pe-adds`: nearest-row recovery against a direct float64 search, the cosine spread of random
directions against 1/sqrt(d), and the learned table's structure against NumPy and PyTorch's own ops."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.lab import pe_adds
from tf_core.lab.pretrained_vectors import table_index
from tf_core.positional import sinusoid_at


def brute_nearest(encoder, ids: np.ndarray, positions: np.ndarray, seed: int) -> np.ndarray:
    """(8, S, P) nearest valid rows, each query built whole and scored against every row, float64."""
    emb = encoder.model.embeddings
    W = emb.word.weight.detach().double()  # (V, D)
    V, D = W.shape
    valid = table_index(encoder).valid
    ids_t, pos_t = torch.as_tensor(ids), torch.as_tensor(positions)
    x = W[ids_t][:, None] + emb.position.weight.detach().double()[pos_t][None] + emb.token_type.weight.detach().double()[0]
    ln = F.layer_norm(x, (D,), emb.ln.weight.detach().double(), emb.ln.bias.detach().double(), emb.ln.eps)  # (S, P, D)
    E = pe_adds.synthetic_rows(seed, torch.arange(V), V, D).double()  # (V, D): the whole synthetic table
    pe = sinusoid_at(pos_t, D, dtype=torch.float64)  # (P, D)
    scaled, plain = math.sqrt(D) * E[ids_t][:, None] + pe[None], E[ids_t][:, None] + pe[None]  # (S, P, D)

    def nearest(q: torch.Tensor, table: torch.Tensor, cos: bool) -> torch.Tensor:
        s = (q / q.norm(dim=-1, keepdim=True)) @ (table / table.norm(dim=-1, keepdim=True)).T if cos else q @ table.T  # (S, P, V)
        return s.masked_fill(~valid, -math.inf).argmax(-1)

    return torch.stack([nearest(x, W, True), nearest(x, W, False), nearest(ln, W, True), nearest(ln, W, False),
                        nearest(scaled, E, True), nearest(scaled, E, False), nearest(plain, E, True),
                        nearest(plain, E, False)]).numpy()


def test_recover_matches_a_direct_float64_search(minilm):
    r = pe_adds.recover(minilm, positions=3, sample=5, seed=7)
    assert r.positions.tolist() == [0, 256, 511]  # 255.5 rounds to even
    assert (table_index(minilm).valid[torch.as_tensor(r.token_ids)]).all()
    expected = brute_nearest(minilm, r.token_ids, r.positions, seed=7)
    np.testing.assert_array_equal(r.nearest, expected)
    np.testing.assert_allclose(r.accuracy, (expected == r.token_ids[None, :, None]).mean(1))
    for i, name in enumerate(pe_adds.VARIANTS):  # the misses listed are exactly the cells that missed
        missed = [(int(r.positions[p]), minilm.tokenizer.id_to_token(int(t)), minilm.tokenizer.id_to_token(int(expected[i, j, p])))
                  for p in range(3) for j, t in enumerate(r.token_ids) if expected[i, j, p] != t]
        assert r.misses(name) == missed


def test_recover_defaults_and_what_they_show(minilm):
    r = pe_adds.recover(minilm)
    assert r.accuracy.shape == (8, limits.PEADD_POSITIONS.default)
    assert r.candidates == int(table_index(minilm).valid.sum())
    # the paper's factor keeps every word; without it the N(0, 1/d) rows drown in the PE
    assert r.variant("sin_scaled_cos").min() == 1.0
    assert r.variant("sin_plain_cos").max() < 0.2
    assert r.variant("learned_ln_cos").mean() > 0.8
    assert r.self_dot_sin == 1.0


def test_recover_odd_sizes_and_determinism(minilm):
    one = pe_adds.recover(minilm, positions=1, sample=1, seed=3)
    assert one.positions.tolist() == [0] and one.token_ids.shape == (1,) and one.accuracy.shape == (8, 1)
    assert one.nearest.shape == (8, 1, 1)
    again = pe_adds.recover(minilm, positions=1, sample=1, seed=3)
    np.testing.assert_array_equal(one.nearest, again.nearest)
    assert pe_adds.recover(minilm, positions=2, sample=3, seed=4).token_ids.tolist() != one.token_ids.tolist()


@pytest.mark.parametrize("kwargs", [dict(sample=0), dict(sample=limits.PEADD_SAMPLE.hi + 1), dict(positions=0),
                                    dict(positions=limits.PEADD_POSITIONS.hi + 1), dict(seed=-1), dict(sample=2.5)])
def test_recover_caps(kwargs):
    with pytest.raises(ValueError):
        pe_adds.recover(None, **kwargs)  # checked before the model is touched


def test_the_work_cap_lowers_the_tokens_cap(minilm, monkeypatch):
    monkeypatch.setattr(limits, "PEADD_WORK", 400_000)  # 13 x 30,522: 4 tokens at 3 positions, not 5
    assert pe_adds.max_sample(30_522, 3) == 4 and pe_adds.max_sample(30_522, 32) == 1
    assert pe_adds.recover(minilm, positions=3, sample=4).accuracy.shape == (8, 3)
    with pytest.raises(ValueError, match="at most 4 tokens"):
        pe_adds.recover(minilm, positions=3, sample=5)
    monkeypatch.undo()
    assert pe_adds.max_sample(30_522, limits.PEADD_POSITIONS.hi) == limits.PEADD_SAMPLE.hi  # MiniLM: both caps
    assert pe_adds.max_sample(250_037, 8) == 67 and pe_adds.max_sample(250_037, 32) == 16  # e5


def test_spread_positions():
    assert pe_adds.spread_positions(512, 1).tolist() == [0]
    assert pe_adds.spread_positions(512, 2).tolist() == [0, 511]
    assert pe_adds.spread_positions(7, 32).tolist() == list(range(7))


def test_synthetic_rows_do_not_depend_on_what_else_is_drawn():
    both = pe_adds.synthetic_rows(5, torch.tensor([3, 9000]), 10_000, 17, block_rows=4096)
    alone = pe_adds.synthetic_rows(5, torch.tensor([9000]), 10_000, 17, block_rows=4096)
    torch.testing.assert_close(both[1], alone[0], rtol=0, atol=0)
    big = pe_adds.synthetic_rows(5, torch.arange(4000), 4000, 97)
    assert abs(float(big.std()) - 1 / math.sqrt(97)) < 0.01 / math.sqrt(97) * 10


def test_orthogonality_against_theory_and_a_direct_computation():
    o = pe_adds.orthogonality(None, d_values=(3, 97, 384), n=1024, seed=2)
    # RMS of ~520k pair cosines: measured within ~1% of 1/sqrt(d) here; 4% leaves room for any seed
    np.testing.assert_allclose(o.cos_std, 1 / np.sqrt([3, 97, 384]), rtol=0.04)
    np.testing.assert_allclose(o.cos_std_theory, 1 / np.sqrt([3, 97, 384]))
    assert o.max_abs[0] > o.max_abs[1] > o.max_abs[2] and math.isnan(o.table_cos_std)
    small = pe_adds.orthogonality(None, d_values=(5,), n=4, seed=9)
    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(9), dtype=torch.float64)
    cos = torch.stack([F.cosine_similarity(x[i], x[j], dim=0) for i in range(4) for j in range(i + 1, 4)])
    assert small.cos_std[0] == pytest.approx(float(cos.square().mean().sqrt()), rel=1e-12)
    assert small.max_abs[0] == pytest.approx(float(cos.abs().max()), rel=1e-12)


def test_orthogonality_of_the_real_table(minilm):
    o = pe_adds.orthogonality(minilm, d_values=(384,), n=256, seed=0)
    W, valid = minilm.model.embeddings.word.weight.detach().double(), table_index(minilm).valid
    torch.testing.assert_close(pe_adds._valid_mean(minilm.model.embeddings.word, valid), W[valid].mean(0),
                               rtol=1e-12, atol=1e-12)  # read in blocks, summed in float64
    assert o.model_d == 384 and abs(o.centered_cos_mean) < abs(o.table_cos_mean)
    assert 0 < o.table_cos_std < 1 and 0 < o.centered_max_abs <= 1


@pytest.mark.parametrize("kwargs", [dict(d_values=()), dict(d_values=(1,)), dict(d_values=(4097,)), dict(n=1),
                                    dict(n=limits.PEADD_ORTHO_N.hi + 1), dict(d_values=(8,) * (limits.PEADD_ORTHO_WIDTHS + 1))])
def test_orthogonality_caps(kwargs):
    with pytest.raises(ValueError):
        pe_adds.orthogonality(None, **kwargs)


def test_learned_structure_against_torch_and_numpy(minilm):
    s = pe_adds.learned_structure(minilm, k=5)
    P = minilm.model.embeddings.position.weight.detach().double()  # (512, D)
    for i in (0, 1, 97, 510, 511):  # rows of the matrix, each against PyTorch's op
        np.testing.assert_allclose(s.similarity[i], F.cosine_similarity(P[i][None], P, dim=-1).numpy(), atol=1e-12)
    np.testing.assert_allclose(s.similarity, s.similarity.T, atol=0)
    assert s.by_offset[0] == pytest.approx(1.0) and s.by_offset[3] == pytest.approx(np.diagonal(s.similarity, 3).mean())
    x = P.numpy() - P.numpy().mean(0)
    _, sv, vt = np.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose(s.explained, (sv**2 / (sv**2).sum())[:5], rtol=1e-10)
    proj = x @ vt[: limits.PEADD_CURVES].T  # (512, c), signs arbitrary
    np.testing.assert_allclose(np.abs(s.curves), np.abs(proj.T), atol=1e-10)
    assert s.curves.shape == (limits.PEADD_CURVES, 512) and np.all((s.period_share > 0) & (s.period_share <= 1))
    assert pe_adds.learned_structure(minilm, k=1).curves.shape == (1, 512)


def test_dominant_period_of_a_pure_sinusoid():
    period, share = pe_adds._dominant_period(np.sin(2 * np.pi * np.arange(512) / 64))
    assert period == 64 and share == pytest.approx(1.0)


@pytest.mark.parametrize("k", [0, limits.PEADD_COMPONENTS.hi + 1])
def test_learned_structure_caps(k):
    with pytest.raises(ValueError):
        pe_adds.learned_structure(None, k=k)


def test_e5_4bit_table_read_in_blocks_gives_the_float32_tables_results(e5_encoder, e5_dense):
    """Recovery and the orthogonality of the real rows read e5's 4-bit table a block at a time: the
    same numbers as from its float32 table (the blocks' rows are exactly the table's)."""
    got, want = (pe_adds.recover(enc, positions=2, sample=3, seed=4) for enc in (e5_encoder, e5_dense))
    np.testing.assert_array_equal(got.nearest, want.nearest)
    np.testing.assert_array_equal(got.accuracy, want.accuracy)
    assert (got.self_dot, got.word_norm, got.vocab) == (want.self_dot, want.word_norm, want.vocab)
    got, want = (pe_adds.orthogonality(enc, d_values=(384,), n=64, seed=1) for enc in (e5_encoder, e5_dense))
    for field in ("model_d", "table_cos_mean", "table_cos_std", "table_max_abs", "centered_cos_mean", "centered_max_abs"):
        assert getattr(got, field) == getattr(want, field), field
