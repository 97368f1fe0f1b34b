"""Charts of the architecture page (app_pages/architecture.py): lessons `encoder` and `cross-attention`."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import (
    RAW, SCALED, VegaChart, TOKEN_LABEL_EXPR, MAX_TICKS, vega_spec, configure, pos_label, zero_cells,
)
from ui.i18n import t


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
    return vega_spec(configure(bars.properties(height=alt.Step(22))))


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
def _features_spec(lang: str, dense: bool) -> dict:
    overlap = "greedy" if dense else False
    tip = [alt.Tooltip("tok:N", title=t("heat.query", lang)), alt.Tooltip("f:O", title=t("walk.feature", lang)),
           alt.Tooltip("value:Q", title=t("walk.value", lang), format=".4f")]
    x = alt.X("f:O", title=t("walk.feature", lang), axis=alt.Axis(labelAngle=0))
    y = alt.Y("pos:O", title=None, sort=None, axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelOverlap=overlap, labelLimit=90))
    cells = alt.Chart().mark_rect().encode(
        x=x, y=y,
        color=alt.Color("rel:Q", title=t("walk.rel", lang), scale=alt.Scale(scheme="redblue", reverse=True, domain=[-1, 1]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=200, titleLimit=500)),
        tooltip=tip,
    )
    chart = alt.layer(cells, zero_cells(x, y, tip, "value", lang))
    return vega_spec(configure(chart.properties(height=alt.Step(16) if not dense else 600)))


def feature_heatmap(sample: np.ndarray, pieces: tuple[str, ...], lang: str) -> VegaChart:
    """(T, k) values of the first k features of each token, on a diverging scale."""
    T, k = sample.shape
    ti, fi = np.divmod(np.arange(T * k), k)
    flat = np.asarray(sample, dtype=float).reshape(-1)
    # one outlier feature (LayerNorm outputs have a few) would wash every other cell out: the colour
    # saturates at the 99th percentile of |value|; the tooltip keeps the exact value
    scale = float(np.percentile(np.abs(flat), 99)) if flat.size else 1.0
    scale = scale or float(np.abs(flat).max()) or 1.0
    labels = [pos_label(i, p) for i, p in enumerate(pieces)]
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
    return vega_spec(configure(bars.properties(height=220)))


def histogram(counts: np.ndarray, edges: np.ndarray, lang: str) -> VegaChart:
    return VegaChart(_hist_spec(lang), pd.DataFrame({"lo": edges[:-1].astype(float), "hi": edges[1:].astype(float),
                                                     "count": np.asarray(counts, dtype=int)}))


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
    chart = alt.layer(cells, zero_cells(x, y, tip, "score", lang), text, maxima).properties(
        height=alt.Step(40))  # the width: the column's
    return vega_spec(configure(chart))


def cross_heatmap(weights: np.ndarray, out_tokens: tuple[str, ...], src_words: tuple[str, ...], lang: str) -> VegaChart:
    """An (N, S) cross-attention map: the decoder's output steps down, the encoder's words across."""
    N, S = weights.shape
    rows, cols = [pos_label(i, p) for i, p in enumerate(out_tokens)], [pos_label(j, w) for j, w in enumerate(src_words)]
    qi, ki = np.divmod(np.arange(N * S), S)
    is_max = np.zeros((N, S), dtype=bool)
    is_max[np.arange(N), np.asarray(weights).argmax(axis=1)] = True
    data = pd.DataFrame({
        "q": [rows[i] for i in qi], "k": [cols[j] for j in ki],
        "qtok": [out_tokens[i] for i in qi], "ktok": [src_words[j] for j in ki],
        "score": np.asarray(weights, dtype=float).reshape(-1), "is_max": is_max.reshape(-1),
    })
    return VegaChart(_cross_spec(lang), data)


