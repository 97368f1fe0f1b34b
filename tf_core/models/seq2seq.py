"""Seq2Seq, the project's own encoder-decoder Transformer, written to be read.

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

Trained from scratch on the 2-core CPU by ``python -m tf_core.train seq2seq`` (tf_core/train.py)
and shipped in assets/models/seq2seq-numbers/ (tf_core.models.checkpoints loads it).

Nothing per request is stored on a module: attention weights are returned.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from tf_core import limits
from tf_core.masks import causal_mask, padding_mask
from tf_core.models.config import require_heads_divide, require_positive
from tf_core.models.tiny_layers import Attention, FeedForward, init_weights
from tf_core.models.vocab import EOS, SRC_SPECIALS, TGT_SPECIALS, UNK, Vocab


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
        require_positive(self, "d_model", "n_heads", "n_enc_layers", "n_dec_layers", "d_ff", "max_src", "max_tgt")
        require_heads_divide(self)
        if self.src_vocab.tokens[:2] != SRC_SPECIALS or self.tgt_vocab.tokens[:3] != TGT_SPECIALS:
            raise ValueError(f"the source vocabulary must start with {SRC_SPECIALS}, the target with {TGT_SPECIALS}")

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads

    pad_id = 0  # in both vocabularies
    unk_id = 1  # source
    bos_id = 1  # target
    eos_id = 2  # target


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
