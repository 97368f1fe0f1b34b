"""tf_core.blocks: the block's switches against hand-written references (Pre-LN and Post-LN, with and
without residuals), the FFN's activations against PyTorch's, the position-wise property, tying, init."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from tf_core.blocks import FFN, Block, BlockConfig, Stack, StackConfig, init_weights, parameter_count
from tf_core.dropout import Dropout
from tf_core.tasks import seeded


def block(**kw) -> Block:
    b = Block(BlockConfig(d_model=16, n_heads=4, d_ff=24, **kw))
    init_weights(b, seeded(0))
    return b


@pytest.mark.parametrize("placement", ["pre", "post"])
@pytest.mark.parametrize("residual", [True, False])
@pytest.mark.parametrize("causal", [True, False])
def test_block_follows_its_formula(placement, residual, causal):
    b = block(placement=placement, residual=residual, causal=causal)
    x = torch.randn(2, 7, 16, generator=seeded(1))
    mask = torch.ones(7, 7, dtype=torch.bool).tril() if causal else None

    def attn(h):
        q, k, v = (lin(h).view(2, 7, 4, 4).transpose(1, 2) for lin in (b.attn.q, b.attn.k, b.attn.v))
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # PyTorch's own, the reference
        return b.attn.o(out.transpose(1, 2).reshape(2, 7, 16))

    def ffn(h):
        return b.ffn.down(F.gelu(b.ffn.up(h)))

    ln1 = lambda h: F.layer_norm(h, (16,), b.norm1.weight, b.norm1.bias)
    ln2 = lambda h: F.layer_norm(h, (16,), b.norm2.weight, b.norm2.bias)
    if placement == "pre":
        h = (x + attn(ln1(x))) if residual else attn(ln1(x))
        want = (h + ffn(ln2(h))) if residual else ffn(ln2(h))
    else:
        h = ln1(x + attn(x)) if residual else ln1(attn(x))
        want = ln2(h + ffn(h)) if residual else ln2(ffn(h))
    assert_close(b(x), want)


@pytest.mark.parametrize("act,ref", [("relu", F.relu), ("gelu", lambda z: F.gelu(z))])
def test_ffn_activations(act, ref):
    f = FFN(8, 13, act)
    x = torch.randn(3, 5, 8, generator=seeded(2))
    assert_close(f(x), f.down(ref(f.up(x))))


def test_swiglu_is_silu_gate_times_up_without_biases():
    f = FFN(8, 13, "swiglu")
    x = torch.randn(3, 5, 8, generator=seeded(3))
    assert f.up.bias is None and f.gate.bias is None and f.down.bias is None
    assert_close(f(x), f.down(F.silu(f.gate(x)) * f.up(x)))
    assert sum(p.numel() for p in f.parameters()) == 3 * 8 * 13


def test_ffn_is_the_same_function_at_every_position():
    f = FFN(16, 40, "gelu")
    x = torch.randn(2, 9, 16, generator=seeded(4))
    one_call = f(x)
    per_position = torch.stack([f(x[:, i]) for i in range(9)], dim=1)
    assert_close(one_call, per_position)  # float32 rounding only (the batched matmul blocks differently)


def test_tied_stack_reuses_the_embedding_table():
    cfg = dict(vocab=50, max_len=8, n_layers=1, block=BlockConfig(d_model=16, n_heads=2, d_ff=32))
    tied, untied = Stack(StackConfig(**cfg, tied=True)), Stack(StackConfig(**cfg))
    assert tied.out is None and untied.out.weight.shape == tied.tok.weight.shape  # (V, D): no transpose
    assert parameter_count(untied) - parameter_count(tied) == 50 * 16
    ids = torch.randint(0, 50, (2, 8), generator=seeded(5))
    logits = tied(ids)
    assert logits.shape == (2, 8, 50)
    logits.sum().backward()
    assert tied.tok.weight.grad is not None


def test_stack_rejects_too_long_input_and_bad_configs():
    s = Stack(StackConfig(vocab=10, max_len=4))
    with pytest.raises(ValueError, match="longer than max_len"):
        s(torch.zeros(1, 5, dtype=torch.long))
    with pytest.raises(ValueError):
        BlockConfig(d_model=10, n_heads=4)
    with pytest.raises(ValueError):
        BlockConfig(norm="group")
    with pytest.raises(ValueError):
        BlockConfig(placement="middle")
    with pytest.raises(ValueError):
        StackConfig(vocab=1, max_len=4)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device (scripts/gpu_check.sh runs it)")
@pytest.mark.parametrize("scheme", ["xavier", "small"])
def test_init_gives_the_same_weights_on_a_gpu(scheme):
    # A CUDA parameter cannot draw from the CPU generator tasks.seeded returns; init_weights draws on
    # the CPU and copies, so one seed is one model everywhere (this failed on the first GPU run).
    cfg = StackConfig(vocab=12, max_len=6, n_layers=2)
    cpu, gpu = Stack(cfg), Stack(cfg).to("cuda")
    init_weights(cpu, seeded(4), scheme)
    init_weights(gpu, seeded(4), scheme)
    for (name, p), q in zip(cpu.named_parameters(), gpu.parameters()):
        assert torch.equal(p, q.cpu()), name


def test_init_is_fixed_by_the_generator_alone():
    cfg = StackConfig(vocab=12, max_len=6, n_layers=2)
    a, b = Stack(cfg), Stack(cfg)
    torch.manual_seed(123)  # the global generator must not matter
    init_weights(a, seeded(9))
    torch.manual_seed(456)
    init_weights(b, seeded(9))
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        assert torch.equal(p, q), name
    assert torch.equal(a.blocks[0].norm1.weight, torch.ones(64)) and torch.equal(a.blocks[0].ffn.up.bias, torch.zeros(256))
    assert 0.9 < float(a.tok.weight.detach().std()) < 1.1  # xavier scheme: embeddings N(0, 1)
    init_weights(a, seeded(9), "small")
    assert 0.015 < float(a.tok.weight.detach().std()) < 0.025


def test_dropout_goes_through_the_stack_and_is_seeded():
    s = Stack(StackConfig(vocab=12, max_len=6))
    init_weights(s, seeded(0))
    ids = torch.randint(0, 12, (2, 6), generator=seeded(1))
    plain = s(ids)
    assert torch.equal(plain, s(ids))  # no dropout: deterministic
    a, b = s(ids, Dropout.seeded(0.3, 7)), s(ids, Dropout.seeded(0.3, 7))
    assert torch.equal(a, b) and not torch.allclose(a, plain)
    assert not torch.allclose(a, s(ids, Dropout.seeded(0.3, 8)))
