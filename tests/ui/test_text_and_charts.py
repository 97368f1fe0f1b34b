"""Escaping of user text, number formatting, and the chart builders."""
from __future__ import annotations

import numpy as np
import pytest

from ui.i18n import t
from ui.text import md_escape, num, plotly_escape, strip_controls


@pytest.mark.parametrize(
    "raw",
    ["<script>alert(1)</script>", "[link](javascript:alert(1))", "**bold** _it_ `code`", "$x^2$", "# head",
     "![img](http://x/y.png)", "a|b|c"],
)
def test_md_escape_neutralises_markup(raw):
    out = md_escape(raw)
    for marker in "<>[]()*_`$#!|":
        assert all(out[i - 1] == "\\" for i, ch in enumerate(out) if ch == marker), (raw, out)


def test_md_escape_cuts_and_strips_controls():
    assert md_escape("x" * 500, max_len=10) == "x" * 9 + "…"
    assert "\x00" not in md_escape("a\x00b") and "\u202e" not in md_escape("a\u202eb")
    assert md_escape("注意力🤖") == "注意力🤖"


def test_plotly_escape():
    assert plotly_escape("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert plotly_escape('a"b') == "a&quot;b"
    assert strip_controls("a\x07b\nc") == "a?b\nc"


@pytest.mark.parametrize(
    "x, expected",
    [(0, "0"), (0.5, "0.5"), (0.123456, "0.123"), (1.0, "1"), (58.76, "58.8"), (4321.4, "4,321"),
     (1e-7, "1.00e-07"), (float("nan"), "NaN"), (-2.5, "-2.5")],
)
def test_num(x, expected):
    assert num(x) == expected


def test_scaling_charts_carry_the_lab_result():
    from tf_core.lab import scaling as lab
    from ui.charts import scaling as charts

    r = lab.run(dk=256, n=16, seed=1)
    other = lab.run(dk=3, n=1000, seed=2, sigma=4.0)
    for lang in ("en", "zh"):
        var = charts.scaling_variance(r, lang)
        sampled = var.data[var.data["series"] == t("scaling.var.raw", lang)]
        assert sampled["value"].tolist() == pytest.approx(list(r.var_raw))
        assert sampled["log10"].tolist() == pytest.approx(list(np.log10(r.var_raw)))
        assert var.data[var.data["kind"] == "at"]["dk"].tolist() == [256, 256]
        for metric in charts.HEALTH_METRICS:
            panel = charts.scaling_health(r, lang, metric)
            assert set(panel.data["kind"]) == {"curve", "at"}
        weights = charts.scaling_weights(r, lang)
        assert len(weights.data) == 2 * 16 and weights.spec["mark"]["type"] == "bar"
        # The spec holds no live value: the same object whatever the inputs (cached per language),
        # and no data of its own (the page sends the data beside it).
        assert charts.scaling_variance(other, lang).spec is var.spec
        assert charts.scaling_weights(other, lang).spec is weights.spec
        for spec in (var.spec, weights.spec, charts.scaling_health_legend(lang).spec):
            assert "datasets" not in spec and "data" not in spec
            assert all("data" not in layer for layer in spec.get("layer", []))
    assert charts.scaling_variance(r, "en").spec != charts.scaling_variance(r, "zh").spec


def test_token_heatmap_keeps_repeated_tokens_apart():
    from ui.charts import shared as charts

    pieces = ("[CLS]", "the", "a|b", "the", "<b>x</b>", "[SEP]")
    g = np.random.default_rng(0)
    scores = g.normal(size=(6, 6))
    for lang in ("en", "zh"):
        c = charts.token_heatmap(scores, pieces, lang, "qk.heat_own")
        assert len(c.data) == 36 and c.data["q"].nunique() == 6 and c.data["k"].nunique() == 6
        assert sorted(c.data["k"].unique()) == list(dict.fromkeys(c.data["k"]))  # sort order = position order
        assert c.data.groupby("q")["is_max"].sum().tolist() == [1] * 6  # one circled maximum per row
        assert c.data["rel"].abs().max() == pytest.approx(1.0)
        assert c.data["score"].tolist() == pytest.approx(scores.reshape(-1).tolist())
        assert "<b>x</b>" not in str(c.spec) and "data" not in c.spec  # tokens travel as data only
        assert charts.token_heatmap(scores[:2, :2], pieces[:2], lang, "qk.heat_own").spec is c.spec
    # the axis shows the token after the 4-character position prefix, "|" inside a token included
    assert charts.pos_label(2, "a|b")[4:] == "a|b"


def test_pieces_of_undrawn_scripts_carry_their_code_points():
    from ui.text import with_code_points

    assert with_code_points("##ing") == "##ing" and with_code_points("中文") == "中文" and with_code_points("▁Ω") == "▁Ω"
    assert with_code_points("য") == "য (U+09AF)" and with_code_points("##ང") == "##ང (U+0F44)"
    assert with_code_points("กขคฆง") == "กขคฆง (U+0E01 U+0E02 U+0E04 U+0E06 …)"
    assert with_code_points("a\x00") == "a?"  # controls replaced, as everywhere


def test_a_matrix_image_has_a_pixel_per_cell_in_the_plotly_heatmaps_colours():
    """ui.charts.positions.matrix_image: the PNG holds one pixel per cell, row 0 on top, coloured by Plotly's
    own RdBu_r stops from -zmax to zmax (its ends and its white middle), values past zmax clipped."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    from ui.charts import positions

    z = np.array([[-1.0, 0.0, 1.0], [2.0, -5.0, 0.5]])
    chart = positions.matrix_image(z, np.arange(3), np.arange(2), "en", "pe.axis.dim", "pe.axis.position", "pe.axis.value",
                                   zmax=1.0)
    url = chart.data.url.iloc[0]
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB"))
    assert pixels.shape == (2, 3, 3)
    assert pixels[0].tolist() == [[5, 48, 97], [247, 247, 247], [103, 0, 31]]
    assert pixels[1, 0].tolist() == [103, 0, 31] and pixels[1, 1].tolist() == [5, 48, 97]  # clipped at ±zmax
    between = (np.array([244, 165, 130]) + np.array([214, 96, 77])) / 2  # 0.5 lies at 0.75: halfway from stop 0.7 to 0.8
    assert np.abs(pixels[1, 2] - between).max() <= 1
    assert chart.data.x.iloc[0] == -0.5 and chart.data.x2.iloc[0] == 2.5 and sorted(chart.data.v.dropna()) == [-1.0, 1.0]
