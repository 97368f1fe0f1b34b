"""TinyGPT, the project's own decoder-only Transformer, written to be read.

TinyGPT, a decoder only (the GPT-2 layout, Radford et al., 2019, as nanoGPT writes it), one token per
character of the King James Bible:

    x = tok_emb[ids] + pos_emb[P .. P+T)                 learned positions, after the P cached ones
    for each block (pre-LN):
        x = x + W_O · CausalSelfAttention(LayerNorm(x))
        x = x + W_2 · GELU(W_1 · LayerNorm(x))
    logits = tok_emb · LayerNorm(x)                      tied: the embedding is the output head

It is a decoder of tf_core.models.decoder, as tf_core.models.llama.Llama is: the same loop over the
blocks (``forward(ids, cache, need_weights=, last_only=)`` returning a ``DecoderOutput``, a
``KVCache`` passed in and returned, ``cfg.n_kv_heads`` ...), the same ``BlockTrace`` sub-steps and
the same lesson functions (no mask, traced, timed per block), so ``llama.generate`` and every decoder
lesson run on either model unchanged.

Trained from scratch on the 2-core CPU by ``python -m tf_core.train gpt`` (tf_core/train.py) and
shipped in assets/models/tiny-gpt/ (tf_core.models.checkpoints loads it). Deviations from GPT-2,
stated: no dropout, and a context of ``max_positions`` characters.

Nothing per request is stored on a module: caches and attention weights are returned.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from tf_core.cache import KVCache
from tf_core.models import decoder
from tf_core.models.config import require_heads_divide, require_positive
from tf_core.models.decoder import BlockMath, BlockTrace, DecoderOutput
from tf_core.models.tiny_layers import Attention, FeedForward, init_weights
from tf_core.models.vocab import Vocab


@dataclass(frozen=True)
class GPTConfig:
    vocab: Vocab  # one token per character of the training text (the embedding's rows, in order)
    d_model: int = 128  # width of the residual stream
    n_layers: int = 4  # decoder blocks
    n_heads: int = 4  # attention heads per block, each d_model / n_heads wide
    d_ff: int = 512  # width of the feed-forward hidden layer (4 x d_model, as GPT-2)
    max_positions: int = 256  # rows of the learned position table: the longest text the model can read
    ln_eps: float = 1e-5  # LayerNorm's epsilon (PyTorch's default)

    def __post_init__(self) -> None:
        require_positive(self, "d_model", "n_layers", "n_heads", "d_ff", "max_positions")
        require_heads_divide(self)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads

    @property
    def n_kv_heads(self) -> int:
        """Plain multi-head attention: every query head has its own keys and values (as Llama's n_kv_heads)."""
        return self.n_heads


class GPTBlock(nn.Module):
    """One pre-LN decoder block: causal self-attention, then the feed-forward."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.attn = Attention(cfg.d_model, cfg.n_heads)
        self.ln_2 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.mlp = FeedForward(cfg.d_model, cfg.d_ff)

    def forward(self, x, context, past, mask, need_weights):
        """x: (B, T, D) new tokens; context: None (the positions are in x already); past: cached
        (K, V) each (B, H, P, Dh) or None; mask: (T, P+T) bool or None.
        Returns (out (B, T, D), (K, V) each (B, H, P+T, Dh), weights (B, H, T, P+T) or None, BlockTrace)."""
        h = self.ln_1(x)  # (B, T, D)
        k, v = self.attn.keys_values(h)  # (B, H, T, Dh) each
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)  # (B, H, P+T, Dh)
        a, w = self.attn(h, k, v, mask, need_weights)  # (B, T, D)
        r1 = x + a  # (B, T, D)
        m = self.ln_2(r1)  # (B, T, D)
        f = self.mlp(m)  # (B, T, D)
        out = r1 + f  # (B, T, D)
        return out, (k, v), w, BlockTrace(attn_norm=h, attn=a, resid1=r1, mlp_norm=m, mlp=f, resid2=out)


class TinyGPT(nn.Module):
    MATH = BlockMath(norm="LayerNorm", ffn="GELU", formulas={
        "attn_norm": "u_i = (x_i − mean(x_i)) / std(x_i) · g + b",
        "attn": "a_i = Σ_j w_ij W_O v_j + b_O",
        "resid1": "h_i = x_i + a_i",
        "mlp_norm": "m_i = (h_i − mean(h_i)) / std(h_i) · g' + b'",
        "mlp": "f_i = W_2 GELU(W_1 m_i + b_1) + b_2",
        "resid2": "h_i + f_i",
    })

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.pos_emb = nn.Embedding(cfg.max_positions, cfg.d_model)
        self.blocks = nn.ModuleList(GPTBlock(cfg) for _ in range(cfg.n_layers))
        self.ln_f = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        init_weights(self, cfg.n_layers)

    def forward(self, ids: torch.Tensor, cache: KVCache | None = None, *, need_weights: bool = False,
                last_only: bool = False) -> DecoderOutput:
        """ids: (B, T) new token ids; cache: what earlier calls returned (None: start of the text).
        need_weights: every layer's attention weights (the explicit path); last_only: logits of the
        last position only. Runs with gradients when they are enabled (training); a loaded model's
        parameters do not require them. The loop is tf_core.models.decoder.run."""
        return decoder.run(self, ids, cache, need_weights=need_weights, last_only=last_only)

    def embed(self, ids: torch.Tensor, positions: torch.Tensor) -> tuple[torch.Tensor, None]:
        """(B, T) ids at (T,) positions -> token plus learned position embeddings (B, T, D); no
        per-block context (the positions are in x from here on)."""
        return self.tok_emb(ids) + self.pos_emb(positions), None  # (B, T, D)

    def head(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, D) -> (B, T, V): the final LayerNorm, then the tied output projection."""
        return F.linear(self.ln_f(x), self.tok_emb.weight)
