"""Topic page: normalisation and residuals. Lessons `ln-vs-bn` (LayerNorm's per-token statistics against
BatchNorm's per-feature ones on a padded batch through a real encoder; Pre-LN against Post-LN, at
initialisation and in live training runs), `batchnorm` (the noise of batch statistics, the train/eval
mismatch) and `residual` (gradients through a deep stack with and without residuals).

Each lesson keeps to its own section below (parameters, cached run, values, figures, body)."""
from __future__ import annotations

import streamlit as st

from tf_core import limits
from tf_core.models import registry
from ui.caching import cached
from ui import encoders, lesson, params, training
from ui.charts import norms as charts
from ui.i18n import t
from ui.text import num, pct

PAGE = "norms"

# --- parameters of lesson ln-vs-bn ---
# Six lines of different lengths: the padded batch has padding in every row but the longest.
LNBN_TEXT = params.TextParam("text", max_chars=limits.ENCODER_TEXT_CHARS, multiline=True, defaults=(
    ("en", "Short one.\nPadding fills the rest of each row.\nA batch holds sentences of many different lengths.\n"
           "Hi!\nThe longest sentence of this batch sets the length every other row is padded to.\nThey all share it."),
    ("zh", "短句。\n填充补满每一行的剩余部分。\n一个批次里的句子长短各不相同。\n你好！\n"
           "这个批次里最长的句子决定了其他每一行要填充到的长度。\n大家共用这个长度。"),
))
# Learning rates offered: a 1-2-5 series from 1e-4 (too slow to learn in the steps) to 1 (every run blows up).
LNBN_LRS = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.2, 0.5, 1.0)
LN_VS_BN = (LNBN_TEXT, encoders.MODEL, params.Param("layer", limits.ENCODER_LAYER),
            params.Param("depth", limits.LNBN_DEPTH), params.Param("lr", limits.LNBN_LR, options=LNBN_LRS),
            params.Param("seed", limits.SEED))
# --- end parameters of lesson ln-vs-bn ---

# --- parameters of lesson batchnorm ---
BATCHNORM = (params.Param("len", limits.BN_LENGTH), params.Param("batch", limits.BN_BATCH),
             params.Param("seed", limits.SEED))
# --- end parameters of lesson batchnorm ---

# --- parameters of lesson residual ---
RES_NORM = params.ChoiceParam("norm", ("layer", "none"), "layer")
RESIDUAL = (params.Param("depth", limits.RES_DEPTH), RES_NORM,
            params.Param("lr", limits.RES_LR, options=limits.RES_LRS), params.Param("seed", limits.SEED))
# --- end parameters of lesson residual ---

LESSONS = {"ln-vs-bn": LN_VS_BN, "batchnorm": BATCHNORM, "residual": RESIDUAL}

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS)  # torch loads here, under a spinner


# --- lesson ln-vs-bn ----------------------------------------------------------------------------------
@cached(64)
def run_lnbn_stats(model_key: str, sentences: tuple[str, ...], layer: int, _encoder):
    return lab.statistics(_encoder, sentences, layer=layer)


def lnbn_placement(depth: int, lr: float, seed: int):
    """The four live runs (ui.training: the process's one line, drawn live, kept for the next learner)."""
    steps = limits.LNBN_STEPS.default
    names = {name: t(f"lnbn.run.{name}", lang) for name, _, _ in lab.RUNS}
    return training.cached_run(
        ("ln-vs-bn", depth, lr, seed, steps),
        lambda live: lab.placement(depth, lr, seed, steps, on_step=live.on_step),
        lang, t("lnbn.running", lang, runs=len(names), steps=steps), names, len(names) * steps)


def lnbn_loss(p, name: str) -> str:
    """A run's final loss as shown ("—" when it stopped at a loss that is not a finite number)."""
    final = p.final(name)
    return num(final) if final == final else "—"


