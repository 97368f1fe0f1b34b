"""Charts of the scaling page (app_pages/scaling.py): lesson `scaling`."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import RAW, SCALED, THEORY, CHOSEN, DECADE_LABEL, VegaChart, vega_spec, configure
from ui.i18n import t


HEIGHT = 380  # total height of the two charts side by side, legends included
HEALTH_HEIGHT = 260
DK_TICKS = [1, 4, 16, 64, 256, 1024, 4096]
HEALTH_METRICS = ("pmax", "entropy", "jacobian")


def _dk_axis(lang: str) -> alt.X:
    return alt.X("dk:Q", title=t("scaling.var.x", lang),
                 scale=alt.Scale(type="log", base=2, nice=False),
                 axis=alt.Axis(values=DK_TICKS, format="d"))


def _tooltip(lang: str, y_title: str) -> list[alt.Tooltip]:
    return [alt.Tooltip("series:N", title=" "), alt.Tooltip("dk:Q", title="d_k"),
            alt.Tooltip("value:Q", title=y_title, format=".4g")]


def _curves(x: np.ndarray, curves: list[tuple[str, np.ndarray]], at_label: str, dk: int,
            at_values: tuple[float, float]) -> pd.DataFrame:
    """Long-form rows (dk, value, log10, series, kind): the curves, then the two points at the
    chosen d_k. Built as whole columns (one DataFrame, no concat: this runs on every rerun)."""
    m = len(x)
    value = np.concatenate([np.asarray(y, dtype=float) for _, y in curves] + [np.asarray(at_values, dtype=float)])
    with np.errstate(divide="ignore"):
        log10 = np.log10(value)  # -inf for a zero: Vega leaves that point out
    return pd.DataFrame({
        "dk": np.concatenate([np.tile(np.asarray(x, dtype=float), len(curves)), [dk, dk]]),
        "value": value,
        "log10": log10,
        "series": [label for label, _ in curves for _ in range(m)] + [at_label, at_label],
        "kind": ["curve"] * (m * len(curves)) + ["at", "at"],
    })


def _chosen_layer(lang: str, y: alt.Y, tooltip) -> alt.Chart:
    """Open black diamonds at the chosen d_k, with their own legend entry."""
    return alt.Chart().transform_filter(alt.datum.kind == "at").mark_point(
        filled=False, size=260, strokeWidth=3, color=CHOSEN, opacity=1,
    ).encode(
        x=_dk_axis(lang), y=y, tooltip=tooltip,
        shape=alt.Shape("series:N", scale=alt.Scale(domain=[t("scaling.var.chosen", lang)], range=["diamond"]),
                        # one entry, in the corner the rising curves leave empty
                        legend=alt.Legend(title=None, orient="top-left", symbolStrokeColor=CHOSEN,
                                          symbolStrokeWidth=3, fillColor="rgba(255,255,255,0.85)")),
    )


# --- scaling --------------------------------------------------------------------------------------
@functools.cache
def _variance_spec(lang: str) -> dict:
    domain = [t("scaling.var.theory", lang), t("scaling.var.raw", lang),
              t("scaling.var.theory_scaled", lang), t("scaling.var.scaled", lang)]
    y_title = t("scaling.var.y", lang)
    y = alt.Y("log10:Q", title=y_title, scale=alt.Scale(zero=False, nice=False),
              axis=alt.Axis(labelExpr=DECADE_LABEL, tickMinStep=1, format="d"))
    tip = _tooltip(lang, y_title)
    color = alt.Color("series:N", scale=alt.Scale(domain=domain, range=[THEORY, RAW, THEORY, SCALED]),
                      legend=alt.Legend(title=None, orient="bottom", columns=2, symbolType="stroke", symbolSize=400))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=[[6, 4], [1, 0], [2, 3], [1, 0]]),
                          legend=None)
    curves = alt.Chart().transform_filter(alt.datum.kind == "curve")
    lines = curves.mark_line(strokeWidth=3).encode(x=_dk_axis(lang), y=y, color=color, strokeDash=dash, tooltip=tip)
    sampled = curves.transform_filter(alt.FieldOneOfPredicate("series", [domain[1], domain[3]])).mark_point(
        filled=True, size=60, opacity=1).encode(x=_dk_axis(lang), y=y, color=color, tooltip=tip)
    chart = alt.layer(lines, sampled, _chosen_layer(lang, y, tip)).properties(
        title=t("scaling.var.title", lang), height=HEIGHT).resolve_legend(shape="independent")
    return vega_spec(configure(chart))


def scaling_variance(r, lang: str) -> VegaChart:
    """Sampled Var(q.k) and Var(q.k/sqrt(d_k)) against d_k, log-log, with the theory lines."""
    x = r.dk_grid
    data = _curves(x, [(t("scaling.var.theory", lang), r.var_theory), (t("scaling.var.raw", lang), r.var_raw),
                       (t("scaling.var.theory_scaled", lang), np.full(len(x), r.sigma**4)),
                       (t("scaling.var.scaled", lang), r.var_scaled)],
                   t("scaling.var.chosen", lang), r.dk, (r.at_var_raw, r.at_var_scaled))
    return VegaChart(_variance_spec(lang), data)


@functools.cache
def _health_spec(lang: str, metric: str) -> dict:
    domain = [t("scaling.health.raw", lang), t("scaling.health.scaled", lang), t("scaling.health.uniform", lang)]
    y_title = t(f"scaling.health.{metric}", lang)
    y = alt.Y("value:Q", title=None)
    tip = _tooltip(lang, y_title)
    color = alt.Color("series:N", scale=alt.Scale(domain=domain, range=[RAW, SCALED, THEORY]), legend=None)
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=[[1, 0], [1, 0], [6, 4]]), legend=None)
    curves = alt.Chart().transform_filter(alt.datum.kind == "curve")
    lines = curves.mark_line(strokeWidth=3).encode(x=_dk_axis(lang), y=y, color=color, strokeDash=dash, tooltip=tip)
    points = curves.transform_filter(alt.FieldOneOfPredicate("series", domain[:2])).mark_point(
        filled=True, size=50, opacity=1).encode(x=_dk_axis(lang), y=y, color=color, tooltip=tip)
    chosen = alt.Chart().transform_filter(alt.datum.kind == "at").mark_point(
        shape="diamond", filled=False, size=260, strokeWidth=3, color=CHOSEN, opacity=1).encode(
        x=_dk_axis(lang), y=y, tooltip=tip)
    chart = alt.layer(lines, points, chosen).properties(title=y_title, height=HEALTH_HEIGHT)
    return vega_spec(configure(chart))


@functools.cache
def _health_legend_spec(lang: str) -> dict:
    domain = [t("scaling.health.raw", lang), t("scaling.health.scaled", lang), t("scaling.health.uniform", lang)]
    at_label = t("scaling.var.chosen", lang)
    base = alt.Chart().encode(x=alt.X("x:Q", axis=None), y=alt.Y("x:Q", axis=None))
    lines = base.mark_line(strokeWidth=0).encode(
        color=alt.Color("series:N", scale=alt.Scale(domain=domain, range=[RAW, SCALED, THEORY]),
                        legend=alt.Legend(title=None, orient="top", direction="horizontal", symbolType="stroke",
                                          symbolSize=400, offset=0)),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=[[1, 0], [1, 0], [6, 4]]),
                                  legend=None))
    chosen = base.mark_point(size=0).encode(
        shape=alt.Shape("chosen:N", scale=alt.Scale(domain=[at_label], range=["diamond"]),
                        legend=alt.Legend(title=None, orient="top", offset=0, symbolStrokeColor=CHOSEN,
                                          symbolStrokeWidth=3, symbolSize=200)))
    # "pad": the view is 1 px high and the legend grows the chart around it (the default "fit"
    # would squeeze the legend into that 1 px).
    chart = (alt.layer(lines, chosen)
             .properties(height=1, autosize=alt.AutoSizeParams(type="pad"), padding={"top": 0, "bottom": 0})
             .configure_view(stroke=None))
    return vega_spec(configure(chart))


def scaling_health_legend(lang: str) -> VegaChart:
    """The legend the three softmax-health panels share, drawn once above them."""
    domain = [t("scaling.health.raw", lang), t("scaling.health.scaled", lang), t("scaling.health.uniform", lang)]
    data = pd.DataFrame({"x": [0.0] * 3, "series": domain, "chosen": t("scaling.var.chosen", lang)})
    return VegaChart(_health_legend_spec(lang), data)


def scaling_health(r, lang: str, metric: str) -> VegaChart:
    """One measure of a softmax row (largest weight, entropy or Jacobian norm) against d_k,
    unscaled and scaled, with the uniform row's value where it has one; ``metric`` is one of
    HEALTH_METRICS."""
    raw, scaled, uniform, at = {
        "pmax": (r.pmax_raw, r.pmax_scaled, 1.0 / r.n, (r.at_raw.pmax, r.at_scaled.pmax)),
        "entropy": (r.entropy_raw, r.entropy_scaled, r.entropy_uniform, (r.at_raw.entropy, r.at_scaled.entropy)),
        "jacobian": (r.jacobian_raw, r.jacobian_scaled, None, (r.at_raw.jacobian_norm, r.at_scaled.jacobian_norm)),
    }[metric]
    x = r.dk_grid
    curves = [(t("scaling.health.raw", lang), raw), (t("scaling.health.scaled", lang), scaled)]
    if uniform is not None:
        curves.append((t("scaling.health.uniform", lang), np.full(len(x), uniform)))
    data = _curves(x, curves, t("scaling.var.chosen", lang), r.dk, at)
    return VegaChart(_health_spec(lang, metric), data)


@functools.cache
def _weights_spec(lang: str) -> dict:
    raw_label, scaled_label = t("scaling.health.raw", lang), t("scaling.health.scaled", lang)
    x_title, y_title = t("scaling.weights.x", lang), t("scaling.weights.y", lang)
    # bars rising from 0 (y2 = 0), side by side: each key's slot [rank, rank + 1) on the log axis is cut in
    # two at its geometric middle, unscaled on the left, scaled on the right; opaque, so no colour mixes
    chart = alt.Chart().mark_bar(binSpacing=0).encode(
        x=alt.X("start:Q", title=x_title, scale=alt.Scale(type="log", nice=False),
                axis=alt.Axis(format="~g")),
        x2="stop:Q",
        y=alt.Y("weight:Q", title=y_title, stack=None, scale=alt.Scale(domain=[0, 1])),
        y2=alt.Y2Datum(0),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=[raw_label, scaled_label], range=[RAW, SCALED]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("kind:N", title=" "), alt.Tooltip("rank:Q", title=t("scaling.weights.rank", lang)),
                 alt.Tooltip("weight:Q", title=y_title, format=".4g")],
    ).properties(title=t("scaling.weights.title", lang), height=HEIGHT)
    return vega_spec(configure(chart))


def scaling_weights(r, lang: str) -> VegaChart:
    """One query's n weights (the lab's first query, ``weights_raw`` / ``weights_scaled``), unscaled and
    scaled, as bars from 0 side by side, keys sorted by unscaled weight (the same order for both:
    dividing by a positive constant keeps the ranking). Key rank is on a log axis so that the top
    keys stay visible as bars when n is large."""
    order = np.argsort(-r.weights_raw, kind="stable")
    rank = np.arange(1, r.n + 1, dtype=float)
    middle = np.sqrt(rank * (rank + 1))  # the middle of [rank, rank + 1) on a log axis
    raw_label, scaled_label = t("scaling.health.raw", lang), t("scaling.health.scaled", lang)
    data = pd.DataFrame({
        "rank": np.tile(rank.astype(int), 2),
        "start": np.concatenate([rank, middle]),
        "stop": np.concatenate([middle, rank + 1]),
        "weight": np.concatenate([r.weights_raw[order], r.weights_scaled[order]]),
        "kind": [raw_label] * r.n + [scaled_label] * r.n,
    })
    return VegaChart(_weights_spec(lang), data)


