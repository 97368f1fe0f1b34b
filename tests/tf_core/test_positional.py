"""tf_core.positional against the papers' formulas written out again here (float64, plain loops) and
against transformers' own implementations: Llama's RoPE, T5's buckets and bias, BLOOM's ALiBi.

Tolerances, measured (torch 2.13 CPU, transformers 5.23, float64 unless said):
  * sinusoid table vs math.sin/math.cos entry by entry: max |diff| 1.6e-15 at positions below 50,
    4.5e-13 near position 4,096 (the angle p * w rounded in two orders); asserted <= 1e-11 and 1e-12;
  * PE[p + k] vs M_k @ PE[p], |p| and |k| up to 5,000: max |diff| 7.4e-13; asserted <= 1e-10;
  * RoPE in the half layout vs the paper's adjacent pairs (permuted), positions up to 4,095: 2.3e-13,
    asserted <= 1e-11; RoPE scores at the same offset, positions up to 9,000: 1.6e-12, asserted <= 1e-10;
    ours vs transformers' Llama rotary code (float32): bit-identical, the same operations, asserted exactly;
  * T5 buckets and bias vs transformers: exact (integers; the same embedding rows);
  * ALiBi slopes vs BLOOM's float32 powers: max |diff| 6e-8 in float32, asserted rtol 1e-6; the softmax
    of causally masked scores under either form (float32): max |diff| 1.8e-7, asserted <= 1e-6.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tf_core import positional as P



# --- sinusoidal ------------------------------------------------------------------------------------

def paper_table(n: int, d: int, base: float) -> torch.Tensor:
    """Vaswani et al.'s PE, entry by entry; an odd d's last dimension is the sine of the next frequency."""
    pe = torch.zeros(n, d, dtype=torch.float64)
    for p in range(n):
        for dim in range(d):
            i = dim // 2
            angle = p / base ** (2 * i / d)
            pe[p, dim] = math.sin(angle) if dim % 2 == 0 else math.cos(angle)
    return pe


@pytest.mark.parametrize("n, d, base", [(1, 1, 10_000.0), (7, 5, 10_000.0), (13, 64, 10_000.0), (50, 2, 10.0),
                                        (9, 97, 1e6), (3, 1, 2.0)])
def test_sinusoidal_equals_the_paper_formula(n, d, base):
    got = P.sinusoidal(n, d, base, dtype=torch.float64)
    assert got.shape == (n, d)
    torch.testing.assert_close(got, paper_table(n, d, base), atol=1e-11, rtol=0)
    torch.testing.assert_close(P.sinusoidal(n, d, base), got.float(), atol=0, rtol=0)  # float64 then cast


def test_sinusoid_far_positions_and_the_lone_odd_dimension():
    pos = torch.tensor([0, 1, 999, 4096, -5])
    got = P.sinusoid_at(pos, 7, dtype=torch.float64)  # (5, 7)
    w_last = 10_000.0 ** (-6 / 7)  # dimension 6 = 2i with i = 3: a sine, no partner
    want_last = torch.tensor([math.sin(p * w_last) for p in pos.tolist()], dtype=torch.float64)
    torch.testing.assert_close(got[:, 6], want_last, atol=1e-12, rtol=0)
    torch.testing.assert_close(got[:, 0], torch.sin(pos.double()), atol=1e-12, rtol=0)  # pair 0 turns 1 rad a step


def test_frequencies():
    w = P.sinusoid_frequencies(7, 100.0)
    assert w.shape == (4,) and w.dtype == torch.float64 and w[0] == 1.0
    assert bool((w[1:] < w[:-1]).all())  # each pair slower than the one before
    torch.testing.assert_close(w, torch.tensor([100.0 ** (-2 * i / 7) for i in range(4)], dtype=torch.float64))


@pytest.mark.parametrize("bad", [dict(n_positions=0), dict(d=0), dict(d=2.5), dict(base=1.0), dict(base=float("nan")),
                                 dict(base=0.5), dict(n_positions=True)])
def test_sinusoidal_rejects_bad_sizes(bad):
    args = {"n_positions": 4, "d": 6, "base": 10_000.0, **bad}
    with pytest.raises(ValueError):
        P.sinusoidal(**args)


@pytest.mark.parametrize("d", [1, 2, 7, 64, 97])
@pytest.mark.parametrize("k", [0, 1, -3, 37, 5_000, -1_234])
def test_a_shift_is_a_fixed_rotation(d, k):
    m = P.offset_rotation(k, d)  # (d, d)
    paired = 2 * (d // 2)
    p = torch.tensor(np.random.default_rng(d).integers(-5_000, 5_000, size=20))  # random positions; p + k may lie past any table
    here, there = P.sinusoid_at(p, d, dtype=torch.float64), P.sinusoid_at(p + k, d, dtype=torch.float64)  # (20, d)
    moved = here @ m.T  # each row: M_k @ PE[p]
    torch.testing.assert_close(moved[:, :paired], there[:, :paired], atol=1e-10, rtol=0)
    torch.testing.assert_close(m[:paired, :paired] @ m[:paired, :paired].T, torch.eye(paired, dtype=torch.float64))
    if d % 2:  # the lone sine has no exact linear shift: its row and column are zero (documented)
        assert not m[-1].any() and not m[:, -1].any()
        if k:
            assert (moved[:, -1] - there[:, -1]).abs().max() > 0.1


def test_rotations_compose_and_invert():
    a, b = P.offset_rotation(7, 10), P.offset_rotation(-19, 10)
    torch.testing.assert_close(a @ b, P.offset_rotation(-12, 10), atol=1e-12, rtol=0)
    torch.testing.assert_close(P.offset_rotation(0, 10), torch.eye(10, dtype=torch.float64))
    torch.testing.assert_close(a @ P.offset_rotation(-7, 10), torch.eye(10, dtype=torch.float64), atol=1e-12, rtol=0)


# --- looking at a table ----------------------------------------------------------------------------

def test_cosine_similarity_matrix():
    t = torch.randn(9, 5, dtype=torch.float64)
    t[4] = 0  # a zero row: cosine 0 with everything, itself included
    want = torch.nn.functional.cosine_similarity(t[:, None, :], t[None, :, :], dim=-1, eps=1e-300)  # (9, 9)
    got = P.cosine_similarity_matrix(t.float())
    torch.testing.assert_close(got, want, atol=1e-6, rtol=0)  # the input was float32
    assert got.dtype == torch.float64 and not got[4].any()


def test_sinusoid_similarity_depends_only_on_distance():
    n, d = 40, 16
    sim = P.cosine_similarity_matrix(P.sinusoidal(n, d, dtype=torch.float64))
    w = P.sinusoid_frequencies(d)
    want = torch.tensor([[float(torch.cos((i - j) * w).mean()) for j in range(n)] for i in range(n)], dtype=torch.float64)
    torch.testing.assert_close(sim, want, atol=1e-12, rtol=0)
    by_k = P.similarity_by_offset(sim)  # (n,)
    torch.testing.assert_close(by_k, want[0], atol=1e-12, rtol=0)
    assert by_k[0] == pytest.approx(1.0) and by_k[1] > by_k[10]


def test_similarity_by_offset_is_the_mean_of_each_diagonal():
    sim = torch.randn(6, 6, dtype=torch.float64)
    want = [sum(sim[i, i + k].item() for i in range(6 - k)) / (6 - k) for k in range(6)]
    torch.testing.assert_close(P.similarity_by_offset(sim), torch.tensor(want, dtype=torch.float64))
    with pytest.raises(ValueError):
        P.similarity_by_offset(torch.zeros(3, 4))


@pytest.mark.parametrize("n, d, k", [(37, 11, 3), (5, 40, 4), (97, 7, 1), (2, 2, 1)])
def test_principal_components_equal_numpy_svd(n, d, k):
    table = torch.from_numpy(np.random.default_rng(n).standard_normal((n, d)) * np.linspace(3, 0.5, d))  # unequal variances
    pc = P.principal_components(table.float(), k)
    x = table.numpy() - table.numpy().mean(axis=0)
    _, s, vt = np.linalg.svd(x, full_matrices=False)
    signs = np.sign(vt[:k][np.arange(k), np.abs(vt[:k]).argmax(axis=1)])
    want = vt[:k] * signs[:, None]  # the same sign rule, applied to numpy's answer
    np.testing.assert_allclose(pc.components.numpy(), want, atol=1e-5)  # input was float32
    np.testing.assert_allclose(pc.explained_variance_ratio.numpy(), (s**2 / (s**2).sum())[:k], atol=1e-6)
    np.testing.assert_allclose(pc.projections.numpy(), x @ want.T, atol=1e-4)
    assert bool((pc.components.abs().argmax(1) == pc.components.argmax(1)).all())  # largest entry positive


def test_principal_components_against_torch_pca_lowrank():
    torch.manual_seed(0)
    table = torch.randn(60, 12, dtype=torch.float64) @ torch.randn(12, 12, dtype=torch.float64)
    pc = P.principal_components(table, 4)
    _, s, v = torch.pca_lowrank(table, q=12, center=True, niter=6)  # full rank: exact up to sign
    torch.testing.assert_close(pc.components.abs(), v[:, :4].T.abs(), atol=1e-8, rtol=0)
    torch.testing.assert_close(pc.explained_variance_ratio, (s**2 / (s**2).sum())[:4], atol=1e-10, rtol=0)


def test_principal_components_edges():
    flat = torch.ones(5, 3)  # every row equal: nothing to explain, and no NaN
    assert not P.principal_components(flat, 2).explained_variance_ratio.any()
    with pytest.raises(ValueError):
        P.principal_components(torch.randn(4, 3), 4)
    with pytest.raises(ValueError):
        P.principal_components(torch.randn(4, 3), 0)


# --- RoPE ------------------------------------------------------------------------------------------

def paper_rope(x: torch.Tensor, m: int, theta: float) -> torch.Tensor:
    """Su et al.'s rotation, written with adjacent pairs (x_2i, x_2i+1) turned by m * theta^(-2i/d)."""
    d = x.shape[-1]
    out = x.clone()
    for i in range(d // 2):
        a = m * theta ** (-2 * i / d)
        c, s = math.cos(a), math.sin(a)
        out[2 * i] = x[2 * i] * c - x[2 * i + 1] * s
        out[2 * i + 1] = x[2 * i] * s + x[2 * i + 1] * c
    return out


@pytest.mark.parametrize("d", [2, 6, 64])
def test_rope_equals_the_paper_after_the_fixed_permutation(d):
    half_from_adjacent = torch.cat([torch.arange(0, d, 2), torch.arange(1, d, 2)])  # half layout index -> adjacent
    positions = torch.tensor([0, 1, 17, 4095])
    x = torch.randn(4, d, dtype=torch.float64)  # one vector per position, adjacent layout
    cos, sin = P.rope_angles(positions, d, 10_000.0, dtype=torch.float64)  # (4, d)
    ours = P.apply_rope(x[:, half_from_adjacent], cos, sin)  # (4, d) in the half layout
    want = torch.stack([paper_rope(x[t], int(positions[t]), 10_000.0) for t in range(4)])[:, half_from_adjacent]
    torch.testing.assert_close(ours, want, atol=1e-11, rtol=0)


def test_rope_score_depends_only_on_the_offset():
    torch.manual_seed(1)
    q, k = torch.randn(64, dtype=torch.float64), torch.randn(64, dtype=torch.float64)
    for offset in (0, 3, -11, 500):
        m = torch.tensor([0, 1, 37, 1_000, 9_000]) + max(0, -offset)
        scores = P.rope_scores(q, k, m, m + offset, theta=10_000.0)  # (5,)
        assert (scores - scores[0]).abs().max() < 1e-10, scores
    assert float(P.rope_scores(q, k, 0, 0)) == pytest.approx(float(q @ k), abs=1e-12)  # no offset, no turn
    assert abs(float(P.rope_scores(q, k, 0, 3) - P.rope_scores(q, k, 0, 4))) > 1e-3  # the offset matters
    assert P.rope_scores(q, k, torch.arange(6).view(2, 3), 2).shape == (2, 3)


def test_rope_keeps_lengths_and_rejects_odd_heads():
    x = torch.randn(3, 10, 8)  # (H, T, Dh)
    cos, sin = P.rope_angles(torch.arange(10) * 97, 8, 500.0)
    torch.testing.assert_close(P.apply_rope(x, cos, sin).norm(dim=-1), x.norm(dim=-1))
    with pytest.raises(ValueError, match="even"):
        P.rope_angles(torch.arange(3), 7, 10_000.0)


def test_rope_equals_transformers_llama():
    modeling = pytest.importorskip("transformers.models.llama.modeling_llama")
    from transformers import LlamaConfig

    cfg = LlamaConfig(hidden_size=48, num_attention_heads=3, num_key_value_heads=3, max_position_embeddings=256,
                      rope_parameters={"rope_type": "default", "rope_theta": 500.0})
    rotary = modeling.LlamaRotaryEmbedding(cfg)
    q, k = torch.randn(2, 3, 11, 16), torch.randn(2, 3, 11, 16)  # (B, H, T, Dh)
    position_ids = torch.tensor([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 6, 7, 8, 9, 10, 11, 12, 13, 200, 255]])
    hf_cos, hf_sin = rotary(q, position_ids)  # (B, T, Dh)
    hf_q, hf_k = modeling.apply_rotary_pos_emb(q, k, hf_cos, hf_sin)
    for b in range(2):
        cos, sin = P.rope_angles(position_ids[b], 16, 500.0)  # (T, Dh)
        assert torch.equal(cos, hf_cos[b]) and torch.equal(sin, hf_sin[b])
        assert torch.equal(P.apply_rope(q[b], cos, sin), hf_q[b]) and torch.equal(P.apply_rope(k[b], cos, sin), hf_k[b])
    assert torch.equal(P.rotate_half(q), modeling.rotate_half(q))


