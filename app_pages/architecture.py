"""Topic page: encoder, decoder, variants. Lesson `encoder`: the learner's sentence through one
block of a real pretrained encoder, step by step (shapes, statistics, what the residual and
LayerNorm change). Lesson `cross-attention`: the repo's own trained encoder-decoder translating the
learner's number into Chinese numerals, and where each output step looks in the source. Lesson
`variants` (the variants a modern decoder uses, measured; SmolLM2 as the real example) lives in
app_pages/lessons/variants.py."""
from __future__ import annotations

import numpy as np
import streamlit as st

from app_pages.lessons import variants
from tf_core import limits
from ui.caching import cached
from ui import encoders, lesson, params
from ui.charts import architecture as charts
from ui.charts import shared
from ui.i18n import t
from ui.text import num, pct

PAGE = "architecture"
# The walk's steps in order (tf_core.lab.encoder.EMBED_KEYS + BLOCK_KEYS; a test checks they
# agree): named here so that the page's parameters exist before torch is imported.
STEPS = ("embed_word", "embed_pos", "embed_sum", "x_in", "q", "k", "v", "scores", "weights", "context",
         "attn_out", "resid1", "ln1", "ffn_up", "gelu", "ffn_down", "resid2", "ln2")
PARAMS = (
    encoders.TEXT,
    encoders.MODEL,
    params.Param("layer", limits.ENCODER_LAYER),
    params.Param("head", limits.ENCODER_HEAD),
    params.ChoiceParam("step", options=STEPS, default="ln1"),
)
XATTN = (
    params.TextParam("n", max_chars=limits.NUMBER_TEXT_CHARS,
                     defaults=(("en", "twenty thousand three hundred and five"), ("zh", "20305"))),
    params.Param("layer", limits.XATTN_LAYER),
    params.Param("head", limits.XATTN_HEAD),
)
LESSONS = {"encoder": PARAMS, "cross-attention": XATTN, "variants": variants.PARAMS}

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS)  # torch loads here, under a spinner


@cached(64)
def run_walk(model_key: str, text: str, layer: int, head: int, _encoder):
    """Cached by (model, text, layer, head); ``_encoder`` is the loaded model for ``model_key``."""
    return lab.run(_encoder, text, layer=layer, max_tokens=limits.ENCODER_TOKENS, head=head)


def shape_text(step) -> str:
    return "(" + ", ".join(f"{d}={n}" for d, n in zip(step.dims, step.shape)) + ")"


def card_values(r, model_name: str) -> dict[str, str]:
    """The card's live numbers, all from the walk's result."""
    ln1, ln2 = r.layer_norm("ln1"), r.layer_norm("ln2")
    d = r.dims
    return {
        "model": model_name,
        "layer": str(r.layer),
        "T": str(d["T"]),
        "D": str(d["D"]),
        "H": str(d["H"]),
        "Dh": str(d["Dh"]),
        "d_ff": str(d["d_ff"]),
        "attn_ratio": num(np.median(r.attn_ratio)),
        "ffn_ratio": num(np.median(r.ffn_ratio)),
        "cos_attn": num(np.median(r.cos_attn)),
        "cos_attn_no_residual": num(np.median(r.cos_attn_no_residual)),
        "cos_ffn": num(np.median(r.cos_ffn)),
        "cos_ffn_no_residual": num(np.median(r.cos_ffn_no_residual)),
        "cos_block": num(np.median(r.cos_block)),
        "ln1_hat_std": num(np.median(ln1.hat_std)),
        "ln1_out_std_min": num(ln1.out_std.min()),
        "ln1_out_std_max": num(ln1.out_std.max()),
        "ln2_in_norm_min": num(ln2.in_norm.min()),
        "ln2_in_norm_max": num(ln2.in_norm.max()),
        "ln2_out_norm_min": num(ln2.out_norm.min()),
        "ln2_out_norm_max": num(ln2.out_norm.max()),
        "gelu_negative": pct(r.gelu_negative),
        "gelu_small": pct(r.gelu_small),
        "gelu_min": num(r.gelu_min),
        "block_params": f"{r.block_params:,}",
    }


def steps_table(r) -> None:
    st.dataframe(
        {
            t("walk.step", lang): [t(f"walk.step.{s.key}", lang) for s in r.steps],
            t("walk.formula", lang): [s.formula for s in r.steps],
            t("walk.shape", lang): [shape_text(s) for s in r.steps],
            t("walk.mean", lang): [num(s.mean) for s in r.steps],
            t("walk.std", lang): [num(s.std) for s in r.steps],
            t("walk.min", lang): [num(s.min) for s in r.steps],
            t("walk.max", lang): [num(s.max) for s in r.steps],
            t("walk.norm_col", lang): [num(s.token_norm) for s in r.steps],
        },
        hide_index=True,
        width="stretch",
        height=35 * (len(r.steps) + 1) + 3,  # every step visible, no inner scrolling
    )


