"""Lesson `embed-scale`: why the original Transformer multiplies its embeddings by sqrt(d_model).

The paper adds a sinusoidal PE to each token's embedding (and shares one table between the input
embedding and the output layer). The PE's entries are sines and cosines in [-1, 1]: each (sin, cos)
pair has norm 1, so |PE(p)| = sqrt(d/2) at every position for an even d. A table shared with the
output layer is initialised small, so that the first logits h . e_v are small: entries ~ N(0, 1/d)
give rows of norm ~1, and BERT's and GPT-2's N(0, 0.02^2) rows of norm ~0.02 sqrt(d). Added to a PE
of norm sqrt(d/2) such an embedding is a small perturbation of the PE: the sum points along the
position, not along the word. Multiplied by sqrt(d), an N(0, 1/d) table has entries of variance 1
and rows of norm ~sqrt(d), the PE's order of magnitude, at every d. The factor scales the embeddings
*up*; it has nothing to do with keeping dot products small (that is attention's 1/sqrt(d_k)).

What is measured, per position p (one embedding row e_p sampled per position, seeded, float64):
|f e_p| and |PE(p)| for f = 1 and f = sqrt(d); how much of the sum x_p = f e_p + PE(p) is the word,
as cos(x_p, e_p) and cos(x_p, PE(p)); the ratio |f e_p| / |PE(p)| across d_model (the sweep). The
expected values, for a check: E|e|^2 = d sigma^2, so |e| ~ sigma sqrt(d); |PE(p)|^2 = d/2 exactly for
an even d, and d // 2 + sin^2(p w_last) for an odd one (its last dimension is a lone sine).

And a real counterpoint (:func:`learned`): BERT-style encoders (MiniLM) learn their word and position
tables together, at one scale, and never multiply by sqrt(d).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.lab.positional_encoding import strided_dims
from tf_core.models.quantized import CHUNK_ROWS, chunks
from tf_core.models.text_encoder import TextEncoder
from tf_core.positional import sinusoid_at


def init_std(init: str, d: int) -> float:
    """The standard deviation of each entry of a table initialised by ``init`` (limits.EMB_INITS), ``d`` wide
    (limits.EMB_D)."""
    d = limits.EMB_D.check("d", d)
    if init == "tied":
        return 1.0 / math.sqrt(d)  # N(0, 1/d): rows of norm ~1, small logits through a tied output layer
    if init == "bert":
        return 0.02  # BERT's and GPT-2's initialiser
    if init == "torch":
        return 1.0  # nn.Embedding's default, N(0, 1)
    raise ValueError(f"init must be one of {limits.EMB_INITS}, got {init!r}")


def pe_norm_expected(d: int, positions: np.ndarray) -> np.ndarray:
    """|PE(p)| from the formula: sqrt(d/2) for an even d; sqrt(d//2 + sin^2(p w_last)) for an odd d."""
    p = np.asarray(positions, dtype=np.float64)
    if d % 2 == 0:
        return np.full(p.shape, math.sqrt(d / 2))
    w_last = 10_000.0 ** (-(d - 1) / d)
    return np.sqrt(d // 2 + np.sin(p * w_last) ** 2)


@dataclass(frozen=True)
class Case:
    """One way of adding: x_p = factor * e_p + PE(p)."""

    factor: float  # 1 or sqrt(d)
    e_norm: np.ndarray  # (P,) |factor * e_p|
    ratio: np.ndarray  # (P,) |factor * e_p| / |PE(p)|
    cos_word: np.ndarray  # (P,) cos(x_p, e_p): 1 = the sum is the word
    cos_pe: np.ndarray  # (P,) cos(x_p, PE(p)): 1 = the sum is the position
    view: np.ndarray  # (P, c) x at the view's dimensions (every dimension, or whole pairs strided)


@dataclass(frozen=True)
class EmbedScale:
    d: int
    init: str
    sigma: float  # the entries' standard deviation
    seed: int
    positions: int
    pe_norm: np.ndarray  # (P,) |PE(p)|, measured
    pe_view: np.ndarray  # (P, c) PE at the view's dimensions
    view_dims: np.ndarray  # (c,)
    plain: Case  # without the factor
    scaled: Case  # multiplied by sqrt(d)
    sweep_d: np.ndarray  # (S,) d_model values of the sweep
    sweep_plain: np.ndarray  # (S,) mean |e_p| / |PE(p)| at each d, measured
    sweep_scaled: np.ndarray  # (S,) mean |sqrt(d) e_p| / |PE(p)|

    @property
    def e_norm_expected(self) -> float:
        """sqrt(E|e|^2) = sigma sqrt(d): the typical row norm without the factor."""
        return self.sigma * math.sqrt(self.d)

    def sweep_expected(self, scaled: bool) -> np.ndarray:
        """The sweep's ratios from the formulas: sigma(d) sqrt(d) / sqrt(d/2), times sqrt(d) when scaled."""
        d = self.sweep_d.astype(np.float64)
        sigma = np.array([init_std(self.init, int(v)) for v in self.sweep_d])
        ratio = sigma * np.sqrt(2.0)
        return ratio * np.sqrt(d) if scaled else ratio


def _case(e: torch.Tensor, pe: torch.Tensor, factor: float, dims: torch.Tensor) -> Case:
    fe = factor * e  # (P, d)
    x = fe + pe  # (P, d)
    x_norm, e_norm, pe_norm = x.norm(dim=1), fe.norm(dim=1), pe.norm(dim=1)  # (P,) each
    return Case(factor=factor, e_norm=e_norm.numpy(), ratio=(e_norm / pe_norm).numpy(),
                cos_word=((x * fe).sum(1) / (x_norm * e_norm)).numpy(), cos_pe=((x * pe).sum(1) / (x_norm * pe_norm)).numpy(),
                view=x[:, dims].numpy())


def run(d: int = limits.EMB_D.default, init: str = "tied", seed: int = limits.SEED.default,
        positions: int = limits.EMB_POSITIONS.default) -> EmbedScale:
    """Sample one embedding row per position (N(0, sigma^2), seeded), add the paper's PE (base 10,000)
    with and without the factor sqrt(d), and measure; then the same ratio across limits.EMB_SWEEP_D."""
    d = limits.EMB_D.check("d", d)
    seed = limits.SEED.check("seed", seed)
    positions = limits.EMB_POSITIONS.check("positions", positions)
    sigma = init_std(init, d)
    g = torch.Generator().manual_seed(seed)
    e = torch.randn(positions, d, generator=g, dtype=torch.float64) * sigma  # (P, d)
    pe = sinusoid_at(torch.arange(positions), d, dtype=torch.float64)  # (P, d)
    dims = torch.as_tensor(strided_dims(d))
    sweep_g = torch.Generator().manual_seed(seed)
    plain, scaled = [], []
    for dv in limits.EMB_SWEEP_D:
        ev = torch.randn(positions, dv, generator=sweep_g, dtype=torch.float64) * init_std(init, dv)  # (P, dv)
        ratio = ev.norm(dim=1) / sinusoid_at(torch.arange(positions), dv, dtype=torch.float64).norm(dim=1)  # (P,)
        plain.append(float(ratio.mean()))
        scaled.append(float(ratio.mean()) * math.sqrt(dv))
    return EmbedScale(d=d, init=init, sigma=sigma, seed=seed, positions=positions, pe_norm=pe.norm(dim=1).numpy(),
                      pe_view=pe[:, dims].numpy(), view_dims=dims.numpy(), plain=_case(e, pe, 1.0, dims),
                      scaled=_case(e, pe, math.sqrt(d), dims), sweep_d=np.array(limits.EMB_SWEEP_D),
                      sweep_plain=np.array(plain), sweep_scaled=np.array(scaled))


# --------------------------------------------------------------------------- a real model's learned tables
@dataclass(frozen=True)
class Learned:
    model: str
    d: int
    vocab: int
    word_quantiles: np.ndarray  # (3,) the 10th, 50th and 90th percentiles of the word rows' norms
    position_norms: np.ndarray  # (max_positions,) |position row p|
    type_norm: float  # |token type row 0|, added to every token as well

    @property
    def ratio(self) -> float:
        """Median word norm / median position norm: how the two learned tables compare."""
        return float(self.word_quantiles[1] / np.median(self.position_norms))


def learned(encoder: TextEncoder) -> Learned:
    """The norms of a BERT-style encoder's own word, position and token-type rows, as loaded."""
    emb = encoder.model.embeddings
    with torch.inference_mode():
        word = torch.cat([rows.to("cpu", torch.float64).norm(dim=1)  # (V,), a block of rows at a time
                          for _, rows in chunks(emb.word, CHUNK_ROWS)])
        pos = emb.position.weight.detach().to("cpu", torch.float64).norm(dim=1)  # (max_positions,)
        kind = float(emb.token_type.weight[0].detach().to("cpu", torch.float64).norm())
    q = torch.quantile(word, torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64))
    return Learned(model=encoder.name, d=encoder.model.cfg.d_model, vocab=int(word.shape[0]), word_quantiles=q.numpy(),
                   position_norms=pos.numpy(), type_norm=kind)
