"""Lesson `encoder`: the learner's sentence through one encoder block, step by step.

Both pretrained encoders are BERTs, and a BERT block is *post-LN* (as in "Attention Is All You
Need"): each sub-layer's output is added to its input, then the sum is layer-normalised.

    x_in                                  (T, D)  the residual stream entering block `layer`
    Q, K, V = split(x_in W_Q + b_Q), ...  (H, T, Dh) each: the same tokens, three projections
    S = Q K^T / sqrt(Dh)                  (H, T, T) one score map per head
    A = softmax(S)                        (H, T, T) rows sum to 1
    context = concat_h(A_h V_h)           (T, D)  the heads' outputs side by side
    attn_out = context W_O + b_O          (T, D)  W_O mixes the heads
    resid1 = x_in + attn_out              (T, D)  residual connection
    ln1 = LayerNorm_1(resid1)             (T, D)
    ffn_up = ln1 W_1 + b_1                (T, d_ff)
    gelu = GELU(ffn_up)                   (T, d_ff)  exact (erf) GELU, as BERT
    ffn_down = gelu W_2 + b_2             (T, D)
    resid2 = ln1 + ffn_down               (T, D)  residual connection
    ln2 = LayerNorm_2(resid2)             (T, D)  the block's output = the next block's x_in

For ``layer = 0`` the walk starts one step earlier, at the embeddings: x_in is
LayerNorm(word_emb[ids] + pos_emb[0..T) + type_emb[0]). (The batch dimension B = 1 is dropped.)

Every step comes back with its shape as the model sees it, its mean, standard deviation, minimum,
maximum, per-token L2 norms, a histogram and a small slice to draw. Then the measured answers to
"what do the residual and LayerNorm change":

  update size     |attn_out_t| / |x_in_t| and |ffn_down_t| / |ln1_t| per token: how large the
                  sub-layer's update is against the stream it is added to;
  direction kept  cosine(x_in_t, ln1_t), and the same without the residual, cosine(x_in_t,
                  LayerNorm_1(attn_out_t)): with the residual a token stays close to itself, the
                  bare sub-layer output points elsewhere (likewise for the FFN; and x_in vs the
                  block output);
  LayerNorm       per token, the mean and standard deviation before, after the normalisation
                  (x - mu) / sqrt(var + eps) (exactly 0 and 1), and after the learned affine part
                  gamma * x_hat + beta, which is *not* mean 0 / std 1: what a layer hands on is
                  shaped by gamma and beta (both returned);
  GELU            the fraction of FFN pre-activations below zero (ReLU would zero them all; GELU
                  maps them into [-0.17, 0)), of outputs that are nearly zero, and the minimum.

Statistics use the population standard deviation (``unbiased=False``), as LayerNorm does.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from tf_core import limits
from tf_core.device import to_numpy
from tf_core.models.text_encoder import TextEncoder

# |GELU(x)| below this counts as "nearly zero" (GELU's minimum is -0.17 at x = -0.75).
GELU_SMALL = 0.05
# The order of the walk; the first four only for layer 0. Keys are stable: pages and tests use them.
EMBED_KEYS = ("embed_word", "embed_pos", "embed_sum")
BLOCK_KEYS = ("x_in", "q", "k", "v", "scores", "weights", "context", "attn_out", "resid1", "ln1",
              "ffn_up", "gelu", "ffn_down", "resid2", "ln2")
FORMULAS = {
    "embed_word": "word_emb[ids]",
    "embed_pos": "pos_emb[0..T)",
    "embed_sum": "word_emb[ids] + pos_emb[0..T) + type_emb[0]",
    "x_in": "block input",
    "q": "split_heads(x_in W_Q + b_Q)",
    "k": "split_heads(x_in W_K + b_K)",
    "v": "split_heads(x_in W_V + b_V)",
    "scores": "Q K^T / sqrt(Dh)",
    "weights": "softmax(scores)",
    "context": "concat_heads(weights V)",
    "attn_out": "context W_O + b_O",
    "resid1": "x_in + attn_out",
    "ln1": "LayerNorm(resid1)",
    "ffn_up": "ln1 W_1 + b_1",
    "gelu": "GELU(ffn_up)",
    "ffn_down": "gelu W_2 + b_2",
    "resid2": "ln1 + ffn_down",
    "ln2": "LayerNorm(resid2)",
}


@dataclass(frozen=True)
class Step:
    """One intermediate of the walk. Statistics over all its numbers; per token over the rest."""

    key: str  # stable id, one of EMBED_KEYS + BLOCK_KEYS
    formula: str  # what was computed, in the module docstring's notation
    dims: tuple[str, ...]  # symbolic shape, e.g. ("H", "T", "Dh")
    shape: tuple[int, ...]  # the same with sizes, e.g. (12, 9, 32)
    mean: float
    std: float
    min: float
    max: float
    token_norm: float  # mean over tokens of the per-token L2 norm
    norms: np.ndarray  # (T,) L2 norm of everything belonging to token t (its query row for scores/weights)
    sample: np.ndarray  # (T, <= WALK_DIMS) first features; (T, Dh[:WALK_DIMS]) of `head`; (T, T) of `head`
    hist: np.ndarray  # (WALK_BINS,) counts of all its values
    edges: np.ndarray  # (WALK_BINS + 1,) bin edges from min to max

    @property
    def shape_text(self) -> str:
        """e.g. "(T, D) = (9, 384)"."""
        return f"({', '.join(self.dims)}) = ({', '.join(str(n) for n in self.shape)})"


@dataclass(frozen=True)
class LayerNormEffect:
    """What one LayerNorm does to each token: y = gamma * (x - mu) / sqrt(var + eps) + beta."""

    key: str  # "x_in" (the embeddings' LayerNorm, layer 0 only), "ln1" or "ln2": the step it produces
    in_mean: np.ndarray  # (T,) per-token mean of the input x
    in_std: np.ndarray  # (T,)
    hat_mean: np.ndarray  # (T,) of x_hat = (x - mu) / sqrt(var + eps): 0
    hat_std: np.ndarray  # (T,) 1 (up to eps)
    out_mean: np.ndarray  # (T,) of the output, after gamma and beta
    out_std: np.ndarray  # (T,)
    in_norm: np.ndarray  # (T,) |x_t|: grows along the residual stream
    out_norm: np.ndarray  # (T,) |y_t|: about the same for every token, set by gamma and beta
    gamma: np.ndarray  # (D,) the learned scale
    beta: np.ndarray  # (D,) the learned shift


@dataclass(frozen=True)
class WalkResult:
    pieces: tuple[str, ...]  # the tokens (special tokens included)
    truncated: bool  # the text was cut (characters or tokens)
    n_total: int  # tokens before the cut
    layer: int
    head: int  # the head whose maps are sampled
    dims: dict[str, int]  # the symbols of the shapes: T, D, H, Dh, d_ff
    steps: tuple[Step, ...]  # in the order of the computation
    attn_ratio: np.ndarray  # (T,) |attn_out_t| / |x_in_t|
    ffn_ratio: np.ndarray  # (T,) |ffn_down_t| / |ln1_t|
    cos_attn: np.ndarray  # (T,) cosine(x_in_t, ln1_t): the attention sub-layer with its residual
    cos_attn_no_residual: np.ndarray  # (T,) cosine(x_in_t, LayerNorm_1(attn_out_t)): without it
    cos_ffn: np.ndarray  # (T,) cosine(ln1_t, ln2_t)
    cos_ffn_no_residual: np.ndarray  # (T,) cosine(ln1_t, LayerNorm_2(ffn_down_t))
    cos_block: np.ndarray  # (T,) cosine(x_in_t, ln2_t): block input vs output
    layer_norms: tuple[LayerNormEffect, ...]  # in order; the embeddings' first at layer 0
    gelu_negative: float  # fraction of FFN pre-activations < 0
    gelu_small: float  # fraction of GELU outputs with |y| < GELU_SMALL
    gelu_min: float  # smallest GELU output (>= -0.17)
    block_params: int  # parameters of one block: 4 d^2 + 4 d (attention) + 2 d d_ff + d_ff + d (FFN) + 4 d (LNs)

    def step(self, key: str) -> Step:
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(f"no step {key!r} (layer {self.layer}); steps: {[s.key for s in self.steps]}")

    def layer_norm(self, key: str) -> LayerNormEffect:
        for ln in self.layer_norms:
            if ln.key == key:
                return ln
        raise KeyError(f"no LayerNorm {key!r}; have {[ln.key for ln in self.layer_norms]}")


def token_norms(x: torch.Tensor, token_dim: int) -> torch.Tensor:
    """L2 norm per token: over every dimension except ``token_dim``. (…) -> (T,)."""
    x = x.movedim(token_dim, 0)  # (T, ...)
    return x.reshape(x.shape[0], -1).norm(dim=-1)


def cosine(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """(T, D), (T, D) -> (T,) cosine similarity per token (0 for a zero vector)."""
    return F.cosine_similarity(a, b, dim=-1, eps=1e-12)


def make_step(key: str, x: torch.Tensor, dims: tuple[str, ...], sample: torch.Tensor, token_dim: int) -> Step:
    """Statistics of one intermediate ``x`` (float64). Non-finite values (none without padding)
    are left out of the statistics."""
    flat = x.reshape(-1)
    flat = flat[torch.isfinite(flat)]
    norms = token_norms(x, token_dim)
    lo, hi = flat.min().item(), flat.max().item()
    hist, edges = np.histogram(to_numpy(flat), bins=limits.WALK_BINS, range=(lo, hi) if hi > lo else (lo - 0.5, lo + 0.5))
    return Step(
        key=key, formula=FORMULAS[key], dims=dims, shape=tuple(x.shape),
        mean=flat.mean().item(), std=flat.std(unbiased=False).item(), min=lo, max=hi,
        token_norm=norms.mean().item(), norms=to_numpy(norms), sample=to_numpy(sample).astype(np.float32),
        hist=hist, edges=edges,
    )


def layer_norm_effect(key: str, x: torch.Tensor, ln: torch.nn.LayerNorm) -> tuple[LayerNormEffect, torch.Tensor]:
    """(T, D) input -> the statistics of ``ln`` on it, and its output computed in float64 from
    the module's own gamma, beta and eps."""
    mu = x.mean(dim=-1, keepdim=True)  # (T, 1)
    var = x.var(dim=-1, unbiased=False, keepdim=True)  # (T, 1) LayerNorm's (biased) variance
    x_hat = (x - mu) / torch.sqrt(var + ln.eps)  # (T, D)
    gamma, beta = ln.weight.double(), ln.bias.double()  # (D,)
    y = x_hat * gamma + beta  # (T, D)
    stats = lambda t: (to_numpy(t.mean(dim=-1)), to_numpy(t.std(dim=-1, unbiased=False)))  # noqa: E731
    (im, isd), (hm, hsd), (om, osd) = stats(x), stats(x_hat), stats(y)
    eff = LayerNormEffect(key=key, in_mean=im, in_std=isd, hat_mean=hm, hat_std=hsd, out_mean=om, out_std=osd,
                          in_norm=to_numpy(x.norm(dim=-1)), out_norm=to_numpy(y.norm(dim=-1)),
                          gamma=to_numpy(gamma), beta=to_numpy(beta))
    return eff, y


