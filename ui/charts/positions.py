"""Charts of app_pages/positions.py: lessons positional-encoding and embed-scale.

Two kinds. Large matrices (the PE table, the similarity of every two positions, an embedding table
plus PE) are Plotly heatmaps (:func:`matrix_heatmap`): zoom and pan, the exact value on hover, which
Vega-Lite does poorly at 256 x 256 cells. Their colour scale is diverging and centred on 0, so an exact
0 is the scale's white (Plotly cannot frame single cells the way the Vega maps do). They carry no user
text: numbers and our own labels only, escaped all the same. Everything else is Vega-Lite, built like
ui/charts/shared.py (a cached spec, the data beside it); the one Vega map here (the corner of M_k)
keeps the app's convention for exact zeros.
"""
from __future__ import annotations

import functools
import json

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import (DECADES, MIN_FONT, PALETTE, RAW, SCALED, THEORY, VegaChart, configure, vega_spec,
                              zero_cells)
from ui.charts.shared import TOKEN_LABEL_EXPR, pos_label
from ui.i18n import t
from ui.text import plotly_escape

FONT = 13  # px: Plotly's text (axes, colour bar, hover), above the app's 12 px floor
DIVERGING = "RdBu_r"  # blue below 0, white at 0, red above: Plotly's ColorBrewer scale, reversed


# --- Plotly: a large matrix -----------------------------------------------------------------------------
def matrix_heatmap(z: np.ndarray, x: np.ndarray, y: np.ndarray, lang: str, x_key: str, y_key: str, value_key: str,
                   zmax: float | None = None, height: int = 300):
    """A (len(y), len(x)) matrix as a zoomable heatmap: rows down (``y``: the row indices, e.g. positions),
    columns across (``x``), colour on a diverging scale from -zmax to zmax (default: the largest |value|);
    the hover shows both indices and the value. Strided views pass the kept indices, so the axes and the
    hover read the real positions and dimensions."""
    import plotly.graph_objects as go

    z = np.asarray(z, dtype=np.float32)
    top = float(np.abs(z).max(initial=0.0)) if zmax is None else float(zmax)
    top = top if top > 0 else 1.0
    x_name, y_name, v_name = (plotly_escape(t(k, lang)) for k in (x_key, y_key, value_key))
    fig = go.Figure(go.Heatmap(
        z=z, x=np.asarray(x), y=np.asarray(y), zmin=-top, zmax=top, zmid=0.0, colorscale=DIVERGING,
        colorbar=dict(title=dict(text=v_name, side="right", font=dict(size=FONT)), tickfont=dict(size=FONT), thickness=12),
        hovertemplate=f"{y_name} %{{y}}<br>{x_name} %{{x}}<br>{v_name} %{{z:.4f}}<extra></extra>",
    ))
    fig.update_layout(
        height=height, margin=dict(l=8, r=8, t=8, b=8), font=dict(size=FONT),
        xaxis=dict(title=dict(text=x_name, font=dict(size=FONT)), tickfont=dict(size=FONT), side="bottom"),
        yaxis=dict(title=dict(text=y_name, font=dict(size=FONT)), tickfont=dict(size=FONT), autorange="reversed"),
        hoverlabel=dict(font=dict(size=FONT)),
    )
    return fig


# --- a large matrix as one image: what a page shows first -----------------------------------------------
@functools.cache
def _diverging_stops() -> tuple[np.ndarray, np.ndarray]:
    """Positions in [0, 1] and (11, 3) RGB colours of DIVERGING, Plotly's own stops."""
    import plotly.colors as pc

    scale = pc.get_colorscale(DIVERGING)
    where = np.array([float(p) for p, _ in scale])
    rgb = np.array([[int(c) for c in colour[4:-1].split(",")] for _, colour in scale], dtype=np.float64)
    return where, rgb


