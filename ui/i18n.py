"""Every UI string, in English and Chinese side by side (one key each), and ``t()`` to look one up.

The strings live in the package ``ui.strings``: one module per topic page (``ui/strings/<page>.py`` for
``app_pages/<page>.py``, e.g. ``ui/strings/masks.py``) and ``ui/strings/common.py`` for what several pages share.
``STRINGS`` here is their merge, ``common`` first, then the others alphabetically. To add a page, create
``ui/strings/<page>.py`` with its own ``STRINGS`` dict: it is found by ``pkgutil.iter_modules``, nothing to
register. A key lives in exactly one module; a key defined in two modules raises ``ValueError`` at import.

Long texts (the Q&A cards) live in assets/qa/. A key missing in either language is a test failure,
not a silent fallback. Strings are ``str.format`` templates; both languages must use the same
fields (tests check that too).

Singular and plural: a field written ``{n:key|keys}`` gives the word before the bar when ``n`` is 1 (the
int 1 or the text "1") and the word after it otherwise, so an English template reads
``"against {n} {n:key|keys}"`` ("against 1 key", "against 3 keys"); the Chinese one needs only ``{n}``.
"""
from __future__ import annotations

import importlib
import numbers
import pkgutil
import string
from collections.abc import Iterable

import ui.strings

LANGS = ("en", "zh")
DEFAULT_LANG = "en"
LANG_NAMES = {"en": "English", "zh": "中文"}


def merge(modules: Iterable[tuple[str, dict[str, dict[str, str]]]]) -> dict[str, dict[str, str]]:
    """One dict from ``(module name, STRINGS)`` pairs, in their order; a key in two modules raises ValueError."""
    merged: dict[str, dict[str, str]] = {}
    owner: dict[str, str] = {}
    for name, strings in modules:
        for key, entry in strings.items():
            if key in owner:
                raise ValueError(f"UI string {key!r} is defined in both ui.strings.{owner[key]} and ui.strings.{name}")
            owner[key] = name
            merged[key] = entry
    return merged


def string_modules() -> list[str]:
    """The names of the modules of ``ui.strings``: ``common`` first, then alphabetically."""
    names = [m.name for m in pkgutil.iter_modules(ui.strings.__path__) if not m.ispkg]
    return sorted(names, key=lambda n: (n != "common", n))


STRINGS: dict[str, dict[str, str]] = merge(
    (name, importlib.import_module(f"ui.strings.{name}").STRINGS) for name in string_modules()
)


def is_one(value: object) -> bool:
    """Whether a count reads as singular: the integer 1 or the text "1" (a page may pass either)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return value == 1
    return isinstance(value, str) and value.strip() == "1"


class _Formatter(string.Formatter):
    """``str.format`` plus the plural choice ``{n:one|many}``."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if is_one(value) else many
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def t(key: str, lang: str, **fields: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``fields`` (``{n:key|keys}``: singular or plural by
    ``n``). Unknown key or language raises."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    return _FORMATTER.format(STRINGS[key][lang], **fields)
