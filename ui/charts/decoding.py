"""Charts of the decoding page (app_pages/decoding.py): lessons `parallelism` and `kv-cache`."""
from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from tf_core.device import SPIKE_FACTOR
from ui.charts.shared import RAW, SCALED, THEORY, CHOSEN, DECADES, MIN_FONT, VegaChart, vega_spec, configure
from ui.i18n import t


# --- decoding: lessons parallelism and kv-cache (app_pages/decoding.py) ------------------------------
STEPS = RAW  # one token per call, as generation runs: orange; the parallel call / the cached decode: blue
# Streamlit fits a chart's legend and axes into its height: these charts carry a two- or three-line legend
DECODING_HEIGHT = 380



@functools.cache
def _parallel_spec(lang: str) -> dict:
    one, steps = t("par.series.one", lang), t("par.series.steps", lang)
    x_title, y_title = t("par.curve.x", lang), t("par.curve.y", lang)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("n:Q", title=x_title),
           alt.Tooltip("ms:Q", title=y_title, format=".3g"), alt.Tooltip("total:Q", title=t("par.curve.total", lang),
                                                                         format=".4g")]
    lines = alt.Chart().mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=alt.X("n:Q", title=x_title, scale=alt.Scale(type="log", base=2, nice=False),
                axis=alt.Axis(values=[2, 4, 8, 16, 32, 64], format="d")),
        y=alt.Y("ms:Q", title=y_title, scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", scale=alt.Scale(domain=[one, steps], range=[SCALED, STEPS]),
                        legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=500)),
        tooltip=tip,
    )
    return vega_spec(configure(lines.properties(height=DECODING_HEIGHT)))


def parallel_per_position(r, lang: str) -> VegaChart:
    """Milliseconds per position against n (log axis): one teacher-forced call over n positions, and n
    cached one-token steps (tf_core.lab.parallelism's grid)."""
    k = len(r.grid_n)
    data = pd.DataFrame({
        "n": np.tile(np.asarray(r.grid_n, dtype=int), 2),
        "ms": 1000 * np.concatenate([r.per_position_parallel, r.per_position_sequential]).astype(float),
        "total": 1000 * np.concatenate([r.grid_parallel, r.grid_sequential]).astype(float),
        "series": [t("par.series.one", lang)] * k + [t("par.series.steps", lang)] * k,
    })
    return VegaChart(_parallel_spec(lang), data)


@functools.cache
def _layer_timeline_spec(lang: str) -> dict:
    block, head = t("par.layers.block", lang), t("par.layers.head", lang)
    x_title, y_title = t("par.layers.x", lang), t("par.layers.y", lang)
    tip = [alt.Tooltip("label:N", title=y_title), alt.Tooltip("start:Q", title=t("par.layers.start", lang), format=".3g"),
           alt.Tooltip("end:Q", title=t("par.layers.end", lang), format=".3g"),
           alt.Tooltip("ms:Q", title=t("par.layers.ms", lang), format=".3g")]
    bars = alt.Chart().mark_bar(height={"band": 0.8}).encode(
        y=alt.Y("label:N", title=y_title, sort=alt.EncodingSortField("order", order="ascending"),
                axis=alt.Axis(labelOverlap="greedy", labelFontSize=MIN_FONT)),
        x=alt.X("start:Q", title=x_title, scale=alt.Scale(zero=True)),
        x2="end:Q",
        color=alt.Color("kind:N", scale=alt.Scale(domain=[block, head], range=[SCALED, THEORY]),
                        legend=alt.Legend(title=None, orient="top", labelLimit=500)),
        tooltip=tip,
    )
    return vega_spec(configure(bars.properties(height=DECODING_HEIGHT)))


