"""Lesson `variants` of the architecture page: the Transformer variants a modern decoder is made of.

A map of the variants this app implements (Pre-LN, RMSNorm, RoPE, ALiBi, SwiGLU, MQA/GQA, the KV cache),
each linked to the lessons that measure it and checked against SmolLM2-135M's own file; then three
measurements (tf_core/lab/variants.py): one decode step of multi-head, GQA and MQA decoders of SmolLM2's
block shape against the cache length, with SmolLM2's cache bytes at the learner's length; RMSNorm against
LayerNorm (what each leaves of a token's mean, and their time); SwiGLU against a ReLU FFN of equal
weights (their time, and the loss of a short live run of each). The timing waits in the worker's line
(tf_core.worker) and the page says which device and how many threads it ran on; the two training runs go
through ui.training.cached_run (seed and steps are their key: the length and the repeats start no run).
"""
from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import streamlit as st

from tf_core import limits
from ui.caching import cached
from ui import curriculum, lesson, params, training
from ui.charts import architecture_variants as charts
from ui.charts import shared
from ui.i18n import t
from ui.text import device_text, num, spoken

PARAMS = (params.Param("length", limits.VAR_LENGTH, options=limits.VAR_LENGTH_OPTIONS),
          params.Param("repeats", limits.VAR_REPEATS), params.Param("seed", limits.SEED))
WAYS = charts.WAYS
ACTS = ("relu", "swiglu")
# The map: each variant and the lessons that show it, in the curriculum's ids ("variants": this lesson).
MAP = (("pre_ln", ("ln-vs-bn", "residual")), ("rmsnorm", ("variants", "ln-vs-bn")), ("rope", ("pe-variants",)),
       ("alibi", ("pe-variants",)), ("swiglu", ("ffn", "variants")), ("gqa", ("kv-cache", "variants")),
       ("kv_cache", ("kv-cache", "parallelism")))
CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")  # "的 约 1.1 倍" -> "的约 1.1 倍"


@cached(16)
def measure(length: int, repeats: int, seed: int, _lab, _lang: str):
    """The timed run (a second or a few): it waits in the worker's line, with a bar. ``_lang`` only picks
    the bar's words, so a language switch shows the same measurement."""
    from ui import decoders

    def job(progress):
        return _lab.run(length=length, repeats=repeats, seed=seed, on_progress=progress.step)

    return decoders.run_in_line(job, _lang, t("var.running", _lang))


def trained(seed: int, lab, lang: str):
    """The two live FFN runs (ReLU, SwiGLU) for ``seed``, drawn while they train, kept for the next learner."""
    steps = limits.VAR_STEPS.default
    names = {a: t(f"var.act.{a}", lang) for a in ACTS}
    return training.cached_run(("variants", seed, steps), lambda live: lab.train_ffns(seed, steps, on_step=live.on_step),
                               lang, t("train.running", lang, runs=len(ACTS), steps=steps), names, len(ACTS) * steps)


def ms(seconds: float) -> str:
    return num(1000 * seconds)


def us(seconds: float) -> str:
    return num(1e6 * seconds)


def mb(nbytes: float) -> str:
    return num(float(nbytes) / 1e6)


def verdict(key: str, ratio: float, lang: str, say: bool = False) -> str:
    """A measured speed ratio in words (tf_core.device.speed_change); ``say``: the ratio as said aloud."""
    from tf_core.device import speed_change

    x = num(ratio)
    return CJK_SPACE.sub("", t(f"{key}.{speed_change(ratio)}", lang, x=spoken(x, lang) if say else x))


def listed(items: list[str], lang: str) -> str:
    """["a", "b", "c"] -> "a, b and c" / "a、b和c"."""
    if len(items) < 2:
        return "".join(items)
    return t("var.list_sep", lang).join(items[:-1]) + t("var.and", lang) + items[-1]


