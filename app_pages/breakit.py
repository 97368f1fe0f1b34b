"""Break it: one design choice removed from a real model, for one call (tf_core/ablation.py), and what it
costs on the shipped bilingual text (tf_core/lab/break_it.py): SmolLM2's perplexity and generation, e5's
retrieval of translations. The page only draws; every number comes from the lab, cached by its switches."""
from __future__ import annotations

import streamlit as st

from tf_core import limits
from ui.caching import cached
from ui import curriculum, decoders, encoders
from ui.charts import breakit as charts
from ui.decoders import run_in_line
from ui.i18n import t
from ui.lesson import Figure, chart, figure_strip
from ui.text import device_text, num

lang = st.session_state.get("lang", "en")
cur = curriculum.load()
st.title(t("brk.title", lang))
st.markdown(t("brk.intro", lang))

from tf_core.ablation import Ablation  # noqa: E402  (torch: after the title, so the page shows at once)
from tf_core.lab import break_it as lab  # noqa: E402

OVERVIEW_LAYER = 0  # the layer whose heads "each switch alone" zeroes


def figures_row(figures: list[Figure], key: str) -> None:
    figure_strip(figures, key=f"lesson-figures-{key}")


def removed_label(switch: str) -> str:
    """A switch of "each switch alone", named by what it removes ("without RoPE")."""
    if switch == "heads_off":
        return t("brk.overview.heads", lang, layer=OVERVIEW_LAYER)
    return t(f"brk.off.{switch}", lang)


def lesson_link(switch: str) -> str:
    qid = lab.LESSONS[switch]
    return f"[{t('brk.lesson', lang, title=cur.get(qid).short(lang))}](/?q={qid}&lang={lang})"


@cached(64)
def decoder_run(ablation: Ablation, text_lang: str, _dec):
    texts, prompts = {text_lang: lab.eval_text(text_lang)}, {text_lang: lab.prompt(text_lang)}
    return run_in_line(lambda p: lab.run(_dec.model, _dec.tokenizer, ablation, texts=texts, prompts=prompts,
                                         eos_id=_dec.eos_id, on_progress=p.step), lang, t("brk.running", lang))


@cached(8)
def overview_scores(text_lang: str, _dec) -> list[tuple[str, float]]:
    """Perplexity of the text as trained and with each decoder switch removed alone."""
    heads = _dec.model.cfg.n_heads
    single = [("intact", Ablation()), ("scale", Ablation(scale=False)), ("causal", Ablation(causal=False)),
              ("rope", Ablation(rope=False)), ("norm_scale", Ablation(norm_scale=False)),
              ("heads_off", Ablation(heads_off=tuple((OVERVIEW_LAYER, h) for h in range(heads))))]

    def job(p):
        out = []
        for i, (name, ab) in enumerate(single):
            p.step(i, len(single))
            out.append((name, lab.perplexity(_dec.model, _dec.tokenizer, lab.eval_text(text_lang), ab)))
        return out
    return run_in_line(job, lang, t("brk.overview_running", lang))


@cached(16)
def encoder_run(positions: str, seed: int, _enc):
    return lab.run(ablation=Ablation(positions=positions, seed=seed) if positions != "keep" else Ablation(), encoder=_enc)


