"""The frame every lesson shares, in the order of DESIGN.md's "anatomy of a lesson":

  title (open_page) -> answer(): on the left the short answer, 2-4 headline figures and the
  30-second takeaway; on the right (the panel it returns) controls(): one row ending in Reset, then
  main(): the lesson's main chart (on the first screen at 1366x768, checked in
  tests/browser/test_browser_pages.py) -> the other charts, full width -> finish(): wrong answers,
  full answer, follow-ups, code, the URL.

The experiment itself (controls, lab call, charts) stays in the page.
"""
from __future__ import annotations

import functools
import importlib
import inspect
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from ui import curriculum, export, failures, presenter, qa
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


@dataclass(frozen=True)
class Figure:
    """One headline figure: a measured result of the current run (never an input echoed back).
    ``value`` is already formatted (ui.text.num, pct); ``help`` says how it was measured."""

    label: str
    value: str
    help: str | None = None


# The strip's tiles: values at 1.6rem (Streamlit's 2.25rem cuts "0.183 → 0.0476" in a quarter of the
# width) and labels that wrap to a second line instead of ending in "…". Our own fixed CSS, no user text.
_FIGURE_STYLE = """<style>
[class*="st-key-lesson-figures"] [data-testid="stMetric"] { padding: 0.5rem 0.75rem; }
[class*="st-key-lesson-figures"] [data-testid="stMetricValue"] { font-size: 1.3rem; }
[class*="st-key-lesson-figures"] [data-testid="stMetricValue"] div { white-space: normal; overflow: visible; }
[class*="st-key-lesson-figures"] [data-testid="stMetricLabel"] p { white-space: normal; line-height: 1.25; }
[class*="st-key-lesson-figures"] [data-testid="stMetricLabel"] div { white-space: normal; overflow: visible; }
</style>"""


def figure_strip(figures: Sequence[Figure], per_row: int = 2, key: str = "lesson-figures") -> None:
    """Headline figures as bordered tiles, ``per_row`` to a row, in the strip's style (values that wrap
    instead of ending in "…"). ``key``: the strip's container, starting "lesson-figures" (a page with
    two strips names the second)."""
    st.html(_FIGURE_STYLE)
    with st.container(key=key):
        for row in range(0, len(figures), per_row):
            for column, f in zip(st.columns(per_row, gap="small"), figures[row:row + per_row]):
                column.metric(f.label, f.value, help=f.help, border=True)


def answer(qid: str, sections: Mapping[str, str], lang: str, figures: Sequence[Figure] = ()):
    """The first screen, in two panels. Left: the short answer, the strip of headline figures (2 to
    4 tiles, two per row) and the 30-second takeaway (the card's own heading names it). Right, the
    returned column: the page puts the controls row (:func:`controls`) and the main chart
    (:func:`main`) in it, so that the evidence starts high on the screen, beside the answer."""
    figures = list(figures)[:4]  # 2 to 4 by design (tests/pages/test_first_screen.py); fewer when a model is missing
    text, panel = st.columns([5, 7], gap="medium")
    with text:
        if not presenter.active():  # a projector shows the evidence; the teacher says the answer
            st.markdown(sections["short"])
        figure_strip(figures)
        if "takeaway" in sections:
            with st.container(key=f"{qid}.takeaway", border=True):
                title = qa.load(qid, lang).titles.get("takeaway", "")
                st.markdown(f":material/record_voice_over: **{title}** · {sections['takeaway']}")
    return panel


