"""AppTest of the `multi-head` lesson (topic page `attention`, its first question): every head of a
real encoder on the learner's text, the overview image, one head in detail, head statistics, one
head zeroed, the cost table; odd text, every control at both ends, both languages, the switch
between the page's two lessons."""
from __future__ import annotations

import numpy as np
import pytest
from apptest_helpers import assert_healthy as healthy, exceptions, open_app, open_expanders, page_text, vega_frames

from tf_core import limits
from tf_core.models.catalog import MODELS
from ui.curriculum import load as load_curriculum
from ui.i18n import t
from ui.params import AUTO

QID = "multi-head"
TITLE = {lang: load_curriculum().get(QID).title(lang) for lang in ("en", "zh")}
HAS_E5 = MODELS["e5"].installed()


def charts(at) -> dict[str, tuple[dict, object]]:
    """The page's Vega charts by role, in page order: entropy grid, distance grid, detail heatmap,
    ablation bars."""
    frames = vega_frames(at)
    assert len(frames) == 4, len(frames)
    return dict(zip(("entropy", "distance", "detail", "ablation"), frames))


def overview_urls(at) -> list[str]:
    """The layers x heads overview: one image (its pixels are tested in tests/ui/test_images.py)."""
    images = at.get("image")
    assert len(images) == 1
    return images[0].value


def assert_healthy(at, lang):
    return healthy(at, QID, lang)


@pytest.fixture(params=["en", "zh"])
def lang(request):
    return request.param


def test_is_the_pages_first_lesson_and_opens_in_both_languages(lang):
    at = open_app(lang=lang)  # from the root with ?q missing: home; the page itself by path below
    at.switch_page("app_pages/attention.py").run()
    assert_healthy(at, lang)
    assert at.query_params["q"] == QID
    if lang == "zh" and HAS_E5:
        assert "multilingual-e5-small" in at.markdown[0].value


def test_charts_hold_the_lab_result():
    at = open_app(q=QID, lang="en", model="minilm", text="Heads look in different places.", layer="2", head="5")
    assert_healthy(at, "en")
    c = charts(at)
    entropy = c["entropy"][1]
    assert len(entropy) == 6 * 12  # MiniLM: 6 layers x 12 heads
    assert entropy.loc[entropy.chosen, ["y", "x"]].values.tolist() == [[2, 5]]
    assert (entropy.rel.between(0, 1)).all()
    distance = c["distance"][1]
    assert len(distance) == 12 * 12 and np.allclose(distance.loc[distance.x == distance.y, "value"], 0, atol=1e-6)
    detail = c["detail"][1]
    T = int(np.sqrt(len(detail)))
    assert np.allclose(detail.groupby("q")["score"].sum(), 1.0, atol=1e-5)  # each row of weights sums to 1
    ablation = c["ablation"][1]
    assert len(ablation) == T and (ablation.value > 0).all()
    url = overview_urls(at)[0]
    at.select_slider(key=f"{QID}.head").set_value(6).run()
    assert overview_urls(at)[0] != url  # the frame moved to the new head: a new image


def test_card_counts_the_keys_a_head_reads(lang):
    """The card's e^H numbers are the exponentials of the entropies the chart draws (not typed words)."""
    from ui.text import num, spoken

    at = open_app(q=QID, lang=lang, model="minilm", text="Heads look in different places.")
    assert_healthy(at, lang)
    entropy = charts(at)["entropy"][1]["value"]
    lo, hi = num(np.exp(entropy.min())), num(np.exp(entropy.max()))
    full = open_expanders(at, f"{QID}.full").expander[0].markdown[0].value
    assert lo in full and hi in full
    said = [m.value for m in at.markdown if spoken(lo, lang) in m.value and spoken(hi, lang) in m.value]
    assert said, "the takeaway says the two key counts aloud"
    text = page_text(at)
    assert "nearly one key" not in text and "几乎每个词元只看一个键" not in text


def test_cost_table_counts_equal_totals():
    at = open_app(q=QID, lang="en", model="minilm")
    assert_healthy(at, "en")
    table = at.dataframe[0].value
    multi, single = table.iloc[:, 1], table.iloc[:, 2]
    assert (multi.iloc[:4] == single.iloc[:4]).all()  # parameters and matrix FLOPs are equal
    ratio = int(multi.iloc[4].replace(",", "")) / int(single.iloc[4].replace(",", ""))
    assert ratio == 12  # only the softmax's exponentials grow h-fold


