"""ui.params: parsing URL values of every kind of setting (no Streamlit session needed)."""
from __future__ import annotations

import pytest

from tf_core.limits import IntRange
from ui.params import ChoiceParam, MultiChoiceParam, Param, TextParam

TEXT = TextParam("text", max_chars=20, defaults=(("en", "Hello there."), ("zh", "你好。")))
MODEL = ChoiceParam("model", options=("auto", "minilm", "e5"), default="auto")


def test_text_defaults_follow_the_language():
    assert TEXT.default_for("en") == "Hello there." and TEXT.default_for("zh") == "你好。"
    assert TEXT.default_for("xx") == "Hello there."


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("plain", "plain"),
        ("a\nb\tc", "a b c"),
        ("bell\x07\x00end", "bellend"),
        ("rtl\u202eevil\u202c", "rtlevil"),
        ("family 👨\u200d👩\u200d👧", "family 👨\u200d👩\u200d👧"),  # zero-width joiners kept
        ("<script>x</script>", "<script>x</script>"),  # kept as text: never rendered as HTML
        ("注意力 attention", "注意力 attention"),
        ("", ""),
    ],
)
def test_text_is_cleaned(raw, expected):
    value, notice = TEXT.parse(raw, "en")
    assert value == expected and notice is None


def test_multiline_text_keeps_line_breaks_only():
    lines = TextParam("lines", max_chars=40, defaults=(("en", "a"),), multiline=True)
    value, notice = lines.parse("one\r\ntwo\rthree\n\tfour\x07\u202e", "en")
    assert value == "one\ntwo\nthree\n four" and notice is None
    assert TEXT.parse("one\ntwo", "en")[0] == "one two"  # the default stays one line


def test_long_text_is_cut_with_a_notice():
    value, notice = TEXT.parse("x" * 50, "zh")
    assert value == "x" * 20 and notice and "20" in notice


def test_choice_param():
    assert MODEL.parse("e5", "en") == ("e5", None)
    value, notice = MODEL.parse("<b>gpt</b>", "en")
    assert value == "auto" and notice and "<b>" not in notice
    with pytest.raises(ValueError):
        ChoiceParam("m", options=("a",), default="b")


def test_every_kind_writes_its_url_value():
    assert Param("n", IntRange(1, 9, 3)).to_url(4) == "4"
    assert TEXT.to_url("你好 🙂") == "你好 🙂" and MODEL.to_url("e5") == "e5"


def test_multi_choice_param_keeps_known_names_in_order():
    kinds = MultiChoiceParam("kinds", options=("none", "rope", "alibi"), default=("none", "rope", "alibi"))
    assert kinds.parse("alibi,rope,rope", "en") == (["rope", "alibi"], None)
    assert kinds.parse("", "en") == ([], None)  # none shown is a valid choice
    value, notice = kinds.parse("rope,<b>x</b>", "zh")
    assert value == ["rope"] and notice and "<b>" not in notice
    assert kinds.to_url(["alibi", "none"]) == "none,alibi" and kinds.to_url([]) == ""
    assert kinds.default_for("en") == ["none", "rope", "alibi"]
    with pytest.raises(ValueError):
        MultiChoiceParam("m", options=("a",), default=("b",))
