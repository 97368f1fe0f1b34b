"""tf_core.lab.break_it on the real models: SmolLM2-135M with one design choice removed per call, e5's
positions removed or shuffled, on the shipped text (assets/text/break_it/). The switches themselves,
against a Llama written out with PyTorch's ops, are tests/tf_core/test_ablation.py's.

Measured here (float32, CPU, one thread), perplexity of the shipped texts, intact -> broken:

    switch           en (145 tokens)      zh (174 tokens)
    scale            26.8 -> 1754         12.7 -> 250
    causal           26.8 -> 3.8          12.7 -> 6.2     FALLS: without the mask position t reads token t+1
    rope             26.8 -> 213          12.7 -> 105
    norm_scale       26.8 -> 5.1e6        12.7 -> 2.7e5
    heads_off (0,*)  26.8 -> 138          12.7 -> 155

The causal switch is asserted to lower the teacher-forced perplexity (the leak the causal-mask lesson
explains: the answer is in the input), while greedy generation without the mask, which cannot read a
future that does not exist yet, falls apart (the shipped en prompt: "________________________").
e5 retrieval over the 24 shipped pairs (zh->en, en->zh accuracy; mean margin): intact 0.875, 0.833;
0.050. Positions removed 0.833, 0.833; 0.034. Shuffled (seed 0) 0.792, 0.792; 0.025. Asserted: the
mean accuracy and the margin both fall.
"""
from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from tiny_decoders import one_torch_thread  # noqa: F401 (fixture)

from tf_core import limits
from tf_core.ablation import SWITCHES, Ablation
from tf_core.lab import break_it as lab
from tf_core.models import decoder

CURRICULUM = Path(__file__).resolve().parents[2] / "assets" / "curriculum.toml"
ODD = "<script>alert('x')</script> 🙂🙂 \x00\x07\u200b\ufeff&amp; 你好\n\tend"
SHORT = {"en": "The cat sat on the mat and looked at the rain.", "zh": "今天下雨了，我们在家里看书。"}
PROMPTS = {"en": "The best way to", "zh": "最好的方法是"}
DECODER_SWITCHES = [k for k in lab.ONE_AT_A_TIME if not k.startswith("positions")]


@pytest.fixture(scope="module")
def smol(smollm2_model):
    return smollm2_model


@pytest.fixture(scope="module")
def intact(smol):
    return {lang: lab.score(smol.model, smol.tokenizer, lab.eval_text(lang)) for lang in lab.LANGS}


def encode(smol, text: str) -> torch.Tensor:
    return torch.tensor([smol.tokenizer.encode(text, add_special_tokens=False).ids])  # (1, T)


# --------------------------------------------------------------------------- the shipped data and the links
def test_shipped_data(smol):
    for lang in lab.LANGS:
        assert 120 <= encode(smol, lab.eval_text(lang)).shape[1] <= 200
        assert 0 < encode(smol, lab.prompt(lang)).shape[1] <= limits.BREAKIT_PROMPT_TOKENS
    pairs = lab.pairs()
    assert len(pairs) == 24 and len(set(pairs)) == 24
    for zh, en in pairs:
        assert 6 <= len(en.split()) <= 20 and en.isascii()
        assert any("\u4e00" <= c <= "\u9fff" for c in zh) and not any(c.isascii() and c.isalpha() for c in zh)


def test_every_switch_links_to_a_lesson():
    ids = {q["id"] for q in tomllib.loads(CURRICULUM.read_text(encoding="utf-8"))["question"]}
    assert set(lab.LESSONS) == set(SWITCHES) and set(lab.LESSONS.values()) <= ids
    assert {a.removed for a in lab.ONE_AT_A_TIME.values()} == {(name,) for name in SWITCHES}


# --------------------------------------------------------------------------- SmolLM2
def test_intact_score_is_the_models_own_cross_entropy(smol, intact):
    for lang, s in intact.items():
        x = encode(smol, lab.eval_text(lang))
        logits = smol.model(x).logits[0]  # (T, V): the plain forward, no ablation
        want = F.cross_entropy(logits[:-1], x[0, 1:], reduction="none")
        np.testing.assert_array_equal(s.losses, want.double().numpy())
        assert s.n_tokens == x.shape[1] and not s.truncated and s.losses.shape == (x.shape[1] - 1,)
        assert s.perplexity == pytest.approx(math.exp(float(F.cross_entropy(logits[:-1], x[0, 1:]))), rel=1e-6)
    assert lab.perplexity(smol.model, smol.tokenizer, lab.eval_text("en")) == intact["en"].perplexity


