"""AppTest of the `pe-variants` lesson (page positions): both languages at the defaults (the card's numbers
against the lab's own sweep), every control at both ends with few windows (the sweep is cached per
process, keyed by windows and seed), an empty kinds selection, a missing checkpoint, a bad URL."""
from __future__ import annotations

import pytest

from apptest_helpers import assert_healthy, image_size, open_app, page_text, plotly_figures
from tf_core import limits
from ui.i18n import t
from ui.text import num

QID = "pe-variants"
FEW = "4"  # windows: a sweep of ~15k characters, well under a second


def shape(fig: dict) -> str:
    """The shape of a Plotly heatmap's z, which Plotly sends binary-encoded ({"dtype", "bdata", "shape"})."""
    return fig["data"][0]["z"]["shape"]


def healthy(at, lang: str, vega: int, plotly: int, panels: int = 2):
    """The shared checks; ``plotly`` Plotly figures; ``panels`` of the ``vega`` charts are bias maps drawn as
    images (ALiBi's, the trained T5 model's). Returns (the other charts, the figures, the panel charts)."""
    frames = assert_healthy(at, QID, lang, vega)
    figures = plotly_figures(at)
    assert len(figures) == plotly, f"{QID} ({lang}): {len(figures)} Plotly figures, expected {plotly}"
    images = [f for f in frames if "panel" in f[1].columns]
    assert len(images) == panels, f"{QID} ({lang}): {len(images)} bias-map images, expected {panels}"
    return [f for f in frames if "panel" not in f[1].columns], figures, images


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_page_quotes_the_live_sweep(lang):
    from tf_core.device import job_threads
    from tf_core.lab import pe_variants as lab

    at = open_app(q=QID, lang=lang)
    # length, positions, RoPE, slopes, buckets and the 2 bias-map images; Plotly: the helix, MiniLM's similarity
    frames, figures, _ = healthy(at, lang, vega=7, plotly=2)
    assert figures[0]["data"][0]["type"] == "scatter3d" and shape(figures[1]) == f"{limits.PE_LEARNED_ROWS}, {limits.PE_LEARNED_ROWS}"
    assert len(at.metric) == 3
    with job_threads():  # the threads the page's queued sweep ran on, so the sums match to the last bit
        r = lab.extrapolation(lab.load_models(), windows=limits.PE_WINDOWS.default, seed=limits.SEED.default)
    ratio = dict(zip(r.kinds, r.ratio))
    assert at.metric[0].value == f"{num(min(ratio.values()))} → {num(max(ratio.values()))}"
    assert at.metric[2].value == f"{(ratio['none'] - 1) * 100:+.0f}%"
    lengths = frames[0][1]
    assert len(lengths) == 6 * len(r.lengths) and sorted(set(lengths.L)) == list(r.lengths)
    text = page_text(at)
    assert num(ratio["rope"]) in text and num(ratio["learned"]) in text  # the card quotes them from the run
    assert "IndexError" in " ".join(c.value for c in at.code)  # the learned table past its last row
    assert at.query_params["windows"] == str(limits.PE_WINDOWS.default)


def test_low_end_of_every_control():
    at = open_app(q=QID, lang="en", windows=FEW)
    for name, bounds in (("windows", limits.PE_WINDOWS), ("seed", limits.SEED), ("k", limits.PE_OFFSET), ("heads", limits.ALIBI_HEADS),
                         ("buckets", limits.T5_BUCKETS), ("maxdist", limits.T5_MAX_DISTANCE), ("side", limits.PE_BIAS_LENGTH)):
        at.number_input(key=f"{QID}.{name}").set_value(bounds.lo)
    at.run()
    frames, figures, images = healthy(at, "en", vega=7, plotly=2)
    alibi = images[0][1]
    assert alibi.panel.nunique() == 1 and image_size(alibi) == (1, 1)  # one head, one position
    assert at.query_params["k"] == str(limits.PE_OFFSET.lo)


