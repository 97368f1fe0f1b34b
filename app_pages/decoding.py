"""Topic page: decoding. Lessons `parallelism` (where a Transformer runs in parallel, and whether a
decoder can: one teacher-forced call of n tokens against n cached one-token steps, and the blocks of
one call timed one after another) and `kv-cache` (greedy decoding with and without the KV cache:
speed, identical tokens, the cache's bytes, why no query is ever cached). Both run a real decoder
(SmolLM2-135M, or the repository's tiny GPT when its checkpoint is there) on the learner's prompt.

The runs take seconds (a SmolLM2 step is ~0.1 s on a 2-core CPU), so they go through
tf_core.worker (a classroom waits in line, with its position shown) with a progress bar, and their
results are cached by their inputs: a control that does not change a run's inputs does not repeat it.
The defaults are smaller than the caps in tf_core.limits, so a first visit takes a few seconds.
"""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from tf_core import limits
from ui.caching import cached
from ui import decoders, lesson, params
from ui.charts import decoding as charts
from ui.i18n import t
from ui.text import device_text, md_escape, num, pct, speed_verdict, spoken

PAGE = "decoding"
# Page defaults below the caps: a first visit runs ~16 sequential SmolLM2 steps per side, a few seconds.
PARALLEL_N = limits.IntRange(limits.PARALLEL_N.lo, limits.PARALLEL_N.hi, 16)
PARALLEL_REPEATS = limits.IntRange(limits.PARALLEL_REPEATS.lo, limits.PARALLEL_REPEATS.hi, 1)
KV_NEW = limits.IntRange(limits.KV_NEW_TOKENS.lo, limits.KV_NEW_TOKENS.hi, 16)
# The layer of the "no Q cache" demonstration: any layer of a model with up to 64 (clamped to the model in use).
KV_LAYER = limits.IntRange(0, 63, 0)

PARALLEL = (
    decoders.PROMPT,
    decoders.MODEL,
    params.Param("n", PARALLEL_N),
    params.Param("repeats", PARALLEL_REPEATS),
)
KV = (
    decoders.PROMPT,
    decoders.MODEL,
    params.Param("new", KV_NEW),
    params.Param("layer", KV_LAYER),
    params.Param("seed", limits.SEED),
)
LESSONS = {"parallelism": PARALLEL, "kv-cache": KV}

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS)  # torch loads here, under a spinner


def ms(seconds: float) -> str:
    return "—" if not math.isfinite(seconds) else num(1000 * seconds)


def fmt(x: float) -> str:
    """A measured difference; "—" where the measurement does not exist (NaN)."""
    return "—" if not math.isfinite(x) else num(x)


def start():
    """The loaded model of the lesson's choice (None when it cannot load) and the cleaned prompt."""
    key = decoders.chosen(LESSON, lang)
    dec = decoders.decoder(key, lang)
    text = decoders.prompt(LESSON)
    return dec, text


def bad_run(e: Exception) -> None:
    st.info(t("dec.cannot_run", lang, reason=md_escape(str(e), max_len=200)), icon=":material/info:")


# --- lesson parallelism ------------------------------------------------------------------------------
@cached(32)
def run_parallel(model_key: str, text: str, n: int, repeats: int, _dec, _label: str):
    """Cached by (model, prompt, n, repeats); the lab advances the bar after each forward call."""
    def job(progress):
        return lab.run(_dec.model, _dec.tokenizer, text, n=n, repeats=repeats, on_progress=progress.step)

    return decoders.run_in_line(job, lang, _label)


