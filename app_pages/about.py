"""About: the pretrained models the app reads, where they come from, their licences."""
from __future__ import annotations

import streamlit as st

from tf_core.models.catalog import MODELS
from ui.i18n import t
from ui.text import md_escape

lang = st.session_state.get("lang", "en")
st.title(t("about.title", lang))
st.markdown(t("about.intro", lang))

st.subheader(t("about.models", lang), divider="gray")
for m in MODELS.values():
    with st.container(border=True, key=f"about.model.{m.key}"):
        st.markdown(f"**{md_escape(m.name)}**")
        architecture = m.architecture_zh if lang == "zh" else m.architecture
        rows = [
            (t("about.col.architecture", lang), md_escape(architecture, max_len=300)),
            (t("about.col.package", lang), f"`{m.pip_name}`"),
            (t("about.col.licence", lang), md_escape(m.licence)),
            (t("about.col.here", lang), t("about.yes", lang) if m.installed() else t("about.no", lang)),
            (t("about.col.upstream", lang), f"[{md_escape(m.upstream)}]({m.upstream})"),
        ]
        st.markdown("\n".join(f"- {label}: {value}" for label, value in rows))
missing = [m.pip_name for m in MODELS.values() if not m.installed()]
if missing:
    st.info(t("about.missing", lang, names=", ".join(missing)))
