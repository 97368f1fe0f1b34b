"""Topic page: masks. Lessons `padding-mask` (a batch of the learner's sentences, padded, with and
without the padding mask, on a real encoder) and `batch-lengths` (how sentences are grouped into
batches, the padding each grouping wastes and the throughput measured)."""
from __future__ import annotations

import numpy as np
import streamlit as st

from tf_core import limits
from tf_core.models import registry
from ui import charts, encoders, lesson, params
from ui.i18n import t
from ui.text import md_escape, num, pct

PAGE = "masks"
SENTENCES = params.TextParam(
    "text",
    max_chars=limits.ENCODER_TEXT_CHARS,
    multiline=True,
    defaults=(
        ("en", "Short one.\nA somewhat longer sentence comes second.\nThe third sentence is the longest of these three, by far."),
        ("zh", "短句。\n第二句稍微长一些。\n第三句是这三句里最长的一句，长了不少。"),
    ),
)
PADDING = (
    SENTENCES,
    encoders.MODEL,
    params.Param("extra", limits.PAD_EXTRA),
    params.Param("layer", limits.ENCODER_LAYER),
    params.Param("head", limits.ENCODER_HEAD),
)
BATCHING = (
    encoders.MODEL,
    params.Param("n", limits.BATCH_SENTENCES),
    params.Param("bs", limits.BATCH_SIZE),
    params.Param("pool", limits.BATCH_POOL),
    params.Param("seed", limits.SEED),
)
LESSONS = {"padding-mask": PADDING, "batch-lengths": BATCHING}
LABS = {"padding-mask": "padding_mask", "batch-lengths": "batch_lengths"}

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS, LABS)  # torch loads here, under a spinner


def clamp(key: str, hi: int) -> int:
    st.session_state[key] = min(int(st.session_state[key]), hi)
    return int(st.session_state[key])


# --- lesson padding-mask ---------------------------------------------------------------------------
@st.cache_data(max_entries=64, show_spinner=False)
def run_padding(model_key: str, sentences: tuple[str, ...], extra: int, layer: int, head: int, _encoder):
    return lab.run(_encoder, sentences, max_tokens=limits.ENCODER_TOKENS, extra_pad=extra, layer=layer, head=head)


def padding_values(r) -> dict[str, str]:
    i = r.index
    return {
        "model": r.model,
        "n_sent": str(len(r.lengths)),
        "lengths": ", ".join(str(int(n)) for n in r.lengths),
        "T": str(r.batch_len),
        "extra": str(r.extra_pad),
        "diff_masked": num(r.diff_masked.max()),
        "diff_unmasked": num(r.diff_unmasked[i]),
        "pad_mass": pct(r.pad_mass),
        "pad_mass_max": pct(r.pad_mass_layers.max()),
        "layer": str(r.layer),
        "head": str(r.head),
        "pad_piece": md_escape(r.pad_piece),
        "n_pad": str(int(r.n_pad[i])),
        "n_real": str(int(r.lengths[i])),
        "fill_diff": num(r.row.fill_diff),
        "k": str(len(r.row.scores)),
        "uniform": num(r.row.neg_1e9[0]),
    }


