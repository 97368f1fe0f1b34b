"""Chart builders: lab results in, charts out. Pages only place them.

A chart here is a Vega-Lite spec authored with Altair plus the DataFrame it draws
(``VegaChart``). The spec holds no live value: it is built once per language and shape and
cached, and only the data changes when a slider moves. Streamlit then sends a few kB of Arrow
data, the browser updates the existing Vega view in place instead of rebuilding the chart, and
the server skips Altair's schema work (tens of ms per layered chart) on every rerun. Live numbers
go in the data, the tooltips and the caption under the chart.

Colours: one colour per meaning across the app (unscaled = orange, scaled = blue, theory = grey),
from a colour-blind-safe palette (Okabe–Ito), with line widths and fonts sized for a projector.
Any label that could carry user text goes through ``ui.text`` escaping.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from ui.i18n import t

RAW = "#E69F00"  # Okabe–Ito orange
SCALED = "#0072B2"  # Okabe–Ito blue
THEORY = "#6b6b6b"
CHOSEN = "#000000"
HEIGHT = 380  # total height of the two charts side by side, legends included
HEALTH_HEIGHT = 260
DK_TICKS = [1, 4, 16, 64, 256, 1024, 4096]
HEALTH_METRICS = ("pmax", "entropy", "jacobian")
# Log axes with one tick per decade: the data carries log10 of the value ("log10"), a linear axis
# with integer ticks draws it, and the label shows the value itself (short from 1e-9 to 1e9).
DECADE_LABEL = ("pow(10, datum.value) >= 1e4 || pow(10, datum.value) < 1e-3 ? "
                "format(pow(10, datum.value), '.0e') : format(pow(10, datum.value), '~g')")


@dataclass(frozen=True)
class VegaChart:
    """A Vega-Lite spec and the data it draws (``st.vega_lite_chart(chart.data, chart.spec)``).

    ``spec`` is shared between reruns and sessions (cached): never mutate it."""

    spec: dict
    data: pd.DataFrame


def _spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite dict of an Altair chart authored without data (its layers read the data
    passed beside the spec)."""
    spec = chart.to_dict()
    spec.pop("datasets", None)
    for part in [spec, *spec.get("layer", [])]:
        if part.get("data") == {"name": "empty"}:
            del part["data"]
    return spec


def _configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (chart.configure_axis(labelFontSize=13, titleFontSize=14)
            .configure_legend(labelFontSize=13, labelLimit=400, symbolStrokeWidth=3)
            .configure_title(fontSize=16, anchor="start"))


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
    return _spec(_configure(chart))


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
    return _spec(_configure(chart))


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
    return _spec(_configure(chart))


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
    chart = alt.Chart().mark_bar(opacity=0.6, binSpacing=0).encode(
        x=alt.X("rank:Q", title=x_title, scale=alt.Scale(type="log", nice=False)),
        x2="end:Q",
        y=alt.Y("weight:Q", title=y_title, stack=None, scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=[raw_label, scaled_label], range=[RAW, SCALED]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("kind:N", title=" "), alt.Tooltip("rank:Q", title=x_title),
                 alt.Tooltip("weight:Q", title=y_title, format=".4g")],
    ).properties(title=t("scaling.weights.title", lang), height=HEIGHT)
    return _spec(_configure(chart))


def scaling_weights(r, lang: str) -> VegaChart:
    """One query's n weights, unscaled and scaled, keys sorted by unscaled weight (the same order
    for both: dividing by a positive constant keeps the ranking). Key rank is on a log axis so
    that the top key stays visible as a bar when n is large."""
    order = np.argsort(-r.weights_raw, kind="stable")
    rank = np.arange(1, r.n + 1)
    raw_label, scaled_label = t("scaling.health.raw", lang), t("scaling.health.scaled", lang)
    data = pd.DataFrame({
        "rank": np.tile(rank, 2),
        "end": np.tile(rank + 1, 2),
        "weight": np.concatenate([r.weights_raw[order], r.weights_scaled[order]]),
        "kind": [raw_label] * r.n + [scaled_label] * r.n,
    })
    return VegaChart(_weights_spec(lang), data)


@functools.cache
def _per_head_spec(lang: str, measure: str) -> dict:
    own, shared = t("qk.own", lang), t("qk.shared", lang)
    y_title = t(f"qk.{measure}", lang)
    bars = alt.Chart().transform_filter(alt.datum.kind == "bar").mark_bar().encode(
        x=alt.X("head:O", title=t("qk.head", lang), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N", sort=[own, shared]),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("series:N", scale=alt.Scale(domain=[own, shared], range=[SCALED, RAW]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("head:O", title=t("qk.head", lang)),
                 alt.Tooltip("value:Q", title=y_title, format=".3f")],
    )
    rule = alt.Chart().transform_filter(alt.datum.kind == "chance").mark_rule(
        color=THEORY, strokeDash=[6, 4], strokeWidth=2).encode(y="value:Q", tooltip=[
            alt.Tooltip("series:N", title=" "), alt.Tooltip("value:Q", title=y_title, format=".3f")])
    chart = alt.layer(bars, rule).properties(title=y_title, height=300)
    return _spec(_configure(chart))


def qk_per_head(own: np.ndarray, shared: np.ndarray, lang: str, measure: str,
                chance: float | None = None) -> VegaChart:
    """Per-head bars of one measure ("diag" or "asym"), own W_K against W_K := W_Q; an optional
    dashed line at the chance level."""
    H = len(own)
    rows = {
        "head": list(range(H)) * 2,
        "value": np.concatenate([own, shared]).astype(float),
        "series": [t("qk.own", lang)] * H + [t("qk.shared", lang)] * H,
        "kind": ["bar"] * (2 * H),
    }
    data = pd.DataFrame(rows)
    if chance is not None:
        data = pd.concat([data, pd.DataFrame({"head": [0], "value": [chance], "series": [t("qk.chance", lang)],
                                              "kind": ["chance"]})], ignore_index=True)
    return VegaChart(_per_head_spec(lang, measure), data)


# --- token heatmaps as Vega-Lite (a cached spec; only the data changes when the sentence does) -----
def _pos_label(i: int, piece: str) -> str:
    """A unique, sortable category per position ("007|the"): repeated tokens stay apart; the axis
    shows only the token (LABEL_EXPR drops the 4-character prefix)."""
    return f"{i:03d}|{piece}"


TOKEN_LABEL_EXPR = "substring(datum.label, 4)"
MAX_TICKS = 40  # beyond this many tokens, let Vega drop axis labels that would overlap


@functools.cache
def _token_heatmap_spec(lang: str, title_key: str | None, dense: bool, signed: bool = True) -> dict:
    """``dense``: too many tokens to label each one, so Vega drops labels that would overlap.
    ``signed``: scores on a diverging scale; else weights (>= 0) on a sequential one."""
    q_title, k_title = t("heat.queries", lang), t("heat.keys", lang)
    value_title = t("heat.score" if signed else "heat.weight", lang)
    tip = [alt.Tooltip("qtok:N", title=t("heat.query", lang)), alt.Tooltip("ktok:N", title=t("heat.key", lang)),
           alt.Tooltip("score:Q", title=value_title, format=".4f")]
    overlap = "greedy" if dense else False  # greedy: drop a label only where it would overlap another
    x = alt.X("k:O", title=k_title, axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelAngle=-90, labelOverlap=overlap,
                                                  labelFontSize=12, labelLimit=90))
    y = alt.Y("q:O", title=q_title, axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelOverlap=overlap, labelFontSize=12,
                                                  labelLimit=90))
    cells = alt.Chart().mark_rect().encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("rel:Q", title=t("heat.rel" if signed else "heat.rel_weight", lang),
                        scale=(alt.Scale(scheme="redblue", reverse=True, domain=[-1, 1]) if signed
                               else alt.Scale(scheme="blues", domain=[0, 1])),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=220)),
    )
    maxima = alt.Chart().transform_filter(alt.datum.is_max).mark_point(
        shape="circle", filled=False, color="black", strokeWidth=2, opacity=1).encode(x=x, y=y, tooltip=tip)
    chart = alt.layer(cells, maxima).properties(height=600)
    if title_key is not None:
        chart = chart.properties(title=t(title_key, lang))
    return _spec(_configure(chart))


