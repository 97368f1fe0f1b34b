"""AppTest of the `variants` lesson (topic page `architecture`): both languages, the map's deep links, the
figures against the lab, every control at both ends, bad URL values, the language switch (the same
measurement, not a new one) and reset. The live FFN runs take a few steps here (limits.VAR_STEPS, read by
the page at run time and part of the stored result's key); most timings run at n = 64 with one repeat."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy as healthy, open_app, page_text

from tf_core import limits
from tf_core.device import DeviceInfo, cpu_threads
from tf_core.lab import variants as lab
from ui import curriculum
from ui.i18n import t
from ui.text import device_text, num

QID = "variants"
QUICK = {"length": "64", "repeats": "1"}
N_CHARTS = 6  # decode step against n (main); SmolLM2's cache; the norms' means and times; the FFNs' losses and times
STEPS = 3


@pytest.fixture(autouse=True, scope="module")
def short_training_runs():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(limits, "VAR_STEPS", limits.IntRange(1, 300, STEPS))
        yield


def assert_healthy(at, lang):
    return healthy(at, QID, lang, N_CHARTS, absent=("<script>",))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_opens_at_the_defaults_in_both_languages(lang):
    at = open_app(q=QID, lang=lang)
    frames = assert_healthy(at, lang)
    assert dict(at.query_params) == {"q": QID, "lang": lang, "length": str(limits.VAR_LENGTH.default),
                                     "repeats": str(limits.VAR_REPEATS.default), "seed": str(limits.SEED.default)}
    assert len(at.metric) == 4
    decode = frames[0][1]  # the main chart: every variant at every length up to n
    grid = lab.grid_for(limits.VAR_LENGTH.default)
    by_way = decode.groupby("series")["n"].apply(list).to_dict()
    assert by_way == {t(f"var.way.{w}", lang): grid for w in lab.WAYS}
    assert ((decode["lo"] <= decode["ms"]) & (decode["ms"] <= decode["hi"]) & (decode["ms"] > 0)).all()
    # the short answer's cache bytes are the formula's for SmolLM2 at n
    s = lab.smol_facts()
    short = at.markdown[0].value
    for kv in (s.n_kv_heads, s.n_heads):
        assert num(lab.smol_cache_bytes(s, limits.VAR_LENGTH.default, kv) / 1e6) in short
    job_threads = cpu_threads()[1]  # the device and threads the timing ran on (a queued job's)
    assert device_text(DeviceInfo("cpu", "", job_threads, job_threads), lang) in page_text(at)
    assert t("train.where", lang, device=t("train.device.cpu", lang), threads=limits.TRAIN_THREADS, seed=0, seconds=0,
             runs=2).split("0")[0] in page_text(at)


def test_the_map_links_each_variant_to_its_lessons():
    at = open_app(q=QID, lang="zh", **QUICK)
    assert_healthy(at, "zh")
    cur = curriculum.load()
    links = {el.proto.query_string: el.proto.label for el in at.get("page_link")}
    linked = {qid for qid in ("ln-vs-bn", "residual", "pe-variants", "ffn", "kv-cache", "parallelism") if cur.get(qid).built}
    assert set(links) == {f"q={qid}&lang=zh" for qid in linked}
    assert all(links[f"q={qid}&lang=zh"] == cur.get(qid).short("zh") for qid in linked)
    assert page_text(at).count(t("var.map.here", "zh")) == 3  # RMSNorm, SwiGLU, MQA/GQA: this lesson


def test_every_control_at_both_ends():
    at = open_app(q=QID, lang="en", **QUICK)
    assert_healthy(at, "en")
    steps = [("select_slider", "length", limits.VAR_LENGTH), ("slider", "repeats", limits.VAR_REPEATS),
             ("number_input", "seed", limits.SEED)]
    for kind, name, bounds in steps:
        for value in (bounds.hi, bounds.lo):
            getattr(at, kind)(key=f"{QID}.{name}").set_value(value).run()
            decode = assert_healthy(at, "en")[0][1]
            assert at.query_params[name] == str(value)
            if name == "length":
                assert decode["n"].max() == value and f"{value:,}" in at.markdown[0].value
            if name == "repeats" and value == 1:  # one sample: its fastest and slowest are the median
                assert (decode["lo"] == decode["ms"]).all() and (decode["hi"] == decode["ms"]).all()


@pytest.mark.parametrize("query, used", [({"length": "abc"}, limits.VAR_LENGTH.default), ({"length": "100"}, 128),
                                         ({"length": "99999"}, limits.VAR_LENGTH.hi), ({"repeats": "-3"}, None),
                                         ({"seed": "1e9"}, None), ({"length": "<script>"}, limits.VAR_LENGTH.default)])
def test_bad_url_values_fall_back_with_a_notice(query, used):
    at = open_app(q=QID, lang="en", **{**QUICK, **query})
    assert_healthy(at, "en")
    assert at.info, "no notice"
    name = next(iter(query))
    assert at.query_params[name] != query[name]
    if used is not None:
        assert at.select_slider(key=f"{QID}.length").value == used


def test_language_switch_keeps_the_measurement_and_reset_restores_the_defaults():
    at = open_app(q=QID, lang="en", length="128", repeats="2", seed="7")
    assert_healthy(at, "en")
    figures = [m.value for m in at.metric]
    at.radio(key="lang").set_value("zh").run()
    assert_healthy(at, "zh")
    assert (at.query_params["length"], at.query_params["repeats"], at.query_params["seed"]) == ("128", "2", "7")
    numbers = lambda value: [w for w in value.split() if any(c.isdigit() for c in w)]  # noqa: E731  (units are translated)
    assert [numbers(m.value) for m in at.metric] == [numbers(f) for f in figures]  # the cached runs, not new ones
    at.button(key=f"{QID}.reset").click().run()
    assert_healthy(at, "zh")
    assert at.query_params["length"] == str(limits.VAR_LENGTH.default) and at.query_params["seed"] == str(limits.SEED.default)