def padding_lesson() -> None:
    sentences, too_many = lab.split_sentences(st.session_state[SENTENCES.key(LESSON)])
    joined = " ".join(sentences)
    model_key = registry.pick(joined, st.session_state[encoders.MODEL.key(LESSON)])
    enc = encoders.encoder(model_key, lang)
    cfg = enc.model.cfg
    layer = clamp(f"{LESSON}.layer", cfg.n_layers - 1)
    head = clamp(f"{LESSON}.head", cfg.n_heads - 1)
    extra = int(st.session_state[f"{LESSON}.extra"])
    r = run_padding(model_key, tuple(sentences), extra, layer, head, enc)
    sections = lesson.card(LESSON, lang, padding_values(r))
    lesson.short_answer(sections, lang)

    st.subheader(t("lesson.experiment", lang), divider="gray")
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    left.text_area(t("pad.sentences", lang), key=SENTENCES.key(LESSON), max_chars=limits.ENCODER_TEXT_CHARS, height=110,
                   help=t("pad.sentences_help", lang, n=limits.PAD_SENTENCES.hi))
    right.radio(t("enc.model", lang), options=encoders.MODEL.options, key=encoders.MODEL.key(LESSON), horizontal=True,
                format_func=lambda key: t(f"enc.model.{key}", lang), help=t("enc.model_help", lang))
    c1, c2, c3 = st.columns(3)
    c1.slider(t("pad.extra", lang), limits.PAD_EXTRA.lo, limits.PAD_EXTRA.hi, key=f"{LESSON}.extra")
    c2.slider(t("pad.layer", lang), 0, cfg.n_layers - 1, key=f"{LESSON}.layer")
    c3.slider(t("pad.head", lang), 0, cfg.n_heads - 1, key=f"{LESSON}.head")
    st.caption(t("enc.limits", lang, tokens=limits.ENCODER_TOKENS, chars=limits.ENCODER_TEXT_CHARS))
    lesson.reset_button(LESSON, PADDING, lang)
    if too_many:
        st.info(t("pad.too_many", lang, n=limits.PAD_SENTENCES.hi), icon=":material/info:")
    if r.truncated.any():
        st.warning(t("enc.truncated", lang, n=int(r.n_total.max()), cap=limits.ENCODER_TOKENS),
                   icon=":material/content_cut:")
    st.caption(t("pad.convention", lang))
    B, T = r.mask.shape
    st.caption(t("pad.batch", lang, B=B, T=T, real=int(r.lengths.sum()), pad=int(B * T - r.lengths.sum()),
                 pad_piece=md_escape(r.pad_piece), lengths=", ".join(str(int(n)) for n in r.lengths), index=r.index + 1))
    st.code("\n".join("  ".join(r.padded_pieces(b)) for b in range(B)), language=None, wrap_lines=True)

    pieces = r.padded_pieces(r.index)
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(f"**{t('pad.masked', lang)}**")
        lesson.chart(charts.token_heatmap(r.weights_masked, pieces, lang, None, scale=1.0, signed=False),
                     key=f"{LESSON}.chart.masked")
    with right:
        st.markdown(f"**{t('pad.unmasked', lang)}**")
        lesson.chart(charts.token_heatmap(r.weights_unmasked, pieces, lang, None, scale=1.0, signed=False),
                     key=f"{LESSON}.chart.unmasked")
    st.caption(t("pad.maps_caption", lang, layer=layer, head=head, mass=pct(r.pad_mass),
                 mass_max=pct(r.pad_mass_layers.max())))

    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(f"**{t('pad.mass', lang)}**")
        lesson.chart(charts.head_values(r.pad_mass_layers, (layer, head), lang, "padmass"), key=f"{LESSON}.chart.mass",
                     width="content")
    with right:
        st.markdown(f"**{t('pad.diff', lang)}**")
        st.dataframe({
            t("pad.col.sentence", lang): list(range(1, B + 1)),
            t("pad.col.tokens", lang): [int(n) for n in r.lengths],
            t("pad.col.masked", lang): [f"{d:.2e}" for d in r.diff_masked],
            t("pad.col.unmasked", lang): [f"{d:.3g}" for d in r.diff_unmasked],
        }, hide_index=True, width="stretch")
        st.caption(t("pad.diff_caption", lang))

    row = r.row
    st.markdown(f"**{t('pad.row', lang)}**")
    names = ("scores", "neg_inf", "neg_1e9", "finite_min", "core")
    table = {t("pad.row.key", lang): [t(f"pad.row.{n}", lang) for n in names]}
    for j in range(len(row.scores)):
        table[f"{t('pad.row.key', lang)} {j + 1}"] = [num(getattr(row, n)[j]) for n in names]
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(t("pad.row_caption", lang, index=r.index + 1, k=len(row.scores), layer=layer, head=head,
                 nan_spreads=t("pad.yes" if row.nan_spreads else "pad.no", lang)))
    lesson.finish(LESSON, sections, lab.run, PADDING, lang)


# --- lesson batch-lengths --------------------------------------------------------------------------
@st.cache_data(max_entries=32, show_spinner=False)
def run_batching(model_key: str, sentences: tuple[str, ...], bs: int, pool: int, seed: int, _encoder):
    return lab.run(_encoder, sentences, batch_size=bs, pool_batches=pool, seed=seed)


