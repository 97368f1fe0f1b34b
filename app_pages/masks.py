"""Topic page: masks. Lessons `padding-mask` (a batch of the learner's sentences, padded, with and
without the padding mask, on a real encoder), `batch-lengths` (how sentences are grouped into
batches, the padding each grouping wastes and the throughput measured), `causal-mask` (a decoder,
SmolLM2 or the tiny GPT, on the learner's prompt with one token replaced, with and without the causal
mask) and `residual-leak` (the same change followed through every sub-step of every block). The body of
`batch-lengths` lives in app_pages/lessons/batch_lengths.py (this page passed ~500 lines; see
app_pages/lessons/__init__.py)."""
from __future__ import annotations

import numpy as np
import streamlit as st

from tf_core import limits
from tf_core.models import registry
from app_pages.lessons import batch_lengths
from ui.caching import cached
from ui import decoders, encoders, lesson, params
from ui.charts import masks as charts
from ui.charts import shared
from ui.i18n import STRINGS, t
from ui.text import device_text, md_escape, num, pct

PAGE = "masks"
SENTENCES = params.TextParam("text", max_chars=limits.ENCODER_TEXT_CHARS, multiline=True, defaults=(
    ("en", "Short one.\nA somewhat longer sentence comes second.\nThe third sentence is the longest of these three, by far."),
    ("zh", "短句。\n第二句稍微长一些。\n第三句是这三句里最长的一句，长了不少。"),
))
PADDING = (SENTENCES, encoders.MODEL, params.Param("extra", limits.PAD_EXTRA),
           params.Param("layer", limits.ENCODER_LAYER), params.Param("head", limits.ENCODER_HEAD))


# The decoder lessons run SmolLM2-135M-Instruct (30 layers, 9 heads) or the tiny GPT (ui/decoders loads
# each once per process): the layer and head sliders take SmolLM2's ranges, and the page clamps them to
# the loaded model. p starts at 1 (position 0 has nothing before it); its defaults fall on a whole word
# of each default prompt with SmolLM2 (en " village", zh "有").
PROMPT = decoders.PROMPT
POSITION = params.LangParam("pos", limits.DECODER_POSITION, by_lang=(("zh", 14),))
# A replacement word (its first token is used): a word is a few pieces; 40 characters hold any word.
WORD_CHARS = limits.DECODER_WORD_CHARS
WORD = params.TextParam("word", max_chars=WORD_CHARS, defaults=(("en", ""), ("zh", "")))
CAUSAL = (PROMPT, decoders.MODEL, POSITION, WORD, params.Param("layer", limits.DECODER_LAYER),
          params.Param("head", limits.DECODER_HEAD))
LEAK = (PROMPT, decoders.MODEL, POSITION, WORD, params.Param("layer", limits.DECODER_LAYER))
LESSONS = {"padding-mask": PADDING, "batch-lengths": batch_lengths.PARAMS, "causal-mask": CAUSAL, "residual-leak": LEAK}

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS)  # torch loads here, under a spinner


# --- lesson padding-mask ---------------------------------------------------------------------------
@cached(64)
def run_padding(model_key: str, sentences: tuple[str, ...], extra: int, layer: int, head: int, _encoder):
    """Through the line for medium work (tf_core.worker.medium_worker): ~0.2 s at the defaults, up to ~1.6 s
    at the caps, one such run at a time, never behind a long job."""
    from ui import jobs

    return jobs.run(lab.run, _encoder, sentences, max_tokens=limits.ENCODER_TOKENS, extra_pad=extra, layer=layer,
                    head=head, lang=lang, medium=True)


