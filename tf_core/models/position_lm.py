"""A small character language model whose only switch is where position enters: the models of the
`pe-variants` length-extrapolation experiment (Press et al., ICLR 2022, at a small scale).

Every kind is the same pre-LN causal decoder (fairseq's Transformer LM as Press et al. ran it,
shrunk); only the marked lines differ:

    x = sqrt(d) · E[ids]                                 every kind (Vaswani et al.'s scaling)
      + PE[0 .. T)                                       "sinusoidal": the fixed table, added once
      + P[0 .. T)                                        "learned": a trained table, added once
    for each block (pre-LN):
        q, k, v = W_Q h, W_K h, W_V h                    h = LayerNorm(x)
        q, k = RoPE(q, i), RoPE(k, j)                    "rope": rotated in every block
        s_ij = q_i·k_j / sqrt(Dh) + b_h(i - j)           "relative": T5's bucketed bias, one table for
                                                         every block; "alibi": -m_h · (i - j), fixed
        x = x + W_O · softmax(s + causal mask) v
        x = x + W_2 · GELU(W_1 · LayerNorm(x))
    logits = LayerNorm(x) · Eᵀ                           tied output head
    "none": none of the marked lines; only the causal mask tells positions apart.

Conventions and deviations, stated:
- Token embeddings are multiplied by sqrt(d_model) in every kind, so the models differ in their
  positions only. With E initialised N(0, 1/d) (as fairseq), sqrt(d)·E[t] has entries of size ~1,
  the size of the sinusoid's entries: neither swamps the other at the start. The learned table is
  initialised N(0, 1/d) as fairseq's, and is not scaled. With the tied head, each position's own
  token then gets a logit of about sqrt(d) at the start, so the first losses sit above the uniform
  ln(V) (7-8 nats against 4.17 for 65 characters); the first hundred steps undo that.
- "learned" has ``max_eval_length`` rows, enough for the longest evaluation, but training windows
  are ``train_length`` long: rows train_length .. max_eval_length - 1 never receive a gradient. They
  keep their random initial values, shrunk only by AdamW's weight decay (a known factor, recorded in
  metrics.json). A longer text than the table raises ValueError.
- "relative" is T5's bias (tf_core.positional.RelativeBias), unidirectional since the model is
  causal, and one table shared by every block, as T5 computes it in the first layer and reuses it.
  Its buckets are sized so that every one of them is seen in training (``relative_max_distance`` =
  train_length; the offsets past it share the last bucket, as T5's offsets past 128 do): in T5 and
  in Press et al.'s runs the training length is far above 128, so no bucket is left untrained.
- "alibi" adds -m_h · (i - j) with the paper's slopes m_h (tf_core.positional): no learned position
  parameter. "rope" rotates q and k of every head by their positions (half-split pairs, as Llama).
- No dropout (a deterministic experiment), and biases in the linear layers (as GPT-2).

Nothing per request is stored on a module: the tables, angles and biases are computed per call.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from tf_core import positional
from tf_core.attention import merge_heads, split_heads
from tf_core.models.config import require_heads_divide, require_positive
from tf_core.models.tiny_layers import FeedForward
from tf_core.models.vocab import Vocab

KINDS = positional.KINDS


@dataclass(frozen=True)
class PositionLMConfig:
    kind: str  # where position enters: one of tf_core.positional.KINDS
    vocab: Vocab  # one token per character of the training text
    train_length: int = 32  # characters per training window: the length the model is trained at
    max_eval_length: int = 128  # the longest evaluation (4 x train_length): the learned table's rows
    d_model: int = 64  # width of the residual stream (64 x 2 layers: 104k-112k parameters, < 0.5 MB)
    n_layers: int = 2  # decoder blocks
    n_heads: int = 4  # heads per block (ALiBi's slopes 1/4, 1/16, 1/64, 1/256)
    d_ff: int = 256  # feed-forward width (4 x d_model)
    rope_theta: float = 10_000.0  # RoPE's base (Su et al.; Llama)
    sinusoid_base: float = 10_000.0  # the sinusoid's base (Vaswani et al.)
    relative_buckets: int = 16  # T5 buckets: the first half one offset each, the rest log-spaced
    relative_max_distance: int = 32  # offsets from here on share the last bucket (= train_length: all trained)
    ln_eps: float = 1e-5  # LayerNorm's epsilon (PyTorch's default)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown position kind {self.kind!r}; choose one of {KINDS}")
        require_positive(self, "train_length", "max_eval_length", "d_model", "n_layers", "n_heads", "d_ff",
                         "relative_buckets", "relative_max_distance")
        require_heads_divide(self)
        if self.max_eval_length < self.train_length:
            raise ValueError(f"max_eval_length {self.max_eval_length} is below train_length {self.train_length}")
        if self.kind == "rope" and self.d_head % 2:
            raise ValueError(f"RoPE rotates pairs: the head size {self.d_head} must be even")

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads


class PositionBlock(nn.Module):
    """One pre-LN decoder block; the caller hands it the position context of this call."""

    def __init__(self, cfg: PositionLMConfig):
        super().__init__()
        self.n_heads = cfg.n_heads
        self.ln_1 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.q = nn.Linear(cfg.d_model, cfg.d_model)
        self.k = nn.Linear(cfg.d_model, cfg.d_model)
        self.v = nn.Linear(cfg.d_model, cfg.d_model)
        self.o = nn.Linear(cfg.d_model, cfg.d_model)
        self.ln_2 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.mlp = FeedForward(cfg.d_model, cfg.d_ff)

    def attend(self, h: torch.Tensor, scores_bias: torch.Tensor, rope: tuple[torch.Tensor, torch.Tensor] | None,
               ) -> torch.Tensor:
        """h: (B, T, D) normalised input; scores_bias: (1, H or 1, T, T) float, added to q·k/sqrt(Dh)
        (the position bias, with -inf above the diagonal); rope: (cos, sin) each (T, Dh) or None."""
        q = split_heads(self.q(h), self.n_heads)  # (B, H, T, Dh)
        k = split_heads(self.k(h), self.n_heads)  # (B, H, T, Dh)
        v = split_heads(self.v(h), self.n_heads)  # (B, H, T, Dh)
        if rope is not None:
            q, k = positional.apply_rope(q, *rope), positional.apply_rope(k, *rope)  # (B, H, T, Dh) each
        # an additive float mask: PyTorch's SDPA adds it to the scaled scores before the softmax. Subtle:
        # given as 4-D, it runs on the fused CPU kernel; a 3-D mask falls back to the ~3x slower explicit path
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=scores_bias)  # (B, H, T, Dh)
        return self.o(merge_heads(out))  # (B, T, D)

    def forward(self, x: torch.Tensor, scores_bias: torch.Tensor,
                rope: tuple[torch.Tensor, torch.Tensor] | None) -> torch.Tensor:
        """x: (B, T, D) -> (B, T, D)."""
        x = x + self.attend(self.ln_1(x), scores_bias, rope)  # (B, T, D)
        return x + self.mlp(self.ln_2(x))  # (B, T, D)


class PositionLM(nn.Module):
    """The decoder of the module docstring. forward(ids (B, T)) -> logits (B, T, V)."""

    def __init__(self, cfg: PositionLMConfig):
        super().__init__()
        self.cfg = cfg
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.blocks = nn.ModuleList(PositionBlock(cfg) for _ in range(cfg.n_layers))
        self.ln_f = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        # the position parameters come last, so the shared weights draw the same numbers in every kind
        self.pos_emb = nn.Embedding(cfg.max_eval_length, cfg.d_model) if cfg.kind == "learned" else None
        self.relative = (positional.RelativeBias(cfg.n_heads, num_buckets=cfg.relative_buckets,
                                                 max_distance=cfg.relative_max_distance, bidirectional=False)
                         if cfg.kind == "relative" else None)

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        """(B, T) ids -> (B, T, D): sqrt(d)·E[ids], plus the position table for "sinusoidal" and "learned"."""
        cfg, T = self.cfg, ids.shape[1]
        x = self.tok_emb(ids) * math.sqrt(cfg.d_model)  # (B, T, D)
        if cfg.kind == "sinusoidal":
            x = x + positional.sinusoidal(T, cfg.d_model, base=cfg.sinusoid_base, dtype=x.dtype).to(x.device)  # (T, D)
        elif cfg.kind == "learned":
            if T > cfg.max_eval_length:
                raise ValueError(f"a text of {T} characters is longer than the learned table's "
                                 f"{cfg.max_eval_length} positions")
            x = x + self.pos_emb(torch.arange(T, device=ids.device))  # (T, D)
        return x

    def scores_bias(self, T: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
        """(1, H or 1, T, T): what every block adds to its scaled scores: the causal mask's -inf above the
        diagonal, plus T5's learned bias ("relative") or ALiBi's -m_h · (i - j) ("alibi")."""
        causal = torch.ones(T, T, dtype=torch.bool, device=device).tril()  # (T, T) True = may attend
        bias = torch.zeros(1, T, T, dtype=dtype, device=device)  # (1, T, T)
        if self.cfg.kind == "relative":
            bias = self.relative(T, T).to(dtype)  # (H, T, T)
        elif self.cfg.kind == "alibi":
            slopes = positional.alibi_slopes(self.cfg.n_heads).to(device)  # (H,)
            bias = positional.alibi_bias(slopes, T, T).to(dtype)  # (H, T, T)
        return bias.masked_fill(~causal, float("-inf"))[None]  # (1, H or 1, T, T)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids: (B, T) -> logits (B, T, V); position i sees the characters 0 .. i."""
        x = self.embed(ids)  # (B, T, D)
        T = ids.shape[1]
        bias = self.scores_bias(T, ids.device, x.dtype)  # (1, H or 1, T, T)
        rope = None
        if self.cfg.kind == "rope":
            rope = positional.rope_angles(torch.arange(T, device=ids.device), self.cfg.d_head, self.cfg.rope_theta,
                                          dtype=x.dtype)  # (cos, sin), (T, Dh) each
        for block in self.blocks:
            x = block(x, bias, rope)  # (B, T, D)
        return F.linear(self.ln_f(x), self.tok_emb.weight)  # (B, T, V)


