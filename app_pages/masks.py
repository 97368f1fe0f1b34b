"""Topic page: masks. Lessons `padding-mask` (a batch of the learner's sentences, padded, with and
without the padding mask, on a real encoder), `batch-lengths` (how sentences are grouped into
batches, the padding each grouping wastes and the throughput measured), `causal-mask` (a real
decoder, SmolLM2, on the learner's prompt with one token replaced, with and without the causal
mask) and `residual-leak` (the same change followed through every sub-step of every block)."""
from __future__ import annotations

import numpy as np
import streamlit as st

from dataclasses import dataclass

from tf_core import limits
from tf_core.models import registry
from ui import decoders, encoders, lesson, params
from ui.charts import masks as charts
from ui.charts import shared
from ui.i18n import STRINGS, t
from ui.text import device_text, md_escape, num, pct

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


@dataclass(frozen=True)
class LangParam(params.Param):
    """A Param whose default depends on the language (the default prompts differ)."""

    by_lang: tuple[tuple[str, int], ...] = ()

    def default_for(self, lang: str):
        return dict(self.by_lang).get(lang, self.default)


# The decoder lessons run SmolLM2-135M-Instruct (30 layers, 9 heads; ui/decoders loads it once per
# process): the layer and head sliders take its ranges, and the page clamps them to the loaded model.
# p starts at 1 (position 0 has nothing before it); its defaults fall on a whole word of each default
# prompt (en " village", zh "有").
PROMPT = decoders.PROMPT
POSITION = LangParam("pos", limits.DECODER_POSITION, by_lang=(("zh", 14),))
# A replacement word (its first token is used): a word is a few pieces; 40 characters hold any word.
WORD_CHARS = limits.DECODER_WORD_CHARS
WORD = params.TextParam("word", max_chars=WORD_CHARS, defaults=(("en", ""), ("zh", "")))
CAUSAL = (PROMPT, POSITION, WORD, params.Param("layer", limits.DECODER_LAYER), params.Param("head", limits.DECODER_HEAD))
LEAK = (PROMPT, POSITION, WORD, params.Param("layer", limits.DECODER_LAYER))
LESSONS = {"padding-mask": PADDING, "batch-lengths": BATCHING, "causal-mask": CAUSAL, "residual-leak": LEAK}

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS)  # torch loads here, under a spinner


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
    layer = params.clamp(f"{LESSON}.layer", 0, cfg.n_layers - 1)
    head = params.clamp(f"{LESSON}.head", 0, cfg.n_heads - 1)
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
        lesson.chart(shared.token_heatmap(r.weights_masked, pieces, lang, None, scale=1.0, signed=False),
                     key=f"{LESSON}.chart.masked")
    with right:
        st.markdown(f"**{t('pad.unmasked', lang)}**")
        lesson.chart(shared.token_heatmap(r.weights_unmasked, pieces, lang, None, scale=1.0, signed=False),
                     key=f"{LESSON}.chart.unmasked")
    st.caption(t("pad.maps_caption", lang, layer=layer, head=head, mass=pct(r.pad_mass),
                 mass_max=pct(r.pad_mass_layers.max())))

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
        "device": device_text(b.device, lang),
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
                 bs=b.batch_size, model=b.model, device=device_text(b.device, lang), repeats=len(b.get("random").seconds),
                 fixed=b.max_tokens, pad_fixed=pct(b.fixed.pad_fraction)))
    st.code("\n".join(f"{int(n):3d}  {s}" for n, s in zip(b.lengths, b.sentences)), language=None, wrap_lines=True)
    lesson.finish(LESSON, sections, lab.run, BATCHING, lang)


