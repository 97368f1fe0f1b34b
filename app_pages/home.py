"""Home: a bilingual, searchable index of every curriculum question."""
from __future__ import annotations

import streamlit as st

from tf_core import limits
from ui import curriculum
from ui.i18n import LANGS, t
from ui.params import show_notices

lang = st.session_state.get("lang", "en")
other = next(code for code in LANGS if code != lang)
cur = curriculum.load()

st.title(t("app.title", lang))
st.caption(t("app.tagline", lang))
show_notices()
# Every widget of this page is keyed: the URL keeps only the language here.
for name in list(st.query_params.keys()):
    if name != "lang":
        del st.query_params[name]
st.query_params["lang"] = lang

built = [q for q in cur.questions if q.built]
st.markdown(t("home.intro", lang))
st.progress(len(built) / len(cur.questions), text=t("home.progress", lang, built=len(built), total=len(cur.questions)))

query = st.text_input(
    t("home.search", lang),
    key="home.search",
    placeholder=t("home.search_placeholder", lang),
    max_chars=limits.SEARCH_CHARS,
)
needle = query.strip().casefold()[: limits.SEARCH_CHARS]


def matches(q: curriculum.Question) -> bool:
    return not needle or any(needle in s.casefold() for s in (q.id, q.en, q.zh))


hits = [q for q in cur.questions if matches(q)]
if needle:
    st.caption(t("home.matches", lang, count=len(hits)))
if not hits:
    st.warning(t("home.no_match", lang), icon=":material/search_off:")

for name, topic in cur.topics.items():
    questions = [q for q in hits if q.page == name]
    if not questions:
        continue
    st.subheader(topic.title(lang), divider="gray")
    for q in questions:
        with st.container(key=f"home.q.{q.id}"):
            if q.built:
                st.page_link(
                    f"app_pages/{q.page}.py",
                    label=q.title(lang),
                    icon=":material/play_circle:",
                    query_params={"q": q.id, "lang": lang},
                )
            else:
                st.markdown(f":gray[:material/construction: {q.title(lang)} · *{t('home.not_built', lang)}*]")
            st.caption(f"{q.title(other)} · `{q.id}`")
