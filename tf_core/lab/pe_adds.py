"""Lesson `pe-adds`: adding a position vector to a word vector does not erase the word.

Three experiments, each a function the page caches on its own inputs:

    recover(encoder, positions, sample, seed)     for sampled tokens t and positions p, is the row of the
                                                  word table nearest to "word + position" still t?
    orthogonality(encoder, d_values, n, seed)     the cosine of random directions against the width d
                                                  (the reason the answer is usually yes), and the same
                                                  for the real word table's rows
    learned_structure(encoder, k)                 what a real learned position table looks like: its
                                                  cosine-similarity matrix, that similarity by offset,
                                                  and its leading principal components

Conventions and choices, stated:

* Sampled tokens. Tokens are drawn (seeded, without replacement) from the rows
  ``tf_core.lab.pretrained_vectors.table_index`` marks valid: no [PAD], [CLS], [SEP], [MASK], [UNK],
  [unusedN], no e5 <s>/<pad>/... and none of e5's rows past its tokenizer's vocabulary. The same rows
  are the only candidates of the nearest-neighbour search (a special row never "wins"), so chance is
  1 / ``candidates``; the synthetic table E below is searched over the same row numbers.
* Positions. ``positions`` rows of the position table, evenly spread over all of it (first and last
  included; 1 means position 0 alone).
* The learned case, as BERT builds its input: x = W[t] + P[p] + T[0] (token type 0 is added to every
  token of a single sentence). Two readings: "before LayerNorm" is x itself; "after LayerNorm" is
  LN(x) with the model's own gamma, beta and epsilon, which is what the first block reads. Candidates
  are the raw rows W[v] either way (the table the learner asks about).
* The sinusoidal case, as the paper builds it: x = f E[t] + PE(p) with E a seeded N(0, 1/d) table of
  the model's V x D (an embedding shared with the output layer starts this small), PE the base-10,000
  table at the same positions, and f = sqrt(d) (the paper's factor) or 1. There is no LayerNorm on
  the embeddings in the original (post-LN) Transformer. The candidates are the rows of E: scaling the
  whole table by f changes no argmax, so "nearest row of E" and "nearest row of f E" agree.
* Two similarities: cosine (the direction) and the plain dot product (what attention's scores use;
  a long row can win by length alone, so even x = W[t] need not find t: ``self_dot`` measures that).

How it stays cheap. The dot product splits over the sum: x . w_v = W[t] . w_v + (P[p] + T[0]) . w_v.
The first term is one (sample x V) product for all positions, the second one (positions x V) product
for all tokens, and every (token, position) score row is their sum: the position adds the same
vector of V numbers to the scores of every token. LayerNorm only subtracts each query's mean and
divides by its spread, so LN(x) . w_v = ((gamma*x) . w_v - mean(x) (gamma . w_v)) / std(x) + beta . w_v
splits the same way. Cosine divides by |w_v| (|x| is the same for every candidate). The table is
read in blocks of ``limits.PEADD_BLOCK_ROWS`` rows with a running best, so no (V x D) copy is made;
the sinusoidal case's E is drawn block by block from a generator seeded with (seed, block), so it is
never held whole either. The tests check all of this against a direct float64 search.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from tf_core import limits
from tf_core.lab.pretrained_vectors import table_index
from tf_core.models.quantized import chunks
from tf_core.models.text_encoder import TextEncoder
from tf_core.positional import cosine_similarity_matrix, principal_components, similarity_by_offset, sinusoid_at
from tf_core.progress import Progress

# The eight readings of "nearest row", in the order of Recovery.accuracy's rows.
VARIANTS = ("learned_raw_cos", "learned_raw_dot", "learned_ln_cos", "learned_ln_dot",
            "sin_scaled_cos", "sin_scaled_dot", "sin_plain_cos", "sin_plain_dot")


def spread_positions(n_rows: int, count: int) -> np.ndarray:
    """``count`` distinct rows of a table of ``n_rows``, evenly spread, first and last included (1: row 0)."""
    if count <= 1:
        return np.zeros(1, dtype=np.int64)
    return np.unique(np.round(np.linspace(0, n_rows - 1, min(count, n_rows))).astype(np.int64))


def max_sample(rows: int, positions: int) -> int:
    """The most tokens one search may sample from a table of ``rows`` rows at ``positions`` positions
    (limits.PEADD_WORK caps tokens x positions x rows; never below 1 nor above PEADD_SAMPLE's cap)."""
    return max(1, min(limits.PEADD_SAMPLE.hi, limits.PEADD_WORK // (max(positions, 1) * rows)))


def _block_generator(seed: int, block: int) -> torch.Generator:
    """The generator of block ``block`` of the synthetic table E (the same rows whatever else is drawn)."""
    return torch.Generator().manual_seed(int(np.random.SeedSequence([seed, block]).generate_state(1)[0]))


def synthetic_rows(seed: int, rows: torch.Tensor, vocab: int, d: int, block_rows: int = limits.PEADD_BLOCK_ROWS) -> torch.Tensor:
    """Rows ``rows`` (S,) of the seeded N(0, 1/d) table E (vocab, d), float32, without building E whole."""
    seed = limits.SEED.check("seed", seed)
    out = torch.empty(len(rows), d)
    for b in torch.unique(torch.div(rows, block_rows, rounding_mode="floor")).tolist():
        lo = b * block_rows
        block = torch.randn(min(block_rows, vocab - lo), d, generator=_block_generator(seed, b)) / math.sqrt(d)
        here = (rows >= lo) & (rows < lo + block_rows)
        out[here] = block[rows[here] - lo]
    return out


# --------------------------------------------------------------------------- is the word still there?
@dataclass(frozen=True)
class Recovery:
    model: str
    vocab: int  # rows of the word table
    d: int
    candidates: int  # rows searched (and sampled from): the valid ones
    seed: int
    token_ids: np.ndarray  # (S,) the sampled tokens
    positions: np.ndarray  # (P,) the positions tried
    accuracy: np.ndarray  # (8, P) share of tokens whose nearest row is their own, one row per VARIANTS
    nearest: np.ndarray  # (8, S, P) int64: the nearest row found for each token and position
    self_dot: float  # share of sampled W[t] whose largest dot product over the table is with W[t] itself
    self_dot_sin: float  # the same for the synthetic table E
    word_cos: np.ndarray  # (P,) mean cos(W[t] + P[p] + T[0], W[t]): how much of the sum points along the word
    position_norms: np.ndarray  # (P,) |P[p]|
    word_norm: float  # median |W[t]| over the sample
    table_position_norm: float  # median |P[p]| over the whole position table (position_norms covers the positions tried)
    type_norm: float  # |T[0]|, the token-type row added with every position
    pieces: dict[int, str]  # the tokenizer's piece of every row id above (sampled or found nearest)

    def variant(self, name: str) -> np.ndarray:
        """accuracy by position (P,) of one of VARIANTS."""
        return self.accuracy[VARIANTS.index(name)]

    def misses(self, name: str) -> list[tuple[int, str, str]]:
        """(position, token's piece, the piece found nearest instead) of every miss of one of VARIANTS,
        by position then token."""
        found = self.nearest[VARIANTS.index(name)]  # (S, P)
        return [(int(self.positions[p]), self.pieces[int(t)], self.pieces[int(found[i, p])])
                for p in range(len(self.positions)) for i, t in enumerate(self.token_ids) if found[i, p] != t]


def recover(encoder: TextEncoder, positions: int = limits.PEADD_POSITIONS.default, sample: int = limits.PEADD_SAMPLE.default,
            seed: int = limits.SEED.default, on_progress: Callable[[int, int], None] | None = None) -> Recovery:
    """Nearest valid row of the word table to each token + position, eight ways (VARIANTS, module docstring).
    Reports one unit of progress per block of the table."""
    positions = limits.PEADD_POSITIONS.check("positions", positions)
    sample = limits.PEADD_SAMPLE.check("sample", sample)
    seed = limits.SEED.check("seed", seed)
    emb = encoder.model.embeddings
    V, D = emb.word.num_embeddings, emb.word.embedding_dim  # the table is read a block at a time (e5's is 4-bit)
    valid = table_index(encoder).valid.cpu()  # (V,)
    valid_ids = torch.nonzero(valid).squeeze(1)  # (C,)
    sample = min(sample, len(valid_ids))
    g = torch.Generator().manual_seed(seed)
    ids = valid_ids[torch.randperm(len(valid_ids), generator=g)[:sample]].sort().values  # (S,)
    pos = torch.as_tensor(spread_positions(emb.position.num_embeddings, positions))  # (P,)
    P = len(pos)
    if sample * P * V > limits.PEADD_WORK:
        raise ValueError(f"{sample} tokens x {P} positions x {V:,} rows passes the cap of {limits.PEADD_WORK:,} "
                         f"(at most {max_sample(V, P)} tokens at {P} positions for this table)")
    with torch.inference_mode():
        shift = (emb.position.weight[pos.to(emb.position.weight.device)] + emb.token_type.weight[0]).to("cpu", torch.float32)  # (P, D)
        gamma = emb.ln.weight.detach().to("cpu", torch.float32)  # (D,)
        beta = emb.ln.bias.detach().to("cpu", torch.float32)  # (D,)
        words = emb.word(ids.to(emb.position.weight.device)).to("cpu", torch.float32)  # (S, D)
        x = words[:, None, :] + shift[None, :, :]  # (S, P, D): every query, before LayerNorm
        mu = x.mean(-1)  # (S, P)
        sd = (x.var(-1, unbiased=False) + emb.ln.eps).sqrt()  # (S, P): LayerNorm's denominator
        word_cos = torch.nn.functional.cosine_similarity(x, words[:, None, :], dim=-1).mean(0)  # (P,)
        e_words = synthetic_rows(seed, ids, V, D)  # (S, D)
        pe = sinusoid_at(pos, D, dtype=torch.float32)  # (P, D)
        f = math.sqrt(D)

        best = torch.full((8, sample, P), -math.inf)  # running best score per variant, token, position
        arg = torch.zeros((8, sample, P), dtype=torch.long)
        self_best = torch.full((2, sample), -math.inf)  # dot of x = W[t] (and E[t]) alone: best over the table
        self_arg = torch.zeros((2, sample), dtype=torch.long)
        n_blocks = math.ceil(V / limits.PEADD_BLOCK_ROWS)
        progress = Progress(n_blocks, on_progress)
        for b, (lo, rows) in enumerate(chunks(emb.word, limits.PEADD_BLOCK_ROWS)):
            Wb = rows.to("cpu", torch.float32)  # (Vb, D): the model's own rows on the CPU (e5's dequantised)
            Eb = torch.randn(len(Wb), D, generator=_block_generator(seed, b)) / math.sqrt(D)  # (Vb, D)
            # -inf on the rows that may not win, folded into the per-position term (cheap: (P, Vb))
            off = torch.zeros(len(Wb)).masked_fill(valid[lo: lo + len(Wb)].logical_not(), -math.inf)  # (Vb,)
            w_inv, e_inv = 1 / Wb.norm(dim=1).clamp_min(1e-30), 1 / Eb.norm(dim=1)  # (Vb,)
            word_dot, e_dot = words @ Wb.T, e_words @ Eb.T  # (S, Vb) each
            shift_dot, gamma_dot, pe_dot = shift @ Wb.T + off, (shift * gamma) @ Wb.T + off, pe @ Eb.T + off  # (P, Vb)
            gw = (words * gamma) @ Wb.T  # (S, Vb)
            # LayerNorm's per-query terms, times std(x) > 0 (which changes no argmax): -mean(x) gamma.w + std(x) beta.w
            mu_sd = torch.stack([mu, sd], dim=-1).reshape(-1, 2)  # (S*P, 2)
            g_b = torch.stack([-(Wb @ gamma), Wb @ beta])  # (2, Vb)
            # each variant: (per-token term (S, Vb), per-position term (P, Vb), per-query rank-2 term or None)
            terms = ((word_dot * w_inv, shift_dot * w_inv, None), (word_dot, shift_dot, None),
                     (gw * w_inv, gamma_dot * w_inv, g_b * w_inv), (gw, gamma_dot, g_b),
                     (f * e_dot * e_inv, pe_dot * e_inv, None), (f * e_dot, pe_dot, None),
                     (e_dot * e_inv, pe_dot * e_inv, None), (e_dot, pe_dot, None))
            for i, (token_term, position_term, ln_term) in enumerate(terms):
                if ln_term is None:
                    s = token_term[:, None, :] + position_term[None]  # (S, P, Vb)
                else:
                    s = (mu_sd @ ln_term).view(sample, P, -1)  # (S, P, Vb)
                    s += token_term[:, None, :]
                    s += position_term[None]
                val, idx = s.max(dim=-1)  # (S, P)
                better = val > best[i]  # ties keep the earlier row
                best[i] = torch.where(better, val, best[i])
                arg[i] = torch.where(better, idx + lo, arg[i])
            for i, s in enumerate((word_dot, e_dot)):
                val, idx = (s + off).max(dim=-1)  # (S,)
                better = val > self_best[i]
                self_best[i] = torch.where(better, val, self_best[i])
                self_arg[i] = torch.where(better, idx + lo, self_arg[i])
            progress.tick()
        hit = arg == ids[None, :, None]  # (8, S, P)
        return Recovery(model=encoder.name, vocab=V, d=D, candidates=int(valid.sum()), seed=seed, token_ids=ids.numpy(),
                        positions=pos.numpy(), accuracy=hit.double().mean(1).numpy(), nearest=arg.numpy(),
                        self_dot=float((self_arg[0] == ids).double().mean()), self_dot_sin=float((self_arg[1] == ids).double().mean()),
                        word_cos=word_cos.double().numpy(),
                        position_norms=emb.position.weight.detach()[pos].to("cpu", torch.float64).norm(dim=1).numpy(),
                        word_norm=float(words.double().norm(dim=1).median()),
                        table_position_norm=float(emb.position.weight.detach().to("cpu", torch.float64).norm(dim=1).median()),
                        type_norm=float(emb.token_type.weight.detach()[0].to("cpu", torch.float64).norm()),
                        pieces={int(i): encoder.tokenizer.id_to_token(int(i)) or f"#{int(i)}"
                                for i in torch.cat([ids, arg.flatten()]).unique().tolist()})


# --------------------------------------------------------------------------- why: random directions are nearly orthogonal
@dataclass(frozen=True)
class Orthogonality:
    n: int  # vectors per width (n (n - 1) / 2 pairs)
    seed: int
    d_values: np.ndarray  # (W,) the widths
    cos_std: np.ndarray  # (W,) root mean square of the pairs' cosines, measured (the mean is ~0)
    cos_std_theory: np.ndarray  # (W,) 1 / sqrt(d): E[cos^2] = 1/d exactly for directions uniform on the sphere
    max_abs: np.ndarray  # (W,) the largest |cos| over all pairs
    model: str | None  # the real table's rows, None when no encoder was given
    model_d: int
    table_cos_mean: float  # mean cosine of n sampled valid rows, as loaded (> 0: the rows share a direction)
    table_cos_std: float  # root mean square of those cosines
    table_max_abs: float
    centered_cos_mean: float  # the same after subtracting the mean of all valid rows
    centered_cos_std: float
    centered_max_abs: float


def _pair_cosines(x: torch.Tensor) -> torch.Tensor:
    """Cosines of every pair of distinct rows of x (n, d), float64 (n (n - 1) / 2,)."""
    unit = x / x.norm(dim=1, keepdim=True).clamp_min(1e-300)  # (n, d)
    i, j = torch.triu_indices(len(x), len(x), offset=1)
    return (unit @ unit.T)[i, j]


def _valid_mean(table: torch.nn.Module, valid: torch.Tensor) -> torch.Tensor:
    """The float64 mean of the rows of an embedding table (V, D) that ``valid`` (V,) keeps, read in blocks of
    limits.PEADD_BLOCK_ROWS rows (e5's whole table in float64 would be ~770 MB)."""
    total = torch.zeros(table.embedding_dim, dtype=torch.float64)
    valid = valid.cpu()
    for lo, rows in chunks(table, limits.PEADD_BLOCK_ROWS):
        keep = valid[lo: lo + len(rows)]
        total += rows[keep.to(rows.device)].to("cpu", torch.float64).sum(0)
    return total / int(valid.sum())


def orthogonality(encoder: TextEncoder | None = None, d_values: tuple[int, ...] = limits.PEADD_ORTHO_D_VALUES,
                  n: int = limits.PEADD_ORTHO_N.default, seed: int = limits.SEED.default) -> Orthogonality:
    """n Gaussian vectors per width d (seeded, float64): the spread of their pairwise cosines against 1/sqrt(d);
    then n valid rows of the encoder's word table, as loaded and centered."""
    if not 1 <= len(d_values) <= limits.PEADD_ORTHO_WIDTHS:
        raise ValueError(f"d_values must hold 1 to {limits.PEADD_ORTHO_WIDTHS} widths, got {len(d_values)}")
    ds = np.array([limits.PEADD_ORTHO_D.check("d", d) for d in d_values], dtype=np.int64)
    n = limits.PEADD_ORTHO_N.check("n", n)
    seed = limits.SEED.check("seed", seed)
    g = torch.Generator().manual_seed(seed)
    std, worst = [], []
    for d in ds.tolist():
        c = _pair_cosines(torch.randn(n, d, generator=g, dtype=torch.float64))
        std.append(float(c.square().mean().sqrt()))
        worst.append(float(c.abs().max()))
    table = dict(model=None, model_d=0, table_cos_mean=math.nan, table_cos_std=math.nan, table_max_abs=math.nan,
                 centered_cos_mean=math.nan, centered_cos_std=math.nan, centered_max_abs=math.nan)
    if encoder is not None:
        with torch.inference_mode():
            word = encoder.model.embeddings.word  # (V, D)
            valid_ids = torch.nonzero(table_index(encoder).valid.cpu()).squeeze(1)  # (C,)
            rows = valid_ids[torch.randperm(len(valid_ids), generator=torch.Generator().manual_seed(seed))[:n]]
            x = word(rows.to(encoder.model.embeddings.position.weight.device)).to("cpu", torch.float64)  # (n, D)
            mean = _valid_mean(word, table_index(encoder).valid)  # (D,) over every valid row
        raw, centered = _pair_cosines(x), _pair_cosines(x - mean)
        table = dict(model=encoder.name, model_d=word.embedding_dim, table_cos_mean=float(raw.mean()),
                     table_cos_std=float(raw.square().mean().sqrt()), table_max_abs=float(raw.abs().max()),
                     centered_cos_mean=float(centered.mean()), centered_cos_std=float(centered.square().mean().sqrt()),
                     centered_max_abs=float(centered.abs().max()))
    return Orthogonality(n=n, seed=seed, d_values=ds, cos_std=np.array(std), cos_std_theory=1 / np.sqrt(ds.astype(np.float64)),
                         max_abs=np.array(worst), **table)


# --------------------------------------------------------------------------- a real learned position table
@dataclass(frozen=True)
class LearnedStructure:
    model: str
    rows: int  # positions in the table
    d: int
    similarity: np.ndarray  # (rows, rows) cosine of every two position rows, float64
    by_offset: np.ndarray  # (rows,) mean similarity at each distance k
    explained: np.ndarray  # (k,) share of the (centered) table's variance along each leading component
    curves: np.ndarray  # (c, rows) the first c components' coordinate at every position (c = min(k, PEADD_CURVES))
    periods: np.ndarray  # (c,) the period, in positions, of each curve's strongest frequency (inf: none)
    period_share: np.ndarray  # (c,) the share of the curve's variance at that frequency (1 = one pure sinusoid)


def _dominant_period(curve: np.ndarray) -> tuple[float, float]:
    """The period of the strongest nonzero frequency of ``curve`` (its mean removed) and its share of the power."""
    power = np.abs(np.fft.rfft(curve - curve.mean())) ** 2  # (rows // 2 + 1,)
    if len(power) < 2 or power[1:].sum() == 0:
        return math.inf, 0.0
    f = int(power[1:].argmax()) + 1
    return len(curve) / f, float(power[f] / power[1:].sum())


def learned_structure(encoder: TextEncoder, k: int = limits.PEADD_COMPONENTS.default) -> LearnedStructure:
    """The encoder's position table as loaded: similarity of every two rows and its principal components."""
    k = limits.PEADD_COMPONENTS.check("k", k)
    table = encoder.model.embeddings.position.weight.detach()  # (rows, D)
    rows, d = table.shape
    k = min(k, rows, d)
    sim = cosine_similarity_matrix(table)  # (rows, rows)
    pcs = principal_components(table, k)
    curves = pcs.projections[:, : min(k, limits.PEADD_CURVES)].T.numpy()  # (c, rows)
    found = [_dominant_period(c) for c in curves]
    return LearnedStructure(model=encoder.name, rows=rows, d=d, similarity=sim.numpy(), by_offset=similarity_by_offset(sim).numpy(),
                            explained=pcs.explained_variance_ratio.numpy(), curves=curves,
                            periods=np.array([p for p, _ in found]), period_share=np.array([s for _, s in found]))
