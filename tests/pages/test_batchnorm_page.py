"""AppTest of the `batchnorm` lesson (page norms): both languages, every control at both ends, the
one-value case explained on the page, a bad URL, reset. The runs are cut to a few steps here
(limits.BN_STEPS patched: the page passes it to the lab), so the numbers are an untrained model's;
the page's layout and checks do not depend on them."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy, open_app, page_text

from tf_core import limits
from ui.i18n import t
from ui.text import num

QID = "batchnorm"
N_CHARTS = 4  # noise (main), modes, drift, the training curves
STEPS = 2


@pytest.fixture(autouse=True)
def short_runs(monkeypatch):
    monkeypatch.setattr(limits, "BN_STEPS", STEPS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_in_both_languages(lang):
    at = open_app(q=QID, lang=lang)
    assert_healthy(at, QID, lang, N_CHARTS)
    assert len(at.metric) == 3
    text = page_text(at)
    assert t("bn.one_value", lang, ours="X", theirs="Y").split("X")[0][:20] in text  # the one-value case, explained
    assert at.query_params["len"] == str(limits.BN_LENGTH.default)


def test_short_answer_quotes_the_lab():
    from tf_core.lab import batchnorm as lab

    at = open_app(q=QID, lang="en")
    r = lab.run(length=limits.BN_LENGTH.default, batch=limits.BN_BATCH.default, seed=0, steps=STEPS)
    assert f"by {num(r.noise_mean[0])} of its" in " ".join(at.markdown[0].value.split())


def test_every_control_at_both_ends():
    at = open_app(q=QID, lang="en")
    for key, value, widget in [("len", limits.BN_LENGTH.lo, "slider"), ("len", limits.BN_LENGTH.hi, "slider"),
                               ("batch", limits.BN_BATCH.lo, "slider"), ("batch", limits.BN_BATCH.hi, "slider"),
                               ("seed", limits.SEED.hi, "number_input"), ("seed", limits.SEED.lo, "number_input")]:
        getattr(at, widget)(key=f"{QID}.{key}").set_value(value).run()
        assert_healthy(at, QID, "en", N_CHARTS)
        assert at.query_params[key] == str(value)
        if key == "len" and value == 1:  # batch size 1 x length 1: one value per feature, explained, no traceback
            assert "point is missing" in page_text(at)


def test_bad_url_values_fall_back_with_a_notice():
    at = open_app(q=QID, lang="zh", len="abc", batch="1", seed="1e9")
    assert_healthy(at, QID, "zh", N_CHARTS)
    assert at.slider(key=f"{QID}.len").value == limits.BN_LENGTH.default
    assert at.slider(key=f"{QID}.batch").value == limits.BN_BATCH.lo
    assert len(at.info) == 3


def test_reset_restores_defaults():
    at = open_app(q=QID, lang="en", len="3", batch="5")
    at.button(key=f"{QID}.reset").click().run()
    assert_healthy(at, QID, "en", N_CHARTS)
    assert at.slider(key=f"{QID}.len").value == limits.BN_LENGTH.default
    assert at.slider(key=f"{QID}.batch").value == limits.BN_BATCH.default
