"""Chart builders shared by every topic page, and the machinery under all of them.

A chart here is a Vega-Lite spec authored with Altair plus the DataFrame it draws
(``VegaChart``). The spec holds no live value: it is built once per language and shape and
cached, and only the data changes when a slider moves. Streamlit then sends a few kB of Arrow
data, the browser updates the existing Vega view in place instead of rebuilding the chart, and
the server skips Altair's schema work (tens of ms per layered chart) on every rerun. Live numbers
go in the data, the tooltips and the caption under the chart.

Colours: one colour per meaning across the app (unscaled = orange, scaled = blue, theory = grey),
from a colour-blind-safe palette (Okabe–Ito), with line widths and fonts sized for a projector.
Any label that could carry user text is data drawn as text by Vega, never markup.

Each topic page has its own module beside this one (``ui/charts/<page>.py``) for the charts only
its lessons draw; a builder two pages need moves here.
"""
from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from ui.i18n import t

RAW = "#E69F00"  # Okabe–Ito orange
SCALED = "#0072B2"  # Okabe–Ito blue
THEORY = "#6b6b6b"
# Okabe–Ito, for several runs on one chart (orange, blue, bluish green, vermillion, reddish purple, sky blue, yellow, black)
PALETTE = ("#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
CHOSEN = "#000000"
ZERO_FILL = "#ffffff"  # a map's cell that is exactly 0 or masked: white (zero_cells) ...
ZERO_STROKE = "#8c8c8c"  # ... with a grey border
MIN_FONT = 12  # px: the smallest text in any chart (readable from the back of a room)
DARK_TEXT = "datum.rel > 0.55 || datum.value === 0"  # a grid's number in black (on a light or white cell), else white
# Log axes with one tick per decade: the data carries log10 of the value ("log10"), a linear axis
# with integer ticks draws it, and the label shows the value itself (short from 1e-9 to 1e9).
DECADE_LABEL = ("pow(10, datum.value) >= 1e4 || pow(10, datum.value) < 1e-3 ? "
                "format(pow(10, datum.value), '.0e') : format(pow(10, datum.value), '~g')")


DECADES = [10.0 ** k for k in range(-6, 7)]  # log axes: one tick and grid line per decade (Vega's default adds 2..9)


@dataclass(frozen=True)
class VegaChart:
    """A Vega-Lite spec and the data it draws (``st.vega_lite_chart(chart.data, chart.spec)``).

    ``spec`` is shared between reruns and sessions (cached): never mutate it."""

    spec: dict
    data: pd.DataFrame


# The house config (fonts for a projector): merged into the spec's dict by vega_spec, not with Altair's
# configure_* methods, each of which deep-copies the whole chart (~0.2 s of a lesson's run went there).
CONFIG = {
    "axis": {"labelFontSize": 13, "titleFontSize": 14},
    "legend": {"labelFontSize": 13, "titleFontSize": 13, "labelLimit": 400, "symbolStrokeWidth": 3},
    "title": {"fontSize": 16, "subtitleFontSize": 13, "anchor": "start"},
    "header": {"labelFontSize": 13, "titleFontSize": 14},
    "text": {"fontSize": MIN_FONT},
}


@dataclass(frozen=True)
class Configured:
    """An Altair chart to be given the house config (:func:`configure`) when :func:`vega_spec` turns it
    into a dict."""

    chart: alt.TopLevelMixin
    fit_x: bool = False  # see configure


def vega_spec(chart: alt.TopLevelMixin | Configured) -> dict:
    """The Vega-Lite dict of an Altair chart authored without data (its layers read the data
    passed beside the spec), with the house config if it went through :func:`configure`.

    Altair does not validate the spec against the Vega-Lite schema here (that took ~0.3 s of a
    lesson's run, every run): tests/ui/test_chart_conventions.py validates every builder's spec."""
    config, fit_x = None, False
    if isinstance(chart, Configured):
        chart, config, fit_x = chart.chart, CONFIG, chart.fit_x
    spec = chart.to_dict(validate=False)
    if fit_x:
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    spec.pop("datasets", None)
    for part in [spec, *spec.get("layer", [])]:
        if part.get("data") == {"name": "empty"}:
            del part["data"]
    if config:
        merged = spec.setdefault("config", {})
        for group, values in config.items():
            merged[group] = {**merged.get(group, {}), **values}
    return spec


def configure(chart: alt.TopLevelMixin, fit_x: bool = False) -> Configured:
    """Fonts for a projector: no text in a chart under ``MIN_FONT`` px (Vega's defaults are 10-11 px).
    Set (:data:`CONFIG`) for axes, legends, titles, facet headers and text marks; a builder that sets a
    size of its own keeps it at ``MIN_FONT`` or more (tests/ui/test_chart_conventions.py walks every spec).

    ``fit_x``: the chart fills its column's width and its height is the plot's, its title and legend
    added above (Vega-Lite's "fit-x"). Streamlit's default for a stretched chart, "fit", squeezes title,
    legend and axes into the height instead: a chart with a title and a legend of two rows kept a
    140-px plot of its 330 px."""
    return Configured(chart, fit_x)


def zero_cells(x: alt.X, y: alt.Y, tooltip: list, field: str, lang: str, masked: str | None = None,
               base: alt.Chart | None = None) -> alt.Chart:
    """The one convention of every map: a cell whose ``field`` is exactly 0 is white with a grey border,
    with a legend entry, "exactly 0" or, where the Vega expression ``masked`` is true, "masked". A layer
    filtered on the exact value, drawn over the coloured cells (a continuous colour scale cannot single
    0 out: Vega's "blues" draws it light blue, "viridis" dark purple). The entries come from the data: a
    map with no such cell has none. ``base``: a chart carrying filters of its own (default: a bare one).
    Text drawn over these cells must be dark."""
    zero = json.dumps(t("heat.zero", lang), ensure_ascii=False)
    kind = zero if masked is None else f"({masked}) ? {json.dumps(t('heat.masked', lang), ensure_ascii=False)} : {zero}"
    return ((base if base is not None else alt.Chart())
            .transform_filter(f"datum[{json.dumps(field)}] === 0")
            .transform_calculate(zero_kind=kind)
            .mark_rect(fill=ZERO_FILL, stroke=ZERO_STROKE, strokeWidth=1)
            .encode(x=x, y=y, tooltip=tooltip,
                    fill=alt.Fill("zero_kind:N", scale=alt.Scale(range=[ZERO_FILL]),
                                  legend=alt.Legend(title=None, orient="bottom", symbolType="square", symbolSize=180,
                                                    symbolStrokeColor=ZERO_STROKE, symbolStrokeWidth=1))))


# --- token heatmaps as Vega-Lite (a cached spec; only the data changes when the sentence does) -----
def pos_label(i: int, piece: str) -> str:
    """A unique, sortable category per position ("007|the"): repeated tokens stay apart; the axis
    shows only the token (LABEL_EXPR drops the 4-character prefix)."""
    return f"{i:03d}|{piece}"


TOKEN_LABEL_EXPR = "substring(datum.label, 4)"
MAX_TICKS = 40  # beyond this many tokens, let Vega drop axis labels that would overlap
FLAT_TOKENS = 32  # up to this many tokens of labels at most 2 columns wide: horizontal labels (flat_labels)


def flat_labels(pieces: Sequence[str]) -> bool:
    """Whether token labels read horizontally under their columns: at most FLAT_TOKENS tokens,
    each label at most two columns of text wide (one Chinese character, two Latin letters, the "·"
    of a piece that continues a character). Else they are turned to read upwards.

    >>> flat_labels(("从", "·", "前", "，")), flat_labels(("Once", "␣upon")), flat_labels(("a",) * 33)
    (True, False, False)
    """
    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    return len(pieces) <= FLAT_TOKENS and all(width(p) <= 2 for p in pieces)


@functools.cache
def _token_heatmap_spec(lang: str, title_key: str | None, dense: bool, signed: bool = True, masked: bool = False) -> dict:
    """``dense``: too many tokens to label each one, so Vega drops labels that would overlap.
    ``signed``: scores on a diverging scale; else weights (>= 0) on a sequential one.
    ``masked``: the data marks cells whose key is masked (their white cells read "masked", not "exactly 0")."""
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
    zeros = zero_cells(x, y, tip, "score", lang, masked="datum.masked" if masked else None)
    chart = alt.layer(cells, zeros, maxima).properties(height=600)
    if title_key is not None:
        chart = chart.properties(title=t(title_key, lang))
    return vega_spec(configure(chart))


def token_heatmap(scores: np.ndarray, pieces: tuple[str, ...], lang: str, title_key: str | None,
                  scale: float | None = None, signed: bool = True, masked_keys: np.ndarray | None = None) -> VegaChart:
    """A (T, T) score matrix: query tokens down, key tokens across, each row's largest score circled.
    Colour is score / ``scale`` on a fixed diverging scale from -1 to 1 (pass the same ``scale`` to
    two heatmaps to compare them; a cell beyond it is drawn at the end colour); the tooltip shows
    the score itself. ``signed=False`` is for
    attention weights: a sequential scale from 0 to ``scale``. ``masked_keys``: (T,) bool, True where
    a key is masked out (padding): a zero weight there is labelled "masked"."""
    T = len(pieces)
    scale = float(np.abs(scores).max()) if scale is None else float(scale)
    labels = [pos_label(i, p) for i, p in enumerate(pieces)]
    qi, ki = np.divmod(np.arange(T * T), T)
    flat = np.asarray(scores, dtype=float).reshape(-1)
    is_max = np.zeros((T, T), dtype=bool)
    is_max[np.arange(T), np.asarray(scores).argmax(axis=1)] = True
    data = pd.DataFrame({
        "q": [labels[i] for i in qi], "k": [labels[j] for j in ki],
        "qtok": [pieces[i] for i in qi], "ktok": [pieces[j] for j in ki],
        "score": flat, "rel": np.clip(flat / scale, -1.0, 1.0) if scale > 0 else flat * 0.0, "is_max": is_max.reshape(-1),
    })
    if masked_keys is not None:
        data["masked"] = np.asarray(masked_keys, dtype=bool)[ki]
    return VegaChart(_token_heatmap_spec(lang, title_key, T > MAX_TICKS, signed, masked_keys is not None), data)


# --- multi-head -------------------------------------------------------------------------------------
@functools.cache
def head_grid_spec(lang: str, measure: str, x_title_key: str, y_title_key: str, cols: int) -> dict:
    """A small grid of cells (layer x head, or head x head) coloured by a value in [0, 1], the
    value written in each cell (12 px), the chosen cells framed; the colour bar under the grid, as wide
    as its ``cols`` columns (a grid of 12 heads fits half of a 1366 px page). No title: the page puts
    one above it."""
    title = t(f"mh.{measure}.scale", lang)
    x = alt.X("x:O", title=t(x_title_key, lang), axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("y:O", title=t(y_title_key, lang))
    tip = [alt.Tooltip("x:O", title=t(x_title_key, lang)), alt.Tooltip("y:O", title=t(y_title_key, lang)),
           alt.Tooltip("value:Q", title=title, format=".3f")]
    cells = alt.Chart().mark_rect(stroke="white", strokeWidth=1).encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("rel:Q", title=None, scale=alt.Scale(scheme="viridis", domain=[0, 1]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=max(120, cols * 31 - 40),
                                          gradientThickness=12, format=".1f")),
    )
    text = alt.Chart().mark_text(fontSize=MIN_FONT).encode(
        x=x, y=y, text=alt.Text("value:Q", format=".2f"), tooltip=tip,
        color=alt.condition(DARK_TEXT, alt.value("black"), alt.value("white")),
    )
    chosen = alt.Chart().transform_filter(alt.datum.chosen).mark_rect(
        fill=None, stroke=RAW, strokeWidth=3).encode(x=x, y=y, tooltip=tip)
    chart = alt.layer(cells, zero_cells(x, y, tip, "value", lang), text, chosen).properties(
        width=alt.Step(31), height=alt.Step(26))
    return vega_spec(configure(chart))


def grid_data(values: np.ndarray, rel: np.ndarray, chosen: np.ndarray) -> pd.DataFrame:
    rows, cols = values.shape
    y, x = np.divmod(np.arange(rows * cols), cols)
    return pd.DataFrame({"x": x, "y": y, "value": values.reshape(-1).astype(float),
                         "rel": rel.reshape(-1).astype(float), "chosen": chosen.reshape(-1)})



def head_values(values: np.ndarray, chosen: tuple[int, int], lang: str, measure: str) -> VegaChart:
    """(L, H) values in [0, 1] per layer and head (e.g. the weight real tokens put on padding)."""
    mask = np.zeros(values.shape, dtype=bool)
    mask[chosen] = True
    return VegaChart(head_grid_spec(lang, measure, "mh.head", "mh.layer", values.shape[1]),
                     grid_data(values, np.clip(values, 0.0, 1.0), mask))



def token_axes(lang: str, dense: bool, flat: bool = False) -> tuple[alt.X, alt.Y]:
    """Keys across, queries down, labelled with the tokens (data, never markup), in position order;
    ``flat``: the key labels horizontal (:func:`flat_labels`), else turned."""
    overlap = "greedy" if dense else False
    x = alt.X("k:O", title=t("heat.keys", lang), sort="ascending",
              axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelAngle=0 if flat else -90, labelOverlap=overlap,
                            labelFontSize=12, labelLimit=90))
    y = alt.Y("q:O", title=t("heat.queries", lang), sort="ascending",
              axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelOverlap=overlap, labelFontSize=12, labelLimit=90))
    return x, y


