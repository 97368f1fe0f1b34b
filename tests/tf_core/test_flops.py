"""tf_core.flops against torch.utils.flop_counter.FlopCounterMode counting real PyTorch code.

References: nn.Linear (the projections and the FFN), torch.matmul (Q Kᵀ, weights · V), PyTorch's
scaled_dot_product_attention in its math form (under FlopCounterMode the CPU's fused kernel,
aten._scaled_dot_product_flash_attention_for_cpu, has no FLOP formula and would count 0), an additive
attention written below both ways, and tf_core.blocks.Block. Large sizes run on the meta device:
FlopCounterMode counts from shapes, so a 4096-token block costs no memory and no time.
"""
from __future__ import annotations

import importlib.util
from fractions import Fraction
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

from tf_core import flops
from tf_core.blocks import Block, BlockConfig

META = torch.device("meta")
# (b, n, d, h, d_ff): one token, odd sizes, more heads, a wide FFN, a real size (MiniLM's width).
SIZES = [(1, 1, 4, 1, 4), (2, 7, 12, 3, 20), (3, 97, 16, 4, 50), (1, 33, 64, 8, 256), (2, 256, 384, 6, 1536)]


def counted(fn, *args) -> tuple[int, dict]:
    """(total FLOPs, {module name: FLOPs}) that FlopCounterMode counts while fn(*args) runs."""
    with FlopCounterMode(display=False) as mode:
        fn(*args)
    per_module = {name: sum(ops.values()) for name, ops in mode.get_flop_counts().items()}
    return mode.get_total_flops(), per_module


# --------------------------------------------------------------------------- the parts, one by one


