"""AppTest of lesson `ln-vs-bn` (page norms): the learner's sentences as a padded batch through a real
encoder, BatchNorm's statistics against LayerNorm's, then Pre-LN against Post-LN at initialisation and in
four live runs. Both languages, odd text, every control at both ends, bad URL values.

The runs train live (ui.training keeps each finished result in the process, so a setting reached twice
trains once); the tests keep them short with depth 1 except where the cap itself is the point."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy, exceptions, open_app, page_text, vega_frames

from tf_core import limits
from ui.i18n import t

QID = "ln-vs-bn"
CHARTS = 5  # batch-size sweep, padding sweep, feature means, gradient norms, loss curves


@pytest.fixture(params=["en", "zh"])
def lang(request):
    return request.param


def test_opens_in_both_languages(lang):
    at = open_app(q=QID, lang=lang, depth="1")
    frames = assert_healthy(at, QID, lang, CHARTS)
    assert len(at.metric) == 4
    batch = frames[0][1]
    ln = batch[batch.series == t("lnbn.series.ln", lang)].value
    counted = batch[batch.series == t("lnbn.series.bn_counted", lang)].value
    assert ln.max() < 1e-5 and counted.max() > 0.1  # LayerNorm ignores the batch, BatchNorm does not
    curves = frames[4][1]
    assert set(curves[curves.kind == "loss"].run) == {t(f"lnbn.run.{n}", lang) for n in ("pre", "pre_warm", "post", "post_warm")}
    text = page_text(at)
    assert t("lnbn.run.post", lang) in text


@pytest.mark.parametrize("text", ["", "🙂\n<script>alert(1)</script>\n$x$ **b**", "same\nsame", "\n".join(["line"] * 12),
                                  "word " * 400], ids=["empty", "emoji-html", "no-padding", "too-many-lines", "huge"])
def test_odd_text(text):
    at = open_app(q=QID, lang="en", depth="1")
    at.text_area(key=f"{QID}.text").set_value(text).run()
    assert_healthy(at, QID, "en", CHARTS, absent=("<script>",))
    if text.count("\n") > limits.PAD_SENTENCES.hi:
        assert at.info
    if text == "same\nsame":
        assert t("lnbn.means_none", "en") in page_text(at)


def test_controls_at_both_ends(monkeypatch):
    # Runs of 8 steps: the ends of the controls are the point here (the default run is test_opens_in_both_languages');
    # the depth cap trains 4 x 16 blocks, ~9 s at the default 60 steps on 2 cores.
    monkeypatch.setattr(limits, "LNBN_STEPS", limits.IntRange(4, 200, 8))
    at = open_app(q=QID, lang="en", depth="1", model="minilm")
    for key, value in (("layer", 0), ("layer", 5)):
        at.slider(key=f"{QID}.{key}").set_value(value).run()
        assert_healthy(at, QID, "en", CHARTS)
        assert at.query_params[key] == str(value)
    at.number_input(key=f"{QID}.seed").set_value(limits.SEED.hi).run()
    assert_healthy(at, QID, "en", CHARTS)
    at.select_slider(key=f"{QID}.lr").set_value(limits.LNBN_LR.lo).run()
    assert_healthy(at, QID, "en", CHARTS)
    at.select_slider(key=f"{QID}.lr").set_value(limits.LNBN_LR.hi).run()  # every run blows up: a result, marked
    frames = assert_healthy(at, QID, "en", CHARTS)
    ends = frames[4][1]
    assert (ends.kind == "end").any() and at.warning
    at.slider(key=f"{QID}.depth").set_value(limits.LNBN_DEPTH.hi).run()
    frames = assert_healthy(at, QID, "en", CHARTS)
    assert frames[3][1].block.max() == limits.LNBN_DEPTH.hi


@pytest.mark.parametrize("query", [{"depth": "-5", "lr": "abc", "layer": "-3"}, {"depth": "0", "lr": "0.003", "seed": "x"},
                                   {"model": "nope", "depth": "1", "seed": "1.5"}])
def test_bad_url_values(query):
    at = open_app(q=QID, lang="en", **query)
    assert not exceptions(at)
    assert_healthy(at, QID, "en", CHARTS)
    assert at.info  # each bad value is reported, never an error


def test_reset_restores_the_defaults():
    at = open_app(q=QID, lang="en", depth="1", layer="0")
    at.button(key=f"{QID}.reset").click().run()
    assert_healthy(at, QID, "en", CHARTS)
    assert at.slider(key=f"{QID}.depth").value == limits.LNBN_DEPTH.default
    frames = vega_frames(at)
    assert frames[3][1].block.max() == limits.LNBN_DEPTH.default