def diverging_png(z: np.ndarray, top: float) -> str:
    """``z`` (rows, columns) as a PNG data URL, one pixel per cell, coloured like the Plotly heatmaps
    (DIVERGING from -top to top, linear in RGB between Plotly's stops); a cell that is not finite (a
    hidden future key of a causal map) is transparent, as Plotly leaves it blank."""
    import base64
    import io

    from PIL import Image

    where, rgb = _diverging_stops()
    z = np.asarray(z, dtype=np.float64)
    finite = np.isfinite(z)
    u = np.clip((np.where(finite, z, 0.0) / top + 1) / 2, 0, 1)  # (R, C) in [0, 1]
    pixels = np.stack([np.interp(u, where, rgb[:, c]) for c in range(3)], axis=-1)  # (R, C, 3)
    buf = io.BytesIO()
    # zlib's fastest level: on a 256 x 256 table 2.6 ms instead of 10.7 ms at PIL's default (6), for a
    # PNG ~30 % larger (63 KB instead of 49 KB); the image is made again on every change of the matrix.
    if finite.all():
        Image.fromarray(np.round(pixels).astype(np.uint8), "RGB").save(buf, format="PNG", compress_level=1)
    else:
        alpha = np.where(finite, 255.0, 0.0)[..., None]  # (R, C, 1)
        Image.fromarray(np.round(np.concatenate([pixels, alpha], axis=-1)).astype(np.uint8), "RGBA").save(
            buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _image_layers(lang: str, x_key: str, y_key: str, value_key: str, gradient: int) -> alt.LayerChart:
    """The image mark (rows down, row 0 on top) and its colour bar: an invisible mark over the image's
    corner whose colour scale is the image's (DIVERGING, linear in RGB). ``gradient``: the bar's length."""
    where, rgb = _diverging_stops()
    colours = ["#%02x%02x%02x" % tuple(int(v) for v in c) for c in rgb]
    x = alt.X("x:Q", title=t(x_key, lang), scale=alt.Scale(nice=False, zero=False), axis=alt.Axis(tickMinStep=1))
    y = alt.Y("y:Q", title=t(y_key, lang), scale=alt.Scale(nice=False, zero=False, reverse=True), axis=alt.Axis(tickMinStep=1))
    image = alt.Chart().transform_filter("datum.url").mark_image(aspect=False, smooth=False).encode(
        x=x, x2="x2:Q", y=y, y2="y2:Q", url="url:N")
    legend = alt.Chart().transform_filter("!datum.url").mark_point(opacity=0).encode(
        x=x, y=y, color=alt.Color("v:Q", title=t(value_key, lang), scale=alt.Scale(domainMid=0, range=colours, interpolate="rgb"),
                                  legend=alt.Legend(orient="right", gradientLength=max(60, gradient))))
    return alt.layer(image, legend)


@functools.cache
def _image_spec(lang: str, x_key: str, y_key: str, value_key: str, height: int) -> dict:
    chart = _image_layers(lang, x_key, y_key, value_key, height - 30).properties(height=height)
    return vega_spec(configure(chart, fit_x=True))  # the plot is ``height`` px


def matrix_image(z: np.ndarray, x: np.ndarray, y: np.ndarray, lang: str, x_key: str, y_key: str, value_key: str,
                 zmax: float | None = None, height: int = 300) -> VegaChart:
    """The matrix of :func:`matrix_heatmap` drawn as one image in a Vega-Lite chart (axes in the real
    indices, a colour bar, no hover): a browser draws it in a few ms, where a Plotly heatmap of 256 x 256
    cells took ~100-200 ms of every re-render on one core (benchmarks/rerender.py). The page offers the
    Plotly view on demand (ui.lesson.matrix). ``x``, ``y``: the kept indices, in order; the pixels are
    spread evenly from the first to the last, so where a view keeps pairs of dimensions at a stride the
    axis is exact to within one stride (the Plotly view names every cell)."""
    z = np.asarray(z, dtype=np.float32)
    top = float(np.abs(z).max(initial=0.0)) if zmax is None else float(zmax)
    top = top if top > 0 else 1.0
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    half_x = (x[1] - x[0]) / 2 if len(x) > 1 else 0.5
    half_y = (y[1] - y[0]) / 2 if len(y) > 1 else 0.5
    rows = [(diverging_png(z, top), x[0] - half_x, x[-1] + half_x, y[0] - half_y, y[-1] + half_y, np.nan),
            ("", x[0], x[0], y[0], y[0], -top), ("", x[0], x[0], y[0], y[0], top)]
    data = pd.DataFrame(rows, columns=["url", "x", "x2", "y", "y2", "v"])
    return VegaChart(_image_spec(lang, x_key, y_key, value_key, height), data)


@functools.cache
def _panels_spec(lang: str, x_key: str, y_key: str, value_key: str, side: int, columns: int) -> dict:
    chart = _image_layers(lang, x_key, y_key, value_key, side - 20).properties(width=side, height=side).facet(
        data=alt.Data(name="empty"),  # a placeholder vega_spec removes: the page passes the data beside the spec
        facet=alt.Facet("panel:N", title=None, sort=alt.EncodingSortField("order"), header=alt.Header(labelFontSize=MIN_FONT + 1)),
        columns=columns)
    return vega_spec(configure(chart))


def matrix_panels(maps: np.ndarray, titles: list[str], lang: str, x_key: str, y_key: str, value_key: str,
                  side: int = 130, columns: int = 2) -> VegaChart:
    """Several (L, L) maps on one colour scale, ``columns`` to a row, each an image (:func:`matrix_image`)
    titled with its ``titles`` entry; ``side``: each panel's size in px (a faceted chart does not stretch to
    its column: 2 x 130 px fit the narrowest column they are drawn in, at 1366 px). Rows and columns are the
    indices 0..L-1."""
    maps = np.asarray(maps, dtype=np.float64)
    finite = maps[np.isfinite(maps)]
    top = float(np.abs(finite).max(initial=0.0)) or 1.0
    rows = []
    for order, (z, title) in enumerate(zip(maps, titles)):
        h, w = z.shape
        rows.append((title, order, diverging_png(z, top), -0.5, w - 0.5, -0.5, h - 0.5, np.nan))
        rows += [(title, order, "", 0, 0, 0, 0, v) for v in (-top, top)]
    data = pd.DataFrame(rows, columns=["panel", "order", "url", "x", "x2", "y", "y2", "v"])
    return VegaChart(_panels_spec(lang, x_key, y_key, value_key, side, columns), data)


# --- lesson positional-encoding: Vega-Lite ---------------------------------------------------------------
@functools.cache
def _curves_spec(lang: str) -> dict:
    x = alt.X("p:Q", title=t("pe.axis.position", lang), axis=alt.Axis(tickMinStep=1))
    y = alt.Y("v:Q", title=t("pe.axis.value", lang), scale=alt.Scale(domain=[-1.05, 1.05]))
    colour = alt.Color("series:N", sort=alt.EncodingSortField("rank"), scale=alt.Scale(range=list(PALETTE[:4])),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=2, labelLimit=300))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("p:Q", title=t("pe.axis.position", lang)),
           alt.Tooltip("v:Q", title=t("pe.axis.value", lang), format=".4f")]
    lines = alt.Chart().mark_line(strokeWidth=2, interpolate="linear").encode(x=x, y=y, color=colour, detail="rank:O",
                                                                             tooltip=tip)
    return vega_spec(configure(lines.properties(height=280)))


