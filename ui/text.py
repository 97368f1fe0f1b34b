"""Making user text safe to show.

User text (URL parameters, typed sentences, tokens) is never rendered as Markdown or HTML:
Streamlit's Markdown renders links and images, and Plotly renders tags such as <b> and <a> in
labels. These helpers neutralise both and remove control characters.
"""
from __future__ import annotations

import html
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

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


# Code points the app's fonts draw (Latin, Greek, Cyrillic, punctuation and symbols, CJK, kana, hangul,
# full-width forms): a vocabulary piece outside them (Bengali, Tibetan, Thai, ...) is shown with its code
# points too, so a learner whose browser has no font for it still reads which character it is.
_DRAWN = ((0x0000, 0x052F), (0x1E00, 0x1FFF), (0x2000, 0x2BFF), (0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
          (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))


def with_code_points(piece: str) -> str:
    """A token's piece as plain text, with ``(U+09AF ...)`` after it when it holds characters outside the
    scripts in _DRAWN (at most 4 listed); controls replaced as in strip_controls."""
    piece = strip_controls(str(piece))
    odd = [ch for ch in piece if not any(lo <= ord(ch) <= hi for lo, hi in _DRAWN)]
    if not odd:
        return piece
    shown = " ".join(f"U+{ord(ch):04X}" for ch in odd[:4]) + (" …" if len(odd) > 4 else "")
    return f"{piece} ({shown})"


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


def speed_verdict(key: str, ratio: float, lang: str) -> str:
    """A measured speed ratio in words: the UI string ``{key}.faster``, ``{key}.same`` or
    ``{key}.slower`` (tf_core.device.speed_change) with the ratio as ``{x}`` ("1.23"); "—" when the
    ratio was not measured. One rule for every page that times two ways of doing the same work."""
    import math

    from tf_core.device import speed_change
    from ui.i18n import t

    if not math.isfinite(ratio):
        return "—"
    return t(f"{key}.{speed_change(ratio)}", lang, x=f"{ratio:.2f}")


# What num() and f"{n:,}" write: "1,234", "0.5", ".5", "2.24e-17", "NaN"; not "7%", "e5", "".
_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?|[-+]?\.\d+([eE][-+]?\d+)?|NaN|nan")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SPOKEN = {  # lang -> (exactly zero, "about" prefix, large units from the largest down)
    "en": ("exactly 0", "about ", ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"))),
    "zh": ("恰好为 0", "约 ", ((1e12, " 万亿"), (1e8, " 亿"), (1e4, " 万"))),
}


def _two_figures(x: float) -> Decimal:
    """``x`` (> 0) rounded to 2 significant figures, halves up (12.5 -> 13, as said aloud)."""
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(math.floor(math.log10(x)) - 1), rounding=ROUND_HALF_UP)


def spoken(x: float | str, lang: str) -> str:
    """A number as a candidate would say it aloud (the ``{{name|say}}`` filter of the cards).

    ``x`` is a number or a string that ``num`` (or ``f"{n:,}"``) formatted; anything else (a
    percentage, a word, "L0 H3", "—") comes back unchanged. The rules, the same in both languages:

    - 2 significant figures, said with "about" ("约") when that rounding changed the value;
    - an exact zero is "exactly 0" ("恰好为 0"): a measured zero is the point of several lessons;
    - a magnitude under 10⁻³ (but not 0) is its nearest power of ten, never a rounded "0";
    - millions and up in words (en), 万 and 亿 (zh); from 10¹⁵ the power of ten;
    - NaN stays "NaN".

    Exact values stay where they are (tables, tooltips, the full answer).

    >>> [spoken(v, "en") for v in (0.9871, "0.5", "1,234", "64", "0.0", "2.24e-17", "9.9e-17")]
    ['about 0.99', '0.5', 'about 1,200', '64', 'exactly 0', 'about 10⁻¹⁷', 'about 10⁻¹⁶']
    >>> [spoken(v, "zh") for v in (0.9871, 0, "2.24e-17", "1,572,864", 12_000, "NaN")]
    ['约 0.99', '恰好为 0', '约 10⁻¹⁷', '约 160 万', '1.2 万', 'NaN']
    >>> [spoken(v, "en") for v in ("7%", "L0 H3", "—", "1.57e+06", -0.0123, 3e16)]
    ['7%', 'L0 H3', '—', 'about 1.6 million', 'about -0.012', 'about 10¹⁶']
    """
    if lang not in _SPOKEN:
        raise ValueError(f"no spoken numbers for language {lang!r}")
    zero, about, units = _SPOKEN[lang]
    if isinstance(x, str):
        text = x.strip()
        if not _NUMBER.fullmatch(text):
            return x
        value = float(text.replace(",", ""))
    else:
        value = float(x)
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return zero
    if not math.isfinite(value):
        return x if isinstance(x, str) else str(value)
    sign, ax = ("-" if value < 0 else ""), abs(value)
    if ax < 1e-3 or ax >= 1e15:
        power = round(math.log10(ax))
        return f"{about}{sign}10{str(power).translate(_SUPERSCRIPT)}"
    rounded = _two_figures(ax)
    size, word = next(((size, word) for size, word in units if rounded >= size), (1, ""))
    said = f"{(rounded / Decimal(size)).normalize():,f}"  # 1,200 / 1.6 million / 160 万, no exponent
    return f"{'' if rounded == Decimal(repr(ax)) else about}{sign}{said}{word}"
