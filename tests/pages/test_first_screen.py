"""AppTest: the first screen of every built lesson, in both languages (DESIGN.md, "anatomy of a
lesson"; issue 13). Under the title: the short answer, the 30-second takeaway in its keyed box, a
strip of 2 to 4 headline figures that are measured results and repeat no number of the short answer
or the takeaway, then the controls row (ending in Reset) and the main chart's container.

Where these sit on a real screen (the strip fully visible and the main chart's top at most 518 px
down at 1366x768) is checked in a browser: tests/browser/test_browser_pages.py. Lessons come from
the curriculum, so a new one is covered without editing this file. The decoder lessons run on the
tiny GPT with short settings here (the layout does not depend on the model; SmolLM2's run is
covered by their own page tests).
"""
from __future__ import annotations

import re

import pytest
from apptest_helpers import assert_healthy, open_app

from ui import curriculum
from ui.lesson import MAIN_KEY

QUICK = {  # settings that keep a heavy lesson's run short; the layout is the same
    "parallelism": {"decoder": "tiny-gpt", "n": "4", "repeats": "1"},
    "kv-cache": {"decoder": "tiny-gpt", "new": "3"},
    "causal-mask": {"decoder": "tiny-gpt"},
    "residual-leak": {"decoder": "tiny-gpt"},
}
LESSONS = [q.id for q in curriculum.load().questions if q.built]
# a number and the unit written after it: a figure of 3.3 ms does not repeat an answer's "3.3× as long"
# (two timings that happened to round alike), but 3.3 ms twice, or a bare 0.966 twice, does
NUMBER = re.compile(r"(\d[\d,.]*\d|\d)\s?(ms|µs|毫秒|微秒|MiB|MB|kB|GB|GiB|×|倍|%)?")
SAME_UNIT = {"毫秒": "ms", "微秒": "µs", "倍": "×"}


def numbers(text: str) -> set[tuple[str, str]]:
    return {(n, SAME_UNIT.get(unit, unit)) for n, unit in NUMBER.findall(text)}


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _keyed(at, key: str) -> list:
    """The containers made with ``st.container(key=key)`` (their proto id ends in the key)."""
    return [n for n in _walk(at._tree)
            if type(n).__name__ == "Block" and str(getattr(n.proto, "id", "")).endswith(f"-{key}")]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("qid", LESSONS)
def test_first_screen(qid, lang):
    at = open_app(q=qid, lang=lang, **QUICK.get(qid, {}))
    assert_healthy(at, qid, lang)
    (strip,) = _keyed(at, "lesson-figures")
    figures = [n for n in _walk(strip) if type(n).__name__ == "Metric"]
    assert 2 <= len(figures) <= 4, f"{qid} ({lang}): {len(figures)} headline figures, expected 2 to 4"
    assert len(figures) == len(at.metric), f"{qid} ({lang}): a metric outside the strip"
    assert all(str(f.value).strip() for f in figures), f"{qid} ({lang}): an empty figure"
    short = at.markdown[0].value
    (box,) = _keyed(at, f"{qid}.takeaway")
    takeaway = " ".join(n.value for n in _walk(box) if type(n).__name__ == "Markdown")
    assert takeaway.strip(), f"{qid} ({lang}): no takeaway under the short answer"
    said = numbers(short + " " + takeaway)
    for f in figures:  # a figure is not a number the learner has just read in the answer
        for n, unit in numbers(str(f.value)):
            if len(n) >= 3:
                assert (n, unit) not in said, f"{qid} ({lang}): figure {f.label!r} = {f.value!r} repeats {n}{unit} of the answer"
    assert at.button(key=f"{qid}.reset"), f"{qid} ({lang}): no Reset in the controls row"
    assert len(_keyed(at, MAIN_KEY)) == 1, f"{qid} ({lang}): no main chart container"