def smol_uses(s, lang: str) -> str:
    """The variants SmolLM2's file shows, in the map's names."""
    found = [s.final_norm and "Pre-LN", s.norm == "rms" and "RMSNorm", not s.position_table and "RoPE", s.alibi and "ALiBi",
             s.gated and "SwiGLU", s.n_kv_heads < s.n_heads and ("MQA" if s.n_kv_heads == 1 else "GQA")]
    return listed([name for name in found if name], lang)


def values(r, f, lab, lang: str) -> dict[str, str]:
    """The card's placeholders, from the timed run ``r``, the training runs ``f`` and SmolLM2's facts."""
    s, st_ = r.smol, r.stats
    med = {w: r.decode_median(w) for w in WAYS}
    relu, swiglu = f.get("relu"), f.get("swiglu")
    share = Fraction(s.n_kv_heads, s.n_heads)
    smol = lambda n, kv: lab.smol_cache_bytes(s, n, kv)  # noqa: E731
    return {
        "smol_uses": smol_uses(s, lang), "length": f"{r.length:,}", "smol_kv": str(s.n_kv_heads),
        "smol_gqa_mb": mb(r.smol_bytes("gqa")), "smol_mha_mb": mb(r.smol_bytes("mha")),
        "kv_share": f"{share.numerator}/{share.denominator}",
        "gqa_verdict_say": verdict("var.speed", r.speedup("gqa_grouped"), lang, say=True),
        "swiglu_verdict": t(f"var.loss.{f.loss_change}", lang),
        "attn_mha": f"{r.attn_weights['mha']:,}", "attn_gqa": f"{r.attn_weights['gqa']:,}",
        "cache_mha_mb": mb(r.cache_nbytes["mha"][-1]), "cache_gqa_mb": mb(r.cache_nbytes["gqa"][-1]), "layers": str(r.layers),
        "short_n": f"{int(r.grid[0]):,}", "t_mha_short": ms(med["mha"][0]), "t_gqa_short": ms(med["gqa_grouped"][0]),
        "t_mha": ms(med["mha"][-1]), "t_gqa": ms(med["gqa"][-1]), "t_gqa_grouped": ms(med["gqa_grouped"][-1]),
        "t_mqa": ms(med["mqa"][-1]),
        "stat_tokens": str(len(st_.in_mean)), "ln_mean": num(st_.max_abs_mean("layer")), "rms_mean": num(st_.max_abs_mean("rms")),
        "ln_shift": num(st_.shift_diff["layer"]), "rms_shift": num(st_.shift_diff["rms"]),
        "scale_diff": num(max(st_.scale_diff.values())), "rms_std_min": num(st_.out_std["rms"].min()),
        "tokens": f"{r.tokens:,}", "t_ln": us(r.norm_median("layer", "torch")), "t_rms": us(r.norm_median("rms", "torch")),
        "norm_verdict": verdict("var.norm_speed", r.norm_median("layer", "torch") / r.norm_median("rms", "torch"), lang),
        "norm_verdict_w": verdict("var.norm_speed", r.norm_median("layer", "written") / r.norm_median("rms", "written"), lang),
        "t_ln_w": us(r.norm_median("layer", "written")), "t_rms_w": us(r.norm_median("rms", "written")),
        "ffn_swiglu": f"{r.ffn_params['swiglu']:,}", "ffn_relu": f"{r.ffn_params['relu']:,}",
        "t_swiglu": ms(r.ffn_median("swiglu")), "t_relu": ms(r.ffn_median("relu")),
        "smol_source": t(f"var.source.{s.source}", lang), "smol_layers": str(s.n_layers), "smol_d": str(s.d_model),
        "smol_heads": str(s.n_heads), "smol_dh": str(s.d_head),
        "smol_final_norm": t("var.final_norm.yes" if s.final_norm else "var.final_norm.no", lang),
        "smol_norms": str(s.norm_tensors), "smol_norm_biases": str(s.norm_biases), "gain_lo": num(s.gain[0]), "gain_hi": num(s.gain[1]),
        "rope_theta": f"{s.rope_theta:,.0f}",
        "smol_positions": t("var.positions.table" if s.position_table else "var.positions.rope", lang),
        "smol_d_ff": str(s.d_ff), "smol_ffn": f"{s.ffn_weights:,}", "smol_relu_d_ff": str(s.relu_d_ff),
        "swiglu_params": f"{swiglu.params:,}", "relu_params": f"{relu.params:,}",
        "loss_swiglu": num(swiglu.eval_loss), "loss_relu": num(relu.eval_loss), "steps": str(f.steps), "lr": f"{f.lr:g}",
        "smol_token_gqa_kb": num(smol(1, s.n_kv_heads) / 1e3), "smol_token_mha_kb": num(smol(1, s.n_heads) / 1e3),
        "smol_context": f"{s.max_positions:,}", "smol_ctx_gqa_mb": mb(smol(s.max_positions, s.n_kv_heads)),
        "smol_ctx_mha_mb": mb(smol(s.max_positions, s.n_heads)),
        "formula_check": t("var.formula.yes" if r.formula_matches else "var.formula.no", lang),
        "device": device_text(r.device, lang), "repeats": str(r.repeats), "repeats_word": t("var.times", lang, n=r.repeats),
        "smol_tied": t("var.tied.yes" if s.tied else "var.tied.no", lang),
    }