def token_heatmap(scores: np.ndarray, pieces: tuple[str, ...], lang: str, title_key: str | None,
                  scale: float | None = None, signed: bool = True) -> VegaChart:
    """A (T, T) score matrix: query tokens down, key tokens across, each row's largest score circled.
    Colour is score / ``scale`` on a fixed diverging scale from -1 to 1 (pass the same ``scale`` to
    two heatmaps to compare them); the tooltip shows the score itself. ``signed=False`` is for
    attention weights: a sequential scale from 0 to ``scale``."""
    T = len(pieces)
    scale = float(np.abs(scores).max()) if scale is None else float(scale)
    labels = [_pos_label(i, p) for i, p in enumerate(pieces)]
    qi, ki = np.divmod(np.arange(T * T), T)
    flat = np.asarray(scores, dtype=float).reshape(-1)
    is_max = np.zeros((T, T), dtype=bool)
    is_max[np.arange(T), np.asarray(scores).argmax(axis=1)] = True
    data = pd.DataFrame({
        "q": [labels[i] for i in qi], "k": [labels[j] for j in ki],
        "qtok": [pieces[i] for i in qi], "ktok": [pieces[j] for j in ki],
        "score": flat, "rel": flat / scale if scale > 0 else flat * 0.0, "is_max": is_max.reshape(-1),
    })
    return VegaChart(_token_heatmap_spec(lang, title_key, T > MAX_TICKS, signed), data)


# --- multi-head -------------------------------------------------------------------------------------
@functools.cache
def _head_grid_spec(lang: str, measure: str, x_title_key: str, y_title_key: str, rows: int) -> dict:
    """A small grid of cells (layer x head, or head x head) coloured by a value in [0, 1], the
    value written in each cell, the chosen cells framed. No title: the page puts one above it."""
    title = t(f"mh.{measure}.scale", lang)
    x = alt.X("x:O", title=t(x_title_key, lang), axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("y:O", title=t(y_title_key, lang))
    tip = [alt.Tooltip("x:O", title=t(x_title_key, lang)), alt.Tooltip("y:O", title=t(y_title_key, lang)),
           alt.Tooltip("value:Q", title=title, format=".3f")]
    cells = alt.Chart().mark_rect(stroke="white", strokeWidth=1).encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("rel:Q", title=None, scale=alt.Scale(scheme="viridis", domain=[0, 1]),
                        legend=alt.Legend(orient="right", direction="vertical", gradientLength=max(110, rows * 26 - 12),
                                          gradientThickness=12, format=".1f")),
    )
    text = alt.Chart().mark_text(fontSize=10).encode(
        x=x, y=y, text=alt.Text("value:Q", format=".2f"), tooltip=tip,
        color=alt.condition("datum.rel > 0.55", alt.value("black"), alt.value("white")),
    )
    chosen = alt.Chart().transform_filter(alt.datum.chosen).mark_rect(
        fill=None, stroke=RAW, strokeWidth=3).encode(x=x, y=y, tooltip=tip)
    chart = alt.layer(cells, text, chosen).properties(width=alt.Step(28), height=alt.Step(26))
    return _spec(_configure(chart))


def _grid_data(values: np.ndarray, rel: np.ndarray, chosen: np.ndarray) -> pd.DataFrame:
    rows, cols = values.shape
    y, x = np.divmod(np.arange(rows * cols), cols)
    return pd.DataFrame({"x": x, "y": y, "value": values.reshape(-1).astype(float),
                         "rel": rel.reshape(-1).astype(float), "chosen": chosen.reshape(-1)})


def head_entropy(entropy: np.ndarray, max_entropy: float, chosen: tuple[int, int], lang: str) -> VegaChart:
    """(L, H) mean row entropy in nats; colour is entropy / log T (0 = one key, 1 = uniform)."""
    mask = np.zeros(entropy.shape, dtype=bool)
    mask[chosen] = True
    rel = entropy / max_entropy if max_entropy > 0 else np.zeros_like(entropy)
    return VegaChart(_head_grid_spec(lang, "entropy", "mh.head", "mh.layer", entropy.shape[0]),
                     _grid_data(entropy, rel, mask))


def head_distance(distance: np.ndarray, head: int, lang: str) -> VegaChart:
    """(H, H) mean Hellinger distance between the heads of one layer, in [0, 1]."""
    mask = np.zeros(distance.shape, dtype=bool)
    mask[head, :] = True  # the row of the head shown in detail
    return VegaChart(_head_grid_spec(lang, "distance", "mh.head", "mh.head", distance.shape[0]),
                     _grid_data(distance, distance, mask))


@functools.cache
def _ablation_spec(lang: str, dense: bool) -> dict:
    y_title = t("mh.change", lang)
    overlap = "greedy" if dense else False
    tip = [alt.Tooltip("tok:N", title=t("heat.query", lang)), alt.Tooltip("value:Q", title=y_title, format=".2%")]
    bars = alt.Chart().mark_bar(color=RAW).encode(
        x=alt.X("pos:O", title=None, sort=None,
                axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelAngle=-90, labelOverlap=overlap, labelLimit=90)),
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format="%")),
        tooltip=tip,
    )
    chart = bars.properties(height=300)
    return _spec(_configure(chart))


def head_ablation(change: np.ndarray, pieces: tuple[str, ...], lang: str) -> VegaChart:
    """Per token, |h' - h| / |h| of the final hidden state when one head is zeroed."""
    data = pd.DataFrame({"pos": [_pos_label(i, p) for i, p in enumerate(pieces)], "tok": list(pieces),
                         "value": np.asarray(change, dtype=float)})
    return VegaChart(_ablation_spec(lang, len(pieces) > MAX_TICKS), data)


# --- encoder walk-through -----------------------------------------------------------------------
STREAM, ATTENTION, FFN = "#6b6b6b", SCALED, RAW  # residual stream grey, attention blue, FFN orange
WALK_GROUP = {"attention": ("q", "k", "v", "scores", "weights", "context", "attn_out"),
              "ffn": ("ffn_up", "gelu", "ffn_down")}


def _walk_group(key: str) -> str:
    return next((g for g, keys in WALK_GROUP.items() if key in keys), "stream")


