"""AppTest of the `lr-dropout` lesson (page layers): both languages, every control at both ends (the
training ones with short runs: the layout does not depend on the length), odd text, a bad URL."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy, open_app, page_text, vega_frames

from tf_core import limits

QID = "lr-dropout"
QUICK = {"steps": "10", "layers": "1"}  # runs of a second: each case below retrains


def widget(at, name):
    key = f"{QID}.{name}"
    if name in ("dmodel", "lr"):
        return at.select_slider(key=key)
    if name == "text":
        return at.text_area(key=key)
    return at.slider(key=key)


@pytest.fixture(params=["en", "zh"])
def lang(request):
    return request.param


@pytest.fixture
def app(lang):
    at = open_app(q=QID, lang=lang, **QUICK)
    assert_healthy(at, QID, lang)
    return at


def test_first_screen_numbers_and_charts(app, lang):
    text = page_text(app)
    assert "0.00988" in text  # the schedule's peak at d_model 512, warm-up 20: 512^-0.5 * 20^-0.5
    labels = [m.label for m in app.metric]
    assert len(labels) == 4
    assert app.metric[2].value in ("0 (exact)", "0（精确）")  # two passes without dropout: identical
    frames = vega_frames(app)
    assert len(frames) == 5  # schedule, loss, places, expectation, per-token differences
    sched = frames[0][1]
    assert sched["run"].nunique() == 3 and (sched["value"] > 0).all()


@pytest.mark.parametrize("name, ends", [
    ("dmodel", (limits.LRD_D_MODEL.lo, limits.LRD_D_MODEL.hi)),
    ("warmup", (limits.LRD_WARMUP.lo, limits.LRD_WARMUP.hi)),
    ("lr", (limits.LRD_LR.lo, limits.LRD_LR.hi)),
    ("layers", (limits.LRD_LAYERS.lo, limits.LRD_LAYERS.hi)),
    ("seed", (limits.SEED.hi, limits.SEED.lo)),
])
def test_every_control_at_both_ends(app, lang, name, ends):
    before = page_text(app)
    for value in ends:
        current = widget(app, name).value
        widget(app, name).set_value(value).run()
        assert_healthy(app, QID, lang)
        assert widget(app, name).value == value
        assert app.query_params[name] == f"{value:g}"
        after = page_text(app)
        if value != current:
            assert after != before, f"{name}={value} changed nothing"
        before = after


def test_steps_at_both_ends(lang):
    at = open_app(q=QID, lang=lang, layers="1", steps=str(limits.LRD_STEPS.lo))
    assert_healthy(at, QID, lang)
    at = open_app(q=QID, lang=lang, layers="1", steps=str(limits.LRD_STEPS.hi), warmup="1")
    assert_healthy(at, QID, lang)
    assert widget(at, "steps").value == limits.LRD_STEPS.hi


def test_a_diverging_rate_is_a_marked_result():
    at = open_app(q=QID, lang="en", steps="30", layers="2", lr="0.1", warmup="1")
    assert_healthy(at, QID, "en")
    frames = vega_frames(at)
    loss = frames[1][1]
    diverged = bool(loss["diverged"].any())
    assert diverged == bool(at.warning), "a divergence gets a note, and only then"


@pytest.mark.parametrize("text", ["", "注意力机制 🤖 <b>x</b> [CLS] $x$ `code`", "word " * 300])
def test_odd_text(lang, text):
    at = open_app(q=QID, lang=lang, **QUICK)
    widget(at, "text").set_value(text).run()
    assert_healthy(at, QID, lang)


def test_bad_url_is_clamped_with_a_notice():
    at = open_app(q=QID, lang="en", steps="-5", layers="0", lr="7", dmodel="-3", warmup="0", seed="nan", bogus="1")
    assert_healthy(at, QID, "en")
    assert widget(at, "steps").value == limits.LRD_STEPS.lo
    assert widget(at, "layers").value == limits.LRD_LAYERS.lo
    assert widget(at, "dmodel").value == limits.LRD_D_MODEL.lo
    assert widget(at, "seed").value == limits.SEED.default
    assert widget(at, "lr").value == limits.LRD_LR.hi
    assert widget(at, "warmup").value == limits.LRD_WARMUP.lo
    assert len(at.info) >= 6
