"""Presenter mode, for a teacher at a projector: ``?present=1`` on any lesson's address.

What changes (and only while the switch is in the address, so a shared link carries it):
- the page: larger text, the sidebar hidden, the card's prose folded away; what is left is the question,
  the headline figures, the controls and the charts (ui.lesson.answer and finish);
- the charts: every Vega-Lite and Plotly chart's fonts ×1.4 and lines ×1.6, and the palette's two light
  colours (sky blue, yellow: they wash out on a projector) swapped for darker ones (:func:`projector_spec`,
  :func:`projector_figure`);
- a slide bar under the title: pin the current experiment (lesson and settings) as a slide, step
  through the pinned slides, show a slide's address as a QR code for students' phones.

The slides live in the address too, as ``deck``: a URL-safe base64 of a JSON list of slides, each the
query of one lesson's deep link (``{"q": "scaling", "dk": "512", ...}``). A slide names a lesson and its
settings, never a host or a path: a hand-edited deck is read slide by slide, and whatever is not a built
lesson of this app with short text settings is dropped with a notice (:func:`read_deck`).
"""
from __future__ import annotations

import base64
import binascii
import copy
import io
import json
from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st

from ui import curriculum
from ui.i18n import t
from ui.params import add_notice

PRESENT, DECK = "present", "deck"
GLOBAL = (PRESENT, DECK)  # address parameters that belong to the app, not to a lesson: kept by every page
MAX_SLIDES = 40
MAX_DECK_CHARS = 6_000  # the deck in the address: 40 slides of a few settings each fit, a pasted document does not
MAX_VALUE_CHARS = 200  # one setting of a slide (a lesson's own text cap applies when the slide is opened)
FONT_SCALE, LINE_SCALE = 1.4, 1.6
# Okabe-Ito's light colours and their darker neighbours: sky blue -> blue, yellow -> orange-brown
PROJECTOR_COLOURS = {"#56B4E9": "#0072B2", "#F0E442": "#B8860B"}

# larger text (not a CSS zoom of the page: Vega sizes a chart from its column's width and a zoomed
# chart ran past the screen's edge at 1280x720); the charts' own fonts come from projector_spec
_STYLE = """<style>
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.3rem; }
[data-testid="stWidgetLabel"] p, [data-testid="stMetricLabel"] p { font-size: 1.15rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p, [data-testid="stMetricValue"] div { font-size: 2.2rem !important; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
h1 { font-size: 2.4rem !important; }
[class*="st-key-lesson-figures"] [data-testid="stMetricValue"],
[class*="st-key-lesson-figures"] [data-testid="stMetricValue"] * { font-size: 1.6rem !important; white-space: normal !important; }
[data-testid="stSliderThumbValue"] { transform: translateY(-0.5rem); }
[data-testid="stSlider"] { padding-top: 0.5rem; }
</style>"""


def active() -> bool:
    return st.query_params.get(PRESENT) == "1"


def style() -> None:
    """The presenter's page style (a constant: no learner text reaches it)."""
    if active():
        st.html(_STYLE)


def projector_spec(spec: dict) -> dict:
    """A copy of a Vega-Lite spec for a projector: every font size ×FONT_SCALE (the config's and the
    marks'), every mark's stroke width ×LINE_SCALE and point size ×LINE_SCALE², the light palette
    colours darker. The cached spec is not touched.

        >>> s = projector_spec({"mark": {"type": "line", "strokeWidth": 2}, "config": {"axis": {"labelFontSize": 13}},
        ...                     "encoding": {"color": {"scale": {"range": ["#56B4E9", "#000000"]}}}})
        >>> s["mark"]["strokeWidth"], s["config"]["axis"]["labelFontSize"], s["encoding"]["color"]["scale"]["range"]
        (3.2, 18.2, ['#0072B2', '#000000'])
    """
    out = copy.deepcopy(spec)

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    if key.endswith("FontSize") or key == "fontSize":
                        node[key] = round(value * FONT_SCALE, 1)
                    elif key == "strokeWidth":
                        node[key] = round(value * LINE_SCALE, 1)
                    elif key == "size" and node.get("type") in ("point", "circle", "square"):
                        node[key] = round(value * LINE_SCALE ** 2, 1)
                elif isinstance(value, str) and value in PROJECTOR_COLOURS:
                    node[key] = PROJECTOR_COLOURS[value]
                else:
                    walk(value)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, str) and value in PROJECTOR_COLOURS:
                    node[i] = PROJECTOR_COLOURS[value]
                else:
                    walk(value)

    walk(out)
    config = out.setdefault("config", {})
    config.setdefault("line", {}).setdefault("strokeWidth", round(2 * LINE_SCALE, 1))  # marks that set none
    return out


