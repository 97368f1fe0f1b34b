"""tf_core.models.tiny: TinyGPT and Seq2Seq on small random weights, against PyTorch's own layers.

References: ``nn.TransformerEncoderLayer`` / ``nn.TransformerDecoderLayer`` with ``norm_first=True``,
GELU and no dropout compute exactly our pre-LN blocks, given the same weights (their boolean masks
mean "blocked": converted with tf_core.masks.to_blocked).

Tolerances, measured on the 2-core CPU over 5 seeds (torch 2.13, float32, one thread, activations of order 1):
  * our blocks vs PyTorch's layers: max |diff| <= 3.6e-7 (GPT block 1.2e-7); asserted <= 1e-5;
  * our fast path (SDPA) vs our explicit path: logits max |diff| <= 1.2e-7; asserted <= 1e-5;
  * causality: earlier logits after changing a later token: bitwise equal on both paths;
  * cached vs uncached greedy decoding, 12 steps: the same tokens, logits max |diff| <= 9e-8; asserted <= 1e-5;
  * Seq2Seq with 4 extra pad words vs none: logits max |diff| <= 1.7e-6 (sums over more keys round
    differently, as in the padding-mask lesson); asserted <= 1e-5.
"""
from __future__ import annotations

import dataclasses
import json

import pytest
import torch
from torch import nn

from tiny_decoders import check_trace

from tf_core.cache import kv_cache_bytes
from tf_core.masks import causal_mask, to_blocked
from tf_core.models import checkpoints, decoder, seq2seq, tiny_gpt, vocab
from tf_core.models.llama import generate



