"""A Transformer block with its design choices as switches, and a small stack of them to train live.

    Post-LN (Vaswani et al. 2017):  x = Norm(x + Sublayer(x))
    Pre-LN  (Xiong et al. 2020):    x = x + Sublayer(Norm(x))       ... and one more Norm after the last block
    no residual:                     x = Norm(Sublayer(x))  /  x = Sublayer(Norm(x))

Sublayer is self-attention, then the position-wise FFN:

    ReLU:   W2 · max(0, W1 x + b1) + b2                                 2 · d · d_ff weights
    GELU:   W2 · GELU(W1 x + b1) + b2                                   2 · d · d_ff
    SwiGLU: W2 · (SiLU(W1 x) ⊙ W3 x)          (Shazeer 2020; Llama)     3 · d · d_ff, no biases

Dropout sits where the paper puts it: on each sublayer's output before it is added to the stream,
and on the sum of the embeddings; it is a per-call option (:mod:`tf_core.dropout`), never a mode.

One concept, stated: these are the switches the lessons flip (norm kind and placement, residuals,
activation); everything else is fixed. The norm is :mod:`tf_core.norms` (equal to PyTorch's).
The attention is the tiny models' (tf_core.models.tiny_layers.Attention), on PyTorch's SDPA.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from tf_core.dropout import Dropout, dropout
from tf_core.masks import causal_mask
from tf_core.models.tiny_layers import Attention
from tf_core.norms import make_norm

ACTIVATIONS = ("relu", "gelu", "swiglu")
PLACEMENTS = ("pre", "post")
NORM_KINDS = ("layer", "batch", "rms", "none")


def activation(name: str, x: torch.Tensor) -> torch.Tensor:
    """The FFN's non-linearity by name (SwiGLU's gate is SiLU: its product with the second
    projection happens in :class:`FFN`)."""
    if name == "relu":
        return F.relu(x)
    if name == "gelu":
        return F.gelu(x)  # the exact erf form, as BERT and nn.GELU()
    if name == "swiglu":
        return F.silu(x)
    raise ValueError(f"unknown activation {name!r}; choose one of {ACTIVATIONS}")


class FFN(nn.Module):
    """The position-wise feed-forward network: the same two (SwiGLU: three) matrices at every position."""

    def __init__(self, d_model: int, d_ff: int, act: str = "gelu"):
        super().__init__()
        if act not in ACTIVATIONS:
            raise ValueError(f"unknown activation {act!r}; choose one of {ACTIVATIONS}")
        self.act = act
        gated = act == "swiglu"
        self.up = nn.Linear(d_model, d_ff, bias=not gated)
        self.gate = nn.Linear(d_model, d_ff, bias=False) if gated else None
        self.down = nn.Linear(d_ff, d_model, bias=not gated)

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """The d_ff activations after the non-linearity (what a dead ReLU unit never leaves 0 in). (..., d_ff)"""
        if self.gate is not None:
            return activation("swiglu", self.gate(x)) * self.up(x)  # (..., d_ff)
        return activation(self.act, self.up(x))  # (..., d_ff)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(self.hidden(x))  # (..., D)


@dataclass(frozen=True)
class BlockConfig:
    d_model: int = 64  # the residual stream's width
    n_heads: int = 4  # d_model / n_heads per head
    d_ff: int = 256  # the FFN's inner width (4 x d_model as the paper)
    norm: str = "layer"  # "layer", "batch", "rms" or "none"
    placement: str = "pre"  # "pre": Norm inside the branch; "post": Norm after the residual sum
    residual: bool = True  # False: the stream is replaced by each sublayer's output instead of added to
    act: str = "gelu"  # the FFN's activation: "relu", "gelu", "swiglu"
    causal: bool = False  # True: a decoder (each position sees itself and the past)

    def __post_init__(self) -> None:
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model {self.d_model} is not divisible by n_heads {self.n_heads}")
        if self.norm not in NORM_KINDS:
            raise ValueError(f"unknown norm {self.norm!r}; choose one of {NORM_KINDS}")
        if self.placement not in PLACEMENTS:
            raise ValueError(f"unknown placement {self.placement!r}; choose one of {PLACEMENTS}")
        if self.act not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.act!r}; choose one of {ACTIVATIONS}")


class Block(nn.Module):
    """Self-attention then the FFN, each wrapped by the norm, residual and dropout the config says."""

    def __init__(self, cfg: BlockConfig):
        super().__init__()
        self.cfg = cfg
        self.norm1 = make_norm(cfg.norm, cfg.d_model)
        self.attn = Attention(cfg.d_model, cfg.n_heads)
        self.norm2 = make_norm(cfg.norm, cfg.d_model)
        self.ffn = FFN(cfg.d_model, cfg.d_ff, cfg.act)

    def _attend(self, h: torch.Tensor) -> torch.Tensor:
        mask = causal_mask(h.shape[1], device=h.device) if self.cfg.causal else None  # (T, T)
        out, _ = self.attn(h, *self.attn.keys_values(h), mask, need_weights=False)
        return out  # (B, T, D)

    def _wrap(self, x: torch.Tensor, sublayer, norm: nn.Module, drop: Dropout | None) -> torch.Tensor:
        cfg = self.cfg
        if cfg.placement == "pre":
            y = dropout(sublayer(norm(x)), drop)
            return x + y if cfg.residual else y
        y = dropout(sublayer(x), drop)
        return norm(x + y if cfg.residual else y)

    def forward(self, x: torch.Tensor, drop: Dropout | None = None) -> torch.Tensor:
        """x: (B, T, D) -> (B, T, D)."""
        x = self._wrap(x, self._attend, self.norm1, drop)
        return self._wrap(x, self.ffn, self.norm2, drop)


@dataclass(frozen=True)
class StackConfig:
    vocab: int  # token ids 0 .. vocab - 1
    max_len: int  # learned positions: the longest sequence the stack reads
    n_layers: int = 2
    block: BlockConfig = BlockConfig()
    tied: bool = False  # True: the output layer reuses the embedding table (no matrix of its own)

    def __post_init__(self) -> None:
        if self.vocab < 2 or self.max_len < 1 or self.n_layers < 1:
            raise ValueError(f"vocab >= 2, max_len >= 1 and n_layers >= 1, got {self.vocab}, {self.max_len}, {self.n_layers}")


class Stack(nn.Module):
    """Token and learned position embeddings, ``n_layers`` blocks, a final norm when the blocks are
    Pre-LN (their last output is otherwise unnormalised), and the output layer -> logits."""

    def __init__(self, cfg: StackConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.block.d_model
        self.tok = nn.Embedding(cfg.vocab, d)
        self.pos = nn.Embedding(cfg.max_len, d)
        self.blocks = nn.ModuleList(Block(cfg.block) for _ in range(cfg.n_layers))
        pre = cfg.block.placement == "pre"
        self.norm_f = make_norm(cfg.block.norm, d) if pre else nn.Identity()
        self.out = None if cfg.tied else nn.Linear(d, cfg.vocab, bias=False)

    def forward(self, ids: torch.Tensor, drop: Dropout | None = None) -> torch.Tensor:
        """ids: (B, T) -> logits (B, T, vocab)."""
        T = ids.shape[1]
        if T > self.cfg.max_len:
            raise ValueError(f"sequence of {T} tokens is longer than max_len {self.cfg.max_len}")
        x = dropout(self.tok(ids) + self.pos(torch.arange(T, device=ids.device)), drop)  # (B, T, D)
        for block in self.blocks:
            x = block(x, drop)
        x = self.norm_f(x)
        # nn.Linear(d, v).weight is (v, d), the embedding table's own shape: tying needs no transpose
        weight = self.tok.weight if self.out is None else self.out.weight  # (V, D)
        return F.linear(x, weight)  # (B, T, V)

    def layer_groups(self) -> list[list[nn.Parameter]]:
        """Each block's parameters, first block first: what a per-layer gradient norm sums over."""
        return [list(b.parameters()) for b in self.blocks]