def pe_curves(curves: np.ndarray, pairs: np.ndarray, periods: np.ndarray, d: int, lang: str) -> VegaChart:
    """The sine dimension 2i of a few pairs i over the positions (one line each, fastest first); the legend
    names each by its dimension and period (a lone sine of an odd d says so)."""
    curves = np.asarray(curves, dtype=float)
    m, n = curves.shape
    labels = []
    for i, period in zip(pairs, periods):
        key = "pe.curves.lone" if d % 2 and 2 * int(i) == d - 1 else "pe.curves.pair"
        labels.append(t(key, lang, dim=2 * int(i), period=f"{period:,.0f}" if period >= 100 else f"{period:.1f}"))
    data = pd.DataFrame({"p": np.tile(np.arange(n), m), "v": curves.reshape(-1),
                         "series": np.repeat(labels, n), "rank": np.repeat(np.arange(m), n)})
    return VegaChart(_curves_spec(lang), data)


@functools.cache
def _by_distance_spec(lang: str) -> dict:
    x = alt.X("k:Q", title=t("pe.sim.x", lang), axis=alt.Axis(tickMinStep=1))
    y_title = t("pe.sim.y", lang)
    tip = [alt.Tooltip("k:Q", title=t("pe.sim.x", lang)), alt.Tooltip("mean:Q", title=y_title, format=".4f"),
           alt.Tooltip("lo:Q", title=t("pe.sim.lo", lang), format=".6f"), alt.Tooltip("hi:Q", title=t("pe.sim.hi", lang), format=".6f")]
    band = alt.Chart().mark_area(color=SCALED, opacity=0.25).encode(x=x, y=alt.Y("lo:Q", title=y_title), y2="hi:Q", tooltip=tip)
    line = alt.Chart().mark_line(color=SCALED, strokeWidth=2.5).encode(x=x, y=alt.Y("mean:Q", title=y_title), tooltip=tip)
    zero = alt.Chart().mark_rule(color=THEORY, strokeDash=[4, 3]).encode(y=alt.datum(0))
    return vega_spec(configure(alt.layer(zero, band, line).properties(height=260)))