def padding_values(r) -> dict[str, str]:
    i, row = r.index, r.row
    return {
        "model": r.model,
        "n_sent": str(len(r.lengths)),
        "lengths": ", ".join(str(int(n)) for n in r.lengths),
        "T": str(r.batch_len),
        "extra": str(r.extra_pad),
        "diff_masked": num(r.diff_masked.max()),
        "masked_verdict": t(f"pad.verdict.{r.masked_verdict}", lang, dtype=r.dtype),
        "diff_unmasked": num(r.diff_unmasked[i]),
        "pad_mass": pct(r.pad_mass),
        "pad_mass_max": pct(r.pad_mass_layers.max()),
        "layer": str(r.layer), "head": str(r.head),
        "pad_piece": md_escape(r.pad_piece),
        "n_pad": str(int(r.n_pad[i])), "n_real": str(int(r.lengths[i])),
        "device": device_text(r.device, lang),
        "dtype": r.dtype,
        "fill_diff": num(row.fill_diff),
        "fill_same": t("pad.fill.same" if row.fill_diff == 0 else "pad.fill.differ", lang),
        "k": str(len(row.scores)),
        "uniform": num(row.neg_1e9[0]),
        **{f"out_{name}": t(f"pad.out.{word}", lang, v=num(v)) for name, (word, v) in row.outcomes.items()},
        "nan_spreads": t("pad.nan.yes" if row.nan_spreads else "pad.nan.no", lang),
    }


def padding_lesson() -> None:
    sentences, too_many = lab.split_sentences(st.session_state[SENTENCES.key(LESSON)])
    model_key = registry.pick(" ".join(sentences), st.session_state[encoders.MODEL.key(LESSON)])
    enc = encoders.encoder(model_key, lang)
    cfg = enc.model.cfg
    layer = params.clamp(f"{LESSON}.layer", 0, cfg.n_layers - 1)
    head = params.clamp(f"{LESSON}.head", 0, cfg.n_heads - 1)
    r = run_padding(model_key, tuple(sentences), int(st.session_state[f"{LESSON}.extra"]), layer, head, enc)
    values = padding_values(r)
    sections = lesson.card(LESSON, lang, values)
    panel = lesson.answer(LESSON, sections, lang, [
        lesson.Figure(t("pad.fig.worst", lang), num(r.diff_unmasked.max()),
                      t("pad.fig.worst_help", lang, extra=values["extra"], n=len(r.lengths))),
        lesson.Figure(t("pad.fig.mass_max", lang), values["pad_mass_max"], t("pad.fig.mass_max_help", lang)),
        lesson.Figure(t("pad.fig.pads", lang), f"{int(r.n_pad.sum())} / {r.mask.size}", t("pad.fig.pads_help", lang)),
    ])

    with panel:
        c_text, c_model, c1, c2, c3 = lesson.controls(LESSON, PADDING, lang, [4, 2, 2, 2, 2])
        c_text.text_area(t("pad.sentences", lang), key=SENTENCES.key(LESSON), max_chars=limits.ENCODER_TEXT_CHARS, height=68,
                         help=t("pad.sentences_help", lang, n=limits.PAD_SENTENCES.hi) + " "
                         + t("enc.limits", lang, tokens=limits.ENCODER_TOKENS, chars=limits.ENCODER_TEXT_CHARS))
        c_model.selectbox(t("enc.model", lang), options=encoders.MODEL.options, key=encoders.MODEL.key(LESSON),
                          format_func=lambda key: t(f"enc.model.{key}", lang), help=t("enc.model_help", lang))
        c1.slider(t("pad.extra", lang), limits.PAD_EXTRA.lo, limits.PAD_EXTRA.hi, key=f"{LESSON}.extra",
                  help=lesson.limits_help(lang, [(t("pad.extra", lang), limits.PAD_EXTRA)]))
        c2.slider(t("pad.layer", lang), 0, cfg.n_layers - 1, key=f"{LESSON}.layer")
        c3.slider(t("pad.head", lang), 0, cfg.n_heads - 1, key=f"{LESSON}.head")
        if too_many:
            st.info(t("pad.too_many", lang, n=limits.PAD_SENTENCES.hi), icon=":material/info:")
        if r.truncated.any():
            st.warning(t("enc.truncated", lang, n=int(r.n_total.max()), cap=limits.ENCODER_TOKENS),
                       icon=":material/content_cut:")

        B, T = r.mask.shape
        pieces = r.padded_pieces(r.index)
        with lesson.main():
            for name, w in zip(("masked", "unmasked"), (r.weights_masked, r.weights_unmasked)):
                st.markdown(f"**{t(f'pad.{name}', lang)}**")
                pads = ~r.mask[r.index] if name == "masked" else None  # the masked map's white cells: "masked"
                lesson.chart(shared.token_heatmap(w, pieces, lang, None, scale=1.0, signed=False, masked_keys=pads),
                             key=f"{LESSON}.chart.{name}")
    lesson.note(t("pad.maps_caption", lang, layer=layer, head=head, mass=values["pad_mass"],
                  mass_max=values["pad_mass_max"]))
    st.caption(t("pad.convention", lang))
    lesson.note(t("pad.batch", lang, B=B, T=T, real=int(r.lengths.sum()), pad=int(r.n_pad.sum()),
                 pad_piece=values["pad_piece"], lengths=values["lengths"], index=r.index + 1))
    st.code("\n".join("  ".join(r.padded_pieces(b)) for b in range(B)), language=None, wrap_lines=True)

    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(f"**{t('pad.mass', lang)}**")
        lesson.chart(shared.head_values(r.pad_mass_layers, (layer, head), lang, "padmass"), key=f"{LESSON}.chart.mass",
                     width="content")
    with right:
        st.markdown(f"**{t('pad.diff', lang)}**")
        st.dataframe({
            t("pad.col.sentence", lang): list(range(1, B + 1)),
            t("pad.col.tokens", lang): [int(n) for n in r.lengths],
            t("pad.col.masked", lang): [f"{d:.2e}" for d in r.diff_masked],
            t("pad.col.unmasked", lang): [f"{d:.3g}" for d in r.diff_unmasked],
        }, hide_index=True, width="stretch")
        lesson.note(t("pad.diff_caption", lang, verdict=values["masked_verdict"]))

    st.markdown(f"**{t('pad.row', lang)}**")
    key = t("pad.row.key", lang)
    table = {key: [t(f"pad.row.{name}", lang, dtype=r.dtype) for name, _ in r.row.table]}
    table |= {f"{key} {j + 1}": [num(v[j]) for _, v in r.row.table] for j in range(len(r.row.scores))}
    st.dataframe(table, hide_index=True, width="stretch")
    lesson.note(t("pad.row_caption", lang, **values, index=r.index + 1))
    lesson.finish(LESSON, sections, lab.run, PADDING, lang)


