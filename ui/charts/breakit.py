"""Charts of the Break it page (app_pages/breakit.py): each switch alone, the loss per token with and
without the switches, and e5's zh/en similarity matrix with and without its positions."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import RAW, SCALED, THEORY, VegaChart, configure, vega_spec, zero_cells
from ui.i18n import t


@functools.cache
def _overview_spec(lang: str) -> dict:
    x = alt.X("ppl:Q", title=t("brk.overview.x", lang), scale=alt.Scale(type="log"))
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320))
    tip = [alt.Tooltip("label:N", title=" "), alt.Tooltip("ppl:Q", title=t("brk.overview.x", lang), format=",.4g")]
    # from a perplexity of 1 (a model that is always sure and right): a log axis has no 0 to start a bar at
    bars = alt.Chart().mark_bar(color=RAW).encode(
        x=x, x2=alt.datum(1), y=y, tooltip=tip, color=alt.condition("datum.intact", alt.value(SCALED), alt.value(RAW)))
    text = alt.Chart().mark_text(align="left", dx=4).encode(x=x, y=y, text=alt.Text("ppl:Q", format=",.3~g"))
    return vega_spec(configure(alt.layer(bars, text).properties(height=alt.Step(34)), fit_x=True))


def overview(rows: list[tuple[str, float, bool]], lang: str) -> VegaChart:
    """Perplexity per switch removed alone: (label, perplexity, whether it is the intact model)."""
    data = pd.DataFrame(rows, columns=["label", "ppl", "intact"])
    return VegaChart(_overview_spec(lang), data)


@functools.cache
def _losses_spec(lang: str, names: tuple[str, str]) -> dict:
    y_title = t("brk.loss.y", lang)
    colour = alt.Color("series:N", scale=alt.Scale(domain=list(names), range=[SCALED, RAW]),
                       legend=alt.Legend(title=None, orient="top", direction="horizontal"))
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("i:Q", title=t("brk.loss.x", lang)),
           alt.Tooltip("loss:Q", title=y_title, format=".3f")]
    lines = alt.Chart().mark_line(strokeWidth=2).encode(
        x=alt.X("i:Q", title=t("brk.loss.x", lang), scale=alt.Scale(nice=False)),
        y=alt.Y("loss:Q", title=y_title), color=colour, tooltip=tip)
    return vega_spec(configure(lines.properties(height=260), fit_x=True))


def losses(intact: np.ndarray, broken: np.ndarray, lang: str) -> VegaChart:
    """The loss of each next token of the evaluation text (nats), as trained and switched."""
    names = (t("brk.loss.intact", lang), t("brk.loss.broken", lang))
    frames = [pd.DataFrame({"series": name, "i": np.arange(1, len(v) + 1), "loss": np.asarray(v, dtype=float)})
              for name, v in zip(names, (intact, broken))]
    return VegaChart(_losses_spec(lang, names), pd.concat(frames, ignore_index=True))


@functools.cache
def _similarity_spec(lang: str) -> dict:
    value = t("brk.sim.value", lang)
    x = alt.X("en:O", title=t("brk.sim.x", lang), axis=alt.Axis(labelAngle=0, values=list(range(0, 64, 5))))
    y = alt.Y("zh:O", title=t("brk.sim.y", lang), axis=alt.Axis(values=list(range(0, 64, 5))))
    tip = [alt.Tooltip("panel:N", title=" "), alt.Tooltip("zh:O", title=t("brk.sim.y", lang)),
           alt.Tooltip("en:O", title=t("brk.sim.x", lang)), alt.Tooltip("cos:Q", title=value, format=".3f")]
    cells = alt.Chart().mark_rect().encode(
        x=x, y=y, tooltip=tip, color=alt.Color("cos:Q", title=value, scale=alt.Scale(scheme="blues")))
    found = alt.Chart().transform_filter("datum.best").mark_point(shape="circle", filled=False, color=THEORY, size=40).encode(
        x=x, y=y, tooltip=tip)
    chart = alt.layer(cells, zero_cells(x, y, tip, "cos", lang), found).properties(width=alt.Step(11), height=alt.Step(11)).facet(
        data=alt.Data(name="empty"), column=alt.Column("panel:N", title=None, sort=None))
    return vega_spec(configure(chart))


def similarity(panels: list[tuple[str, np.ndarray]], lang: str) -> VegaChart:
    """(N, N) cosines of Chinese sentence i (row) and English sentence j (column), one panel per run; a
    ring marks each row's nearest English sentence (on the diagonal when the translation is found)."""
    frames = []
    for name, sim in panels:
        sim = np.asarray(sim, dtype=float)
        i, j = np.indices(sim.shape)
        best = (sim.argmax(axis=1)[:, None] == j)
        frames.append(pd.DataFrame({"panel": name, "zh": i.ravel(), "en": j.ravel(), "cos": sim.ravel(), "best": best.ravel()}))
    return VegaChart(_similarity_spec(lang), pd.concat(frames, ignore_index=True))
