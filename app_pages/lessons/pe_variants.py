"""Lesson `pe-variants` of the positions page: the six shipped position models (none, sinusoidal, learned,
T5-style relative, RoPE, ALiBi) evaluated live at one to four times their training length, then where each
scheme puts position: RoPE's score checked to depend on the offset alone, ALiBi's slopes and bias maps, T5's
buckets and the trained relative model's bias, MiniLM's learned table compared row with row.

The evaluation (windows, seed) is the expensive run and starts a full rerun; each view control (the offset,
ALiBi's heads, T5's buckets and distance, the maps' side) sits in a fragment holding only what depends on it
(the comment above :func:`rope_scores_view`), so moving one redraws that alone. Which kinds the loss charts draw is a drawing choice (in the URL, out of every
cache key; a change reruns the lesson, every run a cache hit). The card quotes the sweep and the RoPE check at the default offset, neither of which a view control moves.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from tf_core import limits
from tf_core.models import registry
from ui.caching import cached
from ui import encoders, failures, lesson, params
from ui.charts import positions as pe_charts
from ui.charts import positions_variants as charts
from ui.i18n import t
from ui.text import num

KINDS = ("none", "sinusoidal", "learned", "relative", "rope", "alibi")  # tf_core.lab.pe_variants.KINDS, without importing torch
SHOWN = params.MultiChoiceParam("kinds", KINDS, KINDS)  # which kinds the charts draw (drawing only)
VIEWS = (params.Param("k", limits.PE_OFFSET), params.Param("heads", limits.ALIBI_HEADS), params.Param("buckets", limits.T5_BUCKETS),
         params.Param("maxdist", limits.T5_MAX_DISTANCE), params.Param("side", limits.PE_BIAS_LENGTH))
PARAMS = (params.Param("windows", limits.PE_WINDOWS), params.Param("seed", limits.SEED), SHOWN, *VIEWS)


@st.cache_resource(show_spinner=False)
def models(_lab):
    """The six shipped PositionLMs, loaded once per process (tf_core.failures.ModelLoadError when a file is
    missing or damaged)."""
    from tf_core.failures import loading

    with loading("positions"):
        return _lab.load_models()


@st.cache_resource(show_spinner=False)
def held_out() -> str:
    """The held-out text the shipped models are scored on (positions/validation.txt), read once per process
    (ModelLoadError when it is missing or damaged, as for the models beside it)."""
    from tf_core.failures import loading
    from tf_core.models import checkpoints

    with loading("positions"):
        return checkpoints.load_position_validation()


@cached(16)
def sweep(windows: int, seed: int, _models, _text: str, _lab, lang: str):
    """All six kinds at every length, cached by (windows, seed): a queued long job, on the one thread count (the lab's
    docstring has the figures). ``lang`` only picks the progress bar's words; ``_text``: :func:`held_out`."""
    from ui import decoders

    def job(progress):
        return _lab.extrapolation(_models, windows=windows, seed=seed, on_progress=progress.step, text=_text)

    return decoders.run_in_line(job, lang, t("pev.running", lang))


@cached(64)
def rope(k: int, seed: int, _lab):
    return _lab.rope_offset(k, seed)


@cached(64)
def alibi(heads: int, side: int, _lab):
    return _lab.alibi_view(heads, side)


@cached(64)
def t5(buckets: int, maxdist: int, side: int, _model, _lab):
    return _lab.t5_view(_model, buckets, maxdist, side)


@cached(2)
def learned(model_key: str, _encoder, _lab):
    return _lab.learned_view(_encoder)


def kind_name(kind: str, lang: str) -> str:
    return t(f"pev.kind.{kind}", lang)


def names(kinds, lang: str) -> str:
    return t("pev.and", lang).join(kind_name(k, lang) for k in kinds) or t("pev.nobody", lang)


def short_name(model: str) -> str:
    return model.split("/")[-1]