# --- decoder lessons causal-mask and residual-leak: a decoder on the learner's prompt ---------------
@cached(12)
def run_decoder(qid: str, model_key: str, text: str, position: int, replacement: int | None, _dec, _label: str):
    """Cached by the lesson and its inputs (not the layer or head: the result holds every one), through
    the bounded worker, the bar advanced by the lab after each forward pass. Up to ~9 MB a result
    (SmolLM2's maps), so few entries."""
    def job(progress):
        return lab.run(_dec.model, _dec.tokenizer, text, position=position, replacement=replacement,
                       on_progress=progress.step)

    return decoders.run_in_line(job, lang, _label)


def no_run() -> None:
    """Nothing to run (the model cannot load, or no prompt works): the controls still, to choose again."""
    decoders.controls(LESSON, lang)
    params.write_url(LESSON, LESSON, LESSONS[LESSON], lang)


def decoder_run(label_key: str):
    """What both decoder lessons share above their charts: the chosen decoder, the learner's input
    resolved by the lab (a default prompt when it is empty or too short, p clamped, the word's first
    token) with its notices, and the cached run: (decoder, result, word notice); the result None
    when there is nothing to run (:func:`no_run`)."""
    dec = decoders.decoder(decoders.chosen(LESSON, lang), lang)
    if dec is None:  # ui.decoders has said why
        no_run()
        return None, None, None
    text = decoders.readable(dec, decoders.prompt(LESSON), lang)  # the tiny GPT: its characters only
    word, _ = WORD.clean(st.session_state[WORD.key(LESSON)])
    defaults = (PROMPT.default_for(lang), PROMPT.default_for("en"))  # the tiny GPT reads no Chinese
    try:
        inputs = lab.resolve(dec.tokenizer, text, defaults, int(st.session_state[POSITION.key(LESSON)]), word)
    except ValueError as e:
        st.info(t("dec.cannot_run", lang, reason=md_escape(str(e), max_len=200)), icon=":material/info:")
        no_run()
        return dec, None, None
    if inputs.prompt_notice:  # a prompt of characters the tiny GPT lacks is not empty: say what happened
        unknown = inputs.prompt_notice == "empty" and decoders.prompt(LESSON).strip()
        st.warning(t("causal.unknown_chars" if unknown else f"causal.{inputs.prompt_notice}", lang, model=dec.label),
                   icon=":material/edit_note:")
    if inputs.position_clamped:
        st.info(t("causal.pos_clamped", lang, asked=inputs.asked_position, T=len(inputs.prompt), used=inputs.position),
                icon=":material/info:")
        st.session_state[POSITION.key(LESSON)] = inputs.position
    note = None if inputs.word_notice is None else t(
        f"causal.word_{inputs.word_notice}", lang, word=md_escape(word, 24), p=inputs.position, n=inputs.word_tokens,
        first=md_escape(inputs.word_first, 24))
    r = run_decoder(LESSON, dec.key, inputs.text, inputs.position, inputs.replacement, dec,
                    t(label_key, lang, model=dec.label))
    return dec, r, note


