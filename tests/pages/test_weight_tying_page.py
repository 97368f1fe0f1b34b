"""AppTest of the `weight-tying` lesson (page layers): both languages, every control at both ends, bad
URLs. Each distinct (d, lr, seed) trains the small model twice (limits.TIE_STEPS steps each)."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy, open_app

from tf_core import limits
from ui import decoders

QID = "weight-tying"
CHARTS = 2  # the loss curves (train and held-out, tied and untied), the parameter split


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_page(lang):
    at = open_app(q=QID, lang=lang)
    frames = assert_healthy(at, QID, lang, CHARTS)
    assert 2 <= len(at.metric) <= 4
    split = frames[1][1]
    if decoders.available(decoders.SMOLLM2):
        from tf_core.lab import weight_tying as wt

        f = wt.smollm2_file()
        assert "output.weight" in at.code[0].value and "absent" in at.code[0].value
        assert f"{round(100 * f.table_share)}%" in at.markdown[0].value
        assert split["params"].max() == f.total - f.table_params


@pytest.mark.parametrize("lang, d, lr, seed", [
    ("en", limits.TIE_D_OPTIONS[0], limits.TIE_LR_OPTIONS[-1], limits.SEED.hi),
    ("zh", limits.TIE_D_OPTIONS[-1], limits.TIE_LR_OPTIONS[0], limits.SEED.lo),
])
def test_controls_at_both_ends(lang, d, lr, seed):
    at = open_app(q=QID, lang=lang)
    at.select_slider(key="weight-tying.d").set_value(d)
    at.select_slider(key="weight-tying.lr").set_value(lr)
    at.number_input(key="weight-tying.seed").set_value(seed)
    at.run()
    assert_healthy(at, QID, lang, CHARTS)
    assert (at.query_params["d"], at.query_params["lr"], at.query_params["seed"]) == (str(d), f"{lr:g}", str(seed))


@pytest.mark.parametrize("query", [{"d": "abc"}, {"d": "1000"}, {"lr": "-1"}, {"seed": "1e9"}, {"x": "<b>"}])
def test_bad_url_values_fall_back_with_a_notice(query):
    at = open_app(q=QID, lang="en", **query)
    assert_healthy(at, QID, "en", CHARTS)
    assert at.info and "<b>" not in " ".join(i.value for i in at.info)
