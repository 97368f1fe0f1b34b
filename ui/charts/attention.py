"""Charts of the attention page (app_pages/attention.py): lessons `multi-head`, `qk-separate` and
`dot-vs-additive` (app_pages/lessons/dot_vs_additive.py)."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import (
    RAW, SCALED, THEORY, CHOSEN, DECADES, PALETTE, VegaChart, TOKEN_LABEL_EXPR, MAX_TICKS, vega_spec, configure, pos_label,
    head_grid_spec, grid_data,
)
from ui.i18n import t


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
    return vega_spec(configure(chart))


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


def head_entropy(entropy: np.ndarray, max_entropy: float, chosen: tuple[int, int], lang: str) -> VegaChart:
    """(L, H) mean row entropy in nats; colour is entropy / log T (0 = one key, 1 = uniform)."""
    mask = np.zeros(entropy.shape, dtype=bool)
    mask[chosen] = True
    rel = entropy / max_entropy if max_entropy > 0 else np.zeros_like(entropy)
    return VegaChart(head_grid_spec(lang, "entropy", "mh.head", "mh.layer", entropy.shape[1]),
                     grid_data(entropy, rel, mask))


def head_distance(distance: np.ndarray, head: int, lang: str) -> VegaChart:
    """(H, H) mean Hellinger distance between the heads of one layer, in [0, 1]."""
    mask = np.zeros(distance.shape, dtype=bool)
    mask[head, :] = True  # the row of the head shown in detail
    return VegaChart(head_grid_spec(lang, "distance", "mh.head", "mh.head", distance.shape[1]),
                     grid_data(distance, distance, mask))


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
    return vega_spec(configure(chart))


def head_ablation(change: np.ndarray, pieces: tuple[str, ...], lang: str) -> VegaChart:
    """Per token, |h' - h| / |h| of the final hidden state when one head is zeroed."""
    data = pd.DataFrame({"pos": [pos_label(i, p) for i, p in enumerate(pieces)], "tok": list(pieces),
                         "value": np.asarray(change, dtype=float)})
    return VegaChart(_ablation_spec(lang, len(pieces) > MAX_TICKS), data)




# --- lesson dot-vs-additive ----------------------------------------------------------------------------
# One colour per way across the lesson: the dot product blue (scaled, as the Transformer uses it; orange is
# "unscaled" app-wide), additive attention green, the per-pair form reddish purple.
WAY_COLOURS = {"dot": SCALED, "additive": PALETTE[2], "naive": PALETTE[4]}
WAYS = ("dot", "additive", "naive")
N_TICKS = [8, 16, 32, 64, 128, 256, 512]
DK_TICKS = [1, 4, 16, 64, 256]
STD_TICKS = [0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32]  # the unscaled std reaches √512 ≈ 23
COST_HEIGHT = 320
SMALL_PLOT = 200  # plot height of the charts whose title and legend come on top (configure's fit_x)
SATURATION_METRICS = ("std", "pmax", "entropy")


def _n_axis(lang: str) -> alt.X:
    return alt.X("n:Q", title=t("dva.axis.n", lang), scale=alt.Scale(type="log", base=2, nice=False),
                 axis=alt.Axis(values=N_TICKS, format="d"))


def _way_colour(lang: str, legend: bool = True, columns: int = 2) -> alt.Color:
    domain = [t(f"dva.way.{w}", lang) for w in WAYS]
    return alt.Color("series:N", scale=alt.Scale(domain=domain, range=[WAY_COLOURS[w] for w in WAYS]),
                     # two columns across the top: a vertical list took half of the chart's height from its plot
                     legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=columns, labelLimit=400)
                     if legend else None)


@functools.cache
def _times_spec(lang: str) -> dict:
    y_title = t("dva.time.y", lang)
    y = alt.Y("ms:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(values=DECADES, format="~g"))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("n:Q", title="n"), alt.Tooltip("ms:Q", title=y_title, format=".3g"),
           alt.Tooltip("range:N", title=t("dva.time.range", lang)), alt.Tooltip("flops:Q", title=t("dva.flops.y", lang), format=",")]
    lines = alt.Chart().mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=_n_axis(lang), y=y, color=_way_colour(lang), tooltip=tip)
    spread = alt.Chart().mark_rule(strokeWidth=2).encode(
        x=_n_axis(lang), y=alt.Y("lo:Q", title=y_title, scale=alt.Scale(type="log")), y2="hi:Q",
        color=_way_colour(lang), tooltip=tip)  # the same legend as the lines': a null one in a layer hides both
    return vega_spec(configure(alt.layer(spread, lines).properties(height=COST_HEIGHT)))


def score_times(r, lang: str) -> VegaChart:
    """Median ms per call against n (log-log) for each way that was timed there, a bar from the fastest to the
    slowest repeat; the counted FLOPs in the tooltip. ``r``: a tf_core.lab.dot_vs_additive result."""
    rows = []
    for way in WAYS:
        med, (lo, hi) = r.median(way), r.spread(way)
        for i in np.flatnonzero(r.timed(way)):
            rows.append((t(f"dva.way.{way}", lang), int(r.grid_n[i]), 1000 * med[i], 1000 * lo[i], 1000 * hi[i],
                         f"{1000 * lo[i]:.3g} … {1000 * hi[i]:.3g}", int(r.flops[way][i])))
    data = pd.DataFrame(rows, columns=["series", "n", "ms", "lo", "hi", "range", "flops"])
    return VegaChart(_times_spec(lang), data)


