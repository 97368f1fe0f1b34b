"""Lesson `complexity` of the cost page: the time and memory of self-attention against n, and multi-head
attention as reshapes.

Measured (tf_core/lab/complexity.py): the explicit path (the (h, n, n) weights written out) and PyTorch's
fused SDPA timed at every n of a doubling grid up to the learner's n, their peak memory measured (the
profiler's allocation events on the CPU, the allocator's peak on a GPU), a + b·n + c·n² fitted to both;
then multi-head attention at the learner's n, d and h walked through its reshapes, checked against
nn.MultiheadAttention. The run waits in the worker's line (tf_core.worker) and the page names the device and
threads it ran on.
"""
from __future__ import annotations

import re

import streamlit as st

from tf_core import limits
from ui.caching import cached
from ui import lesson, params
from ui.charts import cost as charts
from ui.i18n import t
from ui.text import device_text, num, spoken

N_OPTIONS = tuple(x for x in sorted({2**i for i in range(6, 12)} | {3 * 2**i for i in range(5, 10)}) if x <= limits.CX_N.hi)
D_OPTIONS = (8, 16, 32, 64, 128, 192, 256, 384, 512)  # each divides by every head count offered
HEAD_OPTIONS = (1, 2, 4, 8)
PARAMS = (params.Param("n", limits.CX_N, options=N_OPTIONS), params.Param("d", limits.CX_D, options=D_OPTIONS),
          params.Param("heads", limits.CX_HEADS, options=HEAD_OPTIONS), params.Param("repeats", limits.CX_REPEATS),
          params.Param("seed", limits.SEED))
ROW_PX = 35  # a st.dataframe row's height
CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


@cached(16)
def measure(n: int, d: int, heads: int, repeats: int, seed: int, _lab, _lang: str):
    """The timed run (up to a few seconds): it waits in the worker's line, with a bar. ``_lang`` only picks
    the bar's words, so a language switch shows the same measurement."""
    from ui import decoders

    def job(progress):
        return _lab.run(n=n, d=d, heads=heads, repeats=repeats, seed=seed, on_progress=progress.step)

    return decoders.run_in_line(job, _lang, t("cx.running", _lang))


def ms(seconds: float) -> str:
    return num(1000 * seconds)


def mib(n_bytes: float) -> str:
    return num(n_bytes / 2**20)


def verdict(ratio: float, lang: str, say: bool = False) -> str:
    """How fast SDPA ran against the explicit path, in words (tf_core.device.speed_change); ``say``: the ratio
    as said aloud."""
    from tf_core.device import speed_change

    x = num(ratio)
    return CJK_SPACE.sub("", t(f"cx.speed.{speed_change(ratio)}", lang, x=spoken(x, lang) if say else x))


def values(r, lang: str) -> dict[str, str]:
    """The card's placeholders, from the run."""
    te, ts = r.median("explicit"), r.median("sdpa")
    pe, ps = r.peak["explicit"], r.peak["sdpa"]
    c_e, c_s = r.fit("explicit", "memory"), r.fit("sdpa", "memory")
    return {
        "n": str(r.n), "d": str(r.d), "heads": str(r.heads), "dh": str(r.d_head), "repeats": str(r.repeats),
        "n_prev": str(int(r.grid_n[-2])), "device": device_text(r.device, lang),
        "t_explicit": ms(te[-1]), "t_sdpa": ms(ts[-1]), "m_explicit": mib(pe[-1]), "m_sdpa": mib(ps[-1]),
        "t_growth": num(r.growth("explicit", "time")), "m_growth": num(r.growth("explicit", "memory")),
        "t_growth_sdpa": num(r.growth("sdpa", "time")), "m_growth_sdpa": num(r.growth("sdpa", "memory")),
        "quad_growth": num(r.quadratic_growth), "weights_mib": mib(r.weights_bytes),
        "mem_c_head": num(c_e[2] / r.heads), "mem_c_head_sdpa": num(c_s[2] / r.heads), "mem_b": num(c_e[1]),
        "t_share": f"{100 * r.quadratic_share('explicit', 'time'):.0f}%",
        "t_share_sdpa": f"{100 * r.quadratic_share('sdpa', 'time'):.0f}%",
        "speedup": num(r.speedup), "verdict": verdict(r.speedup, lang), "verdict_say": verdict(r.speedup, lang, say=True),
        "mem_ratio": num(pe[-1] / max(int(ps[-1]), 1)),
        "walk_diff": num(r.walk_vs_torch), "path_diff": num(r.path_diff), "out_scale": num(r.output_scale),
        "scores_elems": f"{r.heads * r.n * r.n:,}", "act_elems": f"{r.n * r.d:,}", "n_over_dh": num(r.n / r.d_head),
        "method": t(f"cx.method.{'cuda' if r.memory_method.startswith('cuda') else 'profiler'}", lang),
        "sdpa_kept": t(f"cx.sdpa.{'stored' if r.sdpa_stored_matrix else 'tiles'}", lang),
        "sdpa_kept_caption": t(f"cx.sdpa.{'stored' if r.sdpa_stored_matrix else 'tiles'}_caption", lang),
    }


