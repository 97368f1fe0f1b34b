"""AppTest of the `positional-encoding` lesson (page positions): both languages, every control at both ends
(odd d, one position, the caps, a shift past the table, an empty and a hostile sentence), bad URLs.

The page draws its two large matrices (the PE table, the similarity of every two positions) as one image
each in a Vega-Lite chart, and as Plotly heatmaps (zoom on up to 256 x 256 cells) when the learner asks;
apptest_helpers.assert_healthy refuses Plotly figures, so :func:`healthy` checks both kinds here and
lets the shared helper check everything else."""
from __future__ import annotations

import pytest

import apptest_helpers
from apptest_helpers import assert_healthy, image_size, open_app, page_text, plotly_figures
from tf_core import limits
from ui.i18n import t

QID = "positional-encoding"
MIXED = ("混合 mixed 🙂 <b>x</b> " * 200)[:limits.ENCODER_TEXT_CHARS]


def healthy(at, lang: str, vega: int, plotly: int, images: int = 0, absent: tuple[str, ...] = ("<b>x</b>",)):
    """The shared checks, plus: ``plotly`` Plotly figures, each a heatmap with data, no user text in them,
    and ``images`` of the ``vega`` charts matrix images. Returns (figures, the other charts, the images)."""
    figures = plotly_figures(at)
    assert len(figures) == plotly, f"{QID} ({lang}): {len(figures)} Plotly figures, expected {plotly}"
    for fig in figures:
        assert fig["data"][0]["type"] == "heatmap" and fig["data"][0]["z"], f"{QID} ({lang}): an empty heatmap"
        assert all(s not in str(fig) for s in absent)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(apptest_helpers, "plotly_figures", lambda at: [])  # checked above
        frames = assert_healthy(at, QID, lang, vega, absent=absent)
    pictures = [f for f in frames if "url" in f[1].columns]
    assert len(pictures) == images, f"{QID} ({lang}): {len(pictures)} matrix images, expected {images}"
    return figures, [f for f in frames if "url" not in f[1].columns], pictures


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_page(lang):
    from tf_core.lab import positional_encoding as lab
    from tf_core.models import registry
    from ui.text import num

    at = open_app(q=QID, lang=lang)
    # the table, the curves, the similarity (an image and the mean by distance), the shuffle's two charts
    _, frames, images = healthy(at, lang, vega=6, plotly=0, images=2)
    assert len(at.metric) == 4
    d, length = limits.PE_D.default, limits.PE_LENGTH.default
    assert len(frames[0][1]) == 4 * length  # 4 curves over the positions
    assert image_size(images[0][1]) == (d, length) and image_size(images[1][1]) == (length, length)  # a pixel a cell
    layers = frames[2][1]  # the shuffle's largest difference per layer, one series per way of adding positions
    none_max = layers[layers.series == t("pe.shuf.none", lang)].value.max()
    assert num(none_max) in at.markdown[0].value  # the short answer quotes the chart's measured equivariance
    if lang == "en":  # MiniLM (e5, for the Chinese default, takes ~8 s to load again here)
        text = at.text_area(key=f"{QID}.text").value
        r = lab.shuffle(registry.load("minilm"), text, limits.SEED.default)
        assert num(r.none.max()) == num(none_max) and at.metric[0].value == num(r.kept.max())
    h = lab.shift(d, length, limits.PE_BASE.default, limits.PE_OFFSET.default)
    assert at.metric[1].value == num(h.max_error)
    assert at.query_params["d"] == str(d) and at.query_params["base"] == "10000" and at.query_params["k"] == "4"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_view_switch_draws_the_rotation_instead_of_the_similarity(lang):
    """One of the two sections under the curves at a time (PE_VIEW): the rotation's corner of M_k and its
    angles replace the similarity's image and curve, the choice is in the URL, and a pasted link opens it."""
    at = open_app(q=QID, lang=lang)
    assert t("pe.sim.title", lang) in page_text(at) and t("pe.rot.title", lang) not in page_text(at)
    at.radio(key=f"{QID}.view").set_value("rotation").run()
    _, frames, images = healthy(at, lang, vega=6, plotly=0, images=1)  # table, curves, corner, angles, shuffle x2
    text = page_text(at)
    assert t("pe.rot.title", lang) in text and t("pe.sim.title", lang) not in text
    assert at.query_params["view"] == "rotation"
    from tf_core.lab import positional_encoding as lab

    k = limits.PE_OFFSET.default
    h = lab.shift(limits.PE_D.default, limits.PE_LENGTH.default, limits.PE_BASE.default, k)
    assert frames[1][1].value.tolist() == pytest.approx(h.corner.reshape(-1).tolist())  # M_k's corner, as computed
    assert frames[2][1].angle.tolist() == pytest.approx(list(h.angles))  # the angle of every pair
    linked = open_app(q=QID, lang=lang, view="rotation", k=str(k + 1))
    assert t("pe.rot.title", lang) in page_text(linked) and not linked.exception


