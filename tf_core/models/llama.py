"""A Llama-style decoder (SmolLM2, Llama 2/3 family), written to be read, with greedy decoding.

The architecture (Touvron et al., 2023), pre-norm, no biases anywhere:

    x = tok_emb[ids]                                                   no position embedding
    for each block:
        x = x + W_O · Attention(RoPE(W_Q · RMSNorm(x)), RoPE(W_K · RMSNorm(x)), W_V · RMSNorm(x))
        x = x + W_down · (SiLU(W_gate · RMSNorm(x)) ⊙ W_up · RMSNorm(x))        SwiGLU (Shazeer, 2020)
    logits = tok_emb · RMSNorm(x)                                      tied: the embedding is the head

Against "Attention Is All You Need", stated: the norm comes before each sub-layer (pre-LN) and is
RMSNorm (no mean subtraction, no bias); positions enter as rotations of q and k (RoPE, Su et al.,
2021) inside every attention layer, not as a vector added once; the feed-forward is gated (three
matrices, SiLU); grouped-query attention (Ainslie et al., 2023): ``n_kv_heads`` key/value heads,
each shared by ``n_heads / n_kv_heads`` query heads (SmolLM2-135M: 9 query heads, 3 K/V heads).

Rotary convention, stated: the paper rotates adjacent pairs (x0, x1), (x2, x3) ... of each head;
Hugging Face's Llama rotates the two halves, (x_i, x_{i + Dh/2}), and so do we: RoPE itself
lives in tf_core.positional, shared with the positions lessons. The two are the same model up to a
fixed permutation of each head's q and k dimensions, which llama.cpp bakes into the weights of its
GGUF files (its kernel rotates adjacent pairs); ``unpermute_rope`` undoes it on loading, exactly as
transformers' GGUF loader does, so our weights equal theirs.

Decoding: the model takes an optional ``KVCache`` (tf_core.cache) and returns the next one; new
tokens take the positions after the cached ones. Nothing per request is stored on the module.
``generate`` decodes greedily, with the cache or recomputing the whole prefix each step.

Per-call switches (Break it, tf_core.ablation): a block takes ``switches`` (:class:`Switches`: the
score scale, RMSNorm's learned scale, heads whose output is zeroed), ``embed`` takes ``rope`` and
``head`` takes ``norm_scale``. Their defaults are the model as trained, the same code bit for bit;
nothing is stored and no weight changes. ``decoder.run(model, ids, ablation=...)`` sets them.

The loop over the blocks is tf_core.models.decoder's, shared with the tiny GPT; so are the lessons'
ways to run it (without the causal mask, traced sub-step by sub-step, timed block by block).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from tf_core.attention import merge_heads, scaled_dot_product_attention
from tf_core.cache import KVCache
from tf_core.device import synchronize
from tf_core.models import decoder
from tf_core.models.config import require_heads_divide, require_positive
from tf_core.models.decoder import BlockMath, BlockTrace, DecoderOutput
from tf_core.models.weights import build_on_meta
from tf_core.positional import apply_rope, rope_angles, rotate_half  # noqa: F401  (rotate_half: re-exported)


@dataclass(frozen=True)
class LlamaConfig:
    vocab_size: int  # rows of the token embedding, which is also the output head (tied)
    d_model: int  # width of the residual stream
    n_layers: int  # decoder blocks
    n_heads: int  # query heads per block; each works in d_model / n_heads dimensions
    n_kv_heads: int  # key/value heads (GQA): each serves n_heads / n_kv_heads query heads; = n_heads is plain MHA
    d_ff: int  # width of the SwiGLU hidden layer (gate and up projections)
    max_positions: int  # the context length the model was trained for (RoPE itself has no table to run out of)
    rope_theta: float = 10_000.0  # RoPE's base: frequencies theta^(-2i/Dh); larger = slower rotations, longer context
    rms_eps: float = 1e-5  # added to the mean square inside RMSNorm's square root

    def __post_init__(self) -> None:
        require_positive(self, "vocab_size", "d_model", "n_layers", "n_heads", "n_kv_heads", "d_ff", "max_positions")
        require_heads_divide(self)
        if self.n_heads % self.n_kv_heads:
            raise ValueError(f"n_heads={self.n_heads} is not a multiple of n_kv_heads={self.n_kv_heads}")
        if self.d_head % 2:
            raise ValueError(f"RoPE rotates pairs: the head size {self.d_head} must be even")
        if self.rope_theta <= 1 or self.rms_eps <= 0:
            raise ValueError("rope_theta must exceed 1 and rms_eps must be positive")

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads

    @property
    def group(self) -> int:
        """Query heads per key/value head."""
        return self.n_heads // self.n_kv_heads

    @classmethod
    def from_gguf(cls, metadata: Mapping[str, object]) -> LlamaConfig:
        """The sizes from a llama.cpp GGUF file's metadata (``llama.*`` keys)."""
        if metadata.get("general.architecture") != "llama":
            raise ValueError(f"expected a llama GGUF, got {metadata.get('general.architecture')!r}")
        m = {k.removeprefix("llama."): v for k, v in metadata.items() if k.startswith("llama.")}
        cfg = cls(
            vocab_size=int(m.get("vocab_size", len(metadata.get("tokenizer.ggml.tokens", ())))),
            d_model=int(m["embedding_length"]), n_layers=int(m["block_count"]),
            n_heads=int(m["attention.head_count"]), n_kv_heads=int(m.get("attention.head_count_kv", m["attention.head_count"])),
            d_ff=int(m["feed_forward_length"]), max_positions=int(m["context_length"]),
            rope_theta=float(m.get("rope.freq_base", 10_000.0)), rms_eps=float(m["attention.layer_norm_rms_epsilon"]),
        )
        if int(m.get("rope.dimension_count", cfg.d_head)) != cfg.d_head:
            raise ValueError("partial rotary embeddings (rope.dimension_count < head size) are not supported")
        return cfg