@pytest.mark.parametrize("b,n,d,h,d_ff", SIZES)
def test_each_part_equals_flop_counter_on_pytorch_layers(b, n, d, h, d_ff):
    x = torch.empty(b, n, d, device=META)
    q = k = v = torch.empty(b, h, n, d // h, device=META)  # (B, H, T, Dh)
    w = torch.empty(b, h, n, n, device=META)  # (B, H, T, T)
    qkv = [nn.Linear(d, d, device=META) for _ in range(3)]
    out = nn.Linear(d, d, device=META)
    ffn = nn.Sequential(nn.Linear(d, d_ff, device=META), nn.GELU(), nn.Linear(d_ff, d, device=META))

    assert counted(lambda: [lin(x) for lin in qkv])[0] == flops.qkv_projections(n, d, b)
    assert counted(torch.matmul, q, k.transpose(-2, -1))[0] == flops.attention_scores(n, d, h, b)
    assert counted(torch.matmul, w, v)[0] == flops.attention_values(n, d, h, b)
    assert counted(out, x)[0] == flops.output_projection(n, d, b)
    assert counted(ffn, x)[0] == flops.ffn(n, d, d_ff, b)


@pytest.mark.parametrize("b,n,d,h,d_ff", SIZES)
def test_attention_core_equals_sdpa_math_form(b, n, d, h, d_ff):
    q = k = v = torch.empty(b, h, n, d // h, device=META)  # (B, H, T, Dh)
    with sdpa_kernel(SDPBackend.MATH):
        total, _ = counted(F.scaled_dot_product_attention, q, k, v)
    cost = flops.block(n, d, h, d_ff, b)
    assert total == cost.scores + cost.values == cost.core


def test_heads_do_not_change_the_core():
    # h heads of d/h: the same FLOPs as one head of d, counted by PyTorch for each split
    d, n = 48, 19
    for h in (1, 2, 3, 4, 6, 8, 12, 16, 24, 48):
        q = torch.empty(1, h, n, d // h, device=META)
        assert counted(torch.matmul, q, q.transpose(-2, -1))[0] == flops.attention_scores(n, d, h) == 2 * n * n * d


# --------------------------------------------------------------------------- the whole block


@pytest.mark.parametrize("b,n,d,h,d_ff", SIZES)
@pytest.mark.parametrize("causal", [False, True])
def test_block_equals_flop_counter_on_tf_core_block(b, n, d, h, d_ff, causal):
    block = Block(BlockConfig(d_model=d, n_heads=h, d_ff=d_ff, act="gelu", causal=causal)).to(META)
    with sdpa_kernel(SDPBackend.MATH):  # dense: a causal mask is applied to all n² scores, as the docstring says
        total, per = counted(block, torch.empty(b, n, d, device=META))
    cost = flops.block(n, d, h, d_ff, b)
    assert per["Block.attn.q"] + per["Block.attn.k"] + per["Block.attn.v"] == cost.qkv
    assert per["Block.attn.o"] == cost.out_proj
    assert per["Block.ffn"] == cost.ffn
    # Block.attn counts what runs inside its forward: W_Q, the core and W_O (K and V are projected
    # before, by Attention.keys_values, so they count under Block.attn.k and .v only)
    assert per["Block.attn"] - per["Block.attn.q"] - per["Block.attn.o"] == cost.core
    assert total == cost.total == sum(cost.parts.values())


@pytest.mark.parametrize("d,h,d_ff", [(4, 1, 4), (12, 3, 20), (64, 8, 256), (384, 6, 1536), (768, 12, 3072)])
def test_parameter_counts_equal_the_block_modules(d, h, d_ff):
    block = Block(BlockConfig(d_model=d, n_heads=h, d_ff=d_ff, act="gelu")).to(META)
    cost = flops.block(1, d, h, d_ff)
    for module, weights, biases in ((block.attn, cost.attention_weights, cost.attention_biases),
                                    (block.ffn, cost.ffn_weights, cost.ffn_biases)):
        assert sum(p.numel() for p in module.parameters() if p.dim() == 2) == weights
        assert sum(p.numel() for p in module.parameters() if p.dim() == 1) == biases
    assert sum(p.numel() for p in block.attn.parameters()) == cost.attention_params == 4 * d * d + 4 * d
    assert sum(p.numel() for p in block.ffn.parameters()) == cost.ffn_params


# --------------------------------------------------------------------------- where the core catches up


@pytest.mark.parametrize("d,h,d_ff", [(384, 6, 1536), (64, 4, 256), (48, 3, 100), (8, 2, 1)])
def test_crossing_n_is_where_the_counted_core_meets_the_rest(d, h, d_ff):
    block = Block(BlockConfig(d_model=d, n_heads=h, d_ff=d_ff)).to(META)

    def core_minus_rest(n: int) -> int:
        with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as mode:
            block(torch.empty(1, n, d, device=META))
        ops = {str(op): c for op, c in mode.get_flop_counts()["Global"].items()}
        return ops["aten.bmm"] - ops["aten.addmm"]  # the core is the bmm; every linear an addmm

    n = flops.crossing_n(d, d_ff)
    assert core_minus_rest(n) == 0
    assert core_minus_rest(n - 1) < 0 < core_minus_rest(n + 1)
    if d_ff == 4 * d:
        assert n == 6 * d


def test_crossing_n_ffn_is_where_the_counted_core_meets_the_ffn():
    d, h, d_ff = 64, 4, 256
    block = Block(BlockConfig(d_model=d, n_heads=h, d_ff=d_ff)).to(META)
    n = flops.crossing_n_ffn(d_ff)
    with sdpa_kernel(SDPBackend.MATH):
        _, per = counted(block, torch.empty(1, n, d, device=META))
    core = per["Block.attn"] - per["Block.attn.q"] - per["Block.attn.o"]  # K, V count outside Block.attn (see above)
    assert core == per["Block.ffn"]
    assert n == 4 * d


# --------------------------------------------------------------------------- dot-product vs additive scores


class Additive(nn.Module):
    """Bahdanau's score e_ij = vᵀ tanh(W₁ q_i + W₂ k_j), the efficient way and the naive way."""

    def __init__(self, d_k: int, d_a: int, device=None, dtype=None):
        super().__init__()
        self.w1 = nn.Linear(d_k, d_a, bias=False, device=device, dtype=dtype)
        self.w2 = nn.Linear(d_k, d_a, bias=False, device=device, dtype=dtype)
        # vᵀ as a (d_a, 1) matrix: FlopCounterMode has no formula for aten.mv (a matrix-vector product)
        self.v = nn.Linear(d_a, 1, bias=False, device=device, dtype=dtype)

    def forward(self, q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        """q, k: (B, T, Dk) -> scores (B, T, T); W₁ Q and W₂ K once each."""
        summed = self.w1(q)[:, :, None, :] + self.w2(k)[:, None, :, :]  # (B, T, T, Da)
        return self.v(torch.tanh(summed)).squeeze(-1)  # (B, T, T)

    def naive(self, q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        """The same scores with W = [W₁ W₂] applied to every concatenated pair [q_i; k_j]."""
        B, T, Dk = q.shape
        pairs = torch.cat([q[:, :, None, :].expand(B, T, T, Dk),
                           k[:, None, :, :].expand(B, T, T, Dk)], dim=-1)  # (B, T, T, 2Dk)
        w = torch.cat([self.w1.weight, self.w2.weight], dim=1)  # (Da, 2Dk)
        return self.v(torch.tanh(F.linear(pairs, w))).squeeze(-1)  # (B, T, T)


SCORE_SIZES = [(1, 1, 1, 1), (2, 7, 8, 5), (1, 97, 16, 16), (3, 64, 32, 7), (1, 512, 64, 64)]  # (b, n, d_k, d_a)


@pytest.mark.parametrize("b,n,d_k,d_a", SCORE_SIZES)
def test_dot_and_additive_scores_equal_flop_counter(b, n, d_k, d_a):
    q = k = torch.empty(b, n, d_k, device=META)
    additive = Additive(d_k, d_a, device=META)
    assert counted(torch.matmul, q, k.transpose(-2, -1))[0] == flops.dot_scores(n, d_k, b)
    assert counted(additive, q, k)[0] == flops.additive_scores(n, d_k, d_a, b)
    assert counted(additive.naive, q, k)[0] == flops.additive_scores_naive(n, d_k, d_a, b)


@pytest.mark.parametrize("b,n,d_k,d_a", [(1, 1, 1, 1), (2, 7, 8, 5), (1, 33, 16, 12)])
def test_the_efficient_additive_score_is_the_naive_one(b, n, d_k, d_a):
    # W [q; k] = W₁ q + W₂ k: precomputing changes the cost, not the scores (float64; ~1e-15 apart)
    g = torch.Generator().manual_seed(n * 100 + d_k)
    additive = Additive(d_k, d_a, dtype=torch.float64)
    for p in additive.parameters():
        nn.init.normal_(p, generator=g)
    q, k = (torch.randn(b, n, d_k, generator=g, dtype=torch.float64) for _ in range(2))
    torch.testing.assert_close(additive(q, k), additive.naive(q, k), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n,d_k,d_a", [(7, 8, 5), (128, 64, 64), (4096, 64, 64), (1000, 3, 17)])
def test_efficient_additive_is_below_the_naive_by_the_stated_factor(n, d_k, d_a):
    q = k = torch.empty(1, n, d_k, device=META)
    additive = Additive(d_k, d_a, device=META)
    ratio = Fraction(counted(additive.naive, q, k)[0], counted(additive, q, k)[0])
    assert ratio == Fraction(n * (2 * d_k + 1), n + 2 * d_k)  # tends to 2 d_k + 1 for long sequences
    if n >= 16 * d_k:
        assert ratio > 0.95 * (2 * d_k + 1)


def test_efficient_additive_is_the_dot_products_order():
    # at d_a = d_k both are n² d_k plus, for additive, 2 n d_k² of projections: O(n² d), not O(n² d²)
    d_k = 64
    for n in (64, 256, 1024, 4096):
        q = k = torch.empty(1, n, d_k, device=META)
        additive, dot = counted(Additive(d_k, d_k, device=META), q, k)[0], counted(torch.matmul, q, k.transpose(-2, -1))[0]
        ratio = Fraction(additive, dot)
        assert ratio == 1 + Fraction(2 * d_k, n)


# --------------------------------------------------------------------------- arguments, examples, the CLI


@pytest.mark.parametrize("bad", [0, -1, True, 2.0, "4", None])
def test_sizes_must_be_positive_integers(bad):
    with pytest.raises(ValueError):
        flops.block(bad, 8, 2, 32)
    with pytest.raises(ValueError):
        flops.additive_scores(4, 8, bad)
    with pytest.raises(ValueError):
        flops.crossing_n(bad, 32)


def test_d_must_divide_by_heads():
    with pytest.raises(ValueError, match="divisible"):
        flops.block(4, 10, 3, 40)


def test_cli_prints_every_part_the_crossing_and_both_measurements(capsys):
    spec = importlib.util.spec_from_file_location("cost", Path(__file__).resolve().parents[2] / "scripts" / "cost.py")
    cost = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cost)
    assert cost.main(["--n", "9", "--d", "12", "--heads", "3", "--repeats", "2"]) == 0
    out = capsys.readouterr().out
    for text in (*cost.PART_NAMES.values(), "total", "4d^2 = 576", "2*d*d_ff = 1,152", "n = 2d + d_ff = 72 (6 d)",
                 "n=9 is below it", "float32", "thread", "explicit", "SDPA", "median", "peak"):
        assert text in out, text
    assert "d_ff=48" in out  # the default 4 d
    with pytest.raises(SystemExit):
        cost.main(["--d", "10", "--heads", "3"])
