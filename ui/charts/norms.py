"""Charts of app_pages/norms.py: lessons ln-vs-bn, batchnorm, residual."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import VegaChart, configure, vega_spec
from ui.i18n import t
from ui.charts.shared import PALETTE, RAW, SCALED, THEORY  # lessons batchnorm, residual
from ui.charts.shared import DECADES  # lesson ln-vs-bn


# --- lesson ln-vs-bn ----------------------------------------------------------------------------------
LNBN_HEIGHT = 250
# One colour per normaliser across the lesson: BatchNorm counting the padding orange, BatchNorm with the
# padding left out vermillion (dashed), LayerNorm blue; Pre-LN blue, Post-LN orange.
LNBN_COLOURS = (RAW, PALETTE[3], SCALED)
LNBN_DASHES = ((1, 0), (6, 4), (1, 0))


@functools.cache
def _lnbn_change_spec(lang: str, x_key: str, domain: tuple[str, ...]) -> dict:
    x_title, y_title = t(x_key, lang), t("lnbn.change.y", lang)
    x = alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False, nice=False), axis=alt.Axis(format="d", tickMinStep=1))
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=True))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("x:Q", title=x_title),
           alt.Tooltip("value:Q", title=y_title, format=".3g"), alt.Tooltip("pad:N", title=t("lnbn.change.pad", lang))]
    colour = alt.Color("series:N", scale=alt.Scale(domain=list(domain), range=list(LNBN_COLOURS)),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=1, labelLimit=400,
                                         symbolType="stroke", symbolSize=400))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=list(domain), range=[list(d) for d in LNBN_DASHES]),
                          legend=None)
    base = alt.Chart().transform_filter("isValid(datum.value) && isFinite(datum.value)")
    lines = base.mark_line(strokeWidth=3).encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=tip)
    points = base.transform_filter("datum.dot").mark_point(filled=True, size=70, opacity=1).encode(
        x=x, y=y, color=colour, tooltip=tip)
    return vega_spec(configure(alt.layer(lines, points).properties(height=LNBN_HEIGHT)))


def lnbn_change(x: np.ndarray, counted: np.ndarray, masked: np.ndarray, layer_norm: np.ndarray,
                pad_fraction: np.ndarray, lang: str, x_key: str = "lnbn.change.x_batch") -> VegaChart:
    """How far each normaliser's output for the batch's real tokens lies from each sentence normalised
    alone (mean |change|), against the batch size (``x_key`` "lnbn.change.x_batch") or the pad tokens
    added (``"lnbn.change.x_pad"``): BatchNorm counting the padding, BatchNorm leaving it out, LayerNorm.
    Points mark each batch size (a sweep over many paddings draws lines only)."""
    series = [(t("lnbn.series.bn_counted", lang), counted), (t("lnbn.series.bn_masked", lang), masked),
              (t("lnbn.series.ln", lang), layer_norm)]
    n = len(x)
    data = pd.DataFrame({
        "x": np.tile(np.asarray(x, dtype=float), len(series)),
        "value": np.concatenate([np.asarray(v, dtype=float) for _, v in series]),
        "series": [label for label, _ in series for _ in range(n)],
        "pad": [f"{100 * p:.0f}%" for _ in series for p in pad_fraction],
        "dot": n <= 16,
    })
    return VegaChart(_lnbn_change_spec(lang, x_key, tuple(label for label, _ in series)), data)


@functools.cache
def _lnbn_means_spec(lang: str) -> dict:
    x_title, y_title = t("lnbn.means.x", lang), t("lnbn.means.y", lang)
    tip = [alt.Tooltip("feature:Q", title=t("lnbn.means.feature", lang)),
           alt.Tooltip("real:Q", title=x_title, format=".4g"), alt.Tooltip("counted:Q", title=y_title, format=".4g")]
    points = alt.Chart().transform_filter("datum.kind === 'feature'").mark_circle(size=40, opacity=0.7, color=RAW).encode(
        x=alt.X("real:Q", title=x_title, scale=alt.Scale(zero=False)),
        y=alt.Y("counted:Q", title=y_title, scale=alt.Scale(zero=False)), tooltip=tip)
    diagonal = alt.Chart().transform_filter("datum.kind === 'diagonal'").mark_line(
        color=THEORY, strokeDash=[6, 4], strokeWidth=2).encode(x="real:Q", y="counted:Q")
    return vega_spec(configure(alt.layer(diagonal, points).properties(height=LNBN_HEIGHT)))


def lnbn_means(mean_real: np.ndarray, mean_counted: np.ndarray, lang: str) -> VegaChart:
    """One dot per feature: BatchNorm's mean over the real tokens (x) and with the padding counted (y);
    the dashed diagonal is "padding changed nothing"."""
    real, counted = np.asarray(mean_real, dtype=float), np.asarray(mean_counted, dtype=float)
    lo, hi = float(min(real.min(), counted.min())), float(max(real.max(), counted.max()))
    data = pd.DataFrame({"feature": np.concatenate([np.arange(len(real)), [-1, -1]]),
                         "real": np.concatenate([real, [lo, hi]]), "counted": np.concatenate([counted, [lo, hi]]),
                         "kind": ["feature"] * len(real) + ["diagonal"] * 2})
    return VegaChart(_lnbn_means_spec(lang), data)


@functools.cache
def _lnbn_grads_spec(lang: str, domain: tuple[str, ...]) -> dict:
    x_title, y_title = t("lnbn.grads.x", lang), t("lnbn.grads.y", lang)
    x = alt.X("block:Q", title=x_title, scale=alt.Scale(zero=False, nice=False), axis=alt.Axis(format="d", tickMinStep=1))
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=True))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("block:Q", title=x_title),
           alt.Tooltip("value:Q", title=y_title, format=".3g")]
    colour = alt.Color("series:N", scale=alt.Scale(domain=list(domain), range=[SCALED, RAW]),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", labelLimit=400))
    lines = alt.Chart().mark_line(strokeWidth=3).encode(x=x, y=y, color=colour, tooltip=tip)
    points = alt.Chart().mark_point(filled=True, size=80, opacity=1).encode(x=x, y=y, color=colour, tooltip=tip)
    return vega_spec(configure(alt.layer(lines, points).properties(title=t("lnbn.grads.title", lang),
                                                                   height=LNBN_HEIGHT)))


def lnbn_grads(grad_pre: np.ndarray, grad_post: np.ndarray, lang: str) -> VegaChart:
    """Each block's gradient norm at initialisation, block 1 (next to the embeddings) first: Pre-LN, Post-LN."""
    series = [(t("lnbn.run.pre_only", lang), grad_pre), (t("lnbn.run.post_only", lang), grad_post)]
    n = len(grad_pre)
    data = pd.DataFrame({"block": np.tile(np.arange(1, n + 1), 2),
                         "value": np.concatenate([np.asarray(v, dtype=float) for _, v in series]),
                         "series": [label for label, _ in series for _ in range(n)]})
    return VegaChart(_lnbn_grads_spec(lang, tuple(label for label, _ in series)), data)


