"""Which pretrained encoder to use, and loading it by key.

Chinese characters go to the multilingual encoder by default: MiniLM's uncased WordPiece
vocabulary has only 244 CJK characters, so a Chinese sentence becomes mostly [UNK] there.
"""
from __future__ import annotations

import re

from tf_core.models.catalog import MODELS

ENCODERS = ("minilm", "e5")
AUTO = "auto"
# CJK Unified Ideographs (with extension A and the compatibility block), kana and hangul.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def available() -> tuple[str, ...]:
    """The encoders whose packages are installed here."""
    return tuple(k for k in ENCODERS if MODELS[k].installed())


def pick(text: str, requested: str = AUTO) -> str:
    """The encoder to run: the requested one if installed; for "auto" (or a missing one) the
    multilingual encoder when the text has CJK characters and it is installed, else MiniLM."""
    here = available()
    if requested in here:
        return requested
    if has_cjk(text) and "e5" in here:
        return "e5"
    return "minilm"


def load(key: str, device="cpu"):
    """The TextEncoder for ``key`` (imports torch and reads the weights: cache the result)."""
    if key == "minilm":
        from tf_core.models import minilm

        return minilm.load(device)
    if key == "e5":
        from tf_core.models import e5

        return e5.load(device)
    raise KeyError(f"unknown encoder {key!r}; expected one of {ENCODERS}")