INIT_SCHEMES = ("xavier", "small")


def init_weights(model: nn.Module, generator: torch.Generator, scheme: str = "xavier") -> None:
    """Re-initialise every parameter from ``generator`` (a seed then fixes the model without
    touching torch's global generator, which other sessions share). Biases 0, norm scales 1, and:

    - "xavier": weight matrices Xavier-normal, embeddings N(0, 1) — the setting of Xiong et al.'s
      (2020) analysis of Pre-LN and Post-LN, where each sublayer's output is as large as its input;
    - "small": every matrix and embedding N(0, 0.02), as BERT and GPT-2 (a tied output layer then
      starts from small logits).
    The same for Pre-LN and Post-LN: the lessons compare placements, not initialisations."""
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"unknown init scheme {scheme!r}; choose one of {INIT_SCHEMES}")
    # The draws are made on the generator's device (the CPU's, from tasks.seeded) and copied to the
    # parameter's: a CUDA parameter cannot draw from a CPU generator, and the same seed then gives
    # the same weights on every device.
    def drawn(p: torch.Tensor, fill) -> None:
        host = torch.empty(p.shape, dtype=p.dtype, device=generator.device)
        fill(host)
        p.copy_(host)

    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2 and scheme == "small":
                drawn(p, lambda t: t.normal_(0.0, 0.02, generator=generator))
            elif p.dim() >= 2 and isinstance(_owner(model, name), nn.Embedding):
                drawn(p, lambda t: t.normal_(0.0, 1.0, generator=generator))
            elif p.dim() >= 2:
                drawn(p, lambda t: nn.init.xavier_normal_(t, generator=generator))
            elif name.endswith("weight"):  # a norm's scale (gamma)
                p.fill_(1.0)
            else:
                p.zero_()


def _owner(model: nn.Module, name: str) -> nn.Module:
    """The module holding parameter ``name`` ("blocks.0.ffn.up.weight" -> that Linear)."""
    return model.get_submodule(name.rpartition(".")[0])


def parameter_count(model: nn.Module) -> int:
    """Distinct parameters (a tied table counts once, as ``model.parameters()`` yields it once)."""
    return sum(p.numel() for p in model.parameters())