def batching_values(b) -> dict[str, str]:
    g = b.get
    return {
        "model": b.model,
        "device": b.device,
        "n": str(len(b.lengths)),
        "bs": str(b.batch_size),
        "pool": str(b.pool_batches),
        "min_len": str(int(b.lengths.min())),
        "max_len": str(int(b.lengths.max())),
        "pad_random": pct(g("random").pad_fraction),
        "pad_sorted": pct(g("sorted").pad_fraction),
        "pad_bucketed": pct(g("bucketed").pad_fraction),
        "pad_fixed": pct(b.fixed.pad_fraction),
        "fixed_len": str(b.max_tokens),
        "tps_random": f"{g('random').real_tokens_per_s:,.0f}",
        "tps_sorted": f"{g('sorted').real_tokens_per_s:,.0f}",
        "tps_bucketed": f"{g('bucketed').real_tokens_per_s:,.0f}",
        "speedup": f"{g('sorted').real_tokens_per_s / g('random').real_tokens_per_s:.2f}×",
        "attn_random": pct(g("random").attn_waste),
        "attn_sorted": pct(g("sorted").attn_waste),
        "T_random": ", ".join(str(int(x)) for x in g("random").padded_len),
        "T_sorted": ", ".join(str(int(x)) for x in g("sorted").padded_len),
    }


def batching_lesson() -> None:
    n, bs = int(st.session_state[f"{LESSON}.n"]), int(st.session_state[f"{LESSON}.bs"])
    pool, seed = int(st.session_state[f"{LESSON}.pool"]), int(st.session_state[f"{LESSON}.seed"])
    sentences = lab.sample_sentences(lang, n, seed)
    model_key = registry.pick(" ".join(sentences), st.session_state[encoders.MODEL.key(LESSON)])
    enc = encoders.encoder(model_key, lang)
    with st.spinner(t("batch.running", lang)):  # ~1 s: three batchings timed
        b = run_batching(model_key, sentences, bs, pool, seed, enc)
    sections = lesson.card(LESSON, lang, batching_values(b))
    lesson.short_answer(sections, lang)

    st.subheader(t("lesson.experiment", lang), divider="gray")
    c1, c2 = st.columns(2)
    c1.slider(t("batch.n", lang), limits.BATCH_SENTENCES.lo, limits.BATCH_SENTENCES.hi, key=f"{LESSON}.n")
    c2.slider(t("batch.size", lang), limits.BATCH_SIZE.lo, limits.BATCH_SIZE.hi, key=f"{LESSON}.bs")
    c3, c4, c5 = st.columns([2, 2, 3], vertical_alignment="bottom")
    c3.slider(t("batch.pool", lang), limits.BATCH_POOL.lo, limits.BATCH_POOL.hi, key=f"{LESSON}.pool")
    c4.number_input(t("batch.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{LESSON}.seed", step=1)
    c5.radio(t("enc.model", lang), options=encoders.MODEL.options, key=encoders.MODEL.key(LESSON), horizontal=True,
             format_func=lambda key: t(f"enc.model.{key}", lang))
    lesson.reset_button(LESSON, BATCHING, lang)

    cols = st.columns(3, gap="medium")
    y_max = int(max((s.real_tokens + s.pad_tokens).max() for s in b.strategies))
    for col, s in zip(cols, b.strategies):
        with col:
            lesson.chart(charts.batch_tokens(s.real_tokens, s.pad_tokens, lang, t(f"batch.strategy.{s.name}", lang),
                                             y_max), key=f"{LESSON}.chart.{s.name}")
    rows = [*b.strategies, b.fixed]
    st.dataframe({
        t("batch.col.strategy", lang): [t(f"batch.strategy.{s.name}", lang, T=b.max_tokens) for s in rows],
        t("batch.col.pad", lang): [pct(s.pad_fraction) for s in rows],
        t("batch.col.attn", lang): [f"{int(s.attn_cells.sum()):,}" for s in rows],
        t("batch.col.ms", lang): [num(1000 * s.median_s) if len(s.seconds) else "—" for s in rows],
        t("batch.col.tps", lang): [f"{s.real_tokens_per_s:,.0f}" if len(s.seconds) else "—" for s in rows],
    }, hide_index=True, width="stretch")
    st.caption(t("batch.caption", lang, n=len(b.lengths), min_len=int(b.lengths.min()), max_len=int(b.lengths.max()),
                 bs=b.batch_size, model=b.model, device=b.device, repeats=len(b.get("random").seconds),
                 fixed=b.max_tokens, pad_fixed=pct(b.fixed.pad_fraction)))
    st.code("\n".join(f"{int(n):3d}  {s}" for n, s in zip(b.lengths, b.sentences)), language=None, wrap_lines=True)
    lesson.finish(LESSON, sections, lab.run, BATCHING, lang)


@st.fragment
def lesson_body() -> None:
    """Everything below the title; a control reruns only this."""
    if LESSON == "batch-lengths":
        batching_lesson()
    else:
        padding_lesson()


lesson_body()