def controls(lesson: str, params: tuple[Param, ...], lang: str, spec: Sequence[float]) -> list:
    """The controls: rows of at most three columns (widths in ``spec``), the reset button at the end
    of the last row; its tooltip says that the page address holds the settings (so a pasted link
    reproduces the picture). Returns the controls' columns, in order."""
    rows = [list(spec[i:i + 3]) for i in range(0, len(spec), 3)] or [[]]
    columns = []
    for i, row in enumerate(rows):
        if i < len(rows) - 1:
            columns += st.columns(row, vertical_alignment="bottom", gap="small")
            continue
        # the reset column: at least a fifth of the row, so "Reset" / "重置" with its icon is never cut (~96 px at 1366x768)
        *cols, last = st.columns([*row, max(1.6, 0.25 * sum(row))], vertical_alignment="bottom", gap="small")
        columns += cols
    last.button(
        t("lesson.reset", lang),
        key=f"{lesson}.reset",
        help=t("lesson.reset_help", lang) + " " + t("lesson.link_hint", lang),
        on_click=reset,
        args=(lesson, params, lang),
        icon=":material/restart_alt:",
        width="stretch",
    )
    return columns


MAIN_KEY = "lesson-main"  # the main chart's container (the fold test looks for class st-key-lesson-main)


def main():
    """The container of the lesson's main chart (``with lesson.main(): ...``): the evidence that
    must be on the first screen, under the headline figures and the controls row."""
    return st.container(key=MAIN_KEY)


def chart(c: VegaChart, key: str, width: str = "stretch") -> None:
    """Place a chart from ui.charts, at the full column width or (``width="content"``) at the size
    its spec asks for (the cached spec is copied, not handed over: Streamlit adds its own keys to
    the dict it gets)."""
    spec = presenter.projector_spec(c.spec) if presenter.active() else dict(c.spec)
    st.vega_lite_chart(c.data, spec, width=width, key=key)
    export.register(key, c.data, c.spec)


def note(text: str) -> None:
    """A line under a chart that carries numbers: body text, not st.caption (whose 60 % grey is too
    faint on a projector)."""
    st.markdown(text)


def limits_help(lang: str, bounds: Sequence[tuple[str, object]]) -> str:
    """The caps (from tf_core.limits) of a control, for its ``help`` tooltip: "Limits: n 2–64"."""
    text = " · ".join(f"{name} {b.lo:g}–{b.hi:g}" for name, b in bounds)
    return t("lesson.limits", lang, text=text)


def wrong_answer(qid: str, sections: Mapping[str, str], lang: str) -> None:
    """The card's wrong answers under the card's own heading (singular or plural as the card has it)."""
    st.subheader(qa.load(qid, lang).titles["wrong"], divider="gray")
    with st.container(border=True):
        st.markdown(sections["wrong"])


def _lazy_expander(key: str, label: str, icon: str):
    """A collapsed expander whose content is built only while it is open (opening it reruns the
    page). Closed, it costs nothing: Streamlit otherwise sends and the browser typesets every
    closed expander's Markdown and KaTeX on each slider move, ~70 ms per rerun on 2 cores here
    (benchmarks/rerender.py)."""
    return st.expander(label, key=key, icon=icon, on_change="rerun")


SHOWN_FOLLOWUPS = 2  # follow-up questions shown open; the rest wait in a collapsed expander


def split_items(markdown: str) -> list[str]:
    """A Markdown bullet list as its items (an item keeps its continuation lines).

    >>> split_items("- **A?** yes\n  more\n- **B?** no")
    ['- **A?** yes\n  more', '- **B?** no']
    """
    items: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("- ") or not items:
            items.append(line)
        else:
            items[-1] += "\n" + line
    return [item.rstrip() for item in items if item.strip()]


def followups(qid: str, sections: Mapping[str, str], lang: str) -> None:
    """The first follow-up questions open (the likeliest in an interview), the rest collapsed."""
    items = split_items(sections["followups"])
    st.subheader(qa.load(qid, lang).titles["followups"], divider="gray")
    st.markdown("\n".join(items[:SHOWN_FOLLOWUPS]))
    rest = items[SHOWN_FOLLOWUPS:]
    if rest:
        more = _lazy_expander(f"{qid}.followups", t("lesson.more_followups1" if len(rest) == 1 else "lesson.more_followups", lang, n=len(rest)), ":material/forum:")
        if more.open:
            with more:
                st.markdown("\n".join(rest))


