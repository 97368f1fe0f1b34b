"""Where a Transformer learns the order of its tokens: every positional scheme the app compares.

Attention alone treats its input as a set; each scheme below puts order back in at one place:

    none        nothing at all: self-attention is then permutation-equivariant (shuffle the tokens
                and the outputs shuffle the same way).
    sinusoidal  a fixed vector PE[p] added to token p's embedding once, before the first block
                (Vaswani et al. 2017).
    learned     the same place, but PE is a trained table with one row per position (BERT,
                MiniLM): no row exists past the table's length.
    relative    a learned scalar per head and per bucket of the offset j - i, added to the score of
                query i and key j (T5, Raffel et al. 2020; Shaw et al. 2018 learned a vector per
                clipped offset instead).
    rope        q and k are rotated by angles proportional to their positions in every layer, so their
                dot product sees only the offset (Su et al. 2021).
    alibi       a fixed penalty -slope_h * distance added to the scores, one slope per head, no
                parameter at all (Press et al. 2022).

Conventions. Tables are (positions, d) with position p in row p. Fixed tables are computed in
float64 and then cast (a float32 angle p * w loses digits for large p); RoPE's angles alone are
float32 by default, as in Hugging Face's Llama, which the SmolLM2 decoder must match. Score biases are (H, n_q,
n_k) and broadcast against scores (B, H, n_q, n_k); query i sits at position i + offset and key j at
position j (``offset`` = keys already cached), the convention of ``tf_core.masks.causal_mask``.

Sinusoid pairs: dimensions (2i, 2i + 1) hold (sin, cos) of p * w_i with w_i = base^(-2i/d), as in the
paper. For an odd d the formula is simply continued: the last dimension d - 1 = 2i is the sine of the
next frequency and has no cosine partner (so it is not part of any rotation; see ``offset_rotation``).

RoPE pairs: the paper rotates adjacent dimensions (x_0, x_1), (x_2, x_3) ...; Hugging Face's Llama,
and this module, rotate (x_i, x_{i + Dh/2}), the two halves of the head. A fixed permutation of each
head's dimensions turns one into the other, and a model trained with one layout simply learns
permuted q and k weights, so they are the same model (tf_core.models.llama explains how GGUF files
store the other layout). The tests check both against each other.

Per-kind seam: :class:`PositionScheme` has three hooks, one per place where position can enter
(``add_to_input``, ``rotate_qk``, ``score_bias``); each kind overrides one and leaves the other two
as no-ops, and ``make_positions(kind, ...)`` builds one. A model calls all three and needs no branch.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

KINDS = ("none", "sinusoidal", "learned", "relative", "rope", "alibi")


# ---------------------------------------------------------------------------------------------
# Sinusoidal (added to the input)
# ---------------------------------------------------------------------------------------------

def _check_size(name: str, value: int, lo: int = 1) -> None:
    if isinstance(value, bool) or int(value) != value or value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")


def _check_base(base: float) -> None:
    if not math.isfinite(base) or base <= 1:
        raise ValueError(f"base must be a finite number above 1, got {base!r}")


def sinusoid_frequencies(d: int, base: float = 10_000.0) -> torch.Tensor:
    """The angular frequencies w_i = base^(-2i/d), i = 0 .. ceil(d/2) - 1, float64 (ceil(d/2),).

    Pair i turns by w_i radians per position: pair 0 once per position (a period of 2*pi tokens),
    the last pair almost not at all (a period of about 2*pi*base tokens).
    """
    _check_size("d", d)
    _check_base(base)
    two_i = torch.arange(0, d, 2, dtype=torch.float64)  # (ceil(d/2),): 0, 2, 4 ...
    return base ** (-two_i / d)


def sinusoid_at(positions: torch.Tensor, d: int, base: float = 10_000.0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """PE at any integer (or real) ``positions`` (T,), negative or past any length: (T, d), on the
    positions' device (computed on the CPU: float64 is missing on some accelerators, MPS among them)."""
    w = sinusoid_frequencies(d, base)  # (ceil(d/2),)
    angles = positions.cpu().to(torch.float64)[:, None] * w[None, :]  # (T, ceil(d/2))
    pe = torch.empty(positions.shape[0], d, dtype=torch.float64)  # (T, d)
    pe[:, 0::2] = angles.sin()  # even dimensions; for odd d this includes the lone last one
    pe[:, 1::2] = angles[:, : d // 2].cos()  # odd dimensions: the partner of each full pair
    return pe.to(dtype).to(positions.device)


def sinusoidal(n_positions: int, d: int, base: float = 10_000.0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The paper's table, (n_positions, d): PE[p, 2i] = sin(p w_i), PE[p, 2i + 1] = cos(p w_i).

    Each row is a point on d/2 circles, one per frequency; an odd d adds a lone sine (module docstring).
    """
    _check_size("n_positions", n_positions)
    return sinusoid_at(torch.arange(n_positions), d, base, dtype)


def offset_rotation(k: int, d: int, base: float = 10_000.0) -> torch.Tensor:
    """M_k (d, d), float64, with PE[p + k] = M_k @ PE[p] for every p: a shift is a fixed linear map.

    Why: (sin((p+k)w), cos((p+k)w)) is (sin pw, cos pw) turned by the angle k w, whatever p is. So M_k
    is block-diagonal, one 2 x 2 block [[cos kw, sin kw], [-sin kw, cos kw]] per pair; any integer k
    works, negative or longer than a table. For an odd d the lone last dimension sin(p w) cannot be
    shifted without cos(p w), which the vector lacks (sinusoids of different frequencies are linearly
    independent), so no exact M_k exists: its row and column are left zero and the identity holds on
    the first 2 * (d // 2) dimensions only. For a whole table (rows = positions): table @ M_k.T.
    """
    _check_size("d", d)
    w = sinusoid_frequencies(d, base)[: d // 2]  # (d//2,) full pairs only
    c, s = torch.cos(k * w), torch.sin(k * w)  # (d//2,)
    m = torch.zeros(d, d, dtype=torch.float64)
    even = torch.arange(0, 2 * (d // 2), 2)  # (d//2,) the sine row of each pair
    m[even, even], m[even, even + 1] = c, s  # new sin = sin cos + cos sin
    m[even + 1, even], m[even + 1, even + 1] = -s, c  # new cos = cos cos - sin sin
    return m


# ---------------------------------------------------------------------------------------------
# Looking at a position table (sinusoidal or a real learned one). These return CPU float64 tensors
# for the charts, whatever the table's device and dtype (a model's table is detached first).
# ---------------------------------------------------------------------------------------------

def cosine_similarity_matrix(table: torch.Tensor) -> torch.Tensor:
    """(n, d) -> (n, n) float64 cosines between every two rows (a zero row has cosine 0 with all)."""
    t = table.detach().to("cpu", torch.float64)
    unit = t / t.norm(dim=-1, keepdim=True).clamp_min(1e-300)  # (n, d); a zero row stays zero
    return unit @ unit.T  # (n, n)


def similarity_by_offset(sim: torch.Tensor) -> torch.Tensor:
    """(n, n) -> (n,) float64: entry k is the mean of sim[i, i + k] over i, the similarity at distance k."""
    n = sim.shape[0]
    if sim.shape != (n, n):
        raise ValueError(f"expected a square matrix, got {tuple(sim.shape)}")
    i, j = torch.triu_indices(n, n, device=sim.device)  # every pair with j >= i, (n(n+1)/2,) each
    sums = torch.bincount(j - i, weights=sim[i, j].to(torch.float64), minlength=n)  # (n,) sum per distance
    return sums / torch.arange(n, 0, -1, device=sim.device)  # n - k pairs lie at distance k


@dataclass(frozen=True)
class PrincipalComponents:
    """The leading directions of a table's rows (centered), largest variance first, float64.
    Sign convention: each component's entry of largest magnitude is positive (an SVD's signs are
    arbitrary; this fixes them so the same table always draws the same picture)."""

    components: torch.Tensor  # (k, d) orthonormal rows
    projections: torch.Tensor  # (n, k) each row's coordinates along them: a curve over positions
    explained_variance_ratio: torch.Tensor  # (k,) share of the total variance; 0 if the rows are all equal


def principal_components(table: torch.Tensor, k: int) -> PrincipalComponents:
    """PCA of the rows of ``table`` (n, d) through the SVD of the centered table, in float64."""
    n, d = table.shape
    _check_size("k", k)
    if k > min(n, d):
        raise ValueError(f"k={k} exceeds min(n, d) = {min(n, d)} for a ({n}, {d}) table")
    x = table.detach().to("cpu", torch.float64)
    x = x - x.mean(dim=0, keepdim=True)  # (n, d)
    _, s, vh = torch.linalg.svd(x, full_matrices=False)  # s (r,), vh (r, d), r = min(n, d)
    comps = vh[:k]  # (k, d)
    big = comps.abs().argmax(dim=1)  # (k,)
    comps = comps * torch.sign(comps[torch.arange(k), big])[:, None]  # (k, d) signs fixed
    var = s**2
    total = var.sum()
    ratio = var[:k] / total if total > 0 else torch.zeros(k, dtype=torch.float64)  # (k,)
    return PrincipalComponents(components=comps, projections=x @ comps.T, explained_variance_ratio=ratio)


# ---------------------------------------------------------------------------------------------
# RoPE (a rotation of q and k)
# ---------------------------------------------------------------------------------------------

def rope_angles(positions: torch.Tensor, d_head: int, theta: float,
                dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin of the rotation angles, each (T, Dh), for integer ``positions`` (T,).

    Dimension pair i (i and i + Dh/2) turns by position · theta^(-2i/Dh): pair 0 once per token,
    the last pair slowest. Computed in float32 by default, as Hugging Face does (positions up to 8192
    times a frequency lose digits in half precision); ``dtype=torch.float64`` for exact checks.
    """
    if d_head % 2:
        raise ValueError(f"RoPE rotates pairs: the head size {d_head} must be even")
    inv_freq = 1.0 / theta ** (torch.arange(0, d_head, 2, device=positions.device, dtype=dtype) / d_head)  # (Dh/2,)
    angles = positions.to(dtype)[:, None] * inv_freq[None, :]  # (T, Dh/2)
    angles = torch.cat([angles, angles], dim=-1)  # (T, Dh): both halves of a pair turn together
    return angles.cos(), angles.sin()


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    """(x1, x2) -> (-x2, x1) over the two halves of the last dimension: a 90° turn of every pair."""
    x1, x2 = x.chunk(2, dim=-1)  # (..., Dh/2) each
    return torch.cat([-x2, x1], dim=-1)  # (..., Dh)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate each (x_i, x_{i+Dh/2}) pair of x: (..., T, Dh) by the angles of its position.

    Why it encodes offsets: q at position m and k at position n, rotated, give
    q·R(m)ᵀR(n)·k = q·R(n - m)·k, a score that depends on n - m only.
    """
    return x * cos + rotate_half(x) * sin  # (..., T, Dh)


def rope_scores(q: torch.Tensor, k: torch.Tensor, m: int | torch.Tensor, n: int | torch.Tensor,
                theta: float = 10_000.0) -> torch.Tensor:
    """<RoPE(q, m), RoPE(k, n)> in float64 on the CPU: q, k (Dh,); m, n positions (ints or integer
    tensors that broadcast); returns their broadcast shape (0-d for two ints). Depends on n - m only."""
    m_t, n_t = torch.broadcast_tensors(torch.as_tensor(m, dtype=torch.long, device="cpu"),
                                       torch.as_tensor(n, dtype=torch.long, device="cpu"))
    d_head = q.shape[-1]
    cos_m, sin_m = rope_angles(m_t.reshape(-1), d_head, theta, dtype=torch.float64)  # (P, Dh)
    cos_n, sin_n = rope_angles(n_t.reshape(-1), d_head, theta, dtype=torch.float64)  # (P, Dh)
    q64, k64 = q.detach().to("cpu", torch.float64), k.detach().to("cpu", torch.float64)
    qr = apply_rope(q64.expand_as(cos_m), cos_m, sin_m)  # (P, Dh)
    kr = apply_rope(k64.expand_as(cos_n), cos_n, sin_n)  # (P, Dh)
    return (qr * kr).sum(-1).reshape(m_t.shape)


# ---------------------------------------------------------------------------------------------
# Score biases: T5's relative buckets and ALiBi
# ---------------------------------------------------------------------------------------------

def relative_positions(q_len: int, k_len: int, offset: int = 0, device: torch.device | None = None) -> torch.Tensor:
    """(q_len, k_len) long: key position j minus query position i + offset (negative = key before query)."""
    i = torch.arange(q_len, device=device)[:, None] + offset  # (q, 1)
    j = torch.arange(k_len, device=device)[None, :]  # (1, k)
    return j - i  # (q, k)


def t5_bucket(relative_position: torch.Tensor, bidirectional: bool = True, num_buckets: int = 32,
              max_distance: int = 128) -> torch.Tensor:
    """T5's bucket id (long, same shape) of each offset j - i.

    Per direction there are b buckets (num_buckets, or half of it when bidirectional: keys before the
    query use 0 .. b-1, keys after it b .. 2b-1). Distances below b/2 get a bucket each; from b/2 to
    max_distance the remaining b/2 buckets are log-spaced; every farther distance shares the last one.
    Unidirectional (a causal model): keys after the query all share bucket 0 with distance 0, since a
    mask hides them anyway. The log is taken in float32, as Mesh TensorFlow and transformers do: at a
    few exact boundaries float64 rounds the other way, and a trained checkpoint expects float32's bucket.
    """
    b = num_buckets // 2 if bidirectional else num_buckets  # buckets per direction
    exact = b // 2  # distances 0 .. exact-1 get one bucket each
    if exact < 1 or max_distance <= exact:
        raise ValueError(f"need at least 2 buckets per direction and max_distance > {exact}; "
                         f"got num_buckets={num_buckets}, max_distance={max_distance}, bidirectional={bidirectional}")
    rel = relative_position.long()
    if bidirectional:
        side = (rel > 0).long() * b  # keys after the query: the upper half
        dist = rel.abs()
    else:
        side = torch.zeros_like(rel)
        dist = (-rel).clamp_min(0)  # keys after the query count as distance 0
    far = dist.clamp_min(exact).float()  # the log branch only matters from `exact` on (avoids log 0)
    log_steps = (torch.log(far / exact) / math.log(max_distance / exact) * (b - exact)).long()  # floor, >= 0
    bucket = torch.where(dist < exact, dist, (exact + log_steps).clamp_max(b - 1))
    return side + bucket


def alibi_slopes(n_heads: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """ALiBi's per-head slopes (H,). For H a power of two: 2^(-8/H), 2^(-16/H) .. 2^(-8) (8 heads:
    1/2 .. 1/256), a geometric sequence whose ratio is its first term. Otherwise the paper's rule:
    the slopes of the largest power of two P below H, then every other slope of 2P (its 1st, 3rd ...)
    until H are filled, so the extra heads fall between the first P's slopes."""
    _check_size("n_heads", n_heads)

    def geometric(count: int) -> list[float]:
        return [2.0 ** (-8.0 * h / count) for h in range(1, count + 1)]

    p = 2 ** int(math.floor(math.log2(n_heads)))
    slopes = geometric(p) + geometric(2 * p)[0::2][: n_heads - p]
    return torch.tensor(slopes, dtype=torch.float64).to(dtype)


def alibi_bias(slopes: torch.Tensor, q_len: int, k_len: int, offset: int = 0) -> torch.Tensor:
    """(H, q_len, k_len): -slope_h * |i + offset - j|, so 0 on the diagonal and more negative the
    farther back the key. Keys after the query (j > i + offset) get the same penalty for their
    distance (the symmetric form); the causal mask of a decoder removes them, so a causal model is
    exactly the paper's, and the paper's implementation (slope * j) differs by a per-row constant
    that the softmax ignores."""
    dist = relative_positions(q_len, k_len, offset, device=slopes.device).abs()  # (q, k)
    return -slopes[:, None, None] * dist.to(slopes.dtype)  # (H, q, k)


# ---------------------------------------------------------------------------------------------
# One seam for every kind
# ---------------------------------------------------------------------------------------------

class PositionScheme(nn.Module):
    """Where position enters a model, as three hooks a model calls at three places; this base class
    is the kind "none" (every hook a no-op). Positions run from ``offset`` (tokens already cached).
    Hooks hold no per-call state, so one scheme serves every request."""

    kind = "none"

    def add_to_input(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        """x: (B, T, D) token embeddings -> (B, T, D), before the first block."""
        return x

    def rotate_qk(self, q: torch.Tensor, k: torch.Tensor, offset: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
        """q, k: (B, H, T, Dh) of the same T new tokens -> the same shapes, in every attention layer."""
        return q, k

    def score_bias(self, q_len: int, k_len: int, offset: int = 0) -> torch.Tensor | None:
        """(H, q_len, k_len) added to the scores in every attention layer, or None."""
        return None


class SinusoidalPositions(PositionScheme):
    """The fixed table added once, computed for the positions asked (no length limit, no parameter)."""

    kind = "sinusoidal"

    def __init__(self, d_model: int, base: float = 10_000.0):
        super().__init__()
        self.d_model, self.base = d_model, base

    def add_to_input(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        pe = sinusoid_at(torch.arange(offset, offset + x.shape[1]), self.d_model, self.base, x.dtype)  # (T, D)
        return x + pe.to(x.device)  # (B, T, D)


class LearnedPositions(PositionScheme):
    """A trained table (max_positions, D) added once; positions past it raise (no row to read)."""

    kind = "learned"

    def __init__(self, max_positions: int, d_model: int):
        super().__init__()
        self.table = nn.Embedding(max_positions, d_model)

    def add_to_input(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        end, rows = offset + x.shape[1], self.table.num_embeddings
        if offset < 0 or end > rows:
            raise ValueError(f"positions {offset}..{end - 1} fall outside the learned table's {rows} rows")
        return x + self.table(torch.arange(offset, end, device=x.device))  # (B, T, D)


class RotaryPositions(PositionScheme):
    """q and k turned by their positions in every layer (half-split pairs); no parameter."""

    kind = "rope"

    def __init__(self, d_head: int, theta: float = 10_000.0):
        super().__init__()
        if d_head % 2:
            raise ValueError(f"RoPE rotates pairs: the head size {d_head} must be even")
        self.d_head, self.theta = d_head, theta

    def rotate_qk(self, q: torch.Tensor, k: torch.Tensor, offset: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
        positions = torch.arange(offset, offset + q.shape[-2], device=q.device)  # (T,)
        cos, sin = rope_angles(positions, self.d_head, self.theta)  # (T, Dh) each
        cos, sin = cos.to(q.dtype), sin.to(q.dtype)
        return apply_rope(q, cos, sin), apply_rope(k, cos, sin)


class RelativeBias(PositionScheme):
    """T5's relative attention bias: a learned (num_buckets, H) table read at each offset's bucket.
    The weights start as nn.Embedding's N(0, 1); a model may re-initialise them. T5 computes it in
    the first layer and reuses it in every layer; that choice is the model's."""

    kind = "relative"

    def __init__(self, n_heads: int, num_buckets: int = 32, max_distance: int = 128, bidirectional: bool = True):
        super().__init__()
        t5_bucket(torch.zeros(1, device="cpu"), bidirectional, num_buckets, max_distance)  # validates the settings (on the CPU: also when built on the meta device)
        self.num_buckets, self.max_distance, self.bidirectional = num_buckets, max_distance, bidirectional
        self.embedding = nn.Embedding(num_buckets, n_heads)

    def forward(self, q_len: int, k_len: int, offset: int = 0) -> torch.Tensor:
        """(H, q_len, k_len): the bias of each head for query i (at i + offset) and key j."""
        rel = relative_positions(q_len, k_len, offset, device=self.embedding.weight.device)  # (q, k)
        buckets = t5_bucket(rel, self.bidirectional, self.num_buckets, self.max_distance)  # (q, k)
        return self.embedding(buckets).permute(2, 0, 1)  # (q, k, H) -> (H, q, k)

    def score_bias(self, q_len: int, k_len: int, offset: int = 0) -> torch.Tensor:
        return self(q_len, k_len, offset)


class AlibiPositions(PositionScheme):
    """ALiBi's fixed per-head linear penalty on distance; the slopes are a buffer, not parameters
    (and not saved with a checkpoint: they follow from the head count)."""

    kind = "alibi"

    def __init__(self, n_heads: int):
        super().__init__()
        self.register_buffer("slopes", alibi_slopes(n_heads), persistent=False)

    def score_bias(self, q_len: int, k_len: int, offset: int = 0) -> torch.Tensor:
        return alibi_bias(self.slopes, q_len, k_len, offset)


def make_positions(kind: str, *, d_model: int, n_heads: int, max_positions: int, base: float = 10_000.0,
                   bidirectional: bool = True) -> PositionScheme:
    """The scheme ``kind`` (one of KINDS) for a model of this width and head count. ``base`` is the
    sinusoid's and RoPE's theta; ``max_positions`` sizes the learned table; ``bidirectional`` is T5's
    (False for a causal model)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if d_model % n_heads:
        raise ValueError(f"d_model={d_model} is not a multiple of n_heads={n_heads}")
    if kind == "sinusoidal":
        return SinusoidalPositions(d_model, base)
    if kind == "learned":
        return LearnedPositions(max_positions, d_model)
    if kind == "relative":
        return RelativeBias(n_heads, bidirectional=bidirectional)
    if kind == "rope":
        return RotaryPositions(d_model // n_heads, base)
    if kind == "alibi":
        return AlibiPositions(n_heads)
    return PositionScheme()
