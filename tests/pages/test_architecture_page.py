"""AppTest of the `encoder` lesson (topic page `architecture`): the learner's sentence through one
block of a real encoder, every step's shape and statistics, the residual and LayerNorm measured;
odd text, every control at both ends, both languages, URLs and reset."""
from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from apptest_helpers import assert_healthy as healthy, open_app, vega_frames

from tf_core import limits
from tf_core.lab import encoder as encoder_walk
from tf_core.models.catalog import MODELS
from ui.curriculum import load as load_curriculum
from ui.i18n import t

QID = "encoder"
TITLE = {lang: load_curriculum().get(QID).title(lang) for lang in ("en", "zh")}
HAS_E5 = MODELS["e5"].installed()
PAGE_FILE = Path(__file__).resolve().parents[2] / "app_pages" / "architecture.py"


def charts(at) -> dict:
    frames = vega_frames(at)
    assert len(frames) == 6, len(frames)  # flow, residual x2, LayerNorm, step sample, histogram
    return dict(zip(("flow", "res_attn", "res_ffn", "ln", "sample", "hist"), frames))


def assert_healthy(at, lang):
    return healthy(at, QID, lang)


@pytest.fixture(params=["en", "zh"])
def lang(request):
    return request.param


def test_page_steps_are_the_labs_steps():
    """The page names the walk's steps before torch is imported; they must be the lab's."""
    tree = ast.parse(PAGE_FILE.read_text(encoding="utf-8"))
    steps = next(n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "STEPS")
    assert ast.literal_eval(steps) == encoder_walk.EMBED_KEYS + encoder_walk.BLOCK_KEYS


def test_opens_in_both_languages(lang):
    at = open_app(q=QID, lang=lang)
    assert_healthy(at, lang)
    if lang == "zh" and HAS_E5:
        assert "multilingual-e5-small" in at.markdown[0].value


def test_table_and_flow_hold_the_lab_result(minilm_walk):
    text, r = minilm_walk
    at = open_app(q=QID, lang="en", model="minilm", text=text, layer="0", head="3")
    assert_healthy(at, "en")
    table = at.dataframe[0].value
    assert len(table) == len(r.steps) == len(encoder_walk.EMBED_KEYS + encoder_walk.BLOCK_KEYS)
    flow = charts(at)["flow"][1]
    assert np.allclose(flow.norm, [s.token_norm for s in r.steps], rtol=1e-6)
    res = charts(at)["res_attn"][1]
    assert np.allclose(res.value[: len(r.pieces)], r.cos_attn, atol=1e-6)


@pytest.fixture(scope="module")
def minilm_walk():
    from tf_core.models import minilm

    text = "Residual streams carry the token."
    return text, encoder_walk.run(minilm.load(), text, layer=0, max_tokens=limits.ENCODER_TOKENS, head=3)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "🙂🚀👨\u200d👩\u200d👧 emoji only",
        "<script>alert(1)</script> <b>bold</b> [link](javascript:x) $x^2$",
        "control\x00\x07\x1b[31m chars\u202e reversed",
        "混合 mixed 中文 and English 文本",
        "word " * 400,
    ],
    ids=["empty", "emoji", "html-md-latex", "controls", "mixed", "huge"],
)
def test_odd_text_gives_a_result_or_a_clear_message(text):
    at = open_app(q=QID, lang="en")
    at.text_area(key=f"{QID}.text").set_value(text).run()
    assert_healthy(at, "en")
    for spec, _ in charts(at).values():
        assert "<script>" not in str(spec)
    if not text.strip():
        assert any(t("enc.empty", "en") == i.value for i in at.info)
    if text.startswith("word"):
        assert str(limits.ENCODER_TOKENS) in " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("model", ["minilm", "e5"])
def test_every_step_and_both_ends_of_layer_and_head(model):
    at = open_app(q=QID, lang="en", model=model, layer="0")
    last = 11 if (model == "e5" and HAS_E5) else 5
    for step in encoder_walk.EMBED_KEYS + encoder_walk.BLOCK_KEYS:
        at.selectbox(key=f"{QID}.step").set_value(step).run()
        assert_healthy(at, "en")
        assert at.query_params["step"] == step
    for key, value in (("layer", last), ("head", 11), ("head", 0), ("layer", 0)):
        at.slider(key=f"{QID}.{key}").set_value(value).run()
        assert_healthy(at, "en")
        assert at.query_params[key] == str(value)


def test_an_embedding_step_past_block_0_falls_back_to_the_block_input():
    at = open_app(q=QID, lang="en", layer="3", step="embed_word")
    assert_healthy(at, "en")
    assert at.selectbox(key=f"{QID}.step").value == "x_in"


@pytest.mark.parametrize("query", [{"layer": "99"}, {"head": "-3"}, {"step": "ffn_side"}, {"model": "bert"}])
def test_bad_url_values_fall_back_with_a_notice(query):
    at = open_app(q=QID, lang="en", **query)
    assert_healthy(at, "en")
    assert at.info, "no notice"


def test_language_switch_keeps_settings_and_reset_restores_them():
    at = open_app(q=QID, lang="en", text="Norms and residuals.", layer="2", step="gelu")
    at.radio(key="lang").set_value("zh").run()
    assert_healthy(at, "zh")
    assert at.query_params["text"] == "Norms and residuals." and at.query_params["step"] == "gelu"
    at.button(key=f"{QID}.reset").click().run()
    assert_healthy(at, "zh")
    assert at.query_params["step"] == "ln1" and at.query_params["layer"] == str(limits.ENCODER_LAYER.default)
