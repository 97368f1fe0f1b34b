"""Charts of the cost page (app_pages/cost.py): lessons `complexity` (app_pages/lessons/complexity.py) and
`block-cost` (app_pages/lessons/block_cost.py). Every value drawn is measured (median time, peak memory) or
counted (tf_core.flops); the fits are drawn dashed, beside the points they were fitted to."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import DECADES, PALETTE, SCALED, THEORY, VegaChart, configure, vega_spec
from ui.i18n import t

# One colour per meaning across the page: the explicit path (n × n weights stored) vermillion, PyTorch's fused
# SDPA blue, what a FLOP count says grey; the block's parts: projections sky blue and purple, the FFN green.
WAY_COLOURS = {"explicit": PALETTE[3], "sdpa": SCALED}
WAYS = ("explicit", "sdpa")
PART_COLOURS = {"qkv": PALETTE[5], "core": PALETTE[3], "out_proj": PALETTE[4], "ffn": PALETTE[2]}
SPLIT_PARTS = ("qkv", "core", "out_proj", "ffn")  # stacked in the order a block runs them
SPLIT_BASES = ("time", "time_sdpa", "flops")
N_TICKS = [16, 32, 64, 128, 256, 512, 1024, 2048]
BYTE_TICKS = [2.0 ** k for k in range(10, 31, 2)]  # 1 KiB ... 1 GiB, every 4x
HEIGHT = 330
PLOT, SMALL_PLOT = 280, 200  # plot heights of the charts whose title and legend come on top (configure's fit_x)
BYTE_LABEL = ("datum.value >= 1073741824 ? format(datum.value / 1073741824, '~g') + ' GiB' : datum.value >= 1048576 ? "
              "format(datum.value / 1048576, '~g') + ' MiB' : format(datum.value / 1024, '~g') + ' KiB'")


def _n_axis(lang: str) -> alt.X:
    return alt.X("n:Q", title=t("cost.axis.n", lang), scale=alt.Scale(type="log", base=2, nice=False),
                 axis=alt.Axis(values=N_TICKS, format="d"))


def _legend(columns: int = 0) -> alt.Legend:
    return alt.Legend(title=None, orient="top", direction="horizontal", labelLimit=400, symbolType="stroke",
                      **({"columns": columns} if columns else {}))


# --------------------------------------------------------------------------- lesson complexity
@functools.cache
def _measured_spec(lang: str, measure: str) -> dict:
    """Points (median or peak, with the spread of the repeats for time) and the fitted curve, per way."""
    domain = [t(f"cx.way.{w}", lang) for w in WAYS]
    fits = [t(f"cx.fit.{w}", lang) for w in WAYS]
    extra = [t("cx.mem.weights", lang)] if measure == "memory" else []
    colour = alt.Color("series:N", scale=alt.Scale(domain=domain + fits + extra,
                                                   range=[WAY_COLOURS[w] for w in WAYS] * 2 + [THEORY] * len(extra)),
                       legend=_legend(columns=2))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=domain + fits + extra,
                                                      range=[[1, 0]] * 2 + [[6, 4]] * (2 + len(extra))), legend=None)
    y_title = t(f"cx.{measure}.y", lang)
    if measure == "time":
        y = alt.Y("value:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(values=DECADES, format="~g"))
    else:
        y = alt.Y("value:Q", title=y_title, scale=alt.Scale(type="log"),
                  axis=alt.Axis(values=BYTE_TICKS, labelExpr=BYTE_LABEL))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("n:Q", title="n"), alt.Tooltip("shown:N", title=y_title)]
    points = alt.Chart().transform_filter(alt.datum.kind == "point").mark_line(
        strokeWidth=3, point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=_n_axis(lang), y=y, color=colour, strokeDash=dash, tooltip=tip)
    curves = alt.Chart().transform_filter(alt.datum.kind == "fit").mark_line(strokeWidth=2).encode(
        x=_n_axis(lang), y=y, color=colour, strokeDash=dash, tooltip=tip)
    layers = [curves, points]
    if measure == "time":
        layers.insert(0, alt.Chart().transform_filter(alt.datum.kind == "point").mark_rule(strokeWidth=2).encode(
            x=_n_axis(lang), y=alt.Y("lo:Q", title=y_title, scale=alt.Scale(type="log")), y2="hi:Q", color=colour,
            tooltip=tip + [alt.Tooltip("range:N", title=t("cx.time.range", lang))]))  # the same colour encoding:
        # a layer with its own scale and legend=None would drop the merged legend
    return vega_spec(configure(alt.layer(*layers).properties(height=HEIGHT)))


def _dense_n(grid: np.ndarray) -> np.ndarray:
    """n for a fitted curve: 40 points spaced evenly on the log axis from the grid's first n to its last."""
    return np.unique(np.round(np.geomspace(float(grid[0]), float(grid[-1]), 40)))