def step_detail(r, step_key: str) -> None:
    keys = [s.key for s in r.steps]
    options = [k for k in STEPS if k in keys]
    state_key = f"{LESSON}.step"
    if st.session_state[state_key] not in options:  # an embedding step exists only in block 0
        st.session_state[state_key] = "x_in"
    st.selectbox(t("walk.step_pick", lang), options=options, key=state_key,
                 format_func=lambda k: t(f"walk.step.{k}", lang))
    step = r.step(st.session_state[state_key])
    left, right = st.columns([3, 2], gap="medium")
    with left:
        if step.key in ("scores", "weights"):
            lesson.chart(shared.token_heatmap(step.sample, r.pieces, lang, None, signed=step.key == "scores"),
                         key=f"{LESSON}.chart.sample")
        else:
            lesson.chart(charts.feature_heatmap(step.sample, r.pieces, lang), key=f"{LESSON}.chart.sample")
    with right:
        lesson.chart(charts.histogram(step.hist, step.edges, lang), key=f"{LESSON}.chart.hist")
        lesson.note(t("walk.detail_caption", lang, step=t(f"walk.step.{step.key}", lang), formula=step.formula,
                     shape=shape_text(step), mean=num(step.mean), std=num(step.std), min=num(step.min),
                     max=num(step.max), k=step.sample.shape[1], head=r.head, n=f"{int(np.prod(step.shape)):,}"))
        if step.key in ("ffn_up", "gelu"):
            lesson.note(t("walk.gelu_caption", lang, negative=pct(r.gelu_negative), small=pct(r.gelu_small),
                         min=num(r.gelu_min), n=f"{int(np.prod(step.shape)):,}"))


def encoder_lesson() -> None:
    text, model_key = encoders.current(LESSON)
    enc = encoders.encoder(model_key, lang)
    cfg = enc.model.cfg
    layer_key, head_key = f"{LESSON}.layer", f"{LESSON}.head"
    layer, head = params.clamp(layer_key, 0, cfg.n_layers - 1), params.clamp(head_key, 0, cfg.n_heads - 1)
    r = run_walk(model_key, text, layer, head, enc)
    values = card_values(r, enc.name)
    sections = lesson.card(LESSON, lang, values)
    panel = lesson.answer(LESSON, sections, lang, [
        lesson.Figure(t("walk.fig.cos_attn", lang), f"{values['cos_attn']} / {values['cos_attn_no_residual']}",
                      t("walk.fig.cos_help", lang, T=values["T"])),
        lesson.Figure(t("walk.fig.cos_ffn", lang), f"{values['cos_ffn']} / {values['cos_ffn_no_residual']}",
                      t("walk.fig.cos_help", lang, T=values["T"])),
        lesson.Figure(t("walk.fig.gelu", lang), values["gelu_negative"], t("walk.fig.gelu_help", lang, min=values["gelu_min"])),
    ])

    with panel:
        c_text, c_model, c_layer, c_head = lesson.controls(LESSON, PARAMS, lang, [4, 3, 2, 2])
        encoders.controls(LESSON, lang, c_text, c_model)
        c_layer.slider(t("walk.layer", lang), 0, cfg.n_layers - 1, key=layer_key)
        c_head.slider(t("walk.head", lang), 0, cfg.n_heads - 1, key=head_key)
        with lesson.main():
            st.markdown(f"**{t('walk.flow', lang, layer=layer)}**")
            lesson.chart(charts.walk_flow(r, lang), key=f"{LESSON}.chart.flow")
            lesson.note(t("walk.flow_caption", lang, model=enc.name, layer=layer, **r.dims))
    encoders.model_notice(LESSON, lang)
    unk = sum(1 for p in r.pieces if p in ("[UNK]", "<unk>"))
    encoders.token_notices(text, r.pieces, r.n_total, r.truncated, unk, lang)
    encoders.token_strip(r.pieces, lang, enc.prefix)
    steps_table(r)

    st.markdown(f"**{t('walk.residual', lang)}**")
    left, right = st.columns(2, gap="medium")
    with left:
        lesson.chart(shared.per_token_lines(
            [(t("walk.with_res_attn", lang), r.cos_attn), (t("walk.no_res_attn", lang), r.cos_attn_no_residual)],
            r.pieces, lang, "walk.cos", (shared.SCALED, shared.THEORY)), key=f"{LESSON}.chart.res_attn")
    with right:
        lesson.chart(shared.per_token_lines(
            [(t("walk.with_res_ffn", lang), r.cos_ffn), (t("walk.no_res_ffn", lang), r.cos_ffn_no_residual)],
            r.pieces, lang, "walk.cos", (shared.RAW, shared.THEORY)), key=f"{LESSON}.chart.res_ffn")
    lesson.note(t("walk.residual_caption", lang, cos_attn=values["cos_attn"], cos_ffn=values["cos_ffn"],
                 cos_attn_bare=values["cos_attn_no_residual"], cos_ffn_bare=values["cos_ffn_no_residual"],
                 attn_ratio=values["attn_ratio"], ffn_ratio=values["ffn_ratio"]))

    ln1 = r.layer_norm("ln1")
    st.markdown(f"**{t('walk.ln', lang)}**")
    lesson.chart(shared.per_token_lines(
        [(t("walk.ln_in", lang), ln1.in_std), (t("walk.ln_hat", lang), ln1.hat_std), (t("walk.ln_out", lang), ln1.out_std)],
        r.pieces, lang, "walk.ln_std", (shared.THEORY, shared.SCALED, shared.RAW)), key=f"{LESSON}.chart.ln")
    lesson.note(t("walk.ln_caption", lang, D=r.dims["D"], gamma_min=num(ln1.gamma.min()), gamma_max=num(ln1.gamma.max()),
                 beta_min=num(ln1.beta.min()), beta_max=num(ln1.beta.max()), out_min=num(ln1.out_std.min()),
                 out_max=num(ln1.out_std.max())))

    step_detail(r, st.session_state[f"{LESSON}.step"])

    lesson.finish(LESSON, sections, lab.run, PARAMS, lang)