def test_high_end_of_the_views_and_an_empty_selection():
    at = open_app(q=QID, lang="zh", windows=FEW, seed=str(limits.SEED.hi))
    for name, bounds in (("k", limits.PE_OFFSET), ("heads", limits.ALIBI_HEADS), ("buckets", limits.T5_BUCKETS),
                         ("maxdist", limits.T5_MAX_DISTANCE), ("side", limits.PE_BIAS_LENGTH)):
        at.number_input(key=f"{QID}.{name}").set_value(bounds.hi)
    at.button_group(key=f"{QID}.kinds").set_value([])
    at.run()
    frames, figures, images = healthy(at, "zh", vega=5, plotly=2)  # no loss charts: RoPE, slopes, buckets, 2 images
    assert t("pev.empty", "zh") in " ".join(w.value for w in at.warning)
    alibi = images[0][1]
    assert len(frames[1][1]) == limits.ALIBI_HEADS.hi and alibi.panel.nunique() == limits.PE_BIAS_MAPS
    assert image_size(alibi) == (limits.PE_BIAS_LENGTH.hi, limits.PE_BIAS_LENGTH.hi)
    at.toggle(key=f"{QID}.chart.alibi.zoom").set_value(True).run()  # the same maps as Plotly heatmaps
    _, figures, _ = healthy(at, "zh", vega=4, plotly=3, panels=1)
    assert len(figures[1]["data"]) == limits.PE_BIAS_MAPS and shape(figures[1]) == f"{limits.PE_BIAS_LENGTH.hi}, {limits.PE_BIAS_LENGTH.hi}"


def test_a_bad_windows_value_falls_back_with_a_notice():
    at = open_app(q=QID, lang="en", windows="0")  # the cap's far end (1,024: ~30 s) is not run here
    assert at.session_state[f"{QID}.windows"] == limits.PE_WINDOWS.lo and at.info
    assert not at.exception


def test_a_missing_checkpoint_names_the_command(monkeypatch, tmp_path):
    """ui.failures' message: what is missing and the command that restores it, no server path."""
    from tf_core.models import checkpoints

    real = checkpoints.load_position_lm
    monkeypatch.setattr(checkpoints, "load_position_lm", lambda kind, folder=None, device="cpu": real(kind, tmp_path, device))
    import streamlit as st

    st.cache_resource.clear()
    try:
        at = open_app(q=QID, lang="en", windows=FEW)
    finally:
        st.cache_resource.clear()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "PositionLM" in errors and "model file is missing" in errors
    assert "git checkout -- assets/models/positions" in errors and str(tmp_path) not in errors


def test_the_kinds_shown_live_in_the_url():
    from app_pages.lessons import pe_variants as lesson_module
    from tf_core.lab import pe_variants as lab

    assert lesson_module.KINDS == lab.KINDS  # the page's copy (it imports no torch) is the lab's list
    at = open_app(q=QID, lang="en", windows=FEW, kinds="alibi,<b>x</b>,rope")
    assert not at.exception and at.session_state[f"{QID}.kinds"] == ["rope", "alibi"]
    assert any("<b>x</b>" not in i.value and "kinds" in i.value for i in at.info)  # named, escaped
    frames = assert_healthy(at, QID, "en", 7)  # 5 charts and the 2 bias-map images
    lengths = frames[0][1]
    assert set(lengths.kind) == {"RoPE", "ALiBi"} and len(lengths) == 2 * len(set(lengths.L))  # two kinds x every length
    assert at.query_params["kinds"] == "rope,alibi"


def test_showing_fewer_kinds_changes_the_charts_data_not_their_spec():
    """The kinds' switches change what the two loss charts draw, not their specs (the legend keeps every
    kind): Streamlit then swaps the data into the drawn charts instead of building them again."""
    at = open_app(q=QID, lang="en", windows=FEW)
    before, _, _ = healthy(at, "en", vega=7, plotly=2)
    at.button_group(key=f"{QID}.kinds").set_value(["rope", "alibi"]).run()
    after, _, _ = healthy(at, "en", vega=7, plotly=2)
    for (spec_a, data_a), (spec_b, data_b) in zip(before[:2], after[:2]):  # loss by length, loss by position
        domains = [layer["encoding"]["color"]["scale"]["domain"] for layer in spec_a["layer"] if "color" in layer.get("encoding", {})]
        assert spec_a == spec_b and domains and all(len(d) == 6 for d in domains)
        assert set(data_b.kind) == {"RoPE", "ALiBi"} and len(data_b) < len(data_a)
