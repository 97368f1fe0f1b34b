"""Topic page: attention heads, run on a real pretrained encoder and the learner's own sentence.

Lessons: `multi-head` (why several heads of d/h) and `qk-separate` (why Q and K have their own
projections), and `dot-vs-additive` (why dot-product rather than additive scores: timed and counted,
no model; it lives in app_pages/lessons/dot_vs_additive.py). ``?q`` picks one; a switch under the title
moves between them and carries the sentence, the model, the layer and the head over.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from app_pages.lessons import dot_vs_additive
from tf_core import limits
from ui.caching import cached
from ui import encoders, images, lesson, params
from ui.charts import attention as charts
from ui.charts import shared
from ui.i18n import t
from ui.text import md_escape, num, pct

PAGE = "attention"
PARAMS = (
    encoders.TEXT,
    encoders.MODEL,
    # "auto" (the default): the head that puts the least weight on the first token, by the lab's rule
    params.AutoParam("layer", limits.IntRange(params.AUTO, limits.ENCODER_LAYER.hi, params.AUTO)),
    params.AutoParam("head", limits.IntRange(params.AUTO, limits.ENCODER_HEAD.hi, params.AUTO)),
)
# qk-separate computes one layer per run: its layer is an index, its head may be "auto"
QK_PARAMS = (*PARAMS[:2], params.Param("layer", limits.ENCODER_LAYER), PARAMS[3])
LESSONS = {"multi-head": PARAMS, "qk-separate": QK_PARAMS, "dot-vs-additive": dot_vs_additive.PARAMS}

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS)  # torch loads here, under a spinner


def layer_and_head(n_layers: int, n_heads: int, auto_layer: bool = True) -> tuple[int, int]:
    """The layer and head settings (params.AUTO or an index), kept within the model in use (e5 has
    12 layers, MiniLM 6)."""
    return (params.clamp(f"{LESSON}.layer", params.AUTO if auto_layer else 0, n_layers - 1),
            params.clamp(f"{LESSON}.head", params.AUTO, n_heads - 1))


def auto_or(value: int) -> int | None:
    return None if value == params.AUTO else value


def index_label(value: int) -> str:
    return t("lesson.auto", lang) if value == params.AUTO else str(value)


def controls(n_layers: int, n_heads: int, layer_label: str, head_label: str, layer_help: str | None = None,
             auto_layer: bool = True) -> None:
    """One row: the sentence, the model, the layer and head pickers ("auto" first), Reset."""
    c_text, c_model, c_layer, c_head = lesson.controls(LESSON, LESSONS[LESSON], lang, [4, 2, 2, 2])
    encoders.controls(LESSON, lang, c_text, c_model)
    first = params.AUTO if auto_layer else 0
    c_layer.select_slider(layer_label, options=list(range(first, n_layers)), key=f"{LESSON}.layer",
                          format_func=index_label, help=layer_help)
    c_head.select_slider(head_label, options=list(range(params.AUTO, n_heads)), key=f"{LESSON}.head",
                         format_func=index_label, help=t("attn.auto_help", lang))


def auto_note(asked: tuple[int, int], shown: tuple[int, int], share: float, first: str) -> None:
    """When a layer or head is "auto": which one the rule picked, and the rule."""
    if params.AUTO in asked:
        lesson.note(t("attn.auto_note", lang, layer=shown[0], head=shown[1], first=md_escape(first, 24), share=pct(share)))


def first_column(share: float, first: str, key: str) -> bool:
    """Under a map whose first key takes most of the weight: its live share, and the switch that
    leaves that column out of the colour scale (drawing only: the run is cached). Returns the switch."""
    if share < FIRST_KEY_HEAVY:
        return False
    lesson.note(t("attn.first_share", lang, first=md_escape(first, 24), share=pct(share)))
    return st.toggle(t("lesson.first_col", lang), key=key, help=t("lesson.first_col_help", lang))


FIRST_KEY_HEAVY = 0.5  # a map whose first key takes at least this share of the weight gets the switch


def pieces_and_notices(text: str, r, enc) -> None:
    """Under the main chart: notes on the model choice and the sentence, then its tokens."""
    encoders.model_notice(LESSON, lang)
    unk = sum(1 for p in r.pieces if p in ("[UNK]", "<unk>"))
    encoders.token_notices(text, r.pieces, r.n_total, r.truncated, unk, lang)
    encoders.token_strip(r.pieces, lang, enc.prefix)


# --- lesson multi-head -------------------------------------------------------------------------------
@cached(64)
def run_multi_head(model_key: str, text: str, layer: int, head: int, _encoder) -> tuple[lab.MultiHeadResult, bytes]:
    """Cached by (model, text, layer, head); ``_encoder`` is the loaded model for ``model_key``.

    Keeps what the page draws, not every map the run computed: the overview image of all layers' and
    heads' maps, drawn here once, and the result with ``attentions`` cut to the selected head's map, shape
    (1, 1, T, T). At 128 tokens on e5's 12 x 12 heads the maps are 9.4 MB, an entry then ~0.2 MB."""
    r = lab.run(_encoder, text, max_tokens=limits.ENCODER_TOKENS, ablate=(auto_or(layer), auto_or(head)))
    at_layer, at_head = r.ablated  # "auto" resolved by the lab's rule
    overview = images.png(images.head_grid(r.attentions, (at_layer, at_head), layer_label="L", head_label="H"))
    selected = r.attentions[at_layer:at_layer + 1, at_head:at_head + 1].copy()
    return dataclasses.replace(r, attentions=selected), overview