def full_answer(qid: str, sections: Mapping[str, str], lang: str) -> None:
    full = _lazy_expander(f"{qid}.full", t("lesson.full", lang), ":material/menu_book:")
    if full.open:
        with full:
            st.markdown(sections["full"])


def code(qid: str, fns: Callable | tuple[Callable, ...], lang: str) -> None:
    """The source of the module of each lab function in ``fns``, for learners who read code (a
    lesson whose experiment uses a core algorithm, as tokenization uses tf_core.bpe, shows both)."""
    box = _lazy_expander(f"{qid}.code", t("lesson.code", lang), ":material/code:")
    if box.open:
        with box:
            modules = dict.fromkeys(inspect.getmodule(fn) for fn in (fns if isinstance(fns, tuple) else (fns,)))
            for module in modules:
                if len(modules) > 1:
                    st.caption(f"`{module.__name__}`")
                st.code(inspect.getsource(module), language="python", line_numbers=True)


def finish(qid: str, sections: Mapping[str, str], fn: Callable | tuple[Callable, ...], params: tuple[Param, ...],
           lang: str) -> None:
    """The end every lesson shares: the wrong answers, the lazy full answer, the follow-ups (the
    first open, the rest lazy) and the code, then every setting written to the address bar."""
    from ui.params import write_url

    if not presenter.active():
        wrong_answer(qid, sections, lang)
        full_answer(qid, sections, lang)
        followups(qid, sections, lang)
        code(qid, fn, lang)
    write_url(qid, qid, params, lang)
    if presenter.active():
        return
    export.section(qid, sections, lang)  # after write_url: its file names read the settings from the address


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
    export.start()
    init_from_url(qid, lessons[qid], lang)
    presenter.style()
    title(qid, lang)
    presenter.bar(qid, lessons[qid], lang)
    question_switch(page, qid, lessons, lang)
    show_notices()
    lab = import_lab(qid, lang)
    show_device(lang)
    return qid, lang, lab


def fragment(body: Callable[[], None]):
    """``@lesson.fragment`` on a page's ``lesson_body()``: ``st.fragment`` (a control reruns the body alone)
    with the body inside :func:`ui.failures.guard`, so a model that cannot be read or a run out of memory
    ends the lesson with a message in the learner's language, on a full run and on the fragment's own
    reruns alike (app.py's guard sees only full runs)."""
    @functools.wraps(body)
    def guarded() -> None:
        with failures.guard(st.session_state.get("lang", "en")):
            body()

    return st.fragment(guarded)


def matrix(image: VegaChart, heatmap: Callable[[], object], key: str, lang: str) -> None:
    """A large matrix: first as one image (ui.charts.positions.matrix_image, cheap to redraw on every
    change), with a toggle under it that swaps in the Plotly heatmap (``heatmap()``, built only then:
    zoom, pan and the exact value on hover)."""
    if st.session_state.get(f"{key}.zoom"):
        plotly(heatmap(), key=key)
    else:
        chart(image, key=f"{key}.image")
        export.register(f"{key}.image", lambda: export.plotly_frame(heatmap()))  # the cells, not the picture
    st.toggle(t("matrix.zoom", lang), key=f"{key}.zoom", help=t("matrix.zoom_help", lang))


def plotly(fig, key: str, picture: Callable[[], VegaChart] | None = None) -> None:
    """Place a Plotly figure from ui.charts (a large matrix: zoom and pan, the exact value on hover) at
    the full column width, with the mode bar's tools but without Plotly's logo (in presenter mode, a copy
    with larger fonts and thicker lines). ``picture``: the same chart as a Vega-Lite matrix image, for the
    export's SVG and PNG (built only on a download; a 3-D view has none: its camera button gives a PNG)."""
    shown = presenter.projector_figure(fig) if presenter.active() else fig
    st.plotly_chart(shown, key=key, width="stretch", config={"displaylogo": False})
    export.register(key, lambda: export.plotly_frame(fig))
    if picture is not None:
        export.register_picture(key, picture)