# SmolLM2-135M-Instruct (its GGUF metadata): 134.5M parameters.
PRESETS = {
    "smollm2-135m": LlamaConfig(vocab_size=49_152, d_model=576, n_layers=30, n_heads=9, n_kv_heads=3, d_ff=1536,
                                max_positions=8192, rope_theta=100_000.0, rms_eps=1e-5),
}


# ---------------------------------------------------------------------------------------------
# Rotary position embedding: rope_angles, rotate_half, apply_rope live in tf_core.positional (one
# implementation for every user); what stays here is the GGUF files' weight layout.
# ---------------------------------------------------------------------------------------------

def unpermute_rope(w: torch.Tensor, n_heads: int) -> torch.Tensor:
    """llama.cpp's GGUF layout of a q or k projection (rows of each head interleaved as pairs)
    -> Hugging Face's (each head's rows as two halves). w: (n_heads * Dh, D), rows = outputs.

    llama.cpp's converter wrote row (h, i, j) of the half layout to (h, 2i + j): undo it.
    """
    out, d_in = w.shape
    half = out // n_heads // 2
    return w.reshape(n_heads, half, 2, d_in).transpose(1, 2).reshape(out, d_in)  # (H·Dh, D)


# ---------------------------------------------------------------------------------------------
# Modules
# ---------------------------------------------------------------------------------------------

class RMSNorm(nn.Module):
    """x / sqrt(mean(x²) + eps) · g (Zhang & Sennrich, 2019): LayerNorm without the mean and the bias."""

    def __init__(self, d: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x: torch.Tensor, scaled: bool = True) -> torch.Tensor:
        """scaled=False: without the learned g (g = 1), for this call only (Break it)."""
        x32 = x.float()  # the statistic in float32 even for half-precision weights, as Hugging Face
        y = x32 * torch.rsqrt(x32.pow(2).mean(dim=-1, keepdim=True) + self.eps)  # (B, T, D)
        return self.weight * y.to(x.dtype) if scaled else y.to(x.dtype)


def repeat_kv(x: torch.Tensor, group: int) -> torch.Tensor:
    """(B, H_kv, S, Dh) -> (B, H_kv·group, S, Dh): K/V head j serves query heads j·group .. j·group + group-1.
    A view where possible (expand), so grouped-query attention stores only H_kv heads in the cache."""
    if group == 1:
        return x
    B, Hkv, S, Dh = x.shape
    return x[:, :, None].expand(B, Hkv, group, S, Dh).reshape(B, Hkv * group, S, Dh)  # (B, H, S, Dh)


