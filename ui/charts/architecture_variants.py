"""Charts of lesson variants (app_pages/lessons/variants.py, on the architecture page): the decode step of
multi-head, GQA and MQA against the cache length, SmolLM2's KV cache against the length, what each norm
leaves of a token's mean, and timed calls as bars with their range. Built like ui/charts/attention.py's
timing charts; apart from ui/charts/architecture.py, which draws the page's other lessons."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import DECADES, PALETTE, RAW, SCALED, THEORY, VegaChart, configure, vega_spec
from ui.i18n import t

WAYS = ("mha", "gqa", "gqa_grouped", "mqa")  # tf_core.lab.variants.WAYS, named here so that no chart imports torch
CACHE_WAYS = ("mha", "gqa", "mqa")  # the caches: GQA's is one, however it is read
WAY_COLOURS = {"mha": PALETTE[3], "gqa": PALETTE[1], "gqa_grouped": PALETTE[4], "mqa": PALETTE[2]}  # vermillion, blue, reddish purple (light blue read as the same line on a projector), green
LENGTH_TICKS = [64, 128, 256, 512, 1024, 2048, 4096, 8192]
HEIGHT = 300
MS_TICKS = sorted({*DECADES, 0.2, 0.5, 2, 5, 20, 50, 200, 500})  # a step takes ~0.1 ms (GPU) to ~50 ms


def _length_axis(lang: str) -> alt.X:
    return alt.X("n:Q", title=t("var.axis.length", lang), scale=alt.Scale(type="log", base=2, nice=False),
                 axis=alt.Axis(values=LENGTH_TICKS, format="d", labelAngle=0))


def _way_colour(lang: str, legend: bool = True, ways: tuple[str, ...] = WAYS, prefix: str = "var.way") -> alt.Color:
    domain = [t(f"{prefix}.{w}", lang) for w in ways]
    return alt.Color("series:N", scale=alt.Scale(domain=domain, range=[WAY_COLOURS[w] for w in ways]),
                     legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=2, labelLimit=240) if legend else None)


@functools.cache
def _decode_spec(lang: str) -> dict:
    y_title = t("var.axis.step_ms", lang)
    y = alt.Y("ms:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(values=MS_TICKS, format="~g"))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("n:Q", title="n", format=","),
           alt.Tooltip("ms:Q", title=y_title, format=".3g"), alt.Tooltip("range:N", title=t("var.axis.range", lang))]
    lines = alt.Chart().mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=_length_axis(lang), y=y, color=_way_colour(lang), tooltip=tip)
    spread = alt.Chart().mark_rule(strokeWidth=2).encode(
        x=_length_axis(lang), y=alt.Y("lo:Q", title=y_title, scale=alt.Scale(type="log")), y2="hi:Q",
        color=_way_colour(lang), tooltip=tip)  # the same legend on both layers: a layer without one would drop it
    return vega_spec(configure(alt.layer(spread, lines).properties(height=HEIGHT)))


def decode_times(r, lang: str) -> VegaChart:
    """Median ms of one decode step against the cache length (log-log), one line per variant, a bar from the
    fastest to the slowest repeat. ``r``: a tf_core.lab.variants.VariantsResult."""
    rows = []
    for way in WAYS:
        med, (lo, hi) = r.decode_median(way), r.decode_spread(way)
        for i, n in enumerate(r.grid):
            rows.append((t(f"var.way.{way}", lang), int(n), 1000 * med[i], 1000 * lo[i], 1000 * hi[i],
                         f"{1000 * lo[i]:.3g} … {1000 * hi[i]:.3g}"))
    return VegaChart(_decode_spec(lang), pd.DataFrame(rows, columns=["series", "n", "ms", "lo", "hi", "range"]))


@functools.cache
def _cache_spec(lang: str) -> dict:
    y_title = t("var.axis.mb", lang)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("n:Q", title="n", format=","),
           alt.Tooltip("mb:Q", title=y_title, format=",.4g")]
    lines = alt.Chart().transform_filter("!datum.you").mark_line(strokeWidth=3).encode(
        x=_length_axis(lang), y=alt.Y("mb:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(format="~g")),
        color=_way_colour(lang, ways=CACHE_WAYS, prefix="var.kv"), tooltip=tip)
    points = alt.Chart().transform_filter("datum.you").mark_point(size=120, filled=True).encode(
        x=_length_axis(lang), y=alt.Y("mb:Q", scale=alt.Scale(type="log")),
        color=_way_colour(lang, ways=CACHE_WAYS, prefix="var.kv"), tooltip=tip)  # the lines' legend: a null one drops it
    rule = alt.Chart().transform_filter("datum.you").transform_aggregate(n="min(n)").mark_rule(
        color=THEORY, strokeDash=[6, 4], strokeWidth=1.5).encode(x=_length_axis(lang))
    label = alt.Chart().transform_filter("datum.you").transform_aggregate(n="min(n)").mark_text(
        align="left", dx=4, dy=4, baseline="top", y=0, color=THEORY, fontSize=13).encode(
        x=_length_axis(lang), text=alt.value(t("var.you", lang)))
    return vega_spec(configure(alt.layer(rule, label, lines, points).properties(height=HEIGHT)))


def cache_sizes(lengths: np.ndarray, sizes: dict[str, np.ndarray], length: int, you: dict[str, int], lang: str) -> VegaChart:
    """SmolLM2's KV cache in MB against the length, one line per number of key/value heads (``sizes``: way ->
    bytes at each of ``lengths``), and a dot per way at the learner's ``length`` (``you``: way -> bytes there);
    the ways of CACHE_WAYS."""
    rows = [(t(f"var.kv.{w}", lang), int(n), float(b) / 1e6, False) for w in CACHE_WAYS for n, b in zip(lengths, sizes[w])]
    rows += [(t(f"var.kv.{w}", lang), int(length), float(you[w]) / 1e6, True) for w in CACHE_WAYS]
    return VegaChart(_cache_spec(lang), pd.DataFrame(rows, columns=["series", "n", "mb", "you"]))


@functools.cache
def _means_spec(lang: str) -> dict:
    domain = [t("var.norm.layer", lang), t("var.norm.rms", lang), t("var.norm.theory", lang)]
    colour = alt.Color("series:N", scale=alt.Scale(domain=domain, range=[RAW, SCALED, THEORY]),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", labelLimit=300, columns=2))
    x = alt.X("ratio:Q", title=t("var.axis.ratio", lang))
    y = alt.Y("mean:Q", title=t("var.axis.out_mean", lang), scale=alt.Scale(domain=[-1, 1]))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("ratio:Q", title=t("var.axis.ratio", lang), format=".3f"),
           alt.Tooltip("mean:Q", title=t("var.axis.out_mean", lang), format=".3g")]
    theory = alt.Chart().transform_filter("datum.theory").mark_line(strokeWidth=2, strokeDash=[6, 4]).encode(
        x=x, y=y, color=colour, tooltip=tip)
    points = alt.Chart().transform_filter("!datum.theory").mark_point(size=70, filled=True, opacity=0.85).encode(
        x=x, y=y, color=colour, tooltip=tip)
    return vega_spec(configure(alt.layer(theory, points).properties(height=HEIGHT)))


def norm_means(stats, lang: str) -> VegaChart:
    """Each token's mean after LayerNorm and after RMSNorm against its mean ÷ standard deviation before,
    with RMSNorm's theory curve r / √(1 + r²). ``stats``: a tf_core.lab.variants.NormStatistics."""
    ratio = np.asarray(stats.ratio, dtype=float)
    order = np.argsort(ratio)
    rows = [(t(f"var.norm.{k}", lang), float(ratio[i]), float(stats.out_mean[k][i]), False) for k in ("layer", "rms") for i in order]
    rows += [(t("var.norm.theory", lang), float(ratio[i]), float(stats.theory[i]), True) for i in order]
    return VegaChart(_means_spec(lang), pd.DataFrame(rows, columns=["series", "ratio", "mean", "theory"]))