def test_the_decoder_uses_this_rope():
    from tf_core.models import llama

    assert llama.apply_rope is P.apply_rope and llama.rope_angles is P.rope_angles and llama.rotate_half is P.rotate_half


# --- T5's relative buckets -------------------------------------------------------------------------

SETTINGS = [(32, 128), (16, 64), (64, 256), (9, 128), (33, 100), (8, 20), (4, 8)]  # (9, 128): a float32 boundary


@pytest.mark.parametrize("num_buckets, max_distance", SETTINGS)
@pytest.mark.parametrize("bidirectional", [True, False])
def test_t5_buckets_equal_transformers(num_buckets, max_distance, bidirectional):
    t5 = pytest.importorskip("transformers.models.t5.modeling_t5")
    rel = torch.arange(-300, 301)
    want = t5.T5Attention._relative_position_bucket(rel, bidirectional=bidirectional, num_buckets=num_buckets,
                                                    max_distance=max_distance)
    assert torch.equal(P.t5_bucket(rel, bidirectional, num_buckets, max_distance), want)


def test_t5_buckets_by_hand():
    rel = torch.tensor([0, -1, -7, -8, -12, -127, -128, -10_000, 1, 8, 10_000])
    assert P.t5_bucket(rel).tolist() == [0, 1, 7, 8, 9, 15, 15, 15, 17, 24, 31]  # 16 a side, 8 exact
    assert P.t5_bucket(rel, bidirectional=False).tolist() == [0, 1, 7, 8, 12, 31, 31, 31, 0, 0, 0]  # future = 0
    for bad in (dict(num_buckets=2), dict(num_buckets=32, max_distance=8), dict(num_buckets=1, bidirectional=False)):
        with pytest.raises(ValueError):
            P.t5_bucket(rel, **{"bidirectional": True, **bad})