def init_weights(model: PositionLM, generator: torch.Generator) -> None:
    """Draw every parameter from ``generator``, in registration order (the shared weights first, the
    position parameters last, so every kind starts from the same shared weights for one seed):
    embeddings (token, learned positions) N(0, 1/d) as fairseq; other matrices N(0, 0.02), the
    projections into the residual stream (W_O, W_2) N(0, 0.02 / sqrt(2 · layers)) as GPT-2; T5's
    bias table N(0, 0.02); biases 0, LayerNorm scales 1."""
    std_emb = model.cfg.d_model ** -0.5
    std_out = 0.02 / math.sqrt(2 * model.cfg.n_layers)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name in ("tok_emb.weight", "pos_emb.weight"):
                p.normal_(0.0, std_emb, generator=generator)
            elif p.dim() >= 2:
                p.normal_(0.0, std_out if name.endswith((".o.weight", ".down.weight")) else 0.02, generator=generator)
            elif ".ln_" in f".{name}" and name.endswith("weight"):
                p.fill_(1.0)
            else:
                p.zero_()


# ---------------------------------------------------------------------------------------------
# Evaluation on held-out text: non-overlapping windows, as Press et al. evaluate
# ---------------------------------------------------------------------------------------------

def span_start(n_ids: int, span: int, seed: int) -> int:
    """Where the evaluation span of ``span`` characters starts in a text of ``n_ids`` (+1 for the last
    target): drawn from the seed's own generator, so a seed fixes the windows."""
    if span + 1 > n_ids:
        raise ValueError(f"an evaluation span of {span} characters needs a longer text than {n_ids}")
    gen = torch.Generator().manual_seed(int(seed))
    return int(torch.randint(n_ids - span, (1,), generator=gen))