@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """These tensors are tiny: a second thread only adds synchronisation, which costs milliseconds per
    operation when other processes share the two cores. The caller's setting is restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


CHARS = vocab.Vocab(tuple("\n abcdefghij.,"))  # 14 characters
SRC = vocab.Vocab(vocab.SRC_SPECIALS + ("zero", "one", "two", "three", "hundred", "thousand", "and"))
TGT = vocab.Vocab(vocab.TGT_SPECIALS + tuple("零一二三百千万"))


def make_gpt(seed=0, **kw) -> tiny_gpt.TinyGPT:
    torch.manual_seed(seed)
    cfg = tiny_gpt.GPTConfig(vocab=CHARS, **({"d_model": 32, "n_layers": 2, "n_heads": 4, "d_ff": 64, "max_positions": 40} | kw))
    return tiny_gpt.TinyGPT(cfg).eval()


def make_seq2seq(seed=0) -> seq2seq.Seq2Seq:
    torch.manual_seed(seed)
    cfg = seq2seq.Seq2SeqConfig(src_vocab=SRC, tgt_vocab=TGT, d_model=32, n_heads=4, n_enc_layers=2, n_dec_layers=3,
                             d_ff=48, max_src=12, max_tgt=10)
    model = seq2seq.Seq2Seq(cfg).eval()
    with torch.no_grad():  # GPT-2's small initial weights give near-uniform attention: make it peaked
        for p in model.parameters():
            if p.dim() == 2:
                p.mul_(8)
    return model


def ids_of(text: str) -> torch.Tensor:
    return torch.tensor([CHARS.encode(text)])  # (1, T)


# --- TinyGPT ----------------------------------------------------------------------------------------

def test_gpt_config_has_the_llama_interface():
    cfg = make_gpt().cfg
    assert (cfg.vocab_size, cfg.n_layers, cfg.n_heads, cfg.n_kv_heads, cfg.d_head, cfg.d_model, cfg.max_positions) \
        == (14, 2, 4, 4, 8, 32, 40)
    for bad in ({"n_heads": 5}, {"d_model": 0}, {"max_positions": 0}):
        with pytest.raises(ValueError):
            tiny_gpt.GPTConfig(vocab=CHARS, **bad)


def test_gpt_block_equals_torch_transformer_layer():
    model = make_gpt(d_model=24, n_heads=3, d_ff=40)
    block = model.blocks[0]
    ref = nn.TransformerEncoderLayer(24, 3, 40, dropout=0.0, activation="gelu", batch_first=True, norm_first=True).eval()
    a = block.attn
    with torch.no_grad():
        ref.self_attn.in_proj_weight.copy_(torch.cat([a.q.weight, a.k.weight, a.v.weight]))
        ref.self_attn.in_proj_bias.copy_(torch.cat([a.q.bias, a.k.bias, a.v.bias]))
        ref.self_attn.out_proj.weight.copy_(a.o.weight)
        ref.self_attn.out_proj.bias.copy_(a.o.bias)
        for ours, theirs in ((block.ln_1, ref.norm1), (block.ln_2, ref.norm2)):
            theirs.weight.copy_(torch.randn(24))
            theirs.bias.copy_(torch.randn(24))
            ours.load_state_dict(theirs.state_dict())
        ref.linear1.load_state_dict(block.mlp.up.state_dict())
        ref.linear2.load_state_dict(block.mlp.down.state_dict())
        x = torch.randn(2, 7, 24)
        expected = ref(x, src_mask=to_blocked(causal_mask(7)))
        for need_weights in (False, True):
            got, (k, v), w, _ = block(x, None, None, causal_mask(7), need_weights)  # no context, no cache
            assert (got - expected).abs().max() <= 1e-5
            assert k.shape == v.shape == (2, 3, 7, 8)
        assert w.shape == (2, 3, 7, 7) and torch.equal(w.triu(1), torch.zeros_like(w))


@pytest.mark.parametrize("need_weights", [False, True])
def test_gpt_is_causal(need_weights):
    model = make_gpt()
    ids = torch.randint(0, 14, (2, 17), generator=torch.Generator().manual_seed(1))
    changed = ids.clone()
    changed[:, 9] = (changed[:, 9] + 1) % 14
    with torch.no_grad():
        a, b = model(ids, need_weights=need_weights).logits, model(changed, need_weights=need_weights).logits
    assert torch.equal(a[:, :9], b[:, :9])  # exactly: the changed token is masked out of every earlier row
    assert (a[:, 9:] - b[:, 9:]).abs().max() > 1e-3


def test_gpt_explicit_and_fast_paths_agree_and_weights_are_causal_rows():
    model = make_gpt()
    ids = ids_of("abc def, ghij.\nabc")
    with torch.no_grad():
        fast, slow = model(ids), model(ids, need_weights=True)
    assert fast.attentions == () and len(slow.attentions) == 2
    assert (fast.logits - slow.logits).abs().max() <= 1e-5
    for w in slow.attentions:
        T = ids.shape[1]
        assert w.shape == (1, 4, T, T)
        torch.testing.assert_close(w.sum(-1), torch.ones(1, 4, T))
        assert torch.equal(w.triu(1), torch.zeros_like(w))


def test_gpt_cached_and_uncached_generation_agree():
    model = make_gpt()
    model.requires_grad_(False)  # as the loader leaves it: generate then builds no autograd graph
    prompt = ids_of("abc def")
    cached = generate(model, prompt, 12, use_cache=True)
    uncached = generate(model, prompt, 12, use_cache=False)
    assert cached.tokens.shape == (1, 12) and torch.equal(cached.tokens, uncached.tokens)
    assert (cached.logits - uncached.logits).abs().max() <= 1e-5
    assert cached.cache.length == prompt.shape[1] + 12 - 1 and uncached.cache is None


def test_gpt_cache_grows_one_position_per_step_with_the_formula_bytes():
    model = make_gpt()
    cfg = model.cfg
    ids = torch.randint(0, 14, (3, 5), generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        out = model(ids)
        for step in range(4):
            cache, n = out.cache, 5 + step
            assert cache.length == n and cache.n_layers == cfg.n_layers
            assert cache.nbytes == kv_cache_bytes(cfg.n_layers, n, cfg.n_kv_heads, cfg.d_head, 4, batch=3)
            assert all(k.shape == (3, cfg.n_kv_heads, n, cfg.d_head) for k in cache.keys)
            before = cache.keys[1].clone()
            out = model(out.logits[:, -1:].argmax(-1), cache)  # (3, 1)
            assert torch.equal(cache.keys[1], before)  # the cache passed in is left as it was
        assert out.logits.shape == (3, 1, 14)


def test_gpt_prefix_in_chunks_equals_whole():
    model = make_gpt()
    ids = ids_of("hij. abc, def ghij")
    with torch.no_grad():
        whole = model(ids).logits
        first = model(ids[:, :6])
        rest = model(ids[:, 6:], first.cache)  # T > 1 on top of a cache: the causal mask aligned at the end
        last = model(ids, last_only=True).logits
    torch.testing.assert_close(torch.cat([first.logits, rest.logits], dim=1), whole, atol=1e-5, rtol=0)
    torch.testing.assert_close(last, whole[:, -1:], atol=1e-5, rtol=0)


def test_gpt_refuses_past_max_positions():
    model = make_gpt(max_positions=8)
    with torch.no_grad():
        out = model(torch.zeros(1, 8, dtype=torch.long))
        with pytest.raises(ValueError, match="9 positions exceed the model's 8"):
            model(torch.zeros(1, 1, dtype=torch.long), out.cache)
        with pytest.raises(ValueError, match="exceed"):
            model(torch.zeros(1, 9, dtype=torch.long))
        with pytest.raises(ValueError, match="another model or batch"):
            model(torch.zeros(2, 1, dtype=torch.long), model(torch.zeros(1, 2, dtype=torch.long)).cache)


def sdpa_reference(model: tiny_gpt.TinyGPT, ids: torch.Tensor, causal: bool) -> torch.Tensor:
    """The tiny GPT written again with torch primitives and PyTorch's own SDPA (its is_causal flag or
    no mask at all) from the model's weights: the reference for ``decoder.run(..., mask=)``."""
    F = nn.functional
    B, T = ids.shape
    H = model.cfg.n_heads
    x = model.tok_emb(ids) + model.pos_emb(torch.arange(T))  # (B, T, D)
    for block in model.blocks:
        a = block.attn
        h = F.layer_norm(x, (x.shape[-1],), block.ln_1.weight, block.ln_1.bias, block.ln_1.eps)
        q, k, v = (lin(h).view(B, T, H, -1).transpose(1, 2) for lin in (a.q, a.k, a.v))  # (B, H, T, Dh)
        o = F.scaled_dot_product_attention(q, k, v, is_causal=causal)  # (B, H, T, Dh)
        x = x + a.o(o.transpose(1, 2).reshape(B, T, -1))  # (B, T, D)
        m = F.layer_norm(x, (x.shape[-1],), block.ln_2.weight, block.ln_2.bias, block.ln_2.eps)
        x = x + block.mlp.down(F.gelu(block.mlp.up(m)))  # (B, T, D)
    return F.linear(F.layer_norm(x, (x.shape[-1],), model.ln_f.weight, model.ln_f.bias, model.ln_f.eps),
                    model.tok_emb.weight)  # (B, T, V)


