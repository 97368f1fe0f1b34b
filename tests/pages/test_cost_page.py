"""AppTest of the cost page: lessons `complexity` and `block-cost` in both languages, every control at both
ends, bad URL values, the language switch (the same measurement, not a new one) and reset. The control runs
use d = 8, one head and one repeat, so a run at the longest n takes milliseconds; the defaults run once per
lesson (cached across the two languages)."""
from __future__ import annotations

import re

import pytest
from apptest_helpers import assert_healthy as healthy, open_app, page_text

from tf_core import flops, limits
from tf_core.device import DeviceInfo, cpu_threads
from tf_core.lab import block_cost as bc_lab
from tf_core.lab import complexity as cx_lab
from ui.i18n import t
from ui.text import device_text

N_CHARTS = {"complexity": 3, "block-cost": 5}  # time, memory, walk | ratio, three splits, every part
QUICK = {"complexity": {"n": "64", "d": "8", "heads": "1", "repeats": "1"},
         "block-cost": {"n": "64", "d": "8", "heads": "1", "ff": "1", "repeats": "1"}}
CONTROLS = {
    "complexity": [("select_slider", "n", limits.CX_N), ("select_slider", "d", limits.CX_D),
                   ("select_slider", "heads", limits.CX_HEADS), ("slider", "repeats", limits.CX_REPEATS),
                   ("number_input", "seed", limits.SEED)],
    "block-cost": [("select_slider", "n", limits.BC_N), ("select_slider", "d", limits.BC_D),
                   ("select_slider", "heads", limits.BC_HEADS), ("select_slider", "ff", limits.BC_FF),
                   ("slider", "repeats", limits.BC_REPEATS), ("number_input", "seed", limits.SEED)],
}


def assert_healthy(at, qid, lang):
    return healthy(at, qid, lang, N_CHARTS[qid], absent=("<script>",))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_complexity_at_the_defaults(lang):
    at = open_app(q="complexity", lang=lang)
    frames = assert_healthy(at, "complexity", lang)
    assert dict(at.query_params) == {"q": "complexity", "lang": lang, "n": str(limits.CX_N.default),
                                     "d": str(limits.CX_D.default), "heads": str(limits.CX_HEADS.default),
                                     "repeats": str(limits.CX_REPEATS.default), "seed": str(limits.SEED.default)}
    assert len(at.metric) == 4
    times = frames[0][1]  # the main chart: measured points per way, and the fits
    points = times[times["kind"] == "point"]
    grid = cx_lab.grid_for(limits.CX_N.default)
    for way in cx_lab.WAYS:
        assert points[points["series"] == t(f"cx.way.{way}", lang)]["n"].tolist() == grid
    assert (points["lo"] <= points["value"]).all() and (points["value"] <= points["hi"]).all()
    walk = frames[2][1]
    assert len(walk) == 11 and "(1, 4, 1024, 1024)" in walk["shape"].tolist()
    job = cpu_threads()[1]  # the run is a queued job (tf_core.device.job_threads)
    assert device_text(DeviceInfo("cpu", "", job, job), lang) in page_text(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_block_cost_at_the_defaults(lang):
    at = open_app(q="block-cost", lang=lang)
    frames = assert_healthy(at, "block-cost", lang)
    assert at.query_params["n"] == str(limits.BC_N.default) and at.query_params["ff"] == str(limits.BC_FF.default)
    assert len(at.metric) == 4
    d, d_ff = limits.BC_D.default, limits.BC_D.default * limits.BC_FF.default
    ratio = frames[0][1]
    counted = ratio[(ratio["series"] == t("bc.ratio.flops", lang)) & (ratio["kind"] == "ratio")]
    assert counted["n"].tolist() == bc_lab.grid_for(limits.BC_N.default)
    assert counted["ratio"].tolist() == pytest.approx([n / (2 * d + d_ff) for n in counted["n"]])
    cross = ratio[(ratio["series"] == t("bc.ratio.flops", lang)) & (ratio["kind"] == "cross")]
    assert cross["n"].tolist() == [flops.crossing_n(d, d_ff)]  # the counted crossing, inside the default grid
    text = page_text(at)
    assert f"{4 * d * d:,}" in text and f"{2 * d * d_ff:,}" in text and f"{flops.crossing_n(d, d_ff):,}" in text


@pytest.mark.parametrize("qid", ["complexity", "block-cost"])
def test_every_control_at_both_ends(qid):
    """Each control to its upper end and back to its lower end (the others at their quick values)."""
    at = open_app(q=qid, lang="en", **QUICK[qid])
    assert_healthy(at, qid, "en")
    for kind, name, bounds in CONTROLS[qid]:
        for value in (bounds.hi, bounds.lo):
            getattr(at, kind)(key=f"{qid}.{name}").set_value(value).run()
            frames = assert_healthy(at, qid, "en")
            assert at.query_params[name] == str(value)
            if name == "n":
                assert frames[0][1]["n"].max() == pytest.approx(value)


@pytest.mark.parametrize("qid,query", [("complexity", {"n": "abc"}), ("complexity", {"d": "100000"}),
                                       ("complexity", {"heads": "3"}), ("block-cost", {"ff": "<script>"}),
                                       ("block-cost", {"repeats": "-3"}), ("block-cost", {"seed": "1e9"})])
def test_bad_url_values_fall_back_with_a_notice(qid, query):
    at = open_app(q=qid, lang="en", **{**QUICK[qid], **query})
    assert_healthy(at, qid, "en")
    assert at.info, "no notice"
    name = next(iter(query))
    assert at.query_params[name] != query[name]


def test_language_switch_keeps_the_measurement_and_reset_restores_the_defaults():
    at = open_app(q="block-cost", lang="en", **{**QUICK["block-cost"], "n": "96", "d": "16", "heads": "2"})
    assert_healthy(at, "block-cost", "en")
    numbers = lambda: [re.findall(r"\d[\d,.]*", str(m.value)) for m in at.metric]  # noqa: E731  (the words are translated)
    figures = numbers()
    at.radio(key="lang").set_value("zh").run()
    assert_healthy(at, "block-cost", "zh")
    assert at.query_params["n"] == "96" and at.query_params["d"] == "16" and at.query_params["heads"] == "2"
    assert numbers() == figures  # the cached run, not a new timing
    at.button(key="block-cost.reset").click().run()
    assert_healthy(at, "block-cost", "zh")
    assert at.query_params["n"] == str(limits.BC_N.default) and at.query_params["d"] == str(limits.BC_D.default)
