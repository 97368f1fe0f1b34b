"""Charts of the masks page (app_pages/masks.py): lessons `padding-mask`, `batch-lengths`, `causal-mask` and `residual-leak`."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import (
    RAW, SCALED, CHOSEN, MIN_FONT, DECADE_LABEL, VegaChart, TOKEN_LABEL_EXPR, MAX_TICKS, vega_spec,
    configure, pos_label, token_axes, map_height, token_cells, zero_cells, flat_labels,
)
from ui.i18n import t


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
    return vega_spec(configure(alt.layer(bars, top).properties(title=title, height=300)))


def batch_tokens(real: np.ndarray, pad: np.ndarray, lang: str, title: str, y_max: int) -> VegaChart:
    """Stacked bars per batch: the sentences' own tokens and the pad tokens the batch adds; the y
    axis reaches ``y_max`` (pass the same to charts drawn side by side)."""
    n = len(real)
    data = pd.DataFrame({"batch": list(range(1, n + 1)) * 2 + [1],
                         "tokens": np.concatenate([real, pad, [y_max]]).astype(int),
                         "kind": [t("batch.real", lang)] * n + [t("batch.pad", lang)] * n + ["top"],
                         "order": [0] * n + [1] * n + [2]})
    return VegaChart(_batch_tokens_spec(lang, title), data)


# --- decoder masks: lessons causal-mask and residual-leak ------------------------------------------
MASK_ON, MASK_OFF = SCALED, RAW  # with the causal mask blue, without it orange (as scaled / unscaled)


@functools.cache
def _causal_mask_spec(lang: str, dense: bool, flat: bool = False) -> dict:
    allowed = t("causal.map.allowed", lang)
    tip = [alt.Tooltip("qtok:N", title=t("heat.query", lang)), alt.Tooltip("ktok:N", title=t("heat.key", lang)),
           alt.Tooltip("state:N", title=t("causal.map.state", lang))]
    x, y = token_axes(lang, dense, flat)
    cells = alt.Chart().transform_filter("datum.allowed === 1").mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("state:N", scale=alt.Scale(domain=[allowed], range=[MASK_ON]),
                        legend=alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=400)))
    # masked cells (allowed = 0): white, grey border, "masked" in the legend, as in every map
    masked = zero_cells(x, y, tip, "allowed", lang, masked="true")
    # the column of the changed key p: with the mask only the queries at and after p can read it
    col = alt.Chart().transform_filter(alt.datum.is_p).mark_rect(fill=None, stroke=RAW, strokeWidth=2.5).encode(
        x=x, y=y, tooltip=tip)
    return vega_spec(configure(alt.layer(cells, masked, col).properties(height=map_height(dense, 16))))


def causal_mask_map(mask: np.ndarray, pieces: tuple[str, ...], position: int, lang: str) -> VegaChart:
    """The (T, T) causal mask (True = may attend), query tokens down and key tokens across; the
    changed key's column framed."""
    T = len(pieces)
    cols = token_cells(T, pieces)
    flat = np.asarray(mask, dtype=bool).reshape(-1)
    data = pd.DataFrame({**cols, "state": np.where(flat, t("causal.map.allowed", lang), t("causal.map.masked", lang)),
                         "allowed": flat.astype(int), "is_p": cols["ki"] == position})
    return VegaChart(_causal_mask_spec(lang, T > MAX_TICKS, flat_labels(pieces)), data)