@functools.cache
def _walk_flow_spec(lang: str) -> dict:
    groups = [t(f"walk.group.{g}", lang) for g in ("stream", "attention", "ffn")]
    y_title = t("walk.norm", lang)
    tip = [alt.Tooltip("name:N", title=t("walk.step", lang)), alt.Tooltip("shape:N", title=t("walk.shape", lang)),
           alt.Tooltip("norm:Q", title=y_title, format=".4g"), alt.Tooltip("mean:Q", title=t("walk.mean", lang), format=".4g"),
           alt.Tooltip("std:Q", title=t("walk.std", lang), format=".4g")]
    bars = alt.Chart().mark_bar().encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        x=alt.X("norm:Q", title=y_title),
        color=alt.Color("group:N", scale=alt.Scale(domain=groups, range=[STREAM, ATTENTION, FFN]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=tip,
    )
    return _spec(_configure(bars.properties(height=alt.Step(22))))


def walk_flow(r, lang: str) -> VegaChart:
    """One bar per step of the walk: the mean per-token L2 norm, coloured by where the
    step belongs (residual stream, attention sub-layer, FFN sub-layer)."""
    names = [t(f"walk.step.{s.key}", lang) for s in r.steps]
    data = pd.DataFrame({
        "label": [f"{i + 1:02d} {n}" for i, n in enumerate(names)],
        "name": names,
        "shape": [" × ".join(f"{d}={n}" for d, n in zip(s.dims, s.shape)) for s in r.steps],
        "norm": [max(s.token_norm, 1e-12) for s in r.steps],
        "mean": [s.mean for s in r.steps], "std": [s.std for s in r.steps],
        "group": [t(f"walk.group.{_walk_group(s.key)}", lang) for s in r.steps],
    })
    return VegaChart(_walk_flow_spec(lang), data)


@functools.cache
def _per_token_spec(lang: str, y_key: str, domain: tuple[str, ...], colours: tuple[str, ...], dense: bool,
                    y_min: float | None) -> dict:
    overlap = "greedy" if dense else False
    y_title = t(y_key, lang)
    tip = [alt.Tooltip("tok:N", title=t("heat.query", lang)), alt.Tooltip("series:N", title=" "),
           alt.Tooltip("value:Q", title=y_title, format=".4f")]
    scale = alt.Scale(zero=False) if y_min is None else alt.Scale(domain=[y_min, 1])
    x = alt.X("pos:O", title=None, sort=None,
              axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelAngle=-90, labelOverlap=overlap, labelLimit=90))
    colour = alt.Color("series:N", scale=alt.Scale(domain=list(domain), range=list(colours)),
                       legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=500))
    lines = alt.Chart().mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=50)).encode(
        x=x, y=alt.Y("value:Q", title=y_title, scale=scale), color=colour, tooltip=tip)
    return _spec(_configure(lines.properties(height=280)))


def per_token_lines(series: list[tuple[str, np.ndarray]], pieces: tuple[str, ...], lang: str, y_key: str,
                    colours: tuple[str, ...], y_min: float | None = None) -> VegaChart:
    """Several per-token measures as lines over the sentence's tokens (x axis = tokens, escaped
    as data). ``y_min``: a fixed y axis from y_min to 1 (cosines); else fitted to the data."""
    T = len(pieces)
    pos = [_pos_label(i, p) for i, p in enumerate(pieces)]
    data = pd.DataFrame({
        "pos": pos * len(series), "tok": list(pieces) * len(series),
        "series": [label for label, _ in series for _ in range(T)],
        "value": np.concatenate([np.asarray(v, dtype=float) for _, v in series]),
    })
    domain = tuple(label for label, _ in series)
    return VegaChart(_per_token_spec(lang, y_key, domain, colours, T > MAX_TICKS, y_min), data)