def measured_vs_n(r, lang: str, measure: str) -> VegaChart:
    """Against n (log-log), per way (explicit, SDPA): ``measure`` "time", the median ms per call with a bar
    from the fastest to the slowest repeat, or "memory", the peak bytes of one call (axis in MiB, with one
    (h, n, n) float32 matrix for scale); each with its fit a + b·n + c·n², dashed. ``r``: a
    tf_core.lab.complexity result."""
    rows = []
    scale = 1000.0 if measure == "time" else 1.0
    unit = "ms" if measure == "time" else "MiB"
    show = (lambda v: f"{v:.3g} ms") if measure == "time" else (lambda v: f"{v / 2**20:.3g} MiB")  # noqa: E731
    for way in WAYS:
        label, fit = t(f"cx.way.{way}", lang), t(f"cx.fit.{way}", lang)
        values = r.measured(way, measure) * scale
        lo, hi = (np.asarray(x) * scale for x in r.spread(way)) if measure == "time" else (values, values)
        for i, n in enumerate(r.grid_n):
            rows.append((label, "point", int(n), float(values[i]), float(lo[i]), float(hi[i]), show(float(values[i])),
                         f"{lo[i]:.3g} … {hi[i]:.3g} {unit}"))
        dense = _dense_n(r.grid_n)
        for n, v in zip(dense, r.fitted(way, measure, dense) * scale):
            rows.append((fit, "fit", int(n), float(v), float(v), float(v), show(float(v)), ""))
    if measure == "memory":
        label = t("cx.mem.weights", lang)
        rows += [(label, "fit", int(n), 4.0 * r.heads * n * n, 0.0, 0.0, show(4.0 * r.heads * n * n), "")
                 for n in _dense_n(r.grid_n)]
    data = pd.DataFrame(rows, columns=["series", "kind", "n", "value", "lo", "hi", "shown", "range"])
    data = data[data["value"] > 0]  # a log axis has no 0 (a call that allocated nothing: none on the chart)
    return VegaChart(_measured_spec(lang, measure), data)


@functools.cache
def _walk_spec(lang: str, steps: int) -> dict:
    kinds = [t("cx.walk.new", lang), t("cx.walk.view", lang)]
    y_title = t("cx.walk.elements", lang)
    bars = alt.Chart().mark_bar(height={"band": 0.75}).encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260, labelFontSize=13)),
        x=alt.X("elements:Q", title=y_title, axis=alt.Axis(format="~s")),  # linear: the n × n steps dwarf the rest
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[PALETTE[3], THEORY]),
                        legend=alt.Legend(title=None, orient="top", direction="horizontal", symbolType="square")),
        tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("shape:N", title=t("cx.walk.shape", lang)),
                 alt.Tooltip("elements:Q", title=y_title, format=","), alt.Tooltip("kind:N", title=" ")])
    return vega_spec(configure(bars.properties(height=34 * steps)))


def walk_sizes(r, lang: str) -> VegaChart:
    """One bar per step of the reshape walk: the elements of the tensor it gives (linear axis), coloured by
    whether it is a new tensor or a view of the one before; the step's code and shape on its row."""
    rows = [(f"{i + 1}. {s.code}", s.elements, "(" + ", ".join(map(str, s.shape)) + ")",
             t("cx.walk.view" if s.view else "cx.walk.new", lang)) for i, s in enumerate(r.walk)]
    return VegaChart(_walk_spec(lang, len(rows)), pd.DataFrame(rows, columns=["label", "elements", "shape", "kind"]))


# --------------------------------------------------------------------------- lesson block-cost
CROSS_SERIES = ("core_explicit", "core_sdpa", "flops")
CROSS_COLOURS = {"core_explicit": PALETTE[3], "core_sdpa": SCALED, "flops": THEORY}


@functools.cache
def _ratio_spec(lang: str) -> dict:
    domain = [t(f"bc.ratio.{s}", lang) for s in CROSS_SERIES]
    colour = alt.Color("series:N", scale=alt.Scale(domain=domain, range=[CROSS_COLOURS[s] for s in CROSS_SERIES]),
                       legend=_legend(columns=1))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=[[1, 0], [1, 0], [6, 4]]), legend=None)
    y_title = t("bc.ratio.y", lang)
    y = alt.Y("ratio:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(values=DECADES, format="~g"))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("n:Q", title="n"), alt.Tooltip("ratio:Q", title=y_title, format=".3g")]
    lines = alt.Chart().transform_filter(alt.datum.kind == "ratio").mark_line(
        strokeWidth=3, point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=_n_axis(lang), y=y, color=colour, strokeDash=dash, tooltip=tip)
    even = alt.Chart().transform_filter(alt.datum.kind == "even").mark_rule(color="black", strokeWidth=1.5).encode(
        y=alt.Y("ratio:Q", scale=alt.Scale(type="log")), tooltip=[alt.Tooltip("series:N", title=" ")])
    cross = alt.Chart().transform_filter(alt.datum.kind == "cross").mark_point(
        shape="diamond", size=220, filled=True, stroke="black", strokeWidth=1.5).encode(
        x=_n_axis(lang), y=alt.Y("ratio:Q", scale=alt.Scale(type="log")), color=colour,
        tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("n:Q", title="n", format=",.0f")])
    return vega_spec(configure(alt.layer(even, lines, cross).properties(height=HEIGHT)))


