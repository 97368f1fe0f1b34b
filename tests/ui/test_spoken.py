"""Numbers said aloud (ui.text.spoken, the cards' ``{{name|say}}``): rounded for speech, an exact zero
said "exactly 0", a tiny value said as its power of ten and never "0", words left alone."""
from __future__ import annotations

import doctest
import math

import pytest

import ui.text
from ui.text import num, spoken


def test_docstring_examples():
    result = doctest.testmod(ui.text, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted >= 3 and result.failed == 0


@pytest.mark.parametrize(
    "x, en, zh",
    [
        (0.9871, "about 0.99", "约 0.99"),
        ("0.987", "about 0.99", "约 0.99"),  # what ui.text.num writes
        (0.5, "0.5", "0.5"),  # already short: no "about"
        (64, "64", "64"),
        (12.5, "about 13", "约 13"),  # halves round up, as said aloud
        ("1,234", "about 1,200", "约 1,200"),
        (99.96, "about 100", "约 100"),
        (0.0, "exactly 0", "恰好为 0"),
        ("0.0", "exactly 0", "恰好为 0"),
        (-0.0, "exactly 0", "恰好为 0"),
        ("2.24e-17", "about 10⁻¹⁷", "约 10⁻¹⁷"),
        (9.9e-17, "about 10⁻¹⁶", "约 10⁻¹⁶"),  # the nearest power, not the floor
        (-3e-8, "about -10⁻⁸", "约 -10⁻⁸"),
        (0.001, "0.001", "0.001"),
        ("1,572,864", "about 1.6 million", "约 160 万"),
        (999_999, "about 1 million", "约 100 万"),  # the unit follows the rounded value
        (12_000, "12,000", "1.2 万"),
        (2.5e9, "2.5 billion", "25 亿"),
        (3e16, "about 10¹⁶", "约 10¹⁶"),
        ("NaN", "NaN", "NaN"),
        (float("nan"), "NaN", "NaN"),
        ("7%", "7%", "7%"),
        ("L0 H3", "L0 H3", "L0 H3"),
        ("—", "—", "—"),
        ("2.1×", "2.1×", "2.1×"),
        ("inf", "inf", "inf"),
        ("e5", "e5", "e5"),
        ("", "", ""),
        ("1,23", "1,23", "1,23"),
        (".5", "0.5", "0.5"),
        ("1e5", "100,000", "10 万"),
    ],
)
def test_spoken(x, en, zh):
    assert spoken(x, "en") == en
    assert spoken(x, "zh") == zh


@pytest.mark.parametrize("exponent", range(-30, -3))
def test_a_tiny_value_is_never_said_as_zero(exponent):
    for mantissa in (1.0, 2.24, 4.99, 9.99):
        x = mantissa * 10.0**exponent
        for text in (spoken(x, "en"), spoken(num(x), "en"), spoken(-x, "zh")):
            assert "10" in text and not text.endswith(" 0") and text != "0", (x, text)
            power = int(text.rsplit("10", 1)[1].translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")))
            assert abs(power - math.log10(x)) <= 0.5 + 1e-9, (x, text)


def test_two_significant_figures_at_most():
    for x in (0.0123456, 0.123456, 1.23456, 12.3456, 123.456, 1234.56, 9876.5):
        digits = spoken(x, "en").removeprefix("about ").replace(",", "").replace(".", "").lstrip("0")
        assert len(digits.rstrip("0")) <= 2, (x, spoken(x, "en"))


def test_unknown_language_raises():
    with pytest.raises(ValueError):
        spoken(1.5, "fr")
