"""Tests for tf_core.lab.positional_encoding (lesson: what PE is, a shift as a rotation, no positions = no order).

References, written here independently of tf_core.positional: the paper's table and the 2 x 2 rotations in
NumPy float64; the cosine matrix and its per-distance mean, min and max by brute force over the diagonals;
the shift checked against the formula evaluated at p + k. The shuffle runs the real MiniLM (e5 for Chinese
where installed): its per-call position options are checked against Hugging Face in test_encoder_positions.py,
so here the lab's bookkeeping is what is tested (the permutation's direction, its fixed ends, the layers)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from tf_core import limits
from tf_core.lab import positional_encoding as lab

TEXT = "The animal didn't cross the street because it was too tired."
EQUIVARIANT = 2e-5  # float32 rounding of a shuffled MiniLM run (measured ~2e-6; test_encoder_positions.py)


def paper_table(positions: np.ndarray, d: int, base: float) -> np.ndarray:
    """PE[p, 2i] = sin(p / base^(2i/d)), PE[p, 2i+1] = cos(p / base^(2i/d)), float64; an odd d ends in a sine."""
    pe = np.zeros((len(positions), d))
    for j in range(d):
        angle = positions / base ** (2 * (j // 2) / d)
        pe[:, j] = np.sin(angle) if j % 2 == 0 else np.cos(angle)
    return pe


def block_rotation(k: int, d: int, base: float) -> np.ndarray:
    """M_k from its definition: one [[cos kw, sin kw], [-sin kw, cos kw]] per full pair, the rest 0."""
    m = np.zeros((d, d))
    for i in range(d // 2):
        a = k / base ** (2 * i / d)
        m[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]]
    return m


def by_distance(table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, min and max of cos(PE(i), PE(i + k)) over i, for each k, by walking the diagonals."""
    unit = table / np.linalg.norm(table, axis=1, keepdims=True)
    sim = unit @ unit.T
    diags = [np.diagonal(sim, k) for k in range(len(table))]
    return (np.array([x.mean() for x in diags]), np.array([x.min() for x in diags]), np.array([x.max() for x in diags]))