LNBN_RUN_COLOURS = (SCALED, PALETTE[5], RAW, PALETTE[3])  # Pre-LN blues, Post-LN oranges
LNBN_RUN_DASHES = ((1, 0), (6, 4), (1, 0), (6, 4))  # warm-up runs dashed


@functools.cache
def _lnbn_curves_spec(lang: str, domain: tuple[str, ...]) -> dict:
    y_title, x_title = t("train.loss", lang), t("train.step", lang)
    tip = [alt.Tooltip("run:N", title=" "), alt.Tooltip("step:Q", title=x_title),
           alt.Tooltip("value:Q", title=y_title, format=".4g")]
    scale = alt.Scale(domain=list(domain), range=list(LNBN_RUN_COLOURS[:len(domain)]))
    colour = alt.Color("run:N", scale=scale, legend=alt.Legend(title=None, orient="top", direction="horizontal",
                                                               columns=2, labelLimit=400, symbolType="stroke",
                                                               symbolSize=400))
    dash = alt.StrokeDash("run:N", scale=alt.Scale(domain=list(domain), range=[list(d) for d in LNBN_RUN_DASHES]),
                          legend=None)
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(values=DECADES))
    x = alt.X("step:Q", title=x_title, axis=alt.Axis(tickMinStep=1))
    lines = alt.Chart().transform_filter("datum.kind === 'loss'").mark_line(strokeWidth=2.5).encode(
        x=x, y=y, color=colour, strokeDash=dash, tooltip=tip)
    plateau = alt.Chart().transform_filter("datum.kind === 'plateau'").mark_rule(
        color=THEORY, strokeDash=[2, 3], strokeWidth=2).encode(
        y="value:Q", tooltip=[alt.Tooltip("note:N", title=" "), alt.Tooltip("value:Q", title=y_title, format=".3g")])
    ends = alt.Chart().transform_filter("datum.kind === 'end'").mark_point(
        shape="cross", size=300, filled=True, strokeWidth=1).encode(
        x=x, y=y, color=alt.Color("run:N", scale=scale, legend=None),
        tooltip=[alt.Tooltip("run:N", title=" "), alt.Tooltip("note:N", title=" ")])
    return vega_spec(configure(alt.layer(plateau, lines, ends).properties(height=LNBN_HEIGHT + 30)))


