"""The sidebar: the language switch (for every page) and the device (on pages that compute)."""
from __future__ import annotations

import streamlit as st

from ui.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, t
from ui.params import add_notice
from ui.text import device_text, md_escape

LANG_KEY = "lang"


def init_language() -> str:
    """The language of this session: from ``?lang=`` on the first run, then from the switch."""
    if LANG_KEY not in st.session_state:
        raw = st.query_params.get("lang")
        if raw in LANGS:
            st.session_state[LANG_KEY] = raw
        else:
            st.session_state[LANG_KEY] = DEFAULT_LANG
            if raw is not None:
                add_notice(t("notice.bad_lang", DEFAULT_LANG, value=md_escape(raw, max_len=16)))
    return st.session_state[LANG_KEY]


def language_switch() -> str:
    """Draw the switch. Its label names both languages so it never changes with the language."""
    st.sidebar.radio(
        "Language · 语言",
        LANGS,
        key=LANG_KEY,
        format_func=LANG_NAMES.__getitem__,
        horizontal=True,
    )
    return st.session_state[LANG_KEY]


def show_device(lang: str) -> None:
    """Name the device the lesson computes on (imports torch: call it only on lesson pages)."""
    from tf_core.device import describe

    info = describe()
    if info.type == "cpu":
        st.sidebar.caption(t("sidebar.cpu", lang, n=info.threads, heavy=info.job_threads))
    else:
        st.sidebar.caption(t("sidebar.device", lang, device=device_text(info, lang)))