def values(r, check, tolerance: float, lang: str) -> dict[str, str]:
    """The card's placeholders, all from the live sweep and the RoPE check; verdicts are words picked by rule."""
    ratio = dict(zip(r.kinds, r.ratio))
    at_train = dict(zip(r.kinds, r.at_train))
    encoded = [k for k in r.kinds if k != "none"]
    gap = ratio["rope"] - ratio["sinusoidal"]
    rope_cmp = "same" if abs(gap) <= 0.1 * max(ratio["sinusoidal"] - 1, 0.05) else ("less" if gap < 0 else "more")
    order = sorted(r.kinds, key=lambda k: ratio[k])
    return {
        "train": str(r.train_length), "longest": str(int(r.lengths[-1])), "factor": num(r.lengths[-1] / r.train_length),
        "tolerance": f"{tolerance:.0%}", "span": f"{r.span:,}", "windows": str(int(r.windows[-1])),
        **{f"ratio_{k}": num(ratio[k]) for k in r.kinds}, **{f"loss_{k}": num(at_train[k]) for k in r.kinds},
        **{f"long_{k}": num(r.loss[r.row(k), -1]) for k in r.kinds},
        "nope_rise": f"{(ratio['none'] - 1) * 100:+.0f}%",
        "holds": names([k for k in order if ratio[k] <= 1 + tolerance], lang),
        "breaks": names([k for k in order if ratio[k] > 1 + tolerance], lang),
        "best": kind_name(order[0], lang), "worst": kind_name(order[-1], lang),
        "rope_verdict": t(f"pev.cmp.{rope_cmp}", lang),
        "alibi_rank": t("pev.alibi.worst" if at_train["alibi"] >= max(at_train[k] for k in encoded) else "pev.alibi.not_worst", lang),
        "rope_dev": num(check.max_deviation), "rope_n": f"{len(check.m):,}",
    }


def figures(r, v, lang: str) -> list[lesson.Figure]:
    ratio = dict(zip(r.kinds, r.ratio))
    at_train = dict(zip(r.kinds, r.at_train))
    order = sorted(r.kinds, key=lambda k: ratio[k])
    best_in = min(r.kinds, key=lambda k: at_train[k])
    help_ratio = t("pev.fig.ratio_help", lang, longest=v["longest"], train=v["train"])
    return [lesson.Figure(t("pev.fig.ratio", lang, factor=v["factor"], best=kind_name(order[0], lang), worst=kind_name(order[-1], lang)),
                          f"{num(ratio[order[0]])} → {num(ratio[order[-1]])}", help_ratio),
            lesson.Figure(t("pev.fig.in", lang, train=v["train"], best=kind_name(best_in, lang)),
                          f"{num(at_train[best_in])} → {num(at_train['alibi'])}", t("pev.fig.in_help", lang)),
            lesson.Figure(t("pev.fig.nope", lang, factor=v["factor"]), v["nope_rise"], t("pev.fig.nope_help", lang))]


def table(loaded, kinds, lang: str) -> None:
    st.subheader(t("pev.table.title", lang), divider="gray")
    first, rel = loaded["learned"], loaded["relative"]
    rows = [t("pev.table.head", lang)]
    for kind in kinds:
        rows.append(t(f"pev.table.{kind}", lang, learned=f"{first.cfg.max_eval_length} × {first.cfg.d_model}",
                      relative=f"{rel.cfg.relative_buckets} × {rel.cfg.n_heads}"))
    st.markdown("\n".join(rows))


def rope_scores_section(qid: str, check, seed: int, lang: str) -> None:
    lesson.chart(charts.rope_scores(check.m, check.scores, check.direct, lang), key=f"{qid}.chart.rope")
    lesson.note(t("pev.rope.caption", lang, d=check.d_head, seed=seed, k=check.k, n=len(check.m), m0=int(check.m[0]),
                  m1=int(check.m[-1]), direct=num(check.direct, 6), dev=num(check.max_deviation)))