def lnbn_curves(series: list[tuple[str, np.ndarray, str | None]], plateau: float, lang: str) -> VegaChart:
    """The four runs' losses per step on a log axis, the plateau (the character entropy) as a dotted
    rule, and a cross at the last finite step of each run that diverged, its tooltip the ``note``
    (None: not diverged). ``series``: (label, per-step loss, note)."""
    rows = []
    for label, values, note in series:
        values = np.asarray(values, dtype=float)
        finite = np.flatnonzero(np.isfinite(values) & (values > 0))
        rows += [("loss", label, int(s), float(values[s]), "") for s in finite]
        if note is not None and len(finite):
            rows.append(("end", label, int(finite[-1]), float(values[finite[-1]]), note))
    rows.append(("plateau", "", 0, float(plateau), t("lnbn.curves.plateau", lang, v=f"{plateau:.2f}")))
    data = pd.DataFrame(rows, columns=["kind", "run", "step", "value", "note"])
    return VegaChart(_lnbn_curves_spec(lang, tuple(label for label, _, _ in series)), data)
# --- end of lesson ln-vs-bn ---

# --- lesson batchnorm ---------------------------------------------------------------------------------
BN_HEIGHT = 300


@functools.cache
def _norms_lines_spec(lang: str, title_key: str, x_key: str, y_key: str, domain: tuple[str, ...],
                      colours: tuple[str, ...], dashes: tuple[tuple[int, ...], ...], log: bool, x_log2: bool,
                      height: int) -> dict:
    """Lines with points, one per series (long rows x, value, series); a log y axis with one tick per
    decade when ``log`` (values that are not positive are left out), a base-2 log x axis when ``x_log2``."""
    y_title, x_title = t(y_key, lang), t(x_key, lang)
    if log:  # Vega's own log ticks: a decade apart over a wide range, 2..9 between them over a narrow one
        y = alt.Y("value:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(format="~g", tickCount=6))
    else:
        y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=True))
    x_scale = alt.Scale(type="log", base=2, nice=False) if x_log2 else alt.Scale(zero=False, nice=False)
    x = alt.X("x:Q", title=x_title, scale=x_scale, axis=alt.Axis(format="d", tickMinStep=1))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("x:Q", title=x_title),
           alt.Tooltip("value:Q", title=y_title, format=".4g")]
    colour = alt.Color("series:N", scale=alt.Scale(domain=list(domain), range=list(colours)),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal", columns=2, labelLimit=400,
                                         symbolType="stroke", symbolSize=400))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=list(domain), range=[list(d) for d in dashes]), legend=None)
    base = alt.Chart().transform_filter("isValid(datum.value) && isFinite(datum.value)"
                                        + (" && datum.value > 0" if log else ""))
    lines = base.mark_line(strokeWidth=3).encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=tip)
    points = base.mark_point(filled=True, size=70, opacity=1).encode(x=x, y=y, color=colour, tooltip=tip)
    title = alt.TitleParams(t(title_key, lang)) if title_key else alt.Undefined
    return vega_spec(configure(alt.layer(lines, points).properties(title=title, height=height)))


def _long_rows(x: np.ndarray, series: list[tuple[str, np.ndarray]]) -> pd.DataFrame:
    value = np.concatenate([np.asarray(v, dtype=float) for _, v in series])
    return pd.DataFrame({"x": np.tile(np.asarray(x, dtype=float), len(series)), "value": value,
                         "series": [label for label, v in series for _ in range(len(v))]})


