"""Lesson `pretrained-vectors`: can pretrained word vectors be used in a Transformer?

A Transformer's first layer is a lookup table: row ``ids[t]`` of the word-embedding matrix
(V, D) is token t's vector. So yes, that table can be initialised (or frozen) with pretrained
vectors, if each of the model's tokens has a pretrained vector and the widths match (or a learned
projection D' -> D is put after it). This module looks at the real tables of the two encoders,
MiniLM (30,522 WordPiece rows x 384) and multilingual-e5-small (250,037 SentencePiece rows x 384;
kept in 4-bit blocks, dequantised as they are read), and measures three things:

  neighbours   a word through the model's tokenizer (it may become several pieces), and the rows
               closest to each piece by cosine similarity over the whole table. With several
               pieces also the neighbours of the *mean of the pieces' unit vectors* (a simple,
               stated choice of a word vector; the pieces are not a word2vec word). The word's own
               pieces, special tokens ([CLS], [unused0], <pad>, ...) and e5's 35 rows that no piece
               uses are never neighbours. An unknown piece ([UNK]: one row shared by every
               character the vocabulary lacks) and e5's bare "▁" (the space before a CJK word, the
               same row for every such word) are reported but not searched.
  categories   does a table row alone know what a word means? Six groups of twelve everyday words
               (assets/text/word_categories.toml), each word's vector the mean of its pieces' unit
               rows, classified leave-one-out by the nearest group centroid (cosine): with the
               real table, with random tables of the same width and scale (the rows the words use,
               drawn from N(0, std of the real table); ``VECTORS_RANDOM_TABLES`` tables averaged),
               and chance (1 / groups). A random table is what training starts from; a word that
               shares a piece with its group (狮子, 兔子) scores above chance even there.
  contexts     the limit of any such table: "bank" gets one row, whatever the sentence. One
               ambiguous word in four sentences, two per sense; the cosine between its vectors in
               two sentences, per layer of the encoder (0 = the embedding layer's output, where
               positions are already added), for same-sense and different-sense pairs. The table
               rows themselves agree exactly (cosine 1).

Cost: the table's row norms are computed once per model and kept (``table_index``: 1 MB for e5,
not a second 366 MiB normalised copy); a search is then one (V, D) x (D, <= 8) product. e5's table
is never whole in float32: the index and the product read it a block of rows at a time
(``tf_core.models.quantized``: ``chunks``, ``products``), the product on the blocks' nibbles directly.
"""
from __future__ import annotations

import functools
import math
import re
import tomllib
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from tf_core import limits
from tf_core.models.quantized import chunks, parameter_count, products
from tf_core.models.text_encoder import TextEncoder

WORDS_FILE = Path(__file__).resolve().parents[2] / "assets" / "text" / "word_categories.toml"
LANGS = ("en", "zh")
META = "\u2581"  # SentencePiece's "▁" (a space); alone it is the space before a CJK word
# Pieces that are markers, never words: BERT's bracketed specials and unused slots, XLM-R's specials.
SPECIAL_PIECE = re.compile(r"^(\[(PAD|UNK|CLS|SEP|MASK|unused\d+)\]|<(s|/s|pad|unk|mask)>)$")
_MARK = re.compile(r"\[([^\[\]]+)\]")
# Rows per block when the index reads the whole table: each block of e5's 4-bit table is a new
# float32 tensor, and 1024 rows (1.5 MiB) came out fastest: e5's index in ~0.34 s at 1 thread, what
# the float32 table's W.norm and W.std took (4096 rows: ~0.4 s).
INDEX_ROWS = 1024


# --------------------------------------------------------------------------- the table index


@dataclass(frozen=True)
class TableIndex:
    """What a search needs besides the table itself, computed once per model."""

    inv_norm: torch.Tensor  # (V,) float32: 1 / |row| (0 for a zero row)
    valid: torch.Tensor  # (V,) bool: rows that may be listed as neighbours
    std: float  # standard deviation of the table's entries: the random tables' scale

    @property
    def n_valid(self) -> int:
        return int(self.valid.sum())

    @property
    def nbytes(self) -> int:
        return self.inv_norm.numel() * self.inv_norm.element_size() + self.valid.numel()


_INDEX: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> TableIndex


def table_index(encoder: TextEncoder) -> TableIndex:
    """The encoder's TableIndex, built on first use and kept while the model lives (the model is
    shared by every user; the index holds no per-request state)."""
    model = encoder.model
    index = _INDEX.get(model)
    if index is None:
        index = _INDEX[model] = _build_index(encoder)
    return index


