"""Charts of app_pages/layers.py: lessons ffn, weight-tying, lr-dropout."""
from __future__ import annotations

import functools
import json

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import VegaChart, configure, vega_spec
from ui.charts.shared import RAW, SCALED, THEORY  # lr-dropout
from ui.i18n import t


# --- lesson ffn ---------------------------------------------------------------------------------------
FFN_COLOURS = ("#D55E00", "#0072B2", "#009E73")  # ReLU, GELU, SwiGLU (Okabe–Ito)


@functools.cache
def _activation_spec(lang: str, y_key: str, domain: tuple[str, ...]) -> dict:
    colour = alt.Color("act:N", scale=alt.Scale(domain=list(domain), range=list(FFN_COLOURS[:len(domain)])),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", labelLimit=300, columnPadding=8,
                                         columns=2))  # two a row: three do not fit half a panel
    tip = [alt.Tooltip("act:N", title=" "), alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("y:Q", title=t(y_key, lang), format=".4g")]
    lines = alt.Chart().mark_line(strokeWidth=2.5).encode(
        x=alt.X("x:Q", title="x"), y=alt.Y("y:Q", title=t(y_key, lang)), color=colour, tooltip=tip)
    zero = alt.Chart().mark_rule(color="#8c8c8c", strokeDash=[4, 3]).encode(y=alt.datum(0))
    return vega_spec(configure(alt.layer(zero, lines).properties(height=230)))


def activation_curves(x: np.ndarray, names: tuple[str, ...], values: np.ndarray, lang: str, y_key: str) -> VegaChart:
    """One line per activation (ReLU, GELU, SwiGLU's gate SiLU): ``values`` (3, N) over ``x`` (N,), the
    activations themselves or their derivatives (``y_key`` names which)."""
    labels = tuple(t(f"ffn.act.{n}", lang) for n in names)
    data = pd.DataFrame({"x": np.tile(x, len(names)), "y": np.asarray(values, dtype=float).ravel(),
                         "act": np.repeat(labels, len(x))})
    return VegaChart(_activation_spec(lang, y_key, labels), data)