# --- lesson cross-attention --------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def translator():
    """The shipped number translator (assets/models/seq2seq-numbers), loaded once per process
    (tf_core.failures.ModelLoadError when its files are missing or damaged: the lesson's guard says so)."""
    from tf_core.failures import loading
    from tf_core.models import checkpoints

    with loading("seq2seq-numbers"):
        return checkpoints.load_seq2seq()


@cached(256)
def run_xattn(text: str, layer: int, head: int):
    """Cached by (text, layer, head); head -1 is the mean over the heads."""
    return lab.run(text, layer=layer, head=None if head < 0 else head, trained=translator())


def head_label(head: int) -> str:
    return t("xattn.mean", lang) if head < 0 else f"{t('xattn.head', lang)} {head}"


def xattn_values(r, trained) -> dict[str, str]:
    """The card's live numbers, all from the translation's result and the shipped model's files."""
    cfg = trained.model.cfg
    steps = [i for i, tok in enumerate(r.tokens) if not tok.startswith("<")]  # characters, not <eos>
    pairs = lambda chosen: "; ".join(f"{r.tokens[i]} → {r.attends_to[i]}" for i in chosen[:4])  # noqa: E731
    return {
        "number": f"{r.number:,}",
        "words": " ".join(r.words),
        "S": str(len(r.words)),
        "N": str(len(r.tokens)),
        "eos_note": t("xattn.eos.yes" if r.ended else "xattn.eos.no", lang),
        "output": r.output or "∅",
        "reference": r.reference,
        "verdict": t("xattn.right" if r.correct else "xattn.wrong", lang),
        "held": t("xattn.held_yes" if r.held_out else "xattn.held_no", lang),
        "accuracy": pct(r.held_out_accuracy, 2),
        "held_count": f"{r.held_out_count:,}",
        "layers": str(r.n_layers),
        "enc_layers": str(cfg.n_enc_layers),
        "heads": str(r.n_heads),
        "d": str(cfg.d_model),
        "layer": str(r.layer),
        "shown": head_label(-1 if r.head is None else r.head),
        "pairs": pairs(steps) or "—",
        "place_pairs": pairs(r.place_steps) or t("xattn.no_place", lang),
        "peak": pct(float(r.map.max(axis=1).mean())),
        "kv_once": str(2 * r.n_layers),
        "params": f"{sum(p.numel() for p in trained.model.parameters()):,}",
    }


