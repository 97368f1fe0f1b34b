"""Topic page: attention heads. Lesson `qk-separate` (why Q and K have their own projections),
run on a real pretrained encoder and the learner's own sentence."""
from __future__ import annotations

import streamlit as st

from tf_core import limits
from ui import charts, encoders, lesson, params
from ui.i18n import t
from ui.sidebar import show_device
from ui.text import num, pct

PAGE = "attention"
LESSON = lesson.pick_question(PAGE)  # the only built question of this page so far: qk-separate
PARAMS = (
    encoders.TEXT,
    encoders.MODEL,
    params.Param("layer", limits.ENCODER_LAYER),
    params.Param("head", limits.ENCODER_HEAD),
)

lang = st.session_state.get("lang", "en")
params.init_from_url(LESSON, PARAMS, lang)
lesson.title(LESSON, lang)
params.show_notices()
lab = lesson.import_lab("qk_separate", lang)  # torch loads here, once per process, under a spinner
show_device(lang)


@st.cache_data(max_entries=64, show_spinner=False)
def run(model_key: str, text: str, layer: int, _encoder) -> lab.QKResult:
    """Cached by (model, text, layer); ``_encoder`` is the loaded model for ``model_key``."""
    return lab.run(_encoder, text, layer=layer, max_tokens=limits.ENCODER_TOKENS)


def card_values(r: lab.QKResult, model_name: str) -> dict[str, str]:
    return {
        "model": model_name,
        "layer": str(r.layer),
        "tokens": str(len(r.pieces)),
        "heads": str(len(r.diag_own)),
        "diag_own": pct(r.diag_own.mean()),
        "diag_shared": pct(r.diag_shared.mean()),
        "chance": pct(r.chance),
        "asym_own": num(r.asym_own.mean()),
        "asym_shared_max": num(r.asym_shared.max()),
        "w_asym_shared": num(r.weights_asym_shared.mean()),
        "wk_params": f"{r.wk_params:,}",
    }


@st.fragment
def lesson_body() -> None:
    """Everything below the title; editing the sentence or a slider reruns only this."""
    text, model_key = encoders.current(LESSON)
    enc = encoders.encoder(model_key, lang)
    n_layers = enc.model.cfg.n_layers
    layer_key, head_key = f"{LESSON}.layer", f"{LESSON}.head"
    st.session_state[layer_key] = min(st.session_state[layer_key], n_layers - 1)  # e5 has 12 layers, MiniLM 6
    layer, head = int(st.session_state[layer_key]), int(st.session_state[head_key])
    r = run(model_key, text, layer, enc)
    sections = lesson.card(LESSON, lang, card_values(r, enc.name))
    lesson.short_answer(sections, lang)

    st.subheader(t("lesson.experiment", lang), divider="gray")
    encoders.controls(LESSON, lang)
    c_layer, c_head = st.columns(2)
    c_layer.slider(t("qk.layer", lang), 0, n_layers - 1, key=layer_key, help=t("qk.layer_help", lang))
    c_head.slider(t("qk.head_pick", lang), limits.ENCODER_HEAD.lo, limits.ENCODER_HEAD.hi, key=head_key)
    lesson.reset_button(LESSON, PARAMS, lang)

    unk = sum(1 for p in r.pieces if p in ("[UNK]", "<unk>"))
    encoders.token_notices(text, r.pieces, r.n_total, r.truncated, unk, lang)
    encoders.token_strip(r.pieces, lang, enc.prefix)

    zmax = float(max(abs(r.scores_own[head]).max(), abs(r.scores_shared[head]).max()))
    left, right = st.columns(2)
    with left:
        lesson.chart(charts.token_heatmap(r.scores_own[head], r.pieces, lang, "qk.heat_own", zmax),
                     key=f"{LESSON}.chart.own")
    with right:
        lesson.chart(charts.token_heatmap(r.scores_shared[head], r.pieces, lang, "qk.heat_shared", zmax),
                     key=f"{LESSON}.chart.shared")
    st.caption(t("qk.heat_caption", lang, model=enc.name, layer=layer, head=head, diag_own=pct(r.diag_own[head]),
                 asym_own=num(r.asym_own[head]), diag_shared=pct(r.diag_shared[head]),
                 asym_shared=num(r.asym_shared[head]), chance=pct(r.chance)))

    left, right = st.columns(2)
    with left:
        lesson.chart(charts.qk_per_head(r.diag_own, r.diag_shared, lang, "diag", chance=r.chance),
                     key=f"{LESSON}.chart.diag")
    with right:
        lesson.chart(charts.qk_per_head(r.asym_own, r.asym_shared, lang, "asym"), key=f"{LESSON}.chart.asym")
    st.caption(t("qk.bars_caption", lang, heads=len(r.diag_own), layer=layer, asym_shared_max=num(r.asym_shared.max()),
                 diag_shared=pct(r.diag_shared.mean()), diag_own=pct(r.diag_own.mean())))

    lesson.wrong_answer(sections, lang)
    lesson.full_answer(LESSON, sections, lang)
    lesson.code(LESSON, lab.run, lang)
    params.write_url(LESSON, LESSON, PARAMS, lang)


lesson_body()