@functools.cache
def _causal_attention_spec(lang: str, dense: bool, flat: bool = False) -> dict:
    past, future = t("causal.attn.past", lang), t("causal.attn.future", lang)
    w_title = t("heat.weight", lang)
    tip = [alt.Tooltip("qtok:N", title=t("heat.query", lang)), alt.Tooltip("ktok:N", title=t("heat.key", lang)),
           alt.Tooltip("score:Q", title=w_title, format=".4f")]
    x, y = token_axes(lang, dense, flat)
    legend = dict(orient="bottom", direction="horizontal", gradientLength=160, titleLimit=300, format=".1f")
    # keys at or before the query: blue; later keys: orange (the weight a mask would remove); a weight of
    # exactly 0 white (zero_cells): "masked" where the mask removed every later key, else "exactly 0"
    seen = alt.Chart().transform_filter("!datum.future").mark_rect().encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("score:Q", title=past, scale=alt.Scale(scheme="blues", domain=[0, 1]), legend=alt.Legend(**legend)))
    later = alt.Chart().transform_filter("datum.future && datum.score > 0").mark_rect().encode(
        x=x, y=y, tooltip=tip,
        fill=alt.Fill("score:Q", title=future, scale=alt.Scale(scheme="oranges", domain=[0, 1]),
                      legend=alt.Legend(**legend)))
    zero = zero_cells(x, y, tip, "score", lang, masked="datum.masked")
    maxima = alt.Chart().transform_filter(alt.datum.is_max).mark_point(
        shape="circle", filled=False, color="black", strokeWidth=2, opacity=1).encode(x=x, y=y, tooltip=tip)
    chart = alt.layer(seen, later, zero, maxima).properties(height=map_height(dense, 20)).resolve_scale(
        color="independent", fill="independent")
    return vega_spec(configure(chart))


def causal_attention_map(weights: np.ndarray, pieces: tuple[str, ...], lang: str) -> VegaChart:
    """A (T, T) attention map of a decoder head: weights on keys at or before the query in blue,
    on later keys in orange; a weight of exactly 0 white with a grey border, in the legend as "masked"
    where the mask removed every later key (all of them exactly 0), else as "exactly 0"; each row's
    largest weight circled; exact weights on hover."""
    T = len(pieces)
    cols = token_cells(T, pieces)
    w = np.asarray(weights, dtype=float)
    is_max = np.zeros((T, T), dtype=bool)
    is_max[np.arange(T), w.argmax(axis=1)] = True
    future = cols["ki"] > cols["qi"]
    masked = future & bool((w.reshape(-1)[future] == 0).all()) if T > 1 else future
    data = pd.DataFrame({**cols, "score": w.reshape(-1), "future": future, "masked": masked,
                         "is_max": is_max.reshape(-1)})
    return VegaChart(_causal_attention_spec(lang, T > MAX_TICKS, flat_labels(pieces)), data)


@functools.cache
def _position_deltas_spec(lang: str, dense: bool, flat: bool = False) -> dict:
    on, off = t("causal.delta.on", lang), t("causal.delta.off", lang)
    y_title = t("causal.delta.y", lang)
    overlap = "greedy" if dense else False
    x = alt.X("pos:O", title=None, sort="ascending",
              axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelAngle=0 if flat else -90, labelOverlap=overlap,
                            labelLimit=90))
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
    return vega_spec(configure(alt.layer(lines, rule, label).properties(height=330)))


def position_deltas(delta_on: np.ndarray, delta_off: np.ndarray, pieces: tuple[str, ...], position: int,
                    lang: str) -> VegaChart:
    """Per position, the largest change of the logits when token ``position`` is replaced, with the
    causal mask and without it; a dashed rule at ``position``. Exact values on hover."""
    T = len(pieces)
    pos = [pos_label(i, p) for i, p in enumerate(pieces)]
    on, off = t("causal.delta.on", lang), t("causal.delta.off", lang)
    data = pd.DataFrame({
        "pos": pos * 2 + [pos[position]], "tok": list(pieces) * 2 + [pieces[position]],
        "series": [on] * T + [off] * T + [""],
        "value": np.concatenate([np.asarray(delta_on, float), np.asarray(delta_off, float), [np.nan]]),
        "kind": ["line"] * (2 * T) + ["p"], "label": [""] * (2 * T) + [f"p = {position}"],
    })
    return VegaChart(_position_deltas_spec(lang, T > MAX_TICKS, flat_labels(pieces)), data)


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