def _build_index(encoder: TextEncoder) -> TableIndex:
    tok = encoder.tokenizer
    with torch.inference_mode():
        norm, std = _norms_and_std(encoder.model.embeddings.word)  # (V,), float
    valid = norm > 0
    valid[tok.get_vocab_size():] = False  # e5: rows 250,002.. exist in the table, no piece uses them
    special = {i for t, i in tok.get_vocab().items() if t[:1] in "[<" and SPECIAL_PIECE.match(t)}
    special |= set(tok.encode("").ids)  # whatever the tokenizer adds around a text
    special |= {i for i in (encoder.unk_id, encoder.model.cfg.pad_token_id) if i is not None}
    valid[sorted(i for i in special if i < len(valid))] = False
    inv = torch.where(norm > 0, 1.0 / norm.clamp_min(1e-30), torch.zeros_like(norm))
    return TableIndex(inv_norm=inv.contiguous(), valid=valid.contiguous(), std=std)


def _norms_and_std(table: torch.nn.Module) -> tuple[torch.Tensor, float]:
    """Every row's norm (V,) float32 and the standard deviation of all the table's entries, read
    ``INDEX_ROWS`` rows at a time (e5's rows exist in float32 only a block at a time). The norms are
    the whole table's ``W.norm(dim=1)``, row for row; the sums for the deviation are float64, the
    squares' sum taken from the norms."""
    norms, n, total = [], 0, 0.0
    for _, rows in chunks(table, INDEX_ROWS):
        norms.append(rows.norm(dim=1))  # (n,)
        n, total = n + rows.numel(), total + float(rows.sum(dtype=torch.float64))
    norm = torch.cat(norms)  # (V,)
    total_sq = float(norm.double().square().sum())
    return norm, math.sqrt(max(0.0, total_sq - total * total / n) / (n - 1))


# --------------------------------------------------------------------------- neighbours


@dataclass(frozen=True)
class NeighbourList:
    query: str  # the piece searched, or the word (for the mean of its pieces)
    ids: np.ndarray  # (k,) int64 table rows, most similar first
    pieces: tuple[str, ...]  # (k,) their vocabulary entries
    similarity: np.ndarray  # (k,) float32 cosine similarity to the query
    variant: np.ndarray  # (k,) bool: the query itself in another spelling (case, "##", "▁")


@dataclass(frozen=True)
class Neighbours:
    word: str  # the text looked up (cut to VECTORS_WORD_CHARS characters)
    truncated: bool  # characters or pieces were cut
    pieces: tuple[str, ...]  # the word's pieces, as the tokenizer spells them
    ids: tuple[int, ...]
    unknown: tuple[bool, ...]  # the piece is the unknown token
    searched: tuple[bool, ...]  # the piece was searched (not unknown, not a bare "▁", not special)
    per_piece: tuple[NeighbourList, ...]  # one per distinct searched piece
    mean: NeighbourList | None  # of the mean of the searched pieces' unit vectors (= per_piece[0]
    #                             for one piece; None when nothing was searched)
    table_shape: tuple[int, int]  # (V, D) of the whole table
    n_candidates: int  # rows that may be neighbours (specials and unused rows left out)
    index_bytes: int  # memory kept per model for the search (TableIndex)


def _bare(piece: str) -> str:
    """A piece without its word-boundary marks and case: "##Bank", "▁bank" -> "bank"."""
    return piece.removeprefix("##").lstrip(META).casefold()


def split_word(encoder: TextEncoder, word: str) -> tuple[str, bool, list[int], list[str], list[bool], list[bool]]:
    """``word`` cut to the caps -> (word, truncated, ids, pieces, unknown, searched); no special tokens."""
    cut = len(word) > limits.VECTORS_WORD_CHARS
    word = word[: limits.VECTORS_WORD_CHARS]
    enc = encoder.tokenizer.encode(word, add_special_tokens=False)
    ids, pieces = list(enc.ids), list(enc.tokens)
    if len(ids) > limits.VECTORS_PIECES:
        ids, pieces, cut = ids[: limits.VECTORS_PIECES], pieces[: limits.VECTORS_PIECES], True
    valid = table_index(encoder).valid
    unknown = [i == encoder.unk_id for i in ids]
    searched = [not u and p != META and bool(valid[i]) for i, p, u in zip(ids, pieces, unknown)]
    return word, cut, ids, pieces, unknown, searched