def head_name(layer: int, head: int) -> str:
    return f"L{layer} H{head}"


def multi_head_values(r, model_name: str, d_model: int, layer: int, head: int) -> dict[str, str]:
    """The card's live numbers (and the captions'), all from the lab result."""
    L, H = r.entropy.shape
    lo, hi = np.unravel_index(np.argmin(r.entropy), r.entropy.shape), np.unravel_index(np.argmax(r.entropy), r.entropy.shape)
    off = ~np.eye(H, dtype=bool)
    d_layer = r.distance[layer]
    pair = np.unravel_index(np.argmin(np.where(off, d_layer, np.inf)), d_layer.shape)
    multi, single = r.costs_multi, r.costs_single
    return {
        "model": model_name,
        "tokens": str(len(r.pieces)),
        "layers": str(L),
        "heads": str(H),
        "maps": str(L * H),
        "d": str(d_model),
        "dh": str(d_model // H),
        "layer": str(layer),
        "head": str(head),
        "ent_min": num(r.entropy[lo]),
        "ent_min_head": head_name(*lo),
        "ent_max": num(r.entropy[hi]),
        "ent_max_head": head_name(*hi),
        "keys_min": num(r.effective_keys[lo]),
        "keys_max": num(r.effective_keys[hi]),
        "max_entropy": num(r.max_entropy),
        "dist_mean": num(r.distance[:, off].mean()),
        "dist_min": num(r.distance[:, off].min()),
        "layer_mean": num(d_layer[off].mean()),
        "pair": f"H{pair[0]}–H{pair[1]}",
        "pair_dist": num(d_layer[pair]),
        "abl_mean": pct(r.change.mean(), 1),
        "abl_max": pct(r.change.max(), 1),
        "params": f"{multi.params:,}",
        "flops_multi": f"{multi.flops_projections + multi.flops_scores + multi.flops_mix:,}",
        "flops_single": f"{single.flops_projections + single.flops_scores + single.flops_mix:,}",
        "exps_multi": f"{multi.exps:,}",
        "exps_single": f"{single.exps:,}",
    }


def multi_head_figures(r, values: dict[str, str], layer: int, head: int) -> list[lesson.Figure]:
    """Headline figures: how differently the heads attend, and what one of them does."""
    return [
        lesson.Figure(t("mh.fig.sharpest", lang, head=values["ent_min_head"]), values["ent_min"],
                      t("mh.fig.entropy_help", lang, maps=values["maps"], max_entropy=values["max_entropy"])),
        lesson.Figure(t("mh.fig.broadest", lang, head=values["ent_max_head"]), values["ent_max"],
                      t("mh.fig.entropy_help", lang, maps=values["maps"], max_entropy=values["max_entropy"])),
        lesson.Figure(t("mh.fig.distance", lang), values["dist_mean"], t("mh.fig.distance_help", lang)),
        lesson.Figure(t("mh.fig.ablation", lang, layer=layer, head=head), values["abl_mean"],
                      t("mh.fig.ablation_help", lang, max=values["abl_max"])),
    ]


def costs_table(r, d: int, h: int) -> None:
    multi, single = r.costs_multi, r.costs_single
    rows = [("mh.costs.params", "params"), ("mh.costs.proj", "flops_projections"), ("mh.costs.scores", "flops_scores"),
            ("mh.costs.mix", "flops_mix"), ("mh.costs.exps", "exps")]
    st.dataframe(
        {
            t("mh.costs.what", lang, tokens=len(r.pieces)): [t(k, lang) for k, _ in rows],
            t("mh.costs.multi", lang, h=h, dh=d // h): [f"{getattr(multi, f):,}" for _, f in rows],
            t("mh.costs.single", lang, d=d): [f"{getattr(single, f):,}" for _, f in rows],
        },
        hide_index=True,
        width="stretch",
    )


def multi_head_lesson() -> None:
    text, model_key = encoders.current(LESSON)
    enc = encoders.encoder(model_key, lang)
    cfg = enc.model.cfg
    asked = layer_and_head(cfg.n_layers, cfg.n_heads)
    r, overview = run_multi_head(model_key, text, *asked, enc)
    layer, head = r.ablated  # "auto" resolved by the lab's rule
    values = multi_head_values(r, enc.name, cfg.d_model, layer, head)
    sections = lesson.card(LESSON, lang, values)
    panel = lesson.answer(LESSON, sections, lang, multi_head_figures(r, values, layer, head))
    with panel:
        controls(cfg.n_layers, cfg.n_heads, t("mh.layer_pick", lang), t("mh.head_pick", lang))
        with lesson.main():
            st.markdown(f"**{t('mh.overview', lang)}**")
            # output_format: Streamlit would otherwise decode this RGB PNG and re-encode it as JPEG (lossy, ~14 ms)
            st.image(overview, output_format="PNG")
            lesson.note(t("mh.overview_caption", lang, model=enc.name, layers=cfg.n_layers, heads=cfg.n_heads,
                          maps=cfg.n_layers * cfg.n_heads, tokens=len(r.pieces), layer=layer, head=head))
            auto_note(asked, (layer, head), float(r.first_key_share[layer, head]), r.pieces[0])
    pieces_and_notices(text, r, enc)

    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(f"**{t('mh.entropy', lang)}**")
        lesson.chart(charts.head_entropy(r.entropy, r.max_entropy, (layer, head), lang), key=f"{LESSON}.chart.entropy",
                     width="content")
    with right:
        st.markdown(f"**{t('mh.distance', lang, layer=layer)}**")
        lesson.chart(charts.head_distance(r.distance[layer], head, lang), key=f"{LESSON}.chart.distance",
                     width="content")
    lesson.note(t("mh.stats_caption", lang, **values))

    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.markdown(f"**{t('mh.detail_title', lang, layer=layer, head=head)}**")
        w = r.attentions[0, 0]  # the selected head's map: all the cached result keeps
        left_out = first_column(float(r.first_key_share[layer, head]), r.pieces[0], f"{LESSON}.first_col")
        lesson.chart(shared.token_heatmap(w, r.pieces, lang, None, signed=False,
                                          scale=float(w[:, 1:].max()) if left_out and w.shape[1] > 1 else None),
                     key=f"{LESSON}.chart.detail")
        lesson.note(t("mh.detail_caption", lang, entropy=num(r.entropy[layer, head]), tokens=len(r.pieces),
                     max_entropy=num(r.max_entropy)))
    with right:
        st.markdown(f"**{t('mh.ablation', lang, layer=layer, head=head)}**")
        lesson.chart(charts.head_ablation(r.change, r.pieces, lang), key=f"{LESSON}.chart.ablation")
        worst = int(np.argmax(r.change))
        lesson.note(t("mh.ablation_caption", lang, layer=layer, head=head, mean=values["abl_mean"],
                     max=values["abl_max"], max_tok=md_escape(r.pieces[worst], max_len=24)))

    st.markdown(f"**{t('mh.costs', lang)}**")
    costs_table(r, cfg.d_model, cfg.n_heads)
    lesson.note(t("mh.costs_caption", lang, d=cfg.d_model, h=cfg.n_heads, dh=cfg.d_model // cfg.n_heads))

    lesson.finish(LESSON, sections, lab.run, PARAMS, lang)


# --- lesson qk-separate ------------------------------------------------------------------------------
@cached(64)
def run_qk(model_key: str, text: str, layer: int, _encoder):
    """Cached by (model, text, layer); ``_encoder`` is the loaded model for ``model_key``."""
    return lab.run(_encoder, text, layer=layer, max_tokens=limits.ENCODER_TOKENS)


def qk_values(r, model_name: str) -> dict[str, str]:
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
        "asym_shared_verdict": t("qk.rounding.yes" if r.shared_is_rounding else "qk.rounding.no", lang, dtype=r.dtype,
                                 bound=num(r.rounding_bound)),
        "w_asym_shared": num(r.weights_asym_shared.mean()),
        "wk_params": f"{r.wk_params:,}",
    }


def qk_figures(r) -> list[lesson.Figure]:
    """Headline figures: tokens that pick themselves, and the asymmetry, with and without W_K of its own."""
    return [
        lesson.Figure(t("qk.fig.asym", lang), f"{num(r.asym_own.mean())} → {num(r.asym_shared.max())}",
                      t("qk.fig.asym_help", lang)),
        lesson.Figure(t("qk.fig.w_asym", lang), num(r.weights_asym_shared.mean()), t("qk.fig.w_asym_help", lang)),
    ]


def qk_lesson() -> None:
    text, model_key = encoders.current(LESSON)
    enc = encoders.encoder(model_key, lang)
    cfg = enc.model.cfg
    layer, asked_head = layer_and_head(cfg.n_layers, cfg.n_heads, auto_layer=False)
    r = run_qk(model_key, text, layer, enc)
    head = r.auto_head if asked_head == params.AUTO else asked_head
    values = qk_values(r, enc.name)
    sections = lesson.card(LESSON, lang, values)
    panel = lesson.answer(LESSON, sections, lang, qk_figures(r))
    with panel:
        controls(cfg.n_layers, cfg.n_heads, t("qk.layer", lang), t("qk.head_pick", lang), t("qk.layer_help", lang),
                 auto_layer=False)

    share = float(r.first_key_share_own[head])
    own, mirror = r.scores_own[head], r.scores_shared[head]
    left_out = bool(st.session_state.get(f"{LESSON}.first_col")) and share >= FIRST_KEY_HEAVY
    rest = (slice(None), slice(1, None)) if left_out and own.shape[1] > 1 else (slice(None), slice(None))
    zmax = float(max(abs(own[rest]).max(), abs(mirror[rest]).max()))
    with panel, lesson.main():
        lesson.chart(shared.token_heatmap(r.scores_own[head], r.pieces, lang, "qk.heat_own", zmax),
                     key=f"{LESSON}.chart.own")
        auto_note((layer, asked_head), (layer, head), share, r.pieces[0])
        first_column(share, r.pieces[0], f"{LESSON}.first_col")
    left, right = st.columns(2, gap="medium")
    with left:
        lesson.chart(shared.token_heatmap(r.scores_shared[head], r.pieces, lang, "qk.heat_shared", zmax),
                     key=f"{LESSON}.chart.shared")
        lesson.note(t("qk.heat_caption", lang, model=enc.name, layer=layer, head=head, diag_own=pct(r.diag_own[head]),
                      asym_own=num(r.asym_own[head]), diag_shared=pct(r.diag_shared[head]),
                      asym_shared=num(r.asym_shared[head]), chance=pct(r.chance)))
    with right:
        lesson.chart(charts.qk_per_head(r.diag_own, r.diag_shared, lang, "diag", chance=r.chance),
                     key=f"{LESSON}.chart.diag")
        lesson.chart(charts.qk_per_head(r.asym_own, r.asym_shared, lang, "asym"), key=f"{LESSON}.chart.asym")
    lesson.note(t("qk.bars_caption", lang, **values, verdict=values["asym_shared_verdict"]))
    pieces_and_notices(text, r, enc)

    lesson.finish(LESSON, sections, lab.run, QK_PARAMS, lang)


@lesson.fragment
def lesson_body() -> None:
    """Everything below the title; editing the sentence or a slider reruns only this."""
    {"multi-head": multi_head_lesson, "qk-separate": qk_lesson,
     "dot-vs-additive": lambda: dot_vs_additive.body(LESSON, lang, lab)}[LESSON]()


lesson_body()
