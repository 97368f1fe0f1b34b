"""Small decoders and a byte-level tokenizer for the decoder lessons' tests (milliseconds per forward).

The random Llamas have the real model's interface and its grouped-query layout (fewer K/V heads
than query heads); the byte tokenizer spells every UTF-8 byte as one token (GPT-2's byte alphabet,
no merges), so emoji and Chinese become byte pieces as in SmolLM2."""
from __future__ import annotations

import pytest
import torch

from tf_core.models.llama import Llama, LlamaConfig


def tiny_llama(seed: int = 0, **overrides) -> Llama:
    """A random 3-layer Llama over the 256 byte tokens: 4 query heads sharing 2 K/V heads, d_model 32."""
    cfg = dict(vocab_size=256, d_model=32, n_layers=3, n_heads=4, n_kv_heads=2, d_ff=48, max_positions=512)
    torch.manual_seed(seed)
    return Llama(LlamaConfig(**{**cfg, **overrides})).eval()


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