def bn_noise(batches: np.ndarray, mean: np.ndarray, std: np.ndarray, token: np.ndarray, theory: np.ndarray,
             lang: str) -> VegaChart:
    """The spread of BatchNorm's batch statistics (and of one token's output) against the batch size."""
    series = [(t("bn.noise.theory", lang), theory), (t("bn.noise.mean", lang), mean), (t("bn.noise.std", lang), std),
              (t("bn.noise.token", lang), token)]
    domain = tuple(label for label, _ in series)
    spec = _norms_lines_spec(lang, "bn.noise.title", "bn.noise.x", "bn.noise.y", domain,
                             (THEORY, SCALED, RAW, PALETTE[2]), ((6, 4), (1, 0), (1, 0), (1, 0)), True, True, BN_HEIGHT)
    return VegaChart(spec, _long_rows(batches, series))


def bn_modes(batches: np.ndarray, train_mode: np.ndarray, eval_mode: float, layer: float, lang: str) -> VegaChart:
    """The loss on held-out windows against the evaluation batch size (log axis): BatchNorm with the
    batch's statistics, with the running ones, and the LayerNorm model (NaN: a batch size that cannot run)."""
    k = len(batches)
    series = [(t("bn.modes.layer", lang), np.full(k, layer)), (t("bn.modes.eval", lang), np.full(k, eval_mode)),
              (t("bn.modes.train", lang), np.asarray(train_mode, dtype=float))]
    domain = tuple(label for label, _ in series)
    spec = _norms_lines_spec(lang, "bn.modes.title", "bn.noise.x", "bn.modes.y", domain,
                             (THEORY, SCALED, RAW), ((6, 4), (1, 0), (1, 0)), True, True, BN_HEIGHT)
    return VegaChart(spec, _long_rows(batches, series))


@functools.cache
def _bn_drift_spec(lang: str) -> dict:
    domain = [t("bn.drift.trained", lang), t("bn.drift.shorter", lang), t("bn.drift.longer", lang)]
    y_title, x_title = t("bn.drift.y", lang), t("bn.drift.x", lang)
    bars = alt.Chart().mark_bar().encode(
        x=alt.X("x:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=y_title),
        color=alt.Color("series:N", scale=alt.Scale(domain=domain, range=[SCALED, RAW, PALETTE[3]]),
                        legend=alt.Legend(title=None, orient="top", direction="horizontal", labelLimit=400)),
        tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("x:O", title=x_title),
                 alt.Tooltip("value:Q", title=y_title, format=".3g")])
    return vega_spec(configure(bars.properties(title=t("bn.drift.title", lang), height=BN_HEIGHT)))


def bn_drift(lengths: np.ndarray, drift: np.ndarray, trained: int, lang: str) -> VegaChart:
    """How far BatchNorm's batch statistics lie from its running ones, by sequence length (the
    trained length, shorter ones, longer ones whose position rows were never trained)."""
    kind = np.where(lengths == trained, "bn.drift.trained", np.where(lengths < trained, "bn.drift.shorter", "bn.drift.longer"))
    data = pd.DataFrame({"x": np.asarray(lengths, dtype=int), "value": np.asarray(drift, dtype=float),
                         "series": [t(k, lang) for k in kind]})
    return VegaChart(_bn_drift_spec(lang), data)
# --- end of lesson batchnorm ---

# --- lesson residual ----------------------------------------------------------------------------------
RES_HEIGHT = 300


def res_grads(grads_with: np.ndarray, grads_without: np.ndarray, lang: str) -> VegaChart:
    """Each block's gradient norm at initialisation, block 1 (nearest the input) first, log axis."""
    series = [(t("res.with", lang), grads_with), (t("res.without", lang), grads_without)]
    domain = tuple(label for label, _ in series)
    spec = _norms_lines_spec(lang, "res.grads.title", "res.block", "res.grads.y", domain, (SCALED, RAW),
                             ((1, 0), (1, 0)), True, False, RES_HEIGHT)
    return VegaChart(spec, _long_rows(np.arange(1, len(grads_with) + 1), series))


def res_spread(spread_with: np.ndarray, spread_without: np.ndarray, lang: str) -> VegaChart:
    """How different the positions still are (0 = every position the same vector): the embeddings
    (block 0), then after each block; a value that is exactly 0 has no place on the log axis."""
    series = [(t("res.with", lang), spread_with), (t("res.without", lang), spread_without)]
    domain = tuple(label for label, _ in series)
    spec = _norms_lines_spec(lang, "res.spread.title", "res.block0", "res.spread.y", domain, (SCALED, RAW),
                             ((1, 0), (1, 0)), True, False, RES_HEIGHT)
    return VegaChart(spec, _long_rows(np.arange(len(spread_with)), series))
# --- end of lesson residual ---
