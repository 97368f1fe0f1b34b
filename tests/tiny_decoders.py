"""Small decoders and their tokenizers for the decoder lessons' tests (milliseconds per forward).

The random Llamas have the real model's interface and its grouped-query layout (fewer K/V heads
than query heads); the byte tokenizer spells every UTF-8 byte as one token (GPT-2's byte alphabet,
no merges), so emoji and Chinese become byte pieces as in SmolLM2. The random tiny GPT is the other
decoder the lessons offer, with a character vocabulary of English letters, digits and punctuation
(its own Vocab raises on any other character, as the shipped one does)."""
from __future__ import annotations

import pytest
import torch

from tf_core.models.llama import Llama, LlamaConfig
from tf_core.models.tiny_gpt import GPTConfig, TinyGPT
from tf_core.models.vocab import Vocab

CHARACTERS = Vocab(tuple("\n !',.:;?-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))


def tiny_llama(seed: int = 0, **overrides) -> Llama:
    """A random 3-layer Llama over the 256 byte tokens: 4 query heads sharing 2 K/V heads, d_model 32."""
    cfg = dict(vocab_size=256, d_model=32, n_layers=3, n_heads=4, n_kv_heads=2, d_ff=48, max_positions=512)
    torch.manual_seed(seed)
    return Llama(LlamaConfig(**{**cfg, **overrides})).eval()


def tiny_gpt(seed: int = 0, **overrides) -> TinyGPT:
    """A random 3-layer TinyGPT over CHARACTERS: 4 heads, d_model 32, 128 positions (inference only)."""
    cfg = dict(d_model=32, n_layers=3, n_heads=4, d_ff=64, max_positions=128)
    torch.manual_seed(seed)
    model = TinyGPT(GPTConfig(vocab=CHARACTERS, **{**cfg, **overrides})).eval()
    with torch.no_grad():  # GPT-2's small initial weights give near-uniform attention: make it peaked
        for p in model.parameters():
            if p.dim() == 2:
                p.mul_(8)
    return model.requires_grad_(False)


def byte_tokenizer():
    """Byte-level BPE without merges: token id = position of the byte's character in GPT-2's alphabet."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    from tf_core.models.smollm2 import byte_alphabet

    vocab = {c: i for i, c in enumerate(byte_alphabet().values())}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], fuse_unk=False, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    return tok


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """One torch thread for these tests: on a shared 2-core machine two OpenMP threads that wait for
    each other behind other people's processes made a forward of the tiny model 100x slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def check_trace(model, ids, plain, out, embedding, norms) -> None:
    """``out`` (decoder.traced) holds the forward ``plain`` computed, sub-step by sub-step: the same
    logits, the embedding first, then each block's sub-steps recomputed from its own modules.
    norms(block) -> (the norm before attention, the norm before the feed-forward)."""
    assert plain.hidden_states == () and plain.traces == ()
    assert torch.equal(out.logits, plain.logits)  # tracing changes no number
    L = len(model.blocks)
    assert len(out.hidden_states) == L + 1 and len(out.traces) == L
    assert torch.equal(out.hidden_states[0], embedding)
    with torch.no_grad():
        for i, (tr, block) in enumerate(zip(out.traces, model.blocks)):
            x, (attn_norm, mlp_norm) = out.hidden_states[i], norms(block)
            assert torch.equal(tr.attn_norm, attn_norm(x))
            assert torch.equal(tr.resid1, x + tr.attn)
            assert torch.equal(tr.mlp_norm, mlp_norm(tr.resid1))
            assert torch.equal(tr.mlp, block.mlp(tr.mlp_norm))
            assert torch.equal(tr.resid2, tr.resid1 + tr.mlp) and torch.equal(tr.resid2, out.hidden_states[i + 1])
