"""Transformer Details Lab: the entry point (``streamlit run app.py``).

Sets up the page, the language, the navigation over the topic pages that exist, and routes a deep
link ``?q=<curriculum id>`` to the page holding that question, from the site root or any page.
Imports nothing heavy: torch is loaded only by the lesson pages that compute.

The pages live in app_pages/, not pages/: Streamlit treats a folder named pages/ next to the main
script as a legacy (v1) multipage app, and a fresh server's first visitor on a deep link such as
/scaling would get that page run without this file (no language switch, no navigation).
"""
from __future__ import annotations

import streamlit as st

from ui import curriculum, failover, failures
from ui.i18n import t
from ui.params import add_notice
from ui.perf import freeze_heap, start_trimmer
from ui.sidebar import init_language, language_switch
from ui.text import md_escape

st.set_page_config(page_title="Transformer Details Lab", page_icon=":material/neurology:", layout="wide")

lang = init_language()
cur = curriculum.load()

home = st.Page("app_pages/home.py", title=t("nav.home", lang), icon=":material/list_alt:", default=True)
lesson_pages = {
    name: st.Page(f"app_pages/{name}.py", title=topic.title(lang), icon=topic.icon, url_path=name)
    for name, topic in cur.topics.items()
    if topic.exists
}
drill_page = st.Page("app_pages/drill.py", title=t("nav.drill", lang), icon=":material/quiz:", url_path="drill")
breakit_page = st.Page("app_pages/breakit.py", title=t("nav.breakit", lang), icon=":material/build:", url_path="break-it")
about = st.Page("app_pages/about.py", title=t("nav.about", lang), icon=":material/info:", url_path="about")
# expanded: every page listed (past ten, Streamlit folds the rest under its own "View N more", English
# on a Chinese page too)
page = st.navigation([home, drill_page, breakit_page, *lesson_pages.values(), about], expanded=True)
language_switch()

# Deep link: ?q=<id> opens the page holding that question, wherever the link points.
raw_q = st.query_params.get("q")
if raw_q is not None:
    question = cur.get(raw_q)
    if question is None or not question.built or question.page not in lesson_pages:
        if question is None:
            add_notice(t("notice.unknown_question", lang, value=md_escape(raw_q, max_len=40)))
        else:
            add_notice(t("notice.not_built", lang, title=question.title(lang)))
        del st.query_params["q"]
        if page.url_path != home.url_path:
            st.switch_page(home)
    else:
        target = lesson_pages[question.page]
        if page.url_path != target.url_path:
            st.switch_page(target, query_params=dict(st.query_params))

freeze_heap("app")  # what every page imports; see ui/perf.py
start_trimmer()  # the heap's free pages back to the system every few seconds (ui/perf.py)
failover.install()  # after a replica stops, the first control moved on the next one reruns the page (ui/failover.py)
# A model that cannot be read or a run out of memory ends the page with a message in the learner's language
# (ui/failures.py), below the navigation and the sidebar, which keep working; a lesson's body has its own guard
# (ui.lesson.fragment) for the reruns that skip this file.
with failures.guard(lang):
    page.run()