def map_height(dense: bool, step: int):
    """A token map's height: ``step`` pixels a row (every label readable), a fixed 760 when dense."""
    return 760 if dense else alt.Step(step)


def token_cells(T: int, pieces: tuple[str, ...]) -> dict:
    labels = [pos_label(i, p) for i, p in enumerate(pieces)]
    qi, ki = np.divmod(np.arange(T * T), T)
    return {"q": [labels[i] for i in qi], "k": [labels[j] for j in ki], "qtok": [pieces[i] for i in qi],
            "ktok": [pieces[j] for j in ki], "qi": qi, "ki": ki}


@functools.cache
def _layer_head_spec(lang: str, title_key: str, rows: int) -> dict:
    """(L, H) fractions: heads across, layers down, the value written in each cell as a percentage,
    the chosen cell framed. Rows of 17 px for a deep model (SmolLM2's 30 layers), taller for a
    shallow one (the tiny GPT's 4), and a colour bar as long as the grid (at least 110 px)."""
    step = max(17, min(34, 300 // rows))
    value_title = t(title_key, lang)
    x = alt.X("x:O", title=t("causal.head", lang), axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("y:O", title=t("causal.layer", lang), axis=alt.Axis(labelOverlap=False, labelFontSize=MIN_FONT))
    tip = [alt.Tooltip("y:O", title=t("causal.layer", lang)), alt.Tooltip("x:O", title=t("causal.head", lang)),
           alt.Tooltip("value:Q", title=value_title, format=".2%")]
    cells = alt.Chart().mark_rect(stroke="white", strokeWidth=1).encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("rel:Q", title=value_title, scale=alt.Scale(scheme="viridis", domain=[0, 1]),
                        legend=alt.Legend(orient="right", direction="vertical",
                                          gradientLength=max(110, min(300, rows * step - 12)),
                                          gradientThickness=12, format=".0%", titleLimit=300, titleOrient="left")))
    text = alt.Chart().mark_text(fontSize=MIN_FONT).encode(
        x=x, y=y, text=alt.Text("value:Q", format=".0%"), tooltip=tip,
        color=alt.condition(DARK_TEXT, alt.value("black"), alt.value("white")))
    chosen = alt.Chart().transform_filter(alt.datum.chosen).mark_rect(
        fill=None, stroke=RAW, strokeWidth=3).encode(x=x, y=y, tooltip=tip)
    chart = alt.layer(cells, zero_cells(x, y, tip, "value", lang), text, chosen)
    return vega_spec(configure(chart.properties(width=alt.Step(40), height=alt.Step(step))))


def layer_head_values(values: np.ndarray, chosen: tuple[int, int], lang: str, title_key: str) -> VegaChart:
    """(L, H) fractions in [0, 1] per layer and head (e.g. the weight a head would put on later tokens
    without the causal mask); the chosen (layer, head) framed."""
    mask = np.zeros(values.shape, dtype=bool)
    mask[chosen] = True
    return VegaChart(_layer_head_spec(lang, title_key, values.shape[0]),
                     grid_data(values, np.clip(values, 0.0, 1.0), mask))




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
    return vega_spec(configure(lines.properties(height=280)))


def per_token_lines(series: list[tuple[str, np.ndarray]], pieces: tuple[str, ...], lang: str, y_key: str,
                    colours: tuple[str, ...], y_min: float | None = None) -> VegaChart:
    """Several per-token measures as lines over the sentence's tokens (x axis = tokens, escaped
    as data). ``y_min``: a fixed y axis from y_min to 1 (cosines); else fitted to the data."""
    T = len(pieces)
    pos = [pos_label(i, p) for i, p in enumerate(pieces)]
    data = pd.DataFrame({
        "pos": pos * len(series), "tok": list(pieces) * len(series),
        "series": [label for label, _ in series for _ in range(T)],
        "value": np.concatenate([np.asarray(v, dtype=float) for _, v in series]),
    })
    domain = tuple(label for label, _ in series)
    return VegaChart(_per_token_spec(lang, y_key, domain, colours, T > MAX_TICKS, y_min), data)




# --- training curves (pages norms and layers: live runs of tf_core.live_training) ----------------
@functools.cache
def _loss_curves_spec(lang: str, y_key: str, domain: tuple[str, ...], colours: tuple[str, ...], log: bool,
                      height: int) -> dict:
    y_title = t(y_key, lang)
    tip = [alt.Tooltip("run:N", title=" "), alt.Tooltip("step:Q", title=t("train.step", lang)),
           alt.Tooltip("value:Q", title=y_title, format=".4g")]
    colour = alt.Color("run:N", scale=alt.Scale(domain=list(domain), range=list(colours)),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", labelLimit=400, columns=2))
    scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    y = alt.Y("value:Q", title=y_title, scale=scale, axis=alt.Axis(values=DECADES) if log else alt.Axis())
    x = alt.X("step:Q", title=t("train.step", lang), axis=alt.Axis(tickMinStep=1))
    lines = alt.Chart().transform_filter("isValid(datum.value) && isFinite(datum.value)").mark_line(strokeWidth=2.5).encode(
        x=x, y=y, color=colour, tooltip=tip)
    # a diverged run ends in a cross at its last finite step, labelled in the tooltip
    ends = alt.Chart().transform_filter("datum.diverged").mark_point(shape="cross", size=260, filled=True, strokeWidth=1).encode(
        x=x, y=y, color=alt.Color("run:N", scale=alt.Scale(domain=list(domain), range=list(colours)), legend=None),
        tooltip=[alt.Tooltip("run:N", title=" "), alt.Tooltip("note:N", title=" ")])
    return vega_spec(configure(alt.layer(lines, ends).properties(height=height)))


def loss_curves(series: Sequence[tuple[str, np.ndarray, int | None]], lang: str, y_key: str = "train.loss",
                colours: Sequence[str] = PALETTE, log: bool = True, height: int = 260) -> VegaChart:
    """One line per training run: (label, per-step values, the step it diverged at or None). Values
    that are not finite are left out of the line; a diverged run ends in a cross at its last finite
    step (its tooltip says so). ``log``: a log y axis (a loss falling from ~4 to ~0.01)."""
    rows = []
    for label, values, diverged_at in series:
        values = np.asarray(values, dtype=float)
        finite = np.flatnonzero(np.isfinite(values) & (values > 0 if log else True))
        last = int(finite[-1]) if len(finite) else None
        for step in finite:
            rows.append((label, int(step), float(values[step]), diverged_at is not None and step == last, ""))
        if diverged_at is not None and last is not None:
            rows[-1] = (label, last, float(values[last]), True, t("train.diverged_at", lang, step=diverged_at))
    data = pd.DataFrame(rows, columns=["run", "step", "value", "diverged", "note"])
    domain = tuple(label for label, _, _ in series)
    return VegaChart(_loss_curves_spec(lang, y_key, domain, tuple(colours[:len(domain)]), log, height), data)
