"""The Q&A cards: fixed sections, the same placeholders in both languages, nothing left unfilled."""
from __future__ import annotations

import re

import pytest

from ui import qa
from ui.curriculum import LANGS, QA_DIR
from ui.curriculum import load as load_curriculum

CUR = load_curriculum()
CARD_IDS = sorted({p.stem for lang in LANGS for p in (QA_DIR / lang).glob("*.md")})


def test_every_card_file_names_a_curriculum_question():
    assert CARD_IDS, "no cards found"
    assert set(CARD_IDS) <= {q.id for q in CUR.questions}


@pytest.mark.parametrize("qid", CARD_IDS)
def test_card_exists_in_both_languages_with_same_sections_and_placeholders(qid):
    cards = {lang: qa.load(qid, lang) for lang in LANGS}
    en, zh = cards["en"], cards["zh"]
    assert tuple(en.sections) == tuple(zh.sections) == qa.SECTIONS
    for section in qa.SECTIONS:
        assert en.placeholders(section) == zh.placeholders(section), f"{qid}/{section}"
    assert en.placeholders("short"), "the short answer must quote at least one live number"


@pytest.mark.parametrize("qid", CARD_IDS)
def test_card_fills_completely(qid):
    card = qa.load(qid, "en")
    values = {name: f"<{name}>" for name in card.placeholders()}
    filled = card.filled(values)
    assert not any(qa.PLACEHOLDER.search(body) for body in filled.values())
    missing = dict(values)
    missing.pop(sorted(values)[0])
    with pytest.raises(KeyError):
        card.filled(missing)


def test_parse_rejects_broken_cards():
    good = "## A {#short}\nx {{a}}\n## T {#takeaway}\nt\n## B {#wrong}\ny\n## C {#full}\nz\n## D {#followups}\nw\n"
    assert qa.parse(good).placeholders() == {"a"}
    with pytest.raises(ValueError):  # a section missing
        qa.parse(good.replace("## T {#takeaway}\nt\n", ""))
    with pytest.raises(ValueError):  # sections out of order
        qa.parse("## B {#wrong}\ny\n## A {#short}\nx\n## T {#takeaway}\nt\n## C {#full}\nz\n## D {#followups}\nw\n")
    with pytest.raises(ValueError):  # an empty section
        qa.parse(good.replace("y\n", ""))
    with pytest.raises(ValueError):  # text before the first section
        qa.parse("intro\n" + good)


def test_scaling_page_supplies_every_placeholder_of_its_card():
    """The page's values dict covers the card (checked without Streamlit running)."""
    import ast
    from pathlib import Path

    src = (Path(__file__).resolve().parents[2] / "app_pages" / "scaling.py").read_text(encoding="utf-8")
    fn = next(n for n in ast.parse(src).body if isinstance(n, ast.FunctionDef) and n.name == "card_values")
    ret = next(n for n in ast.walk(fn) if isinstance(n, ast.Return))
    keys = {k.value for k in ret.value.keys}
    for lang in LANGS:
        assert qa.load("scaling", lang).placeholders() <= keys