def lnbn_values(r, p) -> dict[str, str]:
    return {
        "model": r.model,
        "n_sent": str(len(r.lengths)),
        "layer": str(r.layer),
        "d": str(r.d_model),
        "bn_pad": num(r.bn_pad),
        "bn_k": num(r.bn_counted_k[-1]),
        "bn_masked": num(r.bn_masked_k[-1]),
        "bn_e": num(r.bn_counted_e[-1]),
        "pad_hi": str(int(r.pads[-1])),
        "ln_max": num(r.ln_max),
        "ln_stat": num(r.ln_stat_max),
        "ln_verdict": t(f"lnbn.ln.{r.ln_verdict}", lang),
        "n_real": str(r.n_real),
        "n_pad": str(r.n_pad),
        "depth": str(p.depth),
        "lr": f"{p.lr:g}",
        "steps": str(p.steps),
        "warmup": str(p.warmup),
        **{f"{name}_final": lnbn_loss(p, name) for name, _, _ in lab.RUNS},
        **{f"{name}_verdict": t(f"lnbn.verdict.{p.verdict(name)}", lang) for name, _, _ in lab.RUNS},
        "grad_post_first": num(p.grad_post[0]), "grad_post_last": num(p.grad_post[-1]),
        "grad_pre_first": num(p.grad_pre[0]), "grad_pre_last": num(p.grad_pre[-1]),
        "plateau": num(p.entropy),
    }