@pytest.mark.parametrize("decoder", [False, True])
def test_relative_bias_equals_t5_compute_bias(decoder):
    t5 = pytest.importorskip("transformers.models.t5.modeling_t5")
    from transformers import T5Config

    cfg = T5Config(d_model=12, d_kv=4, num_heads=3, relative_attention_num_buckets=16,
                   relative_attention_max_distance=40, is_decoder=decoder)
    ref = t5.T5Attention(cfg, has_relative_attention_bias=True, layer_idx=0)
    ours = P.RelativeBias(3, num_buckets=16, max_distance=40, bidirectional=not decoder)
    ours.embedding.weight.data.copy_(ref.relative_attention_bias.weight.data)
    for q_len, k_len, offset in ((7, 7, 0), (1, 60, 59), (5, 9, 4), (50, 50, 0)):
        want = ref.compute_bias(q_len, k_len, past_seen_tokens=offset)[0]  # (H, q, k)
        assert torch.equal(ours(q_len, k_len, offset), want)


# --- ALiBi -----------------------------------------------------------------------------------------

def test_alibi_slopes_for_eight_heads_are_halvings():
    assert torch.equal(P.alibi_slopes(8, dtype=torch.float64), 0.5 ** torch.arange(1, 9, dtype=torch.float64))
    want_6 = [2 ** -2, 2 ** -4, 2 ** -6, 2 ** -8, 2 ** -1, 2 ** -3]  # 4 heads' slopes, then 8's 1st and 3rd
    assert P.alibi_slopes(6, dtype=torch.float64).tolist() == want_6


