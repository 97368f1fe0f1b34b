"""tf_core.lab.pe_variants.extrapolation on the six shipped models: the sweep against metrics.json
(the CLI's own evaluation of the same windows) and against a plain loop over the windows written
here; the break rule on hand-made curves; every argument at both ends of its cap.

Tolerances: the loop below runs one window at a time, the lab 64 at a time; the float32 logits then
differ in the last bits, and a mean over ~10^4 characters moves by < 1e-6 (we allow 1e-5). metrics.json
stores 6 decimals (we allow 1e-4 there)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.lab import pe_variants as lab
from tf_core.models import checkpoints
from tf_core.models.position_lm import KINDS
from tf_core.device import fixed_threads


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    with fixed_threads(1):
        yield


@pytest.fixture(scope="module")
def models():
    return lab.load_models()


@pytest.fixture(scope="module")
def result(models):
    return lab.extrapolation(models)


def test_default_sweep_equals_the_training_runs_own_evaluation(result):
    assert result.kinds == KINDS and list(result.lengths) == list(limits.PE_EVAL_LENGTHS)
    assert result.train_length == limits.PE_TRAIN_LENGTH and result.seed == limits.SEED.default
    for r, kind in enumerate(KINDS):
        ev = checkpoints.load_position_lm(kind).metrics["evaluation"]
        assert (result.span, result.start) == (ev["span"], ev["start"])
        assert list(result.windows) == ev["windows"]
        np.testing.assert_allclose(result.loss[r], ev["loss"], rtol=0, atol=1e-4)
        np.testing.assert_allclose(result.bits[r], ev["bits"], rtol=0, atol=1e-4)


def test_the_sweep_equals_a_plain_loop_over_the_windows(models):
    text = checkpoints.load_position_validation()
    res = lab.extrapolation(models, kinds=("learned", "alibi"), lengths=(48, 32), windows=8, seed=7)
    assert list(res.lengths) == [32, 48] and res.span == 8 * 48
    for r, kind in enumerate(res.kinds):
        model = models[kind]
        ids = torch.tensor(model.cfg.vocab.encode(text))
        for c, L in enumerate(res.lengths):
            total, n = 0.0, 0
            for w in range(res.span // L):
                s = res.start + w * int(L)
                logits = model(ids[None, s:s + L])[0]  # (L, V): one window, from its own start
                total += float(F.cross_entropy(logits.double(), ids[s + 1:s + L + 1], reduction="sum"))
                n += int(L)
            assert res.windows[c] == res.span // L
            assert res.loss[r, c] == pytest.approx(total / n, abs=1e-5), (kind, L)


def test_derived_figures_follow_their_definitions(result):
    longest = result.lengths[-1]
    assert result.per_position.shape == (len(KINDS), longest)
    # every window of the longest length is complete, so the per-position mean averages to the loss
    np.testing.assert_allclose(result.per_position.mean(1), result.loss[:, -1], rtol=1e-12)
    np.testing.assert_allclose(result.bits, result.loss / math.log(2))
    np.testing.assert_allclose(result.ratio, result.loss[:, -1] / result.loss[:, 0])
    assert list(result.holds) == [r <= 1 + lab.TOLERANCE for r in result.ratio]
    T = result.train_length
    np.testing.assert_allclose(result.reference, result.per_position[:, T // 2:T].mean(1))
    for r in range(len(KINDS)):
        assert (result.reference[r], result.break_at[r]) == lab.break_position(result.per_position[r], T)
    assert result.seconds > 0 and result.threads == 1 and result.device == "cpu"


def test_break_rule_on_hand_made_curves():
    flat = np.r_[np.full(4, 3.0), np.ones(12)]  # high start (no context), then flat
    assert lab.break_position(flat, 8, rise=0.1, bin_size=4) == (1.0, -1)
    up = flat.copy()
    up[8] = 1.5  # one position 0.5 high: the bin of 4 averages 1.125, above 1.1
    assert lab.break_position(up, 8, rise=0.1, bin_size=4) == (1.0, 8)
    edge = flat.copy()
    edge[12:16] = 1.1  # exactly reference + rise: not above it
    assert lab.break_position(edge, 8, rise=0.1 + 1e-12, bin_size=4) == (1.0, -1)
    tail = np.r_[flat, [2.0]]  # a last, shorter bin of one position
    assert lab.break_position(tail, 8, rise=0.1, bin_size=4) == (1.0, 16)
    assert lab.break_position(np.ones(5), 5) == (1.0, -1)  # nothing past the training length
    for bad in (0, 6):
        with pytest.raises(ValueError, match="train_length"):
            lab.break_position(np.ones(5), bad)


def test_progress_seed_loader_and_the_training_length_added(models):
    calls = []
    res = lab.extrapolation(lambda kind: models[kind], kinds=("rope",), lengths=(64,), windows=4, seed=3,
                            on_progress=lambda done, total: calls.append((done, total)))
    assert list(res.lengths) == [32, 64] and calls == [(1, 2), (2, 2)]
    again = lab.extrapolation(models, kinds=("rope",), lengths=(64,), windows=4, seed=3)
    np.testing.assert_array_equal(res.loss, again.loss)
    other = lab.extrapolation(models, kinds=("rope",), lengths=(64,), windows=4, seed=4)
    assert other.start != res.start and not np.array_equal(other.loss, res.loss)


def test_caps_at_both_ends(models):
    lo = lab.extrapolation(models, kinds=("none",), lengths=(1,), windows=1, seed=limits.SEED.hi)
    assert list(lo.lengths) == [1, 32] and list(lo.windows) == [32, 1] and lo.break_at[0] == -1
    hi = lab.extrapolation(models, kinds=("sinusoidal",), lengths=(limits.PE_EVAL_LENGTH.hi,),
                           windows=limits.PE_WINDOWS.hi)
    assert hi.span == limits.PE_WINDOWS.hi * limits.PE_EVAL_LENGTH.hi and hi.windows[-1] == limits.PE_WINDOWS.hi


@pytest.mark.parametrize("kwargs,match", [
    (dict(kinds=()), "kinds"),
    (dict(kinds=("absolute",)), "kinds"),
    (dict(kinds=("alibi", "alibi")), "kinds"),
    (dict(lengths=(0,)), "length"),
    (dict(lengths=(limits.PE_EVAL_LENGTH.hi + 1,)), "length"),
    (dict(lengths=(32.5,)), "length"),
    (dict(windows=0), "windows"),
    (dict(windows=limits.PE_WINDOWS.hi + 1), "windows"),
    (dict(seed=-1), "seed"),
    (dict(seed=limits.SEED.hi + 1), "seed"),
    (dict(text="In the beginning"), "longer text"),
])
def test_bad_arguments_raise(models, kwargs, match):
    with pytest.raises(ValueError, match=match):
        lab.extrapolation(models, **({"kinds": ("alibi",)} | kwargs))


def test_a_model_under_the_wrong_name_is_refused(models):
    with pytest.raises(ValueError, match="is a 'learned' model"):
        lab.extrapolation({"alibi": models["learned"]}, kinds=("alibi",))
    with pytest.raises(KeyError):
        lab.extrapolation({"alibi": models["alibi"]}, kinds=("alibi", "rope"))


# --- the side-by-side views ---------------------------------------------------------------------------------
def paper_rope(x: np.ndarray, p: int, theta: float) -> np.ndarray:
    """RoPE written from the formula in float64 with the halves layout: pair i = (x_i, x_{i+h}) turned by p * theta^(-2i/d)."""
    h = len(x) // 2
    a = p * theta ** (-2.0 * np.arange(h) / len(x))
    return np.concatenate([x[:h] * np.cos(a) - x[h:] * np.sin(a), x[:h] * np.sin(a) + x[h:] * np.cos(a)])


@pytest.mark.parametrize("k, d", [(4, 64), (-7, 2), (0, 10), (limits.PE_OFFSET.hi, limits.PE_ROPE_D.hi)])
def test_rope_score_depends_only_on_the_offset(k, d):
    v = lab.rope_offset(k, seed=3, d_head=d, positions=97)
    g = torch.Generator().manual_seed(3)
    q, key = (torch.randn(d, generator=g, dtype=torch.float64).numpy() for _ in range(2))
    for i in (0, 50, 96):
        m = int(v.m[i])
        assert m - k >= 0
        assert v.scores[i] == pytest.approx(paper_rope(q, m, 1e4) @ paper_rope(key, m - k, 1e4), abs=1e-9)
    assert v.direct == pytest.approx(q @ paper_rope(key, -k, 1e4), abs=1e-9)
    assert v.max_deviation < 1e-9 and v.helix.shape == (2, limits.PE_ROPE_HELIX, 2)
    np.testing.assert_allclose(v.helix[0][5], paper_rope(q, 5, 1e4)[[0, d // 2]], atol=1e-12)


def test_rope_offset_rejects_odd_heads_and_out_of_range():
    for bad in (dict(d_head=7), dict(k=limits.PE_OFFSET.hi + 1), dict(seed=-1), dict(positions=0)):
        with pytest.raises(ValueError):
            lab.rope_offset(**bad)


@pytest.mark.parametrize("heads, side", [(1, 1), (8, 5), (6, 7), (limits.ALIBI_HEADS.hi, limits.PE_BIAS_LENGTH.hi)])
def test_alibi_view_is_the_papers_line(heads, side):
    v = lab.alibi_view(heads, side)
    p = 2 ** int(np.floor(np.log2(heads)))
    expected = [2.0 ** (-8.0 * h / p) for h in range(1, p + 1)] + [2.0 ** (-4.0 * h / p) for h in range(1, 2 * p + 1, 2)][:heads - p]
    np.testing.assert_allclose(v.slopes, expected, rtol=1e-12)
    assert v.heads[0] == 0 and v.heads[-1] == heads - 1 and len(v.heads) == min(heads, limits.PE_BIAS_MAPS)
    i, j = np.indices((side, side))
    for m, h in zip(v.maps, v.heads):
        np.testing.assert_allclose(m[i >= j], (-expected[h] * (i - j))[i >= j], rtol=1e-12)
        assert np.isnan(m[i < j]).all()
    with pytest.raises(ValueError):
        lab.alibi_view(0, side)


def test_t5_view_buckets_and_the_trained_bias(models):
    v = lab.t5_view(models["relative"], buckets=8, max_distance=65, side=40)
    assert list(v.bucket[:4]) == [0, 1, 2, 3] and v.bucket.max() == 7 and (v.bucket[65:] == 7).all()
    assert (np.diff(v.bucket) >= 0).all()  # farther is never a nearer bucket
    rel = models["relative"].relative
    w = rel.embedding.weight.detach().double().numpy()  # (buckets, H)
    assert v.trained_maps[0][10, 10] == pytest.approx(w[0, 0], abs=1e-6)  # distance 0: bucket 0
    assert v.trained_maps[0][39, 0] == pytest.approx(w[rel.num_buckets - 1, 0], abs=1e-6)  # far past 32: the last bucket
    assert np.isnan(v.trained_maps[0][0, 1])
    with pytest.raises(ValueError):
        lab.t5_view(models["alibi"])
    with pytest.raises(ValueError):
        lab.t5_view(models["relative"], max_distance=limits.T5_MAX_DISTANCE.lo - 1)


def test_learned_view_has_no_row_past_the_end():
    from tf_core.models import registry

    if "minilm" not in registry.available():
        pytest.skip("MiniLM is not installed")
    enc = registry.load("minilm")
    v = lab.learned_view(enc)
    table = enc.model.embeddings.position.weight.detach().double()
    assert v.rows == table.shape[0] == v.similarity.shape[0] == 512
    ref = F.cosine_similarity(table[:, None], table[None], dim=-1).numpy()
    np.testing.assert_allclose(v.similarity, ref, atol=1e-9)
    with pytest.raises(IndexError) as e:
        torch.nn.functional.embedding(torch.tensor([512]), table)
    assert v.past_end == f"IndexError: {e.value}"


def test_picked_heads_keep_the_first_and_the_last():
    assert [lab.picked_heads(n).tolist() for n in (1, 3, 8, 64)] == [[0], [0, 1, 2], [0, 2, 5, 7], [0, 21, 42, 63]]
