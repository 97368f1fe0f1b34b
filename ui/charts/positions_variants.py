"""Charts of lesson pe-variants (app_pages/lessons/pe_variants.py, on the positions page): the loss of the six
shipped position models against length and by position, RoPE's offset check and its rotating pairs (Plotly,
3-D), ALiBi's slopes and bias maps (Plotly), T5's buckets. Built like ui/charts/positions.py, whose Plotly
heatmap the lesson also uses for MiniLM's position table."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.positions import DIVERGING, FONT
from ui.charts.shared import PALETTE, RAW, SCALED, THEORY, VegaChart, configure, vega_spec
from ui.i18n import t
from ui.text import plotly_escape


# --- lesson pe-variants -----------------------------------------------------------------------------------
# One colour per kind, whichever kinds the learner shows (tf_core.positional.KINDS order; "none" in grey).
KIND_COLOURS = {"none": THEORY, "sinusoidal": PALETTE[0], "learned": PALETTE[1], "relative": PALETTE[2],
                "rope": PALETTE[3], "alibi": PALETTE[4]}


@functools.cache
def _by_length_spec(lang: str, domain: tuple[str, ...], colours: tuple[str, ...], lengths: tuple[int, ...]) -> dict:
    x_title, y_title = t("pev.axis.length", lang), t("pev.axis.loss", lang)
    x = alt.X("L:Q", title=x_title, scale=alt.Scale(domain=[0, max(lengths) + 4], nice=False), axis=alt.Axis(values=list(lengths)))
    y = alt.Y("loss:Q", title=y_title, scale=alt.Scale(zero=False))
    colour = alt.Color("kind:N", scale=alt.Scale(domain=list(domain), range=list(colours)),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=3, labelLimit=300))
    tip = [alt.Tooltip("kind:N", title=" "), alt.Tooltip("L:Q", title=x_title), alt.Tooltip("loss:Q", title=y_title, format=".4f"),
           alt.Tooltip("ratio:Q", title=t("pev.axis.ratio", lang), format=".3f")]
    lines = alt.Chart().mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=60, filled=True)).encode(
        x=x, y=y, color=colour, tooltip=tip)
    train = alt.Chart().transform_filter("datum.train").mark_rule(color=THEORY, strokeDash=[6, 4], strokeWidth=1.5).encode(x="L:Q")
    label = alt.Chart().transform_filter("datum.train").transform_aggregate(L="min(L)").mark_text(
        align="left", dx=4, dy=-4, baseline="top", y=0, color=THEORY, fontSize=13).encode(
        x="L:Q", text=alt.value(t("pev.axis.trained", lang)))
    return vega_spec(configure(alt.layer(train, label, lines).properties(height=300)))


def _legend(labels: list[str], kinds: list[str], every: list[tuple[str, str]] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The colour scale's domain and range: every kind the page offers (``every``: (label, kind) pairs),
    not only those shown. Showing or hiding a kind then changes the chart's data, not its spec, and
    Streamlit swaps the data into the drawn chart instead of building it again (~80 ms of each toggle
    of the kinds on one core); the legend is the colour key of the switches under the chart."""
    pairs = every if every is not None else list(zip(labels, kinds))
    return tuple(label for label, _ in pairs), tuple(KIND_COLOURS[kind] for _, kind in pairs)


def loss_by_length(labels: list[str], kinds: list[str], lengths: np.ndarray, loss: np.ndarray, train_length: int,
                   lang: str, every: list[tuple[str, str]] | None = None) -> VegaChart:
    """Held-out loss (nats per character) against the evaluation length, one line per kind (a fixed
    colour per kind), the training length dashed. ``loss``: (K, N) for the K kinds shown; ``every``:
    the legend's (label, kind) pairs (default: the kinds shown)."""
    lengths = np.asarray(lengths, dtype=int)
    loss = np.asarray(loss, dtype=float)
    at_train = loss[:, int(np.flatnonzero(lengths == train_length)[0])]
    rows = [(label, int(L), float(loss[r, c]), float(loss[r, c] / at_train[r]), bool(L == train_length))
            for r, label in enumerate(labels) for c, L in enumerate(lengths)]
    data = pd.DataFrame(rows, columns=["kind", "L", "loss", "ratio", "train"])
    domain, colours = _legend(labels, kinds, every)
    return VegaChart(_by_length_spec(lang, domain, colours, tuple(int(v) for v in lengths)), data)


