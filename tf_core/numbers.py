"""Whole numbers 0 .. 99,999 as English words and as Chinese numerals, both ways, exactly.

This is the data of the project's small translation model (tf_core.models.seq2seq.Seq2Seq): English
number words in, Chinese numerals out. The rules are written out here, so every training pair and
every reference answer comes from one tested function.

English, one convention chosen so that a space-split gives the encoder's tokens:
    lower case, one space between words, British "and" (before the last one or two digits when
    something larger comes first), tens and units as two words without a hyphen.

        21      twenty one                     (not "twenty-one": that would be one more token type)
        305     three hundred and five
        1005    one thousand and five          (the "and" also follows "thousand" when the rest < 100)
        21305   twenty one thousand three hundred and five

    The vocabulary is 31 words: zero .. nineteen, twenty .. ninety, hundred, thousand, and. The
    longest spelling has 8 words (77,777: seventy seven thousand seven hundred and seventy seven).

Chinese, the standard simplified numerals (二, never 两; no 〇):
    a digit, then its place (十 百 千 万); a place whose digit is 0 is skipped, and one 零 stands
    for a run of skipped places between two written ones; zeros at the end are not written; the 一
    of 一十 is dropped only when 十 is the first place written.

        10 十   15 十五   110 一百一十   305 三百零五   1005 一千零五   10010 一万零一十   20305 二万零三百零五

:func:`parse_number` reads what a learner types (digits, English words, or Chinese numerals) and
raises :class:`NumberError` (a ``ValueError``) with a message the app can show as it is.

    >>> to_english(20305), to_chinese(20305)
    ('twenty thousand three hundred and five', '二万零三百零五')
    >>> parse_number(" Twenty-one thousand, three hundred five "), parse_number("99,999")
    (21305, 99999)
"""
from __future__ import annotations

import functools
import hashlib
import re

from tf_core import limits

ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# Every word to_english can write: the source vocabulary of the translation model, in a fixed order.
ENGLISH_WORDS = ONES + TENS[2:] + ("hundred", "thousand", "and")

DIGITS_ZH = "零一二三四五六七八九"
PLACES_ZH = ("", "十", "百", "千", "万")  # the place of digit i from the right
# Every character to_chinese can write: the target vocabulary of the translation model.
CHINESE_CHARS = tuple(DIGITS_ZH) + ("十", "百", "千", "万")

_WORD_VALUE = {w: i for i, w in enumerate(ONES)} | {w: 10 * i for i, w in enumerate(TENS) if w}
_DIGITS_RE = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")
_PLACE_VALUE = {"十": 10, "百": 100, "千": 1000}


class NumberError(ValueError):
    """Text that is not a whole number from ``limits.NUMBER.lo`` to ``limits.NUMBER.hi``.

    ``code`` says which rule failed, for a UI that words the message in its own language:
    "empty", "too_long", "range", "digits", "words" or "chinese"; ``value`` is the number read,
    when there was one (a "range" error)."""

    def __init__(self, message: str, code: str, value: int | None = None):
        super().__init__(message)
        self.code = code
        self.value = value