@functools.cache
def _cost_spec(lang: str, measure: str) -> dict:
    y_title = t(f"dva.{measure}.y", lang)
    y = alt.Y("value:Q", title=None, scale=alt.Scale(type="log"),  # the chart's title names it
              axis=alt.Axis(values=[10.0 ** k for k in range(0, 13)], format="~s") if measure == "flops"
              else alt.Axis(values=DECADES, format="~g"))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("n:Q", title="n"),
           alt.Tooltip("value:Q", title=y_title, format="," if measure == "flops" else ".3g")]
    lines = alt.Chart().mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=60, filled=True)).encode(
        x=_n_axis(lang), y=y, color=_way_colour(lang, columns=1), tooltip=tip)  # half a page wide: one per line
    return vega_spec(configure(lines.properties(title=y_title, height=SMALL_PLOT), fit_x=True))


def cost_lines(r, lang: str, measure: str) -> VegaChart:
    """Against n (log-log), per way: ``measure`` "flops", the counted FLOPs (every n, the per-pair form's too), or
    "rate", counted GFLOP/s of median time (where the way was timed)."""
    rows = []
    for way in WAYS:
        values = r.flops[way] if measure == "flops" else r.flop_rate(way) / 1e9
        keep = np.ones(len(r.grid_n), dtype=bool) if measure == "flops" else r.timed(way)
        rows += [(t(f"dva.way.{way}", lang), int(r.grid_n[i]), float(values[i])) for i in np.flatnonzero(keep)]
    return VegaChart(_cost_spec(lang, measure), pd.DataFrame(rows, columns=["series", "n", "value"]))


# the saturation panels: (label key, colour, dashed) of each line, by metric
_SAT_LINES = {
    "std": (("dva.sat.dot", RAW, False), ("dva.sat.scaled", SCALED, False), ("dva.sat.additive", PALETTE[2], False),
            ("dva.sat.theory", THEORY, True), ("dva.sat.bound", PALETTE[2], True)),
    "pmax": (("dva.sat.dot", RAW, False), ("dva.sat.scaled", SCALED, False), ("dva.sat.additive", PALETTE[2], False),
             ("dva.sat.uniform", THEORY, True)),
    "entropy": (("dva.sat.dot", RAW, False), ("dva.sat.scaled", SCALED, False), ("dva.sat.additive", PALETTE[2], False),
                ("dva.sat.log_n", THEORY, True)),
}


@functools.cache
def _saturation_spec(lang: str, metric: str) -> dict:
    spec = _SAT_LINES[metric]
    domain = [t(key, lang) for key, _, _ in spec]
    y_title = t(f"dva.sat.{metric}", lang)
    x = alt.X("dk:Q", title=t("dva.sat.x", lang), scale=alt.Scale(type="log", base=2, nice=False),
              axis=alt.Axis(values=DK_TICKS, format="d"))
    y = alt.Y("value:Q", title=None, scale=alt.Scale(type="log") if metric == "std" else alt.Scale(zero=True),
              axis=alt.Axis(values=STD_TICKS, format="~g") if metric == "std" else alt.Axis(format="~g"))
    colour = alt.Color("series:N", scale=alt.Scale(domain=domain, range=[c for _, c, _ in spec]),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=2, labelLimit=300,
                                         symbolType="stroke"))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=[[6, 4] if d else [1, 0] for _, _, d in spec]),
                          legend=None)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("dk:Q", title="d_k"), alt.Tooltip("value:Q", title=y_title, format=".4g")]
    curves = alt.Chart().transform_filter(alt.datum.kind == "curve")
    lines = curves.mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=tip)
    chosen = alt.Chart().transform_filter(alt.datum.kind == "chosen").mark_rule(color=CHOSEN, strokeWidth=1.5, strokeDash=[2, 3]).encode(
        x=x, tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("dk:Q", title="d_k")])
    return vega_spec(configure(alt.layer(lines, chosen).properties(title=y_title, height=SMALL_PLOT), fit_x=True))


def saturation(r, lang: str, metric: str) -> VegaChart:
    """One softmax measure against d_k (log axis): unscaled dot, scaled dot and additive scores, the reference
    line of ``metric`` ("std": √d_k and the additive bound ‖v‖₁; "pmax": 1/n; "entropy": log n), and a rule at
    the learner's d_k. ``metric`` is one of SATURATION_METRICS."""
    x = np.asarray(r.dk_grid, dtype=float)
    measured = {"std": r.std, "pmax": r.pmax, "entropy": r.entropy}[metric]
    reference = {"std": [np.sqrt(x), np.full(len(x), r.v_l1)], "pmax": [np.full(len(x), 1 / r.n)],
                 "entropy": [np.full(len(x), np.log(r.n))]}[metric]
    lines = [measured["dot"], measured["scaled"], measured["additive"], *reference]
    labels = [t(key, lang) for key, _, _ in _SAT_LINES[metric]]
    data = pd.DataFrame({
        "dk": np.concatenate([np.tile(x, len(lines)), [float(r.d_k)]]),
        "value": np.concatenate([np.asarray(v, dtype=float) for v in lines] + [[np.nan]]),
        "series": [label for label in labels for _ in x] + [t("dva.sat.chosen", lang)],
        "kind": ["curve"] * (len(lines) * len(x)) + ["chosen"],
    })
    return VegaChart(_saturation_spec(lang, metric), data)
