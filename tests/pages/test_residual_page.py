"""AppTest of the `residual` lesson (page norms): both languages, every control at both ends, a
diverging learning rate shown as a result, a bad URL, reset. The runs are cut to a few steps here
(limits.RES_STEPS patched: the page passes it to the lab)."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy, open_app, page_text

from tf_core import limits
from ui.i18n import t
from ui.text import num

QID = "residual"
N_CHARTS = 3  # gradient norms (main), position spread, the training curves
STEPS = 2


@pytest.fixture(autouse=True)
def short_runs(monkeypatch):
    monkeypatch.setattr(limits, "RES_STEPS", STEPS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_in_both_languages(lang):
    at = open_app(q=QID, lang=lang)
    assert_healthy(at, QID, lang, N_CHARTS)
    assert len(at.metric) == 3
    assert at.query_params["depth"] == str(limits.RES_DEPTH.default) and at.query_params["norm"] == "layer"


def test_short_answer_quotes_the_lab():
    from tf_core.lab import residual as lab

    at = open_app(q=QID, lang="en")
    r = lab.run(depth=limits.RES_DEPTH.default, steps=STEPS)
    assert f"differ by {num(r.spread['without'][-1])}" in " ".join(at.markdown[0].value.split())


def test_every_control_at_both_ends():
    at = open_app(q=QID, lang="en")
    for key, value, widget in [("depth", limits.RES_DEPTH.lo, "slider"), ("depth", limits.RES_DEPTH.hi, "slider"),
                               ("norm", "none", "selectbox"), ("lr", limits.RES_LRS[0], "select_slider"),
                               ("lr", limits.RES_LRS[-1], "select_slider"), ("seed", limits.SEED.hi, "number_input")]:
        getattr(at, widget)(key=f"{QID}.{key}").set_value(value).run()
        assert_healthy(at, QID, "en", N_CHARTS)
        assert at.query_params[key] == (f"{value:g}" if key == "lr" else str(value))
    assert len(at.metric) == 3


def test_depth_one_shows_two_figures():
    at = open_app(q=QID, lang="en", depth="1")
    assert_healthy(at, QID, "en", N_CHARTS)
    assert len(at.metric) == 2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_diverging_rate_is_a_marked_result(lang):
    at = open_app(q=QID, lang=lang, depth=str(limits.RES_DEPTH.hi), norm="none", lr=f"{limits.RES_LRS[-1]:g}")
    assert_healthy(at, QID, lang, N_CHARTS)
    warning = " ".join(w.value for w in at.warning)
    assert t("res.diverged_note", lang, runs="X").split("X")[0] in warning
    assert "NaN" in page_text(at)


def test_bad_url_values_fall_back_with_a_notice():
    at = open_app(q=QID, lang="en", depth="99", norm="batch", lr="0.005")
    assert_healthy(at, QID, "en", N_CHARTS)
    assert at.slider(key=f"{QID}.depth").value == limits.RES_DEPTH.hi
    assert at.selectbox(key=f"{QID}.norm").value == "layer"
    assert at.select_slider(key=f"{QID}.lr").value in limits.RES_LRS
    assert len(at.info) == 3


def test_reset_restores_defaults():
    at = open_app(q=QID, lang="en", depth="2", norm="none")
    at.button(key=f"{QID}.reset").click().run()
    assert_healthy(at, QID, "en", N_CHARTS)
    assert at.slider(key=f"{QID}.depth").value == limits.RES_DEPTH.default
    assert at.selectbox(key=f"{QID}.norm").value == "layer"