@dataclass(frozen=True)
class Switches:
    """One block's per-call options (tf_core.ablation builds them); the defaults are the model as trained.
    scale: the attention scores' factor (None: 1/sqrt(d_head)); norm_scale: multiply by the RMSNorms'
    learned g (False: g = 1); heads_off: query heads whose output is zeroed before W_O."""

    scale: float | None = None
    norm_scale: bool = True
    heads_off: tuple[int, ...] = ()


AS_TRAINED = Switches()


class Attention(nn.Module):
    """Grouped-query self-attention with RoPE, under the mask it is given (the decoder's: causal)."""

    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.n_heads, self.n_kv_heads, self.d_head = cfg.n_heads, cfg.n_kv_heads, cfg.d_head
        self.q = nn.Linear(cfg.d_model, cfg.n_heads * cfg.d_head, bias=False)
        self.k = nn.Linear(cfg.d_model, cfg.n_kv_heads * cfg.d_head, bias=False)
        self.v = nn.Linear(cfg.d_model, cfg.n_kv_heads * cfg.d_head, bias=False)
        self.o = nn.Linear(cfg.n_heads * cfg.d_head, cfg.d_model, bias=False)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor,
                past: tuple[torch.Tensor, torch.Tensor] | None, mask: torch.Tensor | None, need_weights: bool,
                scale: float | None = None, heads_off: tuple[int, ...] = ()):
        """x: (B, T, D) the new tokens; cos, sin: (T, Dh) their rotations; past: cached (K, V), each
        (B, H_kv, P, Dh), or None; mask: (T, P+T) bool, True = may attend, or None (every key).
        scale: the scores' factor (None: 1/sqrt(Dh)); heads_off: query heads whose output (and weights)
        are zeroed before W_O, BertModel's head_mask semantics (both per call: :class:`Switches`).
        Returns (out (B, T, D), (K, V) each (B, H_kv, P+T, Dh), weights (B, H, T, P+T) or None)."""
        B, T, _ = x.shape
        q = self.q(x).view(B, T, self.n_heads, self.d_head).transpose(1, 2)  # (B, H, T, Dh)
        k = self.k(x).view(B, T, self.n_kv_heads, self.d_head).transpose(1, 2)  # (B, Hkv, T, Dh)
        v = self.v(x).view(B, T, self.n_kv_heads, self.d_head).transpose(1, 2)  # (B, Hkv, T, Dh)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)  # rotated by their absolute positions
        if past is not None:
            k = torch.cat([past[0], k], dim=2)  # (B, Hkv, P+T, Dh): the cache stores keys already rotated
            v = torch.cat([past[1], v], dim=2)  # (B, Hkv, P+T, Dh)
        group = self.n_heads // self.n_kv_heads
        att = scaled_dot_product_attention(q, repeat_kv(k, group), repeat_kv(v, group), mask=mask, scale=scale,
                                           need_weights=need_weights)  # output (B, H, T, Dh)
        heads, weights = att.output, att.weights
        if heads_off:
            keep = torch.ones(self.n_heads, 1, 1, dtype=heads.dtype, device=heads.device)  # (H, 1, 1)
            keep[list(heads_off)] = 0
            heads = heads * keep  # = (weights * keep) @ v: those heads add nothing to W_O's input
            weights = None if weights is None else weights * keep
        return self.o(merge_heads(heads)), (k, v), weights  # (B, T, D)