# --- drawing helpers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("d", [1, 2, 7, 97, 256, 257, 1024, 1023])
def test_strided_dims_keep_whole_pairs(d):
    dims = lab.strided_dims(d, 256)
    assert len(dims) <= 256 and len(set(dims)) == len(dims) and dims.min() == 0 and dims.max() < d
    pairs = dims[: 2 * ((len(dims) - d % 2) // 2)].reshape(-1, 2)
    assert (pairs[:, 0] % 2 == 0).all() and (pairs[:, 1] == pairs[:, 0] + 1).all()  # (sin, cos) together
    assert (d % 2 == 0) or dims[-1] == d - 1  # the lone sine is always drawn
    if d <= 256:
        assert dims.tolist() == list(range(d))


def test_strided_examples():
    assert lab.strided(5, 8).tolist() == [0, 1, 2, 3, 4] and lab.strided(10, 4).tolist() == [0, 3, 6, 9]
    assert lab.strided_dims(5, 8).tolist() == [0, 1, 2, 3, 4] and lab.strided_dims(9, 5).tolist() == [0, 1, 4, 5, 8]


@pytest.mark.parametrize("n, side", [(1, 256), (256, 256), (257, 256), (2048, 256), (97, 10)])
def test_strided_rows(n, side):
    rows = lab.strided(n, side)
    assert rows[0] == 0 and len(rows) <= side and rows[-1] < n and len(np.unique(np.diff(rows))) <= 1


# --- the table and its similarity ---------------------------------------------------------------------
@pytest.mark.parametrize("d, length, base", [(64, 128, 10_000.0), (7, 97, 10_000.0), (2, 5, 2.0), (1, 3, 10.0),
                                             (33, 1, 1_000_000.0)])
def test_sinusoids_against_the_paper(d, length, base):
    if d < limits.PE_D.lo:
        with pytest.raises(ValueError):
            lab.sinusoids(d, length, base)
        return
    s = lab.sinusoids(d, length, base)
    table = paper_table(np.arange(length, dtype=float), d, base)
    np.testing.assert_allclose(s.view, table[np.ix_(s.view_positions, s.view_dims)], atol=1e-12, rtol=0)
    np.testing.assert_allclose(s.curves, table[:, 2 * s.curve_pairs].T, atol=1e-12, rtol=0)
    np.testing.assert_allclose(s.periods, 2 * math.pi * base ** (2 * s.curve_pairs / d), rtol=1e-12)
    assert s.curve_pairs[0] == 0 and s.curve_pairs[-1] == (d + 1) // 2 - 1  # the fastest and the slowest pair
    mean, lo, hi = by_distance(table)
    np.testing.assert_allclose(s.by_offset, mean, atol=1e-12)
    np.testing.assert_allclose(s.sim_min, lo, atol=1e-12)
    np.testing.assert_allclose(s.sim_max, hi, atol=1e-12)
    norms = np.linalg.norm(table, axis=1)
    assert s.norm_min == pytest.approx(norms.min(), abs=1e-12) and s.norm_max == pytest.approx(norms.max(), abs=1e-12)
    assert s.lone_sine == (d % 2 == 1)
    if length == 1:
        assert math.isnan(s.closest) and s.closest_at == 0 and s.by_offset.tolist() == pytest.approx([1.0])
    else:
        assert s.closest == pytest.approx(hi[1:].max(), abs=1e-12) and s.closest_at == int(hi[1:].argmax()) + 1


def test_similarity_depends_on_distance_alone_for_an_even_d():
    """sum_i cos((i - j) w_i): the spread at one distance is rounding for an even d; an odd d's lone sine
    (a function of the position itself, not of the distance) and its unequal norms break it."""
    even = lab.sinusoids(64, 300, 100.0)
    odd = lab.sinusoids(5, 300, 100.0)
    assert even.spread < 1e-12
    assert odd.spread > 1e-3
    assert even.norm_max - even.norm_min < 1e-12 and even.norm_min == pytest.approx(math.sqrt(32))
    assert odd.norm_min >= math.sqrt(2) - 1e-12 and odd.norm_max <= math.sqrt(3) + 1e-12


def test_sinusoids_at_the_caps_draw_a_strided_view():
    s = lab.sinusoids(limits.PE_D.hi, limits.PE_LENGTH.hi, limits.PE_BASE.hi)
    assert s.strided and s.view.shape == (len(s.view_positions), len(s.view_dims))
    assert max(s.view.shape) <= limits.PE_DRAW_SIDE and s.sim_view.shape == (len(s.view_positions),) * 2
    assert s.by_offset.shape == (limits.PE_LENGTH.hi,) and s.spread < 1e-12
    small = lab.sinusoids(limits.PE_D.lo, limits.PE_LENGTH.lo, limits.PE_BASE.lo)
    assert not small.strided and small.view.shape == (1, 2)


@pytest.mark.parametrize("d, length, base", [(1, 8, 10.0), (1025, 8, 10.0), (8, 0, 10.0), (8, 2049, 10.0),
                                             (8, 8, 1.9), (8, 8, 1_000_001.0), (8, 8, float("nan")), (8.5, 8, 10.0)])
def test_sinusoids_and_shift_refuse_inputs_outside_the_caps(d, length, base):
    with pytest.raises(ValueError):
        lab.sinusoids(d, length, base)
    with pytest.raises(ValueError):
        lab.shift(d, length, base, 1)


# --- a shift is a rotation ----------------------------------------------------------------------------
@pytest.mark.parametrize("d, length, base, k", [(64, 128, 10_000.0, 4), (7, 13, 10_000.0, -4_096), (2, 1, 2.0, 4_096),
                                                (97, 50, 100.0, 51), (16, 20, 10.0, -3)])
def test_shift_is_the_block_rotation(d, length, base, k):
    h = lab.shift(d, length, base, k)
    p = np.arange(length, dtype=float)
    table, target = paper_table(p, d, base), paper_table(p + k, d, base)
    m = block_rotation(k, d, base)
    paired = 2 * (d // 2)
    np.testing.assert_allclose(h.corner, m[: h.corner.shape[0], : h.corner.shape[1]], atol=1e-12)
    expected = np.abs(target - table @ m.T)[:, :paired].max(axis=1)
    np.testing.assert_allclose(h.error_by_position, expected, atol=1e-12)
    assert h.max_error < 1e-10  # sin and cos of angles up to ~6,000 radians in float64
    assert h.outside_blocks == 0 and h.rotation_error < 1e-15
    w = base ** (-2 * np.arange(d // 2) / d)
    assert (h.angles > -math.pi).all() and (h.angles <= math.pi).all()
    np.testing.assert_allclose(np.cos(h.angles), np.cos(k * w), atol=1e-9)
    np.testing.assert_allclose(np.sin(h.angles), np.sin(k * w), atol=1e-9)
    assert (h.first_target, h.last_target) == (k, length - 1 + k)
    if d % 2:  # no fixed matrix moves a lone sine: M_k's last row is 0, so the miss is |sin((p + k) w)|
        assert h.lone_error == pytest.approx(np.abs(target[:, -1]).max(), abs=1e-12)
    else:
        assert math.isnan(h.lone_error)


def test_shift_by_zero_is_exact_and_k_is_capped():
    h = lab.shift(9, 30, 10_000.0, 0)
    assert h.max_error == 0.0 and h.angles.tolist() == [0.0] * 4
    for k in (limits.PE_OFFSET.lo - 1, limits.PE_OFFSET.hi + 1, 1.5):
        with pytest.raises(ValueError):
            lab.shift(8, 8, 10.0, k)


# --- no positions, no order ---------------------------------------------------------------------------
@pytest.mark.parametrize("ids", [(101, 5, 6, 7, 8, 9, 102), (101, 5, 5, 6, 102), (101, 5, 6, 102)])
@pytest.mark.parametrize("seed", [limits.SEED.lo, limits.SEED.hi])
def test_shuffle_order_moves_every_inner_token(ids, seed):
    order = lab.shuffle_order(ids, seed)
    T = len(ids)
    assert sorted(order.tolist()) == list(range(T)) and order[0] == 0 and order[-1] == T - 1
    assert (order[1:-1] != np.arange(1, T - 1)).all()  # every inner position gets another token
    assert np.asarray(ids)[order].tolist() != list(ids)
    assert lab.shuffle_order(ids, seed).tolist() == order.tolist()  # seeded


@pytest.mark.parametrize("ids", [(101, 102), (101, 7, 102), (101, 7, 7, 7, 102)])
def test_shuffle_order_is_the_identity_when_nothing_can_move(ids):
    assert lab.shuffle_order(ids, 3).tolist() == list(range(len(ids)))


def test_shuffle_on_minilm_is_equivariant_without_positions(minilm):
    r = lab.shuffle(minilm, TEXT, seed=0)
    T = len(r.pieces)
    assert r.moved > 0 and r.none.shape == r.kept.shape == r.carried.shape == (minilm.model.cfg.n_layers + 1, T)
    assert r.shuffled == tuple(r.pieces[i] for i in r.order) and r.shuffled[0] == "[CLS]" and r.shuffled[-1] == "[SEP]"
    assert (r.none[0] == 0).all()  # the embeddings: a row lookup and a per-token LayerNorm, moved exactly
    assert r.none.max() < EQUIVARIANT and r.carried.max() < EQUIVARIANT
    assert r.kept.max() > 0.1 and r.kept.max() > 1_000 * r.none.max()
    assert r.pooled_none < EQUIVARIANT and r.pooled_kept > 1e-3  # a mean over the tokens ignores their order
    assert r.unk == 0 and not r.truncated
    hidden = minilm.run(minilm.tokenize(TEXT, limits.ENCODER_TOKENS), need_weights=False).hidden_states
    assert r.scale == pytest.approx(max(float(h.abs().max()) for h in hidden))  # every layer, positions as usual


def test_shuffle_of_nothing_and_at_the_token_caps(minilm):
    for text in ("", "cat", "cat cat cat"):
        r = lab.shuffle(minilm, text, seed=limits.SEED.hi)
        assert r.moved == 0 and r.order.tolist() == list(range(len(r.pieces)))
        assert r.none.max() == r.kept.max() == r.carried.max() == 0.0  # the same input twice
    short = lab.shuffle(minilm, TEXT, 0, max_tokens=limits.ENCODER_TOKEN_CAP.lo)
    assert short.pieces == ("[CLS]", "[SEP]") and short.truncated and short.moved == 0
    long = lab.shuffle(minilm, "<b>x</b> 🙂 " + "word " * 300, 0, max_tokens=limits.ENCODER_TOKEN_CAP.hi)
    assert long.truncated and len(long.pieces) == limits.ENCODER_TOKENS and long.none.max() < EQUIVARIANT
    for bad in (limits.ENCODER_TOKEN_CAP.lo - 1, limits.ENCODER_TOKEN_CAP.hi + 1):
        with pytest.raises(ValueError):
            lab.shuffle(minilm, TEXT, 0, max_tokens=bad)
    with pytest.raises(ValueError):
        lab.shuffle(minilm, TEXT, limits.SEED.hi + 1)


def test_shuffle_on_e5_for_chinese(e5_encoder):
    r = lab.shuffle(e5_encoder, "这只动物没有过马路，因为它太累了。", seed=1)
    assert r.moved > 0 and r.shuffled[0] == "<s>" and r.shuffled[-1] == "</s>"
    assert r.none.max() < EQUIVARIANT and r.kept.max() > 0.1  # 12 layers: measured 2.0e-6 and 2.0
