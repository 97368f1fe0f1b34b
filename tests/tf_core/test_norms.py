"""tf_core.norms against PyTorch's own modules: nn.LayerNorm, nn.BatchNorm1d (training and evaluation
mode, running statistics included) and nn.RMSNorm; outputs and gradients, odd sizes, padded positions."""
from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from tf_core.norms import BatchNorm, LayerNorm, RMSNorm, make_norm

SHAPES = [(1, 1, 7), (3, 5, 7), (2, 9, 97), (4, 1, 2)]  # (D = 1 normalises to 0: a gradient of rounding noise)


def random_affine(ours: nn.Module, theirs: nn.Module, gen: torch.Generator) -> None:
    """The same random gamma (and beta) in both, so a swapped or missing scale would show."""
    with torch.no_grad():
        ours.weight.copy_(torch.randn(ours.weight.shape, generator=gen))
        theirs.weight.copy_(ours.weight)
        if getattr(ours, "bias", None) is not None:
            ours.bias.copy_(torch.randn(ours.bias.shape, generator=gen))
            theirs.bias.copy_(ours.bias)


def check_grads(ours: nn.Module, theirs: nn.Module, x: torch.Tensor, flat_for_theirs: bool = False) -> None:
    a = x.clone().requires_grad_(True)
    b = x.clone().requires_grad_(True)
    ya = ours(a)
    yb = theirs(b.reshape(-1, x.shape[-1])).reshape(x.shape) if flat_for_theirs else theirs(b)
    assert_close(ya, yb)
    w = torch.randn(ya.shape, generator=torch.Generator().manual_seed(7))  # a loss that weighs every output differently
    (ya * w).sum().backward()
    (yb * w).sum().backward()
    assert_close(a.grad, b.grad)
    assert_close(ours.weight.grad, theirs.weight.grad)


@pytest.mark.parametrize("shape", SHAPES)
def test_layer_norm_equals_torch(shape):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(shape, generator=gen) * 3 + 1
    ours, theirs = LayerNorm(shape[-1]), nn.LayerNorm(shape[-1])
    random_affine(ours, theirs, gen)
    check_grads(ours, theirs, x)


@pytest.mark.parametrize("shape", SHAPES)
def test_rms_norm_equals_torch(shape):
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(shape, generator=gen) * 2 + 0.5
    ours, theirs = RMSNorm(shape[-1], eps=1e-6), nn.RMSNorm(shape[-1], eps=1e-6)
    random_affine(ours, theirs, gen)
    check_grads(ours, theirs, x)


@pytest.mark.parametrize("shape", [(3, 5, 7), (2, 9, 97), (4, 1, 3)])
def test_batch_norm_training_equals_torch_running_stats_included(shape):
    gen = torch.Generator().manual_seed(2)
    ours, theirs = BatchNorm(shape[-1], momentum=0.1), nn.BatchNorm1d(shape[-1], momentum=0.1)
    random_affine(ours, theirs, gen)
    for step in range(3):  # running statistics follow PyTorch's over several batches
        x = torch.randn(shape, generator=gen) * (step + 1) + step
        check_grads(ours, theirs, x, flat_for_theirs=True)
        ours.zero_grad(), theirs.zero_grad()
        assert_close(ours.running_mean, theirs.running_mean)
        assert_close(ours.running_var, theirs.running_var)  # the unbiased variance, as PyTorch keeps
    ours.eval(), theirs.eval()
    x = torch.randn(shape, generator=gen)
    assert_close(ours(x), theirs(x.reshape(-1, shape[-1])).reshape(shape))  # eval: running statistics


def test_batch_norm_features_last_equals_batchnorm1d_on_the_transposed_layout():
    x = torch.randn(2, 6, 5, generator=torch.Generator().manual_seed(3))
    theirs = nn.BatchNorm1d(5)
    assert_close(BatchNorm(5)(x), theirs(x.transpose(1, 2)).transpose(1, 2))


def test_batch_norm_mask_leaves_padding_out_of_the_statistics():
    gen = torch.Generator().manual_seed(4)
    x = torch.randn(3, 7, 11, generator=gen)
    mask = torch.ones(3, 7, dtype=torch.bool)
    mask[0, 4:] = False
    mask[2, 2:] = False
    x[~mask] = 0.0  # padding: zero vectors, as a padded batch holds
    bn = BatchNorm(11)
    stats = bn.statistics(x, mask)
    real = x[mask]  # (N_real, D)
    assert stats.count == int(mask.sum())
    assert_close(stats.mean, real.mean(0))
    assert_close(stats.scale, torch.sqrt(real.var(0, unbiased=False) + bn.eps))
    counted = bn.statistics(x)  # the padding counted: the zeros pull the mean toward 0
    assert counted.count == 21
    assert not torch.allclose(counted.mean, stats.mean)
    # the real tokens are normalised by the real tokens' statistics: equal to BatchNorm1d on them alone
    out = bn(x, mask)
    assert_close(out[mask], nn.BatchNorm1d(11)(real))


def test_layer_norm_statistics_do_not_depend_on_the_batch():
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(4, 6, 16, generator=gen)
    ln = LayerNorm(16)
    whole = ln.statistics(x)
    alone = ln.statistics(x[1:2, :3])
    assert whole.mean.shape == (4, 6)
    assert torch.equal(whole.mean[1, :3], alone.mean[0]) and torch.equal(whole.scale[1, :3], alone.scale[0])


def test_batch_norm_of_one_value_per_feature_raises_like_torch():
    x = torch.randn(1, 1, 4)
    with pytest.raises(ValueError, match="more than one value"):
        BatchNorm(4)(x)
    with pytest.raises(ValueError):  # PyTorch refuses too
        nn.BatchNorm1d(4)(x.reshape(1, 4))
    bn = BatchNorm(4).eval()  # evaluation mode uses the running statistics: any batch size
    assert torch.isfinite(bn(x)).all()


def test_make_norm_names_and_rejects():
    assert isinstance(make_norm("layer", 4), LayerNorm) and isinstance(make_norm("rms", 4), RMSNorm)
    assert isinstance(make_norm("batch", 4), BatchNorm) and isinstance(make_norm("none", 4), nn.Identity)
    with pytest.raises(ValueError, match="unknown norm"):
        make_norm("group", 4)
