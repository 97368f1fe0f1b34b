"""Lesson `block-cost` of the cost page: which part of a Transformer block costs the most, and attention's
parameters against the FFN's.

Measured (tf_core/lab/block_cost.py): each part of one block (QKV projections, the attention core both
explicit and through PyTorch's SDPA, the output projection, the FFN) timed at every n of a doubling grid up
to the learner's n, beside the FLOPs tf_core.flops counts for it; the n at which the core's time passes the
rest's, against the counted n = 2d + d_ff; the parameters counted from the weight tensors. The run waits in
the worker's line (tf_core.worker) and the page names the device and threads it ran on.
"""
from __future__ import annotations

import streamlit as st

from tf_core import limits
from ui.caching import cached
from ui import lesson, params
from ui.charts import cost as charts
from ui.i18n import t
from ui.text import device_text, num, pct

N_OPTIONS = tuple(x for x in sorted({2**i for i in range(6, 12)} | {3 * 2**i for i in range(5, 10)}) if x <= limits.BC_N.hi)
D_OPTIONS = (8, 16, 32, 64, 128, 192, 256, 384, 512)  # each divides by every head count offered
HEAD_OPTIONS = (1, 2, 4, 8)
FF_OPTIONS = (1, 2, 4)
PARAMS = (params.Param("n", limits.BC_N, options=N_OPTIONS), params.Param("d", limits.BC_D, options=D_OPTIONS),
          params.Param("heads", limits.BC_HEADS, options=HEAD_OPTIONS), params.Param("ff", limits.BC_FF, options=FF_OPTIONS),
          params.Param("repeats", limits.BC_REPEATS), params.Param("seed", limits.SEED))


@cached(16)
def measure(n: int, d: int, heads: int, ff: int, repeats: int, seed: int, _lab, _lang: str):
    """The timed run (up to a few seconds): it waits in the worker's line, with a bar. ``_lang`` only picks
    the bar's words, so a language switch shows the same measurement."""
    from ui import decoders

    def job(progress):
        return _lab.run(n=n, d=d, heads=heads, ff=ff, repeats=repeats, seed=seed, on_progress=progress.step)

    return decoders.run_in_line(job, _lang, t("bc.running", _lang))


def ms(seconds: float) -> str:
    return num(1000 * seconds)


def crossing_text(r, core: str, lang: str) -> str:
    """The measured crossing as the page writes it: "≈ 784", or below the shortest / beyond the longest n timed."""
    c = r.crossing(core)
    if c.side == "within":
        return f"≈ {c.n:,.0f}"
    return t(f"bc.cross.{c.side}", lang, n=f"{int(r.grid_n[0] if c.side == 'below' else r.grid_n[-1]):,}")


