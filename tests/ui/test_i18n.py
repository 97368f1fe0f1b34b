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
                    and not k.endswith(".jacobian") and not k.startswith("ffn.act.")]  # ReLU, GELU: names in both
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
    for path in [ROOT / "app.py", *ROOT.glob("app_pages/**/*.py"), *ROOT.glob("ui/**/*.py")]:
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


# --- singular and plural: "{n:key|keys}" ------------------------------------------------------------------
def test_plural_choice_follows_the_count():
    import numpy as np

    from ui.i18n import _FORMATTER, is_one

    template = "{n} {n:key|keys}, {x:.2f}"
    assert _FORMATTER.format(template, n=1, x=0.5) == "1 key, 0.50"
    for many in (0, 2, 12, "3", "1,024", 1.5, True):
        assert _FORMATTER.format("{n:key|keys}", n=many) == "keys", many
    assert is_one(np.int64(1)) and is_one("1") and is_one(" 1 ") and not is_one(True) and not is_one(1.0)
    assert _FORMATTER.format("{n:one run|medians of {n} runs}", n=4) == "medians of 4 runs"


def _filled(key: str, **given: object) -> str:
    """The English string ``key`` with ``given`` fields and every other field as "<name>"."""
    names = {name for _, name, spec, _ in string.Formatter().parse(STRINGS[key]["en"]) if name}
    return t(key, "en", **({name: f"<{name}>" for name in names} | given))


# (key, count field, what it reads at 1, at 3): the templates whose count can be 1 at some setting.
PLURALS = [
    ("enc.unk", "n", "1 token is [UNK]", "3 tokens are [UNK]"),
    ("dec.dropped", "n", "for 1 character of the prompt, so it is left out", "for 3 characters of the prompt, so they are"),
    ("dec.tokens", "n", "The 1 token the model reads", "The 3 tokens the model reads"),
    ("par.running", "repeats", "(1 repeat)", "(3 repeats)"),
    ("par.metrics_caption", "repeats", "one timed run after", "medians of 3 timed runs after"),
    ("kv.running", "n", "Decoding 1 token with", "Decoding 3 tokens with"),
    ("kv.context_cut", "n", "1 new token is generated", "3 new tokens are generated"),
    ("kv.prompt_tokens", "n", "The prompt's 1 token:", "The prompt's 3 tokens:"),
    ("kv.generated", "n", "The 1 token generated", "The 3 tokens generated"),
    ("kv.m_uncached", "k", "(1 token)", "(3 tokens)"),
    ("kv.teacher_caption", "k", "the 1 cached step's logits", "the 3 cached steps' logits"),
    ("kv.steps_caption", "k", "after 1 token (cap", "after 3 tokens (cap"),
    ("kv.m_bytes_help", "positions", "for 1 position.", "for 3 positions."),
    ("kv.memory_caption", "n", "· 1 position ·", "· 3 positions ·"),
    ("pad.batch", "B", "The batch: 1 row ×", "The batch: 3 rows ×"),
    ("pad.batch", "pad", "1 pad token “", "3 pad tokens “"),
    ("pad.row_caption", "k", "against 1 key, masked, live", "against 3 keys, all masked, live"),
    ("batch.caption", "n", "1 sentence of", "3 sentences of"),
    ("causal.map.caption", "masked", "the 1 cell above the diagonal is masked", "the 3 cells above the diagonal are masked"),
    ("tok.missing.control", "n", "1 control character", "3 control characters"),
    ("tok.missing.other", "n", "1 byte of ordinary text", "3 bytes of ordinary text"),
    ("tok.stats", "tokens", "1 token ·", "3 tokens ·"),
    ("tok.byte_pieces", "n", "1 token holds only part", "3 tokens hold only part"),
    ("tok.counts_caption", "chars", "1 character,", "3 characters,"),
    ("tok.counts_caption", "bytes", "1 UTF-8 byte.", "3 UTF-8 bytes."),
    ("tok.fig.bpt_help", "chars", "(1 character)", "(3 characters)"),
    ("tok.fig.bpt_help", "tokens", "its 1 token;", "its 3 tokens;"),
    ("tok.segment", "merges", "after <step> of 1 merge (", "after <step> of 3 merges ("),
    ("tok.segment", "n", "(1 piece shown)", "(3 pieces shown)"),
    ("tok.train_caption", "merges", "1 merge (stopping early when no pair occurs twice) brings it",
     "3 merges (stopping early when no pair occurs twice) bring it"),
    ("vec.pieces", "n", "cuts it into 1 piece:", "cuts it into 3 pieces:"),
    ("vec.excluded", "n", "1 word.", "3 words."),
    ("xattn.io", "S", "as 1 English word;", "as 3 English words;"),
    ("xattn.steps_caption", "S", "over the 1 word. Cross-attention's keys and values depend on that word alone",
     "over the 3 words. Cross-attention's keys and values depend on those words alone"),
    ("xattn.steps_caption", "N", "let its one step read them;", "let all 3 steps read the same ones;"),
]


@pytest.mark.parametrize(("key", "field", "one", "many"), PLURALS, ids=lambda v: v if isinstance(v, str) else "")
def test_a_count_of_one_reads_singular(key, field, one, many):
    for count in (1, "1"):  # pages pass ints or the number already formatted
        assert one in _filled(key, **{field: count}), _filled(key, **{field: count})
    for count in (3, "3"):
        assert many in _filled(key, **{field: count}), _filled(key, **{field: count})


def test_no_english_string_writes_a_plural_as_s_in_brackets():
    """"{n} token(s)" is what a plural choice replaces."""
    assert not [key for key, entry in STRINGS.items() if "(s)" in entry["en"]]


@pytest.mark.parametrize("key", [k for k, v in STRINGS.items() if any(
    spec and "|" in spec for lang in LANGS for _, _, spec, _ in string.Formatter().parse(v[lang]))])
def test_every_plural_choice_formats_both_ways(key):
    """Each choice "{n:one|many}" gives one of its words, never the choice itself."""
    parsed = {lang: list(string.Formatter().parse(STRINGS[key][lang])) for lang in LANGS}
    names = {name for lang in LANGS for _, name, _, _ in parsed[lang] if name}
    for count in (1, 3):
        for lang in LANGS:
            text = t(key, lang, **{name: count for name in names})
            choices = [spec for _, _, spec, _ in parsed[lang] if spec and "|" in spec]
            assert not any(spec in text for spec in choices) and "{" not in text, (lang, text)