def decoder_controls(T: int, extra_sliders: list[tuple[str, int, str]]) -> None:
    """One row: the prompt and the model, the replacement word, the position slider, the lesson's own
    sliders (label key, hi, param name) and Reset; the caps are in the prompt's and the word's help."""
    c_prompt, c_model, c_word, c_pos, *c_extra = lesson.controls(LESSON, LESSONS[LESSON], lang,
                                                               [3, 2, 2, 2, *([2] * len(extra_sliders))])
    decoders.controls(LESSON, lang, c_prompt, c_model)
    c_word.text_input(t("causal.word", lang), key=WORD.key(LESSON), max_chars=WORD_CHARS,
                      placeholder=t("causal.word_auto", lang),
                      help=t("causal.word_help", lang) + " " + t("causal.limits", lang, tokens=limits.DECODER_TOKENS,
                                                                 chars=f"{limits.DECODER_TEXT_CHARS:,}", word=WORD_CHARS))
    if T > 2:
        c_pos.slider(t("causal.pos", lang), 1, T - 1, key=POSITION.key(LESSON), help=t("causal.pos_help", lang))
    else:  # a two-token prompt: p = 1 is the only position with one before it
        c_pos.caption(t("causal.pos_only", lang))
    for col, (label, hi, name) in zip(c_extra, extra_sliders):
        col.slider(t(label, lang), 0, max(hi, 1), key=f"{LESSON}.{name}", disabled=hi < 1)


def decoder_tokens(r, note: str | None, dec) -> None:
    """The prompt's tokens and the changed copy, in a code block (never Markdown or HTML)."""
    if note:
        st.info(note, icon=":material/info:")
    if r.truncated:
        st.warning(t("causal.truncated", lang, n=r.n_total, cap=len(r.pieces)), icon=":material/content_cut:")
    p = r.position
    caption = t("causal.tokens", lang, T=len(r.pieces), p=p, old=md_escape(r.byte_pieces[p]),
                new=md_escape(r.replacement_piece), model=dec.label)
    decoders.token_rows([(r.pieces, r.byte_pieces), (r.changed_pieces, r.changed_byte_pieces)], lang, caption,
                        LESSON, mark=p)  # characters, or bytes with the switch (drawing only)


