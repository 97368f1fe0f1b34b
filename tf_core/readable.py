"""Text as the tokenizers take it, and tokens as the pages show them.

One convention for every token the app displays (the tokenizer comparison, the BPE trainer, the
decoder lessons' prompts):
  ␣ a space, ↵ a newline, ⇥ a tab;
  ⟨E6 B3⟩ the bytes of a piece that holds only part of a character (hexadecimal UTF-8 bytes);
  ⟨U+200B⟩ an invisible or control character (never a raw control character, never U+FFFD).
Display strings are plain text: a page must escape them (they may hold "<script>").
"""
from __future__ import annotations

import functools
import unicodedata

_SHOWN = {" ": "␣", "\n": "↵", "\t": "⇥"}
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"}  # categories drawn as ⟨U+XXXX⟩ (Zs: other spaces)


def visible(text: str) -> str:
    """``text`` with spaces, newlines, tabs and invisible characters made visible.

    >>> visible("a b\\nc\\u200b\\x07")
    'a␣b↵c⟨U+200B⟩⟨U+0007⟩'
    """
    out = []
    for ch in text:
        if ch in _SHOWN:
            out.append(_SHOWN[ch])
        elif unicodedata.category(ch) in _HIDDEN or ch == "\ufffd":
            out.append(f"⟨U+{ord(ch):04X}⟩")
        else:
            out.append(ch)
    return "".join(out)


def _utf8_length(lead: int) -> int:
    """Bytes of the UTF-8 sequence a lead byte starts (1 for a byte that cannot start one)."""
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 1


def readable_bytes(data: bytes) -> str:
    """Bytes as text: whole UTF-8 characters as themselves (made ``visible``), the bytes of a partial
    character as hexadecimal in ⟨ ⟩. Never U+FFFD.

    >>> readable_bytes("注".encode()), readable_bytes("注".encode()[:2]), readable_bytes(b" \\xe6")
    ('注', '⟨E6 B3⟩', '␣⟨E6⟩')
    """
    out: list[str] = []
    loose: list[str] = []  # hex of consecutive bytes that are not a whole character
    i = 0
    while i < len(data):
        n = _utf8_length(data[i])
        try:
            ch = data[i:i + n].decode("utf-8") if i + n <= len(data) else None
        except UnicodeDecodeError:
            ch = None
        if ch is None:
            loose.append(f"{data[i]:02X}")
            i += 1
            continue
        if loose:
            out.append("⟨" + " ".join(loose) + "⟩")
            loose = []
        out.append(visible(ch))
        i += n
    if loose:
        out.append("⟨" + " ".join(loose) + "⟩")
    return "".join(out)


def whole_utf8(data: bytes) -> bool:
    """True when ``data`` is whole UTF-8 characters (no piece of one)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@functools.cache
def byte_decoder() -> dict[str, int]:
    """GPT-2's byte alphabet backwards: character -> byte (built once; never modified)."""
    from tf_core.models.smollm2 import byte_alphabet

    return {c: b for b, c in byte_alphabet().items()}


def as_text(text: object) -> str:
    """Any input as a str the tokenizers accept: lone surrogates (which cannot be UTF-8) become
    U+FFFD, a valid surrogate pair its character; None becomes ""."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def cut_text(text: object, max_chars: int) -> tuple[str, int, bool]:
    """(the first ``max_chars`` characters of ``as_text(text)``, its length before the cut, whether it was cut)."""
    text = as_text(text)
    return text[:max_chars], len(text), len(text) > max_chars