def figures(r, f, v: dict[str, str], lang: str) -> list[lesson.Figure]:
    """Headline figures: the multi-head and GQA decode steps at n (MQA's in the help), the two norms' kernel
    times, the mean each norm leaves, the two runs' losses (the short answer says SmolLM2's cache bytes, the
    takeaway the verdicts)."""
    unit = t("var.unit.us", lang)
    return [
        lesson.Figure(t("var.fig.decode", lang, n=v["length"], unit=t("var.unit.ms", lang)), f"{v['t_mha']} → {v['t_gqa_grouped']}",
                      t("var.fig.decode_help", lang, repeats=r.repeats, layers=r.layers, device=v["device"], t_gqa=v["t_gqa"],
                        t_mqa=v["t_mqa"])),
        lesson.Figure(t("var.fig.norm", lang, unit=unit), f"{v['t_ln']} / {v['t_rms']}", t("var.fig.norm_help", lang, tokens=v["tokens"])),
        lesson.Figure(t("var.fig.mean", lang), f"{v['ln_mean']} / {v['rms_mean']}", t("var.fig.mean_help", lang, tokens=v["stat_tokens"])),
        lesson.Figure(t("var.fig.loss", lang, steps=f.steps), f"{v['loss_relu']} / {v['loss_swiglu']}",
                      t("var.fig.loss_help", lang, positions=f"{f.eval_positions:,}", relu=v["relu_params"],
                        swiglu=v["swiglu_params"])),
    ]


def smol_cell(key: str, r, v: dict[str, str], lang: str) -> str:
    """What SmolLM2's file says about variant ``key``."""
    s = r.smol
    yes = lambda detail: t("var.smol.yes", lang, detail=detail)  # noqa: E731
    no = lambda detail: t("var.smol.no", lang, detail=detail)  # noqa: E731
    if key == "pre_ln":
        return yes(v["smol_final_norm"]) if s.final_norm else no(v["smol_final_norm"])
    if key == "rmsnorm":
        detail = t("var.smol.rmsnorm", lang, norms=s.norm_tensors, biases=s.norm_biases)
        return yes(detail) if s.norm == "rms" else no(detail)
    if key == "rope":
        return yes(t("var.smol.rope", lang, theta=v["rope_theta"])) if not s.position_table else no(v["smol_positions"])
    if key == "alibi":
        return no(t("var.smol.alibi", lang)) if not s.alibi else yes("ALiBi")
    if key == "swiglu":
        return (yes if s.gated else no)(t("var.smol.swiglu", lang, d_ff=s.d_ff))
    if key == "gqa":
        return (yes if s.n_kv_heads < s.n_heads else no)(t("var.smol.gqa", lang, heads=s.n_heads, kv=s.n_kv_heads, rows=s.k_rows))
    return t("var.smol.kv_cache", lang, mb=v["smol_gqa_mb"], length=v["length"])