def parallel_values(r, dec) -> dict[str, str]:
    same = int((r.argmax_parallel == r.argmax_sequential).sum())
    timing = t("par.layer_timing", lang, layers=len(r.layer_seconds), block=ms(float(r.layer_seconds.mean())),
               first=ms(float(r.layer_seconds[0])), last_start=ms(float(r.layer_start[-1])),
               blocks=ms(float(r.layer_seconds.sum())), call=ms(r.call_seconds), share=pct(r.layers_share))
    return {
        "model": dec.label,
        "n": str(r.n),
        "n_prompt": str(r.n_prompt),
        "repeats": str(r.repeats),
        "t_one": ms(r.parallel_seconds),
        "t_steps": ms(r.sequential_seconds),
        "speedup": f"{r.speedup:.1f}×",
        "per_pos_one": ms(r.parallel_seconds / r.n),
        "per_pos_steps": ms(r.sequential_seconds / r.n),
        "max_diff": num(r.max_abs_diff),
        "rel_diff": num(r.relative_diff),
        "diff_verdict": t("par.diff.rounding" if r.rounding_only else "par.diff.beyond", lang, dtype=r.dtype),
        "same_argmax": f"{same} / {r.n}",
        "layers": str(dec.cfg.n_layers),
        "layer_timing": timing,
        "device": device_text(r.device, lang),
    }


def parallel_controls() -> None:
    """One row: the prompt, the model, n, repeats, Reset (the caps are in the sliders' help)."""
    c_prompt, c_model, c1, c2 = lesson.controls(LESSON, PARALLEL, lang, [3, 2, 2, 2])
    decoders.controls(LESSON, lang, c_prompt, c_model)
    caps = " " + t("par.limits", lang, n_lo=PARALLEL_N.lo, n_hi=PARALLEL_N.hi, r_lo=PARALLEL_REPEATS.lo,
                   r_hi=PARALLEL_REPEATS.hi, chars=limits.DECODER_TEXT_CHARS)
    c1.slider(t("par.n", lang), PARALLEL_N.lo, PARALLEL_N.hi, key=f"{LESSON}.n", help=t("par.n_help", lang) + caps)
    c2.slider(t("par.repeats", lang), PARALLEL_REPEATS.lo, PARALLEL_REPEATS.hi, key=f"{LESSON}.repeats",
              help=t("par.repeats_help", lang) + caps)


def parallelism_lesson() -> None:
    dec, text = start()
    n, repeats = int(st.session_state[f"{LESSON}.n"]), int(st.session_state[f"{LESSON}.repeats"])
    r, problem = None, None
    ok = dec is not None and decoders.prompt_notices(dec, text, lang)
    if ok:
        kept, _ = decoders.usable(dec, text)
        try:
            r = run_parallel(dec.key, kept, n, repeats, dec, t("par.running", lang, n=n, repeats=repeats))
        except ValueError as e:
            problem = e
    values = parallel_values(r, dec) if r is not None else None
    sections = lesson.card(LESSON, lang, values) if r is not None else None
    panel = st.container()  # no run: the controls alone, to choose again
    if sections:
        same = int((r.argmax_parallel == r.argmax_sequential).sum())
        panel = lesson.answer(LESSON, sections, lang, [
            lesson.Figure(t("par.m_steps", lang, n=r.n), f"{ms(r.sequential_seconds)} ms"),
            lesson.Figure(t("par.fig.blocks", lang), pct(r.layers_share),
                          t("par.fig.blocks_help", lang, layers=len(r.layer_seconds))),
            lesson.Figure(t("par.m_diff", lang), num(r.max_abs_diff), t("par.m_diff_help", lang, same=same, n=r.n)),
        ])
    with panel:
        parallel_controls()
    if problem is not None:
        bad_run(problem)
    if r is None:
        params.write_url(LESSON, LESSON, PARALLEL, lang)
        return

    if r.n_prompt < r.n:
        strip = t("par.tokens_repeated", lang, n=r.n, n_prompt=r.n_prompt)
    elif r.truncated:
        strip = t("par.tokens_cut", lang, n=r.n)
    else:
        strip = t("dec.tokens", lang, n=r.n)
    with panel, lesson.main():
        st.markdown(f"**{t('par.curve', lang)}**")
        lesson.chart(charts.parallel_per_position(r, lang), key=f"{LESSON}.chart.curve")
        lesson.note(t("par.curve_caption", lang, lo=int(r.grid_n[0]), hi=int(r.grid_n[-1]),
                      one_lo=ms(float(r.per_position_parallel[0])), one_hi=ms(float(r.per_position_parallel[-1])),
                      step=ms(float(r.per_position_sequential[-1]))))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.markdown(f"**{t('par.layers', lang, n=r.n)}**")
        lesson.chart(charts.layer_timeline(r, lang), key=f"{LESSON}.chart.layers")
        lesson.note(t("par.layers_caption", lang, layers=len(r.layer_seconds), blocks=ms(float(r.layer_seconds.sum())),
                      call=ms(r.call_seconds), share=pct(r.layers_share),
                      head=ms(r.call_seconds - float(r.layer_seconds.sum()))))
    with right:
        lesson.note(t("par.metrics_caption", lang, model=dec.label, n=r.n, repeats=r.repeats,
                      same=int((r.argmax_parallel == r.argmax_sequential).sum()), rel=values["rel_diff"],
                      verdict=values["diff_verdict"], clipped=charts.clipped_note("par", r.clipped_steps, lang)))
    decoders.token_strip(r.pieces, lang, strip, r.byte_pieces, LESSON)
    lesson.finish(LESSON, sections, lab.run, PARALLEL, lang)


