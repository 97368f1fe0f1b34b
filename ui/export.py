"""Export, at the end of every lesson: the numbers behind each of its charts (a ZIP of CSV files), its
answer with the live numbers filled in (Markdown) and its Vega-Lite charts as pictures (a ZIP of SVG and
PNG files, drawn on the server by vl-convert from the page's own specs and data), all named after the
settings that produced them. Chinese labels need a CJK font on the server (:func:`cjk_font`); without
one the panel says so rather than exporting boxes.

The charts register what they draw while the page is built (:func:`register`, called by ui.lesson's
chart, plotly and matrix): a Vega-Lite chart its data frame as it is, a Plotly figure a function that
turns it into one (built only when a learner downloads). The files are built on the click, not on every
rerun (``st.download_button`` with a callable), inside an expander whose content exists only while it is
open, so a lesson that nobody exports pays nothing for it.
"""
from __future__ import annotations

import functools
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
SPECS = "_export.specs"  # session_state: chart key -> (its Vega-Lite spec, the data it draws): Vega-Lite charts only
PICTURE_WIDTH = 720  # px: the plot of a chart that fills its column on the page (its spec sets no width)
PICTURE_SCALE = 2  # a PNG at twice the screen's resolution: sharp on a slide
# font files with Chinese characters, by name (Noto/Source Han, WenQuanYi, Droid fallback, Windows, macOS)
_CJK_FONT = re.compile(r"cjk|sourcehan|wqy|wenquanyi|droidsansfallback|msyh|simhei|simsun|pingfang|hiragino|notosanssc|notoserifsc",
                       re.IGNORECASE)
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts", "/Library/Fonts",
              "/System/Library/Fonts", "C:/Windows/Fonts")
MAX_NAME = 120  # characters of the settings in a file name (the rest are in the file)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads a cell starting so as a formula


def start() -> None:
    """Forget the charts of the previous run (ui.lesson.open_page calls it before a lesson is drawn)."""
    st.session_state[REGISTRY] = {}
    st.session_state[SPECS] = {}


def register(key: str, data: pd.DataFrame | Callable[[], pd.DataFrame], spec: dict | None = None) -> None:
    """A chart the page drew: its numbers for the CSV (a frame, or a function that builds one) and, for a
    Vega-Lite chart, its spec with the frame it draws, for the pictures (references to what the page already
    holds, not copies). A second call without a spec replaces the CSV's numbers only (ui.lesson.matrix: the
    cells of the matrix rather than the image it draws)."""
    st.session_state.setdefault(REGISTRY, {})[key] = data
    if spec is not None:
        st.session_state.setdefault(SPECS, {})[key] = (spec, data)


def register_picture(key: str, build: Callable[[], object]) -> None:
    """A picture for a chart the page drew with Plotly: ``build()`` returns the same matrix as a Vega-Lite
    VegaChart (ui.charts.positions.matrix_image), built only when the learner downloads the pictures."""
    st.session_state.setdefault(SPECS, {})[key] = build


@functools.cache
def cjk_font() -> bool:
    """Whether the server has a font with Chinese characters (vl-convert draws with the system's fonts)."""
    from pathlib import Path

    for folder in _FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir() and any(_CJK_FONT.search(p.name) for p in root.rglob("*") if p.suffix.lower() in (".ttf", ".otf", ".ttc")):
            return True
    return False


def picture_spec(spec: dict, data: pd.DataFrame) -> dict:
    """The spec with its data inline, for drawing outside the browser. A chart that fills its column on the
    page (no width of its own) gets PICTURE_WIDTH."""
    import json

    out = dict(spec)
    out["data"] = {"values": json.loads(data.to_json(orient="records", date_format="iso"))}
    if "width" not in out and not any(k in out for k in ("hconcat", "vconcat", "concat", "facet")):
        out["width"] = PICTURE_WIDTH
    return out


def pictures_zip(specs: Mapping[str, object], about: str, lang: str) -> bytes:
    """A ZIP of every Vega-Lite chart (key -> (spec, data)) as SVG and PNG (vl-convert, on the server), with
    README.txt holding ``about`` and the charts that could not be drawn, if any (one chart that fails does
    not lose the others)."""
    import vl_convert as vlc

    buf, failed = io.BytesIO(), []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for key, entry in specs.items():
            name = _UNSAFE.sub("-", key)
            try:
                if callable(entry):  # a Plotly chart's picture, built now (register_picture)
                    built = entry()
                    entry = (built.spec, built.data)
                full = picture_spec(*entry)
                z.writestr(f"{name}.svg", vlc.vegalite_to_svg(full))
                z.writestr(f"{name}.png", vlc.vegalite_to_png(full, scale=PICTURE_SCALE))
            except Exception as e:  # noqa: BLE001 - one chart that cannot be drawn is named, the rest are kept
                failed.append(t("export.picture_failed", lang, name=name, reason=str(e)[:200]))
        z.writestr("README.txt", "\n".join([about, *failed]) + "\n")
    return buf.getvalue()


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
        left, middle, right = st.columns(3)
        left.download_button(t("export.csv", lang), data=lambda: zip_bytes(charts, about), file_name=f"{name}.zip",
                             mime="application/zip", key=f"{qid}.export.csv", icon=":material/table:", on_click="ignore",
                             disabled=not charts)
        middle.download_button(t("export.card", lang), data=lambda: card_markdown(qid, sections, lang, about),
                               file_name=f"{name}.md", mime="text/markdown", key=f"{qid}.export.md",
                               icon=":material/description:", on_click="ignore")
        specs = dict(st.session_state.get(SPECS, {}))
        if lang == "zh" and not cjk_font():
            right.info(t("export.no_cjk_font", lang), icon=":material/font_download_off:")
        else:
            right.download_button(t("export.pictures", lang), data=lambda: pictures_zip(specs, about, lang),
                                  file_name=f"{name}_pictures.zip", mime="application/zip", key=f"{qid}.export.pictures",
                                  icon=":material/image:", on_click="ignore", disabled=not specs,
                                  help=t("export.pictures_help", lang))