def unit_rows(encoder: TextEncoder, ids: list[int]) -> torch.Tensor:
    """(n,) ids -> (n, D) float32 unit vectors of those table rows."""
    word = encoder.model.embeddings.word
    idx = torch.as_tensor(ids, dtype=torch.long, device=_device(encoder))
    with torch.inference_mode():
        return word(idx) * table_index(encoder).inv_norm[idx, None]


def _device(encoder: TextEncoder) -> torch.device:
    """Where the encoder's tables are (e5's word table holds buffers, not a weight: ask the positions')."""
    return encoder.model.embeddings.position.weight.device


def neighbours(encoder: TextEncoder, word: str, k: int) -> Neighbours:
    """The ``k`` rows of the input embedding table nearest (cosine) to each piece of ``word``
    and to the mean of its pieces."""
    k = limits.VECTORS_K.check("k", k)
    if not isinstance(word, str):
        raise ValueError(f"word must be a string, got {type(word).__name__}")
    index = table_index(encoder)
    table = encoder.model.embeddings.word  # (V, D): nn.Embedding, or e5's 4-bit Q4Embedding
    word, cut, ids, pieces, unknown, searched = split_word(encoder, word)
    order = list(dict.fromkeys(i for i, s in zip(ids, searched) if s))  # distinct searched ids
    lists: list[NeighbourList] = []
    mean = None
    if order:
        used = [i for i, s in zip(ids, searched) if s]  # with repeats: the mean weighs each occurrence
        with torch.inference_mode():
            queries = unit_rows(encoder, order)  # (P, D)
            if len(order) > 1:
                m = unit_rows(encoder, used).mean(dim=0, keepdim=True)  # (1, D)
                queries = torch.cat([queries, m / m.norm().clamp_min(1e-30)])  # (P + 1, D)
            sim = products(table, queries) * index.inv_norm[:, None]  # (V, P[+1]) cosines
            sim[~index.valid] = -torch.inf
            sim[order] = -torch.inf  # the word's own pieces are not their own neighbours
            top = torch.topk(sim.T, k=min(k, index.n_valid - len(order)), dim=1)  # (P[+1], k)
        names = [pieces[ids.index(i)] for i in order] + ([word] if len(queries) > len(order) else [])
        for row, name in enumerate(names):
            nid = top.indices[row].cpu().numpy().astype(np.int64)
            npieces = tuple(encoder.tokenizer.id_to_token(int(i)) or "" for i in nid)
            target = _bare(name.replace(" ", ""))
            lists.append(NeighbourList(
                query=name, ids=nid, pieces=npieces, similarity=top.values[row].cpu().numpy().astype(np.float32),
                variant=np.array([_bare(p) == target for p in npieces], dtype=bool)))
        mean = lists.pop() if len(lists) > len(order) else lists[0]
    return Neighbours(
        word=word, truncated=cut, pieces=tuple(pieces), ids=tuple(ids), unknown=tuple(unknown),
        searched=tuple(searched), per_piece=tuple(lists), mean=mean,
        table_shape=(table.num_embeddings, table.embedding_dim),
        n_candidates=index.n_valid, index_bytes=index.nbytes)


# --------------------------------------------------------------------------- categories


@functools.cache
def word_lists(path: Path = WORDS_FILE) -> dict:
    """The bundled word lists (parsed once)."""
    with open(path, "rb") as f:
        return tomllib.load(f)


@dataclass(frozen=True)
class CategoryResult:
    lang: str
    keys: tuple[str, ...]  # (C,) category ids ("numbers", ...)
    names: tuple[str, ...]  # (C,) their names in ``lang``
    words: tuple[str, ...]  # (N,) the words classified
    labels: np.ndarray  # (N,) int: each word's category
    n_pieces: np.ndarray  # (N,) int: searched pieces per word (more than 1: a split word)
    excluded: tuple[str, ...]  # words left out: a piece unknown to the tokenizer
    chance: float  # 1 / number of categories with words
    acc_real: float  # leave-one-out nearest-centroid accuracy with the pretrained table
    acc_random: float  # the same, mean over the random tables
    acc_random_runs: np.ndarray  # (R,) each random table's accuracy
    predicted_real: np.ndarray  # (N,) int: the category each word was put in
    per_category_real: np.ndarray  # (C,) accuracy per category (NaN for an empty one)
    per_category_random: np.ndarray  # (C,) mean over the random tables
    confusion_real: np.ndarray  # (C, C) int: true category x predicted
    pca_real: np.ndarray  # (N, 2) the words' unit vectors projected on their first two principal axes
    pca_random: np.ndarray  # (N, 2) the same for the first random table
    random_std: float  # the random tables' standard deviation (= the real table's)

    @property
    def n_groups(self) -> int:
        """The categories that kept at least one word (a category whose words are all excluded is not used)."""
        return int((np.bincount(self.labels, minlength=len(self.keys)) > 0).sum())

    @property
    def group_names(self) -> tuple[str, ...]:
        """The names of those categories, in ``lang``, in their order."""
        used = np.bincount(self.labels, minlength=len(self.keys)) > 0
        return tuple(n for n, u in zip(self.names, used) if u)

    @property
    def beats_random(self) -> bool:
        """The pretrained table classifies more of the words right than the random tables on average."""
        return self.acc_real > self.acc_random


