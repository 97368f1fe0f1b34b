"""Topic page: the FFN, weights and training. Lessons `ffn` (the position-wise FFN, its activations,
dead ReLUs, its parameters against attention's), `weight-tying` (one table for the embedding and
the output layer) and `lr-dropout` (the warm-up schedule, and dropout where the paper puts it).

Each lesson keeps to its own section below (parameters, cached run, values, figures, body)."""
from __future__ import annotations

import numpy as np
import streamlit as st

from tf_core import limits
from ui.caching import cached
from ui import encoders, lesson, params, training
from ui.charts import layers as charts
from ui.charts import shared
from ui.charts.shared import RAW as RAW_C, SCALED as SCALED_C, THEORY as GREY_C
from ui.i18n import t
from ui.text import num, pct

PAGE = "layers"

# --- parameters of lesson ffn ---
# The learner's sentence and encoder (ui/encoders: MiniLM, or e5 for Chinese) for the position-wise check;
# the learning rate and seed of the dead-ReLU run.
FFN = (encoders.TEXT, encoders.MODEL, params.Param("lr", limits.FFN_LR, options=limits.FFN_LR_OPTIONS),
       params.Param("seed", limits.SEED))
# --- end parameters of lesson ffn ---

# --- parameters of lesson weight-tying ---
WEIGHT_TYING = (params.Param("d", limits.TIE_D, options=limits.TIE_D_OPTIONS),
                params.Param("lr", limits.TIE_LR, options=limits.TIE_LR_OPTIONS), params.Param("seed", limits.SEED))
# --- end parameters of lesson weight-tying ---

# --- parameters of lesson lr-dropout ---
LRD_D_OPTIONS = (16, 32, 64, 128, 256, 384, 512, 768, 1024, 2048, 4096)  # 384 MiniLM, 512 the paper, 768 BERT-base
LRD_LR_OPTIONS = (1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1)  # log-spaced; the top ones diverge
# The encoder lessons' sentence: read by MiniLM in English, by e5-small in Chinese (with MiniLM's dropout rate)
LRD_TEXT = encoders.TEXT
LR_DROPOUT = (
    params.Param("dmodel", limits.LRD_D_MODEL, options=LRD_D_OPTIONS),
    params.Param("warmup", limits.LRD_WARMUP),
    params.Param("lr", limits.LRD_LR, options=LRD_LR_OPTIONS),
    params.Param("layers", limits.LRD_LAYERS),
    params.Param("steps", limits.LRD_STEPS),
    params.Param("seed", limits.SEED),
    LRD_TEXT,
)
# --- end parameters of lesson lr-dropout ---

LESSONS = {"ffn": FFN, "weight-tying": WEIGHT_TYING, "lr-dropout": LR_DROPOUT}

LESSON, lang, lab = lesson.open_page(PAGE, LESSONS)  # torch loads here, under a spinner


# --- lesson ffn ---------------------------------------------------------------------------------------
@cached(64)
def ffn_position(model_key: str, text: str, _encoder):
    return lab.position_check(_encoder, text, max_tokens=limits.ENCODER_TOKENS)


@cached(1)
def ffn_static():
    """The activation curves and the real models' configs (read from their files once per process)."""
    return lab.curves(), lab.param_table(lab.configs())


