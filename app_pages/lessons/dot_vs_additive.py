"""Lesson `dot-vs-additive` of the attention page: why dot-product rather than additive attention.

Measured (tf_core/lab/dot_vs_additive.py): the time of dot-product scores Q Kᵀ/√d_k and of additive
scores vᵀ tanh(W₁q + W₂k), computed efficiently, at every n of a grid up to the learner's n (the naive
per-pair W[q; k] too, where it stays affordable), with the FLOPs tf_core.flops counts for each, and
counted FLOPs per second of measured time; then the softmax saturation behind the literature's quality
result (score spread, largest weight, entropy against d_k, unscaled, scaled and additive). The timing
waits in the worker's line (tf_core.worker): a timed run has the machine to itself, and the page says
which device and how many threads it ran on.
"""
from __future__ import annotations

import math
import re

import numpy as np
import streamlit as st

from tf_core import limits
from ui.caching import cached
from ui import lesson, params
from ui.charts import attention as charts
from ui.i18n import t
from ui.text import device_text, num, spoken

# slider positions: powers of two and the midpoints between them (1.5 x)
N_OPTIONS = tuple(x for x in sorted({2**i for i in range(3, 10)} | {3 * 2**i for i in range(2, 8)}) if x <= limits.DVA_N.hi)
DK_OPTIONS = tuple(x for x in sorted({2**i for i in range(10)} | {3 * 2**i for i in range(8)}) if x <= limits.DVA_DK.hi)
DA_OPTIONS = tuple(x for x in DK_OPTIONS if x <= limits.DVA_DA.hi)
PARAMS = (params.Param("n", limits.DVA_N, options=N_OPTIONS), params.Param("dk", limits.DVA_DK, options=DK_OPTIONS),
          params.Param("da", limits.DVA_DA, options=DA_OPTIONS), params.Param("repeats", limits.DVA_REPEATS),
          params.Param("seed", limits.SEED))
FLOAT32_BYTES = 4
CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")  # "的 约 69 倍" -> "的约 69 倍"


@cached(16)
def measure(n: int, dk: int, da: int, repeats: int, seed: int, _lab, _lang: str):
    """The timed run (up to a few seconds): it waits in the worker's line, with a bar. ``_lang`` only
    picks the bar's words, so a language switch shows the same measurement (a cache hit replays the
    bar's box, emptied)."""
    from ui import decoders

    def job(progress):
        return _lab.run(n=n, d_k=dk, d_a=da, repeats=repeats, seed=seed, on_progress=progress.step)

    return decoders.run_in_line(job, _lang, t("dva.running", _lang))


def ms(seconds: float) -> str:
    return num(1000 * seconds)


def megabytes(elements: int) -> str:
    return num(elements * FLOAT32_BYTES / 1e6)


def gflops(rate: float) -> str:
    return num(rate / 1e9)


def verdict(ratio: float, lang: str, say: bool = False) -> str:
    """How fast the dot product ran against the additive score, in words (tf_core.device.speed_change);
    ``say``: the ratio as said aloud ("about 69", "约 69": no space left between two Chinese characters)."""
    from tf_core.device import speed_change

    x = num(ratio)
    text = t(f"dva.speed.{speed_change(ratio)}", lang, x=spoken(x, lang) if say else x)
    return CJK_SPACE.sub("", text)


def values(r, lang: str) -> dict[str, str]:
    """The card's placeholders, from the run."""
    dot, add, naive = r.median("dot"), r.median("additive"), r.median("naive")
    last_naive = int(np.flatnonzero(r.timed("naive"))[-1])
    at, big = r.at_dk, len(r.dk_grid) - 1
    return {
        "n": str(r.n), "dk": str(r.d_k), "da": str(r.d_a), "repeats": str(r.repeats), "queries": str(r.queries),
        "device": device_text(r.device, lang),
        "verdict": verdict(r.speedup, lang), "verdict_say": verdict(r.speedup, lang, say=True), "speedup": num(r.speedup),
        "t_dot": ms(dot[-1]), "t_add": ms(add[-1]),
        "naive_n": str(int(r.grid_n[last_naive])), "t_naive": ms(naive[last_naive]), "t_add_naive_n": ms(add[last_naive]),
        "flops_dot": f"{int(r.flops['dot'][-1]):,}", "flops_add": f"{int(r.flops['additive'][-1]):,}",
        "flops_naive": f"{int(r.flops['naive'][-1]):,}", "flop_ratio": num(r.flops["additive"][-1] / r.flops["dot"][-1]),
        "rate_dot": gflops(r.flop_rate("dot")[-1]), "rate_add": gflops(r.flop_rate("additive")[-1]),
        "mem_dot": megabytes(int(r.largest_tensor["dot"][-1])), "mem_add": megabytes(int(r.largest_tensor["additive"][-1])),
        "naive_diff": num(r.max_naive_diff), "score_scale": num(r.score_scale),
        "std_dot": num(r.std["dot"][at]), "std_theory": num(math.sqrt(r.d_k)), "std_scaled": num(r.std["scaled"][at]),
        "std_add": num(r.std["additive"][at]), "v_l1": num(r.v_l1), "add_max": num(r.max_abs["additive"].max()),
        "pmax_dot": num(r.pmax["dot"][at]), "pmax_scaled": num(r.pmax["scaled"][at]),
        "ent_dot": num(r.entropy["dot"][at]), "ent_scaled": num(r.entropy["scaled"][at]),
        "ent_add": num(r.entropy["additive"][at]), "ent_max": num(r.entropy_uniform),
        "dk_big": str(int(r.dk_grid[big])), "pmax_dot_big": num(r.pmax["dot"][big]),
        "pmax_scaled_big": num(r.pmax["scaled"][big]), "pmax_add_big": num(r.pmax["additive"][big]),
    }


