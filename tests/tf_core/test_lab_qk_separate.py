"""tf_core.lab.qk_separate: the measures on small known matrices, then on the real MiniLM."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from tf_core.lab import qk_separate as lab

F64 = torch.float64


def test_asymmetry_known_values():
    sym = torch.tensor([[1.0, 2.0], [2.0, 5.0]], dtype=F64)
    anti = torch.tensor([[0.0, 3.0], [-3.0, 0.0]], dtype=F64)
    assert lab.asymmetry(sym).item() == 0.0
    assert lab.asymmetry(anti).item() == pytest.approx(1.0)
    # S = sym + anti: |anti|_F / |S|_F
    s = sym + anti
    assert lab.asymmetry(s).item() == pytest.approx(torch.linalg.matrix_norm(anti).item() / torch.linalg.matrix_norm(s).item())
    assert lab.asymmetry(torch.zeros(3, 3, dtype=F64)).item() == 0.0  # no division by zero
    batch = torch.stack([sym, anti])
    torch.testing.assert_close(lab.asymmetry(batch), torch.tensor([0.0, 1.0], dtype=F64))


def test_diagonal_max_rate_known_values():
    s = torch.tensor([[3.0, 1.0, 0.0], [5.0, 2.0, 0.0], [0.0, 1.0, 1.0]], dtype=F64)
    # row 0: diagonal max; row 1: no; row 2: tie with the diagonal counts
    assert lab.diagonal_max_rate(s).item() == pytest.approx(2 / 3)


def test_gram_matrix_is_symmetric_and_mostly_diagonal():
    """The shared-projection case in miniature: S = Q Q^T."""
    g = torch.Generator().manual_seed(0)
    q = torch.randn(4, 9, 16, generator=g, dtype=F64)
    s = q @ q.transpose(-2, -1)
    assert lab.asymmetry(s).abs().max().item() < 1e-15
    assert (lab.diagonal_max_rate(s) > 0.5).all()


@pytest.mark.parametrize("layer", [0, 3, 5])
def test_real_model_own_vs_shared(minilm, layer):
    r = lab.run(minilm, "The animal didn't cross the street because it was too tired.", layer=layer, max_tokens=128)
    H, T = 12, len(r.pieces)
    assert r.scores_own.shape == r.scores_shared.shape == (H, T, T)
    np.testing.assert_allclose(r.scores_shared, np.swapaxes(r.scores_shared, 1, 2), atol=1e-12)
    assert r.asym_shared.max() < 1e-12
    assert r.dtype == "float64" and r.rounding_bound == pytest.approx(32 * 2.0**-52)  # d_h = 32 in MiniLM
    assert r.shared_is_rounding and (r.asym_own > 1e6 * r.rounding_bound).all()
    assert not replace(r, asym_shared=r.asym_own).shared_is_rounding  # the verdict follows the numbers
    assert r.asym_own.min() > 0.05  # every real head is measurably asymmetric
    # the shared projection puts each row's maximum on the diagonal far more often
    assert r.diag_shared.mean() > r.diag_own.mean() + 0.2
    assert r.chance == 1 / T
    # softmax rows are normalised separately: even shared-projection weights are not symmetric
    assert (r.weights_asym_shared > 0.01).all()
    assert r.wk_params == 384 * 384 + 384


def test_scores_equal_the_models_own_attention(minilm):
    """softmax of scores_own is exactly the attention the encoder returns at that layer."""
    text = "Queries ask, keys answer."
    r = lab.run(minilm, text, layer=2, max_tokens=128)
    out = minilm.run(minilm.tokenize(text, 128))
    weights = torch.softmax(torch.from_numpy(r.scores_own), dim=-1)
    torch.testing.assert_close(weights.float(), out.attentions[2][0], rtol=1e-4, atol=1e-5)


def test_bad_layer_and_truncation(minilm):
    with pytest.raises(ValueError):
        lab.run(minilm, "x", layer=6, max_tokens=128)
    r = lab.run(minilm, "word " * 300, layer=0, max_tokens=20)
    assert r.truncated and len(r.pieces) == 20 and r.n_total > 20
    r = lab.run(minilm, "", layer=0, max_tokens=20)
    assert r.pieces == ("[CLS]", "[SEP]")


def test_auto_head_puts_the_least_weight_on_the_first_key(minilm):
    r = lab.run(minilm, "Queries ask, keys answer.", layer=2, max_tokens=64)
    share = torch.softmax(torch.from_numpy(r.scores_own), dim=-1)[..., 0].mean(dim=-1).numpy()
    np.testing.assert_allclose(r.first_key_share_own, share, atol=1e-12)
    assert r.auto_head == int(np.argmin(share))
