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