@functools.cache
def _position_spec(lang: str, domain: tuple[str, str]) -> dict:
    x = alt.X("layer:O", title=t("ffn.pos.layer", lang), axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=t("ffn.pos.y", lang), scale=alt.Scale(type="log"), axis=alt.Axis(format=".0e"))
    # one colour scale for both layers, in a fixed order: the measured differences (filled dots) and the
    # tolerance each one is held to (a grey dash), so the legend names each mark as drawn
    colour = alt.Color("kind:N", scale=alt.Scale(domain=list(domain), range=["#0072B2", "#6b6b6b"]),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", labelLimit=400))
    tip = [alt.Tooltip("layer:O", title=t("ffn.pos.layer", lang)), alt.Tooltip("kind:N", title=" "),
           alt.Tooltip("value:Q", format=".3g")]
    diffs = alt.Chart().transform_filter(f"datum.kind == {json.dumps(domain[0], ensure_ascii=False)} && datum.value > 0"
                                         ).mark_point(filled=True, size=160, shape="circle").encode(
        x=x, y=y, color=colour, tooltip=tip)
    tolerance = alt.Chart().transform_filter(f"datum.kind == {json.dumps(domain[1], ensure_ascii=False)}").mark_tick(
        thickness=3, size=34).encode(x=x, y=y, color=colour, tooltip=tip)
    return vega_spec(configure(alt.layer(tolerance, diffs).properties(height=230)))


def position_diffs(diff_max: np.ndarray, tolerance: np.ndarray, lang: str) -> VegaChart:
    """Per layer: the largest |all positions at once − one position at a time| (a dot; an exact 0 has
    no place on the log axis and is left out, the caption counts it) and the float32 tolerance (a dash)."""
    L = len(diff_max)
    data = pd.DataFrame({"layer": np.tile(np.arange(L), 2),
                         "value": np.concatenate([np.asarray(diff_max, float), np.asarray(tolerance, float)]),
                         "kind": [t("ffn.pos.diff", lang)] * L + [t("ffn.pos.tol", lang)] * L})
    return VegaChart(_position_spec(lang, (t("ffn.pos.diff", lang), t("ffn.pos.tol", lang))), data)


@functools.cache
def _dead_spec(lang: str, domain: tuple[str, ...]) -> dict:
    colour = alt.Color("when:N", scale=alt.Scale(domain=list(domain), range=["#bdbdbd", "#D55E00"]),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal"))
    tip = [alt.Tooltip("act:N", title=" "), alt.Tooltip("when:N", title=" "),
           alt.Tooltip("share:Q", title=t("ffn.dead.y", lang), format=".1%")]
    bars = alt.Chart().mark_bar().encode(
        x=alt.X("act:N", title=None, sort=None, axis=alt.Axis(labelAngle=0)), xOffset=alt.XOffset("when:N", sort=list(domain)),
        y=alt.Y("share:Q", title=t("ffn.dead.y", lang), axis=alt.Axis(format="%"), scale=alt.Scale(domainMin=0)),
        color=colour, tooltip=tip)
    return vega_spec(configure(bars.properties(height=230)))


def dead_units(names: tuple[str, ...], before: np.ndarray, after: np.ndarray, lang: str) -> VegaChart:
    """Per activation, the share of FFN units dead (exactly 0 at every evaluation position) at
    initialisation and after the run, side by side."""
    labels = [t(f"ffn.act.{n}", lang) for n in names]
    when = (t("ffn.dead.before", lang), t("ffn.dead.after", lang))
    data = pd.DataFrame({"act": labels * 2, "when": [when[0]] * len(names) + [when[1]] * len(names),
                         "share": np.concatenate([np.asarray(before, float), np.asarray(after, float)])})
    return VegaChart(_dead_spec(lang, when), data)


@functools.cache
def _params_spec(lang: str, domain: tuple[str, ...]) -> dict:
    colour = alt.Color("part:N", scale=alt.Scale(domain=list(domain), range=["#009E73", "#0072B2"]),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal"))
    tip = [alt.Tooltip("model:N", title=" "), alt.Tooltip("part:N", title=" "),
           alt.Tooltip("params:Q", title=t("ffn.params.x", lang), format=",")]
    bars = alt.Chart().mark_bar().encode(
        y=alt.Y("model:N", title=None, sort=None, axis=alt.Axis(labelLimit=300)), yOffset=alt.YOffset("part:N", sort=list(domain)),
        x=alt.X("params:Q", title=t("ffn.params.x", lang), axis=alt.Axis(format="~s")), color=colour, tooltip=tip)
    return vega_spec(configure(bars.properties(height=alt.Step(22))))


def param_bars(models: tuple[str, ...], ffn: np.ndarray, attention: np.ndarray, lang: str) -> VegaChart:
    """Per model, one layer's FFN weights against its attention weights (horizontal bars side by side)."""
    parts = (t("ffn.params.ffn", lang), t("ffn.params.attn", lang))
    n = len(models)
    data = pd.DataFrame({"model": list(models) * 2, "part": [parts[0]] * n + [parts[1]] * n,
                         "params": np.concatenate([np.asarray(ffn, float), np.asarray(attention, float)])})
    return VegaChart(_params_spec(lang, parts), data)
# --- end of lesson ffn ---

# --- lesson weight-tying ------------------------------------------------------------------------------
@functools.cache
def _split_spec(lang: str, domain: tuple[str, ...]) -> dict:
    colour = alt.Color("part:N", scale=alt.Scale(domain=list(domain), range=["#0072B2", "#bdbdbd", "#D55E00"]),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", labelLimit=400))
    tip = [alt.Tooltip("model:N", title=" "), alt.Tooltip("part:N", title=" "),
           alt.Tooltip("params:Q", title=t("tie.split.x", lang), format=","),
           alt.Tooltip("share:Q", title=t("tie.split.share", lang), format=".1%")]
    bars = alt.Chart().mark_bar().encode(
        y=alt.Y("model:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("share:Q", title=t("tie.split.x_share", lang), axis=alt.Axis(format="%"), stack="zero"),
        color=colour, order=alt.Order("order:Q"), tooltip=tip)
    return vega_spec(configure(bars.properties(height=alt.Step(34))))


def param_split(rows: list[tuple[str, int, int, int]], lang: str) -> VegaChart:
    """Stacked bars, one per (model, tied or untied): (label, embedding table, other weights, output
    matrix of its own: 0 when tied), each part as a share of the untied model of the same row's kind, so
    a tied bar is shorter by exactly the table it reuses."""
    parts = (t("tie.split.table", lang), t("tie.split.rest", lang), t("tie.split.output", lang))
    out = []
    for label, table, rest, output in rows:
        whole = table + rest + table  # the untied model: the scale both bars of a model share
        for order, (part, n) in enumerate(zip(parts, (table, rest, output))):
            out.append((label, part, int(n), n / whole, order))
    data = pd.DataFrame(out, columns=["model", "part", "params", "share", "order"])
    return VegaChart(_split_spec(lang, parts), data)
# --- end of lesson weight-tying ---

# --- lesson lr-dropout --------------------------------------------------------------------------------
@functools.cache
def _lrd_points_spec(lang: str, order: tuple[str, ...], domain: tuple[str, str], rate: float) -> dict:
    title = t("lrd.points.axis", lang)
    y = alt.Y("point:N", title=None, sort=list(order), axis=alt.Axis(labelLimit=320))
    colour = alt.Color("run:N", scale=alt.Scale(domain=list(domain), range=[SCALED, THEORY]),
                       legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=400))
    tip = [alt.Tooltip("point:N", title=" "), alt.Tooltip("run:N", title=" "),
           alt.Tooltip("zeros:Q", title=title, format=".2%")]
    bars = alt.Chart().mark_bar(height={"band": 0.8}).encode(
        y=y, yOffset=alt.YOffset("run:N", sort=list(domain)), color=colour, tooltip=tip,
        x=alt.X("zeros:Q", title=title, axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, max(0.2, 2 * rate)])))
    # the rate p of the config: where the dropped places' bars should end
    rule = alt.Chart().transform_filter("datum.run == " + json.dumps(domain[0], ensure_ascii=False)).transform_aggregate(
        p="max(rate)").mark_rule(color=RAW, strokeDash=[6, 4], strokeWidth=2).encode(x="p:Q")
    return vega_spec(configure(alt.layer(bars, rule).properties(height=alt.Step(16))))


def lrd_points(names: tuple[str, ...], zeros_with: np.ndarray, zeros_without: np.ndarray, rate: float,
               lang: str) -> VegaChart:
    """The share of exact zeros at each point of a block (``names``: translated, in order), with and
    without dropout, and the rate p as a dashed line: dropout's places stand out at about p."""
    domain = (t("lrd.points.with", lang, p=f"{rate:g}"), t("lrd.points.without", lang))
    rows = [(name, run, float(z), rate) for run, zs in zip(domain, (zeros_with, zeros_without))
            for name, z in zip(names, zs)]
    data = pd.DataFrame(rows, columns=["point", "run", "zeros", "rate"])
    return VegaChart(_lrd_points_spec(lang, tuple(names), domain, float(rate)), data)


@functools.cache
def _lrd_gap_spec(lang: str) -> dict:
    x = alt.X("k:Q", title=t("lrd.gap.x", lang), axis=alt.Axis(tickMinStep=1), scale=alt.Scale(zero=False))
    y = alt.Y("gap:Q", title=t("lrd.gap.y", lang), scale=alt.Scale(zero=True))
    tip = [alt.Tooltip("k:Q", title=t("lrd.gap.x", lang)), alt.Tooltip("gap:Q", title=t("lrd.gap.y", lang), format=".4f")]
    line = alt.Chart().mark_line(color=SCALED, strokeWidth=2.5, point=alt.OverlayMarkDef(size=50, color=SCALED)).encode(
        x=x, y=y, tooltip=tip)
    return vega_spec(configure(line.properties(height=220)))


def lrd_gap(gap: np.ndarray, lang: str) -> VegaChart:
    """The relative distance between the mean of the first k dropout passes and the output without
    dropout, k = 1 .. len(gap)."""
    gap = np.asarray(gap, dtype=float)
    data = pd.DataFrame({"k": np.arange(1, len(gap) + 1), "gap": gap})
    return VegaChart(_lrd_gap_spec(lang), data)
# --- end of lesson lr-dropout ---
