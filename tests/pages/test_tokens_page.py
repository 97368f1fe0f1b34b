"""AppTest of the `tokenization` lesson (topic page `tokens`): the learner's text through the real
tokenizers side by side, our BPE trained live; odd text, every control at both ends, both
languages, URLs and reset."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy as healthy, exceptions, open_app, open_expanders, page_text, vega_frames

from tf_core import limits
from tf_core.lab import tokenization as lab
from ui.curriculum import load as load_curriculum
from ui.i18n import t

QID = "tokenization"
TITLE = {lang: load_curriculum().get(QID).title(lang) for lang in ("en", "zh")}
AVAILABLE = lab.available()


def assert_healthy(at, lang, bpe_chart: bool = True):
    return healthy(at, QID, lang, 2 if bpe_chart else 1)


def token_blocks(at) -> list[str]:
    """The token strips: one code block per tokenizer, then the BPE segmentation."""
    return [c.value for c in at.code]


@pytest.fixture(params=["en", "zh"])
def lang(request):
    return request.param


def test_opens_in_both_languages_with_every_installed_tokenizer(lang):
    at = open_app(q=QID, lang=lang)
    assert_healthy(at, lang)
    counts = vega_frames(at)[0][1]
    assert len(counts) == len(AVAILABLE) and (counts.tokens > 0).all()
    assert len(token_blocks(at)) == len(AVAILABLE) + 1


@pytest.mark.skipif("smollm2" not in AVAILABLE, reason="SmolLM2's tokenizer is not installed")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_card_counts_byte_fragments_and_missing_bytes(lang):
    """How many of 注意力's SmolLM2 tokens are byte fragments, and what the missing bytes are, from the lab."""
    at = open_expanders(open_app(q=QID, lang=lang), f"{QID}.full")
    assert_healthy(at, lang)
    bpe = lab.load_tokenizer("smollm2")
    fragments = lab.tokenize(bpe, lab.CJK_EXAMPLE).n_byte_pieces
    assert (f"{fragments} of them fragments" if lang == "en" else f"其中 {fragments} 个只是") in page_text(at)
    kinds = lab.byte_kinds(bpe.missing_bytes)
    full = at.expander[0].markdown[0].value
    for kind, found in kinds.items():
        assert (t(f"tok.missing.{kind}", lang, n=len(found)) in full) == bool(found)
    assert "six control" not in full and "六个控制字符" not in full


def test_counts_and_pieces_are_the_real_tokenizers():
    text = "Tokenization of 注意力"
    at = open_app(q=QID, lang="en", text=text)
    assert_healthy(at, "en")
    expected = lab.compare(text, [lab.load_tokenizer(k) for k in AVAILABLE])
    assert list(vega_frames(at)[0][1].tokens) == [r.n_tokens for r in expected.results]
    for block, r in zip(token_blocks(at), expected.results):
        assert block == "  ".join(r.display)
        assert "\ufffd" not in block  # byte pieces are shown as ⟨E6 B3⟩, never as replacement boxes


@pytest.mark.parametrize(
    "text",
    [
        "",
        "🙂🚀👨\u200d👩\u200d👧",
        "<script>alert(1)</script> <b>x</b> [a](javascript:x) $x^2$ **b**",
        "control\x00\x07\x1b[31m chars\u202e reversed \u200b",
        "混合 mixed 中文 and English 文本 😀",
        "supercalifragilistic " * 200,
    ],
    ids=["empty", "emoji", "html-md-latex", "controls", "mixed", "huge"],
)
def test_odd_text_gives_a_result_or_a_clear_message(text):
    at = open_app(q=QID, lang="en", corpus="text")
    at.text_area(key=f"{QID}.text").set_value(text).run()
    trained = lab.train_bpe(text[: limits.TOKENIZE_TEXT_CHARS], limits.BPE_MERGES.default) if text.strip() else None
    assert_healthy(at, "en", bpe_chart=bool(trained and trained.merges))
    for spec, _ in vega_frames(at):
        assert "<script>" not in str(spec)
    assert "<script>" not in page_text(at)  # first merges in the card and the unknown-token list are escaped
    if not text.strip():
        assert any(t("tok.empty", "en") == i.value for i in at.info)
    if trained is not None and not trained.merges:
        assert any(t("tok.no_merges", "en") == i.value for i in at.info)


def test_text_over_the_limit_is_cut_with_a_notice():
    at = open_app(q=QID, lang="en", text="ab " * 1000)
    assert_healthy(at, "en")
    assert at.info  # the URL value was cut to the limit, with a notice
    assert str(limits.TOKENIZE_TEXT_CHARS) in " ".join(i.value for i in at.info)


@pytest.mark.parametrize("level", ["char", "byte"])
@pytest.mark.parametrize("corpus", ["sample", "text"])
def test_trainer_controls_at_both_ends(level, corpus, lang):
    at = open_app(q=QID, lang=lang, level=level, corpus=corpus)
    for merges in (limits.BPE_MERGES.lo, limits.BPE_MERGES.hi):
        at.slider(key=f"{QID}.merges").set_value(merges).run()
        bpe = vega_frames(at)
        assert not exceptions(at)
        table = at.dataframe[0].value if at.dataframe else None
        if table is not None:
            assert len(table) <= merges
        view = at.slider(key=f"{QID}.view") if len(bpe) == 2 else None
        if view is not None:
            for v in (0, int(view.max)):
                view.set_value(v).run()
                assert not exceptions(at)
                assert at.query_params["view"] == str(v)


def test_trainer_table_equals_the_lab():
    at = open_app(q=QID, lang="en", merges="20", level="byte")
    assert_healthy(at, "en")
    trained = lab.train_bpe(lab.sample_text("en"), 20, level="byte")
    table = at.dataframe[0].value
    assert list(table.iloc[:, 3]) == [m.display[2] for m in trained.merges]
    assert list(table.iloc[:, 5]) == [m.n_tokens for m in trained.merges]


@pytest.mark.parametrize("query", [{"merges": "0"}, {"merges": "9999"}, {"level": "word"}, {"corpus": "web"},
                                   {"view": "-1"}])
def test_bad_url_values_fall_back_with_a_notice(query):
    at = open_app(q=QID, lang="en", **query)
    assert_healthy(at, "en")
    assert at.info, "no notice"


def test_language_switch_keeps_settings_and_reset_restores_them():
    at = open_app(q=QID, lang="en", text="Byte pairs.", merges="120")
    at.radio(key="lang").set_value("zh").run()
    assert_healthy(at, "zh")
    assert at.query_params["text"] == "Byte pairs." and at.query_params["merges"] == "120"
    at.button(key=f"{QID}.reset").click().run()
    assert_healthy(at, "zh")
    assert at.query_params["merges"] == str(limits.BPE_MERGES.default)
    assert at.query_params["text"] != "Byte pairs."
    assert any("\u4e00" <= ch <= "\u9fff" for ch in at.query_params["text"])  # the Chinese default


def test_code_box_shows_the_lesson_and_the_trainer():
    """The tokenization lesson's code box shows its lab module and the core BPE trainer it calls."""
    at = open_expanders(open_app(q=QID, lang="en"), f"{QID}.code")
    sources = [c.value for c in at.code]
    assert any(s.startswith('"""Lesson `tokenization`') for s in sources)
    assert any("def train_bpe(" in s for s in sources)