@pytest.mark.parametrize("T", [1, 7, 17])
def test_gpt_masks_against_sdpa(T):
    """decoder.run with the causal mask and with none, both paths, against the reference above."""
    model = make_gpt(seed=3)
    ids = torch.randint(0, 14, (2, T), generator=torch.Generator().manual_seed(T))
    with torch.no_grad():
        for mask, causal in ((decoder.causal, True), (decoder.unmasked, False)):
            want = sdpa_reference(model, ids, causal)
            for need_weights in (False, True):
                got = decoder.run(model, ids, mask=mask, need_weights=need_weights)
                assert (got.logits - want).abs().max() <= 1e-5
        # without the mask the earlier positions read the later tokens; with it they cannot
        if T > 1:
            off = decoder.run(model, ids, mask=decoder.unmasked, need_weights=True)
            assert all((w[..., :-1, 1:].triu() > 0).any() for w in off.attentions)
            assert (off.logits[:, :-1] - model(ids).logits[:, :-1]).abs().max() > 1e-4


def test_gpt_trace_is_the_forward():
    model = make_gpt(seed=4)
    ids = torch.randint(0, 14, (2, 11), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        plain = model(ids)
        for mask in (decoder.causal, decoder.unmasked):
            out = decoder.traced(model, ids, mask=mask)
            assert torch.equal(out.logits, decoder.run(model, ids, mask=mask).logits)  # tracing changes no number
        out = decoder.traced(model, ids)
    with torch.no_grad():
        embedding = model.tok_emb(ids) + model.pos_emb(torch.arange(11))
    check_trace(model, ids, plain, out, embedding, lambda block: (block.ln_1, block.ln_2))
    assert len(out.traces) == 2
    assert set(model.MATH.formulas) == {f.name for f in dataclasses.fields(decoder.BlockTrace)}
    assert (model.MATH.norm, model.MATH.ffn) == ("LayerNorm", "GELU")


def test_gpt_on_block_is_called_after_each_block_in_order():
    model = make_gpt(n_layers=3)
    calls = []
    with torch.no_grad():
        a = decoder.run(model, ids_of("abc de"), on_block=lambda i, tr: calls.append((i, tr.resid2.shape)))
        b = model(ids_of("abc de"))
    assert calls == [(0, (1, 6, 32)), (1, (1, 6, 32)), (2, (1, 6, 32))] and torch.equal(a.logits, b.logits)


def test_gpt_trains_through_forward():
    model = make_gpt().train()
    ids = ids_of("abc abc abc abc abc")
    loss = nn.functional.cross_entropy(model(ids[:, :-1]).logits[0], ids[0, 1:])
    loss.backward()
    assert model.tok_emb.weight.grad is not None and model.pos_emb.weight.grad.abs().sum() > 0


# --- Seq2Seq ----------------------------------------------------------------------------------------

def test_seq2seq_blocks_equal_torch_layers():
    model = make_seq2seq()
    enc, dec = model.encoder[0], model.decoder[0]
    ref_enc = nn.TransformerEncoderLayer(32, 4, 48, dropout=0.0, activation="gelu", batch_first=True,
                                         norm_first=True).eval()
    ref_dec = nn.TransformerDecoderLayer(32, 4, 48, dropout=0.0, activation="gelu", batch_first=True,
                                         norm_first=True).eval()

    def copy_attn(ours, theirs):
        theirs.in_proj_weight.copy_(torch.cat([ours.q.weight, ours.k.weight, ours.v.weight]))
        theirs.in_proj_bias.copy_(torch.cat([ours.q.bias, ours.k.bias, ours.v.bias]))
        theirs.out_proj.load_state_dict(ours.o.state_dict())

    with torch.no_grad():
        copy_attn(enc.attn, ref_enc.self_attn)
        copy_attn(dec.self_attn, ref_dec.self_attn)
        copy_attn(dec.cross_attn, ref_dec.multihead_attn)
        for ours, theirs in ((enc, ref_enc), (dec, ref_dec)):
            theirs.linear1.load_state_dict(ours.mlp.up.state_dict())
            theirs.linear2.load_state_dict(ours.mlp.down.state_dict())
        for ours, theirs in ((enc.ln_1, ref_enc.norm1), (enc.ln_2, ref_enc.norm2), (dec.ln_1, ref_dec.norm1),
                             (dec.ln_2, ref_dec.norm2), (dec.ln_3, ref_dec.norm3)):
            theirs.weight.copy_(torch.randn(32))
            theirs.bias.copy_(torch.randn(32))
            ours.load_state_dict(theirs.state_dict())
        src = torch.tensor([[2, 6, 3, 0, 0], [3, 6, 4, 8, 2]])  # (2, 5), the first row padded
        keep = model.source_mask(src)  # (2, 1, 1, 5)
        x, y = torch.randn(2, 5, 32), torch.randn(2, 4, 32)
        expected_m = ref_enc(x, src_key_padding_mask=to_blocked(keep[:, 0, 0]))
        got_m, _ = enc(x, keep, False)
        real = keep[:, 0, 0]  # PyTorch's fast path may leave pad rows as zeros: compare real positions
        assert (got_m[real] - expected_m[real]).abs().max() <= 1e-5
        expected_y = ref_dec(y, x, tgt_mask=to_blocked(causal_mask(4)), memory_key_padding_mask=to_blocked(real))
        got_y, _, _ = dec(y, x, causal_mask(4), keep, False, False)
        assert (got_y - expected_y).abs().max() <= 1e-5


def test_seq2seq_output_shapes_and_cross_attention_rows():
    model = make_seq2seq()
    src = seq2seq.source_ids(model.cfg, [["three", "hundred", "and", "two"], ["one"]])  # (2, 4), "one" padded
    tgt = torch.tensor([[1, 6, 8, 3, 5], [1, 4, 2, 0, 0]])  # (2, 5)
    with torch.no_grad():
        out = model(src, tgt, self_weights=True)
        fast = model(src, tgt, cross_weights=False)
    assert out.logits.shape == (2, 5, len(TGT)) and fast.cross_attentions == ()
    assert (fast.logits - out.logits).abs().max() <= 1e-5
    assert len(out.cross_attentions) == 3 and len(out.decoder_attentions) == 3 and len(out.encoder_attentions) == 2
    for w in out.cross_attentions:
        assert w.shape == (2, 4, 5, 4)  # (B, H, T_out, T_in)
        torch.testing.assert_close(w.sum(-1), torch.ones(2, 4, 5))
        assert torch.equal(w[1, :, :, 1:], torch.zeros(4, 5, 3))  # the pads of "one" get exactly zero
    for w in out.decoder_attentions:
        assert w.shape == (2, 4, 5, 5) and torch.equal(w.triu(1), torch.zeros_like(w))
    for w in out.encoder_attentions:
        assert w.shape == (2, 4, 4, 4) and torch.equal(w[1, :, :, 1:], torch.zeros(4, 4, 3))


def test_seq2seq_padding_does_not_change_the_translation():
    model = make_seq2seq()
    sources = [["three", "hundred", "and", "two"], ["two", "thousand", "and", "one"], ["zero"]]
    for words in sources:
        alone = seq2seq.source_ids(model.cfg, [words])  # (1, n)
        padded = seq2seq.source_ids(model.cfg, [words], length=len(words) + 4)  # (1, n + 4)
        tgt = torch.tensor([[1, 5, 9, 3]])
        with torch.no_grad():
            a, b = model(alone, tgt), model(padded, tgt)
        assert (a.logits - b.logits).abs().max() <= 1e-5
        for wa, wb in zip(a.cross_attentions, b.cross_attentions):
            n = len(words)
            assert (wa - wb[..., :n]).abs().max() <= 1e-6
            assert torch.equal(wb[..., n:], torch.zeros_like(wb[..., n:]))  # pad columns exactly zero
        assert torch.equal(seq2seq.greedy_decode(model, alone, 8), seq2seq.greedy_decode(model, padded, 8))
    # the test can fail: the same pads *unmasked* (given a real word's id) change the logits
    with torch.no_grad():
        unmasked = seq2seq.source_ids(model.cfg, [["zero"] + ["and"] * 4])
        assert (model(unmasked, tgt).logits - model(seq2seq.source_ids(model.cfg, [["zero"]]), tgt).logits).abs().max() > 1e-3


def test_batched_greedy_decoding_equals_one_at_a_time_and_translate():
    model = make_seq2seq(seed=3)
    sources = [["three", "hundred", "and", "two"], ["one"], ["two", "thousand", "three", "hundred"]]
    batched = seq2seq.greedy_decode(model, seq2seq.source_ids(model.cfg, sources), max_chars=6)  # (3, N)
    for row, words in zip(batched.tolist(), sources):
        t = seq2seq.translate(model, words, max_chars=6)
        n = len(t.tokens)
        assert row[:n] == model.cfg.tgt_vocab.encode(t.tokens)
        assert all(i == model.cfg.pad_id for i in row[n:])
        assert t.probs.shape == (n,) and bool(((t.probs > 0) & (t.probs <= 1)).all())
        assert t.cross_attentions.shape == (3, 4, n, len(words))
        torch.testing.assert_close(t.cross_attentions.sum(-1), torch.ones(3, 4, n))
        assert t.finished == (t.tokens[-1] == vocab.EOS) and t.text == seq2seq.ids_to_text(model.cfg, row)
        assert len(t.tokens) <= 7


def test_translate_weights_are_those_of_each_step():
    """Row t of the returned weights equals the weights of the decoder run that chose token t."""
    model = make_seq2seq(seed=3)
    t = seq2seq.translate(model, "three hundred and two", max_chars=5)
    src = seq2seq.source_ids(model.cfg, [t.words])
    prefix = [model.cfg.bos_id] + model.cfg.tgt_vocab.encode(t.tokens)
    for step in range(len(t.tokens)):
        with torch.no_grad():
            out = model(src, torch.tensor([prefix[:step + 1]]))
        assert torch.allclose(torch.stack([w[0, :, -1] for w in out.cross_attentions]), t.cross_attentions[:, :, step],
                              atol=1e-6)
        assert abs(float(torch.softmax(out.logits[0, -1], -1).max()) - float(t.probs[step])) <= 1e-6


def test_source_mask_checks():
    model = make_seq2seq()
    with pytest.raises(ValueError, match="right padding"):
        model.source_mask(torch.tensor([[0, 2, 3]]))
    with pytest.raises(ValueError, match="at least one word"):
        model.source_mask(torch.tensor([[0, 0]]))
    with pytest.raises(ValueError, match="exceed"):
        model.encode(torch.ones(1, 13, dtype=torch.long))
    assert seq2seq.source_ids(model.cfg, [["three", "seventy"]]).tolist() == [[5, model.cfg.unk_id]]


def test_seq2seq_config_checks():
    with pytest.raises(ValueError, match="must start with"):
        seq2seq.Seq2SeqConfig(src_vocab=vocab.Vocab(("a", "<pad>")), tgt_vocab=TGT)
    with pytest.raises(ValueError):
        seq2seq.Seq2SeqConfig(src_vocab=SRC, tgt_vocab=TGT, d_model=30, n_heads=4)
    with pytest.raises(ValueError):
        vocab.Vocab(("a", "a"))
    with pytest.raises(ValueError, match="not in the vocabulary"):
        CHARS.encode("xyz")


# --- checkpoints ------------------------------------------------------------------------------------

def test_save_and_load_round_trip(tmp_path):
    model = make_gpt()
    config = {"model": "tiny-gpt", "architecture": checkpoints.config_to_json(model.cfg)}
    checkpoints.save(tmp_path, model, config, {"val_loss": 1.0})
    loaded = checkpoints.load_gpt(tmp_path)
    assert loaded.model.cfg == model.cfg and loaded.metrics == {"val_loss": 1.0}
    assert not any(p.requires_grad for p in loaded.model.parameters()) and not loaded.model.training
    ids = ids_of("abc def")
    with torch.no_grad():
        assert torch.equal(loaded.model(ids).logits, model(ids).logits)
    s2s = make_seq2seq()
    checkpoints.save(tmp_path / "s", s2s, {"architecture": checkpoints.config_to_json(s2s.cfg)}, {})
    assert checkpoints.load_seq2seq(tmp_path / "s").model.cfg == s2s.cfg
    assert json.loads((tmp_path / "config.json").read_text())["architecture"]["vocab"] == list(CHARS.tokens)


def test_load_checks_every_tensor(tmp_path):
    from safetensors.torch import load_file, save_file

    model = make_gpt()
    checkpoints.save(tmp_path, model, {"architecture": checkpoints.config_to_json(model.cfg)}, {})
    state = load_file(str(tmp_path / "model.safetensors"))
    state["pos_emb.weight"] = state["pos_emb.weight"][:-1]
    save_file(state, str(tmp_path / "model.safetensors"))
    with pytest.raises(ValueError, match="pos_emb.weight: shape"):
        checkpoints.load_gpt(tmp_path)
    del state["pos_emb.weight"]
    save_file(state, str(tmp_path / "model.safetensors"))
    with pytest.raises(KeyError, match="pos_emb.weight"):
        checkpoints.load_gpt(tmp_path)


def test_missing_checkpoint_says_how_to_train_it(tmp_path):
    with pytest.raises(checkpoints.CheckpointMissing, match="python -m tf_core.train seq2seq"):
        checkpoints.load_seq2seq(tmp_path)
    assert issubclass(checkpoints.CheckpointMissing, FileNotFoundError)