def similarity_by_distance(mean: np.ndarray, lo: np.ndarray, hi: np.ndarray, lang: str) -> VegaChart:
    """cos(PE(i), PE(i + k)) against the distance k: the mean over i (a line) and its range over i (a band,
    invisible where the cosine depends on k alone)."""
    k = np.arange(len(mean))
    return VegaChart(_by_distance_spec(lang), pd.DataFrame({"k": k, "mean": np.asarray(mean, float),
                                                            "lo": np.asarray(lo, float), "hi": np.asarray(hi, float)}))


@functools.cache
def _corner_spec(lang: str) -> dict:
    title = t("pe.rot.value", lang)
    x = alt.X("j:O", title=t("pe.rot.col", lang), axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("i:O", title=t("pe.rot.row", lang))
    tip = [alt.Tooltip("i:O", title=t("pe.rot.row", lang)), alt.Tooltip("j:O", title=t("pe.rot.col", lang)),
           alt.Tooltip("value:Q", title=title, format=".6f")]
    cells = alt.Chart().mark_rect(stroke="white", strokeWidth=1).encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("value:Q", title=title, scale=alt.Scale(scheme="redblue", reverse=True, domain=[-1, 1]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=200)))
    text = alt.Chart().transform_filter("datum.value !== 0").mark_text(fontSize=MIN_FONT).encode(
        x=x, y=y, tooltip=tip, text=alt.Text("value:Q", format=".2f"),
        color=alt.condition("abs(datum.value) > 0.6", alt.value("white"), alt.value("black")))
    chart = alt.layer(cells, zero_cells(x, y, tip, "value", lang), text).properties(width=alt.Step(32), height=alt.Step(24))
    return vega_spec(configure(chart))


def rotation_corner(corner: np.ndarray, lang: str) -> VegaChart:
    """The top-left corner of M_k, one cell per entry with its value written in it: 2 x 2 rotation blocks
    on the diagonal, exact zeros (white, grey border) everywhere else."""
    c = np.asarray(corner, dtype=float)
    i, j = np.divmod(np.arange(c.size), c.shape[1])
    return VegaChart(_corner_spec(lang), pd.DataFrame({"i": i, "j": j, "value": c.reshape(-1)}))


@functools.cache
def _angles_spec(lang: str) -> dict:
    x = alt.X("pair:Q", title=t("pe.rot.pair", lang), axis=alt.Axis(tickMinStep=1), scale=alt.Scale(nice=False))
    y = alt.Y("angle:Q", title=t("pe.rot.angle", lang), scale=alt.Scale(domain=[-3.2, 3.2]),
              axis=alt.Axis(values=[-3.1416, -1.5708, 0, 1.5708, 3.1416], format=".2f"))
    tip = [alt.Tooltip("pair:Q", title=t("pe.rot.pair", lang)), alt.Tooltip("angle:Q", title=t("pe.rot.angle", lang), format=".4f")]
    zero = alt.Chart().mark_rule(color=THEORY, strokeDash=[4, 3]).encode(y=alt.datum(0))
    # points, no line: a wrapped angle jumps from +pi to -pi, and a line would draw that jump
    pts = alt.Chart().mark_point(filled=True, size=30, color=SCALED, opacity=1).encode(x=x, y=y, tooltip=tip)
    return vega_spec(configure(alt.layer(zero, pts).properties(height=260)))