def figures(r, v: dict[str, str], lang: str) -> list[lesson.Figure]:
    """Headline figures: the two times, the rate of counted work, and the spread and entropy of the scores
    at the learner's d_k (the short answer says the speed ratio, the takeaway the largest weights)."""
    at = r.at_dk
    return [
        lesson.Figure(t("dva.fig.time", lang, n=r.n), f"{v['t_dot']} → {v['t_add']} ms",
                      t("dva.fig.time_help", lang, device=v["device"])),
        lesson.Figure(t("dva.fig.rate", lang, n=r.n), f"{v['rate_dot']} / {v['rate_add']}", t("dva.fig.rate_help", lang)),
        lesson.Figure(t("dva.fig.std", lang, dk=r.d_k), f"{v['std_dot']} / {v['std_scaled']} / {v['std_add']}",
                      t("dva.fig.std_help", lang, theory=v["std_theory"], v_l1=v["v_l1"])),
        lesson.Figure(t("dva.fig.entropy", lang, dk=r.d_k),
                      f"{num(r.entropy['dot'][at])} → {num(r.entropy['scaled'][at])}",
                      t("dva.fig.entropy_help", lang, n=r.n, ent_max=v["ent_max"], ent_add=v["ent_add"])),
    ]


def cost_table(r, lang: str) -> None:
    """Every n timed: median ms of each way and its counted FLOPs ("—": the naive way was not timed there)."""
    med = {way: r.median(way) for way in ("dot", "additive", "naive")}
    timed = lambda way, i: ms(med[way][i]) if not np.isnan(med[way][i]) else "—"  # noqa: E731
    rows = range(len(r.grid_n))
    st.dataframe({
        "n": [int(x) for x in r.grid_n],
        **{t(f"dva.col.ms.{way}", lang): [timed(way, i) for i in rows] for way in ("dot", "additive", "naive")},
        **{t(f"dva.col.flops.{way}", lang): [f"{int(x):,}" for x in r.flops[way]] for way in ("dot", "additive", "naive")},
        t("dva.col.mem", lang): [megabytes(int(x)) for x in r.largest_tensor["additive"]],
    }, hide_index=True, width="stretch")


def body(qid: str, lang: str, lab) -> None:
    n = params.clamp(f"{qid}.n", limits.DVA_N.lo, limits.DVA_N.hi)
    dk = params.clamp(f"{qid}.dk", limits.DVA_DK.lo, limits.DVA_DK.hi)
    da = params.clamp(f"{qid}.da", limits.DVA_DA.lo, limits.DVA_DA.hi)
    repeats = params.clamp(f"{qid}.repeats", limits.DVA_REPEATS.lo, limits.DVA_REPEATS.hi)
    seed = params.clamp(f"{qid}.seed", limits.SEED.lo, limits.SEED.hi)
    r = measure(n, dk, da, repeats, seed, lab, lang)
    v = values(r, lang)
    sections = lesson.card(qid, lang, v)
    panel = lesson.answer(qid, sections, lang, figures(r, v, lang))

    with panel:
        c_n, c_dk, c_da, c_rep, c_seed = lesson.controls(qid, PARAMS, lang, [3, 3, 3, 2, 2])
        lim = lambda key, bounds: t(f"dva.{key}_help", lang) + " " + lesson.limits_help(lang, [(t(f"dva.{key}", lang), bounds)])  # noqa: E731
        c_n.select_slider(t("dva.n", lang), options=N_OPTIONS, key=f"{qid}.n", help=lim("n", limits.DVA_N))
        c_dk.select_slider(t("dva.dk", lang), options=DK_OPTIONS, key=f"{qid}.dk", help=lim("dk", limits.DVA_DK))
        c_da.select_slider(t("dva.da", lang), options=DA_OPTIONS, key=f"{qid}.da", help=lim("da", limits.DVA_DA))
        c_rep.slider(t("dva.repeats", lang), limits.DVA_REPEATS.lo, limits.DVA_REPEATS.hi, key=f"{qid}.repeats",
                     help=lim("repeats", limits.DVA_REPEATS))
        c_seed.number_input(t("dva.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{qid}.seed", step=1,
                            help=lim("seed", limits.SEED))
        with lesson.main():
            lesson.chart(charts.score_times(r, lang), key=f"{qid}.chart.time")
        lesson.note(t("dva.time.caption", lang, **v, naive_work=f"{limits.DVA_NAIVE_WORK:,}",
                      naive_elements=f"{limits.DVA_NAIVE_ELEMENTS:,}"))

    st.subheader(t("dva.cost.title", lang), divider="gray")
    left, right = st.columns(2, gap="medium")
    with left:
        lesson.chart(charts.cost_lines(r, lang, "flops"), key=f"{qid}.chart.flops")
    with right:
        lesson.chart(charts.cost_lines(r, lang, "rate"), key=f"{qid}.chart.rate")
    lesson.note(t("dva.cost.caption", lang, **v))
    cost_table(r, lang)

    st.subheader(t("dva.sat.title", lang), divider="gray")
    for column, metric in zip(st.columns(3, gap="medium"), charts.SATURATION_METRICS):
        with column:
            lesson.chart(charts.saturation(r, lang, metric), key=f"{qid}.chart.{metric}")
    lesson.note(t("dva.sat.caption", lang, **v, pmax_add=num(r.pmax["additive"][r.at_dk])))
    lesson.finish(qid, sections, lab.run, PARAMS, lang)