@functools.cache
def _features_spec(lang: str, dense: bool) -> dict:
    overlap = "greedy" if dense else False
    tip = [alt.Tooltip("tok:N", title=t("heat.query", lang)), alt.Tooltip("f:O", title=t("walk.feature", lang)),
           alt.Tooltip("value:Q", title=t("walk.value", lang), format=".4f")]
    cells = alt.Chart().mark_rect().encode(
        x=alt.X("f:O", title=t("walk.feature", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("pos:O", title=None, sort=None,
                axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelOverlap=overlap, labelLimit=90)),
        color=alt.Color("rel:Q", title=t("walk.rel", lang), scale=alt.Scale(scheme="redblue", reverse=True, domain=[-1, 1]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=200, titleLimit=500)),
        tooltip=tip,
    )
    return _spec(_configure(cells.properties(height=alt.Step(16) if not dense else 600)))


def feature_heatmap(sample: np.ndarray, pieces: tuple[str, ...], lang: str) -> VegaChart:
    """(T, k) values of the first k features of each token, on a diverging scale."""
    T, k = sample.shape
    ti, fi = np.divmod(np.arange(T * k), k)
    flat = np.asarray(sample, dtype=float).reshape(-1)
    # one outlier feature (LayerNorm outputs have a few) would wash every other cell out: the colour
    # saturates at the 99th percentile of |value|; the tooltip keeps the exact value
    scale = float(np.percentile(np.abs(flat), 99)) if flat.size else 1.0
    scale = scale or float(np.abs(flat).max()) or 1.0
    labels = [_pos_label(i, p) for i, p in enumerate(pieces)]
    data = pd.DataFrame({"pos": [labels[i] for i in ti], "tok": [pieces[i] for i in ti], "f": fi,
                         "value": flat, "rel": np.clip(flat / scale, -1.0, 1.0)})
    return VegaChart(_features_spec(lang, T > MAX_TICKS), data)


@functools.cache
def _hist_spec(lang: str) -> dict:
    tip = [alt.Tooltip("lo:Q", title=t("walk.from", lang), format=".4g"),
           alt.Tooltip("hi:Q", title=t("walk.to", lang), format=".4g"),
           alt.Tooltip("count:Q", title=t("walk.count", lang))]
    bars = alt.Chart().mark_bar(color=SCALED).encode(
        x=alt.X("lo:Q", title=t("walk.value", lang), bin="binned"), x2="hi:Q",
        y=alt.Y("count:Q", title=t("walk.count", lang)), tooltip=tip)
    return _spec(_configure(bars.properties(height=220)))


def histogram(counts: np.ndarray, edges: np.ndarray, lang: str) -> VegaChart:
    return VegaChart(_hist_spec(lang), pd.DataFrame({"lo": edges[:-1].astype(float), "hi": edges[1:].astype(float),
                                                     "count": np.asarray(counts, dtype=int)}))


# --- tokenization ---------------------------------------------------------------------------------
TOKENIZER_COLOURS = ("#009E73", "#CC79A7", "#D55E00")  # Okabe-Ito green, purple, vermilion


@functools.cache
def _token_counts_spec(lang: str, names: tuple[str, ...]) -> dict:
    y_title = t("tok.counts", lang)
    bars = alt.Chart().mark_bar().encode(
        y=alt.Y("name:N", sort=list(names), title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("tokens:Q", title=y_title),
        color=alt.Color("name:N", scale=alt.Scale(domain=list(names), range=list(TOKENIZER_COLOURS[:len(names)])),
                        legend=None),
        tooltip=[alt.Tooltip("name:N", title=" "), alt.Tooltip("tokens:Q", title=y_title)],
    )
    labels = bars.mark_text(align="left", dx=4, fontSize=13, color="black").encode(text="tokens:Q", color=alt.value("black"))
    return _spec(_configure(alt.layer(bars, labels).properties(height=alt.Step(34))))


def token_counts(names: list[str], counts: list[int], lang: str) -> VegaChart:
    """Horizontal bars: how many tokens each tokenizer makes of the same text."""
    return VegaChart(_token_counts_spec(lang, tuple(names)), pd.DataFrame({"name": names, "tokens": counts}))


@functools.cache
def _bpe_curve_spec(lang: str) -> dict:
    x_title, y_title = t("tok.merge_step", lang), t("tok.curve", lang)
    tip = [alt.Tooltip("step:Q", title=x_title), alt.Tooltip("tokens:Q", title=y_title),
           alt.Tooltip("merge:N", title=t("tok.col.new", lang))]
    line = alt.Chart().transform_filter(alt.datum.kind == "curve").mark_line(color=SCALED, strokeWidth=3).encode(
        x=alt.X("step:Q", title=x_title), y=alt.Y("tokens:Q", title=y_title, scale=alt.Scale(zero=False)), tooltip=tip)
    hover = alt.Chart().transform_filter(alt.datum.kind == "curve").mark_point(opacity=0, size=80).encode(
        x="step:Q", y="tokens:Q", tooltip=tip)
    chosen = alt.Chart().transform_filter(alt.datum.kind == "at").mark_point(
        shape="diamond", filled=False, size=220, strokeWidth=3, color=CHOSEN, opacity=1).encode(
        x="step:Q", y="tokens:Q", tooltip=tip)
    return _spec(_configure(alt.layer(line, hover, chosen).properties(height=260)))


def bpe_curve(n_start: int, tokens_after: list[int], merges: list[str], at: int, lang: str) -> VegaChart:
    """Tokens in the training text after 0, 1, ... merges; a diamond at merge ``at``."""
    steps = list(range(len(tokens_after) + 1))
    tokens = [n_start, *tokens_after]
    names = ["", *merges]
    data = pd.DataFrame({"step": steps + [at], "tokens": tokens + [tokens[at]], "merge": names + [names[at]],
                         "kind": ["curve"] * len(steps) + ["at"]})
    return VegaChart(_bpe_curve_spec(lang), data)


# --- pretrained vectors -------------------------------------------------------------------------
CATEGORY_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")


@functools.cache
def _neighbours_spec(lang: str) -> dict:
    x_title = t("vec.similarity", lang)
    own, other = t("vec.variant", lang), t("vec.other", lang)
    tip = [alt.Tooltip("piece:N", title=t("vec.piece", lang)), alt.Tooltip("sim:Q", title=x_title, format=".4f"),
           alt.Tooltip("id:Q", title="id")]
    bars = alt.Chart().mark_bar().encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelLimit=200, labelFontSize=14)),
        x=alt.X("sim:Q", title=x_title, scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("kind:N", scale=alt.Scale(domain=[other, own], range=[SCALED, THEORY]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=tip,
    )
    text = alt.Chart().mark_text(align="left", dx=4, fontSize=12).encode(
        y=alt.Y("label:N", sort=None), x="sim:Q", text=alt.Text("sim:Q", format=".3f"), tooltip=tip)
    return _spec(_configure(alt.layer(bars, text).properties(height=alt.Step(24))))


def neighbours(lst, lang: str) -> VegaChart:
    """One NeighbourList as horizontal bars, most similar on top; spellings of the query itself
    ("Bank", "▁bank") in grey. Pieces are data, drawn as text by Vega (never markup)."""
    pieces = list(lst.pieces)
    data = pd.DataFrame({
        "label": [_pos_label(i, p) for i, p in enumerate(pieces)], "piece": pieces,
        "sim": np.asarray(lst.similarity, dtype=float), "id": np.asarray(lst.ids, dtype=int),
        "kind": [t("vec.variant" if v else "vec.other", lang) for v in lst.variant],
    })
    return VegaChart(_neighbours_spec(lang), data)


@functools.cache
def _pca_spec(lang: str, title_key: str, names: tuple[str, ...]) -> dict:
    tip = [alt.Tooltip("word:N", title=t("vec.word", lang)), alt.Tooltip("cat:N", title=t("vec.category", lang))]
    points = alt.Chart().mark_circle(size=90, opacity=0.85).encode(
        x=alt.X("x:Q", title=t("vec.pc1", lang), axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("y:Q", title=t("vec.pc2", lang), axis=alt.Axis(labels=False, ticks=False)),
        color=alt.Color("cat:N", scale=alt.Scale(domain=list(names), range=list(CATEGORY_COLOURS[:len(names)])),
                        legend=alt.Legend(title=None, orient="bottom", columns=3, labelLimit=200)),
        tooltip=tip,
    )
    return _spec(_configure(points.properties(title=t(title_key, lang), height=300)))


def category_map(xy: np.ndarray, words: tuple[str, ...], labels: np.ndarray, names: tuple[str, ...], lang: str,
                 title_key: str) -> VegaChart:
    """Words as points on their first two principal axes, coloured by category."""
    data = pd.DataFrame({"x": xy[:, 0].astype(float), "y": xy[:, 1].astype(float), "word": list(words),
                         "cat": [names[i] for i in labels]})
    return VegaChart(_pca_spec(lang, title_key, tuple(names)), data)


@functools.cache
def _accuracy_spec(lang: str) -> dict:
    kinds = [t("vec.acc.real", lang), t("vec.acc.random", lang), t("vec.acc.chance", lang)]
    x_title = t("vec.accuracy", lang)
    bars = alt.Chart().mark_bar().encode(
        y=alt.Y("kind:N", sort=kinds, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("acc:Q", title=x_title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[SCALED, RAW, THEORY]), legend=None),
        tooltip=[alt.Tooltip("kind:N", title=" "), alt.Tooltip("acc:Q", title=x_title, format=".1%")],
    )
    text = alt.Chart().mark_text(align="left", dx=4, fontSize=13).encode(
        y=alt.Y("kind:N", sort=kinds), x="acc:Q", text=alt.Text("acc:Q", format=".0%"))
    return _spec(_configure(alt.layer(bars, text).properties(height=alt.Step(34))))


def accuracy(real: float, random: float, chance: float, lang: str) -> VegaChart:
    data = pd.DataFrame({"kind": [t("vec.acc.real", lang), t("vec.acc.random", lang), t("vec.acc.chance", lang)],
                         "acc": [real, random, chance]})
    return VegaChart(_accuracy_spec(lang), data)


@functools.cache
def _context_spec(lang: str) -> dict:
    same, diff = t("vec.ctx.same", lang), t("vec.ctx.diff", lang)
    y_title = t("vec.ctx.cos", lang)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("layer:O", title=t("vec.ctx.layer", lang)),
           alt.Tooltip("cos:Q", title=y_title, format=".4f")]
    lines = alt.Chart().mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=60)).encode(
        x=alt.X("layer:N", sort=None, title=t("vec.ctx.layer", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cos:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", scale=alt.Scale(domain=[same, diff], range=[SCALED, RAW]),
                        legend=alt.Legend(title=None, orient="top", labelLimit=500)),
        tooltip=tip,
    )
    return _spec(_configure(lines.properties(height=280)))


def context_layers(same: np.ndarray, diff: np.ndarray, table_same: float, table_diff: float,
                   lang: str) -> VegaChart:
    """Mean cosine between the word's vectors in two sentences: first its table row (the same in
    every sentence), then per layer (0 = the embeddings' output: positions added, layer-normalised),
    same sense against different senses."""
    xs = [t("vec.ctx.table", lang), *map(str, range(len(same)))]
    n = len(xs)
    data = pd.DataFrame({"layer": xs * 2,
                         "cos": np.concatenate([[table_same], same, [table_diff], diff]).astype(float),
                         "series": [t("vec.ctx.same", lang)] * n + [t("vec.ctx.diff", lang)] * n})
    return VegaChart(_context_spec(lang), data)


def head_values(values: np.ndarray, chosen: tuple[int, int], lang: str, measure: str) -> VegaChart:
    """(L, H) values in [0, 1] per layer and head (e.g. the weight real tokens put on padding)."""
    mask = np.zeros(values.shape, dtype=bool)
    mask[chosen] = True
    return VegaChart(_head_grid_spec(lang, measure, "mh.head", "mh.layer", values.shape[0]),
                     _grid_data(values, np.clip(values, 0.0, 1.0), mask))


# --- batches and padding ---------------------------------------------------------------------------
@functools.cache
def _batch_tokens_spec(lang: str, title: str) -> dict:
    real, pad = t("batch.real", lang), t("batch.pad", lang)
    tip = [alt.Tooltip("batch:O", title=t("batch.batch", lang)), alt.Tooltip("kind:N", title=" "),
           alt.Tooltip("tokens:Q", title=t("batch.tokens", lang))]
    x = alt.X("batch:O", title=t("batch.batch", lang), axis=alt.Axis(labelAngle=0))
    bars = alt.Chart().transform_filter(alt.datum.kind != "top").mark_bar().encode(
        x=x,
        y=alt.Y("tokens:Q", title=t("batch.tokens", lang), stack="zero"),
        color=alt.Color("kind:N", scale=alt.Scale(domain=[real, pad], range=[SCALED, RAW]),
                        legend=alt.Legend(title=None, orient="bottom")),
        order=alt.Order("order:Q"),
        tooltip=tip,
    )
    # an invisible point at the largest batch of all three charts: the same y scale side by side
    top = alt.Chart().transform_filter(alt.datum.kind == "top").mark_point(opacity=0).encode(x=x, y="tokens:Q")
    return _spec(_configure(alt.layer(bars, top).properties(title=title, height=300)))


def batch_tokens(real: np.ndarray, pad: np.ndarray, lang: str, title: str, y_max: int) -> VegaChart:
    """Stacked bars per batch: the sentences' own tokens and the pad tokens the batch adds; the y
    axis reaches ``y_max`` (pass the same to charts drawn side by side)."""
    n = len(real)
    data = pd.DataFrame({"batch": list(range(1, n + 1)) * 2 + [1],
                         "tokens": np.concatenate([real, pad, [y_max]]).astype(int),
                         "kind": [t("batch.real", lang)] * n + [t("batch.pad", lang)] * n + ["top"],
                         "order": [0] * n + [1] * n + [2]})
    return VegaChart(_batch_tokens_spec(lang, title), data)


# --- cross-attention ----------------------------------------------------------------------------------
@functools.cache
def _cross_spec(lang: str) -> dict:
    """Output steps down, source words across; each cell's weight written in it, each row's largest framed."""
    out_title, src_title, w_title = t("xattn.axis.out", lang), t("xattn.axis.src", lang), t("heat.weight", lang)
    x = alt.X("k:O", title=src_title, axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelAngle=-40, labelFontSize=13,
                                                    labelLimit=110, orient="top"))
    y = alt.Y("q:O", title=out_title, axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelFontSize=15, labelLimit=90))
    tip = [alt.Tooltip("qtok:N", title=out_title), alt.Tooltip("ktok:N", title=src_title),
           alt.Tooltip("score:Q", title=w_title, format=".4f")]
    cells = alt.Chart().mark_rect(stroke="white", strokeWidth=1).encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("score:Q", title=w_title, scale=alt.Scale(scheme="blues", domain=[0, 1]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=220)),
    )
    text = alt.Chart().mark_text(fontSize=12).encode(
        x=x, y=y, text=alt.Text("score:Q", format=".2f"), tooltip=tip,
        color=alt.condition("datum.score > 0.55", alt.value("white"), alt.value("black")),
    )
    maxima = alt.Chart().transform_filter(alt.datum.is_max).mark_rect(
        fill=None, stroke=RAW, strokeWidth=3).encode(x=x, y=y, tooltip=tip)
    chart = alt.layer(cells, text, maxima).properties(height=alt.Step(40))  # the width: the column's
    return _spec(_configure(chart))


