"""Every UI string exists in both languages with the same format fields."""
from __future__ import annotations

import string

import pytest

from ui.i18n import LANGS, STRINGS, t


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_key_has_both_languages_with_same_fields(key):
    entry = STRINGS[key]
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
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    used = set()
    for path in [root / "app.py", *root.glob("app_pages/*.py"), *root.glob("ui/*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys at all"
    assert used <= set(STRINGS), sorted(used - set(STRINGS))