def _check(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int, got {n!r}")
    if not limits.NUMBER.lo <= n <= limits.NUMBER.hi:
        raise NumberError(f"{n:,} is outside the range {limits.NUMBER.lo} to {limits.NUMBER.hi:,}", "range", n)
    return n


# ---------------------------------------------------------------------------------------------
# English
# ---------------------------------------------------------------------------------------------

def _below_hundred(n: int) -> list[str]:
    if n < 20:
        return [ONES[n]]
    tens, units = divmod(n, 10)
    return [TENS[tens]] + ([ONES[units]] if units else [])


def _below_thousand(n: int) -> list[str]:
    """1 .. 999: "three hundred and five"; the caller never passes 0."""
    hundreds, rest = divmod(n, 100)
    words = [ONES[hundreds], "hundred"] if hundreds else []
    if rest:
        words += (["and"] if hundreds else []) + _below_hundred(rest)
    return words


def english_words(n: int) -> tuple[str, ...]:
    """``n`` in English, one word per item: the tokens the translation model's encoder reads.

    >>> english_words(1005)
    ('one', 'thousand', 'and', 'five')
    """
    _check(n)
    if n == 0:
        return ("zero",)
    thousands, rest = divmod(n, 1000)  # thousands <= 99: never "hundred thousand" below 100,000
    words = _below_hundred(thousands) + ["thousand"] if thousands else []
    if rest:
        words += (["and"] if thousands and rest < 100 else []) + _below_thousand(rest)
    return tuple(words)


def to_english(n: int) -> str:
    """``n`` in British English words, lower case, single spaces (see the module docstring).

    >>> to_english(0), to_english(21), to_english(305), to_english(1100)
    ('zero', 'twenty one', 'three hundred and five', 'one thousand one hundred')
    """
    return " ".join(english_words(n))


def _words_to_int(words: list[str]) -> int:
    """Words without "and" -> their value, by the grammar  [group "thousand"] [group]  where a
    group is  [unit "hundred"] [tens [unit] | 1..19]. Raises NumberError("words") otherwise."""
    def fail(why: str) -> NumberError:
        return NumberError(f"'{' '.join(words)}' is not a number in words: {why}", "words")

    def group(i: int) -> tuple[int, int]:
        """The value of the group starting at words[i], and the index after it (0, i if none)."""
        value = 0
        if i + 1 < len(words) and words[i + 1] == "hundred":
            if not 1 <= _WORD_VALUE.get(words[i], 0) <= 9:
                raise fail(f"'{words[i]}' cannot come before 'hundred'")
            value, i = 100 * _WORD_VALUE[words[i]], i + 2
        if i < len(words) and words[i] in TENS[2:]:
            value, i = value + _WORD_VALUE[words[i]], i + 1
            if i < len(words) and words[i] in ONES[1:10]:
                value, i = value + _WORD_VALUE[words[i]], i + 1
        elif i < len(words) and words[i] in ONES[1:]:
            value, i = value + _WORD_VALUE[words[i]], i + 1
        return value, i

    for w in words:
        if w in ("million", "millions", "billion", "billions"):
            raise NumberError(f"'{' '.join(words)}' is {limits.NUMBER.hi + 1:,} or more: the range is "
                              f"{limits.NUMBER.lo} to {limits.NUMBER.hi:,}", "range")
        if w not in _WORD_VALUE and w not in ("hundred", "thousand"):
            raise fail(f"'{w}' is not a number word (zero .. nineteen, twenty .. ninety, hundred, thousand, and)")
    if words == ["zero"]:
        return 0
    value, i = group(0)
    if i < len(words) and words[i] == "thousand":
        if value == 0:
            raise fail("'thousand' needs a number before it")
        if value >= 100:  # "one hundred thousand" and more: grammatical, but outside the range
            raise NumberError(f"{value * 1000:,} is outside the range {limits.NUMBER.lo} to {limits.NUMBER.hi:,}",
                              "range", value * 1000)
        rest, i = group(i + 1)
        value = value * 1000 + rest
    if i != len(words) or value == 0:
        where = f"'{words[i]}' is out of place" if i < len(words) else "it is incomplete"
        raise fail(where)
    return value


# ---------------------------------------------------------------------------------------------
# Chinese
# ---------------------------------------------------------------------------------------------

def to_chinese(n: int) -> str:
    """``n`` in standard simplified Chinese numerals (see the module docstring).

    >>> [to_chinese(n) for n in (0, 10, 15, 110, 1005, 10010, 99999)]
    ['零', '十', '十五', '一百一十', '一千零五', '一万零一十', '九万九千九百九十九']
    """
    _check(n)
    if n == 0:
        return DIGITS_ZH[0]
    digits = [int(c) for c in str(n)]  # most significant first; the first is never 0
    out, skipped = [], False
    for i, d in enumerate(digits):
        place = len(digits) - 1 - i
        if d == 0:
            skipped = True  # written as one 零 only if a non-zero digit follows
            continue
        if skipped:
            out.append(DIGITS_ZH[0])
            skipped = False
        if not (i == 0 and place == 1 and d == 1):  # 十五, but 一百一十 and 一万零一十
            out.append(DIGITS_ZH[d])
        out.append(PLACES_ZH[place])
    return "".join(out)


def from_chinese(text: str) -> int:
    """The value of standard Chinese numerals, the exact inverse of :func:`to_chinese`: any other
    spelling (两百, 一十五, 三百五, a trailing 零) raises NumberError("chinese").

    >>> from_chinese("二万零三百零五")
    20305
    """
    value = section = digit = 0
    for ch in text:
        if ch in DIGITS_ZH:
            digit = DIGITS_ZH.index(ch)
        elif ch in _PLACE_VALUE:
            section, digit = section + (digit or 1) * _PLACE_VALUE[ch], 0
        elif ch == "万":
            value, section, digit = value + (section + digit) * 10_000, 0, 0
        else:
            raise NumberError(f"'{text}' is not a Chinese numeral: '{ch}' is not one of {''.join(CHINESE_CHARS)}",
                              "chinese")
    value += section + digit
    if value > limits.NUMBER.hi:
        raise NumberError(f"{value:,} is outside the range {limits.NUMBER.lo} to {limits.NUMBER.hi:,}", "range", value)
    if not text or to_chinese(value) != text:
        raise NumberError(f"'{text}' is not written in the standard form (e.g. 三百零五 for 305)", "chinese")
    return value


# ---------------------------------------------------------------------------------------------
# What a learner types
# ---------------------------------------------------------------------------------------------

def parse_number(text: str) -> int:
    """A whole number from ``limits.NUMBER.lo`` to ``limits.NUMBER.hi`` written as the learner likes:
    digits ("305", " 99,999 "), English words (any case, extra spaces, hyphens, commas, with or
    without "and"), or standard Chinese numerals ("三百零五"). Raises NumberError otherwise.

    >>> parse_number("Three Hundred Five"), parse_number("one thousand and five"), parse_number("三百零五")
    (305, 1005, 305)
    """
    text = "" if text is None else str(text).strip()
    if not text:
        raise NumberError(f"type a whole number from {limits.NUMBER.lo} to {limits.NUMBER.hi:,}, in digits (305) "
                          "or words (three hundred and five)", "empty")
    if len(text) > limits.NUMBER_TEXT_CHARS:
        raise NumberError(f"that text is {len(text)} characters long; a number needs at most "
                          f"{limits.NUMBER_TEXT_CHARS}", "too_long")
    if text[0] in "+-−0123456789":
        sign, body = (-1, text[1:].strip()) if text[0] in "-−" else (1, text.lstrip("+").strip())
        if not _DIGITS_RE.fullmatch(body):
            raise NumberError(f"'{text}' is not a whole number: use the digits 0-9, with commas between groups "
                              "of three if you like (99,999)", "digits")
        return _check(sign * int(body.replace(",", "")))
    if any(ch in CHINESE_CHARS for ch in text):
        return _check(from_chinese(re.sub(r"\s+", "", text)))
    words = [w for w in re.split(r"[\s,\-]+", text.lower()) if w and w != "and"]
    if not words:
        raise NumberError(f"'{text}' is not a number in words", "words")
    return _check(_words_to_int(words))


@functools.lru_cache(maxsize=4)  # a pure function of (seed, count), ~0.2 s: the lesson asks for it on every run
def held_out_numbers(seed: int, count: int) -> tuple[int, ...]:
    """The ``count`` numbers of 0 .. 99,999 kept out of training by the translation model, sorted.

    The rule, chosen to be the same on every machine and every Python or NumPy version: order all
    numbers by the SHA-256 of the text "<seed>:<n>" and take the first ``count``. So the split is a
    pure function of (seed, count), which the checkpoint's config.json records.

    >>> held_out_numbers(0, 3)
    (20015, 74968, 75910)
    """
    if not 0 <= count <= limits.NUMBER.hi + 1:
        raise ValueError(f"count must be in [0, {limits.NUMBER.hi + 1}], got {count}")
    key = lambda n: hashlib.sha256(f"{seed}:{n}".encode()).digest()  # noqa: E731
    return tuple(sorted(sorted(range(limits.NUMBER.lo, limits.NUMBER.hi + 1), key=key)[:count]))
