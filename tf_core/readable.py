"""Text as the tokenizers take it, and tokens as the pages show them.

One convention for every token the app displays (the tokenizer comparison, the BPE trainer, the
decoder lessons' prompts):
  ␣ a space, ↵ a newline, ⇥ a tab;
  ⟨E6 B3⟩ the bytes of a piece that holds only part of a character (hexadecimal UTF-8 bytes);
  ⟨U+200B⟩ an invisible or control character (never a raw control character, never U+FFFD).
Display strings are plain text: a page must escape them (they may hold "<script>").

A byte-level tokenizer may split one character over several pieces (Chinese, emoji). Shown one by
one, such pieces are hexadecimal; :func:`char_labels` shows consecutive pieces as the characters
they make together instead: the text on the first piece of each group, ``·`` on the rest.
"""
from __future__ import annotations

import codecs
import functools
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

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


CONTINUED = "·"  # the label of a piece whose characters the first piece of its group shows


class CharGroup(NamedTuple):
    """Pieces ``start`` .. ``stop - 1`` of a sequence; ``text``: the characters their bytes make
    together, or None when they make none (a piece that stays as it is: see :func:`char_groups`)."""

    start: int
    stop: int
    text: str | None


def char_groups(pieces: Sequence[bytes | str]) -> tuple[CharGroup, ...]:
    """Consecutive pieces grouped into whole characters: a group ends at the first piece after
    which the bytes since the group's start are whole UTF-8, so a piece that closes one character
    and opens the next joins both characters' pieces in one group. A group that cannot be completed
    (the bytes stop being UTF-8, the sequence ends in the middle of a character, a ``str`` piece
    comes first) is not formed: its first piece becomes a group of its own with ``text`` None, and
    grouping starts again at the next piece. A ``str`` piece is a token that is no text (a special
    token such as ``<|im_start|>``): always a group of its own, text None.

    >>> zhu, yi = "注".encode(), "意".encode()  # E6 B3 A8, E6 84 8F
    >>> char_groups([zhu[:2], zhu[2:] + yi[:1], yi[1:], b" a"])
    (CharGroup(start=0, stop=3, text='注意'), CharGroup(start=3, stop=4, text=' a'))
    >>> char_groups([b"a", zhu[:2]])  # cut in the middle of a character
    (CharGroup(start=0, stop=1, text='a'), CharGroup(start=1, stop=2, text=None))
    """
    groups: list[CharGroup] = []
    i, n = 0, len(pieces)
    while i < n:
        decoder = codecs.getincrementaldecoder("utf-8")()
        text: list[str] = []
        j, whole = i, False
        while j < n and isinstance(pieces[j], bytes) and not whole:
            try:
                text.append(decoder.decode(pieces[j]))
            except UnicodeDecodeError:
                break
            j += 1
            whole = decoder.getstate()[0] == b""  # no byte left waiting for the rest of its character
        groups.append(CharGroup(i, j, "".join(text)) if whole else CharGroup(i, i + 1, None))
        i = j if whole else i + 1
    return tuple(groups)


def char_labels(pieces: Sequence[bytes | str]) -> tuple[str, ...]:
    """One display label per piece: each group of :func:`char_groups` as its characters (made
    ``visible``) on its first piece and ``·`` (CONTINUED) on the others; a piece in no group that
    decodes as ``readable_bytes`` (hexadecimal where it is part of a character), a ``str`` piece as
    it is. A piece that is whole characters by itself keeps the label ``readable_bytes`` gives it.

    >>> cong = "从".encode()  # E4 BB 8E, split as SmolLM2 splits it
    >>> char_labels([cong[:2], cong[2:], " 前".encode(), "<|im_start|>"])
    ('从', '·', '␣前', '<|im_start|>')
    >>> char_labels([b"ok", cong[:2], b" dog", cong[2:]])  # a swap in the middle of the character
    ('ok', '⟨E4 BB⟩', '␣dog', '⟨8E⟩')
    """
    labels: list[str] = []
    for g in char_groups(pieces):
        if g.text is None:
            piece = pieces[g.start]
            labels.append(piece if isinstance(piece, str) else readable_bytes(piece))
        else:
            labels += [visible(g.text)] + [CONTINUED] * (g.stop - g.start - 1)
    return tuple(labels)


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