@functools.cache
def _bars_spec(lang: str, unit: str, groups: tuple[str, ...], colours: tuple[str, ...]) -> dict:
    x_title = t("var.axis.time", lang, unit=t(f"var.unit.{unit}", lang))
    colour = alt.Color("group:N", scale=alt.Scale(domain=list(groups), range=list(colours)),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", labelLimit=300))
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260))
    tip = [alt.Tooltip("label:N", title=" "), alt.Tooltip("group:N", title=" "),
           alt.Tooltip("value:Q", title=x_title, format=".3g"), alt.Tooltip("range:N", title=t("var.axis.range", lang))]
    bars = alt.Chart().mark_bar(height=22).encode(x=alt.X("value:Q", title=x_title), y=y, color=colour, tooltip=tip)
    spread = alt.Chart().mark_rule(strokeWidth=2, color="#000000").encode(x="lo:Q", x2="hi:Q", y=y, tooltip=tip)
    return vega_spec(configure(alt.layer(bars, spread).properties(height=alt.Step(40))))


def time_bars(rows: list[tuple[str, str, np.ndarray]], unit: str, lang: str, colours: tuple[str, ...] | None = None) -> VegaChart:
    """One horizontal bar per timed call: (label, group, seconds of the repeats); the bar at the median, a
    black rule from the fastest to the slowest. ``unit``: "us" or "ms"; each group gets its colour, in order
    from ``colours`` (default: the palette from its second colour), so a chart beside another of the same
    groups can match its colours."""
    scale = 1e6 if unit == "us" else 1e3
    out = []
    for label, group, seconds in rows:
        s = np.asarray(seconds, dtype=float) * scale
        out.append((label, group, float(np.median(s)), float(s.min()), float(s.max()), f"{s.min():.3g} … {s.max():.3g}"))
    groups = tuple(dict.fromkeys(g for _, g, _ in rows))
    colours = tuple(colours or PALETTE[1:])
    return VegaChart(_bars_spec(lang, unit, groups, colours[:len(groups)]),
                     pd.DataFrame(out, columns=["label", "group", "value", "lo", "hi", "range"]))