def values(r, lang: str) -> dict[str, str]:
    """The card's placeholders, from the run."""
    share = r.shares("core_explicit")  # of the median times, explicit core
    counted = r.shares("core_explicit", "flops")
    rest_ms, core_ms, sdpa_ms = r.rest, r.median("core_explicit"), r.median("core_sdpa")
    verdicts = {core: r.verdict(core) for core in ("core_explicit", "core_sdpa")}
    unresolved = {"lo": f"{int(r.grid_n[0]):,}", "hi": f"{int(r.grid_n[-1]):,}", "flops": f"{r.crossing_flops:,}"}
    return {
        "n": str(r.n), "d": str(r.d), "heads": str(r.heads), "dh": str(r.d // r.heads), "d_ff": str(r.d_ff),
        "ff": str(r.d_ff // r.d), "repeats": str(r.repeats), "device": device_text(r.device, lang),
        "p_attn": f"{r.params['attention_weights']:,}", "p_ffn": f"{r.params['ffn_weights']:,}",
        "p_attn_b": f"{r.params['attention_biases']:,}", "p_ffn_b": f"{r.params['ffn_biases']:,}",
        "p_ratio": num(r.params["ffn_weights"] / r.params["attention_weights"]),
        "cross_flops": f"{r.crossing_flops:,}", "cross_flops_ffn": f"{r.crossing_flops_ffn:,}",
        "cross_d": num(r.crossing_flops / r.d),
        "cross_explicit": crossing_text(r, "core_explicit", lang), "cross_sdpa": crossing_text(r, "core_sdpa", lang),
        "verdict_explicit": t(f"bc.verdict.{verdicts['core_explicit']}", lang, **unresolved),
        "verdict_sdpa": t(f"bc.verdict.{verdicts['core_sdpa']}", lang, **unresolved),
        "reason_explicit": (t(f"bc.reason.{verdicts['core_explicit']}", lang)
                            if verdicts["core_explicit"] in ("earlier", "later") else ""),
        "n0": str(int(r.grid_n[0])),
        "share_core_n0": pct(share["core_explicit"][0]), "share_ffn_n0": pct(share["ffn"][0]),
        "share_proj_n0": pct(share["qkv"][0] + share["out_proj"][0]),
        "share_core_n": pct(share["core_explicit"][-1]), "share_ffn_n": pct(share["ffn"][-1]),
        "flop_share_core_n0": pct(counted["core_explicit"][0], 1), "flop_share_core_n": pct(counted["core_explicit"][-1]),
        "t_rest": ms(rest_ms[-1]), "t_core": ms(core_ms[-1]), "t_sdpa": ms(sdpa_ms[-1]),
        "ratio_explicit": num(r.ratio("core_explicit")[-1]), "ratio_sdpa": num(r.ratio("core_sdpa")[-1]),
        "ratio_flops": num(r.ratio("flops")[-1]),
        "rate_rest": num(r.rate("rest")[-1] / 1e9), "rate_core": num(r.rate("core_explicit")[-1] / 1e9),
        "rate_sdpa": num(r.rate("core_sdpa")[-1] / 1e9), "rate_rest_n0": num(r.rate("rest")[0] / 1e9),
        "rate_core_n0": num(r.rate("core_explicit")[0] / 1e9),
        "weights_mib": num(4 * r.heads * r.n * r.n / 2**20), "chain": pct(r.chain_ratio),
        "core_diff": num(r.core_diff), "core_scale": num(r.core_scale),
    }


def figures(r, v: dict[str, str], lang: str) -> list[lesson.Figure]:
    """Headline figures: both measured crossings, the core's share of the time at the shortest and the longest n,
    and counted GFLOP/s at n (the short answer gives the counted crossing and the parameters)."""
    return [
        lesson.Figure(t("bc.fig.cross_explicit", lang), f"n {v['cross_explicit']}",
                      t("bc.fig.cross_help", lang, cross_flops=v["cross_flops"], device=v["device"])),
        lesson.Figure(t("bc.fig.cross_sdpa", lang), f"n {v['cross_sdpa']}",
                      t("bc.fig.cross_help", lang, cross_flops=v["cross_flops"], device=v["device"])),
        lesson.Figure(t("bc.fig.share", lang, n0=v["n0"], n=r.n), f"{v['share_core_n0']} → {v['share_core_n']}",
                      t("bc.fig.share_help", lang, flop_n0=v["flop_share_core_n0"], flop_n=v["flop_share_core_n"])),
        lesson.Figure(t("bc.fig.rate", lang, n=r.n), f"{v['rate_rest']} / {v['rate_core']} / {v['rate_sdpa']}",
                      t("bc.fig.rate_help", lang)),
    ]


def params_table(r, lang: str) -> None:
    """Attention's and the FFN's parameters, counted from the lab's weight tensors."""
    p = r.params
    st.dataframe({
        t("bc.col.part", lang): [t("bc.params.attention", lang), t("bc.params.ffn", lang)],
        t("bc.col.formula", lang): ["4·d²", "2·d·d_ff"],
        t("bc.col.weights", lang): [f"{p['attention_weights']:,}", f"{p['ffn_weights']:,}"],
        t("bc.col.biases", lang): [f"{p['attention_biases']:,}", f"{p['ffn_biases']:,}"],
        t("bc.col.flops", lang, n=r.n): [f"{int(r.flops['qkv'][-1] + r.flops['out_proj'][-1]):,} + "
                                         f"{int(r.flops['core_explicit'][-1]):,}", f"{int(r.flops['ffn'][-1]):,}"],
    }, hide_index=True, width="stretch")


def body(qid: str, lang: str, lab) -> None:
    n = params.clamp(f"{qid}.n", limits.BC_N.lo, limits.BC_N.hi)
    d = params.clamp(f"{qid}.d", limits.BC_D.lo, limits.BC_D.hi)
    heads = params.clamp(f"{qid}.heads", limits.BC_HEADS.lo, limits.BC_HEADS.hi)
    ff = params.clamp(f"{qid}.ff", limits.BC_FF.lo, limits.BC_FF.hi)
    repeats = params.clamp(f"{qid}.repeats", limits.BC_REPEATS.lo, limits.BC_REPEATS.hi)
    seed = params.clamp(f"{qid}.seed", limits.SEED.lo, limits.SEED.hi)
    r = measure(n, d, heads, ff, repeats, seed, lab, lang)
    v = values(r, lang)
    sections = lesson.card(qid, lang, v)
    panel = lesson.answer(qid, sections, lang, figures(r, v, lang))

    with panel:
        cols = lesson.controls(qid, PARAMS, lang, [3, 3, 2, 2, 2, 2])
        lim = lambda key, bounds: t(f"bc.{key}_help", lang) + " " + lesson.limits_help(lang, [(t(f"bc.{key}", lang), bounds)])  # noqa: E731
        for col, (name, options, bounds) in zip(cols[:4], (("n", N_OPTIONS, limits.BC_N), ("d", D_OPTIONS, limits.BC_D),
                                                           ("heads", HEAD_OPTIONS, limits.BC_HEADS),
                                                           ("ff", FF_OPTIONS, limits.BC_FF))):
            col.select_slider(t(f"bc.{name}", lang), options=options, key=f"{qid}.{name}", help=lim(name, bounds))
        cols[4].slider(t("bc.repeats", lang), limits.BC_REPEATS.lo, limits.BC_REPEATS.hi, key=f"{qid}.repeats",
                       help=lim("repeats", limits.BC_REPEATS))
        cols[5].number_input(t("bc.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{qid}.seed", step=1,
                             help=lim("seed", limits.SEED))
        with lesson.main():
            lesson.chart(charts.crossing_ratio(r, lang), key=f"{qid}.chart.ratio")
        lesson.note(t("bc.ratio.caption", lang, **v))

    st.subheader(t("bc.split.title", lang), divider="gray")
    for column, basis in zip(st.columns(3, gap="medium"), charts.SPLIT_BASES):
        with column:
            lesson.chart(charts.time_split(r, lang, basis), key=f"{qid}.chart.split.{basis}")
    lesson.note(t("bc.split.caption", lang, **v))

    st.subheader(t("bc.parts.title", lang), divider="gray")
    lesson.chart(charts.part_times(r, lang), key=f"{qid}.chart.parts")
    lesson.note(t("bc.parts.caption", lang, **v))

    st.subheader(t("bc.params.title", lang), divider="gray")
    params_table(r, lang)
    lesson.note(t("bc.params.caption", lang, **v))
    lesson.finish(qid, sections, lab.run, PARAMS, lang)