def nearest_centroid_loo(x: torch.Tensor, labels: torch.Tensor, n_classes: int) -> torch.Tensor:
    """(N, D) vectors, (N,) labels -> (N,) predicted labels: each vector goes to the category
    whose centroid (the mean of its unit vectors; its own category's without it) is closest in
    cosine. A word alone in its category cannot be predicted as it; an empty category never is.

    >>> x = torch.tensor([[1.0, 0.1], [1.0, -0.1], [0.1, 1.0], [-0.1, 1.0], [0.9, 0.0]])
    >>> nearest_centroid_loo(x, torch.tensor([0, 0, 1, 1, 1]), 2).tolist()
    [0, 0, 1, 1, 0]
    """
    u = x.double() / x.double().norm(dim=1, keepdim=True).clamp_min(1e-30)  # (N, D)
    onehot = torch.nn.functional.one_hot(labels, n_classes).double()  # (N, C)
    sums, counts = onehot.T @ u, onehot.sum(dim=0)  # (C, D), (C,)
    cent = sums / counts.clamp_min(1)[:, None]  # (C, D)
    sims = u @ (cent / cent.norm(dim=1, keepdim=True).clamp_min(1e-30)).T  # (N, C)
    own = (sums[labels] - u) / (counts[labels] - 1).clamp_min(1)[:, None]  # (N, D) leave-one-out
    own_sim = (u * own).sum(dim=1) / own.norm(dim=1).clamp_min(1e-30)  # (N,)
    own_sim[counts[labels] < 2] = -torch.inf
    sims[torch.arange(len(u)), labels] = own_sim
    sims[:, counts == 0] = -torch.inf
    return sims.argmax(dim=1)


def pca2(x: torch.Tensor) -> np.ndarray:
    """(N, D) -> (N, 2): unit vectors, centred, on their two main axes (sign fixed: each axis's
    largest coordinate positive)."""
    u = x.double() / x.double().norm(dim=1, keepdim=True).clamp_min(1e-30)
    c = u - u.mean(dim=0)
    if len(c) < 2:
        return np.zeros((len(c), 2))
    _, _, vt = torch.linalg.svd(c, full_matrices=False)
    p = c @ vt[:2].T  # (N, <=2)
    p = p * torch.sign(p.gather(0, p.abs().argmax(dim=0, keepdim=True)))
    out = np.zeros((len(c), 2))
    out[:, : p.shape[1]] = p.cpu().numpy()
    return out


