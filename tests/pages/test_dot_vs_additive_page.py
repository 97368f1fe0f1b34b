"""AppTest of the `dot-vs-additive` lesson (topic page `attention`): both languages, every control at both
ends, bad URL values, the language switch (the same measurement, not a new one) and reset. Most runs use
n = 8 and one repeat, so each timing takes milliseconds."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy as healthy, open_app, page_text

from tf_core import flops, limits
from tf_core.device import DeviceInfo, cpu_threads
from tf_core.lab import dot_vs_additive as lab
from ui.i18n import t
from ui.text import device_text

QID = "dot-vs-additive"
QUICK = {"n": "8", "repeats": "1"}
N_CHARTS = 6  # time against n; counted FLOPs and GFLOP/s; score std, largest weight, entropy against d_k


def assert_healthy(at, lang):
    return healthy(at, QID, lang, N_CHARTS, absent=("<script>",))


def frame_of(frames, lang: str, title_key: str):
    """The data of the chart whose spec is titled ``t(title_key)``."""
    title = t(title_key, lang)
    (frame,) = [f for spec, f in frames if spec.get("title") == title]
    return frame


@pytest.fixture(params=["en", "zh"])
def lang(request):
    return request.param


def test_opens_at_the_defaults_in_both_languages(lang):
    at = open_app(q=QID, lang=lang)
    frames = assert_healthy(at, lang)
    assert dict(at.query_params) == {"q": QID, "lang": lang, "n": str(limits.DVA_N.default), "dk": str(limits.DVA_DK.default),
                                     "da": str(limits.DVA_DA.default), "repeats": str(limits.DVA_REPEATS.default),
                                     "seed": str(limits.SEED.default)}
    assert len(at.metric) == 4
    times = frames[0][1]  # the main chart: one row per way and n timed
    grid = lab.grid_for(limits.DVA_N.default)
    by_way = times.groupby("series")["n"].apply(list).to_dict()
    assert by_way[t("dva.way.dot", lang)] == grid == by_way[t("dva.way.additive", lang)]
    assert by_way[t("dva.way.naive", lang)] == [g for g in grid if lab.naive_affordable(g, limits.DVA_DK.default, limits.DVA_DA.default)]
    assert (times["lo"] <= times["ms"]).all() and (times["ms"] <= times["hi"]).all() and (times["ms"] > 0).all()
    # the device and threads the timing ran on (a queued job's: tf_core.device.job_threads) are said on the page
    job_threads = cpu_threads()[1]
    assert device_text(DeviceInfo("cpu", "", job_threads, job_threads), lang) in page_text(at)


def test_counted_flops_on_the_page_are_tf_core_flops():
    at = open_app(q=QID, lang="en", n="48", dk="12", da="6", repeats="1")
    frames = assert_healthy(at, "en")
    counts = frame_of(frames, "en", "dva.flops.y")
    dot = counts[counts["series"] == t("dva.way.dot", "en")]
    add = counts[counts["series"] == t("dva.way.additive", "en")]
    naive = counts[counts["series"] == t("dva.way.naive", "en")]
    assert dot["n"].tolist() == [8, 16, 32, 48]
    assert dot["value"].tolist() == [flops.dot_scores(n, 12) for n in (8, 16, 32, 48)]
    assert add["value"].tolist() == [flops.additive_scores(n, 12, 6) for n in (8, 16, 32, 48)]
    assert naive["value"].tolist() == [flops.additive_scores_naive(n, 12, 6) for n in (8, 16, 32, 48)]  # counted, timed or not
    assert f"{flops.additive_scores(48, 12, 6):,}" in page_text(at)


def test_every_control_at_both_ends():
    """Each control to its upper end and back to its lower end (the others at their quick or lower values)."""
    at = open_app(q=QID, lang="en", **QUICK)
    assert_healthy(at, "en")
    steps = [("select_slider", "n", limits.DVA_N), ("select_slider", "dk", limits.DVA_DK), ("select_slider", "da", limits.DVA_DA),
             ("slider", "repeats", limits.DVA_REPEATS), ("number_input", "seed", limits.SEED)]
    for kind, name, bounds in steps:
        for value in (bounds.hi, bounds.lo):
            getattr(at, kind)(key=f"{QID}.{name}").set_value(value).run()
            times = assert_healthy(at, "en")[0][1]
            assert at.query_params[name] == str(value)
            if name == "n":
                assert times["n"].max() == value
            if name == "repeats" and value == 1:  # one sample: its fastest and slowest are the median
                assert (times["lo"] == times["ms"]).all() and (times["hi"] == times["ms"]).all()


@pytest.mark.parametrize("query", [{"n": "abc"}, {"dk": "100000"}, {"da": "7"}, {"repeats": "-3"}, {"seed": "1e9"},
                                   {"n": "<script>"}])
def test_bad_url_values_fall_back_with_a_notice(query):
    at = open_app(q=QID, lang="en", **{**QUICK, **query})
    assert_healthy(at, "en")
    assert at.info, "no notice"
    name = next(iter(query))
    assert at.query_params[name] != query[name]


def test_language_switch_keeps_the_measurement_and_reset_restores_the_defaults():
    at = open_app(q=QID, lang="en", n="16", dk="3", repeats="2")
    assert_healthy(at, "en")
    figures = [m.value for m in at.metric]
    at.radio(key="lang").set_value("zh").run()
    assert_healthy(at, "zh")
    assert at.query_params["n"] == "16" and at.query_params["dk"] == "3" and at.query_params["repeats"] == "2"
    assert [m.value for m in at.metric] == figures  # the cached run, not a new timing
    at.button(key=f"{QID}.reset").click().run()
    assert_healthy(at, "zh")
    assert at.query_params["n"] == str(limits.DVA_N.default) and at.query_params["dk"] == str(limits.DVA_DK.default)