class SwiGLU(nn.Module):
    """down(SiLU(gate(x)) ⊙ up(x)): a feed-forward whose hidden units are gated by a second projection."""

    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.gate = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        self.up = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        self.down = nn.Linear(cfg.d_ff, cfg.d_model, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(F.silu(self.gate(x)) * self.up(x))  # (B, T, d_ff) inside, (B, T, D) out


class Block(nn.Module):
    """One pre-norm decoder block."""

    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.attn_norm = RMSNorm(cfg.d_model, cfg.rms_eps)
        self.attn = Attention(cfg)
        self.mlp_norm = RMSNorm(cfg.d_model, cfg.rms_eps)
        self.mlp = SwiGLU(cfg)

    def forward(self, x, context, past, mask, need_weights, switches: Switches | None = None):
        """x: (B, T, D); context: (cos, sin) of the T positions; past: cached (K, V) or None;
        mask: (T, P+T) or None; switches: this call's options (None: the model as trained).
        Returns (out (B, T, D), (K, V), weights or None, BlockTrace)."""
        cos, sin = context
        sw = AS_TRAINED if switches is None else switches
        h = self.attn_norm(x, sw.norm_scale)  # (B, T, D)
        a, kv, w = self.attn(h, cos, sin, past, mask, need_weights, sw.scale, sw.heads_off)
        r1 = x + a  # (B, T, D)
        m = self.mlp_norm(r1, sw.norm_scale)  # (B, T, D)
        f = self.mlp(m)  # (B, T, D)
        out = r1 + f  # (B, T, D)
        return out, kv, w, BlockTrace(attn_norm=h, attn=a, resid1=r1, mlp_norm=m, mlp=f, resid2=out)


class Llama(nn.Module):
    MATH = BlockMath(norm="RMSNorm", ffn="SwiGLU", formulas={
        "attn_norm": "u_i = x_i / rms(x_i) · g",
        "attn": "a_i = Σ_j w_ij W_O v_j",
        "resid1": "h_i = x_i + a_i",
        "mlp_norm": "m_i = h_i / rms(h_i) · g'",
        "mlp": "f_i = W_down (SiLU(W_gate m_i) ⊙ W_up m_i)",
        "resid2": "h_i + f_i",
    })

    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.cfg = cfg
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.norm = RMSNorm(cfg.d_model, cfg.rms_eps)

    @torch.inference_mode()
    def forward(self, ids: torch.Tensor, cache: KVCache | None = None, *, need_weights: bool = False,
                last_only: bool = False) -> DecoderOutput:
        """ids: (B, T) the new token ids; cache: what earlier calls returned (None: start of the text).
        need_weights: return every layer's attention weights (the explicit path, slower).
        last_only: logits for the last position only, which is all greedy decoding needs (the tied
        49,152-wide head is a fifth of SmolLM2's multiply-adds per token; over a whole prefix, more).
        The loop is tf_core.models.decoder.run (with its lesson functions: no mask, traced, timed)."""
        return decoder.run(self, ids, cache, need_weights=need_weights, last_only=last_only)

    def embed(self, ids: torch.Tensor, positions: torch.Tensor,
              rope: bool = True) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """(B, T) ids at (T,) positions -> the token embeddings (B, T, D) and the RoPE (cos, sin),
        each (T, Dh), that every block's attention rotates q and k by. No position is added to x.
        rope=False: cos 1 and sin 0, no rotation at all (this call only): nothing tells positions apart."""
        x = self.tok_emb(ids)  # (B, T, D)
        if not rope:
            ones = torch.ones(len(positions), self.cfg.d_head, dtype=x.dtype, device=x.device)  # (T, Dh)
            return x, (ones, torch.zeros_like(ones))
        cos, sin = rope_angles(positions, self.cfg.d_head, self.cfg.rope_theta)  # (T, Dh) each
        return x, (cos.to(x.dtype), sin.to(x.dtype))

    def head(self, x: torch.Tensor, norm_scale: bool = True) -> torch.Tensor:
        """(B, T, D) -> (B, T, V): the final RMSNorm (without its g when ``norm_scale`` is False), then
        the tied output projection."""
        return F.linear(self.norm(x, norm_scale), self.tok_emb.weight)

    @classmethod
    def from_state(cls, cfg: LlamaConfig, state: Mapping[str, torch.Tensor]) -> Llama:
        """A model holding ``state``'s tensors as its weights, built on the meta device first (no
        random initialisation of 135M numbers only to overwrite them), every matrix column-major."""
        return column_major(build_on_meta(lambda: cls(cfg), state))


def column_major(model: nn.Module) -> nn.Module:
    """Store every weight matrix column-major: an (out, in) view of a contiguous (in, out) tensor.
    The values, names and shapes are unchanged; only the memory order is.

    Why, measured (benchmarks/decode.py; torch 2.13 CPU, 2 threads): a decode step multiplies one
    row vector by each matrix, and the CPU BLAS streams a (1, in) x (in, out) product with a
    contiguous (in, out) operand faster than it streams the (out, in) layout nn.Linear keeps.
    SmolLM2's 210 projections per token went from ~55 to ~46 ms and the tied 49,152 x 576 head
    from ~14 to ~7 ms; a 64-token prefill is unchanged. The embedding lookup reads a strided row
    of the tied table, which costs nothing noticeable for a few tokens."""
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() == 2:
                p.data = p.data.t().contiguous().t()
    return model


def gguf_names(n_layers: int) -> dict[str, str]:
    """Our parameter name -> llama.cpp's GGUF tensor name. No ``output.weight``: the head is tied."""
    names = {"tok_emb.weight": "token_embd.weight", "norm.weight": "output_norm.weight"}
    per_block = {
        "attn_norm": "attn_norm", "attn.q": "attn_q", "attn.k": "attn_k", "attn.v": "attn_v", "attn.o": "attn_output",
        "mlp_norm": "ffn_norm", "mlp.gate": "ffn_gate", "mlp.up": "ffn_up", "mlp.down": "ffn_down",
    }
    for i in range(n_layers):
        for ours, theirs in per_block.items():
            names[f"blocks.{i}.{ours}.weight"] = f"blk.{i}.{theirs}.weight"
    return names


# ---------------------------------------------------------------------------------------------
# Greedy decoding
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Generation:
    """tokens: (B, N) the new ids; logits: (B, N, V) the logits each was the argmax of;
    step_seconds: N wall-clock times (step 0 reads the prompt, "prefill"); cache: the final cache,
    prompt + N - 1 positions (the last token chosen has not been run yet), or None without one."""

    tokens: torch.Tensor
    logits: torch.Tensor
    step_seconds: tuple[float, ...]
    cache: KVCache | None

    @property
    def tokens_per_second(self) -> float:
        """New tokens per second after the prompt was read (steps 1..N-1; the prefill left out)."""
        rest = self.step_seconds[1:]
        return len(rest) / sum(rest) if rest and sum(rest) > 0 else float("nan")


def generate(model: Llama, ids: torch.Tensor, max_new_tokens: int, use_cache: bool = True,
             eos_id: int | None = None, *, on_step: Callable[[int, int], None] | None = None,
             ablation=None) -> Generation:
    """Greedy decoding: append the argmax token ``max_new_tokens`` times (fewer if every row has
    produced ``eos_id``). ids: (B, T) the prompt. With ``use_cache`` each step runs the one new
    token against the cache; without it each step runs the whole text again (the baseline that
    shows what the cache saves). Both give the same tokens.
    on_step: called as on_step(i, max_new_tokens) after step i (1-based) is timed, for a progress bar.
    ablation: a tf_core.ablation.Ablation, every step run with its switches (None: the model as
    trained). One without the causal mask needs ``use_cache=False``, else ValueError: a cached step
    is one query over past keys, which no mask hides anything from, so the cache would hide the switch."""
    if max_new_tokens < 0:
        raise ValueError("max_new_tokens must be non-negative")
    if ablation is not None and use_cache and not ablation.causal:
        raise ValueError("without the causal mask, decode with use_cache=False: the cache would hide the missing mask")

    def forward(step: torch.Tensor, past: KVCache | None) -> DecoderOutput:
        if ablation is None:
            return model(step, past, last_only=True)
        with torch.inference_mode():
            return decoder.run(model, step, past, last_only=True, ablation=ablation)

    device = ids.device
    seq, cache, step_ids = ids, None, ids
    tokens, logits, seconds = [], [], []
    done = torch.zeros(ids.shape[0], dtype=torch.bool, device=device)
    for _ in range(max_new_tokens):
        synchronize(device)
        start = time.perf_counter()
        if use_cache:
            out = forward(step_ids, cache)
            cache = out.cache
        else:
            out = forward(seq, None)
        last = out.logits[:, -1]  # (B, V)
        nxt = last.argmax(dim=-1, keepdim=True)  # (B, 1)
        synchronize(device)
        seconds.append(time.perf_counter() - start)
        if on_step is not None:
            on_step(len(seconds), max_new_tokens)
        tokens.append(nxt)
        logits.append(last)
        seq, step_ids = torch.cat([seq, nxt], dim=1), nxt  # (B, T+1), (B, 1)
        if eos_id is not None:
            done |= nxt[:, 0] == eos_id
            if bool(done.all()):
                break
    B, V = ids.shape[0], model.cfg.vocab_size
    return Generation(
        tokens=torch.cat(tokens, dim=1) if tokens else ids.new_zeros(B, 0),  # (B, N)
        logits=torch.stack(logits, dim=1) if logits else torch.zeros(B, 0, V, device=device),  # (B, N, V)
        step_seconds=tuple(seconds), cache=cache,
    )
