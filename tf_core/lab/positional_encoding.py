"""Lesson `positional-encoding`: what the sinusoidal table looks like, what a shift does to it, and
why attention needs it at all.

Three experiments, each a function the page caches on its own inputs (a change of the shift k does
not recompute the similarity matrix, a new sentence does not recompute the table):

    sinusoids(d, length, base)      the table PE (length, d), a few of its sinusoids as curves, the
                                    cosine similarity of every two rows and its mean per distance
    shift(d, length, base, k)       M_k, the matrix with PE(p + k) = M_k PE(p), and the largest
                                    |PE(p + k) - M_k PE(p)| over every position p of the table
    shuffle(encoder, text, seed)    a real encoder on the learner's sentence and on the same tokens
                                    shuffled: without position vectors the outputs are the original
                                    outputs shuffled the same way; with them they are not

Conventions. Tables follow tf_core.positional: rows are positions, pair i is (sin, cos) of p · w_i
with w_i = base^(-2i/d), and an odd d ends in a lone sine. Everything measured here is float64 (the
identities hold to ~1e-13, not float32's ~1e-7). Matrices larger than ``limits.PE_DRAW_SIDE`` come
back strided for drawing (every s-th row; for dimensions every s-th *pair*, both of its members, so
a stride never keeps only sines); the statistics are always over the whole table.

The shuffle keeps the first and last tokens ([CLS] and [SEP], e5's <s> and </s>) where they are and
permutes every token between them (e5's "query:" prefix included: it is text the model reads). A
permutation that moves nothing, or only swaps equal tokens, would show nothing: the one drawn (seeded)
moves every inner token and changes the token sequence whenever that is possible. With fewer than two
inner tokens, or all of them equal, no shuffle changes anything and ``Shuffle.moved`` is 0. The
permutation (``shuffle_order``) and the run without positions are Break it's, tf_core.ablation's:
``Ablation(positions="remove")`` gives ``use_positions=False``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.ablation import SHUFFLE_DRAWS, Ablation, shuffle_order  # noqa: F401 - the shuffle Break it's positions switch draws too
from tf_core.models.text_encoder import TextEncoder
from tf_core.positional import (cosine_similarity_matrix, offset_rotation, similarity_by_offset, sinusoid_at,
                                sinusoid_frequencies)


def _check(d: int, length: int, base: float) -> tuple[int, int, float]:
    return limits.PE_D.check("d", d), limits.PE_LENGTH.check("length", length), limits.PE_BASE.check("base", base)


def strided(n: int, side: int = limits.PE_DRAW_SIDE) -> np.ndarray:
    """The indices of ``n`` rows drawn at most ``side`` of them: all of them, or every s-th from 0
    (10 rows at most 4: 0, 3, 6, 9)."""
    step = max(1, math.ceil(n / side))
    return np.arange(0, n, step)


def strided_dims(d: int, side: int = limits.PE_DRAW_SIDE) -> np.ndarray:
    """The dimensions of a width-``d`` table drawn at most ``side`` of them, whole pairs at a time (both
    members of every kept pair, then the lone sine of an odd d: d = 9 at most 5 gives 0, 1, 4, 5, 8)."""
    if d <= side:
        return np.arange(d)
    lone = d % 2
    pairs = strided(d // 2, (side - lone) // 2)  # (kept pairs,)
    dims = np.stack([2 * pairs, 2 * pairs + 1], axis=1).reshape(-1)  # sin, cos of each kept pair
    return np.concatenate([dims, [d - 1]]) if lone else dims


# --------------------------------------------------------------------------- the table and its similarity
@dataclass(frozen=True)
class Sinusoids:
    d: int
    length: int
    base: float
    view: np.ndarray  # (r, c) PE at view_positions x view_dims: the whole table, or a strided view of it
    view_positions: np.ndarray  # (r,) positions of the view's rows
    view_dims: np.ndarray  # (c,) dimensions of its columns
    curve_pairs: np.ndarray  # (m,) pair indices i whose sine dimension 2i is drawn as a curve
    curves: np.ndarray  # (m, length) PE[:, 2i] for those pairs
    periods: np.ndarray  # (m,) 2*pi / w_i: positions per full turn of each drawn pair
    sim_view: np.ndarray  # (r, r) cos(PE(i), PE(j)) at view_positions x view_positions
    by_offset: np.ndarray  # (length,) mean cos(PE(i), PE(i + k)) over i, k = 0 .. length-1
    sim_min: np.ndarray  # (length,) min and max of cos(PE(i), PE(i + k)) over i: equal when the cosine
    sim_max: np.ndarray  # (length,) depends on the distance k alone
    norm_min: float  # smallest and largest |PE(p)| over the table (both sqrt(d/2) for an even d)
    norm_max: float
    closest: float  # the largest cosine between two different positions (NaN for length 1)
    closest_at: int  # the distance at which it occurs (0 for length 1)

    @property
    def lone_sine(self) -> bool:
        """An odd d: the last dimension is a sine without a cosine partner."""
        return self.d % 2 == 1

    @property
    def strided(self) -> bool:
        return len(self.view_positions) < self.length or len(self.view_dims) < self.d

    @property
    def spread(self) -> float:
        """The largest max - min of the cosine over pairs at one distance (0: a function of |i - j| alone)."""
        return float((self.sim_max - self.sim_min).max())


def sinusoids(d: int, length: int, base: float = 10_000.0) -> Sinusoids:
    """The table for ``length`` positions and width ``d``, a few of its curves, and the cosine similarity
    of every two rows (float64), summarised per distance |i - j|."""
    d, length, base = _check(d, length, base)
    table = sinusoid_at(torch.arange(length), d, base, torch.float64)  # (n, d)
    rows, dims = strided(length), strided_dims(d)
    n_pairs = (d + 1) // 2  # an odd d counts its lone sine as a last "pair"
    pairs = np.unique(np.round(np.linspace(0, n_pairs - 1, min(limits.PE_CURVE_PAIRS, n_pairs))).astype(int))
    w = sinusoid_frequencies(d, base).numpy()  # (ceil(d/2),)
    sim = cosine_similarity_matrix(table)  # (n, n)
    i, j = torch.triu_indices(length, length)  # every pair with j >= i
    offset, values = j - i, sim[i, j]
    hi = torch.full((length,), -math.inf, dtype=torch.float64).scatter_reduce(0, offset, values, "amax")  # (n,)
    lo = torch.full((length,), math.inf, dtype=torch.float64).scatter_reduce(0, offset, values, "amin")  # (n,)
    norms = table.norm(dim=1)  # (n,)
    if length > 1:
        closest_at = int(hi[1:].argmax()) + 1
        closest = float(hi[closest_at])
    else:
        closest_at, closest = 0, math.nan
    rows_t = torch.as_tensor(rows)
    return Sinusoids(
        d=d, length=length, base=base,
        view=table[rows_t][:, torch.as_tensor(dims)].numpy(), view_positions=rows, view_dims=dims,
        curve_pairs=pairs, curves=table[:, torch.as_tensor(2 * pairs)].T.numpy(), periods=2 * math.pi / w[pairs],
        sim_view=sim[rows_t][:, rows_t].numpy(), by_offset=similarity_by_offset(sim).numpy(),
        sim_min=lo.numpy(), sim_max=hi.numpy(), norm_min=float(norms.min()), norm_max=float(norms.max()),
        closest=closest, closest_at=closest_at,
    )


# --------------------------------------------------------------------------- a shift is a rotation
@dataclass(frozen=True)
class Shift:
    d: int
    length: int
    base: float
    k: int
    corner: np.ndarray  # (c, c) the top-left corner of M_k (c = min(d, limits.PE_ROTATION_CORNER))
    angles: np.ndarray  # (d // 2,) the angle k * w_i each pair turns by, wrapped to (-pi, pi]
    error_by_position: np.ndarray  # (length,) max over the paired dimensions of |PE(p + k) - M_k PE(p)|
    max_error: float  # its largest value: the check over every position of the table
    lone_error: float  # odd d: max |PE(p + k) - M_k PE(p)| on the lone last dimension (no M_k can map it); else NaN
    outside_blocks: int  # entries of M_k that are not 0 outside its 2 x 2 diagonal blocks (0: block-diagonal)
    rotation_error: float  # max over the blocks of |a^2 + b^2 - 1| and of the two sign/equality conditions

    @property
    def first_target(self) -> int:
        return self.k

    @property
    def last_target(self) -> int:
        return self.length - 1 + self.k


def shift(d: int, length: int, base: float, k: int) -> Shift:
    """M_k = ``tf_core.positional.offset_rotation(k, d, base)`` applied to every row of the table
    (``table @ M_k.T``, the dense product, float64) against PE evaluated at p + k directly; k may be
    negative or larger than the table (PE is defined at every integer)."""
    d, length, base = _check(d, length, base)
    k = limits.PE_OFFSET.check("k", k)
    positions = torch.arange(length)
    table = sinusoid_at(positions, d, base, torch.float64)  # (n, d)
    target = sinusoid_at(positions + k, d, base, torch.float64)  # (n, d): PE at p + k, computed from the formula
    m = offset_rotation(k, d, base)  # (d, d)
    mapped = table @ m.T  # (n, d): M_k PE(p) for every row at once
    paired = 2 * (d // 2)
    err = (target[:, :paired] - mapped[:, :paired]).abs()  # (n, paired)
    lone = float((target[:, -1] - mapped[:, -1]).abs().max()) if d % 2 else math.nan
    idx = torch.arange(d)
    in_block = (idx[:, None] // 2 == idx[None, :] // 2) & (idx[:, None] < paired) & (idx[None, :] < paired)  # (d, d)
    e = torch.arange(0, paired, 2)  # (d//2,) the first row of each block
    a, b, c, dd = m[e, e], m[e, e + 1], m[e + 1, e], m[e + 1, e + 1]  # [[a, b], [c, dd]] per block
    rot = torch.cat([(a**2 + b**2 - 1).abs(), (a - dd).abs(), (b + c).abs()]) if paired else torch.zeros(1)
    w = sinusoid_frequencies(d, base)[: d // 2]  # (d//2,)
    angles = torch.remainder(k * w + math.pi, 2 * math.pi) - math.pi  # (d//2,) in [-pi, pi)
    angles = torch.where(angles == -math.pi, torch.full_like(angles, math.pi), angles)
    corner = min(d, limits.PE_ROTATION_CORNER)
    by_position = err.amax(dim=1) if paired else torch.zeros(length, dtype=torch.float64)
    return Shift(d=d, length=length, base=base, k=k, corner=m[:corner, :corner].numpy(), angles=angles.numpy(),
                 error_by_position=by_position.numpy(), max_error=float(by_position.max()), lone_error=lone,
                 outside_blocks=int((m[~in_block] != 0).sum()), rotation_error=float(rot.max()))


# --------------------------------------------------------------------------- no positions, no order
@dataclass(frozen=True)
class Shuffle:
    model: str
    pieces: tuple[str, ...]  # the tokens in the sentence's order
    shuffled: tuple[str, ...]  # the tokens as the shuffled run reads them: pieces[order[t]] at position t
    order: np.ndarray  # (T,) int: position t of the shuffled sequence holds the token from position order[t]
    moved: int  # positions whose token id differs after the shuffle (0: it changes nothing)
    n_total: int
    truncated: bool
    unk: int
    none: np.ndarray  # (L+1, T) max |shuffled output - original output shuffled| per layer and position, no position vectors
    kept: np.ndarray  # (L+1, T) the same with the learned positions 0..T-1 added as usual
    carried: np.ndarray  # (L+1, T) the same with each token keeping its original position vector (position_ids = order)
    scale: float  # the largest |hidden state| of the unshuffled run with positions, over every layer, for scale
    pooled_none: float  # max |mean over tokens, shuffled - original|, last layer: order-blind pooling, no positions
    pooled_kept: float  # the same with positions

    @property
    def layers(self) -> int:
        return self.none.shape[0] - 1


def _gaps(a: tuple[torch.Tensor, ...], b: tuple[torch.Tensor, ...], order: torch.Tensor) -> np.ndarray:
    """(L+1, T) max over features of |a[l][t] - b[l][order[t]]|: the shuffled run against the original run
    moved the way the tokens were."""
    return torch.stack([(x[0] - y[0, order]).abs().amax(dim=-1) for x, y in zip(a, b)]).double().cpu().numpy()


def shuffle(encoder: TextEncoder, text: str, seed: int, max_tokens: int = limits.ENCODER_TOKENS) -> Shuffle:
    """The encoder on the sentence and on its tokens shuffled (:func:`shuffle_order`), three ways: no
    position vectors (``use_positions=False``, from ``Ablation(positions="remove")``), positions 0..T-1
    as usual, each token's own position carried along (``position_ids=order``). Five forward passes of
    one sequence, no attention weights."""
    limits.ENCODER_TOKEN_CAP.check("max_tokens", max_tokens)
    seed = limits.SEED.check("seed", seed)
    tokens = encoder.tokenize(text, max_tokens)
    order_np = shuffle_order(tokens.ids, seed)
    device = next(encoder.model.parameters()).device
    ids = torch.tensor([tokens.ids], device=device)  # (1, T)
    order = torch.as_tensor(order_np, device=device)  # (T,)
    moved_ids = ids[:, order]  # (1, T)
    run = encoder.model
    no_positions = Ablation(positions="remove").check(encoder).encoder_kwargs(tokens.ids)  # use_positions=False
    with torch.inference_mode():
        plain_none = run(ids, need_weights=False, **no_positions).hidden_states
        moved_none = run(moved_ids, need_weights=False, **no_positions).hidden_states
        plain = run(ids, need_weights=False).hidden_states
        moved_kept = run(moved_ids, need_weights=False).hidden_states
        moved_carried = run(moved_ids, need_weights=False, position_ids=order).hidden_states
    pooled = lambda a, b: float((a[-1][0].mean(0) - b[-1][0].mean(0)).abs().max())  # noqa: E731
    unk = sum(i == encoder.unk_id for i in tokens.ids) if encoder.unk_id is not None else 0
    return Shuffle(
        model=encoder.name, pieces=tokens.pieces, shuffled=tuple(tokens.pieces[i] for i in order_np), order=order_np,
        moved=int((np.asarray(tokens.ids)[order_np] != np.asarray(tokens.ids)).sum()),
        n_total=tokens.n_total, truncated=tokens.truncated, unk=unk,
        none=_gaps(moved_none, plain_none, order), kept=_gaps(moved_kept, plain, order),
        carried=_gaps(moved_carried, plain, order), scale=max(float(h.abs().max()) for h in plain),
        pooled_none=pooled(moved_none, plain_none), pooled_kept=pooled(moved_kept, plain),
    )


# --------------------------------------------------------------------------- all three at once (a notebook)
@dataclass(frozen=True)
class PositionalEncoding:
    sinusoids: Sinusoids
    shift: Shift
    shuffle: Shuffle


def run(encoder: TextEncoder, text: str, d: int = limits.PE_D.default, length: int = limits.PE_LENGTH.default,
        base: float = limits.PE_BASE.default, k: int = limits.PE_OFFSET.default,
        seed: int = limits.SEED.default) -> PositionalEncoding:
    """The lesson's three experiments with the app's defaults (the page calls and caches them one by one)."""
    return PositionalEncoding(sinusoids(d, length, base), shift(d, length, base, k), shuffle(encoder, text, seed))