def layer_timeline(r, lang: str) -> VegaChart:
    """When each block of one call over n positions ran (ms from the call's start): a staircase,
    block l + 1 starting where block l ended; the last bar is the final norm and the output head."""
    L = len(r.layer_seconds)
    start = 1000 * np.asarray(r.layer_start, dtype=float)
    end = start + 1000 * np.asarray(r.layer_seconds, dtype=float)
    blocks_end = float(end[-1]) if L else 0.0
    call_end = max(1000 * float(r.call_seconds), blocks_end)
    data = pd.DataFrame({
        "label": [str(i) for i in range(L)] + [t("par.layers.head_short", lang)],
        "order": list(range(L + 1)),
        "start": np.append(start, blocks_end),
        "end": np.append(end, call_end),
        "kind": [t("par.layers.block", lang)] * L + [t("par.layers.head", lang)],
    })
    data["ms"] = data["end"] - data["start"]
    return VegaChart(_layer_timeline_spec(lang), data)


@functools.cache
def _decode_steps_spec(lang: str) -> dict:
    cached, uncached = t("kv.series.cached", lang), t("kv.series.uncached", lang)
    x_title, y_title = t("kv.steps.x", lang), t("kv.steps.y", lang)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("step:Q", title=x_title),
           alt.Tooltip("ms:Q", title=y_title, format=".3g"), alt.Tooltip("tok:N", title=t("kv.steps.token", lang)),
           alt.Tooltip("run:Q", title=t("kv.steps.run", lang))]
    x = alt.X("step:Q", title=x_title, scale=alt.Scale(zero=False, nice=False), axis=alt.Axis(format="d", tickMinStep=1))
    y = alt.Y("ms:Q", title=y_title, scale=alt.Scale(zero=True))
    lines = alt.Chart().mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=30, filled=True)).encode(
        x=x, y=y,
        color=alt.Color("series:N", scale=alt.Scale(domain=[cached, uncached], range=[SCALED, STEPS]),
                        legend=alt.Legend(title=None, orient="top", direction="vertical", labelLimit=500)),
        tooltip=tip,
    )
    # a clipped step (tf_core.device.clip_spikes): drawn at its bound, a black triangle, the time measured on hover
    clipped_tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("step:Q", title=x_title),
                   alt.Tooltip("measured:Q", title=t("kv.steps.measured", lang), format=".4g"),
                   alt.Tooltip("ms:Q", title=t("kv.steps.bound", lang), format=".3g"),
                   alt.Tooltip("tok:N", title=t("kv.steps.token", lang))]
    clipped = alt.Chart().transform_filter(alt.datum.clipped).mark_point(
        filled=True, size=130, color=CHOSEN, opacity=1).encode(
        x=x, y=y, tooltip=clipped_tip,
        shape=alt.Shape("flag:N", scale=alt.Scale(range=["triangle-up"]),
                        legend=alt.Legend(title=None, orient="top", labelLimit=500, symbolFillColor=CHOSEN,
                                          symbolStrokeColor=CHOSEN, symbolStrokeWidth=1)))
    return vega_spec(configure(alt.layer(lines, clipped).properties(height=DECODING_HEIGHT)))


def decode_steps(r, lang: str) -> VegaChart:
    """Milliseconds of each greedy step, with the cache and without it (the uncached side stops at its
    cap). Step 1 reads the prompt on both sides; the token each step chose is in the tooltip (data,
    never markup). ``run``: the positions that step's forward computed. A step slower than its
    neighbours allow (``r.clipped_cached`` / ``r.clipped_uncached``, tf_core.device.clip_spikes) is drawn
    at its bound, the one its rate sums, and marked; ``measured``: the time as timed."""
    nc, nu = len(r.step_cached), len(r.step_uncached)
    pieces = list(r.generated)
    c, u = r.clipped_cached, r.clipped_uncached
    clipped = np.concatenate([c.clipped, u.clipped])
    data = pd.DataFrame({
        "step": np.concatenate([np.arange(1, nc + 1), np.arange(1, nu + 1)]),
        "ms": 1000 * np.concatenate([c.seconds, u.seconds]).astype(float),
        "measured": 1000 * np.concatenate([c.measured, u.measured]).astype(float),
        "clipped": clipped,
        "flag": np.where(clipped, t("kv.steps.clipped", lang, factor=SPIKE_FACTOR), ""),
        "series": [t("kv.series.cached", lang)] * nc + [t("kv.series.uncached", lang)] * nu,
        "tok": pieces[:nc] + pieces[:nu],
        "run": [r.n_prompt] + [1] * (nc - 1) + [r.n_prompt + i for i in range(nu)],
    })
    return VegaChart(_decode_steps_spec(lang), data)


