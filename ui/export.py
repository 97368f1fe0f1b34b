"""Export, at the end of every lesson: the numbers behind each of its charts (a ZIP of CSV files) and its
answer with the live numbers filled in (Markdown), both named after the settings that produced them.

The charts register what they draw while the page is built (:func:`register`, called by ui.lesson's
chart, plotly and matrix): a Vega-Lite chart its data frame as it is, a Plotly figure a function that
turns it into one (built only when a learner downloads). The files are built on the click, not on every
rerun (``st.download_button`` with a callable), inside an expander whose content exists only while it is
open, so a lesson that nobody exports pays nothing for it.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import streamlit as st

from ui import qa
from ui.i18n import t

REGISTRY = "_export.charts"  # session_state: chart key -> DataFrame, or a function returning one
MAX_NAME = 120  # characters of the settings in a file name (the rest are in the file)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads a cell starting so as a formula


def start() -> None:
    """Forget the charts of the previous run (ui.lesson.open_page calls it before a lesson is drawn)."""
    st.session_state[REGISTRY] = {}


def register(key: str, data: pd.DataFrame | Callable[[], pd.DataFrame]) -> None:
    st.session_state.setdefault(REGISTRY, {})[key] = data


def settings_name(qid: str, query: Mapping[str, str]) -> str:
    """A file name stem for a lesson at these URL settings: the id, then name-value pairs, only
    letters, digits, dot, dash and underscore, at most MAX_NAME characters after the id.

        >>> settings_name("scaling", {"q": "scaling", "lang": "zh", "dk": "64", "text": "a b/<c>"})
        'scaling_lang-zh_dk-64_text-a-b-c'
    """
    pairs = "_".join(f"{k}-{v}" for k, v in query.items() if k != "q")
    return f"{qid}_{_UNSAFE.sub('-', pairs).strip('-')[:MAX_NAME]}".rstrip("_-")


def safe_cell(value):
    """A text cell a spreadsheet would run as a formula (``=cmd|...``, ``@SUM(...)``, ``-2+3``) gets a
    leading apostrophe; numbers and other text are kept as they are (CSV injection, OWASP).

        >>> [safe_cell(v) for v in ("=1+1", "-x", "-0.5", "token", 3)]
        ["'=1+1", "'-x", '-0.5', 'token', 3]
    """
    if isinstance(value, str) and value.startswith(_FORMULA):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def csv_text(frame: pd.DataFrame) -> str:
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(safe_cell)
    return frame.to_csv(index=False, lineterminator="\n")


def plotly_frame(fig) -> pd.DataFrame:
    """The numbers a Plotly figure draws, one row per point or cell: a heatmap's (trace, y, x, z) with
    its rows and columns as the axes name them, a 3-D or 2-D trace's coordinates."""
    rows = []
    for i, trace in enumerate(fig.data):
        name = trace.name or f"trace {i}"
        z = getattr(trace, "z", None)
        if trace.type == "heatmap":
            z = np.asarray(z, dtype=float)
            ys = np.asarray(trace.y) if trace.y is not None else np.arange(z.shape[0])
            xs = np.asarray(trace.x) if trace.x is not None else np.arange(z.shape[1])
            r, c = np.indices(z.shape)
            rows.append(pd.DataFrame({"trace": name, "y": ys[r.ravel()], "x": xs[c.ravel()], "value": z.ravel()}))
        else:
            cols = {axis: np.asarray(getattr(trace, axis)) for axis in ("x", "y", "z")
                    if getattr(trace, axis, None) is not None}
            rows.append(pd.DataFrame({"trace": name, **cols}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def zip_bytes(charts: Mapping[str, object], about: str) -> bytes:
    """A ZIP of one CSV per chart (its key as the file name) and README.txt holding ``about``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("README.txt", about)
        for key, data in charts.items():
            frame = data() if callable(data) else data
            z.writestr(f"{_UNSAFE.sub('-', key)}.csv", csv_text(frame))
    return buf.getvalue()


def card_markdown(qid: str, sections: Mapping[str, str], lang: str, about: str) -> str:
    """The lesson's answer, every section with its live numbers, as one Markdown file."""
    card = qa.load(qid, lang)
    from ui import curriculum

    q = curriculum.load().get(qid)
    head = f"# {q.title(lang) if q else qid}\n\n> {about}\n"
    return head + "".join(f"\n## {card.titles[sid]}\n\n{body.strip()}\n" for sid, body in sections.items() if sid in card.titles)


def about_text(qid: str, query: Mapping[str, str], lang: str, base: str | None = None) -> str:
    """Where the files come from: the lesson, its settings, and the link that opens it again (at the
    address the learner's browser reached the app by, ``base``, when the page knows it)."""
    from urllib.parse import urlencode

    settings = ", ".join(f"{k} = {v}" for k, v in query.items() if k not in ("q", "lang"))
    link = f"{base.rstrip('/')}?" if base else "?"
    return t("export.about", lang, qid=qid, settings=settings or "—", link=link + urlencode(dict(query)))


def section(qid: str, sections: Mapping[str, str], lang: str) -> None:
    """The lazy expander with the two downloads (ui.lesson.finish places it after the code)."""
    box = st.expander(t("export.title", lang), key=f"{qid}.export", icon=":material/download:", on_change="rerun")
    if not box.open:
        return
    query = dict(st.query_params)
    name, about = settings_name(qid, query), about_text(qid, query, lang, st.context.url)
    charts = dict(st.session_state.get(REGISTRY, {}))
    with box:
        st.markdown(t("export.intro", lang, n=len(charts)))
        left, right = st.columns(2)
        left.download_button(t("export.csv", lang), data=lambda: zip_bytes(charts, about), file_name=f"{name}.zip",
                             mime="application/zip", key=f"{qid}.export.csv", icon=":material/table:", on_click="ignore",
                             disabled=not charts)
        right.download_button(t("export.card", lang), data=lambda: card_markdown(qid, sections, lang, about),
                              file_name=f"{name}.md", mime="text/markdown", key=f"{qid}.export.md",
                              icon=":material/description:", on_click="ignore")
