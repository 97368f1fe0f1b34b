"""Lesson settings that live in the URL, so that a pasted link reproduces the same picture.

A lesson declares its parameters (name, range from tf_core.limits, optional slider positions).
On a page's first run the widgets' session state is seeded from the URL, each value validated:
a bad value falls back to the default and a value out of range is clamped, each with a short
notice, never an error. Every run writes the current settings back to the URL.

Widget keys are "<lesson>.<name>"; the URL uses the bare name (``?q=scaling&dk=64``).
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import streamlit as st

from tf_core.limits import FloatRange, IntRange
from ui.i18n import t
from ui.text import md_escape

NOTICES_KEY = "_notices"
# Characters that reorder the text around them when displayed (a "Trojan source" trick).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
GLOBAL_PARAMS = ("q", "lang", "present", "deck")  # the last two: presenter mode (ui/presenter.py)


@dataclass(frozen=True)
class Param:
    """One setting: its URL name, its range, and optionally the only values its slider offers."""

    name: str
    bounds: IntRange | FloatRange
    options: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.options is not None:
            if self.bounds.default not in self.options:
                raise ValueError(f"{self.name}: default is not one of the options")
            if not all(self.bounds.lo <= o <= self.bounds.hi for o in self.options):
                raise ValueError(f"{self.name}: an option lies outside the limits")

    @property
    def default(self):
        return self.bounds.default

    def default_for(self, lang: str):
        return self.default

    @property
    def is_int(self) -> bool:
        return isinstance(self.bounds, IntRange)

    def key(self, lesson: str) -> str:
        return f"{lesson}.{self.name}"

    def to_url(self, value) -> str:
        return str(int(value)) if self.is_int else f"{float(value):g}"

    def parse(self, raw: str, lang: str) -> tuple[float, str | None]:
        """The value a URL string asks for, and a notice when it had to be changed."""
        shown = md_escape(raw, max_len=24)
        try:
            value = float(raw)
            if not math.isfinite(value) or (self.is_int and value != int(value)):
                raise ValueError
        except ValueError:
            return self.default, t("notice.bad_value", lang, name=self.name, value=shown, used=self.default)
        value = int(value) if self.is_int else value
        lo, hi = self.bounds.lo, self.bounds.hi
        if not lo <= value <= hi:
            used = self.bounds.clamp(value)
            if self.options is not None:
                used = min(self.options, key=lambda o: abs(o - used))
            return used, t("notice.clamped", lang, name=self.name, value=shown, lo=lo, hi=hi, used=used)
        if self.options is not None and value not in self.options:
            used = min(self.options, key=lambda o: (abs(math.log(o) - math.log(value)), o))
            return used, t("notice.snapped", lang, name=self.name, value=shown, used=used)
        return value, None


@dataclass(frozen=True)
class LangParam(Param):
    """A Param whose default depends on the language (a position in a default prompt, which differs
    by language)."""

    by_lang: tuple[tuple[str, int], ...] = ()

    def default_for(self, lang: str):
        return dict(self.by_lang).get(lang, self.default)


AUTO = -1  # an AutoParam's "auto": the lesson picks the value by its stated rule


@dataclass(frozen=True)
class AutoParam(Param):
    """An index (a layer, a head) whose default is "auto": the lesson picks it from the current
    input by a rule it states on the page. Held as AUTO (-1) in the widget state, "auto" in the URL
    (a number there is an index, checked as any Param's)."""

    def to_url(self, value) -> str:
        return "auto" if int(value) == AUTO else super().to_url(value)

    def parse(self, raw: str, lang: str) -> tuple[float, str | None]:
        return (AUTO, None) if raw == "auto" else super().parse(raw, lang)


@dataclass(frozen=True)
class TextParam:
    """A piece of the learner's text (a sentence): control characters removed, at most
    ``max_chars`` characters (cut with a notice), a default sentence per language."""

    name: str
    max_chars: int
    defaults: tuple[tuple[str, str], ...]  # ((lang, sentence), ...)
    multiline: bool = False  # keep line breaks (one sentence per line); else they become spaces

    def default_for(self, lang: str) -> str:
        table = dict(self.defaults)
        return table.get(lang, table["en"])

    def key(self, lesson: str) -> str:
        return f"{lesson}.{self.name}"

    def to_url(self, value) -> str:
        return str(value)

    def clean(self, raw: str) -> tuple[str, bool]:
        """The text without control characters and bidirectional overrides (whitespace controls
        become spaces; the zero-width joiners inside emoji stay), and whether it was cut."""
        raw = str(raw)
        if self.multiline:
            raw = raw.replace("\r\n", "\n").replace("\r", "\n")
        keep = "\n" if self.multiline else ""
        text = "".join(
            ch if ch in keep else " " if ch in "\t\n\r\v\f" else
            "" if unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS else ch
            for ch in raw
        )
        return (text[: self.max_chars], True) if len(text) > self.max_chars else (text, False)

    def parse(self, raw: str, lang: str) -> tuple[str, str | None]:
        text, cut = self.clean(raw)
        return text, (t("notice.text_cut", lang, name=self.name, hi=self.max_chars) if cut else None)


@dataclass(frozen=True)
class ChoiceParam:
    """One of a few named options (a model, a mode)."""

    name: str
    options: tuple[str, ...]
    default: str

    def __post_init__(self) -> None:
        if self.default not in self.options:
            raise ValueError(f"{self.name}: default is not one of the options")

    def default_for(self, lang: str) -> str:
        return self.default

    def key(self, lesson: str) -> str:
        return f"{lesson}.{self.name}"

    def to_url(self, value) -> str:
        return str(value)

    def parse(self, raw: str, lang: str) -> tuple[str, str | None]:
        if raw in self.options:
            return raw, None
        return self.default, t("notice.bad_value", lang, name=self.name, value=md_escape(raw, max_len=24),
                               used=self.default)


@dataclass(frozen=True)
class MultiChoiceParam:
    """Any subset of a few named options (which series a chart draws), kept in the options' order. In
    the URL a comma-separated list (``kinds=rope,alibi``; empty: none of them). Unknown names are dropped
    with a notice, repeats are kept once."""

    name: str
    options: tuple[str, ...]
    default: tuple[str, ...]

    def __post_init__(self) -> None:
        if not set(self.default) <= set(self.options):
            raise ValueError(f"{self.name}: a default is not one of the options")

    def default_for(self, lang: str) -> list[str]:
        return list(self.default)

    def key(self, lesson: str) -> str:
        return f"{lesson}.{self.name}"

    def to_url(self, value) -> str:
        return ",".join(o for o in self.options if o in set(value))

    def parse(self, raw: str, lang: str) -> tuple[list[str], str | None]:
        asked = [part.strip() for part in str(raw).split(",") if part.strip()]
        unknown = [a for a in asked if a not in self.options]
        value = [o for o in self.options if o in set(asked)]
        if unknown:
            return value, t("notice.bad_items", lang, name=self.name, value=md_escape(",".join(unknown), max_len=24),
                            used=",".join(value) or "—")
        return value, None


AnyParam = Param | TextParam | ChoiceParam | MultiChoiceParam


def add_notice(text: str) -> None:
    st.session_state.setdefault(NOTICES_KEY, []).append(text)


def show_notices() -> None:
    """Show and forget the notices collected so far (they appear once, after a link is opened)."""
    for text in st.session_state.pop(NOTICES_KEY, []):
        st.info(text, icon=":material/info:")


def init_from_url(lesson: str, params: tuple[AnyParam, ...], lang: str) -> None:
    """Seed each widget's state from the URL (validated) or the default, once per widget life."""
    known = set(GLOBAL_PARAMS) | {p.name for p in params}
    for name in list(st.query_params.keys()):
        if name not in known:
            add_notice(t("notice.unknown_param", lang, name=md_escape(name, max_len=24)))
    for p in params:
        key = p.key(lesson)
        if key in st.session_state:
            continue
        raw = st.query_params.get(p.name)
        if raw is None:
            st.session_state[key] = p.default_for(lang)
            continue
        value, notice = p.parse(raw, lang)
        st.session_state[key] = value
        if notice:
            add_notice(notice)


def clamp(key: str, lo: int, hi: int) -> int:
    """The integer setting under widget ``key``, kept within [lo, hi] at both ends and written back
    (a value read from the URL or carried over from another lesson may lie outside the range of the
    model this lesson runs, e.g. MiniLM's 6 layers after e5's 12, or head -1 after cross-attention's
    "mean over heads"). Call it before the widget is drawn."""
    value = min(max(int(st.session_state[key]), lo), hi)
    st.session_state[key] = value
    return value


def values(lesson: str, params: tuple[AnyParam, ...]) -> dict[str, float]:
    return {p.name: st.session_state[p.key(lesson)] for p in params}


def write_url(qid: str, lesson: str, params: tuple[AnyParam, ...], lang: str) -> None:
    """Put the question, the language and every setting in the address bar."""
    url = {"q": qid, "lang": lang}
    for p in params:
        url[p.name] = p.to_url(st.session_state[p.key(lesson)])
    for key in GLOBAL_PARAMS[2:]:  # the app's own switches (ui/presenter.py): kept across lessons
        if key in st.query_params:
            url[key] = st.query_params[key]
    if dict(st.query_params) != url:
        st.query_params.from_dict(url)


def reset(lesson: str, params: tuple[AnyParam, ...], lang: str = "en") -> None:
    """Button callback: every setting back to its default (runs before the widgets are drawn)."""
    for p in params:
        st.session_state[p.key(lesson)] = p.default_for(lang)
