"""The frame every lesson shares: title, short answer, controls, wrong answer, card, code.

A page composes these in the order of DESIGN.md's "anatomy of a lesson"; the experiment itself
(controls, lab call, charts) stays in the page.
"""
from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable, Mapping

import streamlit as st

from ui import curriculum, qa
from ui.charts.shared import VegaChart
from ui.perf import freeze_heap
from ui.i18n import t
from ui.params import Param, reset


def title(qid: str, lang: str) -> None:
    question = curriculum.load().get(qid)
    st.title(question.title(lang))


def pick_question(page: str, lessons: Mapping[str, object]) -> str:
    """The question a topic page shows: ``?q`` when it names a built question of this page that the
    page implements (``lessons``: its lessons by id; app.py has already sent other questions to
    their own page), else the page's first such question."""
    built = [q.id for q in curriculum.load().on_page(page) if q.built and q.id in lessons]
    raw = st.query_params.get("q")
    return raw if raw in built else built[0]


def _switch_to(key: str, current: str, lessons: Mapping[str, tuple[Param, ...]], lang: str) -> None:
    """Switch callback: open the chosen lesson, carrying over the settings both lessons have (the
    sentence, the model, ...), so the learner's text follows them. A carried value is checked
    against the receiving lesson's own parameter, at both ends, as a URL value would be (a setting
    of the same name can have another range there: cross-attention's head -1, "the mean over the
    heads", is no head of the encoder walk-through); one it cannot take becomes its nearest valid
    value, silently (the learner asked for a lesson, not for that value)."""
    new = st.session_state[key]
    if new is None or new == current:  # a click on the selected option clears it: stay
        return
    receiving = {p.name: p for p in lessons[new]}
    url = {"q": new, "lang": lang}
    for p in lessons[current]:
        if p.name in receiving and p.key(current) in st.session_state:
            target = receiving[p.name]
            value, _ = target.parse(p.to_url(st.session_state[p.key(current)]), lang)
            st.session_state[target.key(new)] = value
            url[p.name] = target.to_url(value)
    st.query_params.from_dict(url)


def question_switch(page: str, current: str, lessons: Mapping[str, tuple[Param, ...]], lang: str) -> None:
    """A row of the page's built questions, the current one selected (nothing when there is one).
    ``lessons`` maps each question id to its parameters."""
    built = [q for q in curriculum.load().on_page(page) if q.built and q.id in lessons]
    if len(built) < 2:
        return
    key = f"{page}.question"
    st.session_state[key] = current
    short = {q.id: q.short(lang) for q in built}
    st.segmented_control(
        t("lesson.switch", lang),
        options=list(short),
        format_func=short.get,
        key=key,
        on_change=_switch_to,
        args=(key, current, lessons, lang),
        label_visibility="collapsed",
    )


def lab_module(qid: str) -> str:
    """The lab module of a lesson, by rule: its curriculum id with "-" as "_" under tf_core.lab
    (``multi-head`` -> ``tf_core.lab.multi_head``)."""
    return "tf_core.lab." + qid.replace("-", "_")


def import_lab(qid: str, lang: str):
    """Import the lesson's lab module (:func:`lab_module`). The first import in a process loads
    torch (seconds on a cold start), so it happens under a spinner after the title is on screen."""
    module = lab_module(qid)
    if module in sys.modules:
        lab = sys.modules[module]
    else:
        with st.spinner(t("lesson.loading_core", lang)):
            lab = importlib.import_module(module)
            freeze_heap(module)  # torch and the chart libraries are in by now: see ui/perf.py
    from tf_core.device import configure_threads

    configure_threads()  # once per process: fewer torch threads for light requests (tf_core/device.py)
    return lab


def card(qid: str, lang: str, values: Mapping[str, object]) -> dict[str, str]:
    """The card's sections with the live values filled in (raises if one is left unfilled)."""
    return qa.load(qid, lang).filled(values)