@functools.cache
def _per_position_spec(lang: str, domain: tuple[str, ...], colours: tuple[str, ...], n: int) -> dict:
    x_title, y_title = t("pe.axis.position", lang), t("pev.axis.loss", lang)
    x = alt.X("p:Q", title=x_title, scale=alt.Scale(domain=[0, n - 1], nice=False))
    colour = alt.Color("kind:N", scale=alt.Scale(domain=list(domain), range=list(colours)),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=3, labelLimit=300))
    tip = [alt.Tooltip("kind:N", title=" "), alt.Tooltip("p:Q", title=x_title), alt.Tooltip("loss:Q", title=y_title, format=".3f")]
    lines = alt.Chart().transform_filter("!datum.mark").mark_line(strokeWidth=2).encode(
        x=x, y=alt.Y("loss:Q", title=y_title, scale=alt.Scale(zero=False)), color=colour, tooltip=tip)
    breaks = alt.Chart().transform_filter("datum.mark").mark_point(shape="triangle-down", size=160, filled=True).encode(
        x=x, y="loss:Q", color=colour, tooltip=tip)
    train = alt.Chart().transform_filter("datum.train").mark_rule(color=THEORY, strokeDash=[6, 4], strokeWidth=1.5).encode(x="p:Q")
    return vega_spec(configure(alt.layer(train, lines, breaks).properties(height=300)))


def per_position(labels: list[str], kinds: list[str], curves: np.ndarray, train_length: int, breaks: np.ndarray,
                 lang: str, every: list[tuple[str, str]] | None = None) -> VegaChart:
    """The mean loss at each position of the longest windows, one line per kind; a triangle where a
    kind's curve breaks (tf_core.lab.pe_variants.break_position), the training length dashed; ``every``
    as in :func:`loss_by_length`."""
    curves = np.asarray(curves, dtype=float)
    K, n = curves.shape
    rows = [(labels[r], p, float(curves[r, p]), False, p == train_length) for r in range(K) for p in range(n)]
    rows += [(labels[r], int(b), float(curves[r, int(b)]), True, False) for r, b in enumerate(breaks) if b >= 0]
    data = pd.DataFrame(rows, columns=["kind", "p", "loss", "mark", "train"])
    return VegaChart(_per_position_spec(lang, *_legend(labels, kinds, every), n), data)


@functools.cache
def _rope_scores_spec(lang: str) -> dict:
    x_title, y_title = t("pev.rope.m", lang), t("pev.rope.score", lang)
    tip = [alt.Tooltip("m:Q", title=x_title), alt.Tooltip("s:Q", title=y_title, format=".15g")]
    line = alt.Chart().mark_line(color=SCALED, strokeWidth=2).encode(
        x=alt.X("m:Q", title=x_title), y=alt.Y("s:Q", title=y_title, axis=alt.Axis(format=".1e")),
        tooltip=tip)
    return vega_spec(configure(line.properties(height=220)))


def rope_scores(m: np.ndarray, scores: np.ndarray, direct: float, lang: str) -> VegaChart:
    """<RoPE(q, m), RoPE(k, m - k)> minus the score written with the offset alone, against the query's
    absolute position m: float64 rounding only (its size is the point; the caption gives both)."""
    data = pd.DataFrame({"m": np.asarray(m, dtype=int), "s": np.asarray(scores, dtype=float) - float(direct)})
    return VegaChart(_rope_scores_spec(lang), data)


def rope_helix(helix: np.ndarray, pairs: tuple[int, int], lang: str):
    """Plotly 3-D: q's pair (x_i, x_{i+Dh/2}) as RoPE turns it at positions 0 .. T-1 (position upwards):
    a helix whose turns are the pair's frequency; two pairs, a fast one and a slow one."""
    import plotly.graph_objects as go

    pos = plotly_escape(t("pe.axis.position", lang))
    fig = go.Figure()
    for (pair, xy), colour in zip(zip(pairs, np.asarray(helix, dtype=float)), (RAW, SCALED)):
        name = plotly_escape(t("pev.rope.pair", lang, i=int(pair)))
        fig.add_trace(go.Scatter3d(x=xy[:, 0], y=xy[:, 1], z=np.arange(len(xy)), mode="lines+markers", name=name,
                                   line=dict(color=colour, width=5), marker=dict(size=2.5, color=colour),
                                   hovertemplate=f"{name}<br>{pos} %{{z}}<br>x %{{x:.3f}}<br>y %{{y:.3f}}<extra></extra>"))
    fig.update_layout(height=360, margin=dict(l=0, r=0, t=8, b=0), font=dict(size=FONT),
                      legend=dict(orientation="h", y=1.0, x=0.0, font=dict(size=FONT)), hoverlabel=dict(font=dict(size=FONT)),
                      scene=dict(xaxis_title="x_i", yaxis_title="x_{i+Dh/2}", zaxis_title=pos,
                                 camera=dict(eye=dict(x=1.6, y=1.6, z=0.7))))
    return fig


@functools.cache
def _slopes_spec(lang: str) -> dict:
    x_title, y_title = t("pev.alibi.head", lang), t("pev.alibi.slope", lang)
    tip = [alt.Tooltip("h:O", title=x_title), alt.Tooltip("slope:Q", title=y_title, format=".6g")]
    bars = alt.Chart().mark_point(color=SCALED, filled=True, size=70).encode(  # points: a log axis has no bar base
        x=alt.X("h:O", title=x_title, axis=alt.Axis(labelOverlap=True, labelAngle=0)),
        y=alt.Y("slope:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(values=[2.0 ** -k for k in range(0, 9, 2)],
                                                                                      format="~g")),
        tooltip=tip)
    return vega_spec(configure(bars.properties(height=220)))