def rotation_angles(angles: np.ndarray, lang: str) -> VegaChart:
    """The angle k * w_i (wrapped to (-pi, pi]) each pair i is turned by in M_k."""
    a = np.asarray(angles, dtype=float)
    return VegaChart(_angles_spec(lang), pd.DataFrame({"pair": np.arange(len(a)), "angle": a}))


@functools.cache
def _gap_spec(lang: str, x_field: str, x_title_key: str, domain: tuple[str, ...], tokens: bool, dense: bool) -> dict:
    y_title = t("pe.shuf.y", lang)
    if tokens:
        x = alt.X(f"{x_field}:O", title=t(x_title_key, lang), sort="ascending",
                  axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelAngle=-90, labelOverlap="greedy" if dense else False,
                                labelLimit=90))
        x_tip = alt.Tooltip("tok:N", title=t(x_title_key, lang))
    else:
        x = alt.X(f"{x_field}:O", title=t(x_title_key, lang), axis=alt.Axis(labelAngle=0))
        x_tip = alt.Tooltip(f"{x_field}:O", title=t(x_title_key, lang))
    colour = alt.Color("series:N", scale=alt.Scale(domain=list(domain), range=[SCALED, RAW, "#009E73"][:len(domain)]),
                       legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=500, symbolDash=[1, 0]))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=list(domain), range=[[1, 0], [1, 0], [6, 4]][:len(domain)]),
                          legend=None)
    tip = [alt.Tooltip("series:N", title=" "), x_tip, alt.Tooltip("value:Q", title=y_title, format=".3g")]
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(values=DECADES[::2], format="~g"))
    # one layer per series, the first one (no position vectors) drawn last: it lies on the carried-along one
    layers = [alt.Chart().transform_filter(f"datum.value > 0 && datum.series == {json.dumps(name, ensure_ascii=False)}")
              .mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=50, filled=True))
              .encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=tip) for name in reversed(domain)]
    return vega_spec(configure(alt.layer(*layers).properties(height=380)))


def shuffle_layers(series: list[tuple[str, np.ndarray]], lang: str) -> VegaChart:
    """Per layer (0 = the embeddings' output), the largest |shuffled output - original output moved the
    same way|, one line per way of handling positions, on a log axis (an exact 0 has no place there and
    is left out: the caption says where)."""
    rows = [(label, layer, float(v)) for label, values in series for layer, v in enumerate(np.asarray(values, float))]
    data = pd.DataFrame(rows, columns=["series", "layer", "value"])
    domain = tuple(label for label, _ in series)
    return VegaChart(_gap_spec(lang, "layer", "pe.shuf.layer", domain, False, False), data)


def shuffle_tokens(series: list[tuple[str, np.ndarray]], pieces: tuple[str, ...], lang: str) -> VegaChart:
    """The same gap at the last layer, per position of the shuffled sentence (its tokens on the axis, as data)."""
    T = len(pieces)
    pos = [pos_label(i, p) for i, p in enumerate(pieces)]
    rows = [(label, pos[i], pieces[i], float(v)) for label, values in series for i, v in enumerate(np.asarray(values, float))]
    data = pd.DataFrame(rows, columns=["series", "pos", "tok", "value"])
    domain = tuple(label for label, _ in series)
    return VegaChart(_gap_spec(lang, "pos", "pe.shuf.token", domain, True, T > 40), data)