def ffn_values(pc, curves, rows, r) -> dict[str, str]:
    relu, gelu, swiglu = r.get("relu"), r.get("gelu"), r.get("swiglu")
    gqa = next((row for row in rows if row.gated), None)
    bert = next((row for row in rows if not row.gated), None)
    units = r.n_layers * r.d_ff
    dash = "—"
    return {
        "model": pc.model.split("/")[-1], "T": str(len(pc.pieces)), "layers": str(len(pc.diff)),
        "d": str(pc.d_model), "d_ff": str(pc.d_ff), "weights_layer": f"{pc.weights_per_layer:,}",
        "per_position_total": f"{pc.weights_per_layer * len(pc.pieces):,}",
        "max_diff": num(pc.max_diff), "atol": num(pc.atol), "rtol": num(pc.rtol),
        "within": t("ffn.within.yes" if pc.within_tolerance else "ffn.within.no", lang),
        "exact_share": pct(pc.exact_share),
        "gelu_min": num(curves.gelu_min), "gelu_min_at": num(curves.gelu_min_at),
        "silu_min": num(curves.silu_min), "silu_min_at": num(curves.silu_min_at),
        "gelu_grad_m2": num(curves.gelu_grad_at_minus2), "relu_grad_neg": num(curves.relu_grad_negative),
        "gelu_zero_below": num(curves.gelu_zero_below), "silu_zero_below": num(curves.silu_zero_below),
        "lr": f"{r.lr:g}", "steps": str(r.steps), "units": str(units), "run_d": str(r.d_model),
        "run_d_ff": str(r.d_ff), "run_layers": str(r.n_layers), "positions": f"{r.positions:,}",
        "dead_relu": pct(relu.dead, 1), "dead_relu_n": str(int(round(relu.dead * units))),
        "dead_gelu_n": str(int(round(gelu.dead * units))), "dead_swiglu_n": str(int(round(swiglu.dead * units))),
        "dead_gelu": pct(gelu.dead, 1), "dead_swiglu": pct(swiglu.dead, 1), "dead_init": pct(relu.dead_at_init, 1),
        "zero_relu": pct(relu.zero_share), "zero_gelu": pct(gelu.zero_share, 1),
        "loss_relu": num(relu.final_loss), "loss_gelu": num(gelu.final_loss), "loss_swiglu": num(swiglu.final_loss),
        "dead_verdict": t("ffn.verdict.dead" if relu.dead > 0 else "ffn.verdict.alive", lang),
        "gqa_model": gqa.model if gqa else dash, "gqa_ffn": f"{gqa.ffn:,}" if gqa else dash,
        "gqa_attn": f"{gqa.attention:,}" if gqa else dash, "gqa_ratio": num(gqa.ratio) if gqa else dash,
        "gqa_heads": str(gqa.n_heads) if gqa else dash, "gqa_kv": str(gqa.n_kv_heads) if gqa else dash,
        "bert_model": bert.model if bert else dash, "bert_ffn": f"{bert.ffn:,}" if bert else dash,
        "bert_attn": f"{bert.attention:,}" if bert else dash, "bert_ratio": num(bert.ratio) if bert else dash,
        "gqa_share": pct(gqa.ffn / (gqa.ffn + gqa.attention)) if gqa else dash,
        "bert_share": pct(bert.ffn / (bert.ffn + bert.attention)) if bert else dash,
    }