@functools.cache
def _kv_memory_spec(lang: str) -> dict:
    model, mha, measured = t("kv.mem.model", lang), t("kv.mem.mha", lang), t("kv.mem.measured", lang)
    x_title, y_title = t("kv.mem.x", lang), t("kv.mem.y", lang)
    tip = [alt.Tooltip("series:N", title=" "), alt.Tooltip("positions:Q", title=x_title, format=","),
           alt.Tooltip("mb:Q", title=y_title, format=".4g"), alt.Tooltip("bytes:Q", title=t("kv.mem.bytes", lang), format=",")]
    x = alt.X("positions:Q", title=x_title, scale=alt.Scale(type="log", base=2, nice=False),
              axis=alt.Axis(values=[4 ** k for k in range(8)], format=","))
    y = alt.Y("mb:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(values=DECADES, format="~g"))
    legend = dict(title=None, orient="top", direction="vertical", labelLimit=500)
    lines = alt.Chart().transform_filter(alt.datum.kind == "line").mark_line(strokeWidth=3).encode(
        x=x, y=y, tooltip=tip,
        color=alt.Color("series:N", scale=alt.Scale(domain=[model, mha], range=[SCALED, RAW]),
                        legend=alt.Legend(symbolType="stroke", symbolSize=400, **legend)),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=[model, mha], range=[[1, 0], [6, 4]]), legend=None))
    # the measurement: an open diamond with a legend entry of its own
    point = alt.Chart().transform_filter(alt.datum.kind == "point").mark_point(
        filled=False, size=260, strokeWidth=3, color=CHOSEN, opacity=1).encode(
        x=x, y=y, tooltip=tip,
        # its own field: Vega-Lite merges a shape and a colour legend of the same field into one, losing this entry
        shape=alt.Shape("what:N", scale=alt.Scale(domain=[measured], range=["diamond"]),
                        # inside the plot, in the corner the rising lines leave empty
                        legend=alt.Legend(title=None, orient="top-left", labelLimit=500, symbolStrokeColor=CHOSEN,
                                          symbolStrokeWidth=3, fillColor="rgba(255,255,255,0.85)")))
    chart = alt.layer(lines, point).properties(height=DECODING_HEIGHT).resolve_legend(shape="independent")
    return vega_spec(configure(chart))


def kv_memory(r, lang: str) -> VegaChart:
    """The cache's size against the number of positions, log-log: this model's key/value heads and a
    multi-head model's (one K/V head per query head), from the formula; the diamond is KVCache.nbytes
    measured at the end of the decode."""
    top = int(r.max_positions)
    xs = sorted({2 ** i for i in range(int(np.log2(top)) + 1)} | {top})
    per_model = int(r.bytes_per_position)
    per_mha = per_model * int(r.n_heads) // int(r.n_kv_heads)
    model_bytes = [per_model * x for x in xs]
    mha_bytes = [per_mha * x for x in xs]
    k = len(xs)
    data = pd.DataFrame({
        "positions": xs * 2 + [int(r.cache_positions)],
        "bytes": model_bytes + mha_bytes + [int(r.cache_bytes)],
        "series": [t("kv.mem.model", lang)] * k + [t("kv.mem.mha", lang)] * k + [t("kv.mem.measured", lang)],
        "kind": ["line"] * (2 * k) + ["point"],
    })
    data["mb"] = data["bytes"] / 1e6
    data["what"] = data["series"]
    return VegaChart(_kv_memory_spec(lang), data)


def clipped_note(lesson: str, count: int, lang: str) -> str:
    """The sentence that counts a run's clipped steps (``lesson``: "kv" or "par"), singular or plural."""
    return t(f"{lesson}.clipped.{'some' if count else 'none'}", lang, count=int(count), factor=SPIKE_FACTOR)
