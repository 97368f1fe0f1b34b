"""Topic page: scaling by sqrt(d_k). Lesson `scaling` (why divide by sqrt(d_k) before the softmax)."""
from __future__ import annotations

import math

import streamlit as st

from tf_core import limits
from ui.caching import cached
from ui import lesson, params
from ui.charts import scaling as charts
from ui.i18n import t
from ui.text import num

PAGE = "scaling"
# d_k slider positions: powers of two and the midpoints between them (1.5 x), 1 to 4096.
DK_OPTIONS = tuple(sorted({2**i for i in range(13)} | {3 * 2**i for i in range(11)}))
SIGMA_OPTIONS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
PARAMS = (
    params.Param("dk", limits.SCALING_DK, options=DK_OPTIONS),
    params.Param("n", limits.SCALING_N),
    params.Param("sigma", limits.SCALING_SIGMA, options=SIGMA_OPTIONS),
    params.Param("seed", limits.SEED),
)

LESSONS = {"scaling": PARAMS}

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS)  # torch loads here, under a spinner


@cached(512)
def run(dk: int, n: int, seed: int, sigma: float) -> lab.ScalingResult:
    return lab.run(dk=dk, n=n, seed=seed, sigma=sigma)


def card_values(r: lab.ScalingResult) -> dict[str, str]:
    """The live numbers the card quotes, formatted once for both languages."""
    big = -1  # the largest d_k of the curves
    return {
        "dk": str(r.dk),
        "n": str(r.n),
        "sigma": num(r.sigma),
        "pairs": str(r.n_pairs),
        "queries": str(r.n_queries),
        "var_raw": num(r.at_var_raw),
        "std_raw": num(math.sqrt(r.at_var_raw)),
        "var_theory": num(r.at_var_theory),
        "var_scaled": num(r.at_var_scaled),
        "pmax_raw": num(r.at_raw.pmax),
        "pmax_scaled": num(r.at_scaled.pmax),
        "ent_raw": num(r.at_raw.entropy),
        "ent_scaled": num(r.at_scaled.entropy),
        "ent_max": num(r.entropy_uniform),
        "jac_raw": num(r.at_raw.jacobian_norm),
        "jac_scaled": num(r.at_scaled.jacobian_norm),
        "uniform": num(1 / r.n),
        "dk_big": str(int(r.dk_grid[big])),
        "pmax_raw_big": num(r.pmax_raw[big]),
        "pmax_scaled_big": num(r.pmax_scaled[big]),
        "jac_raw_big": num(r.jacobian_raw[big]),
        "jac_scaled_big": num(r.jacobian_scaled[big]),
        "ent_raw_big": num(r.entropy_raw[big]),
        "ent_scaled_big": num(r.entropy_scaled[big]),
        "var_ratio_big": num(r.var_ratio[big]),
    }


def figures(r: lab.ScalingResult) -> list[lesson.Figure]:
    """The headline figures: what the run measured at the learner's d_k (the short answer quotes
    the largest weights, so they are not repeated here)."""
    return [
        lesson.Figure(t("scaling.fig.var", lang, dk=r.dk), num(r.at_var_raw),
                      t("scaling.fig.var_help", lang, pairs=r.n_pairs, theory=num(r.at_var_theory))),
        lesson.Figure(t("scaling.fig.var_scaled", lang), num(r.at_var_scaled), t("scaling.fig.var_scaled_help", lang)),
        lesson.Figure(t("scaling.fig.jac", lang), f"{num(r.at_raw.jacobian_norm)} → {num(r.at_scaled.jacobian_norm)}",
                      t("scaling.fig.jac_help", lang, queries=r.n_queries)),
        lesson.Figure(t("scaling.fig.ent", lang), f"{num(r.at_raw.entropy)} → {num(r.at_scaled.entropy)}",
                      t("scaling.fig.ent_help", lang, queries=r.n_queries, n=r.n, ent_max=num(r.entropy_uniform))),
    ]


@lesson.fragment
def lesson_body() -> None:
    """Everything below the title. A fragment: moving a slider reruns only this, not the
    navigation, the sidebar and the title around it (and the browser redraws only this)."""
    v = params.values(LESSON, PARAMS)
    result = run(dk=int(v["dk"]), n=int(v["n"]), seed=int(v["seed"]), sigma=float(v["sigma"]))
    sections = lesson.card(LESSON, lang, card_values(result))
    panel = lesson.answer(LESSON, sections, lang, figures(result))

    dk_range, n_range, seed_range = limits.SCALING_DK, limits.SCALING_N, limits.SEED
    with panel:
        c_dk, c_n, c_sigma, c_seed = lesson.controls(LESSON, PARAMS, lang, [3, 3, 2, 2])
        c_dk.select_slider(t("scaling.dk", lang), options=DK_OPTIONS, key=f"{LESSON}.dk",
                           help=t("scaling.dk_help", lang, lo=dk_range.lo, hi=dk_range.hi))
        c_n.slider(t("scaling.n", lang), min_value=n_range.lo, max_value=n_range.hi, key=f"{LESSON}.n",
                   help=t("scaling.n_help", lang, lo=n_range.lo, hi=n_range.hi))
        c_sigma.select_slider(t("scaling.sigma", lang), options=SIGMA_OPTIONS, key=f"{LESSON}.sigma",
                              help=t("scaling.sigma_help", lang))
        c_seed.slider(t("scaling.seed", lang), min_value=seed_range.lo, max_value=seed_range.hi, key=f"{LESSON}.seed",
                      help=t("scaling.seed_help", lang, lo=seed_range.lo, hi=seed_range.hi))
        with lesson.main():
            lesson.chart(charts.scaling_variance(result, lang), key=f"{LESSON}.chart.var")
            lesson.note(t("scaling.var.caption", lang, dk=result.dk, var=num(result.at_var_raw),
                          theory=num(result.at_var_theory), pairs=result.n_pairs, var_scaled=num(result.at_var_scaled)))

    left, right = st.columns([2, 3], gap="medium")
    with left:
        lesson.chart(charts.scaling_weights(result, lang), key=f"{LESSON}.chart.weights")
        lesson.note(t("scaling.weights.caption", lang, dk=result.dk, n=result.n, queries=result.n_queries,
                      top_raw=num(float(result.weights_raw.max())),
                      top_scaled=num(float(result.weights_scaled.max())), uniform=num(1 / result.n)))
    with right:
        st.markdown(f"**{t('scaling.health.title', lang)}**")
        lesson.chart(charts.scaling_health_legend(lang), key=f"{LESSON}.chart.health_legend")
        for metric in charts.HEALTH_METRICS[:1]:
            lesson.chart(charts.scaling_health(result, lang, metric), key=f"{LESSON}.chart.{metric}")
    for column, metric in zip(st.columns(len(charts.HEALTH_METRICS) - 1), charts.HEALTH_METRICS[1:]):
        with column:
            lesson.chart(charts.scaling_health(result, lang, metric), key=f"{LESSON}.chart.{metric}")
    lesson.note(t("scaling.health.caption", lang, queries=result.n_queries, n=result.n, dk=result.dk,
                 pmax_raw=num(result.at_raw.pmax), ent_raw=num(result.at_raw.entropy), ent_max=num(result.entropy_uniform),
                 jac_raw=num(result.at_raw.jacobian_norm), pmax_scaled=num(result.at_scaled.pmax),
                 ent_scaled=num(result.at_scaled.entropy), jac_scaled=num(result.at_scaled.jacobian_norm)))
    st.caption(t("scaling.float64_note", lang))

    lesson.finish(LESSON, sections, lab.run, PARAMS, lang)


lesson_body()
