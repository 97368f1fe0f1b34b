"""Charts of the attention page (app_pages/attention.py): lessons `multi-head` and `qk-separate`."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.shared import (
    RAW, SCALED, THEORY, VegaChart, TOKEN_LABEL_EXPR, MAX_TICKS, vega_spec, configure, pos_label, head_grid_spec,
    grid_data,
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


