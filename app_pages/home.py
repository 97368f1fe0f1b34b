"""Home: every curriculum question in the suggested order of study (assets/curriculum.toml
study_order), the live lessons first as links, the ones still to come folded at the end; one search
box filters both, in either language."""
from __future__ import annotations

import streamlit as st

from tf_core import limits
from ui import curriculum
from ui.i18n import LANGS, t
from ui.params import show_notices
from ui.text import md_escape

lang = st.session_state.get("lang", "en")
other = next(code for code in LANGS if code != lang)
cur = curriculum.load()

st.title(t("app.title", lang))
st.markdown(t("home.intro", lang))
show_notices()
# Every widget of this page is keyed: the URL keeps only the language here.
for name in list(st.query_params.keys()):
    if name != "lang":
        del st.query_params[name]
st.query_params["lang"] = lang

path = cur.in_study_order()  # every question, in the suggested order of study
n_built = sum(q.built for q in path)

search_col, progress_col = st.columns([0.62, 0.38], vertical_alignment="bottom")
query = search_col.text_input(
    t("home.search", lang),
    key="home.search",
    placeholder=t("home.search_placeholder", lang),
    max_chars=limits.SEARCH_CHARS,
)
progress_col.progress(n_built / len(path), text=t("home.progress", lang, built=n_built, total=len(path)))
needle = query.strip().casefold()[: limits.SEARCH_CHARS]


def matches(q: curriculum.Question) -> bool:
    return not needle or any(needle in s.casefold() for s in (q.id, q.en, q.zh))


# A wide window keeps each question near its other-language title (the main column is ~900 px at 1366).
LIST_WIDTH = 1000
hits = [q for q in path if matches(q)]
live = [q for q in hits if q.built]
coming = [q for q in hits if not q.built]
if needle:
    count = len(hits)
    st.markdown(t("home.matches1", lang) if count == 1 else t("home.matches", lang, count=count))
if not hits:
    st.warning(t("home.no_match", lang), icon=":material/search_off:")


def question_row(q: curriculum.Question) -> None:
    """One line at 1366 px: the step number, the question in the page's language (a link once the
    lesson is live; the other language's question on hover), and the other language's short title,
    small. A link does not wrap: the title column fits the longest question. Titles are data, but
    escaped all the same."""
    with st.container(key=f"home.q.{q.id}"):
        step, title, other_title = st.columns([0.035, 0.715, 0.25], vertical_alignment="center")
        step.markdown(f"**{cur.step(q.id)}**", text_alignment="right")
        label = md_escape(q.title(lang), max_len=200)
        if q.built:
            title.page_link(
                f"app_pages/{q.page}.py",
                label=label,
                icon=":material/play_circle:",
                query_params={"q": q.id, "lang": lang},
                help=md_escape(q.title(other), max_len=200),
            )
        else:
            title.markdown(f":small[:gray[{label}]]")  # the size of a link's label, quieter
        other_title.markdown(f":small[:gray[{md_escape(q.short(other), max_len=60)}]]")


if live:
    st.subheader(t("home.live", lang))
    if len(live) < len(path):
        st.caption(t("home.steps", lang, total=len(path)))
    with st.container(key="home.live", gap=None, width=LIST_WIDTH):
        for q in live:
            question_row(q)
if coming:
    # Quiet and folded: open by itself only while a search shows what is inside.
    n_coming = len(path) - n_built  # all of them, whatever the search shows
    label = t("home.coming1", lang) if n_coming == 1 else t("home.coming", lang, count=n_coming)
    with st.expander(label, expanded=bool(needle), icon=":material/construction:"), \
            st.container(key="home.coming", gap=None, width=LIST_WIDTH):
        for q in coming:
            question_row(q)