def cross_heatmap(weights: np.ndarray, out_tokens: tuple[str, ...], src_words: tuple[str, ...], lang: str) -> VegaChart:
    """An (N, S) cross-attention map: the decoder's output steps down, the encoder's words across."""
    N, S = weights.shape
    rows, cols = [_pos_label(i, p) for i, p in enumerate(out_tokens)], [_pos_label(j, w) for j, w in enumerate(src_words)]
    qi, ki = np.divmod(np.arange(N * S), S)
    is_max = np.zeros((N, S), dtype=bool)
    is_max[np.arange(N), np.asarray(weights).argmax(axis=1)] = True
    data = pd.DataFrame({
        "q": [rows[i] for i in qi], "k": [cols[j] for j in ki],
        "qtok": [out_tokens[i] for i in qi], "ktok": [src_words[j] for j in ki],
        "score": np.asarray(weights, dtype=float).reshape(-1), "is_max": is_max.reshape(-1),
    })
    return VegaChart(_cross_spec(lang), data)


# --- decoder masks: lessons causal-mask and residual-leak ------------------------------------------
MASK_ON, MASK_OFF = SCALED, RAW  # with the causal mask blue, without it orange (as scaled / unscaled)
MASKED_FILL = "#e9e9e9"  # a cell the mask removes (weight exactly 0)
ZERO_FILL = "#ffffff"  # a change that is exactly 0.0: white, with the text "0"


def _token_axes(lang: str, dense: bool) -> tuple[alt.X, alt.Y]:
    """Keys across, queries down, labelled with the tokens (data, never markup), in position order."""
    overlap = "greedy" if dense else False
    x = alt.X("k:O", title=t("heat.keys", lang), sort="ascending",
              axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelAngle=-90, labelOverlap=overlap, labelFontSize=12,
                            labelLimit=90))
    y = alt.Y("q:O", title=t("heat.queries", lang), sort="ascending",
              axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelOverlap=overlap, labelFontSize=12, labelLimit=90))
    return x, y


def _map_height(dense: bool, step: int):
    """A token map's height: ``step`` pixels a row (every label readable), a fixed 760 when dense."""
    return 760 if dense else alt.Step(step)


def _token_cells(T: int, pieces: tuple[str, ...]) -> dict:
    labels = [_pos_label(i, p) for i, p in enumerate(pieces)]
    qi, ki = np.divmod(np.arange(T * T), T)
    return {"q": [labels[i] for i in qi], "k": [labels[j] for j in ki], "qtok": [pieces[i] for i in qi],
            "ktok": [pieces[j] for j in ki], "qi": qi, "ki": ki}


@functools.cache
def _causal_mask_spec(lang: str, dense: bool) -> dict:
    allowed, masked = t("causal.map.allowed", lang), t("causal.map.masked", lang)
    tip = [alt.Tooltip("qtok:N", title=t("heat.query", lang)), alt.Tooltip("ktok:N", title=t("heat.key", lang)),
           alt.Tooltip("state:N", title=t("causal.map.state", lang))]
    x, y = _token_axes(lang, dense)
    cells = alt.Chart().mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("state:N", scale=alt.Scale(domain=[allowed, masked], range=[MASK_ON, MASKED_FILL]),
                        legend=alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=400)))
    # the column of the changed key p: with the mask only the queries at and after p can read it
    col = alt.Chart().transform_filter(alt.datum.is_p).mark_rect(fill=None, stroke=RAW, strokeWidth=2.5).encode(
        x=x, y=y, tooltip=tip)
    return _spec(_configure(alt.layer(cells, col).properties(height=_map_height(dense, 16))))


def causal_mask_map(mask: np.ndarray, pieces: tuple[str, ...], position: int, lang: str) -> VegaChart:
    """The (T, T) causal mask (True = may attend), query tokens down and key tokens across; the
    changed key's column framed."""
    T = len(pieces)
    cols = _token_cells(T, pieces)
    flat = np.asarray(mask, dtype=bool).reshape(-1)
    data = pd.DataFrame({**cols, "state": np.where(flat, t("causal.map.allowed", lang), t("causal.map.masked", lang)),
                         "is_p": cols["ki"] == position})
    return VegaChart(_causal_mask_spec(lang, T > MAX_TICKS), data)