def crossing_ratio(r, lang: str) -> VegaChart:
    """The attention core's time over the rest of the block's (QKV + output projection + FFN) against n, log-log:
    the explicit core and SDPA measured, and the counted FLOPs' ratio n / (2d + d_ff); a rule at 1 (the core
    costs as much as the rest) and a diamond where each line crosses it inside the grid. ``r``: a
    tf_core.lab.block_cost result."""
    rows = []
    for s in CROSS_SERIES:
        label = t(f"bc.ratio.{s}", lang)
        rows += [(label, "ratio", float(n), float(v)) for n, v in zip(r.grid_n, r.ratio(s))]
        at = float(r.crossing_flops) if s == "flops" else r.crossing(s).n
        if np.isfinite(at) and r.grid_n[0] <= at <= r.grid_n[-1]:
            rows.append((label, "cross", at, 1.0))
    rows.append((t("bc.ratio.even", lang), "even", float("nan"), 1.0))
    return VegaChart(_ratio_spec(lang), pd.DataFrame(rows, columns=["series", "kind", "n", "ratio"]))


@functools.cache
def _split_spec(lang: str, basis: str) -> dict:
    domain = [t(f"bc.part.{p}", lang) for p in SPLIT_PARTS]
    title = t(f"bc.split.{basis}", lang)
    bars = alt.Chart().mark_bar().encode(
        x=alt.X("n:O", title=t("cost.axis.n", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share:Q", title=None, stack="zero", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("part:N", scale=alt.Scale(domain=domain, range=[PART_COLOURS[p] for p in SPLIT_PARTS]),
                        legend=alt.Legend(title=None, orient="top", direction="horizontal", labelLimit=300, columns=2)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("part:N", title=" "), alt.Tooltip("n:O", title="n"),
                 alt.Tooltip("share:Q", title=title, format=".1%"), alt.Tooltip("detail:N", title=" ")])
    return vega_spec(configure(bars.properties(title=title, height=SMALL_PLOT), fit_x=True))


def time_split(r, lang: str, basis: str) -> VegaChart:
    """Stacked bars per n: each part's share of the block, ``basis`` "time" (median times, explicit core),
    "time_sdpa" (SDPA core) or "flops" (counted)."""
    core = "core_sdpa" if basis == "time_sdpa" else "core_explicit"
    shares = r.shares(core, "flops" if basis == "flops" else "time")
    rows = []
    for order, part in enumerate(SPLIT_PARTS):
        key = core if part == "core" else part
        for i, n in enumerate(r.grid_n):
            detail = (f"{int(r.flops[key][i]):,} FLOPs" if basis == "flops" else f"{1000 * r.median(key)[i]:.3g} ms")
            rows.append((t(f"bc.part.{part}", lang), int(n), float(shares[key][i]), order, detail))
    return VegaChart(_split_spec(lang, basis), pd.DataFrame(rows, columns=["part", "n", "share", "order", "detail"]))


@functools.cache
def _parts_spec(lang: str) -> dict:
    parts = ("qkv", "core_explicit", "core_sdpa", "out_proj", "ffn")
    colours = [PART_COLOURS["qkv"], PART_COLOURS["core"], SCALED, PART_COLOURS["out_proj"], PART_COLOURS["ffn"]]
    domain = [t(f"bc.line.{p}", lang) for p in parts]
    y_title = t("bc.parts.y", lang)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("n:Q", title="n"), alt.Tooltip("ms:Q", title=y_title, format=".3g"),
           alt.Tooltip("range:N", title=t("cx.time.range", lang)), alt.Tooltip("rate:Q", title=t("bc.parts.rate", lang), format=".3g")]
    colour = alt.Color("series:N", scale=alt.Scale(domain=domain, range=colours), legend=_legend(columns=3))
    y = alt.Y("ms:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(values=DECADES, format="~g"))
    lines = alt.Chart().mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=60, filled=True)).encode(
        x=_n_axis(lang), y=y, color=colour, tooltip=tip)
    spread = alt.Chart().mark_rule(strokeWidth=2).encode(
        x=_n_axis(lang), y=alt.Y("lo:Q", scale=alt.Scale(type="log")), y2="hi:Q",
        color=colour, tooltip=tip)
    return vega_spec(configure(alt.layer(spread, lines).properties(title=y_title, height=PLOT), fit_x=True))


def part_times(r, lang: str) -> VegaChart:
    """Median ms per call of every part against n (log-log), a bar from the fastest to the slowest repeat;
    counted GFLOP/s of median time in the tooltip."""
    rows = []
    for part in ("qkv", "core_explicit", "core_sdpa", "out_proj", "ffn"):
        med, (lo, hi), rate = r.median(part), r.spread(part), r.rate(part)
        rows += [(t(f"bc.line.{part}", lang), int(n), 1000 * med[i], 1000 * lo[i], 1000 * hi[i],
                  f"{1000 * lo[i]:.3g} … {1000 * hi[i]:.3g}", rate[i] / 1e9) for i, n in enumerate(r.grid_n)]
    return VegaChart(_parts_spec(lang), pd.DataFrame(rows, columns=["series", "n", "ms", "lo", "hi", "range", "rate"]))