@torch.no_grad()
def window_losses(model: PositionLM, ids: torch.Tensor, length: int, span: int, start: int,
                  batch: int = 64) -> torch.Tensor:
    """Cross-entropy (nats) of every prediction in the non-overlapping windows of ``length``
    characters that fit in ids[start : start + span] (span // length windows; a remainder is left
    out), each window read from its own start with no earlier context. ids: (N,) the text.
    Returns (W, length) float64: row w, column i = -log p(ids[s + i + 1] | ids[s .. s + i]), s = start + w·length."""
    n = span // length
    if n < 1:
        raise ValueError(f"a span of {span} characters holds no window of {length}")
    rows = ids[start:start + n * length + 1]  # (n·L + 1,)
    x = rows[:-1].view(n, length)  # (W, L)
    y = rows[1:].view(n, length)  # (W, L)
    out = []
    for i in range(0, n, batch):
        logits = model(x[i:i + batch])  # (b, L, V)
        out.append(F.cross_entropy(logits.transpose(1, 2), y[i:i + batch], reduction="none").double())  # (b, L)
    return torch.cat(out)  # (W, L)


def evaluate_lengths(model: PositionLM, ids: torch.Tensor, lengths: tuple[int, ...], windows: int, seed: int) -> dict:
    """Mean loss at each length over one span of ``windows`` x max(lengths) characters of ``ids``
    starting at :func:`span_start` (seed): what metrics.json stores, and what the lab recomputes."""
    span = windows * max(lengths)
    start = span_start(len(ids), span, seed)
    losses = [window_losses(model, ids, L, span, start) for L in lengths]  # (W_L, L) each
    nats = [float(t.mean()) for t in losses]
    return {"lengths": list(lengths), "loss": [round(v, 6) for v in nats],
            "bits": [round(v / math.log(2), 6) for v in nats], "windows": [t.shape[0] for t in losses],
            "span": span, "start": start, "seed": seed}
