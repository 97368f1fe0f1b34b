"""Lesson `pe-variants`, the length-extrapolation experiment: how a model trained at one length reads
longer texts, for each position encoding (Press et al., "Train Short, Test Long", ICLR 2022).

The models are the six shipped PositionLMs (tf_core.models.position_lm; ``python -m tf_core.train
positions --kind all``): the same small character decoder, trained on the same King James text with
the same recipe and seed, at ``limits.PE_TRAIN_LENGTH`` characters, differing only in where position
enters. :func:`extrapolation` scores them live on the held-out text they never saw (the last 5% of the
corpus, assets/models/positions/validation.txt), as Press et al. evaluate:

- one span of ``windows`` x (longest length) characters, starting where the seed says; at each length
  L it is cut into span // L non-overlapping windows, each read from its own start with no earlier
  context. Every length therefore scores (almost exactly) the same characters; what changes is how
  long a window the model must read.
- the mean loss per character at each length, in nats and bits (nats / ln 2);
- the loss at each position of the longest windows, averaged over the windows: the curve that shows
  where an encoding breaks. Position 0 predicts with no context, so every curve starts high.

What the card compares with the paper, all defined here before any model was evaluated:

- ``ratio``: loss at the longest length / loss at the training length. A kind "holds" when the ratio
  is at most 1 + ``TOLERANCE`` (5%): its loss does not rise by more than 5% at 4x the length. (Longer
  windows also give later characters more context, so a model that truly extrapolates gets *lower*
  loss at longer lengths, as ALiBi does in the paper; a ratio below 1 is that.)
- ``break_at``: where the per-position curve first rises above its in-length level. The reference is
  the mean loss of positions train_length / 2 .. train_length - 1 (inside the training length, past
  the noisy first characters); the curve past the training length is averaged in bins of ``BIN`` (16)
  positions, since one character's loss spreads by 1.5-2.5 nats; the break is the first position of
  the first bin whose mean exceeds the reference by more than ``RISE`` (0.2 nats, ~13% of an in-length
  loss of ~1.5), or -1 if no bin does. Why 0.2: at the default 128 windows the standard error of a
  bin minus the reference is 0.05-0.065 nats (measured on the shipped models), so 0.2 is over three of
  them and a flat curve does not "break" by chance; more windows make the curve itself smoother.

The lab reads the models the caller loaded (a dict, or a function kind -> model), so a page caches
them once; it runs under ``torch.no_grad`` on the models' device and never changes them.

Cost (``python benchmarks/positions.py --threads 1 2``, 2-core machine, 2026-12-06, 20 runs each): the default
sweep (6 kinds x 5 lengths x 16,384 characters, ~490k characters through the models) takes 2.96 s median
(p95 3.11 s) on one torch thread, the count a 2-core server runs it on, and 1.91 s (p95 2.03 s) on two; loading the six
checkpoints takes ~0.02 s (tf_core.models.weights skips the meta-device initialisation that once
cost ~2.6 s of first imports). The page runs it as a queued job on the process's one thread count
(tf_core.device.job_threads: 1 on a 2-core machine, so that a job never changes other requests' count). Under other processes' load two threads can be far slower (OpenMP's
threads wait for each other: 34-56 s was once seen on a shared machine at load ~4), which is why the
tests pin their own thread count.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.models import checkpoints
from tf_core.models.position_lm import KINDS, PositionLM, span_start, window_losses
from tf_core.progress import Progress

TOLERANCE = 0.05  # a kind holds when its loss at the longest length is at most 5% above the in-length loss
RISE = 0.2  # nats above the in-length reference that count as a break of the per-position curve
BIN = 16  # positions averaged per bin of the per-position curve, past the training length

Models = Mapping[str, PositionLM] | Callable[[str], PositionLM]


@dataclass(frozen=True)
class ExtrapolationResult:
    kinds: tuple[str, ...]  # rows of every (K, ...) array, in the order asked
    lengths: np.ndarray  # (N,) evaluation lengths, ascending; always includes train_length
    train_length: int  # the length every model was trained at
    loss: np.ndarray  # (K, N) mean held-out loss per character, nats
    windows: np.ndarray  # (N,) windows scored at each length (span // length)
    per_position: np.ndarray  # (K, L) mean loss at each position of the longest windows, L = lengths[-1]
    reference: np.ndarray  # (K,) mean of per_position over train_length // 2 .. train_length - 1
    break_at: np.ndarray  # (K,) int: first position of the first bin above reference + RISE; -1: none
    span: int  # characters of held-out text scored at the longest length
    start: int  # where that span starts in the held-out text
    seed: int
    seconds: float  # wall-clock time of the sweep (the models already loaded)
    threads: int  # torch CPU threads it ran on
    device: str

    @property
    def bits(self) -> np.ndarray:
        """(K, N) the same losses in bits per character."""
        return self.loss / math.log(2)

    @property
    def at_train(self) -> np.ndarray:
        """(K,) the loss at the training length."""
        return self.loss[:, int(np.flatnonzero(self.lengths == self.train_length)[0])]

    @property
    def ratio(self) -> np.ndarray:
        """(K,) loss at the longest length / loss at the training length."""
        return self.loss[:, -1] / self.at_train

    @property
    def holds(self) -> np.ndarray:
        """(K,) bool: the ratio is at most 1 + TOLERANCE."""
        return self.ratio <= 1.0 + TOLERANCE

    def row(self, kind: str) -> int:
        return self.kinds.index(kind)


def break_position(curve: np.ndarray, train_length: int, rise: float = RISE, bin_size: int = BIN) -> tuple[float, int]:
    """(reference, break) of one per-position curve (L,): the reference is the mean of positions
    train_length // 2 .. train_length - 1; the break is the first position of the first bin of
    ``bin_size`` positions from train_length on (the last bin may be shorter) whose mean exceeds the
    reference by more than ``rise``, or -1. For example the curve 3, 1, 1, 1 | 1.05, 1, 1.3, 1.3 with
    train_length 4, rise 0.1 and bins of 2: reference 1.0 (positions 2, 3), bins (1.025, 1.3): break at 6."""
    if not 1 <= train_length <= len(curve):
        raise ValueError(f"train_length {train_length} must be between 1 and the curve's length {len(curve)}")
    reference = float(np.mean(curve[train_length // 2:train_length]))
    for lo in range(train_length, len(curve), bin_size):
        if float(np.mean(curve[lo:lo + bin_size])) > reference + rise:
            return reference, lo
    return reference, -1


def load_models(kinds: Iterable[str] = KINDS, device="cpu") -> dict[str, PositionLM]:
    """The shipped models of ``kinds`` (tf_core.models.checkpoints.load_position_lm), kind -> model."""
    return {kind: checkpoints.load_position_lm(kind, device=device).model for kind in kinds}


def _check_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    kinds = tuple(kinds)
    if not kinds or len(set(kinds)) != len(kinds) or any(k not in KINDS for k in kinds):
        raise ValueError(f"kinds must be distinct names from {KINDS}, at least one; got {kinds}")
    return kinds


@torch.no_grad()
def extrapolation(models: Models, kinds: Iterable[str] = KINDS, lengths: Iterable[int] = limits.PE_EVAL_LENGTHS,
                  windows: int = limits.PE_WINDOWS.default, seed: int = limits.SEED.default,
                  on_progress: Callable[[int, int], None] | None = None, text: str | None = None,
                  ) -> ExtrapolationResult:
    """Held-out loss of each kind's model at each length (module docstring).

    models: kind -> loaded PositionLM, or a function that returns it; kinds: which to score (distinct,
    from KINDS); lengths: evaluation lengths (each within ``limits.PE_EVAL_LENGTH``; the training
    length is added when missing); windows: windows of the longest length (``limits.PE_WINDOWS``);
    seed: where the span starts; on_progress(done, total) after each (kind, length); text: the
    held-out text (default: the shipped validation.txt). Raises ValueError for a setting out of range
    or models that were not trained alike."""
    kinds = _check_kinds(kinds)
    lengths = [limits.PE_EVAL_LENGTH.check("length", L) for L in lengths]
    windows = limits.PE_WINDOWS.check("windows", windows)
    seed = limits.SEED.check("seed", seed)
    get = models.__getitem__ if isinstance(models, Mapping) else models
    chosen = {kind: get(kind) for kind in kinds}
    for kind, model in chosen.items():
        if model.cfg.kind != kind:
            raise ValueError(f"the model given for {kind!r} is a {model.cfg.kind!r} model")
    first = chosen[kinds[0]].cfg
    if any(m.cfg.vocab != first.vocab or m.cfg.train_length != first.train_length for m in chosen.values()):
        raise ValueError("the models must share their vocabulary and training length")
    train_length = first.train_length
    lengths = sorted(set(lengths) | {train_length})

    text = checkpoints.load_position_validation() if text is None else text
    device = next(chosen[kinds[0]].parameters()).device
    ids = torch.tensor(first.vocab.encode(text), dtype=torch.long, device=device)  # (N,)
    span = windows * lengths[-1]
    start = span_start(len(ids), span, seed)

    progress = Progress(len(kinds) * len(lengths), on_progress)
    began = time.perf_counter()
    loss = np.empty((len(kinds), len(lengths)))
    counts = np.empty(len(lengths), dtype=np.int64)
    per_position = np.empty((len(kinds), lengths[-1]))
    for r, kind in enumerate(kinds):
        for c, L in enumerate(lengths):
            losses = window_losses(chosen[kind], ids, L, span, start)  # (W, L) float64
            loss[r, c], counts[c] = float(losses.mean()), losses.shape[0]
            if c == len(lengths) - 1:
                per_position[r] = losses.mean(0).cpu().numpy()  # (L,)
            progress.tick()
    seconds = time.perf_counter() - began
    breaks = [break_position(per_position[r], train_length) for r in range(len(kinds))]
    return ExtrapolationResult(
        kinds=kinds, lengths=np.array(lengths), train_length=train_length, loss=loss, windows=counts,
        per_position=per_position, reference=np.array([b[0] for b in breaks]),
        break_at=np.array([b[1] for b in breaks], dtype=np.int64), span=span, start=start, seed=seed,
        seconds=seconds, threads=torch.get_num_threads(), device=device.type)


# ---------------------------------------------------------------------------------------------------------
# The side-by-side views: how each scheme puts position in (tf_core/positional.py computes every one of them)
# ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RopeOffset:
    """<RoPE(q, m), RoPE(k, m - k)> over many query positions m for one pair of seeded random vectors."""

    d_head: int
    theta: float
    k: int  # the offset m - n, the learner's
    m: np.ndarray  # (P,) query positions; the key sits at m - k
    scores: np.ndarray  # (P,) float64 scores, each computed from the absolute positions
    direct: float  # q · R(n - m) k: the score written with the offset alone (no absolute position)
    max_deviation: float  # max |scores - direct|
    helix: np.ndarray  # (2, T, 2): q's pairs 0 and Dh/4 rotated to positions 0 .. T-1, (x_i, x_{i+Dh/2})
    helix_pairs: tuple[int, int]


def rope_offset(k: int = limits.PE_OFFSET.default, seed: int = limits.SEED.default, d_head: int = limits.PE_ROPE_D.default,
                theta: float = 10_000.0, positions: int = limits.PE_ROPE_POSITIONS) -> RopeOffset:
    """RoPE's score depends only on the offset: q, k ~ N(0, 1) of size ``d_head`` (seeded) rotated to
    m and m - k for m = max(k, 0) .. + positions - 1 (keys at non-negative positions), every score
    computed by tf_core.positional.rope_scores in float64, against the score with the key alone turned by
    the offset (q · R(-k) k, written here with the paper's angles). Also q's rotation across positions for
    two pairs (the helix view)."""
    from tf_core import positional

    k = limits.PE_OFFSET.check("k", k)
    seed = limits.SEED.check("seed", seed)
    d_head = limits.PE_ROPE_D.check("d_head", d_head)
    if d_head % 2:
        raise ValueError(f"RoPE turns pairs: d_head must be even, got {d_head}")
    theta = limits.PE_BASE.check("theta", theta)  # RoPE's base is the sinusoid's (limits.PE_BASE)
    positions = limits.IntRange(1, limits.PE_ROPE_POSITIONS, limits.PE_ROPE_POSITIONS).check("positions", positions)
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(d_head, generator=g, dtype=torch.float64)  # (Dh,)
    key = torch.randn(d_head, generator=g, dtype=torch.float64)  # (Dh,)
    m = torch.arange(positions, dtype=torch.long) + max(k, 0)  # (P,)
    scores = positional.rope_scores(q, key, m, m - k, theta).numpy()  # (P,)
    # The offset alone: each pair (x_i, x_{i+h}) of the key turned by (n - m) * w_i, dotted with q unturned.
    half = d_head // 2
    w = theta ** (-torch.arange(half, dtype=torch.float64) * 2 / d_head)  # (Dh/2,)
    a = -k * w  # (Dh/2,) the key's angle relative to the query
    k1, k2 = key[:half], key[half:]
    turned = torch.cat([k1 * a.cos() - k2 * a.sin(), k1 * a.sin() + k2 * a.cos()])  # (Dh,)
    direct = float(q @ turned)
    pairs = (0, max(half // 2, 0))
    cos, sin = positional.rope_angles(torch.arange(limits.PE_ROPE_HELIX), d_head, theta, dtype=torch.float64)  # (T, Dh)
    rotated = positional.apply_rope(q.expand(limits.PE_ROPE_HELIX, d_head), cos, sin)  # (T, Dh)
    helix = np.stack([torch.stack([rotated[:, i], rotated[:, i + half]], dim=1).numpy() for i in pairs])  # (2, T, 2)
    return RopeOffset(d_head=d_head, theta=theta, k=k, m=m.numpy(), scores=scores, direct=direct,
                      max_deviation=float(np.abs(scores - direct).max()), helix=helix, helix_pairs=pairs)


def picked_heads(n_heads: int, count: int = limits.PE_BIAS_MAPS) -> np.ndarray:
    """The heads drawn side by side: all of them up to ``count``, else the first, the last and evenly
    between (3 heads: 0, 1, 2; 8 heads: 0, 2, 5, 7; 64 heads: 0, 21, 42, 63; tests check these)."""
    return np.unique(np.round(np.linspace(0, n_heads - 1, min(n_heads, count))).astype(np.int64))


def _causal(bias: torch.Tensor) -> np.ndarray:
    """(H, L, L) -> float64 with the keys after each query set to NaN (a causal model never reads them)."""
    out = bias.detach().to("cpu", torch.float64).numpy() + 0.0  # a copy, and -0.0 on the diagonal becomes 0.0
    L = out.shape[-1]
    out[:, np.triu_indices(L, 1)[0], np.triu_indices(L, 1)[1]] = np.nan
    return out


@dataclass(frozen=True)
class AlibiView:
    slopes: np.ndarray  # (H,) the paper's slope of every head
    heads: np.ndarray  # (M,) the heads drawn
    maps: np.ndarray  # (M, L, L) -slope * (i - j) for keys j <= i, NaN after the query (causal)
    side: int


def alibi_view(n_heads: int = limits.ALIBI_HEADS.default, side: int = limits.PE_BIAS_LENGTH.default) -> AlibiView:
    """ALiBi's slopes for ``n_heads`` heads and the causal bias maps of the picked heads (side x side)."""
    from tf_core import positional

    n_heads = limits.ALIBI_HEADS.check("heads", n_heads)
    side = limits.PE_BIAS_LENGTH.check("side", side)
    slopes = positional.alibi_slopes(n_heads, dtype=torch.float64)  # (H,)
    heads = picked_heads(n_heads)
    maps = _causal(positional.alibi_bias(slopes[torch.as_tensor(heads)], side, side))  # (M, L, L)
    return AlibiView(slopes=slopes.numpy(), heads=heads, maps=maps, side=side)


@dataclass(frozen=True)
class T5View:
    buckets: int  # the learner's setting (causal: all of them count distances back)
    max_distance: int
    distance: np.ndarray  # (D,) 0 .. ~1.5 x max_distance: how far back the key is
    bucket: np.ndarray  # (D,) its bucket (unidirectional, as a decoder uses it)
    exact: int  # distances below this get a bucket each
    trained_heads: np.ndarray  # (M,) heads of the shipped relative model drawn
    trained_maps: np.ndarray  # (M, L, L) their learned bias, NaN after the query
    trained_buckets: int  # that model's own setting
    trained_max_distance: int
    side: int


def t5_view(model: PositionLM, buckets: int = limits.T5_BUCKETS.default, max_distance: int = limits.T5_MAX_DISTANCE.default,
            side: int = limits.PE_BIAS_LENGTH.default) -> T5View:
    """T5's bucket of every distance back (causal, as the shipped decoder uses it) for the learner's
    buckets and max distance, and the trained bias maps of the shipped "relative" PositionLM (its own
    16 buckets and max distance 32: tf_core.models.position_lm)."""
    from tf_core import positional

    buckets = limits.T5_BUCKETS.check("buckets", buckets)
    max_distance = limits.T5_MAX_DISTANCE.check("max_distance", max_distance)
    side = limits.PE_BIAS_LENGTH.check("side", side)
    if model.relative is None:
        raise ValueError(f"the bias maps need the 'relative' model, got a {model.cfg.kind!r} one")
    distance = torch.arange(max_distance + max_distance // 2 + 1)  # (D,)
    bucket = positional.t5_bucket(-distance, bidirectional=False, num_buckets=buckets, max_distance=max_distance)  # (D,)
    heads = picked_heads(model.cfg.n_heads)
    with torch.no_grad():
        bias = model.relative(side, side)[torch.as_tensor(heads)]  # (M, L, L)
    return T5View(buckets=buckets, max_distance=max_distance, distance=distance.numpy(), bucket=bucket.numpy(),
                  exact=buckets // 2, trained_heads=heads, trained_maps=_causal(bias),
                  trained_buckets=model.relative.num_buckets, trained_max_distance=model.relative.max_distance, side=side)


@dataclass(frozen=True)
class LearnedView:
    model: str
    rows: int  # rows of the table (positions it can read)
    d: int
    similarity: np.ndarray  # (rows, rows) cosine similarity of every two rows
    past_end: str  # what reading row ``rows`` gives: PyTorch's own error message
    neighbour: float  # mean cosine of rows p and p + 1
    far: float  # mean cosine of rows more than rows / 2 apart


def learned_view(encoder) -> LearnedView:
    """A BERT-style encoder's learned position table as loaded (tf_core.models.text_encoder.TextEncoder):
    the cosine similarity of every two rows, and the error its embedding raises one row past the end."""
    from tf_core import positional

    table = encoder.model.embeddings.position  # nn.Embedding(rows, d)
    weight = table.weight.detach().to("cpu", torch.float64)[:limits.PE_LEARNED_ROWS]  # (R, d)
    sim = positional.cosine_similarity_matrix(weight).numpy()  # (R, R)
    rows = int(table.weight.shape[0])
    try:
        with torch.no_grad():
            table(torch.tensor([rows], device=table.weight.device))
        past_end = ""
    except IndexError as e:  # nn.Embedding has no row there
        past_end = f"{type(e).__name__}: {e}"
    R = sim.shape[0]
    far_mask = np.abs(np.arange(R)[:, None] - np.arange(R)[None, :]) > R // 2
    return LearnedView(model=encoder.name, rows=rows, d=int(weight.shape[1]), similarity=sim, past_end=past_end,
                       neighbour=float(np.diag(sim, 1).mean()) if R > 1 else float("nan"),
                       far=float(sim[far_mask].mean()) if far_mask.any() else float("nan"))