def exact(x: float) -> str:
    """A measured change: "0.0" when it is exactly zero (the point of these lessons), else as num()."""
    return "0.0" if float(x) == 0.0 else num(x)


# --- lesson causal-mask ----------------------------------------------------------------------------
def causal_values(r, dec) -> dict[str, str]:
    """The card's live numbers and verdicts, all from the lab result (none depends on the layer and head
    drawn: those only pick a slice of the run, in their own fragment, :func:`causal_heads`)."""
    L, H = r.future_mass_layers.shape
    top = np.unravel_index(np.argmax(r.future_mass_layers), r.future_mass_layers.shape)
    p = r.position
    masked = t("causal.masked.zero", lang) if r.masked_max == 0 else t("causal.masked.max", lang, v=num(r.masked_max))
    return {
        "model": dec.label, "T": str(len(r.pieces)), "p": str(p),
        "old": md_escape(r.byte_pieces[p], 24), "new": md_escape(r.replacement_piece, 24),
        "before_causal": exact(r.max_before_causal), "before_fast": exact(r.max_before_fast),
        "before_bidir": num(r.max_before_bidirectional), "first_bidir": num(r.delta_bidirectional[0]),
        "at_p": num(r.delta_causal[p]), "exact": decoders.yes_no(r.exact_before, lang),
        "exact_reason": t("causal.exact.yes", lang) if r.exact_before else t(
            "causal.exact.no", lang, v=num(max(r.max_before_causal, r.max_before_fast)), bidir=num(r.max_before_bidirectional)),
        "future_mean": pct(r.future_mass_layers.mean()), "future_max": pct(r.future_mass_layers[top]),
        "future_max_head": f"L{top[0]} H{top[1]}", "layers": str(L), "heads": str(H),
        "masked_cells": f"{int((~r.mask).sum()):,}", "masked_weight": masked,
    }


def causal_lesson() -> None:
    dec, r, note = decoder_run("causal.running")
    if r is None:
        return
    values = causal_values(r, dec)
    sections = lesson.card(LESSON, lang, values)
    panel = lesson.answer(LESSON, sections, lang, [
        lesson.Figure(t("causal.fig.at_p", lang, p=values["p"]), values["at_p"], t("causal.fig.at_p_help", lang)),
        lesson.Figure(t("causal.fig.first", lang), values["first_bidir"], t("causal.fig.first_help", lang, p=values["p"])),
        lesson.Figure(t("causal.fig.future_max", lang, where=values["future_max_head"]), values["future_max"],
                      t("causal.fig.future_max_help", lang, layers=values["layers"], heads=values["heads"])),
    ])
    p = r.position
    with panel:
        decoder_controls(len(r.pieces), [])
        with lesson.main():
            st.markdown(f"**{t('causal.delta.title', lang)}**")
            lesson.chart(charts.position_deltas(r.delta_causal, r.delta_bidirectional, r.pieces, p, lang),
                         key=f"{LESSON}.chart.delta")
    left, right = st.columns([2, 3], gap="medium")
    with left:
        st.markdown(f"**{t('causal.map.title', lang)}**")
        lesson.chart(charts.causal_mask_map(r.mask, r.pieces, p, lang), key=f"{LESSON}.chart.mask")
        lesson.note(t("causal.map.caption", lang, T=len(r.pieces), masked=values["masked_cells"], p=p))
    with right:
        lesson.note(t("causal.delta.caption", lang, p=p, before=values["before_causal"], fast=values["before_fast"],
                     exact=values["exact"], bidir=values["before_bidir"], at_p=values["at_p"]))

    decoder_tokens(r, note, dec)
    causal_heads(r, dec.label, values)
    lesson.finish(LESSON, sections, lab.run, CAUSAL, lang)


