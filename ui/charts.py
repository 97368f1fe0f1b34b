"""Chart builders: lab results in, Plotly / Altair figures out. Pages only place them.

Colours: one colour per meaning across the app (unscaled = orange, scaled = blue, theory = grey),
from a colour-blind-safe palette (Okabe–Ito), with line widths and fonts sized for a projector.
Any label that could carry user text goes through ``ui.text.plotly_escape``.
"""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.i18n import t

RAW = "#E69F00"  # Okabe–Ito orange
SCALED = "#0072B2"  # Okabe–Ito blue
THEORY = "#6b6b6b"
FONT = dict(size=14)
HEIGHT = 380


def _layout(fig: go.Figure, title: str, height: int = HEIGHT) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=16)),
        template="plotly_white",
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=56, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0, xanchor="left"),
        hovermode="x unified",
    )
    return fig


def scaling_variance(r, lang: str) -> go.Figure:
    """Sampled Var(q.k) and Var(q.k/sqrt(d_k)) against d_k, log-log, with the theory lines."""
    x = r.dk_grid
    fig = go.Figure()
    fig.add_scatter(x=x, y=r.var_theory, name=t("scaling.var.theory", lang), mode="lines",
                    line=dict(color=THEORY, dash="dash", width=2))
    fig.add_scatter(x=x, y=r.var_raw, name=t("scaling.var.raw", lang), mode="lines+markers",
                    line=dict(color=RAW, width=3), marker=dict(size=8))
    fig.add_scatter(x=x, y=np.full(len(x), r.sigma**4), name=t("scaling.var.theory_scaled", lang),
                    mode="lines", line=dict(color=THEORY, dash="dot", width=2))
    fig.add_scatter(x=x, y=r.var_scaled, name=t("scaling.var.scaled", lang), mode="lines+markers",
                    line=dict(color=SCALED, width=3), marker=dict(size=8))
    fig.add_scatter(x=[r.dk, r.dk], y=[r.at_var_raw, r.at_var_scaled], name=t("scaling.var.chosen", lang),
                    mode="markers", marker=dict(color="black", size=14, symbol="diamond-open", line=dict(width=3)))
    fig.update_xaxes(type="log", title=t("scaling.var.x", lang), dtick=np.log10(4))
    fig.update_yaxes(type="log", title=t("scaling.var.y", lang), exponentformat="power", dtick=1)
    fig = _layout(fig, t("scaling.var.title", lang))
    # The curves rise from bottom-left to top-right: the top-left corner is free for the legend.
    fig.update_layout(legend=dict(orientation="v", x=0.01, y=0.99, xanchor="left", yanchor="top",
                                  bgcolor="rgba(255,255,255,0.85)", font=dict(size=12)))
    return fig


def scaling_softmax_health(r, lang: str) -> go.Figure:
    """Largest weight, entropy and Jacobian norm of a softmax row against d_k, both ways.

    Three side-by-side panels laid out by hand (axis domains) rather than with make_subplots,
    which costs ~50 ms per call on a 2-core CPU: this figure is rebuilt on every slider move."""
    panels = (
        ("scaling.health.pmax", r.pmax_raw, r.pmax_scaled, 1.0 / r.n, r.at_raw.pmax, r.at_scaled.pmax),
        ("scaling.health.entropy", r.entropy_raw, r.entropy_scaled, r.entropy_uniform,
         r.at_raw.entropy, r.at_scaled.entropy),
        ("scaling.health.jacobian", r.jacobian_raw, r.jacobian_scaled, None,
         r.at_raw.jacobian_norm, r.at_scaled.jacobian_norm),
    )
    gap, width = 0.07, (1 - 2 * 0.07) / 3
    x = r.dk_grid.tolist()
    traces, layout = [], {}
    for i, (key, raw, scaled, uniform, at_raw, at_scaled) in enumerate(panels):
        ax = "" if i == 0 else str(i + 1)
        left = i * (width + gap)
        layout[f"xaxis{ax}"] = dict(domain=[left, left + width], type="log", dtick=float(np.log10(8)),
                                    title=dict(text=t("scaling.var.x", lang)), anchor=f"y{ax}")
        layout[f"yaxis{ax}"] = dict(anchor=f"x{ax}")
        common = dict(xaxis=f"x{ax}", yaxis=f"y{ax}", showlegend=i == 0)
        if uniform is not None:
            traces.append(go.Scatter(x=x, y=[uniform] * len(x), mode="lines", legendgroup="u",
                                     line=dict(color=THEORY, dash="dash", width=2),
                                     name=t("scaling.health.uniform", lang), **common))
        traces.append(go.Scatter(x=x, y=raw.tolist(), mode="lines+markers", line=dict(color=RAW, width=3),
                                 name=t("scaling.health.raw", lang), legendgroup="raw", **common))
        traces.append(go.Scatter(x=x, y=scaled.tolist(), mode="lines+markers", line=dict(color=SCALED, width=3),
                                 name=t("scaling.health.scaled", lang), legendgroup="scaled", **common))
        traces.append(go.Scatter(x=[r.dk, r.dk], y=[at_raw, at_scaled], mode="markers", legendgroup="at",
                                 marker=dict(color="black", size=13, symbol="diamond-open", line=dict(width=3)),
                                 name=t("scaling.var.chosen", lang), **common))
    layout["annotations"] = [
        dict(text=t(p[0], lang), x=i * (width + gap) + width / 2, y=1.0, xref="paper", yref="paper",
             xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=15))
        for i, p in enumerate(panels)
    ]
    fig = go.Figure(data=traces, layout=layout)
    return _layout(fig, t("scaling.health.title", lang), height=HEIGHT + 20)


def scaling_weights(r, lang: str) -> alt.Chart:
    """One query's n weights, unscaled and scaled, keys sorted by unscaled weight (the same order
    for both: dividing by a positive constant keeps the ranking). Key rank is on a log axis so
    that the top key stays visible as a bar when n is large."""
    order = np.argsort(-r.weights_raw, kind="stable")
    rank = np.arange(1, r.n + 1)
    raw_label, scaled_label = t("scaling.health.raw", lang), t("scaling.health.scaled", lang)
    df = pd.concat([
        pd.DataFrame({"rank": rank, "end": rank + 1, "weight": r.weights_raw[order], "kind": raw_label}),
        pd.DataFrame({"rank": rank, "end": rank + 1, "weight": r.weights_scaled[order], "kind": scaled_label}),
    ])
    x_title, y_title = t("scaling.weights.x", lang), t("scaling.weights.y", lang)
    return (
        alt.Chart(df, title=alt.Title(t("scaling.weights.title", lang, dk=r.dk), anchor="start", fontSize=16))
        .mark_bar(opacity=0.6, binSpacing=0)
        .encode(
            x=alt.X("rank:Q", title=x_title, scale=alt.Scale(type="log", domain=[1, r.n + 1])),
            x2="end:Q",
            y=alt.Y("weight:Q", title=y_title, stack=None, scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=[raw_label, scaled_label], range=[RAW, SCALED]),
                            legend=alt.Legend(orient="bottom", labelFontSize=14, labelLimit=400)),
            tooltip=[alt.Tooltip("kind:N", title=""), alt.Tooltip("rank:Q", title=x_title),
                     alt.Tooltip("weight:Q", title=y_title, format=".4g")],
        )
        .properties(height=HEIGHT - 60)
        .configure_axis(labelFontSize=13, titleFontSize=14)
    )