# --- decoder lessons causal-mask and residual-leak: SmolLM2 on the learner's prompt ----------------
def in_line(job, n_forwards: int, label: str):
    """Run ``job(model)`` through the process's bounded worker (ui.decoders.run_in_line: its place in
    line, then a progress bar advanced after each of its ``n_forwards`` forward passes). ``model`` is
    the shared SmolLM2 behind a thin counting wrapper that passes every keyword on (``causal=``,
    ``trace=``); nothing is stored on the shared model. Call it inside a st.cache_data function."""
    import torch

    dec = decoders.decoder(decoders.SMOLLM2, lang)

    def work(progress):
        on_call = progress.counter(n_forwards)

        class Counted(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.inner = dec.model
                self.cfg = dec.model.cfg

            def forward(self, ids, cache=None, **kw):
                out = self.inner(ids, cache, **kw)
                on_call()
                return out

        return job(Counted())

    return decoders.run_in_line(work, lang, label)


def decoder_prompt_ids(tok) -> tuple[str, object]:
    """(text the experiment runs, its Prompt): the learner's prompt, or the default one with a
    message when it is empty, gives no token or has a single token (nothing before the change)."""
    from tf_core.lab import decoder_prompt

    text = decoders.prompt(LESSON)
    try:
        prompt = decoder_prompt.encode(tok, text, limits.DECODER_TOKENS)
        problem = "causal.one_token" if len(prompt) < 2 else None
    except ValueError:
        prompt, problem = None, "causal.empty" if not text.strip() else "causal.no_token"
    if problem is None:
        return text, prompt
    st.warning(t(problem, lang), icon=":material/edit_note:")
    text = PROMPT.default_for(lang)
    return text, decoder_prompt.encode(tok, text, limits.DECODER_TOKENS)


def decoder_position(T: int) -> int:
    """The position slider's value, clamped to the prompt (1 .. T - 1: position 0 has nothing before
    it), with a message when the prompt is shorter than the position asked for."""
    key = POSITION.key(LESSON)
    asked = int(st.session_state[key])
    used = min(max(asked, 1), T - 1)
    if used != asked:
        st.info(t("causal.pos_clamped", lang, asked=asked, T=T, used=used), icon=":material/info:")
        st.session_state[key] = used
    return used


def decoder_replacement(tok, prompt, position: int) -> tuple[int | None, str | None]:
    """(token id, message) for the replacement word: None = the automatic choice. The word keeps the
    leading space of the token it replaces; a word of several tokens gives its first."""
    from tf_core.lab import decoder_prompt

    word, _ = WORD.clean(st.session_state[WORD.key(LESSON)])
    if not word.strip():
        return None, None
    current = prompt.pieces[position]
    spaced = " " + word.strip() if current.startswith("␣") and not word[:1].isspace() else word
    ids = decoder_prompt.encode_ids(tok, spaced)
    if not ids:
        return None, t("causal.word_none", lang, word=md_escape(word, 24))
    if ids[0] == prompt.ids[position]:
        return None, t("causal.word_same", lang, word=md_escape(word, 24), p=position)
    first = decoder_prompt.piece(tok, ids[0])
    if len(ids) > 1:
        return ids[0], t("causal.word_first", lang, word=md_escape(word, 24), n=len(ids), first=md_escape(first, 24))
    return ids[0], None


def decoder_inputs():
    """What both decoder lessons share above their charts: the model, the prompt, p and the
    replacement. Returns (loaded model, text, Prompt, p, replacement id or None, word message)."""
    smol = decoders.decoder(decoders.SMOLLM2, lang)
    if smol is None:  # the package is missing or its file is broken: ui.decoders has said so
        return None
    text, prompt = decoder_prompt_ids(smol.tokenizer)
    position = decoder_position(len(prompt))
    replacement, note = decoder_replacement(smol.tokenizer, prompt, position)
    return smol, text, prompt, position, replacement, note


def decoder_controls(T: int, extra_sliders: list[tuple[str, int, int, str]]) -> None:
    """The prompt, the replacement word, the position slider and the lesson's own sliders
    (label key, lo, hi, param name), the caps, the reset button."""
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.text_input(t("causal.prompt", lang), key=PROMPT.key(LESSON), max_chars=limits.DECODER_TEXT_CHARS,
                    help=t("causal.prompt_help", lang, tokens=limits.DECODER_TOKENS, chars=limits.DECODER_TEXT_CHARS))
    right.text_input(t("causal.word", lang), key=WORD.key(LESSON), max_chars=WORD_CHARS,
                     placeholder=t("causal.word_auto", lang), help=t("causal.word_help", lang))
    cols = st.columns(1 + len(extra_sliders))
    if T > 2:
        cols[0].slider(t("causal.pos", lang), 1, T - 1, key=POSITION.key(LESSON), help=t("causal.pos_help", lang))
    else:  # a two-token prompt: p = 1 is the only position with one before it
        cols[0].caption(t("causal.pos_only", lang))
    for col, (label, lo, hi, name) in zip(cols[1:], extra_sliders):
        col.slider(t(label, lang), lo, hi, key=f"{LESSON}.{name}")
    st.caption(t("causal.limits", lang, tokens=limits.DECODER_TOKENS, chars=f"{limits.DECODER_TEXT_CHARS:,}",
                 word=WORD_CHARS))


def decoder_tokens(r, note: str | None) -> None:
    """The prompt's tokens and the changed copy, in a code block (never Markdown or HTML)."""
    if note:
        st.info(note, icon=":material/info:")
    if r.truncated:
        st.warning(t("causal.truncated", lang, n=r.n_total, cap=len(r.pieces)), icon=":material/content_cut:")
    p = r.position
    st.caption(t("causal.tokens", lang, T=len(r.pieces), p=p, old=md_escape(r.pieces[p]),
                 new=md_escape(r.replacement_piece)))
    before = "  ".join(r.pieces[:p])
    after = "  ".join(r.pieces[p + 1:])
    st.code(f"{before}  [{r.pieces[p]}]  {after}\n{before}  [{r.replacement_piece}]  {after}", language=None,
            wrap_lines=True)


def exact(x: float) -> str:
    """A measured change: "0.0" when it is exactly zero (the point of these lessons), else as num()."""
    return "0.0" if float(x) == 0.0 else num(x)


def yes_no(flag: bool) -> str:
    return t("causal.yes" if flag else "causal.no", lang)


# --- lesson causal-mask ----------------------------------------------------------------------------
@st.cache_data(max_entries=32, show_spinner=False)
def run_causal(text: str, position: int, replacement: int | None, layer: int, head: int, _tokenizer, _lang: str):
    """Cached by the inputs; 6 forward passes (~2 s on 2 idle cores), through the bounded worker."""
    return in_line(lambda model: lab.run(model, _tokenizer, text, position=position, replacement=replacement,
                                         layer=layer, head=head, max_tokens=limits.DECODER_TOKENS),
                   6, t("causal.running", _lang))


def causal_values(r, model_name: str) -> dict[str, str]:
    """The card's live numbers, all from the lab result."""
    L, H = r.future_mass_layers.shape
    top = np.unravel_index(np.argmax(r.future_mass_layers), r.future_mass_layers.shape)
    p = r.position
    return {
        "model": model_name,
        "T": str(len(r.pieces)),
        "p": str(p),
        "old": md_escape(r.pieces[p], 24),
        "new": md_escape(r.replacement_piece, 24),
        "before_causal": exact(r.max_before_causal),
        "before_fast": exact(r.delta_causal_fast[:p].max(initial=0.0)),
        "before_bidir": num(r.max_before_bidirectional),
        "first_bidir": num(r.delta_bidirectional[0]),
        "at_p": num(r.delta_causal[p]),
        "exact": yes_no(r.exact_before),
        "layer": str(r.layer),
        "head": str(r.head),
        "future": pct(r.future_mass),
        "future_mean": pct(r.future_mass_layers.mean()),
        "future_max": pct(r.future_mass_layers[top]),
        "future_max_head": f"L{top[0]} H{top[1]}",
        "layers": str(L),
        "heads": str(H),
        "masked_cells": str(int((~r.mask).sum())),
    }


def causal_lesson() -> None:
    inputs = decoder_inputs()
    if inputs is None:
        return
    smol, text, prompt, position, replacement, note = inputs
    cfg = smol.model.cfg
    layer = params.clamp(f"{LESSON}.layer", 0, cfg.n_layers - 1)
    head = params.clamp(f"{LESSON}.head", 0, cfg.n_heads - 1)
    r = run_causal(text, position, replacement, layer, head, smol.tokenizer, lang)
    sections = lesson.card(LESSON, lang, causal_values(r, smol.name.split("/")[-1]))
    lesson.short_answer(sections, lang)

    st.subheader(t("lesson.experiment", lang), divider="gray")
    decoder_controls(len(r.pieces), [("causal.layer_slider", 0, cfg.n_layers - 1, "layer"),
                                     ("causal.head_slider", 0, cfg.n_heads - 1, "head")])
    lesson.reset_button(LESSON, CAUSAL, lang)
    decoder_tokens(r, note)

    p = r.position
    left, right = st.columns([2, 3], gap="medium")
    with left:
        st.markdown(f"**{t('causal.map.title', lang)}**")
        lesson.chart(charts.causal_mask_map(r.mask, r.pieces, p, lang), key=f"{LESSON}.chart.mask")
        st.caption(t("causal.map.caption", lang, T=len(r.pieces), masked=int((~r.mask).sum()), p=p))
    with right:
        st.markdown(f"**{t('causal.delta.title', lang)}**")
        lesson.chart(charts.position_deltas(r.delta_causal, r.delta_bidirectional, r.pieces, p, lang),
                     key=f"{LESSON}.chart.delta")
        st.caption(t("causal.delta.caption", lang, p=p, before=exact(r.max_before_causal),
                     fast=exact(r.delta_causal_fast[:p].max(initial=0.0)), exact=yes_no(r.exact_before),
                     bidir=num(r.max_before_bidirectional), at_p=num(r.delta_causal[p])))

    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(f"**{t('causal.attn_on', lang, layer=layer, head=head)}**")
        lesson.chart(charts.causal_attention_map(r.weights_causal, r.pieces, lang),
                     key=f"{LESSON}.chart.on")
    with right:
        st.markdown(f"**{t('causal.attn_off', lang, layer=layer, head=head)}**")
        lesson.chart(charts.causal_attention_map(r.weights_bidirectional, r.pieces, lang),
                     key=f"{LESSON}.chart.off")
    upper = ~r.mask
    st.caption(t("causal.attn_caption", lang, upper_on=exact(float(r.weights_causal[upper].max(initial=0.0))),
                 future=pct(r.future_mass), layer=layer, head=head))

    left, right = st.columns([3, 2], gap="medium")
    top = np.unravel_index(np.argmax(r.future_mass_layers), r.future_mass_layers.shape)
    with left:
        st.markdown(f"**{t('causal.future.title', lang)}**")
        lesson.chart(shared.layer_head_values(r.future_mass_layers, (layer, head), lang, "causal.future.scale"),
                     key=f"{LESSON}.chart.future", width="content")
    with right:
        st.caption(t("causal.future.caption", lang, mean=pct(r.future_mass_layers.mean()),
                     max=pct(r.future_mass_layers[top]), where=f"L{top[0]} H{top[1]}", layer=layer, head=head,
                     future=pct(r.future_mass)))
        st.caption(t("causal.stated", lang))
    lesson.finish(LESSON, sections, lab.run, CAUSAL, lang)


# --- lesson residual-leak --------------------------------------------------------------------------
@st.cache_data(max_entries=32, show_spinner=False)
def run_leak(text: str, position: int, replacement: int | None, _tokenizer, _lang: str):
    """Cached by the inputs; 4 traced forward passes (~1-2 s on 2 idle cores), through the bounded worker."""
    return in_line(lambda model: lab.run(model, _tokenizer, text, position=position, replacement=replacement,
                                         max_tokens=limits.DECODER_TOKENS),
                   4, t("leak.running", _lang))


# What each sub-step of a pre-norm Llama block computes at position i (math: the same in both languages).
FORMULAS = {
    "attn_norm": "u_i = x_i / rms(x_i) · g",
    "attn": "a_i = Σ_j w_ij W_O v_j",
    "resid1": "h_i = x_i + a_i",
    "mlp_norm": "m_i = h_i / rms(h_i) · g'",
    "mlp": "f_i = W_down (SiLU(W_gate m_i) ⊙ W_up m_i)",
    "resid2": "h_i + f_i",
}


def step_name(step: str) -> str:
    key = f"leak.step.{step}"
    return t(key, lang) if key in STRINGS else step


def block_profile(delta: np.ndarray, embedding: np.ndarray, layer: int) -> np.ndarray:
    """(S + 1, T): the block's input (the embeddings for block 0, else the previous block's output),
    then its sub-steps, at every position."""
    block_in = embedding if layer == 0 else delta[layer - 1, -1]
    return np.vstack([block_in[None], delta[layer]])


def leak_values(r, model_name: str) -> dict[str, str]:
    p = r.position
    L, S, T = r.delta_causal.shape
    first = r.first_leak
    norm0 = r.delta_bidirectional[0, r.steps.index("attn_norm"), :p].max(initial=0.0) if "attn_norm" in r.steps else 0.0
    return {
        "model": model_name,
        "T": str(T),
        "p": str(p),
        "old": md_escape(r.pieces[p], 24),
        "new": md_escape(r.replacement_piece, 24),
        "layers": str(L),
        "steps": str(S),
        "cells": f"{L * S * p:,}",
        "before_causal": exact(r.max_before_causal),
        "exact": yes_no(r.exact_before),
        "logits_causal": exact(r.logits_delta_causal[:p].max(initial=0.0)),
        "logits_bidir": num(r.logits_delta_bidirectional[:p].max(initial=0.0)),
        "leak_layer": str(first[0]) if first else "—",
        "leak_step": step_name(first[1]) if first else "—",
        "leak_value": num(r.delta_bidirectional[first[0], r.steps.index(first[1]), :p].max()) if first else "—",
        "norm0": exact(norm0),
        "emb_p": num(r.embedding_delta[p]),
        "emb_other": exact(np.delete(r.embedding_delta, p).max(initial=0.0)),
        "last_bidir": num(r.delta_bidirectional[-1, -1, :p].max(initial=0.0)),
        "at_p_last": num(r.delta_causal[-1, -1, p]),
    }


def leak_lesson() -> None:
    inputs = decoder_inputs()
    if inputs is None:
        return
    smol, text, prompt, position, replacement, note = inputs
    r = run_leak(text, position, replacement, smol.tokenizer, lang)
    L, S, T = r.delta_causal.shape
    layer = params.clamp(f"{LESSON}.layer", 0, L - 1)
    sections = lesson.card(LESSON, lang, leak_values(r, smol.name.split("/")[-1]))
    lesson.short_answer(sections, lang)

    st.subheader(t("lesson.experiment", lang), divider="gray")
    decoder_controls(T, [("leak.layer_slider", 0, L - 1, "layer")])
    lesson.reset_button(LESSON, LEAK, lang)
    decoder_tokens(r, note)

    p = r.position
    names = tuple(f"{i + 1} {step_name(s)}" for i, s in enumerate(r.steps))
    grid_on = r.delta_causal[:, :, :p].max(axis=-1, initial=0.0)  # (L, S)
    grid_off = r.delta_bidirectional[:, :, :p].max(axis=-1, initial=0.0)
    lo, hi = charts.delta_range(grid_off, r.delta_bidirectional, r.delta_causal)
    first = r.first_leak
    st.markdown(f"**{t('leak.grid.title', lang, p=p)}**")
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(t("leak.grid.on", lang))
        lesson.chart(charts.leak_grid(grid_on, names, lo, hi, lang), key=f"{LESSON}.chart.grid_on", width="content")
    with right:
        st.markdown(t("leak.grid.off", lang))
        lesson.chart(charts.leak_grid(grid_off, names, lo, hi, lang), key=f"{LESSON}.chart.grid_off",
                     width="content")
    if first:
        st.caption(t("leak.grid.caption", lang, p=p, cells=f"{L * S * p:,}", before=exact(r.max_before_causal),
                     exact=yes_no(r.exact_before), layer=first[0], step=step_name(first[1]),
                     norm0=exact(grid_off[0, 0]), value=num(grid_off[first[0], r.steps.index(first[1])])))
    else:
        st.caption(t("leak.grid.none", lang, p=p))

    inputs = t("leak.step.input", lang)
    rows = (f"0 {inputs}", *names)
    st.markdown(f"**{t('leak.profile.title', lang, layer=layer)}**")
    st.markdown(t("leak.grid.on", lang))
    lesson.chart(charts.leak_profile(block_profile(r.delta_causal, r.embedding_delta, layer), rows, r.pieces, p, lo, hi,
                                     lang), key=f"{LESSON}.chart.profile_on")
    st.markdown(t("leak.grid.off", lang))
    lesson.chart(charts.leak_profile(block_profile(r.delta_bidirectional, r.embedding_delta, layer), rows, r.pieces, p,
                                     lo, hi, lang), key=f"{LESSON}.chart.profile_off")
    st.caption(t("leak.profile.caption", lang, layer=layer, p=p, emb_p=num(r.embedding_delta[p]),
                 emb_other=exact(np.delete(r.embedding_delta, p).max(initial=0.0))))

    st.markdown(f"**{t('leak.table.title', lang)}**")
    first_layer = [np.flatnonzero(grid_off[:, j]) for j in range(S)]
    st.dataframe({
        t("leak.col.step", lang): list(names),
        t("leak.col.formula", lang): [FORMULAS.get(s, "") + (t("leak.attn_note", lang) if s in lab.MIXING_STEPS else "")
                                      for s in r.steps],
        t("leak.col.mixes", lang): [yes_no(s in lab.MIXING_STEPS) for s in r.steps],
        t("leak.col.on", lang): [exact(v) for v in grid_on.max(axis=0)],
        t("leak.col.off", lang): [num(v) for v in grid_off.max(axis=0)],
        t("leak.col.first", lang): [str(int(f[0])) if len(f) else "—" for f in first_layer],
    }, hide_index=True, width="stretch",
        column_config={t("leak.col.formula", lang): st.column_config.TextColumn(width="large")})
    st.caption(t("leak.table.caption", lang, logits_on=exact(r.logits_delta_causal[:p].max(initial=0.0)),
                 logits_off=num(r.logits_delta_bidirectional[:p].max(initial=0.0))))
    lesson.finish(LESSON, sections, lab.run, LEAK, lang)


@st.fragment
def lesson_body() -> None:
    """Everything below the title; a control reruns only this."""
    if LESSON == "batch-lengths":
        batching_lesson()
    elif LESSON == "causal-mask":
        causal_lesson()
    elif LESSON == "residual-leak":
        leak_lesson()
    else:
        padding_lesson()


lesson_body()
