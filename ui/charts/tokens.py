"""Charts of the tokens page (app_pages/tokens.py): lessons `tokenization` and `pretrained-vectors`."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import RAW, SCALED, THEORY, CHOSEN, VegaChart, TOKEN_LABEL_EXPR, vega_spec, configure, pos_label
from ui.i18n import t


# --- tokenization ---------------------------------------------------------------------------------
TOKENIZER_COLOURS = ("#009E73", "#CC79A7", "#D55E00")  # Okabe-Ito green, purple, vermilion


@functools.cache
def _token_counts_spec(lang: str, names: tuple[str, ...]) -> dict:
    y_title = t("tok.counts", lang)
    bars = alt.Chart().mark_bar().encode(
        y=alt.Y("name:N", sort=list(names), title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("tokens:Q", title=y_title),
        color=alt.Color("name:N", scale=alt.Scale(domain=list(names), range=list(TOKENIZER_COLOURS[:len(names)])),
                        legend=None),
        tooltip=[alt.Tooltip("name:N", title=" "), alt.Tooltip("tokens:Q", title=y_title)],
    )
    labels = bars.mark_text(align="left", dx=4, fontSize=13, color="black").encode(text="tokens:Q", color=alt.value("black"))
    return vega_spec(configure(alt.layer(bars, labels).properties(height=alt.Step(34))))


def token_counts(names: list[str], counts: list[int], lang: str) -> VegaChart:
    """Horizontal bars: how many tokens each tokenizer makes of the same text."""
    return VegaChart(_token_counts_spec(lang, tuple(names)), pd.DataFrame({"name": names, "tokens": counts}))


@functools.cache
def _bpe_curve_spec(lang: str) -> dict:
    x_title, y_title = t("tok.merge_step", lang), t("tok.curve", lang)
    tip = [alt.Tooltip("step:Q", title=x_title), alt.Tooltip("tokens:Q", title=y_title),
           alt.Tooltip("merge:N", title=t("tok.col.new", lang))]
    line = alt.Chart().transform_filter(alt.datum.kind == "curve").mark_line(color=SCALED, strokeWidth=3).encode(
        x=alt.X("step:Q", title=x_title), y=alt.Y("tokens:Q", title=y_title, scale=alt.Scale(zero=False)), tooltip=tip)
    hover = alt.Chart().transform_filter(alt.datum.kind == "curve").mark_point(opacity=0, size=80).encode(
        x="step:Q", y="tokens:Q", tooltip=tip)
    chosen = alt.Chart().transform_filter(alt.datum.kind == "at").mark_point(
        shape="diamond", filled=False, size=220, strokeWidth=3, color=CHOSEN, opacity=1).encode(
        x="step:Q", y="tokens:Q", tooltip=tip)
    return vega_spec(configure(alt.layer(line, hover, chosen).properties(height=260)))


def bpe_curve(n_start: int, tokens_after: list[int], merges: list[str], at: int, lang: str) -> VegaChart:
    """Tokens in the training text after 0, 1, ... merges; a diamond at merge ``at``."""
    steps = list(range(len(tokens_after) + 1))
    tokens = [n_start, *tokens_after]
    names = ["", *merges]
    data = pd.DataFrame({"step": steps + [at], "tokens": tokens + [tokens[at]], "merge": names + [names[at]],
                         "kind": ["curve"] * len(steps) + ["at"]})
    return VegaChart(_bpe_curve_spec(lang), data)


# --- pretrained vectors -------------------------------------------------------------------------
CATEGORY_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")


@functools.cache
def _neighbours_spec(lang: str) -> dict:
    x_title = t("vec.similarity", lang)
    own, other = t("vec.variant", lang), t("vec.other", lang)
    tip = [alt.Tooltip("piece:N", title=t("vec.piece", lang)), alt.Tooltip("sim:Q", title=x_title, format=".4f"),
           alt.Tooltip("id:Q", title="id")]
    bars = alt.Chart().mark_bar().encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelExpr=TOKEN_LABEL_EXPR, labelLimit=200, labelFontSize=14)),
        x=alt.X("sim:Q", title=x_title, scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("kind:N", scale=alt.Scale(domain=[other, own], range=[SCALED, THEORY]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=tip,
    )
    text = alt.Chart().mark_text(align="left", dx=4, fontSize=12).encode(
        y=alt.Y("label:N", sort=None), x="sim:Q", text=alt.Text("sim:Q", format=".3f"), tooltip=tip)
    return vega_spec(configure(alt.layer(bars, text).properties(height=alt.Step(24))))


def neighbours(lst, lang: str) -> VegaChart:
    """One NeighbourList as horizontal bars, most similar on top; spellings of the query itself
    ("Bank", "▁bank") in grey. Pieces are data, drawn as text by Vega (never markup)."""
    pieces = list(lst.pieces)
    data = pd.DataFrame({
        "label": [pos_label(i, p) for i, p in enumerate(pieces)], "piece": pieces,
        "sim": np.asarray(lst.similarity, dtype=float), "id": np.asarray(lst.ids, dtype=int),
        "kind": [t("vec.variant" if v else "vec.other", lang) for v in lst.variant],
    })
    return VegaChart(_neighbours_spec(lang), data)


@functools.cache
def _pca_spec(lang: str, title_key: str, names: tuple[str, ...]) -> dict:
    tip = [alt.Tooltip("word:N", title=t("vec.word", lang)), alt.Tooltip("cat:N", title=t("vec.category", lang))]
    points = alt.Chart().mark_circle(size=90, opacity=0.85).encode(
        x=alt.X("x:Q", title=t("vec.pc1", lang), axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("y:Q", title=t("vec.pc2", lang), axis=alt.Axis(labels=False, ticks=False)),
        color=alt.Color("cat:N", scale=alt.Scale(domain=list(names), range=list(CATEGORY_COLOURS[:len(names)])),
                        legend=alt.Legend(title=None, orient="bottom", columns=3, labelLimit=200)),
        tooltip=tip,
    )
    return vega_spec(configure(points.properties(title=t(title_key, lang), height=300)))


def category_map(xy: np.ndarray, words: tuple[str, ...], labels: np.ndarray, names: tuple[str, ...], lang: str,
                 title_key: str) -> VegaChart:
    """Words as points on their first two principal axes, coloured by category."""
    data = pd.DataFrame({"x": xy[:, 0].astype(float), "y": xy[:, 1].astype(float), "word": list(words),
                         "cat": [names[i] for i in labels]})
    return VegaChart(_pca_spec(lang, title_key, tuple(names)), data)


@functools.cache
def _accuracy_spec(lang: str) -> dict:
    kinds = [t("vec.acc.real", lang), t("vec.acc.random", lang), t("vec.acc.chance", lang)]
    x_title = t("vec.accuracy", lang)
    bars = alt.Chart().mark_bar().encode(
        y=alt.Y("kind:N", sort=kinds, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("acc:Q", title=x_title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[SCALED, RAW, THEORY]), legend=None),
        tooltip=[alt.Tooltip("kind:N", title=" "), alt.Tooltip("acc:Q", title=x_title, format=".1%")],
    )
    text = alt.Chart().mark_text(align="left", dx=4, fontSize=13).encode(
        y=alt.Y("kind:N", sort=kinds), x="acc:Q", text=alt.Text("acc:Q", format=".0%"))
    return vega_spec(configure(alt.layer(bars, text).properties(height=alt.Step(34))))


def accuracy(real: float, random: float, chance: float, lang: str) -> VegaChart:
    data = pd.DataFrame({"kind": [t("vec.acc.real", lang), t("vec.acc.random", lang), t("vec.acc.chance", lang)],
                         "acc": [real, random, chance]})
    return VegaChart(_accuracy_spec(lang), data)


@functools.cache
def _context_spec(lang: str) -> dict:
    same, diff = t("vec.ctx.same", lang), t("vec.ctx.diff", lang)
    y_title = t("vec.ctx.cos", lang)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("layer:O", title=t("vec.ctx.layer", lang)),
           alt.Tooltip("cos:Q", title=y_title, format=".4f")]
    lines = alt.Chart().mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=60)).encode(
        x=alt.X("layer:N", sort=None, title=t("vec.ctx.layer", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cos:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", scale=alt.Scale(domain=[same, diff], range=[SCALED, RAW]),
                        legend=alt.Legend(title=None, orient="top", labelLimit=500)),
        tooltip=tip,
    )
    return vega_spec(configure(lines.properties(height=280)))


def context_layers(same: np.ndarray, diff: np.ndarray, table_same: float, table_diff: float,
                   lang: str) -> VegaChart:
    """Mean cosine between the word's vectors in two sentences: first its table row (the same in
    every sentence), then per layer (0 = the embeddings' output: positions added, layer-normalised),
    same sense against different senses."""
    xs = [t("vec.ctx.table", lang), *map(str, range(len(same)))]
    n = len(xs)
    data = pd.DataFrame({"layer": xs * 2,
                         "cos": np.concatenate([[table_same], same, [table_diff], diff]).astype(float),
                         "series": [t("vec.ctx.same", lang)] * n + [t("vec.ctx.diff", lang)] * n})
    return VegaChart(_context_spec(lang), data)


