"""ui.training: the store of finished runs (bounded, most recently used kept) and the line that says
where a run trained, in both languages."""
from __future__ import annotations

import pytest

from ui import training
from ui.i18n import t


def test_store_keeps_the_most_recently_used():
    store = training._Store(2)
    store.put("a", 1)
    store.put("b", 2)
    assert store.get("a") == 1  # "a" is now the most recent
    store.put("c", 3)  # evicts "b", the least recently used
    assert store.get("b") is None and store.get("a") == 1 and store.get("c") == 3


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_where_names_the_device_and_the_count(lang):
    line = training.where("cpu", 1, 7, 2.345, 4, lang)
    assert t("train.device.cpu", lang) in line and "2.3" in line and "7" in line
    if lang == "en":
        assert "1 torch thread " in line and "4 runs" in line  # singular and plural by the count
        assert "on the GPU" in training.where("cuda", 0, 0, 1.0, 1, "en") and "1 run." in training.where("cuda", 0, 0, 1.0, 1, "en")