# --- lesson embed-scale ----------------------------------------------------------------------------------
@functools.cache
def _position_lines_spec(lang: str, y_key: str, domain: tuple[str, ...], colours: tuple[str, ...],
                         dashes: tuple[tuple[int, ...], ...], log: bool, unit: bool) -> dict:
    y_title = t(y_key, lang)
    x = alt.X("p:Q", title=t("pe.axis.position", lang), axis=alt.Axis(tickMinStep=1))
    scale = alt.Scale(type="log") if log else (alt.Scale(domain=[-0.05, 1.05]) if unit else alt.Scale(zero=False))
    y = alt.Y("v:Q", title=y_title, scale=scale, axis=alt.Axis(values=DECADES, format="~g") if log else alt.Axis(format="~g"))
    colour = alt.Color("series:N", scale=alt.Scale(domain=list(domain), range=list(colours)),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=2, labelLimit=320))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=list(domain), range=[list(d) for d in dashes]), legend=None)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("p:Q", title=t("pe.axis.position", lang)),
           alt.Tooltip("v:Q", title=y_title, format=".4g")]
    lines = alt.Chart().mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=tip)
    return vega_spec(configure(lines.properties(height=340)))


def position_lines(series: list[tuple[str, np.ndarray, str, bool]], lang: str, y_key: str, log: bool = False,
                   unit: bool = False) -> VegaChart:
    """Several per-position measures as lines: (label, values over the positions, colour, dashed). ``log``:
    a log y axis (norms that differ by orders of magnitude); ``unit``: a fixed axis from 0 to 1 (cosines)."""
    rows = [(label, p, float(v)) for label, values, _, _ in series for p, v in enumerate(np.asarray(values, float))]
    data = pd.DataFrame(rows, columns=["series", "p", "v"])
    domain = tuple(s[0] for s in series)
    colours = tuple(s[2] for s in series)
    dashes = tuple((6, 4) if s[3] else (1, 0) for s in series)
    return VegaChart(_position_lines_spec(lang, y_key, domain, colours, dashes, log, unit), data)


@functools.cache
def _sweep_spec(lang: str, domain: tuple[str, ...]) -> dict:
    x = alt.X("d:Q", title="d_model", scale=alt.Scale(type="log", base=2), axis=alt.Axis(values=[2, 8, 32, 128, 512, 2048]))
    y_title = t("emb.sweep.y", lang)
    y = alt.Y("ratio:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(values=DECADES, format="~g"))
    colour = alt.Color("series:N", scale=alt.Scale(domain=list(domain), range=[RAW, SCALED]),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", labelLimit=400))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("d:Q", title="d_model"),
           alt.Tooltip("ratio:Q", title=y_title, format=".4g"), alt.Tooltip("expected:Q", title=t("emb.sweep.expected", lang), format=".4g")]
    theory = alt.Chart().mark_line(strokeWidth=1.5, strokeDash=[6, 4]).encode(
        x=x, y=alt.Y("expected:Q", title=y_title, scale=alt.Scale(type="log")), color=colour, tooltip=tip)
    points = alt.Chart().mark_point(filled=True, size=70).encode(x=x, y=y, color=colour, tooltip=tip)
    one = alt.Chart().mark_rule(color=THEORY, strokeWidth=1).encode(y=alt.datum(1))
    chosen = alt.Chart().transform_filter("datum.chosen").mark_point(shape="circle", size=260, filled=False, color="black",
                                                                    strokeWidth=2).encode(x=x, y=y, tooltip=tip)
    return vega_spec(configure(alt.layer(one, theory, points, chosen).properties(height=320)))


def ratio_sweep(d: np.ndarray, plain: np.ndarray, scaled: np.ndarray, expected_plain: np.ndarray,
                expected_scaled: np.ndarray, chosen: int, lang: str) -> VegaChart:
    """|f e| / |PE| against d_model (log-log): measured points and the expected ratio as a dashed line,
    without the factor and with it; the learner's d_model circled; the grey line at 1 = equal norms."""
    domain = (t("emb.series.plain", lang), t("emb.series.scaled", lang))
    n = len(d)
    data = pd.DataFrame({"d": np.tile(np.asarray(d), 2), "ratio": np.concatenate([plain, scaled]).astype(float),
                         "expected": np.concatenate([expected_plain, expected_scaled]).astype(float),
                         "series": [domain[0]] * n + [domain[1]] * n, "chosen": np.tile(np.asarray(d) == chosen, 2)})
    return VegaChart(_sweep_spec(lang, domain), data)


@functools.cache
def _learned_spec(lang: str, domain: tuple[str, str], n: int) -> dict:
    x = alt.X("p:Q", title=t("pe.axis.position", lang), axis=alt.Axis(tickMinStep=1), scale=alt.Scale(domain=[0, n - 1], nice=False))
    y_title = t("emb.learned.y", lang)
    colour = alt.Color("series:N", scale=alt.Scale(domain=list(domain), range=[SCALED, RAW]),
                       legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=500))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("p:Q", title=t("pe.axis.position", lang)),
           alt.Tooltip("v:Q", title=y_title, format=".4f")]
    word = f"datum.series == {json.dumps(domain[1], ensure_ascii=False)}"
    band = alt.Chart().transform_filter(word).mark_area(color=RAW, opacity=0.22).encode(
        x=x, y=alt.Y("lo:Q", title=y_title, scale=alt.Scale(zero=True)), y2="hi:Q")
    lines = alt.Chart().mark_line(strokeWidth=2).encode(
        x=x, y=alt.Y("v:Q", title=y_title), color=colour,
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=list(domain), range=[[1, 0], [6, 4]]), legend=None),
        tooltip=tip)
    return vega_spec(configure(alt.layer(band, lines).properties(height=280)))


