"""Lesson settings that live in the URL, so that a pasted link reproduces the same picture.

A lesson declares its parameters (name, range from tf_core.limits, optional slider positions).
On a page's first run the widgets' session state is seeded from the URL, each value validated:
a bad value falls back to the default and a value out of range is clamped, each with a short
notice, never an error. Every run writes the current settings back to the URL.

Widget keys are "<lesson>.<name>"; the URL uses the bare name (``?q=scaling&dk=64``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st

from tf_core.limits import FloatRange, IntRange
from ui.i18n import t
from ui.text import md_escape

NOTICES_KEY = "_notices"
GLOBAL_PARAMS = ("q", "lang")


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

    @property
    def is_int(self) -> bool:
        return isinstance(self.bounds, IntRange)

    def key(self, lesson: str) -> str:
        return f"{lesson}.{self.name}"

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


def add_notice(text: str) -> None:
    st.session_state.setdefault(NOTICES_KEY, []).append(text)


def show_notices() -> None:
    """Show and forget the notices collected so far (they appear once, after a link is opened)."""
    for text in st.session_state.pop(NOTICES_KEY, []):
        st.info(text, icon=":material/info:")


def init_from_url(lesson: str, params: tuple[Param, ...], lang: str) -> None:
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
            st.session_state[key] = p.default
            continue
        value, notice = p.parse(raw, lang)
        st.session_state[key] = value
        if notice:
            add_notice(notice)


def values(lesson: str, params: tuple[Param, ...]) -> dict[str, float]:
    return {p.name: st.session_state[p.key(lesson)] for p in params}


def write_url(qid: str, lesson: str, params: tuple[Param, ...], lang: str) -> None:
    """Put the question, the language and every setting in the address bar."""
    url = {"q": qid, "lang": lang}
    for p in params:
        v = st.session_state[p.key(lesson)]
        url[p.name] = str(int(v)) if p.is_int else f"{float(v):g}"
    if dict(st.query_params) != url:
        st.query_params.from_dict(url)


def reset(lesson: str, params: tuple[Param, ...]) -> None:
    """Button callback: every setting back to its default (runs before the widgets are drawn)."""
    for p in params:
        st.session_state[p.key(lesson)] = p.default