def test_each_switch_moves_perplexity_and_leaves_the_model_alone(smol, intact):
    model = smol.model
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = encode(smol, SHORT["en"])
    logits = model(x).logits
    for name in DECODER_SWITCHES:
        for lang in lab.LANGS:
            s = lab.score(model, smol.tokenizer, lab.eval_text(lang), lab.ONE_AT_A_TIME[name])
            assert math.isfinite(s.perplexity), (name, lang)
            if name == "causal":  # the leak: position t reads token t + 1 (module docstring)
                assert s.perplexity < intact[lang].perplexity / 1.5, (name, lang, s.perplexity)
            else:
                assert s.perplexity > 2 * intact[lang].perplexity, (name, lang, s.perplexity)
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert torch.equal(model(x).logits, logits)  # the next plain call: the same numbers


def test_generation_without_the_mask_does_not_use_the_cache(smol, monkeypatch):
    calls, run = [], decoder.run
    monkeypatch.setattr(decoder, "run", lambda m, x, cache=None, **kw: calls.append((x.shape[1], cache)) or run(m, x, cache, **kw))
    P = encode(smol, PROMPTS["en"]).shape[1]
    c = lab.continuation(smol.model, smol.tokenizer, PROMPTS["en"], Ablation(causal=False), n_new=3)
    assert not c.cached and [n for n, _ in calls] == [P, P + 1, P + 2] and all(cache is None for _, cache in calls)
    calls.clear()
    c = lab.continuation(smol.model, smol.tokenizer, PROMPTS["en"], Ablation(), n_new=3)
    assert c.cached and [n for n, _ in calls] == [P, 1, 1] and calls[0][1] is None and calls[2][1] is not None
    assert len(c.tokens) == 3 and isinstance(c.text, str)


# --------------------------------------------------------------------------- e5
def test_retrieval_pools_as_the_app_and_positions_matter(e5_encoder):
    pairs = lab.pairs()
    r = lab.retrieval(e5_encoder, pairs)
    tokens = e5_encoder.tokenize(pairs[0][0], limits.ENCODER_TOKENS)
    app = F.normalize(e5_encoder.run(tokens, need_weights=False).mean_pooled().double(), dim=-1)[0]  # the app's pooling
    torch.testing.assert_close(lab.embed(e5_encoder, [pairs[0][0]])[0][0], app)
    assert r.similarity.shape == (24, 24) and r.n_pairs == 24 and r.truncated == 0
    assert r.accuracy >= 0.75 and r.margin > 0
    for positions in ("remove", "shuffle"):
        broken = lab.retrieval(e5_encoder, pairs, Ablation(positions=positions))
        assert broken.accuracy < r.accuracy and broken.margin < r.margin, (positions, broken)


# --------------------------------------------------------------------------- run
def test_intact_run_and_progress(smol, e5_encoder):
    seen = []
    r = lab.run(smol.model, smol.tokenizer, Ablation(), e5_encoder, texts=SHORT, prompts=PROMPTS, n_new=2,
                on_progress=lambda done, total: seen.append((done, total)))
    assert r.removed == () and r.lessons == () and [x.lang for x in r.languages] == ["en", "zh"]
    for x in r.languages:
        assert x.broken is x.intact and x.generated_broken is x.generated_intact and x.generated_intact.cached
    assert r.retrieval_broken is r.retrieval_intact and r.retrieval_intact.n_pairs == 24
    assert seen and seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.parametrize("ablation", [
    Ablation(scale=False, rope=False),
    Ablation(causal=False, heads_off=((0, 0), (29, 8), (15, 4))),
    Ablation(norm_scale=False, causal=False),
    Ablation(scale=False, positions="shuffle", seed=7),
], ids=["scale+rope", "causal+heads", "norm+causal", "scale+shuffle"])
def test_pairs_of_switches(smol, e5_encoder, ablation):
    seen = []
    r = lab.run(smol.model, smol.tokenizer, ablation, e5_encoder, texts=SHORT, prompts=PROMPTS, n_new=2,
                sentence_pairs=lab.pairs()[:6], eos_id=smol.eos_id, on_progress=lambda d, t: seen.append((d, t)))
    assert r.removed == ablation.removed and r.lessons == tuple(lab.LESSONS[n] for n in r.removed)
    for x in r.languages:
        assert math.isfinite(x.broken.perplexity) and x.broken.perplexity != x.intact.perplexity
        assert x.generated_broken.cached == ablation.causal and isinstance(x.generated_broken.text, str)
    assert (r.retrieval_broken is not None) == ("positions" in r.removed)
    assert seen[-1][0] == seen[-1][1]