def ln_vs_bn_lesson() -> None:
    sentences, too_many = lab.split_sentences(st.session_state[LNBN_TEXT.key(LESSON)])
    model_key = registry.pick(" ".join(sentences), st.session_state[encoders.MODEL.key(LESSON)])
    enc = encoders.encoder(model_key, lang)
    n_layers = enc.model.cfg.n_layers
    layer = params.clamp(f"{LESSON}.layer", 0, n_layers - 1)
    depth = int(params.clamp(f"{LESSON}.depth", limits.LNBN_DEPTH.lo, limits.LNBN_DEPTH.hi))
    lr, seed = float(st.session_state[f"{LESSON}.lr"]), int(st.session_state[f"{LESSON}.seed"])
    r = run_lnbn_stats(model_key, tuple(sentences), layer, enc)
    p = lnbn_placement(depth, lr, seed)
    values = lnbn_values(r, p)
    sections = lesson.card(LESSON, lang, values)
    B, hi = len(r.lengths), int(r.pads[-1])
    panel = lesson.answer(LESSON, sections, lang, [
        lesson.Figure(t("lnbn.fig.batch", lang, n=B), values["bn_k"], t("lnbn.fig.batch_help", lang)),
        lesson.Figure(t("lnbn.fig.pad", lang, n=hi), values["bn_e"], t("lnbn.fig.pad_help", lang, n=hi)),
        lesson.Figure(t("lnbn.fig.grad", lang), f"{num(p.grad_post[-1])} / {num(p.grad_pre[-1])}",
                      t("lnbn.fig.grad_help", lang)),
        lesson.Figure(t("lnbn.fig.warm", lang), values["post_warm_final"], t("lnbn.fig.warm_help", lang)),
    ])

    with panel:
        c_text, c_model, c_layer, c_depth, c_lr, c_seed = lesson.controls(LESSON, LN_VS_BN, lang, [4, 2, 2, 2, 3, 2])
        c_text.text_area(t("lnbn.sentences", lang), key=LNBN_TEXT.key(LESSON), max_chars=limits.ENCODER_TEXT_CHARS,
                         height=68, help=t("lnbn.sentences_help", lang, n=limits.PAD_SENTENCES.hi) + " "
                         + t("enc.limits", lang, tokens=limits.ENCODER_TOKENS, chars=limits.ENCODER_TEXT_CHARS))
        c_model.selectbox(t("enc.model", lang), options=encoders.MODEL.options, key=encoders.MODEL.key(LESSON),
                          format_func=lambda key: t(f"enc.model.{key}", lang), help=t("enc.model_help", lang))
        c_layer.slider(t("lnbn.layer", lang), 0, n_layers - 1, key=f"{LESSON}.layer", help=t("lnbn.layer_help", lang))
        c_depth.slider(t("lnbn.depth", lang), limits.LNBN_DEPTH.lo, limits.LNBN_DEPTH.hi, key=f"{LESSON}.depth",
                       help=lesson.limits_help(lang, [(t("lnbn.depth", lang), limits.LNBN_DEPTH)]))
        c_lr.select_slider(t("lnbn.lr", lang), options=LNBN_LRS, key=f"{LESSON}.lr", format_func=lambda v: f"{v:g}",
                           help=t("lnbn.lr_help", lang) + " "
                           + lesson.limits_help(lang, [(t("lnbn.lr", lang), limits.LNBN_LR)]))
        c_seed.number_input(t("lnbn.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{LESSON}.seed", step=1,
                            help=lesson.limits_help(lang, [(t("lnbn.seed", lang), limits.SEED)]))
        if too_many:
            st.info(t("lnbn.too_many", lang, n=limits.PAD_SENTENCES.hi), icon=":material/info:")
        if r.truncated.any():
            st.warning(t("enc.truncated", lang, n=int(r.n_total.max()), cap=limits.ENCODER_TOKENS),
                       icon=":material/content_cut:")
        with lesson.main():
            left, right = st.columns(2, gap="small")
            with left:
                st.markdown(f"**{t('lnbn.change.title_batch', lang)}**")
                lesson.chart(charts.lnbn_change(r.batch_sizes, r.bn_counted_k, r.bn_masked_k, r.ln_k, r.pad_fraction_k,
                                                lang, "lnbn.change.x_batch"), key=f"{LESSON}.chart.batch")
            with right:
                st.markdown(f"**{t('lnbn.change.title_pad', lang)}**")
                lesson.chart(charts.lnbn_change(r.pads, r.bn_counted_e, r.bn_masked_e, r.ln_e, r.pad_fraction_e,
                                                lang, "lnbn.change.x_pad"), key=f"{LESSON}.chart.pad")
    lesson.note(t("lnbn.change_caption", lang, d=r.d_model, layer=r.layer, model=r.model, n=B, hi=hi, **{
        k: values[k] for k in ("bn_k", "bn_e", "bn_masked", "ln_max", "ln_verdict")}))

    st.markdown(f"**{t('lnbn.means.title', lang)}**")
    lesson.chart(charts.lnbn_means(r.mean_real, r.mean_counted, lang), key=f"{LESSON}.chart.means")
    if r.n_pad:
        lesson.note(t("lnbn.means_caption", lang, d=r.d_model, n_real=r.n_real, n_pad=r.n_pad,
                      shift_med=num(r.shift_median), shift_max=num(r.shift_max)))
    else:
        lesson.note(t("lnbn.means_none", lang))

    left, right = st.columns([2, 3], gap="medium")
    with left:
        lesson.chart(charts.lnbn_grads(p.grad_pre, p.grad_post, lang), key=f"{LESSON}.chart.grads")
        lesson.note(t("lnbn.grads_caption" if p.depth > 1 else "lnbn.grads_caption1", lang, batches=limits.LNBN_INIT_BATCHES, batch=p.batch, L=p.depth,
                      **{k.removeprefix("grad_"): v for k, v in values.items() if k.startswith("grad_")}))
    with right:
        st.markdown(f"**{t('lnbn.curves.title', lang)}**")
        note = t("lnbn.diverged_note", lang)
        series = [(t(f"lnbn.run.{name}", lang), p.get(name).loss, note if p.verdict(name) == "diverged" else None)
                  for name, _, _ in lab.RUNS]
        lesson.chart(charts.lnbn_curves(series, p.entropy, lang), key=f"{LESSON}.chart.curves")
    runs = "; ".join(t("lnbn.curves_run", lang, run=t(f"lnbn.run.{name}", lang), loss=values[f"{name}_final"],
                       verdict=values[f"{name}_verdict"]) for name, _, _ in lab.RUNS)
    lesson.note(t("lnbn.curves_caption", lang, T=p.seq_len, depth=p.depth, d=p.d_model, batch=p.batch, steps=p.steps,
                  lr=values["lr"], warmup=p.warmup, runs=runs))
    if any(p.verdict(name) == "diverged" for name, _, _ in lab.RUNS):
        st.warning(t("lnbn.diverged_caption", lang, lr=values["lr"]), icon=":material/trending_up:")
    lesson.note(training.where(p.device, p.threads, p.seed, p.seconds, len(p.runs), lang))
    lesson.finish(LESSON, sections, lab.statistics, LN_VS_BN, lang)
# --- end of lesson ln-vs-bn ---


# --- lesson batchnorm ---------------------------------------------------------------------------------
def run_batchnorm(T: int, B: int, seed: int):
    """The two live runs and the measurements, through the worker line, kept per process (ui.training)."""
    names = {name: t(f"bn.run.{name}", lang) for name in lab.RUNS}
    label = t("train.running", lang, runs=len(names), steps=limits.BN_STEPS)
    return training.cached_run(("batchnorm", T, B, seed, limits.BN_STEPS),
                               lambda live: lab.run(length=T, batch=B, seed=seed, steps=limits.BN_STEPS,
                                                           on_step=live.on_step),
                               lang, label, names, len(names) * limits.BN_STEPS)


def batchnorm_values(r) -> dict[str, str]:
    b1 = r.at_batch(1)
    return {
        "T": str(r.length), "B": str(r.batch),
        "noise_1": num(r.noise_mean[b1]),
        "loss_1": num(r.loss_train_mode[b1]) if r.loss_train_mode[b1] == r.loss_train_mode[b1] else "—",
        "loss_eval": num(r.loss_eval_mode),
        "ln_diff": num(r.layer_length_diff),
        "drift_1": num(r.drift[0]), "drift_T": num(r.drift[r.length - 1]), "drift_2T": num(r.drift[-1]),
        "T2": str(2 * r.length),
        "acc_eval": pct(r.acc_eval_mode, 1), "acc_layer": pct(r.acc_layer, 1),
        "err_ours": r.one_value_error, "err_torch": r.torch_error,
    }


def batchnorm_lesson() -> None:
    T = params.clamp(f"{LESSON}.len", limits.BN_LENGTH.lo, limits.BN_LENGTH.hi)
    B = params.clamp(f"{LESSON}.batch", limits.BN_BATCH.lo, limits.BN_BATCH.hi)
    seed = params.clamp(f"{LESSON}.seed", limits.SEED.lo, limits.SEED.hi)
    r = run_batchnorm(T, B, seed)
    values = batchnorm_values(r)
    sections = lesson.card(LESSON, lang, values)
    b1, last = r.at_batch(1), len(r.eval_batches) - 1
    acc_1 = pct(r.acc_train_mode[b1], 1) if r.acc_train_mode[b1] == r.acc_train_mode[b1] else "—"
    panel = lesson.answer(LESSON, sections, lang, [
        lesson.Figure(t("bn.fig.acc1", lang), f"{acc_1} → {pct(r.acc_eval_mode, 1)}", t("bn.fig.acc1_help", lang)),
        lesson.Figure(t("bn.fig.drift", lang), f"{values['drift_1']} / {values['drift_2T']}",
                      t("bn.fig.drift_help", lang, drift_T=values["drift_T"])),
        lesson.Figure(t("bn.fig.layer", lang), pct(r.acc_layer, 1), t("bn.fig.layer_help", lang)),
    ])
    with panel:
        c_len, c_batch, c_seed = lesson.controls(LESSON, BATCHNORM, lang, [3, 3, 2])
        c_len.slider(t("bn.len", lang), limits.BN_LENGTH.lo, limits.BN_LENGTH.hi, key=f"{LESSON}.len",
                     help=t("bn.len_help", lang) + " " + lesson.limits_help(lang, [("T", limits.BN_LENGTH)]))
        c_batch.slider(t("bn.batch", lang), limits.BN_BATCH.lo, limits.BN_BATCH.hi, key=f"{LESSON}.batch",
                       help=t("bn.batch_help", lang) + " " + lesson.limits_help(lang, [("B", limits.BN_BATCH)]))
        c_seed.number_input(t("bn.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{LESSON}.seed", step=1,
                            help=lesson.limits_help(lang, [(t("bn.seed", lang), limits.SEED)]))
        with lesson.main():
            lesson.chart(charts.bn_noise(r.eval_batches, r.noise_mean, r.noise_std, r.noise_token, r.noise_theory, lang),
                         key=f"{LESSON}.chart.noise")
    lesson.note(t("bn.noise.caption", lang, draws=limits.BN_NOISE_DRAWS, T=T, b_max=int(r.eval_batches[last]),
                  mean_1=num(r.noise_mean[b1]), mean_max=num(r.noise_mean[last]), theory_1=num(r.noise_theory[b1]),
                  theory_max=num(r.noise_theory[last]), token_1=num(r.noise_token[b1]),
                  token_max=num(r.noise_token[last])))
    left, right = st.columns(2, gap="medium")
    with left:
        lesson.chart(charts.bn_modes(r.eval_batches, r.loss_train_mode, r.loss_eval_mode, r.loss_layer, lang),
                     key=f"{LESSON}.chart.modes")
        lesson.note(t("bn.modes.caption", lang, n=limits.BN_EVAL_SEQUENCES, T=T, loss_1=values["loss_1"],
                      loss_max=num(r.loss_train_mode[last]), b_max=int(r.eval_batches[last]),
                      loss_eval=values["loss_eval"], loss_layer=num(r.loss_layer), modes_diff=num(r.layer_modes_diff),
                      acc_1=acc_1, acc_eval=pct(r.acc_eval_mode, 1)))
    with right:
        lesson.chart(charts.bn_drift(r.lengths, r.drift, T, lang), key=f"{LESSON}.chart.drift")
        lesson.note(t("bn.drift.caption", lang, b=lab.LENGTH_BATCH, T=T, T2=2 * T, T2m=2 * T - 1, drift_T=values["drift_T"],
                      drift_1=values["drift_1"], drift_2T=values["drift_2T"], ln_diff=values["ln_diff"]))
    with st.container(border=True):
        lesson.note(t("bn.one_value", lang, ours=r.one_value_error, theirs=r.torch_error))
        if r.cannot_run:
            lesson.note(t("bn.cannot_run", lang, T=T, msg=r.cannot_run))
    st.markdown(f"**{t('bn.curves.title', lang)}**")
    runs = [(t(f"bn.run.{name}", lang), r.runs[name].loss, r.runs[name].diverged_at) for name in lab.RUNS]
    lesson.chart(training_curves(runs), key=f"{LESSON}.chart.curves")
    final = {name: num(r.runs[name].final_loss()) if r.runs[name].diverged_at is None
             else t("res.diverged", lang, step=r.runs[name].diverged_at) for name in lab.RUNS}
    lesson.note(t("bn.curves.caption", lang, layers=limits.BN_LAYERS, B=B, T=T, lr=f"{limits.BN_LR:g}",
                  steps=r.steps, final_batch=final["batch"], final_layer=final["layer"]) + " "
                + training.where(r.runs["batch"].device, r.runs["batch"].threads, seed, r.seconds, len(r.runs), lang))
    lesson.finish(LESSON, sections, lab.run, BATCHNORM, lang)


def training_curves(runs):
    from ui.charts.shared import loss_curves

    return loss_curves(runs, lang)
# --- end of lesson batchnorm ---


# --- lesson residual ----------------------------------------------------------------------------------
def run_residual(depth: int, norm: str, lr: float, seed: int):
    names = {name: t(f"res.{name}", lang) for name in lab.RUNS}
    label = t("train.running", lang, runs=len(names), steps=limits.RES_STEPS)
    return training.cached_run(("residual", depth, norm, lr, seed, limits.RES_STEPS),
                               lambda live: lab.run(depth=depth, norm=norm, lr=lr, seed=seed, steps=limits.RES_STEPS,
                                                           on_step=live.on_step),
                               lang, label, names, len(names) * limits.RES_STEPS)


def _final(run) -> str:
    return num(run.final_loss())  # NaN for a diverged run: the verdict and a note say so


def _diverged(r) -> str:
    """The runs that diverged, named, in one phrase ("" when none did)."""
    return t("res.list_sep", lang).join(t(f"res.{name}", lang) for name in lab.RUNS if r.runs[name].diverged_at is not None)


def residual_values(r) -> dict[str, str]:
    from tf_core.tasks import load

    learned = {name: r.runs[name].diverged_at is None and r.runs[name].final_loss() < lab.LEARNED_LOSS
               for name in lab.RUNS}
    verdict = {(True, True): "both", (True, False): "with", (False, True): "without", (False, False): "neither"}
    return {
        "depth": str(r.depth), "norm_name": t(f"res.norm_name.{r.norm}", lang), "lr": f"{r.lr:g}",
        "steps": str(r.steps),
        "spread_with": num(r.spread["with"][-1]), "spread_without": num(r.spread["without"][-1]),
        "loss_with": _final(r.runs["with"]), "loss_without": _final(r.runs["without"]),
        "verdict": (t("res.verdict.diverged", lang, runs=_diverged(r)) if _diverged(r)
                    else t(f"res.verdict.{verdict[learned['with'], learned['without']]}", lang)),
        "ratio_with": num(r.ratio("with")), "ratio_without": num(r.ratio("without")),
        "entropy": num(load("reverse").entropy),
    }


def residual_lesson() -> None:
    depth = params.clamp(f"{LESSON}.depth", limits.RES_DEPTH.lo, limits.RES_DEPTH.hi)
    norm = st.session_state[RES_NORM.key(LESSON)]
    lr = float(st.session_state[f"{LESSON}.lr"])
    seed = params.clamp(f"{LESSON}.seed", limits.SEED.lo, limits.SEED.hi)
    r = run_residual(depth, norm, lr, seed)
    values = residual_values(r)
    sections = lesson.card(LESSON, lang, values)
    g_with, g_without = r.grad_norms["with"], r.grad_norms["without"]
    figures = [
        lesson.Figure(t("res.fig.first", lang), f"{num(g_with[0])} / {num(g_without[0])}", t("res.fig.first_help", lang)),
        lesson.Figure(t("res.fig.ratio", lang), f"{values['ratio_with']} / {values['ratio_without']}",
                      t("res.fig.ratio_help", lang)),
    ]
    if r.depth > 1:  # at depth 1 block 1 is the last block, whose spread the short answer already quotes
        figures.append(lesson.Figure(t("res.fig.spread1", lang), f"{num(r.spread['with'][1])} / {num(r.spread['without'][1])}",
                                     t("res.fig.spread1_help", lang, spread_0=num(r.spread["with"][0]))))
    panel = lesson.answer(LESSON, sections, lang, figures)
    with panel:
        c_depth, c_norm, c_lr, c_seed = lesson.controls(LESSON, RESIDUAL, lang, [2, 2, 2, 2])
        c_depth.slider(t("res.depth", lang), limits.RES_DEPTH.lo, limits.RES_DEPTH.hi, key=f"{LESSON}.depth",
                       help=lesson.limits_help(lang, [(t("res.depth", lang), limits.RES_DEPTH)]))
        c_norm.selectbox(t("res.norm", lang), RES_NORM.options, key=RES_NORM.key(LESSON),
                         format_func=lambda k: t(f"res.norm.{k}", lang), help=t("res.norm_help", lang))
        c_lr.select_slider(t("res.lr", lang), options=limits.RES_LRS, key=f"{LESSON}.lr", format_func=lambda v: f"{v:g}",
                           help=lesson.limits_help(lang, [(t("res.lr", lang), limits.RES_LR)]))
        c_seed.number_input(t("res.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{LESSON}.seed", step=1,
                            help=lesson.limits_help(lang, [(t("res.seed", lang), limits.SEED)]))
        with lesson.main():
            lesson.chart(charts.res_grads(g_with, g_without, lang), key=f"{LESSON}.chart.grads")
    vanish = r.depth > 1 and r.ratio("without") < 0.1
    lesson.note(t("res.grads.caption", lang, B=limits.RES_BATCH, T=limits.RES_LENGTH, ratio_with=values["ratio_with"],
                  ratio_without=values["ratio_without"],
                  grads_verdict=t("res.grads.vanish" if vanish else "res.grads.kept", lang,
                                  ratio_without=values["ratio_without"])))
    left, right = st.columns(2, gap="medium")
    with left:
        lesson.chart(charts.res_spread(r.spread["with"], r.spread["without"], lang), key=f"{LESSON}.chart.spread")
        lesson.note(t("res.spread.caption", lang, spread_with=values["spread_with"],
                      spread_without=values["spread_without"], spread_0=num(r.spread["with"][0])))
    with right:
        st.markdown(f"**{t('res.curves.title', lang)}**")
        runs = [(t(f"res.{name}", lang), r.runs[name].loss, r.runs[name].diverged_at) for name in lab.RUNS]
        lesson.chart(training_curves(runs), key=f"{LESSON}.chart.curves")
        lesson.note(t("res.curves.caption", lang, B=limits.RES_BATCH, T=limits.RES_LENGTH, lr=values["lr"],
                      steps=r.steps, final_with=values["loss_with"], final_without=values["loss_without"],
                      entropy=values["entropy"]))
    if _diverged(r):
        steps_at = ", ".join(t("res.diverged", lang, step=r.runs[name].diverged_at) for name in lab.RUNS
                             if r.runs[name].diverged_at is not None)
        st.warning(t("res.diverged_note", lang, runs=f"{_diverged(r)} ({steps_at})"), icon=":material/warning:")
    lesson.note(training.where(r.runs["with"].device, r.runs["with"].threads, seed, r.seconds, len(r.runs), lang))
    lesson.finish(LESSON, sections, lab.run, RESIDUAL, lang)
# --- end of lesson residual ---


@lesson.fragment
def lesson_body() -> None:
    """Everything below the title; a control reruns only this."""
    {"ln-vs-bn": ln_vs_bn_lesson, "batchnorm": batchnorm_lesson, "residual": residual_lesson}[LESSON]()


lesson_body()