def learned_norms(position_norms: np.ndarray, word_quantiles: np.ndarray, lang: str) -> VegaChart:
    """A real encoder's position rows' norms over the positions (a blue line), and its word rows' norms:
    the median (orange, dashed) in a band from the 10th to the 90th percentile, on one axis."""
    pn = np.asarray(position_norms, dtype=float)
    n = len(pn)
    lo, med, hi = (float(v) for v in word_quantiles)
    domain = (t("emb.learned.pos", lang), t("emb.learned.word", lang))
    data = pd.DataFrame({"p": np.concatenate([np.arange(n), np.arange(n)]),
                         "v": np.concatenate([pn, np.full(n, med)]), "lo": np.concatenate([pn, np.full(n, lo)]),
                         "hi": np.concatenate([pn, np.full(n, hi)]), "series": [domain[0]] * n + [domain[1]] * n})
    return VegaChart(_learned_spec(lang, domain, n), data)


# --- lesson pe-adds (app_pages/lessons/pe_adds.py) -------------------------------------------------------
@functools.cache
def _recovery_spec(lang: str, domain: tuple[str, ...], colours: tuple[str, ...], dashes: tuple[tuple[int, ...], ...]) -> dict:
    x_title, y_title = t("pe.axis.position", lang), t("pea.acc.y", lang)
    x = alt.X("p:Q", title=x_title, axis=alt.Axis(tickMinStep=1))
    y = alt.Y("acc:Q", title=y_title, scale=alt.Scale(domain=[-0.03, 1.03], nice=False), axis=alt.Axis(format=".0%"))
    colour = alt.Color("series:N", scale=alt.Scale(domain=list(domain), range=list(colours)),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=2, labelLimit=320))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=list(domain), range=[list(d) for d in dashes]), legend=None)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("p:Q", title=x_title), alt.Tooltip("acc:Q", title=y_title, format=".1%"),
           alt.Tooltip("hits:N", title=t("pea.acc.hits", lang))]
    lines = alt.Chart().mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=tip)
    points = alt.Chart().mark_point(filled=True, size=60).encode(x=x, y=y, color=colour, tooltip=tip)
    return vega_spec(configure(alt.layer(lines, points).properties(height=280)))


def recovery_lines(positions: np.ndarray, series: list[tuple[str, np.ndarray, str, bool]], sample: int, lang: str) -> VegaChart:
    """The share of sampled tokens whose nearest row is their own, at each position tried: (label, shares
    over the positions, colour, dashed) per reading; a tooltip gives the count out of ``sample``."""
    pos = np.asarray(positions, dtype=np.int64)
    rows = [(label, int(p), float(a), f"{round(float(a) * sample)} / {sample}")
            for label, acc, _, _ in series for p, a in zip(pos, np.asarray(acc, float))]
    domain = tuple(s[0] for s in series)
    return VegaChart(_recovery_spec(lang, domain, tuple(s[2] for s in series), tuple((6, 4) if s[3] else (1, 0) for s in series)),
                     pd.DataFrame(rows, columns=["series", "p", "acc", "hits"]))


