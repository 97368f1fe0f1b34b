"""AppTest of the `ffn` lesson (page layers): both languages, every control at both ends, bad URLs.
Each distinct (lr, seed) trains three small stacks (limits.FFN_STEPS steps each), kept in the
process's store (ui.training): the tests reuse the few settings they reach."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy, open_app

from tf_core import limits
from ui.i18n import t

QID = "ffn"
CHARTS = 6  # the two activation panels, the position check, the loss curves, the dead units, the parameter bars
LR = limits.FFN_LR_OPTIONS


def healthy(at, lang):
    return assert_healthy(at, QID, lang, CHARTS, absent=("<b>x</b>",))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_page(lang):
    from tf_core.lab import ffn
    from tf_core.models import registry

    at = open_app(q=QID, lang=lang)
    frames = healthy(at, lang)
    assert 2 <= len(at.metric) <= 4
    # the short answer quotes the FFN weights of one layer of the model the sentence ran on
    key = registry.pick(at.text_area(key="ffn.text").value)
    cfg = registry.load(key).model.cfg
    assert f"{2 * cfg.d_model * cfg.d_ff + cfg.d_ff + cfg.d_model:,}" in at.markdown[0].value
    # the curves are the lab's
    c = ffn.curves()
    spec, values = frames[0]
    assert len(values) == 3 * len(c.x) and values["y"].max() == pytest.approx(c.value.max(), rel=1e-6)
    assert at.query_params["lr"] == f"{limits.FFN_LR.default:g}"


@pytest.mark.parametrize("lang, lr, seed, text, model", [
    ("en", LR[0], limits.SEED.hi, "", "minilm"),
    ("zh", LR[-1], limits.SEED.lo, ("混合 mixed 🙂 <b>x</b> " * 200)[:limits.ENCODER_TEXT_CHARS], "e5"),
])
def test_controls_at_both_ends(lang, lr, seed, text, model):
    at = open_app(q=QID, lang=lang)
    at.select_slider(key="ffn.lr").set_value(lr)
    at.number_input(key="ffn.seed").set_value(seed)
    at.text_area(key="ffn.text").set_value(text)
    at.selectbox(key="ffn.model").set_value(model)
    at.run()
    healthy(at, lang)
    assert at.query_params["lr"] == f"{lr:g}" and at.query_params["seed"] == str(seed)
    if text:
        assert any(t("enc.truncated", lang, n=0, cap=0).split("0")[0] in w.value for w in at.warning)


@pytest.mark.parametrize("query, used", [({"lr": "abc"}, limits.FFN_LR.default), ({"lr": "5"}, LR[-1]),
                                         ({"lr": "0.02"}, 0.03), ({"seed": "-4"}, None), ({"model": "<b>x</b>"}, None)])
def test_bad_url_values_fall_back_with_a_notice(query, used):
    at = open_app(q=QID, lang="en", **query)
    healthy(at, "en")
    assert at.info, "no notice for a bad value"
    if used is not None:
        assert at.select_slider(key="ffn.lr").value == used
