"""Lesson `batch-lengths` of the masks page: how sentences are grouped into batches (at random, sorted by
length, or padded to one fixed length), the padding each grouping wastes, the attention cells it computes
and the throughput measured, on a real encoder over bundled sentences."""
from __future__ import annotations

import streamlit as st

from tf_core import limits
from tf_core.models import registry
from ui.caching import cached
from ui import encoders, lesson, params
from ui.charts import masks as charts
from ui.i18n import t
from ui.text import device_text, num, pct, speed_verdict

PARAMS = (encoders.MODEL, params.Param("n", limits.BATCH_SENTENCES), params.Param("bs", limits.BATCH_SIZE),
          params.Param("pool", limits.BATCH_POOL), params.Param("seed", limits.SEED))


@cached(32)
def run_batching(model_key: str, sentences: tuple[str, ...], bs: int, pool: int, seed: int, _encoder, _lab, _lang: str):
    """Through the main line (ui.decoders.run_in_line): up to ~3.6 s at the caps, and a timing, which
    another learner's long job running beside it would distort."""
    from ui import decoders

    return decoders.run_in_line(lambda _progress: _lab.run(_encoder, sentences, batch_size=bs, pool_batches=pool, seed=seed),
                                _lang, t("batch.running", _lang))


def batching_values(b, lang: str) -> dict[str, str]:
    return {
        "model": b.model,
        "device": device_text(b.device, lang),
        "n": str(len(b.lengths)),
        "bs": str(b.batch_size),
        "pool": str(b.pool_batches),
        "min_len": str(int(b.lengths.min())),
        "max_len": str(int(b.lengths.max())),
        **{f"pad_{s.name}": pct(s.pad_fraction) for s in (*b.strategies, b.fixed)},
        "fixed_len": str(b.max_tokens),
        **{f"tps_{s.name}": f"{s.real_tokens_per_s:,.0f}" for s in b.strategies},
        "speed_verdict": speed_verdict("batch.speed", b.speedup, lang),
        **{f"attn_{s.name}": pct(s.attn_waste) for s in b.strategies},
        **{f"share_{s.name}": pct(s.attn_flops_share, 1) for s in b.strategies},
        **{f"T_{s.name}": ", ".join(str(int(x)) for x in s.padded_len) for s in b.strategies},
        "n_star": f"{b.crossing_length:,}",
        "d": str(b.d_model), "d_ff": str(b.d_ff), "max_pos": str(b.max_positions),
    }


def body(qid: str, lang: str, lab) -> None:
    n, bs = int(st.session_state[f"{qid}.n"]), int(st.session_state[f"{qid}.bs"])
    pool, seed = int(st.session_state[f"{qid}.pool"]), int(st.session_state[f"{qid}.seed"])
    sentences = lab.sample_sentences(lang, n, seed)
    model_key = registry.pick(" ".join(sentences), st.session_state[encoders.MODEL.key(qid)])
    enc = encoders.encoder(model_key, lang)
    b = run_batching(model_key, sentences, bs, pool, seed, enc, lab, lang)  # its progress box says it runs
    values = batching_values(b, lang)
    sections = lesson.card(qid, lang, values)
    panel = lesson.answer(qid, sections, lang, [
        lesson.Figure(t("batch.fig.attn", lang, strategy=t(f"batch.strategy.{s.name}", lang, T=b.max_tokens)),
                      pct(s.attn_waste), t("batch.fig.attn_help", lang))
        for s in b.strategies[:2]
    ] + [lesson.Figure(t("batch.fig.tps", lang, strategy=t(f"batch.strategy.{s.name}", lang, T=b.max_tokens)),
                       f"{s.real_tokens_per_s:,.0f}", t("batch.fig.tps_help", lang, device=values["device"]))
         for s in b.strategies[:2]])

    with panel:
        c1, c2, c3, c4, c5 = lesson.controls(qid, PARAMS, lang, [2, 2, 2, 2, 2])
        c1.slider(t("batch.n", lang), limits.BATCH_SENTENCES.lo, limits.BATCH_SENTENCES.hi, key=f"{qid}.n")
        c2.slider(t("batch.size", lang), limits.BATCH_SIZE.lo, limits.BATCH_SIZE.hi, key=f"{qid}.bs")
        c3.slider(t("batch.pool", lang), limits.BATCH_POOL.lo, limits.BATCH_POOL.hi, key=f"{qid}.pool")
        c4.number_input(t("batch.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{qid}.seed", step=1,
                        help=lesson.limits_help(lang, [(t("batch.seed", lang), limits.SEED)]))
        c5.selectbox(t("enc.model", lang), options=encoders.MODEL.options, key=encoders.MODEL.key(qid),
                     format_func=lambda key: t(f"enc.model.{key}", lang))

        y_max = int(max((s.real_tokens + s.pad_tokens).max() for s in b.strategies))
        with lesson.main():
            for col, s in zip(st.columns(3, gap="medium"), b.strategies):
                with col:
                    lesson.chart(charts.batch_tokens(s.real_tokens, s.pad_tokens, lang,
                                                     t(f"batch.strategy.{s.name}", lang), y_max), key=f"{qid}.chart.{s.name}")
    rows = [*b.strategies, b.fixed]
    timed = lambda s, text: text if len(s.seconds) else "—"  # noqa: E731 - the fixed length is not timed
    st.dataframe({
        t("batch.col.strategy", lang): [t(f"batch.strategy.{s.name}", lang, T=b.max_tokens) for s in rows],
        t("batch.col.pad", lang): [pct(s.pad_fraction) for s in rows],
        t("batch.col.attn", lang): [f"{int(s.attn_cells.sum()):,}" for s in rows],
        t("batch.col.attn_share", lang): [pct(s.attn_flops_share, 1) for s in rows],
        t("batch.col.ms", lang): [timed(s, num(1000 * s.median_s)) for s in rows],
        t("batch.col.tps", lang): [timed(s, f"{s.real_tokens_per_s:,.0f}") for s in rows],
    }, hide_index=True, width="stretch")
    lesson.note(t("batch.caption", lang, **values, repeats=len(b.get("random").seconds), fixed=b.max_tokens))
    lesson.note(t("batch.flops_caption", lang, **values))
    st.code("\n".join(f"{int(n):3d}  {s}" for n, s in zip(b.lengths, b.sentences)), language=None, wrap_lines=True)
    lesson.finish(qid, sections, lab.run, PARAMS, lang)