def projector_figure(fig):
    """A copy of a Plotly figure for a projector, as :func:`projector_spec` for Vega-Lite: every font size
    ×FONT_SCALE (the layout's default font, axis ticks and titles, colour bars, hover labels), every line
    width ×LINE_SCALE, the light palette colours darker. The figure given is not touched.

        >>> import plotly.graph_objects as go
        >>> f = projector_figure(go.Figure(go.Scatter(y=[1, 2], line={"width": 2, "color": "#56B4E9"}),
        ...                                layout={"font": {"size": 13}, "xaxis": {"tickfont": {"size": 12}}}))
        >>> f.layout.font.size, f.layout.xaxis.tickfont.size, f.data[0].line.width, f.data[0].line.color
        (18.2, 16.8, 3.2, '#0072B2')
    """
    import plotly.graph_objects as go

    out = fig.to_dict()

    def walk(node, parent: str = ""):
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    if key == "size" and parent.endswith("font"):
                        node[key] = round(value * FONT_SCALE, 1)
                    elif key == "width" and parent == "line":
                        node[key] = round(value * LINE_SCALE, 1)
                elif isinstance(value, str) and value in PROJECTOR_COLOURS:
                    node[key] = PROJECTOR_COLOURS[value]
                else:
                    walk(value, key)
        elif isinstance(node, list):
            for value in node:
                walk(value, parent)

    walk(out)
    layout = out.setdefault("layout", {})
    font = layout.setdefault("font", {})
    font.setdefault("size", round(12 * FONT_SCALE, 1))  # Plotly's default, where a figure sets none
    return go.Figure(out)


# --- the deck -----------------------------------------------------------------------------------------
def encode_deck(slides: list[dict[str, str]]) -> str:
    raw = json.dumps(slides, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def read_deck(text: str | None, lang: str = "en") -> list[dict[str, str]]:
    """The slides of a ``deck`` value: each a dict of short text settings with ``q`` a built lesson.
    What cannot be read (not base64, not JSON, not a list, too long) gives no slides; a slide that is not
    one is left out; each case adds a notice in ``lang``."""
    if not text:
        return []
    if len(text) > MAX_DECK_CHARS:
        add_notice(t("present.deck_long", lang, cap=MAX_DECK_CHARS))
        return []
    try:
        slides = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        add_notice(t("present.deck_bad", lang))
        return []
    if not isinstance(slides, list):
        add_notice(t("present.deck_bad", lang))
        return []
    cur, kept = curriculum.load(), []
    for slide in slides[:MAX_SLIDES]:
        q = cur.get(slide.get("q")) if isinstance(slide, dict) and isinstance(slide.get("q"), str) else None
        if q is None or not q.built or not all(isinstance(k, str) and isinstance(v, str) and len(v) <= MAX_VALUE_CHARS
                                                for k, v in slide.items()):
            continue
        kept.append({k: v for k, v in slide.items() if k not in GLOBAL and k != "lang"})
    dropped = min(len(slides), MAX_SLIDES) - len(kept) + max(0, len(slides) - MAX_SLIDES)
    if dropped:
        add_notice(t("present.slides_dropped", lang, n=dropped))
    return kept


def slide_link(base: str | None, slide: Mapping[str, str], lang: str, deck: str) -> str:
    """The address of a slide: the app's address as the browser reached it (``base``), the slide's
    settings, the language and presenter mode with the deck (a student's phone opens the same state)."""
    query = urlencode({**slide, "lang": lang, PRESENT: "1", DECK: deck})
    return f"{base.rstrip('/')}?{query}" if base else f"?{query}"


def qr_png(text: str) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=6, border=2)
    return buf.getvalue()


def _go(slide: Mapping[str, str], lang: str, deck: str) -> None:
    q = curriculum.load().get(slide["q"])
    st.switch_page(f"app_pages/{q.page}.py", query_params={**slide, "lang": lang, PRESENT: "1", DECK: deck})


def bar(qid: str, params: tuple, lang: str) -> None:
    """The slide bar (presenter mode only): pin, previous, position, next, QR code, leave. ``params``:
    the lesson's parameters, whose current values (not the address, which a rerun updates only at its
    end) make the slide."""
    if not active():
        return
    deck_text = st.query_params.get(DECK, "")
    slides = read_deck(deck_text, lang)
    here = {"q": qid, **{p.name: p.to_url(st.session_state[p.key(qid)]) for p in params}}
    at = next((i for i, s in enumerate(slides) if s == here), None)
    pin, prev, where, nxt, qr, leave = st.columns([3, 2, 2, 2, 2, 2], vertical_alignment="center", gap="small")
    if pin.button(t("present.pin", lang), key=f"{qid}.present.pin", icon=":material/push_pin:", disabled=at is not None
                  or len(slides) >= MAX_SLIDES, help=t("present.pin_help", lang, cap=MAX_SLIDES)):
        slides = [*slides, here]
        at = len(slides) - 1
        st.query_params[DECK] = deck_text = encode_deck(slides)
    where.markdown(t("present.where", lang, i=at + 1, n=len(slides)) if at is not None
                   else t("present.off_deck", lang, n=len(slides)))
    before = slides[at - 1] if at is not None and at > 0 else (slides[-1] if at is None and slides else None)
    after = slides[at + 1] if at is not None and at + 1 < len(slides) else (slides[0] if at is None and slides else None)
    if prev.button(t("present.prev", lang), key=f"{qid}.present.prev", icon=":material/arrow_back:", disabled=before is None):
        _go(before, lang, deck_text)
    if nxt.button(t("present.next", lang), key=f"{qid}.present.next", icon=":material/arrow_forward:", disabled=after is None):
        _go(after, lang, deck_text)
    show_qr = qr.toggle(t("present.qr", lang), key=f"{qid}.present.qr")
    if leave.button(t("present.leave", lang), key=f"{qid}.present.leave", icon=":material/close_fullscreen:"):
        del st.query_params[PRESENT]
        st.rerun()
    if show_qr:
        link = slide_link(st.context.url, here, lang, deck_text)
        left, right = st.columns([1, 3], vertical_alignment="center")
        left.image(qr_png(link), width=220)
        right.code(link, language=None, wrap_lines=True)