# --- lesson kv-cache ---------------------------------------------------------------------------------
@cached(32)
def run_kv(model_key: str, text: str, n_new: int, _dec, _label: str):
    """Cached by (model, prompt, new tokens asked): both decodes, timed step by step (the lab cuts
    n_new to the model's context and says so). The demonstration layer and seed are not inputs here
    (layer 0, seed 0; other ones: :func:`run_no_q`)."""
    def job(progress):
        return lab.run(_dec.model, _dec.tokenizer, text, n_new=n_new, layer=0, seed=0, on_progress=progress.step)

    return decoders.run_in_line(job, lang, _label)


@cached(64)
def run_no_q(model_key: str, text: str, n_new: int, layer: int, seed: int, _dec, _r):
    """The no-Q-cache demonstrations at another layer or seed, on the cached run's text: five
    forwards, not a new decode."""
    def job(_progress):
        return lab.no_query_cache_at(_dec.model, _r, layer, seed)

    return decoders.run_in_line(job, lang, t("kv.running_no_q", lang, layer=layer))


def with_ms(value: str) -> str:
    """A formatted time in ms with its unit ("—" stays bare: nothing was measured)."""
    return value if value == "—" else f"{value} ms"


def mb(n_bytes: float) -> str:
    return num(n_bytes / 1e6)