def categories(encoder: TextEncoder, lang: str, seed: int) -> CategoryResult:
    """Leave-one-out nearest-centroid accuracy of the bundled words in ``lang`` from their table
    rows: the real table against random tables of the same scale."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    seed = limits.SEED.check("seed", seed)
    cats = word_lists()["category"]
    keys = tuple(c["key"] for c in cats)
    words, labels, piece_ids, excluded = [], [], [], []
    for c, cat in enumerate(cats):
        for w in cat[lang]:
            _, _, ids, _, unknown, searched = split_word(encoder, w)
            used = [i for i, s in zip(ids, searched) if s]
            if any(unknown) or not used:
                excluded.append(w)
                continue
            words.append(w)
            labels.append(c)
            piece_ids.append(used)
    index = table_index(encoder)
    C, N = len(keys), len(words)
    y = torch.tensor(labels, dtype=torch.long)
    counts = np.bincount(labels, minlength=C)
    chance = 1.0 / max(1, int((counts > 0).sum()))

    def word_vectors(rows: dict[int, torch.Tensor]) -> torch.Tensor:  # mean of the pieces' unit rows
        out = []
        for used in piece_ids:
            r = torch.stack([rows[i] for i in used])  # (P, D)
            out.append((r / r.norm(dim=1, keepdim=True)).mean(dim=0))
        return torch.stack(out) if out else torch.zeros(0, 1)

    def per_category(pred: torch.Tensor) -> np.ndarray:
        hit = (pred == y).double().numpy()
        return np.array([hit[y.numpy() == c].mean() if counts[c] else np.nan for c in range(C)])

    distinct = sorted({i for used in piece_ids for i in used})
    real = word_vectors(dict(zip(distinct, unit_rows(encoder, distinct).double()))) if N else torch.zeros(0, 1)
    pred_real = nearest_centroid_loo(real, y, C) if N else y
    runs, per_cat_rand, pca_random = [], [], np.zeros((N, 2))
    D = encoder.model.cfg.d_model
    for r in range(limits.VECTORS_RANDOM_TABLES):
        # The rows these words use, of a random (V, D) table N(0, std^2): the other rows never enter.
        g = torch.Generator().manual_seed(seed * limits.VECTORS_RANDOM_TABLES + r)
        rows = torch.randn(len(distinct), D, generator=g, dtype=torch.float64) * index.std
        rand = word_vectors(dict(zip(distinct, rows))) if N else torch.zeros(0, 1)
        pred = nearest_centroid_loo(rand, y, C) if N else y
        runs.append((pred == y).double().mean().item() if N else float("nan"))
        per_cat_rand.append(per_category(pred))
        if r == 0 and N:
            pca_random = pca2(rand)
    confusion = np.zeros((C, C), dtype=np.int64)
    np.add.at(confusion, (y.numpy(), pred_real.numpy()), 1)
    return CategoryResult(
        lang=lang, keys=keys, names=tuple(c[f"name_{lang}"] for c in cats), words=tuple(words),
        labels=y.numpy(), n_pieces=np.array([len(u) for u in piece_ids], dtype=np.int64), excluded=tuple(excluded),
        chance=chance, acc_real=(pred_real == y).double().mean().item() if N else float("nan"),
        acc_random=float(np.mean(runs)), acc_random_runs=np.array(runs),
        predicted_real=pred_real.numpy(), per_category_real=per_category(pred_real),
        per_category_random=np.stack(per_cat_rand).mean(axis=0),  # NaN stays NaN for an empty category
        confusion_real=confusion, pca_real=pca2(real) if N else np.zeros((0, 2)), pca_random=pca_random,
        random_std=index.std)


# --------------------------------------------------------------------------- contexts


@dataclass(frozen=True)
class ContextResult:
    lang: str
    word: str  # the ambiguous word
    senses: tuple[str, str]  # its two senses, in ``lang``
    sentences: tuple[str, ...]  # (S,) without the [ ] marks; the first half in sense 0
    sense: np.ndarray  # (S,) int: the sense of each sentence
    pieces: tuple[tuple[str, ...], ...]  # (S,) the word's pieces in each sentence
    unknown: bool  # some piece of the word is the unknown token in this model
    cos_table: np.ndarray  # (S, S) cosine of the word's table vectors (mean of its pieces' unit rows)
    cos_layers: np.ndarray  # (L + 1, S, S) cosine of its hidden states (mean over its pieces), per layer
    layers_same: np.ndarray  # (L + 1,) mean over same-sense pairs
    layers_diff: np.ndarray  # (L + 1,) mean over different-sense pairs

    @property
    def last_same(self) -> float:
        return float(self.layers_same[-1])

    @property
    def last_diff(self) -> float:
        return float(self.layers_diff[-1])

    @property
    def separation(self) -> str:
        """What the last layer shows, as a word a page translates: "unknown" (a piece of the word is
        the unknown token, so the comparison cannot be about its senses), "separated" (uses in the
        same sense closer than uses in different senses) or "not" (they are not, on these sentences)."""
        if self.unknown:
            return "unknown"
        return "separated" if self.last_same > self.last_diff else "not"


def _unmark(sentence: str) -> tuple[str, tuple[int, int]]:
    """"a [bank] b" -> ("a bank b", (2, 6)): the text and the marked span."""
    m = _MARK.search(sentence)
    if m is None:
        raise ValueError(f"no [word] marked in {sentence!r}")
    return sentence[: m.start()] + m.group(1) + sentence[m.end():], (m.start(), m.end() - 2)


def contexts(encoder: TextEncoder, lang: str) -> ContextResult:
    """The bundled ambiguous word of ``lang`` in its four sentences: table vector vs hidden states."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    entry = next(c for c in word_lists()["context"] if c["lang"] == lang)
    texts, spans, sense = [], [], []
    for s, group in enumerate(entry["sentences"]):
        for marked in group:
            text, span = _unmark(marked)
            texts.append(text)
            spans.append(span)
            sense.append(s)
    tok, pre = encoder.tokenizer, len(encoder.prefix)
    encs = [tok.encode(encoder.prefix + t) for t in texts]
    positions, pieces, piece_ids = [], [], []
    for text, e, (a, b) in zip(texts, encs, spans):
        # tokens overlapping the marked characters (e5's "▁bank" covers the space before, too);
        # special tokens (offsets (0, 0)) and a bare "▁" are not the word
        pos = [t for t, ((s, f), p, sp) in enumerate(zip(e.offsets, e.tokens, e.special_tokens_mask))
               if not sp and p != META and s < b + pre and f > a + pre]
        if not pos:
            raise ValueError(f"the marked word is no token of {text!r}")
        positions.append(pos)
        pieces.append(tuple(e.tokens[t] for t in pos))
        piece_ids.append([e.ids[t] for t in pos])
    T = max(len(e.ids) for e in encs)
    if T > min(limits.ENCODER_TOKENS, encoder.model.cfg.max_positions):
        raise ValueError(f"a context sentence has {T} tokens, over the cap")
    pad = encoder.model.cfg.pad_token_id
    ids = torch.full((len(encs), T), pad, dtype=torch.long)  # (S, T) one padded batch
    mask = torch.zeros(len(encs), T, dtype=torch.bool)  # (S, T) True at real tokens
    for r, e in enumerate(encs):
        ids[r, : len(e.ids)] = torch.tensor(e.ids)
        mask[r, : len(e.ids)] = True
    device = _device(encoder)
    out = encoder.model(ids.to(device), mask.to(device), need_weights=False)
    hidden = torch.stack(out.hidden_states).double()  # (L + 1, S, T, D)
    vec = torch.stack([hidden[:, r, p].mean(dim=1) for r, p in enumerate(positions)], dim=1)  # (L + 1, S, D)
    unit = vec / vec.norm(dim=-1, keepdim=True).clamp_min(1e-30)
    cos_layers = unit @ unit.transpose(-2, -1)  # (L + 1, S, S)
    table = torch.stack([unit_rows(encoder, i).double().mean(dim=0) for i in piece_ids])  # (S, D)
    table = table / table.norm(dim=-1, keepdim=True).clamp_min(1e-30)
    sense_t = torch.tensor(sense)
    same = (sense_t[:, None] == sense_t[None, :]) & ~torch.eye(len(sense), dtype=torch.bool)  # (S, S)
    diff = sense_t[:, None] != sense_t[None, :]
    return ContextResult(
        lang=lang, word=entry["word"], senses=tuple(entry["senses"]), sentences=tuple(texts), sense=np.array(sense),
        pieces=tuple(pieces), unknown=any(i == encoder.unk_id for ids_ in piece_ids for i in ids_),
        cos_table=(table @ table.T).numpy(), cos_layers=cos_layers.numpy(),
        layers_same=cos_layers[:, same].mean(dim=1).numpy(), layers_diff=cos_layers[:, diff].mean(dim=1).numpy())


# --------------------------------------------------------------------------- the lesson


@dataclass(frozen=True)
class VectorsResult:
    neighbours: Neighbours
    categories: CategoryResult
    contexts: ContextResult
    table_params: int  # V x D of the word-embedding table
    model_params: int  # every parameter of the encoder (e5's 4-bit table counted as its V x D values)

    @property
    def table_share(self) -> float:
        """The table's share of the model's parameters (large in a small model, small in a big one)."""
        return self.table_params / self.model_params


def run(encoder: TextEncoder, word: str, k: int, lang: str, seed: int) -> VectorsResult:
    """The whole lesson in one call: ``word``'s neighbours, and the two experiments in ``lang``."""
    model, table = encoder.model, encoder.model.embeddings.word
    return VectorsResult(neighbours=neighbours(encoder, word, k), categories=categories(encoder, lang, seed),
                         contexts=contexts(encoder, lang), table_params=table.num_embeddings * table.embedding_dim,
                         model_params=parameter_count(model))