@functools.cache
def _causal_attention_spec(lang: str, dense: bool) -> dict:
    past, future = t("causal.attn.past", lang), t("causal.attn.future", lang)
    w_title = t("heat.weight", lang)
    tip = [alt.Tooltip("qtok:N", title=t("heat.query", lang)), alt.Tooltip("ktok:N", title=t("heat.key", lang)),
           alt.Tooltip("score:Q", title=w_title, format=".4f")]
    x, y = _token_axes(lang, dense)
    legend = dict(orient="bottom", direction="horizontal", gradientLength=160, titleLimit=300, format=".1f")
    # keys at or before the query: blue; later keys: orange (the weight a mask would remove), grey when it is 0
    seen = alt.Chart().transform_filter("!datum.future").mark_rect().encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("score:Q", title=past, scale=alt.Scale(scheme="blues", domain=[0, 1]), legend=alt.Legend(**legend)))
    later = alt.Chart().transform_filter("datum.future && datum.score > 0").mark_rect().encode(
        x=x, y=y, tooltip=tip,
        fill=alt.Fill("score:Q", title=future, scale=alt.Scale(scheme="oranges", domain=[0, 1]),
                      legend=alt.Legend(**legend)))
    zero = alt.Chart().transform_filter("datum.future && datum.score == 0").mark_rect(color=MASKED_FILL).encode(
        x=x, y=y, tooltip=tip)
    maxima = alt.Chart().transform_filter(alt.datum.is_max).mark_point(
        shape="circle", filled=False, color="black", strokeWidth=2, opacity=1).encode(x=x, y=y, tooltip=tip)
    chart = alt.layer(seen, later, zero, maxima).properties(height=_map_height(dense, 20)).resolve_scale(
        color="independent", fill="independent")
    return _spec(_configure(chart))


def causal_attention_map(weights: np.ndarray, pieces: tuple[str, ...], lang: str) -> VegaChart:
    """A (T, T) attention map of a decoder head: weights on keys at or before the query in blue,
    on later keys in orange (a weight of exactly 0 there, as the mask leaves it, in grey); each row's
    largest weight circled; exact weights on hover."""
    T = len(pieces)
    cols = _token_cells(T, pieces)
    w = np.asarray(weights, dtype=float)
    is_max = np.zeros((T, T), dtype=bool)
    is_max[np.arange(T), w.argmax(axis=1)] = True
    data = pd.DataFrame({**cols, "score": w.reshape(-1), "future": cols["ki"] > cols["qi"], "is_max": is_max.reshape(-1)})
    return VegaChart(_causal_attention_spec(lang, T > MAX_TICKS), data)


@functools.cache
def _position_deltas_spec(lang: str, dense: bool) -> dict:
    on, off = t("causal.delta.on", lang), t("causal.delta.off", lang)
    y_title = t("causal.delta.y", lang)
    overlap = "greedy" if dense else False
    x = alt.X("pos:O", title=None, sort="ascending",
              axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelAngle=-90, labelOverlap=overlap, labelLimit=90))
    tip = [alt.Tooltip("tok:N", title=t("causal.delta.position", lang)), alt.Tooltip("series:N", title=" "),
           alt.Tooltip("value:Q", title=y_title, format=".6g")]
    colour = alt.Color("series:N", scale=alt.Scale(domain=[on, off], range=[MASK_ON, MASK_OFF]),
                       legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=500))
    lines = alt.Chart().transform_filter(alt.datum.kind == "line").mark_line(
        strokeWidth=2.5, point=alt.OverlayMarkDef(size=55, filled=True)).encode(
        x=x, y=alt.Y("value:Q", title=y_title), color=colour, tooltip=tip)
    # the changed position p: a dashed rule across the chart, labelled at its top
    rule = alt.Chart().transform_filter(alt.datum.kind == "p").mark_rule(
        color=CHOSEN, strokeDash=[5, 4], strokeWidth=2).encode(x=x, tooltip=[alt.Tooltip("tok:N", title="p")])
    label = alt.Chart().transform_filter(alt.datum.kind == "p").mark_text(
        align="left", baseline="top", dx=6, dy=2, fontSize=13, fontWeight="bold").encode(
        x=x, y=alt.value(0), text="label:N")
    return _spec(_configure(alt.layer(lines, rule, label).properties(height=330)))


def position_deltas(delta_on: np.ndarray, delta_off: np.ndarray, pieces: tuple[str, ...], position: int,
                    lang: str) -> VegaChart:
    """Per position, the largest change of the logits when token ``position`` is replaced, with the
    causal mask and without it; a dashed rule at ``position``. Exact values on hover."""
    T = len(pieces)
    pos = [_pos_label(i, p) for i, p in enumerate(pieces)]
    on, off = t("causal.delta.on", lang), t("causal.delta.off", lang)
    data = pd.DataFrame({
        "pos": pos * 2 + [pos[position]], "tok": list(pieces) * 2 + [pieces[position]],
        "series": [on] * T + [off] * T + [""],
        "value": np.concatenate([np.asarray(delta_on, float), np.asarray(delta_off, float), [np.nan]]),
        "kind": ["line"] * (2 * T) + ["p"], "label": [""] * (2 * T) + [f"p = {position}"],
    })
    return VegaChart(_position_deltas_spec(lang, T > MAX_TICKS), data)


@functools.cache
def _layer_head_spec(lang: str, title_key: str) -> dict:
    """(L, H) fractions: heads across, layers down, the value written in each cell as a percentage,
    the chosen cell framed."""
    value_title = t(title_key, lang)
    x = alt.X("x:O", title=t("causal.head", lang), axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("y:O", title=t("causal.layer", lang), axis=alt.Axis(labelOverlap=False, labelFontSize=11))
    tip = [alt.Tooltip("y:O", title=t("causal.layer", lang)), alt.Tooltip("x:O", title=t("causal.head", lang)),
           alt.Tooltip("value:Q", title=value_title, format=".2%")]
    cells = alt.Chart().mark_rect(stroke="white", strokeWidth=1).encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("rel:Q", title=value_title, scale=alt.Scale(scheme="viridis", domain=[0, 1]),
                        legend=alt.Legend(orient="right", direction="vertical", gradientLength=300,
                                          gradientThickness=12, format=".0%", titleLimit=300, titleOrient="left")))
    text = alt.Chart().mark_text(fontSize=10).encode(
        x=x, y=y, text=alt.Text("value:Q", format=".0%"), tooltip=tip,
        color=alt.condition("datum.rel > 0.55", alt.value("black"), alt.value("white")))
    chosen = alt.Chart().transform_filter(alt.datum.chosen).mark_rect(
        fill=None, stroke=RAW, strokeWidth=3).encode(x=x, y=y, tooltip=tip)
    return _spec(_configure(alt.layer(cells, text, chosen).properties(width=alt.Step(36), height=alt.Step(17))))


def layer_head_values(values: np.ndarray, chosen: tuple[int, int], lang: str, title_key: str) -> VegaChart:
    """(L, H) fractions in [0, 1] per layer and head (e.g. the weight a head would put on later tokens
    without the causal mask); the chosen (layer, head) framed."""
    mask = np.zeros(values.shape, dtype=bool)
    mask[chosen] = True
    return VegaChart(_layer_head_spec(lang, title_key), _grid_data(values, np.clip(values, 0.0, 1.0), mask))


def _delta_text(v: float) -> str:
    """A cell's label: "0" for exactly 0.0, else two significant digits."""
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.2g}" if abs(v) >= 1e-3 else f"{v:.0e}"


def _delta_cells(values: np.ndarray, rows: list[str], cols: list[str], col_tok: list[str], lo: float,
                 hi: float) -> pd.DataFrame:
    """Long-form cells of a (rows, cols) grid of |Δ| values (ri, ci: their order), coloured by log10
    between ``lo`` and ``hi`` (shared by the grids drawn side by side), plus two invisible anchor rows
    that pin the colour scale to [lo, hi] whatever this grid holds."""
    R, C = values.shape
    ri, ci = np.divmod(np.arange(R * C), C)
    flat = np.asarray(values, dtype=float).reshape(-1)
    log10 = np.log10(np.where(flat > 0, flat, 1.0))
    span = (np.log10(hi) - np.log10(lo)) or 1.0
    rel = np.clip((log10 - np.log10(lo)) / span, 0.0, 1.0)
    cells = pd.DataFrame({
        "row": [rows[i] for i in ri], "col": [cols[j] for j in ci], "ri": ri, "ci": ci,
        "ctok": [col_tok[j] for j in ci], "value": flat, "log10": np.where(flat > 0, log10, np.nan),
        "text": [_delta_text(v) for v in flat], "dark": (flat > 0) & (rel < 0.55), "zero": flat == 0, "kind": "cell",
    })
    anchors = pd.DataFrame({"row": [rows[0]] * 2, "col": [cols[0]] * 2, "ri": 0, "ci": 0, "ctok": "",
                            "value": [lo, hi], "log10": [np.log10(lo), np.log10(hi)], "text": "", "dark": False,
                            "zero": False, "kind": "anchor"})
    return pd.concat([cells, anchors], ignore_index=True)