def figures(r, v: dict[str, str], lang: str) -> list[lesson.Figure]:
    """Headline figures: both ways' time and peak memory at n, the explicit path's memory per n² per head (fitted),
    and how far the reshape walk's output is from nn.MultiheadAttention's (the short answer says the growth)."""
    return [
        lesson.Figure(t("cx.fig.time", lang, n=r.n), f"{v['t_explicit']} → {v['t_sdpa']} ms",
                      t("cx.fig.time_help", lang, device=v["device"], repeats=r.repeats)),
        lesson.Figure(t("cx.fig.memory", lang, n=r.n), f"{v['m_explicit']} → {v['m_sdpa']} MiB",
                      t("cx.fig.memory_help", lang, method=v["method"], weights_mib=v["weights_mib"])),
        lesson.Figure(t("cx.fig.per_n2", lang), f"{v['mem_c_head']} / {v['mem_c_head_sdpa']} B", t("cx.fig.per_n2_help", lang)),
        lesson.Figure(t("cx.fig.walk", lang), v["walk_diff"], t("cx.fig.walk_help", lang, n=r.n, d=r.d, heads=r.heads)),
    ]


def walk_table(r, lang: str) -> None:
    """The reshape walk as a table: each step's code, shape, what its letters mean, view or copy."""
    st.dataframe({
        t("cx.col.step", lang): [f"{i + 1}. {t(f'cx.step.{s.key}', lang)}" for i, s in enumerate(r.walk)],
        t("cx.col.code", lang): [s.code for s in r.walk],
        t("cx.col.dims", lang): ["(" + ", ".join(s.dims.split()) + ")" for s in r.walk],
        t("cx.col.shape", lang): ["(" + ", ".join(map(str, s.shape)) + ")" for s in r.walk],
        t("cx.col.elements", lang): [f"{s.elements:,}" for s in r.walk],
        t("cx.col.memory", lang): [t("cx.walk.view" if s.view else "cx.walk.new", lang) + ", "
                                   + t("cx.walk.contiguous" if s.contiguous else "cx.walk.strided", lang) for s in r.walk],
    }, hide_index=True, width="stretch", height=ROW_PX * (len(r.walk) + 1) + 3)  # every step shown, no scrolling


def body(qid: str, lang: str, lab) -> None:
    n = params.clamp(f"{qid}.n", limits.CX_N.lo, limits.CX_N.hi)
    d = params.clamp(f"{qid}.d", limits.CX_D.lo, limits.CX_D.hi)
    heads = params.clamp(f"{qid}.heads", limits.CX_HEADS.lo, limits.CX_HEADS.hi)
    repeats = params.clamp(f"{qid}.repeats", limits.CX_REPEATS.lo, limits.CX_REPEATS.hi)
    seed = params.clamp(f"{qid}.seed", limits.SEED.lo, limits.SEED.hi)
    r = measure(n, d, heads, repeats, seed, lab, lang)
    v = values(r, lang)
    sections = lesson.card(qid, lang, v)
    panel = lesson.answer(qid, sections, lang, figures(r, v, lang))

    with panel:
        c_n, c_d, c_h, c_rep, c_seed = lesson.controls(qid, PARAMS, lang, [3, 3, 2, 2, 2])
        lim = lambda key, bounds: t(f"cx.{key}_help", lang) + " " + lesson.limits_help(lang, [(t(f"cx.{key}", lang), bounds)])  # noqa: E731
        c_n.select_slider(t("cx.n", lang), options=N_OPTIONS, key=f"{qid}.n", help=lim("n", limits.CX_N))
        c_d.select_slider(t("cx.d", lang), options=D_OPTIONS, key=f"{qid}.d", help=lim("d", limits.CX_D))
        c_h.select_slider(t("cx.heads", lang), options=HEAD_OPTIONS, key=f"{qid}.heads", help=lim("heads", limits.CX_HEADS))
        c_rep.slider(t("cx.repeats", lang), limits.CX_REPEATS.lo, limits.CX_REPEATS.hi, key=f"{qid}.repeats",
                     help=lim("repeats", limits.CX_REPEATS))
        c_seed.number_input(t("cx.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{qid}.seed", step=1,
                            help=lim("seed", limits.SEED))
        with lesson.main():
            lesson.chart(charts.measured_vs_n(r, lang, "time"), key=f"{qid}.chart.time")
        lesson.note(t("cx.time.caption", lang, **v))

    st.subheader(t("cx.memory.title", lang), divider="gray")
    left, right = st.columns([3, 2], gap="medium")
    with left:
        lesson.chart(charts.measured_vs_n(r, lang, "memory"), key=f"{qid}.chart.memory")
    with right:
        lesson.note(t("cx.memory.caption", lang, **v))

    st.subheader(t("cx.walk.title", lang, n=r.n, d=r.d, heads=r.heads), divider="gray")
    walk_table(r, lang)
    lesson.chart(charts.walk_sizes(r, lang), key=f"{qid}.chart.walk")
    lesson.note(t("cx.walk.caption", lang, **v))
    lesson.finish(qid, sections, lab.run, PARAMS, lang)