def variant_map(r, v: dict[str, str], lang: str) -> None:
    """One row per variant: its name, what it changes, links to the lessons that show it (``?q=<id>``), and
    what SmolLM2's file says."""
    cur = curriculum.load()
    st.subheader(t("var.map.title", lang), divider="gray")
    widths = [2, 4, 3, 4]
    for column, name in zip(st.columns(widths), ("variant", "change", "lessons", "smol")):
        column.markdown(f"**{t(f'var.map.col.{name}', lang)}**")
    for key, ids in MAP:  # a box per row: its links stack, and centred beside one line they read as the next row's
        c_name, c_change, c_links, c_smol = st.container(border=True).columns(widths, vertical_alignment="top")
        c_name.markdown(f"**{t(f'var.map.{key}.name', lang)}**")
        c_change.markdown(t(f"var.map.{key}.change", lang))
        with c_links:
            for qid in ids:
                q = cur.get(qid)
                if qid == "variants":
                    st.markdown(":material/arrow_downward: " + t("var.map.here", lang))
                elif q is None or not q.built:
                    st.markdown(t("var.map.coming", lang, title=q.short(lang) if q else qid))
                else:
                    st.page_link(f"app_pages/{q.page}.py", label=q.short(lang), query_params={"q": q.id, "lang": lang},
                                 icon=":material/play_circle:")
        c_smol.markdown(smol_cell(key, r, v, lang))


def cache_section(r, v: dict[str, str], lab, qid: str, lang: str) -> None:
    s = r.smol
    st.subheader(t("var.cache.title", lang), divider="gray")
    lengths = np.array(limits.VAR_LENGTH_OPTIONS)
    kv = {"mha": s.n_heads, "gqa": s.n_kv_heads, "mqa": 1}
    ways = charts.CACHE_WAYS  # GQA's cache is one, however it is read
    sizes = {w: np.array([lab.smol_cache_bytes(s, int(n), kv[w]) for n in lengths]) for w in ways}
    # the chart, then the table at full width: beside the chart its four columns were cut at 1366 px
    lesson.chart(charts.cache_sizes(lengths, sizes, r.length, {w: r.smol_bytes(w) for w in ways}, lang), key=f"{qid}.chart.cache")
    st.dataframe({
        t("var.cache.col.n", lang): [f"{int(n):,}" for n in r.grid for _ in ways],
        t("var.cache.col.way", lang): [t(f"var.kv.{w}", lang) for _ in r.grid for w in ways],
        t("var.cache.col.measured", lang, layers=r.layers): [f"{int(r.cache_nbytes[w][i]):,}" for i in range(len(r.grid)) for w in ways],
        t("var.cache.col.formula", lang): [f"{int(r.cache_formula[w][i]):,}" for i in range(len(r.grid)) for w in ways],
    }, hide_index=True, width="stretch", height=300)
    lesson.note(t("var.cache.caption", lang, layers=s.n_layers, dh=s.d_head, kv=s.n_kv_heads, length=v["length"],
                  gqa=v["smol_gqa_mb"], mha=v["smol_mha_mb"], share=v["kv_share"], check=v["formula_check"]))


def norm_section(r, v: dict[str, str], qid: str, lang: str) -> None:
    st.subheader(t("var.norm.title", lang), divider="gray")
    left, right = st.columns(2, gap="medium")
    with left:
        lesson.chart(charts.norm_means(r.stats, lang), key=f"{qid}.chart.means")
    with right:
        rows = [(f"{t(f'var.norm.{kind}', lang)} · {t(f'var.impl.{impl}', lang)}", t(f"var.impl.{impl}", lang),
                 r.norm_seconds[kind, impl]) for impl in ("torch", "written") for kind in ("layer", "rms")]
        lesson.chart(charts.time_bars(rows, "us", lang), key=f"{qid}.chart.norm_times")
    lesson.note(t("var.norm.caption", lang, tokens=v["stat_tokens"], ln_mean=v["ln_mean"], ln_shift=v["ln_shift"],
                  rms_shift=v["rms_shift"], timed=v["tokens"], repeats=r.repeats, device=v["device"]))


