"""Lesson `pe-adds` of the positions page: does adding a position vector spoil the word embedding?

Measured three ways on a real encoder's tables (tf_core/lab/pe_adds.py): after adding a position row, is
the word table's nearest row still the token's own (the learned table as loaded and after the embedding
LayerNorm; a sinusoidal PE added to a small N(0, 1/d) table with and without √d)? Why: random directions'
cosines against the width, and the real word rows'. And what a learned position table looks like (its
cosine-similarity matrix, its principal components). The similarity used to find "nearest" (cosine or dot
product) is a drawing choice: the run computes both.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from tf_core import limits
from tf_core.models import registry
from ui.caching import cached
from ui import encoders, lesson, params
from ui.charts import positions as charts
from ui.charts.shared import PALETTE
from ui.i18n import t
from ui.text import num, pct, with_code_points

MODEL = params.ChoiceParam("model", registry.ENCODERS, registry.ENCODERS[0])
MEASURE = params.ChoiceParam("measure", ("cos", "dot"), "cos")  # which similarity "nearest" uses (drawing only)
PARAMS = (MODEL, params.Param("sample", limits.PEADD_SAMPLE), params.Param("positions", limits.PEADD_POSITIONS),
          params.Param("seed", limits.SEED), MEASURE)
# The four readings drawn, by measure: (tf_core.lab.pe_adds.VARIANTS name without the measure, colour, dashed)
READINGS = (("learned_raw", PALETTE[1], False), ("learned_ln", PALETTE[2], True), ("sin_scaled", PALETTE[0], False),
            ("sin_plain", PALETTE[3], True))
MISSES_SHOWN = 200  # rows of the table of lost words (a sinusoid without √d can lose all 128 x 32)


@cached(16)
def recovery(model_key: str, positions: int, sample: int, seed: int, _encoder, _lab, lang: str):
    """The nearest-row search (seconds on e5's 250,037 rows: it waits in the worker's line with a bar).
    ``lang`` only picks the bar's words."""
    from ui import decoders

    def job(progress):
        return _lab.recover(_encoder, positions=positions, sample=sample, seed=seed, on_progress=progress.step)

    return decoders.run_in_line(job, lang, t("pea.running", lang))


@cached(16)
def spread(model_key: str, d: int, seed: int, _encoder, _lab):
    widths = tuple(sorted({*limits.PEADD_ORTHO_D_VALUES, d}))
    return _lab.orthogonality(_encoder, d_values=widths, seed=seed)


@cached(2)
def structure(model_key: str, _encoder, _lab):
    return _lab.learned_structure(_encoder)


def short_name(model: str) -> str:
    return model.split("/")[-1]