@st.fragment
def causal_heads(r, model: str, values: dict[str, str]) -> None:
    """One head's weights with and without the mask and every head's mass on later tokens, under the layer
    and head sliders: a fragment, as they only slice the cached run (a move redraws these charts alone;
    Streamlit then calls this with the last full run's arguments)."""
    L, H = r.future_mass_layers.shape
    layer, head = params.clamp(f"{LESSON}.layer", 0, L - 1), params.clamp(f"{LESSON}.head", 0, H - 1)
    c_layer, c_head, _ = st.columns([2, 2, 3], gap="small")
    for col, label, hi, name in ((c_layer, "causal.layer_slider", L - 1, "layer"), (c_head, "causal.head_slider", H - 1, "head")):
        col.slider(t(label, lang), 0, max(hi, 1), key=f"{LESSON}.{name}", disabled=hi < 1)
    future = pct(r.future_mass(layer, head))
    on, off = r.head_maps(layer, head)  # (T, T) each: a slice of the cached result, no new run
    for col, name, w in zip(st.columns(2, gap="medium"), ("attn_on", "attn_off"), (on, off)):
        with col:
            st.markdown(f"**{t(f'causal.{name}', lang, layer=layer, head=head)}**")
            lesson.chart(charts.causal_attention_map(w, r.pieces, lang), key=f"{LESSON}.chart.{name[5:]}")
    lesson.note(t("causal.attn_caption", lang, upper_on=exact(float(on[~r.mask].max(initial=0.0))),
                 future=future, layer=layer, head=head))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.markdown(f"**{t('causal.future.title', lang)}**")
        lesson.chart(shared.layer_head_values(r.future_mass_layers, (layer, head), lang, "causal.future.scale"),
                     key=f"{LESSON}.chart.future", width="content")
    with right:
        lesson.note(t("causal.future.caption", lang, mean=values["future_mean"], max=values["future_max"],
                     where=values["future_max_head"], layer=layer, head=head, future=future,
                     model=model, masked=values["masked_weight"]))
        st.caption(t("causal.stated", lang, model=model))
    params.write_url(LESSON, LESSON, LESSONS[LESSON], lang)  # on this fragment's own reruns too


# --- lesson residual-leak --------------------------------------------------------------------------
def step_name(step: str, r) -> str:
    key = f"leak.step.{step}"
    return t(key, lang, norm=r.norm, ffn=r.ffn) if key in STRINGS else step


def leak_values(r, dec) -> dict[str, str]:
    p = r.position
    L, S, T = r.delta_causal.shape
    first = r.first_leak
    return {
        "model": dec.label, "T": str(T), "p": str(p),
        "old": md_escape(r.byte_pieces[p], 24), "new": md_escape(r.replacement_piece, 24),
        "layers": str(L), "steps": str(S), "cells": f"{L * S * p:,}", "norm": r.norm,
        "before_causal": exact(r.max_before_causal), "exact": decoders.yes_no(r.exact_before, lang),
        "logits_causal": exact(r.logits_delta_causal[:p].max(initial=0.0)),
        "logits_bidir": num(r.logits_delta_bidirectional[:p].max(initial=0.0)),
        "leak_layer": str(first[0]) if first else "—",
        "leak_step": step_name(first[1], r) if first else "—",
        "leak_value": num(r.first_leak_value) if first else "—",
        "norm0": exact(r.norm_before_leak),
        "emb_p": num(r.embedding_delta[p]),
        "emb_other": exact(np.delete(r.embedding_delta, p).max(initial=0.0)),
        "last_bidir": num(r.delta_bidirectional[-1, -1, :p].max(initial=0.0)),
        "at_p_last": num(r.delta_causal[-1, -1, p]),
    }