def xattn_lesson() -> None:
    trained = translator()  # a missing or damaged checkpoint: ui.failures' message (lesson_body's guard)
    cfg = trained.model.cfg
    text_param = XATTN[0]
    text, _ = text_param.clean(st.session_state[text_param.key(LESSON)])
    layer_key, head_key = f"{LESSON}.layer", f"{LESSON}.head"
    # head -1: the mean over the heads
    layer, head = params.clamp(layer_key, 0, cfg.n_dec_layers - 1), params.clamp(head_key, -1, cfg.n_heads - 1)
    error = None
    try:
        r = run_xattn(text, layer, head)
    except ValueError as exc:  # tf_core.numbers.NumberError: not a number in range
        error, r = getattr(exc, "code", "words"), None
    if r is None:  # show the default number's lesson under the message, so the page is never empty
        r = run_xattn(text_param.default_for("en"), layer, head)
    values = xattn_values(r, trained)
    sections = lesson.card(LESSON, lang, values)
    panel = lesson.answer(LESSON, sections, lang, [
        lesson.Figure(t("xattn.fig.peak", lang), values["peak"], t("xattn.fig.peak_help", lang)),
        lesson.Figure(t("xattn.fig.prob", lang), pct(float(np.mean(r.probs))), t("xattn.fig.prob_help", lang)),
        lesson.Figure(t("xattn.fig.accuracy", lang), values["accuracy"],
                      t("xattn.fig.accuracy_help", lang, count=values["held_count"])),
    ])

    with panel:
        c_text, c_layer, c_head = lesson.controls(LESSON, XATTN, lang, [4, 2, 3])
        c_text.text_input(t("xattn.input", lang), key=text_param.key(LESSON), max_chars=limits.NUMBER_TEXT_CHARS,
                          help=t("xattn.input_help", lang, lo=limits.NUMBER.lo, hi=f"{limits.NUMBER.hi:,}")
                          + " " + t("xattn.limits", lang, lo=limits.NUMBER.lo, hi=f"{limits.NUMBER.hi:,}",
                                    chars=limits.NUMBER_TEXT_CHARS))
        c_layer.slider(t("xattn.layer", lang), 0, cfg.n_dec_layers - 1, key=layer_key)
        c_head.select_slider(t("xattn.head_pick", lang), options=list(range(-1, cfg.n_heads)), key=head_key,
                             format_func=head_label)
        if error is not None:
            st.warning(t(f"xattn.err.{error}", lang, lo=limits.NUMBER.lo, hi=f"{limits.NUMBER.hi:,}",
                         chars=limits.NUMBER_TEXT_CHARS) + " " + t("xattn.showing_default", lang, number=values["number"]),
                       icon=":material/warning:")

        with lesson.main():
            st.markdown(f"**{t('xattn.map_title', lang, layer=layer, shown=head_label(head))}**")
            lesson.chart(charts.cross_heatmap(r.map, r.tokens, r.words, lang), key=f"{LESSON}.chart.map")
            lesson.note(t("xattn.map_caption", lang, layers=r.n_layers, heads=r.n_heads, peak=values["peak"]))
    left, right = st.columns([2, 3], gap="medium")
    with left:
        lesson.note(t("xattn.io", lang, number=values["number"], S=values["S"]))
        st.code(f"{' '.join(r.words)}\n→ {r.output or '∅'}   ({t('xattn.reference', lang)}: {r.reference})",
                language=None, wrap_lines=True)
        (st.success if r.correct else st.error)(
            t("xattn.verdict", lang, verdict=values["verdict"], held=values["held"], accuracy=values["accuracy"],
              count=values["held_count"]), icon=":material/check_circle:" if r.correct else ":material/cancel:")
    with right:
        st.markdown(f"**{t('xattn.steps_title', lang)}**")
        st.dataframe({
            t("xattn.col.step", lang): list(range(1, len(r.tokens) + 1)),
            t("xattn.col.token", lang): list(r.tokens),
            t("xattn.col.prob", lang): [pct(float(p), 1) for p in r.probs],
            t("xattn.col.looks", lang): list(r.attends_to),
            t("xattn.col.weight", lang): [num(float(r.map[i, j])) for i, j in enumerate(r.attends_index)],
        }, hide_index=True, width="stretch")
        lesson.note(t("xattn.steps_caption", lang, S=values["S"], kv=values["kv_once"], N=values["N"]))
    lesson.finish(LESSON, sections, lab.run, XATTN, lang)


@lesson.fragment
def lesson_body() -> None:
    """Everything below the title; editing the sentence or a control reruns only this."""
    if LESSON == "cross-attention":
        xattn_lesson()
    elif LESSON == "variants":
        variants.body(LESSON, lang, lab)
    else:
        encoder_lesson()


lesson_body()