def _delta_layers(x: alt.X, y: alt.Y, tip: list, legend_title: str, text: bool) -> list:
    cell = alt.Chart().transform_filter(alt.datum.kind == "cell")
    colour = alt.Color("log10:Q", title=legend_title, scale=alt.Scale(scheme="viridis", zero=False, nice=False),
                       legend=alt.Legend(type="gradient", orient="bottom", direction="horizontal", gradientLength=240,
                                         titleLimit=500, labelExpr=DECADE_LABEL, tickMinStep=1))
    coloured = cell.transform_filter("!datum.zero").mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=x, y=y, tooltip=tip, color=colour)
    zeros = cell.transform_filter("datum.zero").mark_rect(fill=ZERO_FILL, stroke="#d0d0d0", strokeWidth=0.5).encode(
        x=x, y=y, tooltip=tip)
    # invisible rects at the first cell carrying lo and hi: the colour scale spans both grids' range
    anchor = alt.Chart().transform_filter(alt.datum.kind == "anchor").mark_rect(opacity=0).encode(
        x=x, y=y, color=colour)
    layers = [coloured, zeros, anchor]
    if text:
        layers.append(cell.mark_text(fontSize=10).encode(
            x=x, y=y, text="text:N", tooltip=tip,
            color=alt.condition("datum.dark", alt.value("white"), alt.value("#333333"))))
    return layers


def _by(field: str) -> alt.EncodingSortField:
    return alt.EncodingSortField(field=field, op="min", order="ascending")


@functools.cache
def _leak_grid_spec(lang: str) -> dict:
    layer_title, step_title, value_title = t("causal.layer", lang), t("leak.step", lang), t("leak.delta", lang)
    x = alt.X("col:N", title=step_title, sort=_by("ci"),
              axis=alt.Axis(labelAngle=-40, orient="top", labelLimit=170, labelFontSize=12, labelOverlap=False))
    y = alt.Y("row:N", title=layer_title, sort=_by("ri"), axis=alt.Axis(labelOverlap=False, labelFontSize=11))
    tip = [alt.Tooltip("row:N", title=layer_title), alt.Tooltip("col:N", title=step_title),
           alt.Tooltip("value:Q", title=value_title, format=".6g")]
    chart = alt.layer(*_delta_layers(x, y, tip, value_title, text=True)).properties(
        width=alt.Step(62), height=alt.Step(17))
    return _spec(_configure(chart))


def leak_grid(values: np.ndarray, steps: tuple[str, ...], lo: float, hi: float, lang: str) -> VegaChart:
    """(L, S) largest |Δ| at the positions before p, per layer (down) and sub-step (across, in
    computing order, ``steps`` their display names); exactly 0.0 drawn white with "0", anything
    else on a log colour scale from ``lo`` to ``hi`` (pass the same to grids shown side by side)."""
    L, S = values.shape
    data = _delta_cells(values, [str(i) for i in range(L)], list(steps), list(steps), lo, hi)
    return VegaChart(_leak_grid_spec(lang), data)


@functools.cache
def _leak_profile_spec(lang: str, dense: bool, text: bool) -> dict:
    step_title, value_title = t("leak.step", lang), t("leak.delta", lang)
    overlap = "greedy" if dense else False
    x = alt.X("col:N", title=None, sort=_by("ci"),
              axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelAngle=-90, labelOverlap=overlap, labelLimit=90))
    y = alt.Y("row:N", title=None, sort=_by("ri"), axis=alt.Axis(labelLimit=220, labelFontSize=12))
    tip = [alt.Tooltip("ctok:N", title=t("causal.delta.position", lang)), alt.Tooltip("row:N", title=step_title),
           alt.Tooltip("value:Q", title=value_title, format=".6g")]
    p_col = alt.Chart().transform_filter(alt.datum.kind == "cell").transform_filter(alt.datum.is_p).mark_rect(
        fill=None, stroke=RAW, strokeWidth=2.5).encode(x=x, y=y)
    return _spec(_configure(alt.layer(*_delta_layers(x, y, tip, value_title, text=text), p_col)
                            .properties(height=alt.Step(24))))


def leak_profile(values: np.ndarray, steps: tuple[str, ...], pieces: tuple[str, ...], position: int, lo: float,
                 hi: float, lang: str) -> VegaChart:
    """(S, T) |Δ| of one layer's sub-steps (down, ``steps`` their display names) at every position
    (across, the prompt's tokens); the changed position's column framed; colours as :func:`leak_grid`."""
    S, T = values.shape
    data = _delta_cells(values, list(steps), [_pos_label(i, p) for i, p in enumerate(pieces)], list(pieces), lo, hi)
    data["is_p"] = (data["ci"] == position) & (data["kind"] == "cell")
    return VegaChart(_leak_profile_spec(lang, T > MAX_TICKS, T <= 24), data)


def delta_range(*arrays: np.ndarray) -> tuple[float, float]:
    """(lo, hi) of the non-zero |Δ| values of all ``arrays``: the shared colour range of
    :func:`leak_grid` and :func:`leak_profile` (1e-6 to 1 when every value is 0)."""
    flat = np.concatenate([np.asarray(a, dtype=float).reshape(-1) for a in arrays])
    pos = flat[flat > 0]
    if not len(pos):
        return 1e-6, 1.0
    lo, hi = float(pos.min()), float(pos.max())
    return (lo, hi) if hi > lo else (lo / 10, hi * 10)


# --- decoding: lessons parallelism and kv-cache (app_pages/decoding.py) ------------------------------
STEPS = RAW  # one token per call, as generation runs: orange; the parallel call / the cached decode: blue
# Streamlit fits a chart's legend and axes into its height: these charts carry a two- or three-line legend
DECODING_HEIGHT = 380
DECADES = [10.0 ** k for k in range(-6, 7)]  # log axes: one tick and grid line per decade (Vega's default adds 2..9)


@functools.cache
def _parallel_spec(lang: str) -> dict:
    one, steps = t("par.series.one", lang), t("par.series.steps", lang)
    x_title, y_title = t("par.curve.x", lang), t("par.curve.y", lang)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("n:Q", title=x_title),
           alt.Tooltip("ms:Q", title=y_title, format=".3g"), alt.Tooltip("total:Q", title=t("par.curve.total", lang),
                                                                         format=".4g")]
    lines = alt.Chart().mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=alt.X("n:Q", title=x_title, scale=alt.Scale(type="log", base=2, nice=False),
                axis=alt.Axis(values=[2, 4, 8, 16, 32, 64], format="d")),
        y=alt.Y("ms:Q", title=y_title, scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", scale=alt.Scale(domain=[one, steps], range=[SCALED, STEPS]),
                        legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=500)),
        tooltip=tip,
    )
    return _spec(_configure(lines.properties(height=DECODING_HEIGHT)))


def parallel_per_position(r, lang: str) -> VegaChart:
    """Milliseconds per position against n (log axis): one teacher-forced call over n positions, and n
    cached one-token steps (tf_core.lab.parallelism's grid)."""
    k = len(r.grid_n)
    data = pd.DataFrame({
        "n": np.tile(np.asarray(r.grid_n, dtype=int), 2),
        "ms": 1000 * np.concatenate([r.per_position_parallel, r.per_position_sequential]).astype(float),
        "total": 1000 * np.concatenate([r.grid_parallel, r.grid_sequential]).astype(float),
        "series": [t("par.series.one", lang)] * k + [t("par.series.steps", lang)] * k,
    })
    return VegaChart(_parallel_spec(lang), data)


