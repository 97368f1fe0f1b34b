"""The project's own two small Transformers, written to be read, and their shipped checkpoints.

Both are trained from scratch on the 2-core CPU by ``python -m tf_core.train`` (tf_core/train.py) and
shipped in assets/models/<name>/ as model.safetensors + config.json + metrics.json.

TinyGPT, a decoder only (the GPT-2 layout, Radford et al., 2019, as nanoGPT writes it), one token per
character of the King James Bible:

    x = tok_emb[ids] + pos_emb[P .. P+T)                 learned positions, after the P cached ones
    for each block (pre-LN):
        x = x + W_O · CausalSelfAttention(LayerNorm(x))
        x = x + W_2 · GELU(W_1 · LayerNorm(x))
    logits = tok_emb · LayerNorm(x)                      tied: the embedding is the output head

It has the interface of tf_core.models.llama.Llama (``forward(ids, cache, need_weights=, last_only=)``
returning a ``DecoderOutput``, a ``KVCache`` passed in and returned, ``cfg.n_kv_heads`` ...), so
``llama.generate`` and the KV-cache lesson run on either model unchanged.

Seq2Seq, an encoder-decoder ("Attention Is All You Need", Vaswani et al., 2017) that translates
English number words into Chinese numerals ("three hundred and five" -> 三百零五):

    encoder   m = src_emb[words] + src_pos
              per block: m = m + SelfAttention(LN(m), padding mask);  m = m + FFN(LN(m))
              m = LN(m)                                  the "memory" every decoder layer reads
    decoder   y = tgt_emb[chars] + tgt_pos
              per block: y = y + SelfAttention(LN(y), causal mask)
                         y = y + CrossAttention(queries from LN(y), keys and values from m, padding mask)
                         y = y + FFN(LN(y))
              logits = tgt_emb · LN(y)

Cross-attention is where the two halves meet: its queries come from the decoder (what has been
written so far), its keys and values from the encoder's output (the source words), so row t of its
weights (T_out, T_in) says which source words output step t read. The padding mask removes pad words
from both the encoder's self-attention and every cross-attention row.

Deviations from the paper, stated: the norm comes before each sub-layer (pre-LN, plus one final
LayerNorm on each side) instead of after the residual sum, which trains stably at a high learning
rate without a long warm-up; positions are learned embeddings, not sinusoids (the paper found them
equal); the feed-forward uses GELU, not ReLU; the target embedding is tied with the output head (the
paper also ties it with the source embedding, impossible here: the two vocabularies differ);
embeddings are not multiplied by sqrt(d_model); there is no dropout and no label smoothing (the
training pairs are generated without limit, so the model does not overfit them).

Nothing per request is stored on a module: caches and attention weights are returned.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from tf_core import limits
from tf_core.attention import merge_heads, scaled_dot_product_attention, split_heads
from tf_core.cache import KVCache
from tf_core.masks import causal_mask, padding_mask
from tf_core.models.catalog import ModelUnavailable
from tf_core.models.llama import DecoderOutput
from tf_core.models.weights import build_on_meta

MODELS_DIR = Path(__file__).resolve().parents[2] / "assets" / "models"
GPT_DIR = MODELS_DIR / "tiny-gpt"
SEQ2SEQ_DIR = MODELS_DIR / "seq2seq-numbers"
FILES = ("model.safetensors", "config.json", "metrics.json")

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SRC_SPECIALS = (PAD, UNK)  # ids 0, 1 of the source vocabulary
TGT_SPECIALS = (PAD, BOS, EOS)  # ids 0, 1, 2 of the target vocabulary


# ---------------------------------------------------------------------------------------------
# Vocabularies and configs
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Vocab:
    """Tokens by id: a character-level vocabulary (TinyGPT, the Chinese side) or a word-level one
    (the English side). Stored in config.json with the weights, whose embedding rows follow it.

    >>> v = Vocab(("<pad>", "a", "b"))
    >>> v.encode("ba"), v.decode([1, 2])
    ([2, 1], ['a', 'b'])
    """

    tokens: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.tokens or len(set(self.tokens)) != len(self.tokens):
            raise ValueError("a vocabulary needs at least one token and no token twice")

    @cached_property
    def index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, items: Iterable[str], unk: str | None = None) -> list[int]:
        """Ids of ``items`` (the characters of a string, or a list of words). An item not in the
        vocabulary becomes ``unk`` when given, else raises ValueError naming it."""
        index, out = self.index, []
        for item in items:
            if item in index:
                out.append(index[item])
            elif unk is not None:
                out.append(index[unk])
            else:
                raise ValueError(f"{item!r} is not in the vocabulary")
        return out

    def decode(self, ids: Iterable[int]) -> list[str]:
        return [self.tokens[int(i)] for i in ids]


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
        for name in ("d_model", "n_layers", "n_heads", "d_ff", "max_positions"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model={self.d_model} is not divisible by n_heads={self.n_heads}")

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


@dataclass(frozen=True)
class Seq2SeqConfig:
    src_vocab: Vocab  # English number words; "<pad>", "<unk>" first
    tgt_vocab: Vocab  # Chinese numeral characters; "<pad>", "<bos>", "<eos>" first
    d_model: int = 64  # width of both residual streams (this layout of cross-attention needs them equal)
    n_heads: int = 4  # heads of every attention layer
    n_enc_layers: int = 2  # encoder blocks
    n_dec_layers: int = 2  # decoder blocks (each with self- and cross-attention)
    d_ff: int = 256  # feed-forward hidden width
    max_src: int = 12  # learned source positions: limits.NUMBER_WORDS (8) words, and room for extra padding
    max_tgt: int = 10  # learned target positions: the decoder reads <bos> + up to limits.NUMBER_CHARS characters
    ln_eps: float = 1e-5

    def __post_init__(self) -> None:
        for name in ("d_model", "n_heads", "n_enc_layers", "n_dec_layers", "d_ff", "max_src", "max_tgt"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model={self.d_model} is not divisible by n_heads={self.n_heads}")
        if self.src_vocab.tokens[:2] != SRC_SPECIALS or self.tgt_vocab.tokens[:3] != TGT_SPECIALS:
            raise ValueError(f"the source vocabulary must start with {SRC_SPECIALS}, the target with {TGT_SPECIALS}")

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads

    pad_id = 0  # in both vocabularies
    unk_id = 1  # source
    bos_id = 1  # target
    eos_id = 2  # target


def config_to_json(cfg: GPTConfig | Seq2SeqConfig) -> dict:
    """The config as config.json stores it: vocabularies as lists of tokens."""
    return {f.name: (list(v.tokens) if isinstance(v := getattr(cfg, f.name), Vocab) else v) for f in fields(cfg)}


def config_from_json(cls: type, data: Mapping) -> GPTConfig | Seq2SeqConfig:
    names = {f.name for f in fields(cls)}
    if set(data) != names:
        raise ValueError(f"config fields {sorted(set(data) ^ names)} do not match {cls.__name__}")
    return cls(**{k: (Vocab(tuple(v)) if isinstance(v, list) else v) for k, v in data.items()})


# ---------------------------------------------------------------------------------------------
# Shared modules
# ---------------------------------------------------------------------------------------------

class Attention(nn.Module):
    """Multi-head attention with biases, its keys and values projected from any input: the same
    tokens (self-attention) or the encoder's output (cross-attention)."""

    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        self.n_heads = n_heads
        self.q = nn.Linear(d_model, d_model)
        self.k = nn.Linear(d_model, d_model)
        self.v = nn.Linear(d_model, d_model)
        self.o = nn.Linear(d_model, d_model)

    def keys_values(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (B, S, D) -> K, V, each (B, H, S, Dh): what a KV cache keeps."""
        return split_heads(self.k(x), self.n_heads), split_heads(self.v(x), self.n_heads)

    def forward(self, x: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None,
                need_weights: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
        """x: (B, T, D) the queries' input; k, v: (B, H, S, Dh); mask: broadcastable to (B, H, T, S),
        True = may attend. Returns (out (B, T, D), weights (B, H, T, S) or None)."""
        q = split_heads(self.q(x), self.n_heads)  # (B, H, T, Dh)
        att = scaled_dot_product_attention(q, k, v, mask=mask, need_weights=need_weights)  # (B, H, T, Dh)
        return self.o(merge_heads(att.output)), att.weights  # (B, T, D)


class FeedForward(nn.Module):
    """W_2 · GELU(W_1 · x + b_1) + b_2, applied to every position alone."""

    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.up = nn.Linear(d_model, d_ff)
        self.down = nn.Linear(d_ff, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(F.gelu(self.up(x)))  # (B, T, d_ff) inside, (B, T, D) out


def init_weights(model: nn.Module, n_residual_layers: int) -> None:
    """GPT-2's initialisation (as nanoGPT): weights N(0, 0.02), biases 0, LayerNorm 1 and 0, and the
    projections that write into the residual stream (attention's W_O, the FFN's W_2) scaled down by
    sqrt(2 · layers), so the stream's variance does not grow with depth at the start."""
    for name, p in model.named_parameters():
        if p.dim() >= 2:
            std = 0.02 / math.sqrt(2 * n_residual_layers) if name.endswith((".o.weight", ".down.weight")) else 0.02
            nn.init.normal_(p, mean=0.0, std=std)
        elif "ln" in name and name.endswith("weight"):
            nn.init.ones_(p)
        else:
            nn.init.zeros_(p)


# ---------------------------------------------------------------------------------------------
# TinyGPT
# ---------------------------------------------------------------------------------------------

class GPTBlock(nn.Module):
    """One pre-LN decoder block: causal self-attention, then the feed-forward."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.attn = Attention(cfg.d_model, cfg.n_heads)
        self.ln_2 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.mlp = FeedForward(cfg.d_model, cfg.d_ff)

    def forward(self, x, past, mask, need_weights):
        """x: (B, T, D) new tokens; past: cached (K, V) each (B, H, P, Dh) or None.
        Returns (x (B, T, D), (K, V) each (B, H, P+T, Dh), weights (B, H, T, P+T) or None)."""
        h = self.ln_1(x)
        k, v = self.attn.keys_values(h)  # (B, H, T, Dh) each
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)  # (B, H, P+T, Dh)
        a, w = self.attn(h, k, v, mask, need_weights)
        x = x + a  # (B, T, D)
        x = x + self.mlp(self.ln_2(x))  # (B, T, D)
        return x, (k, v), w


class TinyGPT(nn.Module):
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
        parameters do not require them."""
        B, T = ids.shape
        cache = KVCache.continuing(cache, self.cfg.n_layers, B, T, self.cfg.max_positions)
        P = cache.length
        positions = torch.arange(P, P + T, device=ids.device)  # (T,): continuing after the cached ones
        x = self.tok_emb(ids) + self.pos_emb(positions)  # (B, T, D)
        # subtle: one new token (T = 1) may see every cached key, so no mask; T > 1 needs the causal
        # mask aligned at the end (query i sits at position P + i).
        mask = causal_mask(T, P + T, device=ids.device) if T > 1 else None  # (T, P+T)
        keys, values, attentions = [], [], []
        for i, block in enumerate(self.blocks):
            x, (k, v), w = block(x, cache.layer(i), mask, need_weights)
            keys.append(k)
            values.append(v)
            if need_weights:
                attentions.append(w)
        x = self.ln_f(x if not last_only else x[:, -1:])  # (B, T, D) or (B, 1, D)
        logits = F.linear(x, self.tok_emb.weight)  # (B, T, V): tied output head
        return DecoderOutput(logits=logits, cache=KVCache(tuple(keys), tuple(values)), attentions=tuple(attentions))


# ---------------------------------------------------------------------------------------------
# Seq2Seq
# ---------------------------------------------------------------------------------------------

class EncoderBlock(nn.Module):
    """Pre-LN: self-attention over the source words (pad words masked), then the feed-forward."""

    def __init__(self, cfg: Seq2SeqConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.attn = Attention(cfg.d_model, cfg.n_heads)
        self.ln_2 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.mlp = FeedForward(cfg.d_model, cfg.d_ff)

    def forward(self, x, mask, need_weights):
        h = self.ln_1(x)
        a, w = self.attn(h, *self.attn.keys_values(h), mask, need_weights)
        x = x + a  # (B, S, D)
        return x + self.mlp(self.ln_2(x)), w


class DecoderBlock(nn.Module):
    """Pre-LN: causal self-attention over the characters so far, cross-attention to the encoder's
    output, then the feed-forward."""

    def __init__(self, cfg: Seq2SeqConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.self_attn = Attention(cfg.d_model, cfg.n_heads)
        self.ln_2 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.cross_attn = Attention(cfg.d_model, cfg.n_heads)
        self.ln_3 = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.mlp = FeedForward(cfg.d_model, cfg.d_ff)

    def forward(self, y, memory, self_mask, cross_mask, self_weights, cross_weights):
        """y: (B, T, D) the characters so far; memory: (B, S, D) the encoder's output.
        Returns (y (B, T, D), self weights (B, H, T, T) or None, cross weights (B, H, T, S) or None)."""
        h = self.ln_1(y)
        a, ws = self.self_attn(h, *self.self_attn.keys_values(h), self_mask, self_weights)
        y = y + a  # (B, T, D)
        # queries from the decoder, keys and values from the encoder: the only path from source to output
        a, wc = self.cross_attn(self.ln_2(y), *self.cross_attn.keys_values(memory), cross_mask, cross_weights)
        y = y + a  # (B, T, D)
        return y + self.mlp(self.ln_3(y)), ws, wc


@dataclass(frozen=True)
class Seq2SeqOutput:
    """logits: (B, T_out, V_tgt); cross_attentions: one (B, H, T_out, T_in) per decoder layer (empty
    unless asked); encoder_attentions (B, H, T_in, T_in) and decoder_attentions (B, H, T_out, T_out)
    per layer, when self-attention weights were asked for."""

    logits: torch.Tensor
    cross_attentions: tuple[torch.Tensor, ...] = ()
    encoder_attentions: tuple[torch.Tensor, ...] = ()
    decoder_attentions: tuple[torch.Tensor, ...] = ()


class Seq2Seq(nn.Module):
    def __init__(self, cfg: Seq2SeqConfig):
        super().__init__()
        self.cfg = cfg
        self.src_emb = nn.Embedding(len(cfg.src_vocab), cfg.d_model)
        self.src_pos = nn.Embedding(cfg.max_src, cfg.d_model)
        self.encoder = nn.ModuleList(EncoderBlock(cfg) for _ in range(cfg.n_enc_layers))
        self.ln_enc = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        self.tgt_emb = nn.Embedding(len(cfg.tgt_vocab), cfg.d_model)
        self.tgt_pos = nn.Embedding(cfg.max_tgt, cfg.d_model)
        self.decoder = nn.ModuleList(DecoderBlock(cfg) for _ in range(cfg.n_dec_layers))
        self.ln_dec = nn.LayerNorm(cfg.d_model, eps=cfg.ln_eps)
        init_weights(self, cfg.n_enc_layers + cfg.n_dec_layers)

    def source_mask(self, src_ids: torch.Tensor) -> torch.Tensor:
        """(B, S) right-padded word ids -> (B, 1, 1, S) booleans, True at real words (tf_core.masks)."""
        real = src_ids != self.cfg.pad_id  # (B, S)
        mask = padding_mask(real.sum(dim=-1), src_ids.shape[1]).to(src_ids.device)  # (B, 1, 1, S)
        if not torch.equal(mask[:, 0, 0], real):
            raise ValueError("pad ids must come after the words (right padding)")
        if not bool(real[:, 0].all()):
            raise ValueError("every source needs at least one word")
        return mask

    def encode(self, src_ids: torch.Tensor, need_weights: bool = False):
        """src_ids: (B, S). Returns (memory (B, S, D), mask (B, 1, 1, S), per-layer weights (B, H, S, S))."""
        B, S = src_ids.shape
        if S > self.cfg.max_src:
            raise ValueError(f"{S} source words exceed the model's {self.cfg.max_src} positions")
        mask = self.source_mask(src_ids)
        m = self.src_emb(src_ids) + self.src_pos(torch.arange(S, device=src_ids.device))  # (B, S, D)
        weights = []
        for block in self.encoder:
            m, w = block(m, mask, need_weights)
            if need_weights:
                weights.append(w)
        return self.ln_enc(m), mask, tuple(weights)

    def decode(self, tgt_ids: torch.Tensor, memory: torch.Tensor, src_mask: torch.Tensor, *,
               cross_weights: bool = True, self_weights: bool = False) -> Seq2SeqOutput:
        """tgt_ids: (B, T) starting with <bos>; memory, src_mask: from :meth:`encode`.

        No padding mask on the target side: right padding sits after every real character, and the
        causal mask already keeps a real query from seeing later positions (pad queries are ignored
        by the loss)."""
        B, T = tgt_ids.shape
        if T > self.cfg.max_tgt:
            raise ValueError(f"{T} target positions exceed the model's {self.cfg.max_tgt}")
        y = self.tgt_emb(tgt_ids) + self.tgt_pos(torch.arange(T, device=tgt_ids.device))  # (B, T, D)
        causal = causal_mask(T, device=tgt_ids.device)  # (T, T)
        cross, selfs = [], []
        for block in self.decoder:
            y, ws, wc = block(y, memory, causal, src_mask, self_weights, cross_weights)
            if cross_weights:
                cross.append(wc)
            if self_weights:
                selfs.append(ws)
        logits = F.linear(self.ln_dec(y), self.tgt_emb.weight)  # (B, T, V_tgt): tied with the target embedding
        return Seq2SeqOutput(logits=logits, cross_attentions=tuple(cross), decoder_attentions=tuple(selfs))

    def forward(self, src_ids: torch.Tensor, tgt_ids: torch.Tensor, *, cross_weights: bool = True,
                self_weights: bool = False) -> Seq2SeqOutput:
        """src_ids: (B, S) right-padded words; tgt_ids: (B, T) <bos> + characters (teacher forcing).
        cross_weights: every decoder layer's cross-attention weights (the explicit path; training
        turns it off for the fused kernel); self_weights: the self-attention weights of both sides."""
        memory, mask, enc_w = self.encode(src_ids, need_weights=self_weights)
        out = self.decode(tgt_ids, memory, mask, cross_weights=cross_weights, self_weights=self_weights)
        return Seq2SeqOutput(logits=out.logits, cross_attentions=out.cross_attentions,
                             encoder_attentions=enc_w, decoder_attentions=out.decoder_attentions)


def source_ids(cfg: Seq2SeqConfig, sources: Sequence[Sequence[str]], length: int | None = None) -> torch.Tensor:
    """Word lists -> (B, S) ids, right-padded to the longest (or ``length``); unknown words -> <unk>."""
    ids = [cfg.src_vocab.encode(words, unk=UNK) for words in sources]
    S = max(len(i) for i in ids) if length is None else length
    return torch.tensor([i + [cfg.pad_id] * (S - len(i)) for i in ids], dtype=torch.long)  # (B, S)


@torch.inference_mode()
def greedy_decode(model: Seq2Seq, src_ids: torch.Tensor, max_chars: int = limits.NUMBER_CHARS) -> torch.Tensor:
    """Batched greedy decoding (the fused kernel, no weights): (B, S) -> (B, N) target ids after <bos>,
    each row ending at its first <eos> and padded after it; at most ``max_chars`` + 1 steps. Each step
    re-runs the decoder over the whole prefix: at ten positions a cache would save nothing visible."""
    cfg = model.cfg
    memory, mask, _ = model.encode(src_ids)
    seq = torch.full((src_ids.shape[0], 1), cfg.bos_id, dtype=torch.long, device=src_ids.device)  # (B, 1)
    done = torch.zeros(src_ids.shape[0], dtype=torch.bool, device=src_ids.device)
    for _ in range(max_chars + 1):
        logits = model.decode(seq, memory, mask, cross_weights=False).logits[:, -1]  # (B, V)
        nxt = logits.argmax(dim=-1).masked_fill(done, cfg.pad_id)  # (B,)
        seq = torch.cat([seq, nxt[:, None]], dim=1)  # (B, t + 1)
        done |= nxt == cfg.eos_id
        if bool(done.all()):
            break
    return seq[:, 1:]


def ids_to_text(cfg: Seq2SeqConfig, ids: Iterable[int]) -> str:
    """Target ids -> the numeral string, stopping at <eos> and leaving special tokens out."""
    out = []
    for tok in cfg.tgt_vocab.decode(ids):
        if tok == EOS:
            break
        if tok not in TGT_SPECIALS:
            out.append(tok)
    return "".join(out)


@dataclass(frozen=True)
class Translation:
    """One greedy translation. N steps were decoded (the last is <eos> when ``finished``).

    tokens: the N chosen tokens; text: the numerals without special tokens; probs: (N,) the
    probability of each chosen token; cross_attentions: (L, H, N, S) every decoder layer's
    cross-attention, row t being the step that chose tokens[t] (its query is the token before it)."""

    words: tuple[str, ...]
    tokens: tuple[str, ...]
    text: str
    probs: torch.Tensor
    cross_attentions: torch.Tensor
    finished: bool


@torch.inference_mode()
def translate(model: Seq2Seq, words: str | Sequence[str], max_chars: int = limits.NUMBER_CHARS) -> Translation:
    """Greedy translation of one source (a string is split on spaces). Every step runs the explicit
    attention path, so the weights returned are those of the steps that chose the tokens."""
    cfg = model.cfg
    words = tuple(words.split() if isinstance(words, str) else words)
    if not words:
        raise ValueError("give at least one word")
    src = source_ids(cfg, [words]).to(next(model.parameters()).device)  # (1, S)
    memory, mask, _ = model.encode(src)
    seq = torch.full((1, 1), cfg.bos_id, dtype=torch.long, device=src.device)  # (1, 1)
    probs = []
    for _ in range(max_chars + 1):
        out = model.decode(seq, memory, mask, cross_weights=True)
        p = torch.softmax(out.logits[0, -1].float(), dim=-1)  # (V,)
        nxt = int(p.argmax())
        probs.append(p[nxt])
        seq = torch.cat([seq, seq.new_tensor([[nxt]])], dim=1)  # (1, t + 1)
        if nxt == cfg.eos_id:
            break
    weights = torch.stack([w[0] for w in out.cross_attentions])  # (L, H, N, S): the last run covers every step
    ids = seq[0, 1:].tolist()
    return Translation(words=words, tokens=tuple(cfg.tgt_vocab.decode(ids)), text=ids_to_text(cfg, ids),
                       probs=torch.stack(probs), cross_attentions=weights, finished=ids[-1] == cfg.eos_id)


# ---------------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------------

class CheckpointMissing(ModelUnavailable, FileNotFoundError):
    """A shipped checkpoint's files are not there (train it: python -m tf_core.train gpt|seq2seq)."""


@dataclass(frozen=True, eq=False)
class Trained:
    """A shipped model (eval mode, parameters frozen) with its config.json and metrics.json."""

    model: nn.Module
    config: dict = field(repr=False)
    metrics: dict = field(repr=False)
    path: Path = MODELS_DIR


def save(folder: Path | str, model: TinyGPT | Seq2Seq, config: Mapping, metrics: Mapping) -> Path:
    """Write model.safetensors (float32, our parameter names), config.json and metrics.json into ``folder``."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().float().contiguous().cpu() for k, v in model.state_dict().items()}
    save_file(state, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return folder


def _load(folder: Path, cls: type, cfg_cls: type, command: str, device) -> Trained:
    from safetensors.torch import load_file

    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise CheckpointMissing(f"{', '.join(missing)} missing in {folder}: train the model with "
                                f"`python -m tf_core.train {command}`")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    cfg = config_from_json(cfg_cls, config["architecture"])
    # every name and every shape asserted against the module's own (tf_core.models.weights)
    model = build_on_meta(lambda: cls(cfg), load_file(str(folder / "model.safetensors"))).to(device)
    model.requires_grad_(False)  # inference only: llama.generate then builds no autograd graph
    return Trained(model=model, config=config, metrics=metrics, path=folder)


def load_gpt(folder: Path | str | None = None, device="cpu") -> Trained:
    """The shipped TinyGPT (assets/models/tiny-gpt) or one trained into ``folder``."""
    return _load(Path(folder or GPT_DIR), TinyGPT, GPTConfig, "gpt", device)


def load_seq2seq(folder: Path | str | None = None, device="cpu") -> Trained:
    """The shipped number translator (assets/models/seq2seq-numbers) or one trained into ``folder``."""
    return _load(Path(folder or SEQ2SEQ_DIR), Seq2Seq, Seq2SeqConfig, "seq2seq", device)


def n_parameters(model: nn.Module) -> int:
    """Parameters counted once (the tied output head adds none)."""
    return sum(p.numel() for p in model.parameters())

