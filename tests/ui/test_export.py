"""Export (ui/export.py): the file names carry the settings, CSV cells cannot run as spreadsheet formulas,
the ZIP holds one CSV per chart the page drew, the Markdown holds the card with its live numbers, and
every lesson's page offers both downloads in its export expander."""
from __future__ import annotations

import doctest
import io
import zipfile

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from ui import export


def test_doctests():
    assert doctest.testmod(export).failed == 0


def test_settings_name_is_safe_and_bounded():
    name = export.settings_name("pe-adds", {"q": "pe-adds", "lang": "en", "text": "../../etc/passwd <script>" * 20})
    assert name.startswith("pe-adds_lang-en_text-") and len(name) <= len("pe-adds_") + export.MAX_NAME
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") and "/" not in name
    assert export.settings_name("scaling", {"q": "scaling"}) == "scaling"


def test_zip_has_one_csv_per_chart_and_no_formula_cells():
    frames = {"scaling.chart.var": pd.DataFrame({"dk": [1, 2], "var": [1.0, 2.1]}),
              "tok.chart": pd.DataFrame({"token": ["=HYPERLINK(\"x\")", "cat", "-1"], "v": [0.5, -0.25, 1.0]}),
              "lazy": lambda: pd.DataFrame({"a": [1]})}
    data = export.zip_bytes(frames, "about this run")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert sorted(z.namelist()) == ["README.txt", "lazy.csv", "scaling.chart.var.csv", "tok.chart.csv"]
        assert z.read("README.txt").decode() == "about this run"
        tok = pd.read_csv(io.BytesIO(z.read("tok.chart.csv")))
    assert tok.token.tolist() == ["'=HYPERLINK(\"x\")", "cat", "-1"] and tok.v.tolist() == [0.5, -0.25, 1.0]


def test_plotly_frame_gives_every_cell_with_its_axes():
    z = np.arange(6.0).reshape(2, 3)
    fig = go.Figure(go.Heatmap(z=z, x=[10, 20, 30], y=[0, 5]))
    frame = export.plotly_frame(fig)
    assert len(frame) == 6 and frame[(frame.y == 5) & (frame.x == 30)].value.item() == 5.0
    helix = export.plotly_frame(go.Figure(go.Scatter3d(x=[0, 1], y=[1, 0], z=[0, 1], name="pair 0")))
    assert helix.columns.tolist() == ["trace", "x", "y", "z"] and helix.trace.tolist() == ["pair 0"] * 2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_lesson_offers_both_downloads_built_from_what_it_drew(lang):
    from apptest_helpers import open_app, vega_frames

    at = open_app(q="scaling", lang=lang)
    charts = dict(at.session_state[export.REGISTRY])
    assert len(charts) == len(vega_frames(at)) > 0  # every chart the page drew is registered, nothing else
    assert not at.get("download_button")  # the expander is closed: nothing built
    at.session_state["scaling.export"] = True
    at.run()
    buttons = at.get("download_button")
    assert len(buttons) == 3 and not at.exception  # numbers, answer, pictures
    query = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    about = export.about_text("scaling", query, lang)
    md = export.card_markdown("scaling", {"short": "**x** = 1", "takeaway": "y"}, lang, about)
    assert md.startswith("# ") and "**x** = 1" in md and f"dk = {query['dk']}" in md
    with zipfile.ZipFile(io.BytesIO(export.zip_bytes(charts, about))) as z:
        assert len(z.namelist()) == len(charts) + 1


def test_the_link_back_uses_the_address_the_app_was_reached_by():
    query = {"q": "scaling", "lang": "en", "dk": "512"}
    about = export.about_text("scaling", query, "en", "https://class.example.org/lab/")
    assert "dk = 512" in about and about.endswith("https://class.example.org/lab?q=scaling&lang=en&dk=512")
    assert export.about_text("scaling", query, "en").endswith(" ?q=scaling&lang=en&dk=512")  # no address known: the query


@pytest.mark.parametrize("q, lang", [("scaling", "zh"), ("positional-encoding", "en"), ("pe-variants", "zh"), ("pe-adds", "en")])
def test_every_vega_lite_chart_of_a_lesson_exports_as_svg_and_png(q, lang):
    """The pictures of what the page drew (layers, facets, image marks, Chinese labels), drawn on the server
    by vl-convert: one SVG and one PNG per Vega-Lite chart, each a real picture, none failed."""
    from apptest_helpers import open_app, vega_frames
    from PIL import Image

    at = open_app(q=q, lang=lang)
    specs = dict(at.session_state[export.SPECS])
    plotly_pictures = [k for k, v in specs.items() if callable(v)]  # a Plotly matrix's picture, built on download
    assert len(specs) - len(plotly_pictures) == len(vega_frames(at)) > 0
    assert len(plotly_pictures) == (1 if q in ("pe-variants", "pe-adds") else 0)  # the learned table's similarity
    with zipfile.ZipFile(io.BytesIO(export.pictures_zip(specs, "about", lang))) as z:
        names = set(z.namelist())
        assert z.read("README.txt").decode().strip() == "about"  # no chart failed
        for key in specs:
            name = export._UNSAFE.sub("-", key)
            svg = z.read(f"{name}.svg").decode()
            assert svg.startswith("<svg") and "<text" in svg  # axes and labels drawn as text
            png = Image.open(io.BytesIO(z.read(f"{name}.png")))
            assert png.width >= 200 and png.height >= 20, (key, png.size)  # a legend alone is one row
        assert names == {"README.txt"} | {f"{export._UNSAFE.sub('-', k)}.{ext}" for k in specs for ext in ("svg", "png")}


def test_a_chart_that_cannot_be_drawn_is_named_and_the_others_kept():
    good = ({"mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}}}, pd.DataFrame({"a": [1, 2]}))
    bad = ({"mark": "no-such-mark"}, pd.DataFrame({"a": [1]}))
    with zipfile.ZipFile(io.BytesIO(export.pictures_zip({"good": good, "bad": bad}, "about", "en"))) as z:
        assert {"good.svg", "good.png"} <= set(z.namelist()) and "bad.svg" not in z.namelist()
        assert "bad:" in z.read("README.txt").decode()


def test_without_a_cjk_font_the_chinese_page_says_so_instead_of_exporting_boxes(monkeypatch):
    from apptest_helpers import open_app

    from ui.i18n import t

    monkeypatch.setattr(export, "cjk_font", lambda: False)
    at = open_app(q="scaling", lang="zh")
    at.session_state["scaling.export"] = True
    at.run()
    assert len(at.get("download_button")) == 2 and not at.exception
    assert any(t("export.no_cjk_font", "zh") == i.value for i in at.info)
    at = open_app(q="scaling", lang="en")  # English labels need no such font
    at.session_state["scaling.export"] = True
    at.run()
    assert len(at.get("download_button")) == 3


def test_this_machine_has_a_cjk_font():
    """The test install puts fonts-noto-cjk here (scripts/install.sh test): the check must find it."""
    assert export.cjk_font()