def helix_section(qid: str, check, lang: str) -> None:
    """q's pairs turning across positions: drawn from the seed alone (no view control moves it)."""
    lesson.plotly(charts.rope_helix(check.helix, check.helix_pairs, lang), key=f"{qid}.chart.helix")
    lesson.note(t("pev.rope.helix", lang, a=check.helix_pairs[0], b=check.helix_pairs[1], top=check.helix.shape[1] - 1))


def bias_images(maps, heads, lang: str):
    """Causal bias maps (queries down, keys across), one image per head: cheap to redraw on every change of
    the view controls; the Plotly heatmaps come with the switch under them (ui.lesson.matrix)."""
    titles = [t("pev.alibi.head_n", lang, h=int(h)) for h in heads]
    return pe_charts.matrix_panels(maps, titles, lang, "pev.axis.key", "pev.axis.query", "pev.axis.bias")


def alibi_section(qid: str, a, lang: str) -> None:
    left, right = st.columns([1, 2], gap="medium")
    with left:
        lesson.chart(charts.alibi_slopes(a.slopes, lang), key=f"{qid}.chart.slopes")
    with right:
        lesson.matrix(bias_images(a.maps, a.heads, lang), lambda: charts.bias_maps(a.maps, a.heads, lang), f"{qid}.chart.alibi", lang)
    lesson.note(t("pev.alibi.caption", lang, heads=len(a.slopes), first=f"{a.slopes[0]:.6g}", last=f"{a.slopes[-1]:.6g}",
                  shown=", ".join(str(int(h)) for h in a.heads), side=a.side))


def t5_buckets_section(qid: str, b, lang: str) -> None:
    lesson.chart(charts.t5_buckets(b.distance, b.bucket, b.exact, b.max_distance, lang), key=f"{qid}.chart.buckets")
    lesson.note(t("pev.t5.caption", lang, buckets=b.buckets, maxdist=b.max_distance, exact_last=b.exact - 1,
                  last=int(b.bucket[-1])))


def t5_maps_section(qid: str, b, lang: str) -> None:
    lesson.matrix(bias_images(b.trained_maps, b.trained_heads, lang), lambda: charts.bias_maps(b.trained_maps, b.trained_heads, lang),
                  f"{qid}.chart.t5", lang)
    lesson.note(t("pev.t5.maps", lang, buckets=b.trained_buckets, maxdist=b.trained_max_distance,
                  shown=", ".join(str(int(h)) for h in b.trained_heads)))