@torch.inference_mode()
def run(encoder: TextEncoder, text: str, layer: int, max_tokens: int, head: int = 0) -> WalkResult:
    """``text`` through block ``layer`` of ``encoder``: every intermediate and what it changes.

    ``head`` picks the head whose Q, K, V slices and score/weight maps are sampled for drawing
    (the statistics cover all heads). Text over ``limits.ENCODER_TEXT_CHARS`` characters or
    ``max_tokens`` tokens is cut, with ``truncated`` set."""
    cfg = encoder.model.cfg
    layer = limits.IntRange.indices(cfg.n_layers).check("layer", layer)
    head = limits.IntRange.indices(cfg.n_heads).check("head", head)
    max_tokens = limits.ENCODER_TOKEN_CAP.check("max_tokens", max_tokens)
    cut = len(text) > limits.ENCODER_TEXT_CHARS
    tokens = encoder.tokenize(text[: limits.ENCODER_TEXT_CHARS], max_tokens)
    out = encoder.run(tokens, need_weights=False, trace_layer=layer)
    tr = out.trace
    block = encoder.model.blocks[layer]
    k = limits.WALK_DIMS
    T, D, H = len(tokens), cfg.d_model, cfg.n_heads
    dims = {"T": T, "D": D, "H": H, "Dh": cfg.d_head, "d_ff": cfg.d_ff}
    f64 = lambda t: t[0].double()  # noqa: E731  (1, ...) -> (...) float64
    TD, HTD, HTT, TF = ("T", "D"), ("H", "T", "Dh"), ("H", "T", "T"), ("T", "d_ff")

    steps, lns = [], []
    x_in = f64(tr.x_in)  # (T, D)
    if layer == 0:  # the embeddings, recomputed from the model's own tables
        emb = encoder.model.embeddings
        ids = torch.tensor(tokens.ids, device=emb.position.weight.device)  # (T,)
        word = emb.word(ids).double()  # (T, D)
        pos = emb.position(torch.arange(T, device=ids.device)).double()  # (T, D)
        summed = word + pos + emb.token_type.weight[0].double()  # (T, D)
        for key, x in (("embed_word", word), ("embed_pos", pos), ("embed_sum", summed)):
            steps.append(make_step(key, x, TD, x[:, :k], 0))
        eff, _ = layer_norm_effect("x_in", summed, emb.ln)
        lns.append(eff)
    steps.append(make_step("x_in", x_in, TD, x_in[:, :k], 0))
    for key, t in (("q", tr.q), ("k", tr.k), ("v", tr.v)):
        x = f64(t)  # (H, T, Dh)
        steps.append(make_step(key, x, HTD, x[head, :, :k], 1))
    for key, t in (("scores", tr.scores), ("weights", tr.weights)):
        x = f64(t)  # (H, T, T)
        steps.append(make_step(key, x, HTT, x[head], 1))
    named = {name: f64(getattr(tr, name)) for name in ("context", "attn_out", "resid1", "ln1", "ffn_hidden",
                                                        "ffn_act", "ffn_out", "resid2", "x_out")}
    for key, name, d in (("context", "context", TD), ("attn_out", "attn_out", TD), ("resid1", "resid1", TD),
                         ("ln1", "ln1", TD), ("ffn_up", "ffn_hidden", TF), ("gelu", "ffn_act", TF),
                         ("ffn_down", "ffn_out", TD), ("resid2", "resid2", TD), ("ln2", "x_out", TD)):
        x = named[name]
        steps.append(make_step(key, x, d, x[:, :k], 0))

    eff1, _ = layer_norm_effect("ln1", named["resid1"], block.ln1)
    eff2, _ = layer_norm_effect("ln2", named["resid2"], block.ln2)
    lns += [eff1, eff2]
    # The counterfactual without residual connections: LayerNorm of the sub-layer output alone.
    _, ln1_bare = layer_norm_effect("ln1", named["attn_out"], block.ln1)
    _, ln2_bare = layer_norm_effect("ln2", named["ffn_out"], block.ln2)
    ln1, act = named["ln1"], named["ffn_act"]
    ratio = lambda a, b: to_numpy(a.norm(dim=-1) / b.norm(dim=-1).clamp_min(1e-12))  # noqa: E731
    return WalkResult(
        pieces=tokens.pieces,
        truncated=cut or tokens.truncated,
        n_total=tokens.n_total,
        layer=layer,
        head=head,
        dims=dims,
        steps=tuple(steps),
        attn_ratio=ratio(named["attn_out"], x_in),
        ffn_ratio=ratio(named["ffn_out"], ln1),
        cos_attn=to_numpy(cosine(x_in, ln1)),
        cos_attn_no_residual=to_numpy(cosine(x_in, ln1_bare)),
        cos_ffn=to_numpy(cosine(ln1, named["x_out"])),
        cos_ffn_no_residual=to_numpy(cosine(ln1, ln2_bare)),
        cos_block=to_numpy(cosine(x_in, named["x_out"])),
        layer_norms=tuple(lns),
        gelu_negative=(named["ffn_hidden"] < 0).double().mean().item(),
        gelu_small=(act.abs() < GELU_SMALL).double().mean().item(),
        gelu_min=act.min().item(),
        block_params=sum(p.numel() for p in block.parameters()),
    )


def gelu_minimum() -> float:
    """GELU's smallest value, x Phi(x) at its minimum (x ~ -0.7518): about -0.17.

    >>> round(gelu_minimum(), 4)
    -0.17
    """
    x = torch.linspace(-3, 0, 30001, dtype=torch.float64)
    return F.gelu(x).min().item()