def bloom_alibi(n_heads: int, length: int) -> torch.Tensor:
    bloom = pytest.importorskip("transformers.models.bloom.modeling_bloom")
    mask = torch.ones(1, length, dtype=torch.long)
    return bloom.build_alibi_tensor(mask, n_heads, torch.float32).view(n_heads, 1, length)  # slope * j


def test_alibi_slopes_equal_bloom_for_every_head_count():
    for h in range(1, 65):
        torch.testing.assert_close(P.alibi_slopes(h), bloom_alibi(h, 2)[:, 0, 1], rtol=1e-6, atol=0)


@pytest.mark.parametrize("n_heads, T", [(8, 9), (5, 1), (12, 17)])
def test_alibi_gives_the_same_attention_as_bloom_after_the_causal_mask(n_heads, T):
    slopes = P.alibi_slopes(n_heads)
    ours, theirs = P.alibi_bias(slopes, T, T), bloom_alibi(n_heads, T)  # (H, T, T), (H, 1, T)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    gap = (ours - theirs)[:, causal]  # below the diagonal: -slope * i for every key of row i
    i = torch.arange(T)[:, None].expand(T, T)[causal]
    torch.testing.assert_close(gap, -slopes[:, None] * i, atol=1e-4, rtol=1e-6)
    scores = torch.randn(n_heads, T, T)
    probs = [torch.softmax((scores + b).masked_fill(~causal, float("-inf")), dim=-1) for b in (ours, theirs)]
    torch.testing.assert_close(probs[0], probs[1], atol=1e-6, rtol=0)


