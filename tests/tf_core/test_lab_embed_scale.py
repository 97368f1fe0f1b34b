"""Tests for tf_core.lab.embed_scale (lesson: why the embeddings are multiplied by sqrt(d_model)).

References: the expected norms in closed form (E ~ N(0, sigma^2) per entry: E|e|^2 = d sigma^2; the paper's
PE: |PE(p)|^2 = d/2 for an even d, d//2 + sin^2(p w_last) for an odd one), the paper's table written here
in NumPy, and every measured quantity recomputed in NumPy from the same seeded draw (the lab's documented
protocol: ``torch.Generator().manual_seed(seed)``, then one ``randn(P, d)`` in float64, times sigma)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tf_core import limits
from tf_core.lab import embed_scale as lab


def paper_table(positions: np.ndarray, d: int, base: float = 10_000.0) -> np.ndarray:
    pe = np.zeros((len(positions), d))
    for j in range(d):
        angle = positions / base ** (2 * (j // 2) / d)
        pe[:, j] = np.sin(angle) if j % 2 == 0 else np.cos(angle)
    return pe


def drawn(d: int, sigma: float, seed: int, positions: int) -> np.ndarray:
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(positions, d, generator=g, dtype=torch.float64) * sigma).numpy()


def cos_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_init_std():
    assert lab.init_std("tied", 512) == pytest.approx(1 / math.sqrt(512))
    assert lab.init_std("bert", 512) == 0.02 and lab.init_std("torch", 7) == 1.0
    assert set(limits.EMB_INITS) == {"tied", "bert", "torch"}
    with pytest.raises(ValueError):
        lab.init_std("xavier", 8)


@pytest.mark.parametrize("d, init, seed", [(512, "tied", 0), (7, "bert", limits.SEED.hi), (2, "torch", 3), (97, "tied", 1)])
def test_run_against_numpy(d, init, seed):
    P = 20
    r = lab.run(d, init, seed, positions=P)
    sigma = lab.init_std(init, d)
    e, pe = drawn(d, sigma, seed, P), paper_table(np.arange(P, dtype=float), d)
    np.testing.assert_allclose(r.pe_norm, np.linalg.norm(pe, axis=1), rtol=1e-12)
    np.testing.assert_allclose(r.pe_norm, lab.pe_norm_expected(d, np.arange(P)), rtol=1e-12)
    for case, f in ((r.plain, 1.0), (r.scaled, math.sqrt(d))):
        x = f * e + pe
        assert case.factor == pytest.approx(f)
        np.testing.assert_allclose(case.e_norm, np.linalg.norm(f * e, axis=1), rtol=1e-12)
        np.testing.assert_allclose(case.ratio, np.linalg.norm(f * e, axis=1) / np.linalg.norm(pe, axis=1), rtol=1e-12)
        np.testing.assert_allclose(case.cos_word, cos_rows(x, e), atol=1e-12)
        np.testing.assert_allclose(case.cos_pe, cos_rows(x, pe), atol=1e-12)
        np.testing.assert_allclose(case.view, x[:, r.view_dims], atol=1e-12)
    np.testing.assert_allclose(r.pe_view, pe[:, r.view_dims], atol=1e-12)
    if d <= limits.PE_DRAW_SIDE:
        assert r.view_dims.tolist() == list(range(d))
    else:  # 512 = 256 pairs: one pair in two drawn, both of its dimensions
        assert r.view_dims.tolist() == [j for i in range(0, d // 2, 2) for j in (2 * i, 2 * i + 1)]


def test_pe_norm_closed_form():
    p = np.arange(300)
    np.testing.assert_allclose(lab.pe_norm_expected(64, p), math.sqrt(32))
    w_last = 10_000.0 ** (-4 / 5)  # d = 5: the lone sine is pair 2, w = base^(-2*2/5)
    np.testing.assert_allclose(lab.pe_norm_expected(5, p), np.sqrt(2 + np.sin(p * w_last) ** 2), rtol=1e-12)
    np.testing.assert_allclose(lab.pe_norm_expected(5, p), np.linalg.norm(paper_table(p.astype(float), 5), axis=1), rtol=1e-12)


@pytest.mark.parametrize("init, expected_e", [("tied", lambda d: 1.0), ("bert", lambda d: 0.02 * math.sqrt(d)),
                                              ("torch", lambda d: math.sqrt(d))])
def test_norms_match_their_expectation(init, expected_e):
    """E|e|^2 = d sigma^2: the mean of |e|^2 over 256 rows of d = 1024 is within 1% of it (its relative
    standard deviation is sqrt(2 / (d P)) ~ 0.3%)."""
    d, P = 1024, 256
    r = lab.run(d, init, 5, positions=P)
    assert r.e_norm_expected == pytest.approx(expected_e(d))
    assert np.mean(r.plain.e_norm ** 2) == pytest.approx(d * r.sigma ** 2, rel=0.01)
    assert np.mean(r.scaled.e_norm ** 2) == pytest.approx(d * d * r.sigma ** 2, rel=0.01)
    np.testing.assert_allclose(r.pe_norm, math.sqrt(d / 2), rtol=1e-12)


def test_the_trap_measured_at_the_papers_size():
    """d_model 512, a tied N(0, 1/d) table: without the factor the sum is the PE; with it, mostly the word."""
    r = lab.run(512, "tied", 0)
    assert r.plain.ratio.mean() == pytest.approx(math.sqrt(2 / 512), rel=0.05)  # ~1/16
    assert r.scaled.ratio.mean() == pytest.approx(math.sqrt(2), rel=0.05)
    assert r.plain.cos_word.mean() < 0.1 and r.plain.cos_pe.mean() > 0.99
    assert r.scaled.cos_word.mean() > 0.7 and r.scaled.cos_word.mean() > r.scaled.cos_pe.mean()
    assert (r.scaled.e_norm > r.plain.e_norm).all()  # the factor scales up


def test_sweep_follows_the_expected_ratio():
    r = lab.run(64, "tied", 2, positions=limits.EMB_POSITIONS.hi)
    assert r.sweep_d.tolist() == list(limits.EMB_SWEEP_D)
    big = r.sweep_d >= 64  # E|e| < sqrt(E|e|^2) at small d (Jensen): the expectation is for the root mean square
    np.testing.assert_allclose(r.sweep_plain[big], r.sweep_expected(False)[big], rtol=0.02)
    np.testing.assert_allclose(r.sweep_scaled[big], r.sweep_expected(True)[big], rtol=0.02)
    np.testing.assert_allclose(r.sweep_expected(True), math.sqrt(2))  # flat: the point of the factor
    np.testing.assert_allclose(r.sweep_scaled, r.sweep_plain * np.sqrt(r.sweep_d), rtol=1e-12)
    assert (np.diff(r.sweep_plain[big]) < 0).all()  # the unscaled word shrinks against the PE as d grows


def test_caps_and_a_wide_table_drawn_strided():
    wide = lab.run(limits.EMB_D.hi, "bert", 0, positions=limits.EMB_POSITIONS.lo)
    assert wide.plain.view.shape == (1, len(wide.view_dims)) and len(wide.view_dims) <= limits.PE_DRAW_SIDE
    narrow = lab.run(limits.EMB_D.lo, "tied", 0, positions=limits.EMB_POSITIONS.hi)
    assert narrow.pe_norm.shape == (limits.EMB_POSITIONS.hi,)
    np.testing.assert_allclose(narrow.pe_norm, 1.0)  # d = 2: one (sin, cos) pair
    for kwargs in ({"d": 1}, {"d": limits.EMB_D.hi + 1}, {"positions": 0}, {"positions": limits.EMB_POSITIONS.hi + 1},
                   {"seed": -1}, {"seed": limits.SEED.hi + 1}, {"init": "x"}, {"d": 8.5}):
        with pytest.raises(ValueError):
            lab.run(**{"d": 8, "init": "tied", "seed": 0, **kwargs})


def test_learned_norms_of_minilm(minilm):
    m = lab.learned(minilm)
    emb = minilm.model.embeddings
    word = emb.word.weight.detach().double().norm(dim=1).numpy()
    np.testing.assert_allclose(m.word_quantiles, np.quantile(word, [0.1, 0.5, 0.9]), rtol=1e-9)
    np.testing.assert_allclose(m.position_norms, emb.position.weight.detach().double().norm(dim=1).numpy(), rtol=1e-12)
    assert m.type_norm == pytest.approx(float(emb.token_type.weight[0].detach().double().norm()))
    assert (m.d, m.vocab, len(m.position_norms)) == (384, 30_522, 512)
    # one scale for both learned tables (measured: 1.11 and 0.478), far from what sqrt(d) = 19.6 would give
    assert 0.5 < m.ratio < 5 and m.ratio == pytest.approx(m.word_quantiles[1] / np.median(m.position_norms))


def test_e5_word_norms_read_in_blocks_equal_the_float32_tables(e5_encoder, e5_dense):
    got, want = lab.learned(e5_encoder), lab.learned(e5_dense)
    assert got.vocab == want.vocab == 250_037
    np.testing.assert_array_equal(got.word_quantiles, want.word_quantiles)