def kv_values(r, q, dec) -> dict[str, str]:
    rate_c, rate_u = r.tokens_per_second_cached, r.tokens_per_second_uncached
    after = r.step_uncached[1:]  # step 0 reads the prompt on both sides
    quarter = max(1, len(after) // 4)  # medians over the first and the last quarter: one noisy step moves neither
    diff = fmt(r.logits_diff)
    return {
        "model": dec.label,
        "n_prompt": str(r.n_prompt),
        "n_new": str(r.n_new),
        "n_uncached": str(r.n_uncached),
        "uncached_cap": str(limits.KV_UNCACHED_TOKENS),
        "tps_cached": fmt(rate_c),
        "tps_uncached": fmt(rate_u),
        "rate_said": (t("kv.rate_said", lang, n=r.n_new, cached=spoken(fmt(rate_c), lang), uncached=spoken(fmt(rate_u), lang))
                      if r.n_new > 1 else t("kv.rate_none", lang)),
        "rate_verdict": speed_verdict("kv.speed", r.rate_ratio, lang),
        "step_cached": ms(float(np.median(r.step_cached[1:]))) if r.n_new > 1 else "—",
        "step_uncached": ms(float(np.median(after))) if len(after) else "—",
        "uncached_first": ms(float(np.median(after[:quarter]))) if len(after) else "—",
        "uncached_last": ms(float(np.median(after[-quarter:]))) if len(after) else "—",
        "pos_first": str(r.n_prompt + 1),
        "pos_last": str(r.n_prompt + r.n_uncached - 1),
        "same_tokens": decoders.yes_no(r.same_tokens, lang),
        "logits_diff": fmt(r.logits_diff),
        "positions": str(r.cache_positions),
        "layers": str(r.n_layers),
        "kv_heads": str(r.n_kv_heads),
        "d_head": str(r.d_head),
        "bytes_per_number": str(r.bytes_per_number),
        "formula_bytes": f"{r.formula_bytes:,}",
        "cache_bytes": f"{r.cache_bytes:,}",
        "cache_mb": mb(r.cache_bytes),
        "per_position": f"{r.bytes_per_position:,}",
        "context": f"{r.max_positions:,}",
        "context_mb": mb(r.context_bytes),
        "q_layer": str(q.layer),
        "q_positions": str(q.positions),
        "q_zero": fmt(q.past_queries_zero_diff),
        "q_random": fmt(q.past_queries_random_diff),
        "q_key": fmt(q.past_key_diff),
        "q_step": fmt(q.step_logits_diff),
        "q_cache_key": fmt(q.cache_key_diff),
        "q_cache_value": fmt(q.cache_value_diff),
        "teacher_diff": fmt(r.teacher_forced_diff),
        "teacher_same": decoders.yes_no(r.teacher_forced_same_argmax, lang),
        "formula_check": t("kv.formula.same" if r.formula_matches else "kv.formula.differ", lang),
        "dtype": r.dtype,
        "weight_mb": mb(r.weight_bytes),
        "weights_share": pct(r.weights_share, 1),  # 99.7%, not a rounded-up 100%
        "crossing": f"{r.crossing_tokens:,}",
        "crossing_batch": str(r.crossing_batch),
        "bytes_verdict": t("kv.bytes.weights" if r.weight_bytes > r.cache_bytes else "kv.bytes.cache", lang),
        "gqa_verdict": t("kv.gqa.grouped" if r.n_kv_heads < r.n_heads else "kv.gqa.mha", lang, model=dec.label,
                         heads=r.n_heads, kv=r.n_kv_heads, mha=f"{r.mha_bytes:,}",
                         context_mha=mb(r.context_bytes * r.n_heads / r.n_kv_heads), saving=pct(r.gqa_saving)),
        "output_verdict": t("kv.output.same", lang, diff=diff) if r.same_tokens else t(
            "kv.output.differ", lang, diff=diff, same=r.same_prefix, k=r.n_uncached),
    }


def kv_controls(n_layers: int) -> None:
    """One row: the prompt, the model, new tokens, the demonstration's layer and seed, Reset."""
    c_prompt, c_model, c1, c2, c3 = lesson.controls(LESSON, KV, lang, [3, 2, 2, 2, 1.5])
    decoders.controls(LESSON, lang, c_prompt, c_model)
    caps = " " + t("kv.limits", lang, lo=KV_NEW.lo, hi=KV_NEW.hi, cap=limits.KV_UNCACHED_TOKENS,
                   tokens=limits.DECODER_TOKENS, chars=limits.DECODER_TEXT_CHARS)
    c1.slider(t("kv.new", lang), KV_NEW.lo, KV_NEW.hi, key=f"{LESSON}.new",
              help=t("kv.new_help", lang, cap=limits.KV_UNCACHED_TOKENS) + caps)
    c2.slider(t("kv.layer", lang), 0, max(n_layers - 1, 1), key=f"{LESSON}.layer", disabled=n_layers < 2,
              help=t("kv.layer_help", lang))
    c3.number_input(t("kv.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{LESSON}.seed", step=1,
                    help=lesson.limits_help(lang, [(t("kv.seed", lang), limits.SEED)]))


def kv_lesson() -> None:
    dec, text = start()
    n_layers = dec.cfg.n_layers if dec is not None else 1
    layer = params.clamp(f"{LESSON}.layer", 0, n_layers - 1)
    seed = int(st.session_state[f"{LESSON}.seed"])
    n_new = int(st.session_state[f"{LESSON}.new"])
    r, q, problem = None, None, None
    ok = dec is not None and decoders.prompt_notices(dec, text, lang)
    if ok:
        kept, _ = decoders.usable(dec, text)
        try:
            r = run_kv(dec.key, kept, n_new, dec, t("kv.running", lang, n=n_new, k=min(n_new, limits.KV_UNCACHED_TOKENS)))
            q = r.no_q if (layer, seed) == (0, 0) else run_no_q(dec.key, kept, n_new, layer, seed, dec, r)
        except ValueError as e:
            problem = e
    values = kv_values(r, q, dec) if r is not None else None
    sections = lesson.card(LESSON, lang, values) if r is not None else None
    panel = st.container()  # no run: the controls alone, to choose again
    if sections:
        panel = lesson.answer(LESSON, sections, lang, [
            lesson.Figure(t("kv.fig.step_cached", lang), with_ms(values["step_cached"]),
                          t("kv.fig.step_help", lang, rate=fmt(r.tokens_per_second_cached))),
            lesson.Figure(t("kv.fig.step_uncached", lang), with_ms(values["step_uncached"]),
                          t("kv.fig.step_help", lang, rate=fmt(r.tokens_per_second_uncached))),
            lesson.Figure(t("kv.m_same", lang), values["same_tokens"], t("kv.m_same_help", lang, diff=values["logits_diff"])),
            lesson.Figure(t("kv.fig.weights", lang), values["weights_share"],
                          t("kv.fig.weights_help", lang, weights=values["weight_mb"])),
        ])
    with panel:
        kv_controls(n_layers)
    if problem is not None:
        bad_run(problem)
    if r is None:
        params.write_url(LESSON, LESSON, KV, lang)
        return
    if r.context_cut:
        st.info(t("kv.context_cut", lang, model=dec.label, asked=r.n_new_asked, n=r.n_new, context=r.max_positions,
                  T=r.n_prompt), icon=":material/content_cut:")
    if r.truncated:
        st.warning(t("dec.truncated", lang, cap=limits.DECODER_TOKENS), icon=":material/content_cut:")
    with panel, lesson.main():
        st.markdown(f"**{t('kv.steps', lang)}**")
        lesson.chart(charts.decode_steps(r, lang), key=f"{LESSON}.chart.steps")
        lesson.note(t("kv.steps_caption", lang, T=r.n_prompt, k=r.n_uncached, cap=limits.KV_UNCACHED_TOKENS,
                      cached=values["step_cached"], uncached=values["step_uncached"], first=values["uncached_first"],
                      last=values["uncached_last"], pos_first=values["pos_first"], pos_last=values["pos_last"],
                      clipped=charts.clipped_note("kv", r.clipped_steps, lang)))
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(f"**{t('kv.memory', lang)}**")
        lesson.chart(charts.kv_memory(r, lang), key=f"{LESSON}.chart.memory")
        lesson.note(t("kv.memory_caption", lang, L=r.n_layers, n=r.cache_positions, kv=r.n_kv_heads, dh=r.d_head,
                      b=r.bytes_per_number, formula=f"{r.formula_bytes:,}", measured=f"{r.cache_bytes:,}",
                      heads=r.n_heads, mha=f"{r.mha_bytes:,}", saving=pct(r.gqa_saving)))
    with right:
        decoders.token_strip(r.pieces, lang, t("kv.prompt_tokens", lang, n=r.n_prompt), r.byte_pieces, LESSON)
        lesson.note(t("kv.generated", lang, n=r.n_new, same=values["same_tokens"], k=r.n_uncached))
        st.code(dec.text(r.tokens), language=None, wrap_lines=True)

    st.markdown(f"**{t('kv.no_q', lang)}**")
    rows = [("kv.q.zero", q.past_queries_zero_diff), ("kv.q.random", q.past_queries_random_diff),
            ("kv.q.key", q.past_key_diff), ("kv.q.step", q.step_logits_diff),
            ("kv.q.cache_key", q.cache_key_diff), ("kv.q.cache_value", q.cache_value_diff)]
    st.dataframe({
        t("kv.q.what", lang): [t(k, lang) for k, _ in rows],
        t("kv.q.diff", lang): [fmt(v) for _, v in rows],
    }, hide_index=True, width="stretch")
    lesson.note(t("kv.no_q_caption", lang, layer=q.layer, S=q.positions, seed=seed))
    if q.positions < 2:
        st.info(t("kv.no_q_short", lang), icon=":material/info:")
    lesson.note(t("kv.teacher_caption", lang, k=r.n_uncached, diff=values["teacher_diff"], same=values["teacher_same"]))
    lesson.finish(LESSON, sections, lab.run, KV, lang)


@lesson.fragment
def lesson_body() -> None:
    """Everything below the title; a control reruns only this."""
    if LESSON == "kv-cache":
        kv_lesson()
    else:
        parallelism_lesson()


lesson_body()