def test_alibi_bias_values():
    slopes = torch.tensor([0.5, 0.25], dtype=torch.float64)
    b = P.alibi_bias(slopes, 3, 3)
    assert b[0].tolist() == [[0, -0.5, -1], [-0.5, 0, -0.5], [-1, -0.5, 0]]  # symmetric past the diagonal
    torch.testing.assert_close(P.alibi_bias(slopes, 1, 3, offset=2), b[:, 2:])  # a cached decode step


# --- the seam --------------------------------------------------------------------------------------

WHERE = {"none": set(), "sinusoidal": {"input"}, "learned": {"input"}, "rope": {"qk"}, "relative": {"scores"},
         "alibi": {"scores"}}


@pytest.mark.parametrize("kind", P.KINDS)
def test_each_kind_enters_at_one_place(kind):
    torch.manual_seed(0)
    scheme = P.make_positions(kind, d_model=12, n_heads=3, max_positions=20)
    assert scheme.kind == kind
    x, q, k = torch.randn(2, 7, 12), torch.randn(2, 3, 7, 4), torch.randn(2, 3, 7, 4)
    used = set()
    if not torch.equal(scheme.add_to_input(x, offset=2), x):
        used.add("input")
    q2, k2 = scheme.rotate_qk(q, k, offset=2)
    if not (torch.equal(q2, q) and torch.equal(k2, k)):
        used.add("qk")
    if scheme.score_bias(7, 7, offset=0) is not None:
        used.add("scores")
    assert used == WHERE[kind]
    if "scores" in used:
        assert scheme.score_bias(7, 9, offset=2).shape == (3, 7, 9)