def short_answer(sections: Mapping[str, str], lang: str) -> None:
    st.subheader(t("lesson.short", lang), divider="gray")
    st.markdown(sections["short"])


def reset_button(lesson: str, params: tuple[Param, ...], lang: str) -> None:
    """The reset button, beside the hint that the URL holds the settings."""
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.caption(t("lesson.link_hint", lang))
    right.button(
        t("lesson.reset", lang),
        key=f"{lesson}.reset",
        help=t("lesson.reset_help", lang),
        on_click=reset,
        args=(lesson, params, lang),
        icon=":material/restart_alt:",
        width="stretch",
    )


def chart(c: VegaChart, key: str, width: str = "stretch") -> None:
    """Place a chart from ui.charts, at the full column width or (``width="content"``) at the size
    its spec asks for (the cached spec is copied, not handed over: Streamlit adds its own keys to
    the dict it gets)."""
    st.vega_lite_chart(c.data, dict(c.spec), width=width, key=key)


def limits_caption(lang: str, bounds: list[tuple[str, object]]) -> None:
    """Show the caps (from tf_core.limits) that bound this lesson's controls."""
    text = " · ".join(f"{name} {b.lo:g}–{b.hi:g}" for name, b in bounds)
    st.caption(t("lesson.limits", lang, text=text))


def wrong_answer(sections: Mapping[str, str], lang: str) -> None:
    st.subheader(t("lesson.wrong", lang), divider="gray")
    with st.container(border=True):
        st.markdown(sections["wrong"])


def _lazy_expander(key: str, label: str, icon: str):
    """A collapsed expander whose content is built only while it is open (opening it reruns the
    page). Closed, it costs nothing: Streamlit otherwise sends and the browser typesets every
    closed expander's Markdown and KaTeX on each slider move, ~70 ms per rerun on 2 cores here
    (benchmarks/rerender.py)."""
    return st.expander(label, key=key, icon=icon, on_change="rerun")


def full_answer(qid: str, sections: Mapping[str, str], lang: str) -> None:
    full = _lazy_expander(f"{qid}.full", t("lesson.full", lang), ":material/menu_book:")
    if full.open:
        with full:
            st.markdown(sections["full"])
    followups = _lazy_expander(f"{qid}.followups", t("lesson.followups", lang), ":material/forum:")
    if followups.open:
        with followups:
            st.markdown(sections["followups"])


def code(qid: str, fn: Callable, lang: str) -> None:
    """The lab function's module source, for learners who read code."""
    box = _lazy_expander(f"{qid}.code", t("lesson.code", lang), ":material/code:")
    if box.open:
        with box:
            module = inspect.getmodule(fn)
            st.code(inspect.getsource(module), language="python", line_numbers=True)


def finish(qid: str, sections: Mapping[str, str], fn: Callable, params: tuple[Param, ...], lang: str) -> None:
    """The end every lesson shares: the wrong answer, the lazy full answer, follow-ups and code,
    then every setting written to the address bar."""
    from ui.params import write_url

    wrong_answer(sections, lang)
    full_answer(qid, sections, lang)
    code(qid, fn, lang)
    write_url(qid, qid, params, lang)


def open_page(page: str, lessons: Mapping[str, tuple[Param, ...]]):
    """The top every topic page shares: pick the lesson (``?q``), seed its settings from the URL,
    the title, the switch between the page's lessons, the notices, then the lesson's lab module
    (:func:`lab_module`; torch loads there, under a spinner, once per process) and the device in
    the sidebar. ``lessons``: id -> its parameters.
    Returns (lesson id, language, lab module)."""
    from ui.params import init_from_url, show_notices
    from ui.sidebar import show_device

    qid = pick_question(page, lessons)
    lang = st.session_state.get("lang", "en")
    init_from_url(qid, lessons[qid], lang)
    title(qid, lang)
    question_switch(page, qid, lessons, lang)
    show_notices()
    lab = import_lab(qid, lang)
    show_device(lang)
    return qid, lang, lab