def leak_lesson() -> None:
    dec, r, note = decoder_run("leak.running")
    if r is None:
        return
    L, S, T = r.delta_causal.shape
    layer = params.clamp(f"{LESSON}.layer", 0, L - 1)
    values = leak_values(r, dec)
    sections = lesson.card(LESSON, lang, values)
    first = (t("leak.fig.first_value", lang, layer=values["leak_layer"], step=values["leak_step"])
             if r.first_leak else "—")
    panel = lesson.answer(LESSON, sections, lang, [
        lesson.Figure(t("leak.fig.logits", lang, p=values["p"]), values["logits_bidir"],
                      t("leak.fig.logits_help", lang, p=values["p"])),
        lesson.Figure(t("leak.fig.first", lang), first, t("leak.fig.first_help", lang, value=values["leak_value"])),
        lesson.Figure(t("leak.fig.emb", lang, p=values["p"]), values["emb_p"],
                      t("leak.fig.emb_help", lang, other=values["emb_other"])),
    ])
    p = r.position
    names = tuple(f"{i + 1} {step_name(s, r)}" for i, s in enumerate(r.steps))
    grid_on, grid_off = r.grids_before()  # (L, S) each
    lo, hi = charts.delta_range(grid_off, r.delta_bidirectional, r.delta_causal)
    with panel:
        decoder_controls(T, [("leak.layer_slider", L - 1, "layer")])
        with lesson.main():
            st.markdown(f"**{t('leak.grid.title', lang, p=p)}**")
            for name, grid in zip(("on", "off"), (grid_on, grid_off)):  # stacked: a grid needs the panel's width
                st.markdown(t(f"leak.grid.{name}", lang))
                lesson.chart(charts.leak_grid(grid, names, lo, hi, lang), key=f"{LESSON}.chart.grid_{name}",
                             width="content")
    if r.first_leak:
        lesson.note(t("leak.grid.caption", lang, p=p, cells=values["cells"], before=values["before_causal"],
                     exact=values["exact"], layer=values["leak_layer"], step=values["leak_step"], norm=r.norm,
                     norm0=values["norm0"], value=values["leak_value"]))
    else:
        lesson.note(t("leak.grid.none", lang, p=p))
    decoder_tokens(r, note, dec)

    rows = (f"0 {t('leak.step.input', lang)}", *names)
    st.markdown(f"**{t('leak.profile.title', lang, layer=layer)}**")
    for name, profile in zip(("on", "off"), r.profiles(layer)):
        st.markdown(t(f"leak.grid.{name}", lang))
        lesson.chart(charts.leak_profile(profile, rows, r.pieces, p, lo, hi, lang), key=f"{LESSON}.chart.profile_{name}")
    lesson.note(t("leak.profile.caption", lang, layer=layer, p=p, emb_p=values["emb_p"], emb_other=values["emb_other"],
                 exact=values["exact"]))

    st.markdown(f"**{t('leak.table.title', lang)}**")
    formula = t("leak.col.formula", lang)
    st.dataframe({
        t("leak.col.step", lang): list(names),
        formula: [f + (t("leak.attn_note", lang) if s in lab.MIXING_STEPS else "") for s, f in zip(r.steps, r.formulas)],
        t("leak.col.mixes", lang): [decoders.yes_no(s in lab.MIXING_STEPS, lang) for s in r.steps],
        t("leak.col.on", lang): [exact(v) for v in grid_on.max(axis=0)],
        t("leak.col.off", lang): [num(v) for v in grid_off.max(axis=0)],
        t("leak.col.first", lang): [str(int(f[0])) if len(f) else "—" for f in (np.flatnonzero(c) for c in grid_off.T)],
    }, hide_index=True, width="stretch")  # columns sized to their content: the table fits 1366 px
    lesson.note(t("leak.table.caption", lang, logits_on=values["logits_causal"], logits_off=values["logits_bidir"]))
    lesson.finish(LESSON, sections, lab.run, LEAK, lang)


@lesson.fragment
def lesson_body() -> None:
    """Everything below the title; a control reruns only this."""
    if LESSON == "batch-lengths":
        batch_lengths.body(LESSON, lang, lab)
    elif LESSON == "causal-mask":
        causal_lesson()
    elif LESSON == "residual-leak":
        leak_lesson()
    else:
        padding_lesson()


lesson_body()