@pytest.mark.parametrize(
    "text",
    [
        "",
        "🙂🚀👨\u200d👩\u200d👧 emoji only",
        "<script>alert(1)</script> <b>bold</b> [link](javascript:x) $x^2$ **bold**",
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
        assert "<script>" not in str(spec) and "javascript" not in str(spec)
    assert "<script>" not in page_text(at)  # the worst token in the ablation caption is escaped
    if not text.strip():
        assert any(t("enc.empty", "en") == i.value for i in at.info)
    if text.startswith("word"):
        assert str(limits.ENCODER_TOKENS) in " ".join(w.value for w in at.warning)
        assert len(charts(at)["ablation"][1]) == limits.ENCODER_TOKENS


@pytest.mark.parametrize("model", ["minilm", "e5"])
def test_layer_and_head_at_both_ends(model, lang):
    at = open_app(q=QID, lang=lang, model=model)
    last_layer = 11 if (model == "e5" and HAS_E5) else 5
    before = page_text(at)
    assert at.query_params["layer"] == at.query_params["head"] == "auto"  # the default: the stated rule
    # each step changes the picture, except the last: "auto" in both may land on the head it just showed
    steps = (("layer", last_layer), ("layer", 0), ("head", 11), ("head", 0), ("head", AUTO), ("layer", AUTO))
    for i, (key, value) in enumerate(steps):
        at.select_slider(key=f"{QID}.{key}").set_value(value).run()
        assert_healthy(at, lang)
        assert at.query_params[key] == ("auto" if value == AUTO else str(value))
        after = page_text(at)
        assert after != before or i == len(steps) - 1, f"{key}={value} changed nothing"
        before = after
    assert t("attn.auto_note", lang, layer="X", head="Y", first="Z", share="W").split("X")[0] in page_text(at)


def test_layer_beyond_the_models_last_is_its_last():
    at = open_app(q=QID, lang="en", model="minilm", layer="11")
    assert_healthy(at, "en")
    assert at.select_slider(key=f"{QID}.layer").value == 5


@pytest.mark.parametrize("query", [{"layer": "99"}, {"head": "-3"}, {"model": "gpt5"}, {"text": "x" * 5000}])
def test_bad_url_values_fall_back_with_a_notice(query):
    at = open_app(q=QID, lang="en", **query)
    assert_healthy(at, "en")
    assert at.info, "no notice"


def test_switch_to_the_other_lesson_carries_the_sentence_and_back():
    at = open_app(q=QID, lang="en", text="Switch me.", layer="3", model="minilm")
    switch = at.button_group(key="attention.question")
    assert switch.value == QID
    switch.set_value("qk-separate").run()
    assert not exceptions(at)
    assert at.title[0].value == load_curriculum().get("qk-separate").title("en")
    assert at.query_params["q"] == "qk-separate"
    assert at.query_params["text"] == "Switch me." and at.query_params["layer"] == "3"
    at.button_group(key="attention.question").set_value(QID).run()
    assert_healthy(at, "en")
    assert at.query_params["text"] == "Switch me."


def test_language_switch_keeps_settings_and_reset_restores_them():
    at = open_app(q=QID, lang="en", text="Heads differ.", head="7")
    at.radio(key="lang").set_value("zh").run()
    assert_healthy(at, "zh")
    assert at.query_params["text"] == "Heads differ." and at.query_params["head"] == "7"
    at.button(key=f"{QID}.reset").click().run()
    assert_healthy(at, "zh")
    assert at.query_params["head"] == "auto"  # the default
    assert at.query_params["text"] == "这只动物没有过马路，因为它太累了。"


def test_the_cache_keeps_the_drawn_head_not_every_map():
    """The cached run keeps the overview image and the selected head's map: at the token cap, on 6 x 12
    heads, every map would be 6·12·T² float32 (~4.7 MB at T = 128) per entry."""
    from streamlit.runtime.caching import cache_data_api

    def cached_bytes() -> int:  # Streamlit's estimate of the function's whole cache (every entry)
        return sum(s.byte_length for family in cache_data_api._data_caches.get_stats().values() for s in family
                   if s.cache_name.endswith("run_multi_head"))

    before = cached_bytes()
    words = " ".join(["the heads of this model read different words"] * 40)  # past the token cap
    at = open_app(q=QID, lang="en", model="minilm", text=words, layer="1", head="3")
    assert_healthy(at, "en")
    T = int(np.sqrt(len(charts(at)["detail"][1])))
    assert T == limits.ENCODER_TOKENS
    entry = cached_bytes() - before  # this text is used by no other test: one new entry
    assert 0 < entry < 6 * 12 * T * T * 4 / 8, entry