def ffn_section(r, f, v: dict[str, str], qid: str, lang: str) -> None:
    st.subheader(t("var.ffn.title", lang), divider="gray")
    names = {a: t(f"var.act.{a}", lang) for a in ACTS}
    left, right = st.columns(2, gap="medium")
    with left:
        lesson.chart(shared.loss_curves([(names[x.act], x.loss, x.diverged_at) for x in f.runs], lang), key=f"{qid}.chart.loss")
    with right:
        order = [x.act for x in f.runs]  # the loss chart's colours, run by run
        lesson.chart(charts.time_bars([(names[a], names[a], r.ffn_seconds[a]) for a in order], "ms", lang, colours=shared.PALETTE),
                     key=f"{qid}.chart.ffn_times")
    relu, swiglu = f.get("relu"), f.get("swiglu")
    lesson.note(t("var.ffn.caption", lang, d=f.d_model, layers=f.n_layers, relu_dff=relu.d_ff, swiglu_dff=swiglu.d_ff,
                  relu_ffn=f"{relu.ffn_params:,}", swiglu_ffn=f"{swiglu.ffn_params:,}", lr=v["lr"], loss_relu=v["loss_relu"],
                  loss_swiglu=v["loss_swiglu"], timed=v["tokens"], t_relu=v["t_relu"], t_swiglu=v["t_swiglu"]))
    diverged = [names[x.act] for x in f.runs if x.diverged_at is not None]
    if diverged:
        lesson.note(t("var.ffn.diverged", lang, runs=", ".join(diverged)))
    lesson.note(training.where(f.device, f.threads, f.seed, f.seconds, len(f.runs), lang))


def body(qid: str, lang: str, lab) -> None:
    length = params.clamp(f"{qid}.length", limits.VAR_LENGTH.lo, limits.VAR_LENGTH.hi)
    repeats = params.clamp(f"{qid}.repeats", limits.VAR_REPEATS.lo, limits.VAR_REPEATS.hi)
    seed = params.clamp(f"{qid}.seed", limits.SEED.lo, limits.SEED.hi)
    r = measure(length, repeats, seed, lab, lang)
    f = trained(seed, lab, lang)
    v = values(r, f, lab, lang)
    sections = lesson.card(qid, lang, v)
    panel = lesson.answer(qid, sections, lang, figures(r, f, v, lang))

    with panel:
        c_len, c_rep, c_seed = lesson.controls(qid, PARAMS, lang, [3, 2, 2])
        lim = lambda key, bounds: t(f"var.{key}_help", lang, cap=f"{limits.VAR_TIMED_TOKENS:,}") + " " + lesson.limits_help(  # noqa: E731
            lang, [(t(f"var.{key}", lang), bounds)])
        c_len.select_slider(t("var.length", lang), options=limits.VAR_LENGTH_OPTIONS, key=f"{qid}.length",
                            format_func=lambda n: f"{n:,}", help=lim("length", limits.VAR_LENGTH))
        c_rep.slider(t("var.repeats", lang), limits.VAR_REPEATS.lo, limits.VAR_REPEATS.hi, key=f"{qid}.repeats",
                     help=lim("repeats", limits.VAR_REPEATS))
        c_seed.number_input(t("var.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{qid}.seed", step=1,
                            help=lim("seed", limits.SEED))
        with lesson.main():
            lesson.chart(charts.decode_times(r, lang), key=f"{qid}.chart.decode")
        lesson.note(t("var.decode.caption", lang, repeats=r.repeats, device=v["device"], layers=r.layers, length=v["length"],
                      t_mha=v["t_mha"], t_gqa=v["t_gqa"], t_grouped=v["t_gqa_grouped"], t_mqa=v["t_mqa"]))
    if r.smol.source != "file":
        st.info(t("var.smol_missing", lang), icon=":material/info:")
    variant_map(r, v, lang)
    cache_section(r, v, lab, qid, lang)
    norm_section(r, v, qid, lang)
    ffn_section(r, f, v, qid, lang)
    lesson.finish(qid, sections, lab.run, PARAMS, lang)