def alibi_slopes(slopes: np.ndarray, lang: str) -> VegaChart:
    """ALiBi's slope per head (log axis: a geometric sequence is a straight staircase)."""
    slopes = np.asarray(slopes, dtype=float)
    return VegaChart(_slopes_spec(lang), pd.DataFrame({"h": np.arange(len(slopes)), "slope": slopes}))


def bias_maps(maps: np.ndarray, heads: np.ndarray, lang: str, height: int = 260):
    """Plotly: several (L, L) causal bias maps side by side on one colour scale (queries down, keys
    across, hidden future keys blank), each titled with its head. The subplots' axes are laid out here
    rather than with plotly.subplots.make_subplots and per-subplot update_*axes, which took ~190 ms for
    four maps (ms here); this figure is rebuilt on each change of the lesson's view controls."""
    import plotly.graph_objects as go

    maps = np.asarray(maps, dtype=float)
    finite = maps[np.isfinite(maps)]
    top = float(np.abs(finite).max(initial=0.0)) or 1.0
    q, k, v = (plotly_escape(t(key, lang)) for key in ("pev.axis.query", "pev.axis.key", "pev.axis.bias"))
    n, gap = len(maps), 0.04
    width = (1.0 - gap * (n - 1)) / n
    tick = dict(size=FONT)
    layout = dict(height=height, margin=dict(l=8, r=8, t=28, b=8), font=dict(size=FONT), hoverlabel=dict(font=tick),
                  annotations=[])
    data = []
    for c, (z, h) in enumerate(zip(maps, heads)):
        suffix = "" if c == 0 else str(c + 1)
        lo = c * (width + gap)
        layout[f"xaxis{suffix}"] = dict(domain=[lo, lo + width], anchor=f"y{suffix}", tickfont=tick,
                                        title=dict(text=k, font=tick))
        layout[f"yaxis{suffix}"] = dict(domain=[0.0, 1.0], anchor=f"x{suffix}", autorange="reversed", tickfont=tick,
                                        title=dict(text=q, font=tick) if c == 0 else None)
        layout["annotations"].append(dict(text=plotly_escape(t("pev.alibi.head_n", lang, h=int(h))), x=lo + width / 2, y=1.0,
                                          xref="paper", yref="paper", xanchor="center", yanchor="bottom", showarrow=False,
                                          font=tick))
        data.append(go.Heatmap(z=z.astype(np.float32), zmin=-top, zmax=top, zmid=0.0, colorscale=DIVERGING, xaxis=f"x{suffix}",
                               yaxis=f"y{suffix}", showscale=c == n - 1,
                               colorbar=dict(title=dict(text=v, side="right", font=tick), tickfont=tick, thickness=12),
                               hovertemplate=f"{q} %{{y}}<br>{k} %{{x}}<br>{v} %{{z:.4f}}<extra></extra>"))
    return go.Figure(data=data, layout=layout)


@functools.cache
def _buckets_spec(lang: str) -> dict:
    x_title, y_title = t("pev.t5.distance", lang), t("pev.t5.bucket", lang)
    tip = [alt.Tooltip("d:Q", title=x_title), alt.Tooltip("b:Q", title=y_title), alt.Tooltip("zone:N", title=" ")]
    zones = (t("pev.t5.exact", lang), t("pev.t5.log", lang), t("pev.t5.capped", lang))
    colour = alt.Color("zone:N", scale=alt.Scale(domain=list(zones), range=[SCALED, RAW, THEORY]),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=2, labelLimit=300))  # two per row: the half-width panel cuts three
    points = alt.Chart().mark_point(filled=True, size=30).encode(
        x=alt.X("d:Q", title=x_title), y=alt.Y("b:Q", title=y_title, axis=alt.Axis(tickMinStep=1)), color=colour, tooltip=tip)
    line = alt.Chart().mark_line(interpolate="step-after", color=THEORY, strokeWidth=1).encode(x="d:Q", y="b:Q")
    return vega_spec(configure(alt.layer(line, points).properties(height=240)))


def t5_buckets(distance: np.ndarray, bucket: np.ndarray, exact: int, max_distance: int, lang: str) -> VegaChart:
    """T5's bucket of every distance back: one bucket each below ``exact`` (blue), log-spaced up to
    ``max_distance`` (orange), the last bucket shared from there on (grey)."""
    d = np.asarray(distance, dtype=int)
    zones = np.where(d < exact, t("pev.t5.exact", lang), np.where(d < max_distance, t("pev.t5.log", lang), t("pev.t5.capped", lang)))
    data = pd.DataFrame({"d": d, "b": np.asarray(bucket, dtype=int), "zone": zones})
    return VegaChart(_buckets_spec(lang), data)
