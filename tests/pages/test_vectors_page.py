"""AppTest of the `pretrained-vectors` lesson (topic page `tokens`): nearest neighbours in a real
input embedding table, the category experiment against random tables, one row per word against
contextual outputs; odd words, every control at both ends, both languages, the switch."""
from __future__ import annotations

import numpy as np
import pytest
from apptest_helpers import assert_healthy as healthy, exceptions, open_app, open_expanders, page_text, vega_frames

from tf_core import limits
from tf_core.models.catalog import MODELS
from ui.curriculum import load as load_curriculum
from ui.i18n import t

QID = "pretrained-vectors"
TITLE = {lang: load_curriculum().get(QID).title(lang) for lang in ("en", "zh")}
HAS_E5 = MODELS["e5"].installed()


def assert_healthy(at, lang, neighbours: bool = True):
    # neighbours (when the word has a vector), accuracy, two PCA maps, contexts
    return healthy(at, QID, lang, 5 if neighbours else 4)


@pytest.fixture(params=["en", "zh"])
def lang(request):
    return request.param


def test_opens_in_both_languages(lang):
    at = open_app(q=QID, lang=lang)
    assert_healthy(at, lang)
    acc = vega_frames(at)[0][1]  # the main chart: accuracies, then the two maps, the neighbours, contexts
    real, random, chance = acc.acc
    assert real > random and real > 2 * chance  # the pretrained table groups words by meaning


@pytest.mark.parametrize("model", ["minilm", "e5"] if HAS_E5 else ["minilm"])
def test_card_verdict_and_spellings_follow_the_result(model):
    """The card compares the tables with the word the accuracies call for, and counts the query's own
    spellings among the neighbours drawn."""
    at = open_expanders(open_app(q=QID, lang="en", model=model, word="bank", k="20"), f"{QID}.followups")
    assert_healthy(at, "en")
    real, random, _ = vega_frames(at)[0][1].acc
    assert t("vec.init.better" if real > random else "vec.init.not", "en") in page_text(at)
    nb = vega_frames(at)[3][1]
    n_variant = int((nb.kind == t("vec.variant", "en")).sum())
    follow = " ".join(page_text(at).split())  # the follow-ups: two open, the rest opened above
    assert f'here {n_variant} of the 20 rows nearest to "bank"' in follow


def test_neighbours_are_sorted_and_exclude_the_word():
    at = open_app(q=QID, lang="en", model="minilm", word="river", k="25")
    assert_healthy(at, "en")
    nb = vega_frames(at)[3][1]
    assert len(nb) == 25
    assert (np.diff(nb.sim.values) <= 1e-9).all()
    assert "river" not in set(nb.piece)


@pytest.mark.parametrize(
    "word",
    ["", "🙂", "<script>alert(1)</script>", "ctrl\x00\x07word", "注意力", "x" * 500, "qzxv"],
    ids=["empty", "emoji", "html", "controls", "chinese", "huge", "rare"],
)
def test_odd_words_give_a_result_or_a_clear_message(word):
    at = open_app(q=QID, lang="en", model="minilm")
    at.text_input(key=f"{QID}.word").set_value(word).run()
    assert not exceptions(at), exceptions(at)
    has_vector = len(vega_frames(at)) == 5
    assert_healthy(at, "en", neighbours=has_vector)
    for spec, _ in vega_frames(at):
        assert "<script>" not in str(spec)
    assert "<script>" not in page_text(at)
    if not word.strip():
        assert any(t("vec.empty", "en") == i.value for i in at.info)
    elif not has_vector:
        assert at.warning


@pytest.mark.parametrize("model", ["minilm", "e5", "auto"])
def test_every_model_and_k_at_both_ends(model, lang):
    at = open_app(q=QID, lang=lang, model=model)
    # MiniLM's WordPiece has no piece for the Chinese default word (音乐): a clear warning, no list
    unknown = lang == "zh" and (model == "minilm" or not HAS_E5)
    for k in (limits.VECTORS_K.lo, limits.VECTORS_K.hi):
        at.slider(key=f"{QID}.k").set_value(k).run()
        assert_healthy(at, lang, neighbours=not unknown)
        if unknown:
            assert at.warning
        else:
            assert len(vega_frames(at)[3][1]) == k
    if model == "e5" and HAS_E5:
        assert "multilingual-e5-small" in at.markdown[0].value


@pytest.mark.parametrize("query", [{"k": "0"}, {"k": "500"}, {"model": "glove"}, {"word": "w" * 200}])
def test_bad_url_values_fall_back_with_a_notice(query):
    at = open_app(q=QID, lang="en", **query)
    assert_healthy(at, "en")
    assert at.info, "no notice"


def test_switch_between_the_pages_lessons():
    at = open_app(q="tokenization", lang="en")
    at.button_group(key="tokens.question").set_value(QID).run()
    assert_healthy(at, "en")
    assert at.query_params["q"] == QID
    at.button_group(key="tokens.question").set_value("tokenization").run()
    assert not exceptions(at)
    assert at.query_params["q"] == "tokenization"


def test_language_switch_keeps_settings_and_reset_restores_them():
    at = open_app(q=QID, lang="en", word="river", k="30")
    at.radio(key="lang").set_value("zh").run()
    assert_healthy(at, "zh")
    assert at.query_params["word"] == "river" and at.query_params["k"] == "30"
    at.button(key=f"{QID}.reset").click().run()
    assert_healthy(at, "zh")
    assert at.query_params["k"] == str(limits.VECTORS_K.default) and at.query_params["word"] == "音乐"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_context_verdict_and_group_count_follow_the_result(lang):
    """MiniLM reads the English ambiguous word (bank) and separates its senses; the Chinese one (苹果)
    is [UNK] to it, and the card says so instead of crediting context. The groups counted are the
    ones with words left (MiniLM lacks most Chinese characters)."""
    at = open_expanders(open_app(q=QID, lang=lang, model="minilm"), f"{QID}.full")
    assert not exceptions(at), exceptions(at)
    word = "separated" if lang == "en" else "unknown"
    verdict = t(f"vec.ctx.verdict.{word}", lang, model="all-MiniLM-L6-v2")
    text = " ".join(at.markdown[0].value.split()) + " " + page_text(at)
    assert verdict.split("all-MiniLM-L6-v2")[0] in text  # the card's wrong-answer section and the caption
    for other in {"separated", "not", "unknown"} - {word}:
        assert t(f"vec.ctx.verdict.{other}", lang, model="M").split("M")[0] not in text
    full = at.expander[0].markdown[0].value
    assert t(f"vec.ctx.here.{word}", lang, model="M").split("M")[0] in full
    groups = 6 if lang == "en" else None
    if groups:
        assert "6 groups: numbers, colours, animals, countries, family, actions (verbs)" in " ".join(full.split())
    else:
        assert "（6 组" not in full and " 组：" in full