def learned_section(qid: str, lab, lang: str) -> None:
    from tf_core.models.catalog import MODELS

    if "minilm" not in registry.available():
        st.info(t("pev.learned.missing", lang, name=MODELS["minilm"].pip_name), icon=":material/info:")
        return
    m = learned("minilm", encoders.encoder("minilm", lang), lab)
    st.subheader(t("pev.learned.title", lang, model=short_name(m.model)), divider="gray")
    rows = np.arange(m.similarity.shape[0])
    sim = (np.round(m.similarity, 3), rows, rows, lang, "pe.axis.position", "pe.axis.position", "pe.sim.value")
    lesson.plotly(pe_charts.matrix_heatmap(*sim, zmax=1.0, height=420), key=f"{qid}.chart.learned",
                  picture=lambda: pe_charts.matrix_image(*sim, zmax=1.0, height=420))
    lesson.note(t("pev.learned.caption", lang, rows=m.rows, d=m.d, near=num(m.neighbour), far=num(m.far), half=m.rows // 2))
    st.code(m.past_end, language=None)


def _number(column, qid: str, name: str, bounds, lang: str, label_key: str) -> None:
    """One view control: a number input keyed "<qid>.<name>", its caps in the tooltip."""
    label = t(label_key, lang)
    column.number_input(label, bounds.lo, bounds.hi, key=f"{qid}.{name}", step=1,
                        help=t(f"{label_key}_help", lang) + " " + lesson.limits_help(lang, [("k" if name == "k" else label, bounds)]))


def _view_values(qid: str, names: tuple[str, ...]) -> dict[str, int]:
    """The named view controls' values, clamped: before their widgets exist (a widget's state cannot be set
    after), and only a fragment's own (the other fragment's widgets exist by then)."""
    return {p.name: params.clamp(p.key(qid), p.bounds.lo, p.bounds.hi) for p in VIEWS if p.name in names}


# The views' controls rerun only what depends on them, each in its own fragment (benchmarks/rerender.py
# --only positions times a change): the offset k redraws RoPE's score check (not the helix, which the
# seed alone sets); ALiBi's heads redraw its slopes and maps; T5's buckets and distance redraw the bucket
# chart; the maps' side, shared by ALiBi's and the trained T5 model's maps, reruns the fragment holding
# those two (and the inner ones). On a fragment's own rerun Streamlit calls it with the arguments of the
# run that last drew it.
@st.fragment
def rope_scores_view(qid: str, seed: int, lab, lang: str) -> None:
    v = _view_values(qid, ("k",))
    _number(st, qid, "k", limits.PE_OFFSET, lang, "pev.k")
    rope_scores_section(qid, rope(v["k"], seed, lab), seed, lang)
    params.write_url(qid, qid, PARAMS, lang)  # on this fragment's own reruns too


@st.fragment
def alibi_view(qid: str, side: int, lab, lang: str) -> None:
    v = _view_values(qid, ("heads",))
    c_heads, _ = st.columns([1, 3], vertical_alignment="bottom", gap="small")
    _number(c_heads, qid, "heads", limits.ALIBI_HEADS, lang, "pev.heads")
    alibi_section(qid, alibi(v["heads"], side, lab), lang)
    params.write_url(qid, qid, PARAMS, lang)


@st.fragment
def t5_buckets_view(qid: str, relative_model, side: int, lab, lang: str) -> None:
    v = _view_values(qid, ("buckets", "maxdist"))
    c_buckets, c_max = st.columns(2, vertical_alignment="bottom", gap="small")
    _number(c_buckets, qid, "buckets", limits.T5_BUCKETS, lang, "pev.buckets")
    _number(c_max, qid, "maxdist", limits.T5_MAX_DISTANCE, lang, "pev.maxdist")
    t5_buckets_section(qid, t5(v["buckets"], v["maxdist"], side, relative_model, lab), lang)
    params.write_url(qid, qid, PARAMS, lang)


@st.fragment
def bias_view(qid: str, relative_model, lab, lang: str) -> None:
    """ALiBi and T5: the maps' side is this fragment's control; heads, buckets and distance are its inner
    fragments'."""
    side = _view_values(qid, ("side",))["side"]
    st.subheader(t("pev.alibi.title", lang), divider="gray")
    c_side, _ = st.columns([1, 3], vertical_alignment="bottom", gap="small")
    _number(c_side, qid, "side", limits.PE_BIAS_LENGTH, lang, "pev.side")
    alibi_view(qid, side, lab, lang)
    st.subheader(t("pev.t5.title", lang), divider="gray")
    left, right = st.columns(2, gap="medium")
    with left:
        t5_buckets_view(qid, relative_model, side, lab, lang)
    with right:
        # the trained model's maps depend on the side alone (t5_buckets_view's buckets and distance are the learner's)
        t5_maps_section(qid, t5(limits.T5_BUCKETS.default, limits.T5_MAX_DISTANCE.default, side, relative_model, lab), lang)
    params.write_url(qid, qid, PARAMS, lang)


def every_kind(lang: str) -> list[tuple[str, str]]:
    """The charts' legend: every kind, shown or not (ui.charts.positions_variants._legend says why)."""
    return [(kind_name(k, lang), k) for k in KINDS]


def positions_chart(qid: str, r, shown: list[str], lab, lang: str) -> None:
    if not shown:
        return
    st.subheader(t("pev.pos.title", lang), divider="gray")
    rows = [r.row(k) for k in shown]
    lesson.chart(charts.per_position([kind_name(k, lang) for k in shown], shown, r.per_position[rows], r.train_length,
                                     r.break_at[rows], lang, every=every_kind(lang)), key=f"{qid}.chart.positions")
    breaks = t("pev.and", lang).join(f"{kind_name(k, lang)} {int(r.break_at[r.row(k)])}" if r.break_at[r.row(k)] >= 0
                                     else f"{kind_name(k, lang)} {t('pev.pos.none', lang)}" for k in shown)
    lesson.note(t("pev.pos.caption", lang, windows=int(r.windows[-1]), longest=int(r.lengths[-1]), bin=lab.BIN,
                  train=r.train_length, rise=lab.RISE, breaks=breaks))


def body(qid: str, lang: str, lab) -> None:
    """The lesson inside ui.failures.guard, as ui.lesson.fragment puts the other lessons: a missing or damaged
    shipped model, or a sweep out of memory, ends it with a message (the positions page's lesson_body is a
    plain st.fragment)."""
    with failures.guard(lang):
        _body(qid, lang, lab)


def _body(qid: str, lang: str, lab) -> None:
    windows = params.clamp(f"{qid}.windows", limits.PE_WINDOWS.lo, limits.PE_WINDOWS.hi)
    seed = params.clamp(f"{qid}.seed", limits.SEED.lo, limits.SEED.hi)
    loaded = models(lab)
    r = sweep(windows, seed, loaded, held_out(), lab, lang)
    v = values(r, rope(limits.PE_OFFSET.default, seed, lab), lab.TOLERANCE, lang)
    sections = lesson.card(qid, lang, v)
    panel = lesson.answer(qid, sections, lang, figures(r, v, lang))

    with panel:
        c_win, c_seed = lesson.controls(qid, PARAMS, lang, [4, 4])
        lim = lambda name, bounds: " " + lesson.limits_help(lang, [(name, bounds)])  # noqa: E731
        chars = f"{6 * len(r.lengths) * windows * int(r.lengths[-1]):,}"
        c_win.number_input(t("pev.windows", lang), limits.PE_WINDOWS.lo, limits.PE_WINDOWS.hi, key=f"{qid}.windows", step=16,
                           help=t("pev.windows_help", lang, chars=chars) + lim(t("pev.windows", lang), limits.PE_WINDOWS))
        c_seed.number_input(t("pev.seed", lang), limits.SEED.lo, limits.SEED.hi, key=f"{qid}.seed", step=1,
                            help=t("pev.seed_help", lang) + lim(t("pev.seed", lang), limits.SEED))
        shown = [k for k in r.kinds if k in st.session_state[SHOWN.key(qid)]]
        with lesson.main():
            if not shown:
                st.warning(t("pev.empty", lang), icon=":material/warning:")
            else:
                rows = [r.row(k) for k in shown]
                lesson.chart(charts.loss_by_length([kind_name(k, lang) for k in shown], shown, r.lengths, r.loss[rows],
                                                   r.train_length, lang, every=every_kind(lang)), key=f"{qid}.chart.length")
            # under the chart, as a legend that switches: six names never fit a multiselect's width at 1366 px
            st.pills(t("pev.kinds", lang), KINDS, selection_mode="multi", key=SHOWN.key(qid), format_func=lambda k: kind_name(k, lang),
                     help=t("pev.kinds_help", lang))
    lesson.note(t("pev.main.caption", lang, train=r.train_length, lengths=", ".join(str(int(L)) for L in r.lengths), span=r.span,
                  start=r.start, seconds=num(r.seconds), threads=r.threads, device=r.device))
    lesson.note(t("pev.caveat", lang, train=r.train_length))
    positions_chart(qid, r, shown, lab, lang)
    table(loaded, KINDS, lang)
    st.subheader(t("pev.rope.title", lang), divider="gray")
    left, right = st.columns(2, gap="medium")
    with left:
        rope_scores_view(qid, seed, lab, lang)
    with right:
        helix_section(qid, rope(limits.PE_OFFSET.default, seed, lab), lang)
    bias_view(qid, loaded["relative"], lab, lang)
    learned_section(qid, lab, lang)
    lesson.finish(qid, sections, (lab.extrapolation, lab.rope_offset), PARAMS, lang)
