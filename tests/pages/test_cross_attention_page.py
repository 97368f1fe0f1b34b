"""AppTest of the `cross-attention` lesson (topic page `architecture`): the repo's trained
encoder-decoder translating the learner's number, its cross-attention map and step table; numbers
in digits and words, bad numbers, both ends of the sliders, both languages, a hand-edited URL."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy as healthy, open_app, open_expanders, page_text, vega_frames

from tf_core import limits, numbers
from ui.curriculum import load as load_curriculum
from ui.i18n import t

QID = "cross-attention"
TITLE = {lang: load_curriculum().get(QID).title(lang) for lang in ("en", "zh")}
checkpoints = pytest.importorskip("tf_core.models.checkpoints")
try:
    TRAINED = checkpoints.load_seq2seq()
except checkpoints.CheckpointMissing:  # pragma: no cover - the checkpoint is committed
    pytest.skip("assets/models/seq2seq-numbers is missing", allow_module_level=True)
CFG = TRAINED.model.cfg


def heatmap(at):
    frames = vega_frames(at)
    assert len(frames) == 1, len(frames)
    return frames[0][1]


def assert_healthy(at, lang):
    healthy(at, QID, lang, 1)
    data = heatmap(at)
    assert data["score"].between(0, 1).all()
    return data


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_number_is_translated_with_its_map(lang):
    at = open_app(q=QID, lang=lang)
    data = assert_healthy(at, lang)
    words = numbers.english_words(limits.NUMBER.default)
    assert set(data["ktok"]) == set(words)  # the source words across
    rows = data.groupby("qtok", sort=False)["score"].sum()
    assert ((rows - rows.round()).abs() < 1e-4).all()  # each output step's row sums to 1 (per repeated token: n)
    table = at.dataframe[0].value
    assert "".join(c for c in table.iloc[:, 1] if not c.startswith("<")) == numbers.to_chinese(limits.NUMBER.default)
    assert at.success  # the verdict: right


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_short_answer_counts_the_eos_step(lang):
    """N counts every step; the card says the last one writes <eos> exactly when the table ends with it."""
    at = open_app(q=QID, lang=lang)
    assert_healthy(at, lang)
    steps = list(at.dataframe[0].value.iloc[:, 1])
    full = open_expanders(at, f"{QID}.full").expander[0].markdown[0].value  # the short answer names the output only
    word = "yes" if steps[-1] == "<eos>" else "no"
    assert t(f"xattn.eos.{word}", lang) in full and t(f"xattn.eos.{'no' if word == 'yes' else 'yes'}", lang) not in full
    assert (f"in {len(steps)} steps" if lang == "en" else f"分 {len(steps)} 步") in full


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_wrong_answer_quotes_where_the_place_characters_look(lang):
    """The alignment paragraph lists the run's own place-character steps and the words they weigh most."""
    from tf_core.lab.cross_attention import PLACE_CHARS

    at = open_app(q=QID, lang=lang)
    assert_healthy(at, lang)
    table = at.dataframe[0].value
    pairs = [f"{tok} → {word}" for tok, word in zip(table.iloc[:, 1], table.iloc[:, 3]) if tok in PLACE_CHARS]
    assert len(pairs) == 4  # 二万零三百零五: 万 零 百 零
    assert "; ".join(pairs) in page_text(at)
    at = open_app(q=QID, lang=lang, n="7")
    assert t("xattn.no_place", lang) in page_text(at)


@pytest.mark.parametrize("text,value", [("305", 305), ("99,999", 99_999), ("  Seven thousand AND five ", 7005),
                                        ("0", 0), ("三百零五", 305)])
def test_numbers_in_digits_words_and_numerals(text, value):
    at = open_app(q=QID, lang="en")
    at.text_input(key=f"{QID}.n").set_value(text).run()
    assert_healthy(at, "en")
    assert not at.warning
    assert f"{value:,}" in page_text(at)
    table = at.dataframe[0].value
    assert "".join(c for c in table.iloc[:, 1] if not c.startswith("<")) == numbers.to_chinese(value)


@pytest.mark.parametrize("text,code", [("100000", "range"), ("-3", "range"), ("", "empty"), ("banana", "words"),
                                       ("<script>alert(1)</script>", "words"), ("🙂", "words"), ("3.5", "digits"),
                                       ("两百", "chinese"), ("9" * 300, "range")])
def test_bad_numbers_get_a_message_and_the_default(text, code):
    at = open_app(q=QID, lang="zh")
    at.text_input(key=f"{QID}.n").set_value(text).run()
    assert_healthy(at, "zh")
    expected = t(f"xattn.err.{code}", "zh", lo=limits.NUMBER.lo, hi=f"{limits.NUMBER.hi:,}", chars=limits.NUMBER_TEXT_CHARS)
    assert at.warning and at.warning[0].value.startswith(expected)
    assert "<script>" not in page_text(at)


def test_sliders_at_both_ends_and_the_mean():
    at = open_app(q=QID, lang="en")
    for layer in (0, CFG.n_dec_layers - 1):
        for head in (-1, 0, CFG.n_heads - 1):
            at.slider(key=f"{QID}.layer").set_value(layer).run()
            at.select_slider(key=f"{QID}.head").set_value(head).run()
            assert_healthy(at, "en")
    assert str(at.query_params["layer"]).strip("[]'") == str(CFG.n_dec_layers - 1)


def test_hand_edited_url_is_clamped():
    at = open_app(q=QID, lang="en", layer="99", head="-7", n="<b>12</b>")
    assert_healthy(at, "en")
    assert int(at.slider(key=f"{QID}.layer").value) <= CFG.n_dec_layers - 1
    assert at.warning  # "<b>12</b>" is not a number: a message, the default shown