@functools.cache
def _layer_timeline_spec(lang: str) -> dict:
    block, head = t("par.layers.block", lang), t("par.layers.head", lang)
    x_title, y_title = t("par.layers.x", lang), t("par.layers.y", lang)
    tip = [alt.Tooltip("label:N", title=y_title), alt.Tooltip("start:Q", title=t("par.layers.start", lang), format=".3g"),
           alt.Tooltip("end:Q", title=t("par.layers.end", lang), format=".3g"),
           alt.Tooltip("ms:Q", title=t("par.layers.ms", lang), format=".3g")]
    bars = alt.Chart().mark_bar(height={"band": 0.8}).encode(
        y=alt.Y("label:N", title=y_title, sort=alt.EncodingSortField("order", order="ascending"),
                axis=alt.Axis(labelOverlap="greedy", labelFontSize=11)),
        x=alt.X("start:Q", title=x_title, scale=alt.Scale(zero=True)),
        x2="end:Q",
        color=alt.Color("kind:N", scale=alt.Scale(domain=[block, head], range=[SCALED, THEORY]),
                        legend=alt.Legend(title=None, orient="top", labelLimit=500)),
        tooltip=tip,
    )
    return _spec(_configure(bars.properties(height=DECODING_HEIGHT)))


def layer_timeline(r, lang: str) -> VegaChart:
    """When each block of one call over n positions ran (ms from the call's start): a staircase,
    block l + 1 starting where block l ended; the last bar is the final norm and the output head."""
    L = len(r.layer_seconds)
    start = 1000 * np.asarray(r.layer_start, dtype=float)
    end = start + 1000 * np.asarray(r.layer_seconds, dtype=float)
    blocks_end = float(end[-1]) if L else 0.0
    call_end = max(1000 * float(r.call_seconds), blocks_end)
    data = pd.DataFrame({
        "label": [str(i) for i in range(L)] + [t("par.layers.head_short", lang)],
        "order": list(range(L + 1)),
        "start": np.append(start, blocks_end),
        "end": np.append(end, call_end),
        "kind": [t("par.layers.block", lang)] * L + [t("par.layers.head", lang)],
    })
    data["ms"] = data["end"] - data["start"]
    return VegaChart(_layer_timeline_spec(lang), data)


@functools.cache
def _decode_steps_spec(lang: str) -> dict:
    cached, uncached = t("kv.series.cached", lang), t("kv.series.uncached", lang)
    x_title, y_title = t("kv.steps.x", lang), t("kv.steps.y", lang)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("step:Q", title=x_title),
           alt.Tooltip("ms:Q", title=y_title, format=".3g"), alt.Tooltip("tok:N", title=t("kv.steps.token", lang)),
           alt.Tooltip("run:Q", title=t("kv.steps.run", lang))]
    lines = alt.Chart().mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=30, filled=True)).encode(
        x=alt.X("step:Q", title=x_title, scale=alt.Scale(zero=False, nice=False), axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("ms:Q", title=y_title, scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", scale=alt.Scale(domain=[cached, uncached], range=[SCALED, STEPS]),
                        legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=500)),
        tooltip=tip,
    )
    return _spec(_configure(lines.properties(height=DECODING_HEIGHT)))


def decode_steps(r, lang: str) -> VegaChart:
    """Milliseconds of each greedy step, with the cache and without it (the uncached side stops at its
    cap). Step 1 reads the prompt on both sides; the token each step chose is in the tooltip (data,
    never markup). ``run``: the positions that step's forward computed."""
    nc, nu = len(r.step_cached), len(r.step_uncached)
    pieces = list(r.generated)
    data = pd.DataFrame({
        "step": np.concatenate([np.arange(1, nc + 1), np.arange(1, nu + 1)]),
        "ms": 1000 * np.concatenate([r.step_cached, r.step_uncached]).astype(float),
        "series": [t("kv.series.cached", lang)] * nc + [t("kv.series.uncached", lang)] * nu,
        "tok": pieces[:nc] + pieces[:nu],
        "run": [r.n_prompt] + [1] * (nc - 1) + [r.n_prompt + i for i in range(nu)],
    })
    return VegaChart(_decode_steps_spec(lang), data)


@functools.cache
def _kv_memory_spec(lang: str) -> dict:
    model, mha, measured = t("kv.mem.model", lang), t("kv.mem.mha", lang), t("kv.mem.measured", lang)
    x_title, y_title = t("kv.mem.x", lang), t("kv.mem.y", lang)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("positions:Q", title=x_title, format=","),
           alt.Tooltip("mb:Q", title=y_title, format=".4g"), alt.Tooltip("bytes:Q", title=t("kv.mem.bytes", lang), format=",")]
    x = alt.X("positions:Q", title=x_title, scale=alt.Scale(type="log", base=2, nice=False),
              axis=alt.Axis(values=[4 ** k for k in range(8)], format=","))
    y = alt.Y("mb:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(values=DECADES, format="~g"))
    legend = dict(title=None, orient="top", direction="vertical", labelLimit=500)
    lines = alt.Chart().transform_filter(alt.datum.kind == "line").mark_line(strokeWidth=3).encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("series:N", scale=alt.Scale(domain=[model, mha], range=[SCALED, RAW]),
                        legend=alt.Legend(symbolType="stroke", symbolSize=400, **legend)),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=[model, mha], range=[[1, 0], [6, 4]]), legend=None))
    # the measurement: an open diamond with a legend entry of its own
    point = alt.Chart().transform_filter(alt.datum.kind == "point").mark_point(
        filled=False, size=260, strokeWidth=3, color=CHOSEN, opacity=1).encode(
        x=x, y=y, tooltip=tip,
        # its own field: Vega-Lite merges a shape and a colour legend of the same field into one, losing this entry
        shape=alt.Shape("what:N", scale=alt.Scale(domain=[measured], range=["diamond"]),
                        # inside the plot, in the corner the rising lines leave empty
                        legend=alt.Legend(title=None, orient="top-left", labelLimit=500, symbolStrokeColor=CHOSEN,
                                          symbolStrokeWidth=3, fillColor="rgba(255,255,255,0.85)")))
    chart = alt.layer(lines, point).properties(height=DECODING_HEIGHT).resolve_legend(shape="independent")
    return _spec(_configure(chart))


def kv_memory(r, lang: str) -> VegaChart:
    """The cache's size against the number of positions, log-log: this model's key/value heads and a
    multi-head model's (one K/V head per query head), from the formula; the diamond is KVCache.nbytes
    measured at the end of the decode."""
    top = int(r.max_positions)
    xs = sorted({2 ** i for i in range(int(np.log2(top)) + 1)} | {top})
    per_model = int(r.bytes_per_position)
    per_mha = per_model * int(r.n_heads) // int(r.n_kv_heads)
    model_bytes = [per_model * x for x in xs]
    mha_bytes = [per_mha * x for x in xs]
    k = len(xs)
    data = pd.DataFrame({
        "positions": xs * 2 + [int(r.cache_positions)],
        "bytes": model_bytes + mha_bytes + [int(r.cache_bytes)],
        "series": [t("kv.mem.model", lang)] * k + [t("kv.mem.mha", lang)] * k + [t("kv.mem.measured", lang)],
        "kind": ["line"] * (2 * k) + ["point"],
    })
    data["mb"] = data["bytes"] / 1e6
    data["what"] = data["series"]
    return VegaChart(_kv_memory_spec(lang), data)