def test_low_end_one_position_and_nothing_to_shuffle():
    at = open_app(q=QID, lang="en")
    at.slider(key=f"{QID}.d").set_value(limits.PE_D.lo)
    at.slider(key=f"{QID}.length").set_value(limits.PE_LENGTH.lo)
    at.select_slider(key=f"{QID}.base").set_value(2.0)
    at.number_input(key=f"{QID}.k").set_value(limits.PE_OFFSET.lo)
    at.text_area(key=f"{QID}.text").set_value("")
    at.number_input(key=f"{QID}.seed").set_value(limits.SEED.hi)
    at.selectbox(key=f"{QID}.model").set_value("minilm")
    at.run()
    healthy(at, "en", vega=2, plotly=0, images=1)  # the table, the curves
    info = " ".join(i.value for i in at.info)
    assert t("pe.sim.one", "en") in info and t("pe.shuf.identity", "en", n=0) in info
    at.radio(key=f"{QID}.view").set_value("rotation").run()
    healthy(at, "en", vega=4, plotly=0, images=1)  # the table, curves, M_k's corner, its angles
    assert len(at.metric) == 2 and at.query_params["k"] == str(limits.PE_OFFSET.lo)
    assert t("pe.identity_value", "en") in at.markdown[0].value  # the card does not quote a shuffle that never happened


def test_high_end_caps_odd_d_and_a_hostile_sentence():
    at = open_app(q=QID, lang="zh")
    at.slider(key=f"{QID}.d").set_value(limits.PE_D.hi - 1)  # odd: a lone sine
    at.slider(key=f"{QID}.length").set_value(limits.PE_LENGTH.hi)
    at.select_slider(key=f"{QID}.base").set_value(1_000_000.0)
    at.number_input(key=f"{QID}.k").set_value(limits.PE_OFFSET.hi)
    at.text_area(key=f"{QID}.text").set_value(MIXED)
    at.selectbox(key=f"{QID}.model").set_value("e5")
    at.run()
    _, _, images = healthy(at, "zh", vega=6, plotly=0, images=2)
    for _, frame in images:  # strided for the browser
        assert max(image_size(frame)) <= limits.PE_DRAW_SIDE
    text = page_text(at)
    assert t("pe.matrix.lone", "zh", d=limits.PE_D.hi - 1, last=limits.PE_D.hi - 2) in text
    from tf_core.lab.positional_encoding import strided, strided_dims

    rows, dims = strided(limits.PE_LENGTH.hi), strided_dims(limits.PE_D.hi - 1)  # 256 rows; 103 pairs and the lone sine
    assert t("pe.matrix.strided", "zh", rs=int(rows[1]), cs=int(dims[2] - dims[0]) // 2, r=len(rows), c=len(dims),
             length=limits.PE_LENGTH.hi, d=limits.PE_D.hi - 1) in text
    assert any(t("enc.truncated", "zh", n=0, cap=0).split("0")[0] in w.value for w in at.warning)
    assert at.query_params["length"] == str(limits.PE_LENGTH.hi)


@pytest.mark.parametrize("query, key, used", [({"d": "abc"}, "d", limits.PE_D.default), ({"k": "99999"}, "k", limits.PE_OFFSET.hi),
                                              ({"base": "3000"}, "base", 1_000.0), ({"length": "0"}, "length", 1),
                                              ({"view": "<b>x</b>"}, "view", "distance")])
def test_bad_url_values_fall_back_with_a_notice(query, key, used):
    at = open_app(q=QID, lang="en", **query)
    assert at.info, "no notice for a bad value"
    assert at.session_state[f"{QID}.{key}"] == used
    assert not at.exception


def test_the_zoom_switch_swaps_each_image_for_its_plotly_heatmap():
    """Under each matrix image a switch draws the same matrix as a Plotly heatmap (zoom, hover), with the
    same cells; switched off again, the image comes back."""
    at = open_app(q=QID, lang="en")
    key = f"{QID}.chart.table.zoom"
    at.toggle(key=key).set_value(True).run()
    figures, _, images = healthy(at, "en", vega=5, plotly=1, images=1)
    d, length = limits.PE_D.default, limits.PE_LENGTH.default
    z = figures[0]["data"][0]["z"]  # Plotly's typed array: dtype, base64 bytes, "rows, columns"
    assert figures[0]["layout"]["height"] == 260 and tuple(int(n) for n in z["shape"].split(",")) == (length, d)
    at.toggle(key=f"{QID}.chart.sim.zoom").set_value(True).run()
    healthy(at, "en", vega=4, plotly=2, images=0)
    at.toggle(key=key).set_value(False).run()
    healthy(at, "en", vega=5, plotly=1, images=1)