def ffn_lesson() -> None:
    from ui.training import cached_run

    text, model_key = encoders.current(LESSON)
    enc = encoders.encoder(model_key, lang)
    pc = ffn_position(model_key, text, enc)
    curves, rows = ffn_static()
    lr, seed = float(st.session_state[f"{LESSON}.lr"]), int(st.session_state[f"{LESSON}.seed"])
    names = {a: t(f"ffn.act.{a}", lang) for a in ("relu", "gelu", "swiglu")}
    steps = limits.FFN_STEPS.default
    r = cached_run(("ffn", lr, seed, steps), lambda live: lab.run(lr, seed, steps, on_step=live.on_step), lang,
                   t("train.running", lang, runs=3, steps=steps), names, 3 * steps)
    values = ffn_values(pc, curves, rows, r)
    sections = lesson.card(LESSON, lang, values)
    relu, gelu = r.get("relu"), r.get("gelu")
    tol = pc.atol + pc.rtol * float(pc.scale.max(initial=0.0))
    figures = [
        lesson.Figure(t("ffn.fig.diff", lang), num(pc.max_diff), t("ffn.fig.diff_help", lang, tol=num(tol), T=len(pc.pieces),
                                                                  layers=len(pc.diff))),
        lesson.Figure(t("ffn.fig.dead", lang, lr=values["lr"]), values["dead_relu"],
                      t("ffn.fig.dead_help", lang, positions=values["positions"], gelu=values["dead_gelu"],
                        swiglu=values["dead_swiglu"])),
        lesson.Figure(t("ffn.fig.zero", lang), f"{pct(relu.zero_share)} / {pct(gelu.zero_share, 1)}",
                      t("ffn.fig.zero_help", lang)),
    ]
    gqa = next((row for row in rows if row.gated), None)
    if gqa is not None:
        figures.append(lesson.Figure(t("ffn.fig.ratio", lang, model=gqa.model), f"{gqa.ratio:.2f}×",
                                     t("ffn.fig.ratio_help", lang, ffn=f"{gqa.ffn:,}", attn=f"{gqa.attention:,}")))
    panel = lesson.answer(LESSON, sections, lang, figures)

    with panel:
        c_text, c_model, c_lr, c_seed = lesson.controls(LESSON, FFN, lang, [4, 2, 2, 2])
        encoders.controls(LESSON, lang, c_text, c_model)
        c_lr.select_slider(t("ffn.lr", lang), options=limits.FFN_LR_OPTIONS, key=f"{LESSON}.lr",
                           format_func=lambda v: f"{v:g}", help=t("ffn.lr_help", lang, steps=steps))
        c_seed.number_input(t("ffn.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{LESSON}.seed", step=1,
                            help=lesson.limits_help(lang, [(t("ffn.seed", lang), limits.SEED)]))
        encoders.model_notice(LESSON, lang)
        with lesson.main():
            left, right = st.columns(2, gap="small")
            with left:
                lesson.chart(charts.activation_curves(curves.x, curves.names, curves.value, lang, "ffn.curve.value"),
                             key=f"{LESSON}.chart.value")
            with right:
                lesson.chart(charts.activation_curves(curves.x, curves.names, curves.grad, lang, "ffn.curve.grad"),
                             key=f"{LESSON}.chart.grad")
    lesson.note(t("ffn.curve.caption", lang, **values))

    st.subheader(t("ffn.pos.title", lang))
    encoders.token_notices(text, pc.pieces, pc.n_total, pc.truncated, 0, lang)
    encoders.token_strip(pc.pieces, lang)
    tolerance = pc.atol + pc.rtol * pc.scale
    left, right = st.columns([3, 2], gap="medium")
    with left:
        lesson.chart(charts.position_diffs(pc.diff.max(axis=1), tolerance, lang), key=f"{LESSON}.chart.pos")
    with right:
        lesson.note(t("ffn.pos.caption", lang, **values, zeros=int((pc.diff.max(axis=1) == 0).sum())))

    st.subheader(t("ffn.dead.title", lang))
    left, right = st.columns(2, gap="medium")
    with left:
        lesson.chart(shared.loss_curves([(names[a.act], a.loss, a.diverged_at) for a in r.runs], lang),
                     key=f"{LESSON}.chart.loss")
    with right:
        lesson.chart(charts.dead_units(tuple(a.act for a in r.runs), np.array([a.dead_at_init for a in r.runs]),
                                       np.array([a.dead for a in r.runs]), lang), key=f"{LESSON}.chart.dead")
    lesson.note(t("ffn.dead.caption", lang, **values))
    diverged = [names[a.act] for a in r.runs if a.diverged_at is not None]
    if diverged:
        lesson.note(t("ffn.dead.diverged", lang, runs=", ".join(diverged)))
    lesson.note(training.where(r.device, r.threads, r.seed, r.seconds, len(r.runs), lang))

    st.subheader(t("ffn.params.title", lang))
    if rows:
        left, right = st.columns([3, 2], gap="medium")
        with left:
            lesson.chart(charts.param_bars(tuple(row.model for row in rows), np.array([row.ffn for row in rows]),
                                           np.array([row.attention for row in rows]), lang), key=f"{LESSON}.chart.params")
        with right:
            st.dataframe({
                t("ffn.col.model", lang): [row.model for row in rows],
                "d": [row.d_model for row in rows], "d_ff": [row.d_ff for row in rows],
                t("ffn.col.heads", lang): [f"{row.n_heads} / {row.n_kv_heads}" for row in rows],
                t("ffn.col.ffn", lang): [f"{row.ffn:,}" for row in rows],
                t("ffn.col.attn", lang): [f"{row.attention:,}" for row in rows],
                t("ffn.col.ratio", lang): [f"{row.ratio:.2f}" for row in rows],
            }, hide_index=True, width="stretch")
        lesson.note(t("ffn.params.caption", lang))
    lesson.finish(LESSON, sections, lab.run, FFN, lang)
# --- end of lesson ffn ---


# --- lesson weight-tying ------------------------------------------------------------------------------
@cached(1)
def tie_file():
    """SmolLM2's GGUF header facts (None when the package is not installed here; tf_core.failures.ModelLoadError
    when its file is damaged: the lesson's guard says so)."""
    from tf_core.failures import loading
    from ui import decoders

    if not decoders.available(decoders.SMOLLM2):
        return None
    with loading(decoders.SMOLLM2):
        return lab.smollm2_file()


def millions(n: int) -> str:
    return f"{n / 1e6:.1f} M"


def tie_values(f, r) -> dict[str, str]:
    tied, untied = r.tied, r.untied
    dash = "—"
    better = tied.final_held < untied.final_held
    return {
        "file_model": "SmolLM2-135M" if f else dash, "file_tensors": str(f.n_tensors) if f else dash, "table_shape": f"{f.table_shape[0]:,} × {f.table_shape[1]:,}" if f else dash,
        "has_output": t("tie.output.yes" if f and f.has_output else "tie.output.no", lang),
        "file_total": f"{f.total:,}" if f else dash, "file_table": f"{f.table_params:,}" if f else dash,
        "file_share": pct(f.table_share) if f else dash, "file_untied": f"{f.untied_total:,}" if f else dash,
        "file_saved": pct(f.saved_share, 1) if f else dash,
        "outside": ", ".join(f"`{n}`" for n in f.outside_blocks) if f else dash,
        "d": str(r.d_model), "lr": f"{r.lr:g}", "steps": str(r.steps), "vocab": str(r.vocab),
        "train_tokens": f"{r.train_tokens:,}", "held_tokens": f"{r.held_tokens:,}",
        "tied_params": f"{tied.params:,}", "untied_params": f"{untied.params:,}", "table": f"{tied.table:,}",
        "run_share": pct(r.table_share), "run_saved": pct(r.saved_share),
        "tied_train": num(tied.final_train), "untied_train": num(untied.final_train),
        "tied_held": num(tied.final_held), "untied_held": num(untied.final_held),
        "held_verdict": t("tie.verdict.lower" if better else "tie.verdict.higher", lang),
        "train_verdict": t("tie.train.lower" if tied.final_train < untied.final_train else "tie.train.higher", lang),
    }


def weight_tying_lesson() -> None:
    from ui.training import cached_run

    d, lr, seed = (int(st.session_state[f"{LESSON}.d"]), float(st.session_state[f"{LESSON}.lr"]),
                   int(st.session_state[f"{LESSON}.seed"]))
    steps = limits.TIE_STEPS.default
    f = tie_file()
    names = {"tied": t("tie.run.tied", lang), "untied": t("tie.run.untied", lang)}
    r = cached_run(("weight-tying", d, lr, seed, steps), lambda live: lab.run(d, lr, seed, steps, on_step=live.on_step),
                   lang, t("train.running", lang, runs=2, steps=steps), names, 2 * steps)
    values = tie_values(f, r)
    sections = lesson.card(LESSON, lang, values)
    figures = []
    if f is not None:
        figures.append(lesson.Figure(t("tie.fig.saved", lang), millions(f.table_params),
                                     t("tie.fig.saved_help", lang, shape=values["table_shape"], total=values["file_total"],
                                       untied=values["file_untied"])))
    figures += [
        lesson.Figure(t("tie.fig.held", lang), f"{values['tied_held']} → {values['untied_held']}",
                      t("tie.fig.held_help", lang, tokens=values["held_tokens"])),
        lesson.Figure(t("tie.fig.train", lang), f"{values['tied_train']} → {values['untied_train']}", t("tie.fig.train_help", lang)),
        lesson.Figure(t("tie.fig.small", lang), f"{values['tied_params']} / {values['untied_params']}",
                      t("tie.fig.small_help", lang, vocab=values["vocab"], d=values["d"])),
    ]
    panel = lesson.answer(LESSON, sections, lang, figures)

    with panel:
        c_d, c_lr, c_seed = lesson.controls(LESSON, WEIGHT_TYING, lang, [2, 2, 2])
        c_d.select_slider(t("tie.d", lang), options=limits.TIE_D_OPTIONS, key=f"{LESSON}.d", help=t("tie.d_help", lang))
        c_lr.select_slider(t("tie.lr", lang), options=limits.TIE_LR_OPTIONS, key=f"{LESSON}.lr",
                           format_func=lambda v: f"{v:g}", help=t("tie.lr_help", lang, steps=steps))
        c_seed.number_input(t("tie.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{LESSON}.seed", step=1,
                            help=lesson.limits_help(lang, [(t("tie.seed", lang), limits.SEED)]))
        with lesson.main():
            held = [(f"{names[k]} · {t('tie.held', lang)}", run.held, run.diverged_at) for k, run in zip(names, r.runs)]
            train_ = [(f"{names[k]} · {t('tie.train', lang)}", run.loss, run.diverged_at) for k, run in zip(names, r.runs)]
            lesson.chart(shared.loss_curves(held + train_, lang, log=False,
                                            colours=("#0072B2", "#D55E00", "#56B4E9", "#E69F00")), key=f"{LESSON}.chart.loss")
    lesson.note(t("tie.loss.caption", lang, **values))
    if any(run.diverged_at is not None for run in r.runs):
        lesson.note(t("tie.diverged", lang))
    lesson.note(training.where(r.device, r.threads, r.seed, r.seconds, len(r.runs), lang))

    st.subheader(t("tie.split.title", lang))
    rows = []
    if f is not None:
        rest = f.total - f.table_params
        rows += [("SmolLM2 · " + names["tied"], f.table_params, rest, 0), ("SmolLM2 · " + names["untied"], f.table_params, rest, f.table_params)]
    small = t("tie.small", lang, d=r.d_model)
    rest = r.tied.params - r.tied.table
    rows += [(f"{small} · {names['tied']}", r.tied.table, rest, 0), (f"{small} · {names['untied']}", r.tied.table, rest, r.tied.table)]
    lesson.chart(charts.param_split(rows, lang), key=f"{LESSON}.chart.split")
    if f is not None:
        lesson.note(t("tie.file.caption", lang, **values))
        st.code(lab.shape_listing(f), language=None)
    else:
        st.info(t("tie.file.missing", lang), icon=":material/info:")
    lesson.note(t("tie.shape.caption", lang, **values))
    lesson.finish(LESSON, sections, lab.run, WEIGHT_TYING, lang)
# --- end of lesson weight-tying ---


# --- lesson lr-dropout --------------------------------------------------------------------------------
@cached(64)
def lrd_dropout(model_key: str, text: str, seed: int, _encoder):
    """MiniLM with the rate of its own config file; e5-small (whose files give none) with MiniLM's."""
    return lab.dropout_runs(_encoder, text, seed, rate=None if model_key == "minilm" else lab.reference_rate())


def lrd_training(layers: int, steps: int, lr: float, warmup: int, seed: int):
    """Both live runs, through the worker line, drawn as they train (d_model is not an input: it
    cancels in the scaled schedule, so changing it only redraws)."""
    names = {"constant": t("lrd.run.constant", lang, lr=f"{lr:g}"), "warmup": t("lrd.run.warmup", lang, lr=f"{lr:g}")}
    job = lambda live: lab.warmup_runs(layers, steps, lr, warmup, seed, on_step=live.on_step)  # noqa: E731
    return training.cached_run(("lr-dropout", layers, steps, lr, warmup, seed), job, lang,
                               t("train.running", lang, runs=2, steps=steps), names, 2 * steps)


def lrd_loss(run) -> str:
    return num(run.final_loss()) if run.diverged_at is None else t("lrd.loss.diverged", lang)


def lrd_values(w, d) -> dict[str, str]:
    """The card's placeholders (``d``: the dropout result, None without MiniLM: its numbers read "—").
    None depends on d_model: it redraws only the schedule's own fragment (:func:`lrd_schedule`)."""
    keys = {"stuck": "lrd.verdict.stuck", "learned": "lrd.verdict.learned", "partly": "lrd.verdict.partly",
            "diverged": "lrd.verdict.diverged"}
    verdict = lambda run: t(keys[lab.verdict(run.final_loss(), run.diverged_at, w.entropy)], lang)  # noqa: E731
    dash = "—"
    return {
        "warmup": str(w.warmup), "lr": f"{w.lr:g}", "layers": str(w.layers), "steps": str(w.steps),
        "loss_const": lrd_loss(w.constant), "loss_warm": lrd_loss(w.warm), "entropy": num(w.entropy),
        "verdict_const": verdict(w.constant), "verdict_warm": verdict(w.warm),
        "model": d.model if d else dash, "rate": f"{d.rate:g}" if d else dash,
        "rate_source": t("lrd.rate.own" if d is None or d.rate_from_config else "lrd.rate.borrowed", lang),
        "max_train": num(d.max_train) if d else dash,
        "max_eval": (t("lrd.exact0", lang) if d.max_eval == 0 else num(d.max_eval)) if d else dash,
        "eval_same": t("lrd.same" if d and d.max_eval == 0 else "lrd.differ", lang) if d else dash,
        "cos_train": num(d.cos_train, 4) if d else dash, "passes": str(d.passes) if d else dash,
        "gap_first": num(d.gap[0]) if d else dash, "gap_last": num(d.gap[-1]) if d else dash,
        "scale": num(d.scale) if d else dash, "keep": f"{1 - d.rate:g}" if d else dash,
        "emb_zeros": pct(d.zeros_train[[n for n, _, _ in lab.POINTS].index("embeddings")], 1) if d else dash,
    }


def lrd_figures(w, d) -> list[lesson.Figure]:
    figs = [lesson.Figure(t("lrd.fig.loss", lang), f"{lrd_loss(w.constant)} → {lrd_loss(w.warm)}",
                          t("lrd.fig.loss_help", lang, steps=w.steps))]
    if d is not None:
        figs += [
            lesson.Figure(t("lrd.fig.train", lang), num(d.max_train),
                          t("lrd.fig.train_help", lang, model=d.model, a=d.seeds[0], b=d.seeds[1])),
            lesson.Figure(t("lrd.fig.eval", lang), t("lrd.exact0", lang) if d.max_eval == 0 else num(d.max_eval),
                          t("lrd.fig.eval_help", lang)),
            lesson.Figure(t("lrd.fig.scale", lang), num(d.scale),
                          t("lrd.fig.scale_help", lang, n=d.passes, keep=f"{1 - d.rate:g}")),
        ]
    return figs


@st.fragment
def lrd_schedule(constant_lr: list[float], warm_lr: list[float], lr: float, warmup: int, steps: int) -> None:
    """The paper's schedule for the d_model picked above it, with the two runs' rates. Its own
    fragment: d_model starts no run and nothing else on the page depends on it (it cancels in the runs'
    scaled schedule), so a change redraws this chart and caption only. On such a rerun Streamlit calls
    this again with the arguments of the last full run: the runs' rates, which d_model does not touch."""
    from ui.params import write_url

    left, _ = st.columns([1, 2])
    d_model = left.select_slider(
        t("lrd.dmodel", lang), options=LRD_D_OPTIONS, key=f"{LESSON}.dmodel",
        help=t("lrd.dmodel_help", lang) + " " + lesson.limits_help(lang, (("d_model", limits.LRD_D_MODEL),)))
    sched = lab.schedule(int(d_model), warmup, steps)
    lesson.chart(shared.loss_curves([(t("lrd.sched.paper", lang, d=d_model), sched.lr, None),
                                     (t("lrd.run.constant", lang, lr=f"{lr:g}"), constant_lr, None),
                                     (t("lrd.run.warmup", lang, lr=f"{lr:g}"), warm_lr, None)],
                                    lang, y_key="lrd.lr_axis", log=False, height=190), key=f"{LESSON}.chart.lr")
    lesson.note(t("lrd.sched.caption", lang, d=d_model, warmup=warmup, peak=num(sched.peak_lr),
                  step=sched.peak_step, factor=num(lr / sched.peak_lr), lr=f"{lr:g}"))
    write_url(LESSON, LESSON, LR_DROPOUT, lang)  # on this fragment's own reruns too


def lr_dropout_lesson() -> None:
    from tf_core.models import registry
    from tf_core.models.catalog import MODELS

    for name, bounds in (("layers", limits.LRD_LAYERS), ("steps", limits.LRD_STEPS), ("warmup", limits.LRD_WARMUP),
                         ("seed", limits.SEED)):
        params.clamp(f"{LESSON}.{name}", bounds.lo, bounds.hi)
    v = params.values(LESSON, LR_DROPOUT)
    warmup, lr = int(v["warmup"]), float(v["lr"])
    layers, steps, seed = int(v["layers"]), int(v["steps"]), int(v["seed"])
    text, _ = LRD_TEXT.clean(v["text"])
    runs = lrd_training(layers, steps, lr, warmup, seed)
    drop = None
    model_key = registry.pick(text)  # e5-small for Chinese text where it is installed, else MiniLM
    if "minilm" in registry.available():  # MiniLM's config file gives the rate, e5's too
        drop = lrd_dropout(model_key, text, seed, encoders.encoder(model_key, lang))
    sections = lesson.card(LESSON, lang, lrd_values(runs, drop))
    panel = lesson.answer(LESSON, sections, lang, lrd_figures(runs, drop))

    with panel:
        c_w, c_lr, c_l, c_s, c_seed = lesson.controls(LESSON, LR_DROPOUT, lang, [3, 3, 3, 3, 2])
        lim = lambda *pairs: lesson.limits_help(lang, pairs)  # noqa: E731
        c_w.slider(t("lrd.warmup", lang), limits.LRD_WARMUP.lo, limits.LRD_WARMUP.hi, key=f"{LESSON}.warmup",
                   help=t("lrd.warmup_help", lang) + " " + lim(("warmup", limits.LRD_WARMUP)))
        c_lr.select_slider(t("lrd.lr", lang), options=LRD_LR_OPTIONS, key=f"{LESSON}.lr", format_func=lambda x: f"{x:g}",
                           help=t("lrd.lr_help", lang) + " " + lim(("lr", limits.LRD_LR)))
        c_l.slider(t("lrd.layers", lang), limits.LRD_LAYERS.lo, limits.LRD_LAYERS.hi, key=f"{LESSON}.layers",
                   help=t("lrd.layers_help", lang) + " " + lim(("layers", limits.LRD_LAYERS)))
        c_s.slider(t("lrd.steps", lang), limits.LRD_STEPS.lo, limits.LRD_STEPS.hi, key=f"{LESSON}.steps",
                   help=t("lrd.steps_help", lang) + " " + lim(("steps", limits.LRD_STEPS)))
        c_seed.slider(t("lrd.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{LESSON}.seed",
                      help=t("lrd.seed_help", lang) + " " + lim(("seed", limits.SEED)))
        with lesson.main():
            lrd_schedule(runs.constant.lr, runs.warm.lr, lr, warmup, steps)
            curves = [(t("lrd.run.constant", lang, lr=f"{lr:g}"), runs.constant.loss, runs.constant.diverged_at),
                      (t("lrd.run.warmup", lang, lr=f"{lr:g}"), runs.warm.loss, runs.warm.diverged_at)]
            lesson.chart(shared.loss_curves(curves, lang, colours=shared.PALETTE[1:3], log=True, height=220),
                         key=f"{LESSON}.chart.loss")  # each run in the colour of its learning-rate line above
    vals = lrd_values(runs, drop)
    lesson.note(t("lrd.loss.caption", lang, layers=layers, const=vals["loss_const"], warm=vals["loss_warm"],
                  v_const=vals["verdict_const"], v_warm=vals["verdict_warm"], entropy=num(runs.entropy),
                  chance=num(runs.chance)))
    for label, run in ((t("lrd.run.constant", lang, lr=f"{lr:g}"), runs.constant),
                       (t("lrd.run.warmup", lang, lr=f"{lr:g}"), runs.warm)):
        if run.diverged_at is not None:
            st.warning(t("lrd.diverged", lang, run=label, step=run.diverged_at), icon=":material/warning:")
    lesson.note(training.where(runs.constant.device, runs.constant.threads, seed,
                               runs.constant.seconds + runs.warm.seconds, 2, lang))

    if drop is None:
        st.warning(t("lrd.model_missing", lang, name=MODELS["minilm"].pip_name), icon=":material/info:")
    else:
        title = "lrd.drop.title" if drop.rate_from_config else "lrd.drop.title_borrowed"
        st.subheader(t(title, lang, model=drop.model, p=f"{drop.rate:g}"), divider="gray")
        st.markdown(t("lrd.drop.intro", lang))
        st.text_area(t("enc.text", lang), key=LRD_TEXT.key(LESSON), max_chars=limits.ENCODER_TEXT_CHARS, height=68,
                     help=t("enc.text_help", lang, tokens=limits.ENCODER_TOKENS, chars=limits.ENCODER_TEXT_CHARS))
        if registry.has_cjk(text) and model_key == "minilm":  # e5-small not installed here
            st.info(t("lrd.cjk", lang), icon=":material/info:")
        encoders.token_notices(text, drop.pieces, drop.n_total, drop.truncated, drop.unk, lang)
        a, b = drop.seeds
        left, right = st.columns([1, 1], gap="medium")
        with left:
            st.markdown(f"**{t('lrd.points.title', lang, layer=drop.layer)}**")
            names = tuple(t(f"lrd.point.{name}", lang) for name, _, _ in lab.POINTS)
            lesson.chart(charts.lrd_points(names, drop.zeros_train, drop.zeros_eval, drop.rate, lang),
                         key=f"{LESSON}.chart.points")
            z = dict(zip((name for name, _, _ in lab.POINTS), drop.zeros_train))
            lesson.note(t("lrd.points.caption", lang, p_pct=pct(drop.rate), emb=pct(z["embeddings"], 1),
                          probs=pct(z["attn_probs"], 1), attn=pct(z["attn_out"], 1), ffn=pct(z["ffn_out"], 1),
                          gelu=pct(z["ffn_act"], 2)))
        with right:
            lesson.chart(charts.lrd_gap(drop.gap, lang), key=f"{LESSON}.chart.gap")
            lesson.note(t("lrd.gap.caption", lang, first=num(drop.gap[0]), last=num(drop.gap[-1]), n=drop.passes))
        series = [(t("lrd.tokens.emb", lang, a=a, b=b), drop.diff_train[0]),
                  (t("lrd.tokens.last", lang, a=a, b=b), drop.diff_train[-1]),
                  (t("lrd.tokens.eval", lang), drop.diff_eval[-1])]
        lesson.chart(shared.per_token_lines(series, drop.pieces, lang, "lrd.tokens.y", (RAW_C, SCALED_C, GREY_C)),
                     key=f"{LESSON}.chart.tokens")
        lesson.note(t("lrd.tokens.caption", lang, max_train=num(drop.max_train), cos=num(drop.cos_train, 4),
                      max_eval=vals["max_eval"], same=vals["eval_same"]))

    lesson.finish(LESSON, sections, (lab.warmup_runs, lab.Dropout), LR_DROPOUT, lang)
# --- end of lesson lr-dropout ---


@lesson.fragment
def lesson_body() -> None:
    """Everything below the title; a control reruns only this."""
    {"ffn": ffn_lesson, "weight-tying": weight_tying_lesson, "lr-dropout": lr_dropout_lesson}[LESSON]()


lesson_body()