@pytest.mark.parametrize("qid", CARD_IDS)
@pytest.mark.parametrize("lang", LANGS)
def test_display_math_is_fenced_on_its_own_lines(qid, lang):
    """Streamlit's Markdown renders $$...$$ as display math only with each $$ alone on its line
    (otherwise the whole paragraph after it shows as raw red LaTeX)."""
    text = (QA_DIR / lang / f"{qid}.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        if "$$" in line:
            assert line.strip() == "$$", f"{lang}/{qid}: {line!r}"
    assert text.count("$$") % 2 == 0


def test_line_breaks_between_chinese_characters_are_joined():
    """A soft line break renders as a space: between two Chinese characters it must go, while a
    break next to Latin text or math stays (a space is right there)."""
    text = ("## A {#short}\n对每个词元\n使用同一个 $W$\nmatrix，\n再说\n## T {#takeaway}\nt\n## B {#wrong}\ny\n"
            "## C {#full}\nz\n## D {#followups}\nw\n")
    short = qa.parse(text).sections["short"]
    assert short == "对每个词元使用同一个 $W$\nmatrix，再说"
    for lang in LANGS:
        for qid in CARD_IDS:
            for body in qa.load(qid, lang).sections.values():
                assert not qa._CJK_BREAK.search(body)


@pytest.mark.parametrize("qid", CARD_IDS)
@pytest.mark.parametrize("lang", LANGS)
def test_takeaway_is_live_and_types_no_digit(qid, lang):
    """The 30-second answer quotes the run (at least one placeholder) and types no number of its own:
    every digit comes from a placeholder, so what is said aloud is what the lab measured."""
    card = qa.load(qid, lang)
    body = card.sections["takeaway"]
    assert card.placeholders("takeaway"), f"{lang}/{qid}: the takeaway quotes no live value"
    typed = re.sub(r"\{\{.*?\}\}", "", body)
    assert not re.search(r"[0-9]", typed), f"{lang}/{qid}: digits typed in the takeaway: {re.findall(r'.{0,12}[0-9]+', typed)}"


@pytest.mark.parametrize("qid", CARD_IDS)
def test_both_languages_filter_the_same_placeholders(qid):
    """A value said aloud in one language is said aloud in the other (``{{x|say}}`` on both sides)."""
    en, zh = qa.load(qid, "en"), qa.load(qid, "zh")
    for section in qa.SECTIONS:
        assert en.fields(section) == zh.fields(section), f"{qid}/{section}"


CARD = ("## A {#short}\nx {{a}}\n## T {#takeaway}\n变化 {{d|say}}，约 {{a}}；by {{d|say}} and {{a|say}}.\n"
        "## B {#wrong}\ny\n## C {#full}\nz {{d}}\n## D {#followups}\nw\n")


def test_say_filter_fills_the_spoken_form():
    values = {"a": "0.9871", "d": "0.0"}
    en = qa.parse(CARD, lang="en").filled(values)
    zh = qa.parse(CARD, lang="zh").filled(values)
    assert en["takeaway"] == "变化 exactly 0，约 0.9871；by exactly 0 and about 0.99."
    assert zh["takeaway"] == "变化恰好为 0，约 0.9871；by 恰好为 0 and 约 0.99."  # no space left after 变化
    assert en["short"] == "x 0.9871" and en["full"] == "z 0.0"  # unfiltered: the exact value, as given
    assert qa.parse(CARD).fields("takeaway") == {("d", "say"), ("a", ""), ("a", "say")}
    assert qa.parse(CARD).placeholders() == {"a", "d"}
    tiny = qa.parse(CARD, lang="en").filled({"a": "1", "d": "2.24e-17"})["takeaway"]
    assert "about 10⁻¹⁷" in tiny and " 0 " not in tiny


@pytest.mark.parametrize("bad", ["{{d|shout}}", "{{d|}}", "{{d | say | say}}", "{{|say}}"])
def test_unknown_or_broken_filter_raises(bad):
    with pytest.raises(ValueError):
        qa.parse(CARD.replace("{{d|say}}", bad, 1), lang="en")


def test_a_count_of_one_reads_singular_in_the_english_cards():
    """Every placeholder filled with 1: no English card says "1 sentences" (qa.singular_ones)."""
    import doctest
    import re

    assert doctest.testmod(qa).failed == 0
    plural = re.compile(r"(?<![\d.,])\b1 (?:[a-z-]+ )?(?:tokens|positions|words|sentences|keys|steps|rows|pads|batches"
                        r"|repeats|cells|pieces|heads|layers|merges|bytes|characters)\b")
    for qid in CARD_IDS:
        card = qa.load(qid, "en")
        text = "\n".join(card.filled({name: "1" for name in card.placeholders()}).values())
        assert not plural.search(text), f"{qid}: {plural.search(text).group()}"
    assert qa.load("scaling", "zh").filled({n: "1" for n in qa.load("scaling", "zh").placeholders()})  # zh untouched