def values(r, o, s, measure: str, lang: str) -> dict[str, str]:
    """The card's placeholders, from the three runs."""
    raw = r.variant(f"learned_raw_{measure}")
    worst = int(np.argmin(raw))
    at_d = int(np.flatnonzero(o.d_values == r.d)[0])
    return {
        "model": short_name(r.model), "d": str(r.d), "candidates": f"{r.candidates:,}", "sample": str(len(r.token_ids)),
        "positions": str(len(r.positions)), "last": str(int(r.positions[-1])),
        "measure": t(f"pea.measure.{measure}.word", lang),
        "acc_mean": pct(raw.mean(), 1), "acc_worst": pct(raw[worst], 1), "worst_pos": str(int(r.positions[worst])),
        "ln_mean": pct(r.variant(f"learned_ln_{measure}").mean(), 1),
        "sin_scaled": pct(r.variant(f"sin_scaled_{measure}").mean(), 1), "sin_plain": pct(r.variant(f"sin_plain_{measure}").mean(), 1),
        "word_norm": num(r.word_norm), "pos_norm_worst": num(r.position_norms[worst]), "pos_norm_med": num(np.median(r.position_norms)),
        "cos_min": num(r.word_cos.min()), "cos_max": num(r.word_cos.max()),
        "rand_rms": num(o.cos_std[at_d]), "rand_theory": num(o.cos_std_theory[at_d]), "rand_max": num(o.max_abs[at_d]),
        "n": str(o.n), "table_rms": num(o.table_cos_std), "table_mean": num(o.table_cos_mean), "table_max": num(o.table_max_abs),
        "centered_rms": num(o.centered_cos_std),
        "rows": str(s.rows), "k": str(len(s.explained)), "pc_share": pct(s.explained.sum()),
        "near": num(s.by_offset[1]) if s.rows > 1 else "—", "far": num(s.by_offset[s.rows // 2]) if s.rows > 2 else "—",
        "half": str(s.rows // 2),
    }


def figures(r, o, s, v, measure: str, lang: str) -> list[lesson.Figure]:
    return [
        lesson.Figure(t("pea.fig.sin", lang), f"{v['sin_plain']} → {v['sin_scaled']}", t("pea.fig.sin_help", lang, d=r.d)),
        lesson.Figure(t("pea.fig.cos", lang), f"{v['cos_min']} … {v['cos_max']}", t("pea.fig.cos_help", lang, model=v["model"])),
        lesson.Figure(t("pea.fig.rand", lang, d=r.d), f"{v['rand_rms']} / {v['rand_theory']}", t("pea.fig.rand_help", lang, n=o.n)),
        lesson.Figure(t("pea.fig.pc", lang, k=v["k"]), v["pc_share"], t("pea.fig.pc_help", lang, model=v["model"], rows=s.rows)),
    ]


def misses_section(r, measure: str, lang: str) -> None:
    st.subheader(t("pea.miss.title", lang), divider="gray")
    rows = []
    for name, _, _ in READINGS:
        for p, token, found in r.misses(f"{name}_{measure}"):
            rows.append((t(f"pea.read.{name}", lang), p, with_code_points(token), with_code_points(found)))
    counts = {name: round(float((1 - r.variant(f"{name}_{measure}")).sum() * len(r.token_ids))) for name, _, _ in READINGS}
    lesson.note(t("pea.miss.caption", lang, total=len(r.token_ids) * len(r.positions),
                  **{name: counts[name] for name, _, _ in READINGS}, shown=min(len(rows), MISSES_SHOWN)))
    if rows:  # tokens as dataframe cells: text, never Markdown or HTML
        shown = rows[:MISSES_SHOWN]
        st.dataframe({t("pea.miss.reading", lang): [x[0] for x in shown], t("pe.axis.position", lang): [x[1] for x in shown],
                      t("pea.miss.token", lang): [x[2] for x in shown], t("pea.miss.found", lang): [x[3] for x in shown]},
                     hide_index=True, height=min(38 + 35 * len(shown), 320))


def spread_section(o, lang: str) -> None:
    st.subheader(t("pea.ortho.title", lang), divider="gray")
    table = []
    if o.model is not None:
        table = [(t("pea.ortho.table", lang, model=short_name(o.model)), o.model_d, o.table_cos_std),
                 (t("pea.ortho.centered", lang, model=short_name(o.model)), o.model_d, o.centered_cos_std)]
    lesson.chart(charts.cosine_spread(o.d_values, o.cos_std, o.cos_std_theory, o.max_abs, table, lang), key="pe-adds.chart.spread")


def structure_section(s, lang: str) -> None:
    st.subheader(t("pea.pc.title", lang, model=short_name(s.model)), divider="gray")
    left, right = st.columns(2, gap="medium")
    rows = np.arange(s.rows)
    with left:
        sim = (np.round(s.similarity, 3), rows, rows, lang, "pe.axis.position", "pe.axis.position", "pe.sim.value")
        lesson.plotly(charts.matrix_heatmap(*sim, zmax=1.0, height=380), key="pe-adds.chart.similarity",
                      picture=lambda: charts.matrix_image(*sim, zmax=1.0, height=380))
    with right:
        lesson.chart(charts.component_curves(s.curves, s.explained, lang), key="pe-adds.chart.components")
    periods = t("pev.and", lang).join(
        t("pea.pc.period", lang, i=i + 1, period=num(p) if np.isfinite(p) else "—", share=pct(share))
        for i, (p, share) in enumerate(zip(s.periods, s.period_share)))
    lesson.note(t("pea.pc.caption", lang, rows=s.rows, d=s.d, k=len(s.explained), share=pct(s.explained.sum()),
                  near=num(s.by_offset[1]) if s.rows > 1 else "—", half=s.rows // 2,
                  far=num(s.by_offset[s.rows // 2]) if s.rows > 2 else "—", periods=periods))


def body(qid: str, lang: str, lab) -> None:
    from tf_core.models.catalog import MODELS

    positions = params.clamp(f"{qid}.positions", limits.PEADD_POSITIONS.lo, limits.PEADD_POSITIONS.hi)
    seed = params.clamp(f"{qid}.seed", limits.SEED.lo, limits.SEED.hi)
    measure = st.session_state[MEASURE.key(qid)]
    requested = st.session_state[MODEL.key(qid)]
    installed = registry.available()
    if not installed:
        st.error(t("pea.no_model", lang, names=", ".join(MODELS[k].pip_name for k in registry.ENCODERS)), icon=":material/error:")
        return
    model_key = requested if requested in installed else installed[0]
    enc = encoders.encoder(model_key, lang)
    rows = enc.model.embeddings.word.num_embeddings
    sample_hi = lab.max_sample(rows, positions)  # tokens x positions x rows is capped (limits.PEADD_WORK): e5 gets fewer tokens
    sample = params.clamp(f"{qid}.sample", limits.PEADD_SAMPLE.lo, sample_hi)
    r = recovery(model_key, positions, sample, seed, enc, lab, lang)
    o = spread(model_key, r.d, seed, enc, lab)
    s = structure(model_key, enc, lab)
    v = values(r, o, s, measure, lang)
    sections = lesson.card(qid, lang, v)
    panel = lesson.answer(qid, sections, lang, figures(r, o, s, v, measure, lang))

    with panel:
        c_model, c_sample, c_pos, c_seed, c_measure = lesson.controls(qid, PARAMS, lang, [4, 3, 3, 3, 5])
        lim = lambda name, bounds: " " + lesson.limits_help(lang, [(name, bounds)])  # noqa: E731
        c_model.selectbox(t("enc.model", lang), MODEL.options, key=MODEL.key(qid), format_func=lambda k: t(f"enc.model.{k}", lang),
                          help=t("pea.model_help", lang))
        c_sample.number_input(t("pea.sample", lang), limits.PEADD_SAMPLE.lo, sample_hi, key=f"{qid}.sample", step=8,
                              help=t("pea.sample_help", lang) + lim(t("pea.sample", lang), limits.PEADD_SAMPLE) + " "
                              + t("pea.sample_work", lang, hi=sample_hi, positions=positions, rows=f"{rows:,}"))
        c_pos.number_input(t("pea.positions", lang), limits.PEADD_POSITIONS.lo, limits.PEADD_POSITIONS.hi, key=f"{qid}.positions",
                           step=1, help=t("pea.positions_help", lang) + lim(t("pea.positions", lang), limits.PEADD_POSITIONS))
        c_seed.number_input(t("pea.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{qid}.seed", step=1,
                            help=t("pea.seed_help", lang) + lim(t("pea.seed", lang), limits.SEED))
        c_measure.radio(t("pea.measure", lang), MEASURE.options, key=MEASURE.key(qid), horizontal=True,
                        format_func=lambda m: t(f"pea.measure.{m}", lang), help=t("pea.measure_help", lang))
        if requested != model_key:
            st.info(t("enc.model_missing", lang, name=MODELS[requested].pip_name, model=t(f"enc.model.{model_key}", lang)),
                    icon=":material/info:")
        with lesson.main():
            series = [(t(f"pea.read.{name}", lang), r.variant(f"{name}_{measure}"), colour, dashed) for name, colour, dashed in READINGS]
            lesson.chart(charts.recovery_lines(r.positions, series, len(r.token_ids), lang), key=f"{qid}.chart.recovery")
    lesson.note(t("pea.main.caption", lang, model=v["model"], sample=len(r.token_ids), candidates=v["candidates"], d=r.d,
                  positions=len(r.positions), last=int(r.positions[-1]), seed=r.seed, measure=v["measure"],
                  chance=num(1 / r.candidates), word=v["word_norm"], first=num(r.position_norms[0]), med=v["pos_norm_med"],
                  table_med=num(r.table_position_norm), rows=v["rows"], type=num(r.type_norm),
                  self_dot=pct(r.self_dot), sqrt=num(np.sqrt(r.d))))
    misses_section(r, measure, lang)
    spread_section(o, lang)
    lesson.note(t("pea.ortho.caption", lang, n=o.n, pairs=f"{o.n * (o.n - 1) // 2:,}", seed=o.seed, d=r.d, rms=v["rand_rms"],
                  theory=v["rand_theory"], max=v["rand_max"], model=v["model"], table=v["table_rms"], mean=v["table_mean"],
                  table_max=v["table_max"], centered=v["centered_rms"]))
    structure_section(s, lang)
    lesson.finish(qid, sections, (lab.recover, lab.orthogonality), PARAMS, lang)