def test_schemes_compute_what_the_functions_say():
    x, q, k = torch.randn(2, 5, 12), torch.randn(2, 3, 5, 4), torch.randn(2, 3, 5, 4)
    sin = P.make_positions("sinusoidal", d_model=12, n_heads=3, max_positions=8, base=100.0)
    torch.testing.assert_close(sin.add_to_input(x, offset=3), x + P.sinusoidal(8, 12, 100.0)[3:8], atol=0, rtol=0)
    rope = P.make_positions("rope", d_model=12, n_heads=3, max_positions=8, base=100.0)
    cos, s = P.rope_angles(torch.arange(3, 8), 4, 100.0)
    assert torch.equal(rope.rotate_qk(q, k, offset=3)[1], P.apply_rope(k, cos, s))
    learned = P.make_positions("learned", d_model=12, n_heads=3, max_positions=8)
    torch.testing.assert_close(learned.add_to_input(x, offset=3), x + learned.table.weight[3:8], atol=0, rtol=0)
    with pytest.raises(ValueError, match="learned table"):
        learned.add_to_input(x, offset=4)  # positions 4..8: row 8 does not exist
    alibi = P.make_positions("alibi", d_model=12, n_heads=3, max_positions=8)
    assert torch.equal(alibi.score_bias(2, 6, offset=4), P.alibi_bias(P.alibi_slopes(3), 2, 6, 4))
    rel = P.make_positions("relative", d_model=12, n_heads=3, max_positions=8, bidirectional=False)
    assert not rel.bidirectional and torch.equal(rel.score_bias(4, 4), rel(4, 4))


def test_parameters_per_kind():
    counts = {kind: sum(p.numel() for p in P.make_positions(kind, d_model=12, n_heads=3, max_positions=20).parameters())
              for kind in P.KINDS}
    assert counts == {"none": 0, "sinusoidal": 0, "learned": 20 * 12, "relative": 32 * 3, "rope": 0, "alibi": 0}
    assert P.make_positions("alibi", d_model=12, n_heads=3, max_positions=20).state_dict() == {}  # slopes follow from H
    with pytest.raises(ValueError):
        P.make_positions("absolute", d_model=12, n_heads=3, max_positions=20)
    with pytest.raises(ValueError):
        P.make_positions("rope", d_model=12, n_heads=5, max_positions=20)
    with pytest.raises(ValueError, match="even"):
        P.make_positions("rope", d_model=9, n_heads=3, max_positions=20)
