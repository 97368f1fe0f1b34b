"""Making user text safe to show.

User text (URL parameters, typed sentences, tokens) is never rendered as Markdown or HTML:
Streamlit's Markdown renders links and images, and Plotly renders tags such as <b> and <a> in
labels. These helpers neutralise both and remove control characters.
"""
from __future__ import annotations

import html
import re
import unicodedata

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def strip_controls(s: str) -> str:
    """Replace control and format characters (C0, C1, bidi overrides, ...) with U+FFFD-free '?'."""
    return "".join("?" if unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in "\t\n" else ch for ch in s)


def md_escape(s: str, max_len: int = 80) -> str:
    """User text made inert for ``st.markdown`` (every Markdown/HTML/LaTeX marker escaped).

    Long text is cut to ``max_len`` characters with an ellipsis, so a hand-edited URL cannot flood
    the page.
    """
    s = strip_controls(str(s)).replace("\n", " ")
    if len(s) > max_len:
        s = s[: max_len - 1] + "…"
    return _MD_SPECIAL.sub(r"\\\1", s)


def plotly_escape(s: str) -> str:
    """User text made inert for Plotly labels and hover text (Plotly renders a subset of HTML)."""
    return html.escape(strip_controls(str(s)), quote=True)


def num(x: float, digits: int = 3) -> str:
    """A number as a reader wants it: 3 significant digits, thousands separated, no exponent
    between 1e-4 and 1e6. The same in English and Chinese."""
    x = float(x)
    if x != x:
        return "NaN"
    ax = abs(x)
    if ax == 0:
        return "0"
    if ax >= 1e6 or ax < 1e-4:
        return f"{x:.{digits - 1}e}"
    if ax >= 10 ** (digits - 1):
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def pct(x: float, decimals: int = 0) -> str:
    """A fraction as a percentage ("7%", or "0.4%" with ``decimals=1``), the same in both languages."""
    return f"{100 * float(x):.{decimals}f}%"


def device_text(info, lang: str) -> str:
    """A tf_core.device.DeviceInfo in the page's language: "the CPU (2 threads)" / "CPU（2 个线程）",
    "the GPU NVIDIA H200" / "GPU NVIDIA H200" (a device name is not user text, but is escaped all
    the same: it lands in Markdown)."""
    from ui.i18n import t

    if info.type == "cpu":
        return t("device.cpu1" if info.threads == 1 else "device.cpu", lang, n=info.threads)
    if info.type == "cuda":
        return t("device.cuda", lang, name=md_escape(info.name, max_len=60))
    return t("device.other", lang, type=md_escape(info.type, max_len=20))