def _delta_layers(x: alt.X, y: alt.Y, tip: list, legend_title: str, text: bool, lang: str) -> list:
    cell = alt.Chart().transform_filter(alt.datum.kind == "cell")
    colour = alt.Color("log10:Q", title=legend_title, scale=alt.Scale(scheme="viridis", zero=False, nice=False),
                       legend=alt.Legend(type="gradient", orient="bottom", direction="horizontal", gradientLength=180,
                                         titleLimit=500, labelExpr=DECADE_LABEL, tickMinStep=1))
    coloured = cell.transform_filter("!datum.zero").mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=x, y=y, tooltip=tip, color=colour)
    zeros = zero_cells(x, y, tip, "value", lang, base=cell)
    # invisible rects at the first cell carrying lo and hi: the colour scale spans both grids' range
    anchor = alt.Chart().transform_filter(alt.datum.kind == "anchor").mark_rect(opacity=0).encode(
        x=x, y=y, color=colour)
    layers = [coloured, zeros, anchor]
    if text:
        layers.append(cell.mark_text(fontSize=MIN_FONT).encode(
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
    y = alt.Y("row:N", title=layer_title, sort=_by("ri"), axis=alt.Axis(labelOverlap=False, labelFontSize=MIN_FONT))
    tip = [alt.Tooltip("row:N", title=layer_title), alt.Tooltip("col:N", title=step_title),
           alt.Tooltip("value:Q", title=value_title, format=".6g")]
    chart = alt.layer(*_delta_layers(x, y, tip, value_title, text=True, lang=lang)).properties(
        width=alt.Step(50), height=alt.Step(17))
    return vega_spec(configure(chart))


def leak_grid(values: np.ndarray, steps: tuple[str, ...], lo: float, hi: float, lang: str) -> VegaChart:
    """(L, S) largest |Δ| at the positions before p, per layer (down) and sub-step (across, in
    computing order, ``steps`` their display names); exactly 0.0 drawn white with "0", anything
    else on a log colour scale from ``lo`` to ``hi`` (pass the same to grids shown side by side)."""
    L, S = values.shape
    data = _delta_cells(values, [str(i) for i in range(L)], list(steps), list(steps), lo, hi)
    return VegaChart(_leak_grid_spec(lang), data)


@functools.cache
def _leak_profile_spec(lang: str, dense: bool, text: bool, flat: bool = False) -> dict:
    step_title, value_title = t("leak.step", lang), t("leak.delta", lang)
    overlap = "greedy" if dense else False
    x = alt.X("col:N", title=None, sort=_by("ci"),
              axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelAngle=0 if flat else -90, labelOverlap=overlap,
                            labelLimit=90))
    y = alt.Y("row:N", title=None, sort=_by("ri"), axis=alt.Axis(labelLimit=220, labelFontSize=12))
    tip = [alt.Tooltip("ctok:N", title=t("causal.delta.position", lang)), alt.Tooltip("row:N", title=step_title),
           alt.Tooltip("value:Q", title=value_title, format=".6g")]
    p_col = alt.Chart().transform_filter(alt.datum.kind == "cell").transform_filter(alt.datum.is_p).mark_rect(
        fill=None, stroke=RAW, strokeWidth=2.5).encode(x=x, y=y)
    return vega_spec(configure(alt.layer(*_delta_layers(x, y, tip, value_title, text=text, lang=lang), p_col)
                            .properties(height=alt.Step(24))))


def leak_profile(values: np.ndarray, steps: tuple[str, ...], pieces: tuple[str, ...], position: int, lo: float,
                 hi: float, lang: str) -> VegaChart:
    """(S, T) |Δ| of one layer's sub-steps (down, ``steps`` their display names) at every position
    (across, the prompt's tokens); the changed position's column framed; colours as :func:`leak_grid`."""
    S, T = values.shape
    data = _delta_cells(values, list(steps), [pos_label(i, p) for i, p in enumerate(pieces)], list(pieces), lo, hi)
    data["is_p"] = (data["ci"] == position) & (data["kind"] == "cell")
    return VegaChart(_leak_profile_spec(lang, T > MAX_TICKS, T <= 24, flat_labels(pieces)), data)


def delta_range(*arrays: np.ndarray) -> tuple[float, float]:
    """(lo, hi) of the non-zero |Δ| values of all ``arrays``: the shared colour range of
    :func:`leak_grid` and :func:`leak_profile` (1e-6 to 1 when every value is 0)."""
    flat = np.concatenate([np.asarray(a, dtype=float).reshape(-1) for a in arrays])
    pos = flat[flat > 0]
    if not len(pos):
        return 1e-6, 1.0
    lo, hi = float(pos.min()), float(pos.max())
    return (lo, hi) if hi > lo else (lo / 10, hi * 10)


