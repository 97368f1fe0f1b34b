"""Every UI string exists in both languages with the same format fields, in exactly one module of ui/strings."""
from __future__ import annotations

import ast
import importlib
import string
from collections import Counter
from pathlib import Path

import pytest

from ui.i18n import LANGS, STRINGS, merge, string_modules, t

ROOT = Path(__file__).resolve().parents[2]
STRINGS_DIR = ROOT / "ui" / "strings"
MODULES = {name: importlib.import_module(f"ui.strings.{name}").STRINGS for name in string_modules()}


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize(("module", "key"), [(m, k) for m, strings in MODULES.items() for k in sorted(strings)],
                         ids=lambda v: v)
def test_key_has_both_languages_with_same_fields(module, key):
    entry = MODULES[module][key]
    assert STRINGS[key] is entry, f"{key}: not merged from ui.strings.{module}"
    assert set(entry) == set(LANGS), f"{key}: languages {sorted(entry)}"
    assert all(entry[lang].strip() for lang in LANGS), f"{key}: empty text"
    assert fields(entry["en"]) == fields(entry["zh"]), f"{key}: fields differ"


def test_chinese_strings_are_chinese():
    """A copy-pasted English string in the zh column is a missing translation."""
    untranslated = [k for k, v in STRINGS.items() if v["zh"] == v["en"] and any(c.isalpha() for c in v["en"])
                    and not k.endswith(".jacobian")]
    assert not untranslated


def test_t_formats_and_rejects_unknown():
    assert t("sidebar.device", "zh", device="cpu") == "计算设备：cpu"
    with pytest.raises(KeyError):
        t("no.such.key", "en")
    with pytest.raises(ValueError):
        t("app.title", "fr")


def test_every_key_used_in_code_exists():
    """Keys written literally in the app's code must be defined (a typo would crash a page)."""
    import re

    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("app_pages/*.py"), *ROOT.glob("ui/**/*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys at all"
    assert used <= set(STRINGS), sorted(used - set(STRINGS))


def literal_keys(source: str) -> list[str]:
    """The keys of the ``STRINGS = {...}`` dict literal in ``source``, in order, repeats included."""
    for node in ast.parse(source).body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        if isinstance(target, ast.Name) and target.id == "STRINGS":
            assert isinstance(node.value, ast.Dict), "STRINGS must be a dict literal"
            assert all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.value.keys), \
                "every key of STRINGS must be a string literal"
            return [k.value for k in node.value.keys]
    raise AssertionError("no STRINGS dict literal")


def test_literal_keys_sees_a_repeated_key():
    assert literal_keys('STRINGS: dict = {"a.b": {}, "a.c": {}, "a.b": {}}') == ["a.b", "a.c", "a.b"]


@pytest.mark.parametrize("name", string_modules())
def test_no_key_repeated_inside_a_module(name):
    """Python keeps the last of two equal keys in a dict literal without a word: read the source instead."""
    keys = literal_keys((STRINGS_DIR / f"{name}.py").read_text(encoding="utf-8"))
    repeated = sorted(k for k, n in Counter(keys).items() if n > 1)
    assert not repeated, f"ui/strings/{name}.py repeats {repeated}"
    assert len(keys) == len(MODULES[name])


def test_modules_are_found_common_first():
    names = string_modules()
    assert names[0] == "common"
    assert names[1:] == sorted(names[1:])
    assert set(names) == {p.stem for p in STRINGS_DIR.glob("*.py")} - {"__init__"}
    assert len(STRINGS) == sum(len(s) for s in MODULES.values())


def test_merge_refuses_a_key_in_two_modules():
    one = {"x.same": {"en": "a", "zh": "甲"}, "x.one": {"en": "b", "zh": "乙"}}
    two = {"x.two": {"en": "c", "zh": "丙"}, "x.same": {"en": "d", "zh": "丁"}}
    with pytest.raises(ValueError, match=r"'x\.same'.*ui\.strings\.common.*ui\.strings\.masks"):
        merge([("common", one), ("masks", two)])
    merged = merge([("common", one), ("masks", {"x.two": two["x.two"]})])
    assert list(merged) == ["x.same", "x.one", "x.two"]
    assert merged["x.same"] is one["x.same"]


@pytest.mark.parametrize("page", sorted(p.stem for p in (ROOT / "app_pages").glob("*.py")
                                        if p.stem not in ("home", "about", "__init__")))
def test_every_topic_page_has_its_strings_module(page):
    """A topic page keeps its strings in ui/strings/<page>.py (not in common, the old single file's pattern)."""
    assert (STRINGS_DIR / f"{page}.py").is_file(), f"app_pages/{page}.py has no ui/strings/{page}.py"
    assert MODULES[page], f"ui/strings/{page}.py is empty"