# --------------------------------------------------------------------------- text at the limits, bad input
def test_text_at_the_limits(smol):
    model, tok = smol.model, smol.tokenizer
    long = lab.score(model, tok, lab.eval_text("en") * 3)
    assert long.n_tokens == limits.BREAKIT_TOKENS.hi and long.truncated and long.n_total > long.n_tokens
    assert lab.score(model, tok, "a b " * limits.BREAKIT_TEXT_CHARS).truncated  # past the character cap
    two = lab.score(model, tok, lab.eval_text("zh"), max_tokens=limits.BREAKIT_TOKENS.lo)
    assert two.n_tokens == 2 and two.losses.shape == (1,)
    for a in (Ablation(), Ablation(scale=False, rope=False)):
        assert math.isfinite(lab.score(model, tok, ODD, a).perplexity)
    c = lab.continuation(model, tok, "word " * 200, Ablation(causal=False), n_new=1)
    assert c.prompt_tokens == limits.BREAKIT_PROMPT_TOKENS and len(c.tokens) == 1
    assert isinstance(lab.generate(model, tok, ODD, Ablation(norm_scale=False), n_new=2), str)


def test_bad_input_raises(smol, e5_encoder):
    model, tok = smol.model, smol.tokenizer
    text = SHORT["en"]
    bad_calls = [
        lambda: lab.score(model, tok, ""), lambda: lab.score(model, tok, "   \n"), lambda: lab.score(model, tok, None),
        lambda: lab.score(model, tok, "a"),  # one token: nothing to predict
        lambda: lab.score(model, tok, text, max_tokens=1), lambda: lab.score(model, tok, text, max_tokens=257),
        lambda: lab.score(model, tok, text, max_tokens=True), lambda: lab.score(model, tok, text, "scale"),
        lambda: lab.score(model, tok, text, Ablation(heads_off=((30, 0),))),
        lambda: lab.score(model, tok, text, Ablation(heads_off=((0, 9),))),
        lambda: lab.score(model, tok, text, Ablation(positions="remove")),
        lambda: lab.continuation(model, tok, text, n_new=0), lambda: lab.continuation(model, tok, text, n_new=41),
        lambda: lab.continuation(model, tok, "", n_new=1), lambda: lab.continuation(model, tok, text, n_new=1, eos_id=10**6),
        lambda: lab.retrieval(e5_encoder, lab.pairs()[:1]), lambda: lab.retrieval(e5_encoder, lab.pairs() * 3),
        lambda: lab.retrieval(e5_encoder, [("", "x"), ("a", "b")]), lambda: lab.retrieval(e5_encoder, "zh\ten"),
        lambda: lab.retrieval(e5_encoder, [("a",), ("b", "c")]),
        lambda: lab.retrieval(e5_encoder, lab.pairs(), Ablation(scale=False)),
        lambda: lab.run(model, tok, Ablation(positions="remove")),  # no encoder
        lambda: lab.run(None, None, Ablation(scale=False), e5_encoder),  # no decoder
        lambda: lab.run(None, None, Ablation()),  # no model at all
        lambda: lab.run(model, tok, Ablation(scale=False), texts={"fr": text}, prompts={"fr": text}),
        lambda: lab.run(model, tok, Ablation(scale=False), texts={"en": text}),  # prompts for en and zh
        lambda: lab.run(model, tok, Ablation(scale=False), n_new=41),
        lambda: lab.eval_text("de"),
    ]
    for i, call in enumerate(bad_calls):
        with pytest.raises(ValueError):
            call()
            pytest.fail(f"call {i} did not raise")