# --- SmolLM2 ----------------------------------------------------------------------------------------------
st.subheader(t("brk.dec.title", lang), divider="gray")
dec = decoders.decoder(decoders.SMOLLM2, lang)
if dec is not None:
    cfg = dec.model.cfg
    left, right = st.columns([2, 3], gap="medium")
    with left:
        text_lang = st.segmented_control(t("brk.eval_lang", lang), ("en", "zh"), default=lang, key="brk.lang",
                                         format_func=lambda x: t(f"brk.lang.{x}", lang)) or lang
        st.markdown(f"**{t('brk.keep', lang)}**")
        keep = {}
        for switch in ("scale", "causal", "rope", "norm_scale"):
            c_toggle, c_link = st.columns([3, 2], vertical_alignment="center")
            keep[switch] = c_toggle.toggle(t(f"brk.{switch}", lang), value=True, key=f"brk.{switch}")
            c_link.markdown(lesson_link(switch))
        layers = st.multiselect(t("brk.heads", lang), list(range(cfg.n_layers)), key="brk.layers",
                                placeholder=t("brk.heads_placeholder", lang),
                                max_selections=limits.BREAKIT_HEADS_OFF // cfg.n_heads,
                                help=t("brk.heads_help", lang, n=limits.BREAKIT_HEADS_OFF // cfg.n_heads, h=cfg.n_heads))
        st.markdown(lesson_link("heads_off"))
    ablation = Ablation(scale=keep["scale"], causal=keep["causal"], rope=keep["rope"], norm_scale=keep["norm_scale"],
                        heads_off=tuple((layer, h) for layer in layers for h in range(cfg.n_heads)))
    result = decoder_run(ablation, text_lang, dec)
    singles = dict(overview_scores(text_lang, dec))
    part = result.languages[0]
    ppl0, ppl1 = part.intact.perplexity, part.broken.perplexity
    worst = max((k for k in singles if k != "intact"), key=lambda k: singles[k])
    with right:
        figures_row([
            Figure(t("brk.fig.ppl", lang), f"{num(ppl0)} → {num(ppl1)}", t("brk.fig.ppl_help", lang, n=part.intact.n_tokens)),
            Figure(t("brk.fig.ratio", lang), f"×{num(ppl1 / ppl0)}", t("brk.fig.ratio_help", lang)),
            Figure(t("brk.fig.worst", lang), removed_label(worst), t("brk.fig.worst_help", lang)),
        ], "decoder")
        if ablation.intact:
            st.info(t("brk.intact_note", lang), icon=":material/info:")
        elif not ablation.causal:
            st.warning(t("brk.leak", lang), icon=":material/visibility:")
        st.markdown(f"**{t('brk.overview.title', lang)}**")
        rows = [(t("brk.overview.intact", lang) if k == "intact" else removed_label(k), v, k == "intact")
                for k, v in singles.items()]
        chart(charts.overview(rows, lang), key="brk.chart.overview")
        st.markdown(t("brk.overview.caption", lang, text=t(f"brk.lang.{text_lang}", lang), n=part.intact.n_tokens,
                      ppl=num(singles["intact"]), scale=num(singles["scale"]), causal=num(singles["causal"]),
                      rope=num(singles["rope"]), norm=num(singles["norm_scale"]), layer=OVERVIEW_LAYER,
                      heads=num(singles["heads_off"])))

    st.markdown(f"**{t('brk.loss.title', lang)}**")
    chart(charts.losses(part.intact.losses, part.broken.losses, lang), key="brk.chart.losses")
    st.markdown(f"**{t('brk.gen.title', lang)}**")
    st.caption(t("brk.gen.prompt", lang))
    st.code(part.prompt, language=None, wrap_lines=True)
    for side, g in (("intact", part.generated_intact), ("broken", part.generated_broken)):
        how = t("brk.gen.cached" if g.cached else "brk.gen.uncached", lang)
        st.caption(t(f"brk.gen.{side}", lang, n=len(g.tokens), how=how))
        st.code(g.text or t("brk.gen.empty", lang), language=None, wrap_lines=True)
    st.caption(t("brk.timing", lang, device=device_text(result.device, lang), s=num(result.seconds)))

# --- e5 -----------------------------------------------------------------------------------------------------
st.subheader(t("brk.enc.title", lang), divider="gray")
enc = encoders.encoder("e5", lang)
n_pairs = len(lab.pairs())
st.markdown(t("brk.enc.intro", lang, n=n_pairs))
c_pos, c_seed, c_link = st.columns([3, 2, 2], vertical_alignment="bottom")
positions = c_pos.segmented_control(t("brk.positions", lang), ("keep", "remove", "shuffle"),
                                    default="remove", key="brk.positions",
                                    format_func=lambda p: t(f"brk.pos.{p}", lang)) or "keep"
seed = c_seed.number_input(t("brk.seed", lang), limits.SEED.lo, limits.SEED.hi, 0, key="brk.seed",
                           disabled=positions != "shuffle")
c_link.markdown(lesson_link("positions"))
r = encoder_run(positions, int(seed), enc)
r0, r1 = r.retrieval_intact, r.retrieval_broken
how = t(f"brk.pos.{positions}", lang)
figures_row([
    Figure(t("brk.fig.zh_en", lang), f"{num(r0.zh_to_en)} → {num(r1.zh_to_en)}", t("brk.fig.found_help", lang, n=r0.n_pairs)),
    Figure(t("brk.fig.en_zh", lang), f"{num(r0.en_to_zh)} → {num(r1.en_to_zh)}", t("brk.fig.found_help", lang, n=r0.n_pairs)),
], "encoder")
panels = [(t("brk.sim.intact", lang), r0.similarity)]
if positions != "keep":
    panels.append((t("brk.sim.broken", lang, how=how), r1.similarity))
chart(charts.similarity(panels, lang), key="brk.chart.similarity", width="content")


def diag_off(sim) -> tuple[float, float]:
    import numpy as np

    n = sim.shape[0]
    return float(np.trace(sim) / n), float((sim.sum() - np.trace(sim)) / (n * n - n))


(d0, o0), (d1, o1) = diag_off(r0.similarity), diag_off(r1.similarity)
st.markdown(t("brk.sim.caption", lang, zh_en_0=num(r0.zh_to_en), zh_en_1=num(r1.zh_to_en), how=how,
              diag_0=num(d0), diag_1=num(d1), off_0=num(o0), off_1=num(o1)))