@functools.cache
def _spread_spec(lang: str, domain: tuple[str, ...]) -> dict:
    x = alt.X("d:Q", title=t("pea.ortho.x", lang), scale=alt.Scale(type="log", base=2), axis=alt.Axis(values=[2, 8, 32, 128, 512, 2048]))
    y_title = t("pea.ortho.y", lang)
    y = alt.Y("v:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(format="~g"))
    colour = alt.Color("series:N", scale=alt.Scale(domain=list(domain), range=[SCALED, RAW, PALETTE[2], PALETTE[3]]),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=2, labelLimit=400))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("d:Q", title="d"), alt.Tooltip("v:Q", title=y_title, format=".4g")]
    theory = alt.Chart().transform_filter("datum.line").mark_line(strokeWidth=1.5, strokeDash=[6, 4], color=THEORY).encode(
        x=x, y=y, tooltip=tip)
    points = alt.Chart().transform_filter("!datum.line").mark_point(filled=True, size=80).encode(x=x, y=y, color=colour, tooltip=tip)
    return vega_spec(configure(alt.layer(theory, points).properties(height=300)))


def cosine_spread(d: np.ndarray, rms: np.ndarray, theory: np.ndarray, max_abs: np.ndarray,
                  table: list[tuple[str, int, float]], lang: str) -> VegaChart:
    """The cosines of random directions against the width d (log-log): their root mean square (points) on
    1/sqrt(d) (the dashed grey line), the largest |cos| of all pairs, and the real table's rows (label, d,
    root mean square) as points of their own."""
    labels = (t("pea.ortho.rms", lang), t("pea.ortho.max", lang))
    rows = [(labels[0], int(k), float(v), False) for k, v in zip(d, rms)]
    rows += [(labels[1], int(k), float(v), False) for k, v in zip(d, max_abs)]
    rows += [(t("pea.ortho.theory", lang), int(k), float(v), True) for k, v in zip(d, theory)]
    rows += [(label, int(k), float(v), False) for label, k, v in table]
    domain = (*labels, *(label for label, _, _ in table))
    return VegaChart(_spread_spec(lang, domain), pd.DataFrame(rows, columns=["series", "d", "v", "line"]))


@functools.cache
def _components_spec(lang: str) -> dict:
    x = alt.X("p:Q", title=t("pe.axis.position", lang), axis=alt.Axis(tickMinStep=1))
    y_title = t("pea.pc.y", lang)
    colour = alt.Color("series:N", sort=alt.EncodingSortField("rank"), scale=alt.Scale(range=list(PALETTE[:4])),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=2, labelLimit=300))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("p:Q", title=t("pe.axis.position", lang)),
           alt.Tooltip("v:Q", title=y_title, format=".4f")]
    lines = alt.Chart().mark_line(strokeWidth=1.8).encode(x=x, y=alt.Y("v:Q", title=y_title), color=colour, detail="rank:O", tooltip=tip)
    # fit-x: the plot keeps its 300 px and the two-row legend goes above it (it had squeezed the plot to
    # ~90 px in presenter mode, whose fonts are larger)
    return vega_spec(configure(lines.properties(height=300), fit_x=True))


def component_curves(curves: np.ndarray, explained: np.ndarray, lang: str) -> VegaChart:
    """A learned position table's leading principal components: each one's coordinate at every position
    (a line per component, its share of the variance in the legend)."""
    curves = np.asarray(curves, dtype=float)
    m, n = curves.shape
    labels = [t("pea.pc.label", lang, i=i + 1, share=f"{float(explained[i]):.1%}") for i in range(m)]
    data = pd.DataFrame({"p": np.tile(np.arange(n), m), "v": curves.reshape(-1),
                         "series": np.repeat(labels, n), "rank": np.repeat(np.arange(m), n)})
    return VegaChart(_components_spec(lang), data)
