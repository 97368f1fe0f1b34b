"""AppTest of the `pe-adds` lesson (page positions): both languages at the defaults (the headline figures
and the card against the lab's own runs), the controls at both ends (e5's lower tokens cap included), the
dot-product reading, a bad URL."""
from __future__ import annotations

import pytest

from apptest_helpers import assert_healthy, open_app, page_text, plotly_figures
from tf_core import limits
from ui.text import num, pct

QID = "pe-adds"


def healthy(at, lang: str):
    frames = assert_healthy(at, QID, lang, 3)  # recovery by position, cosine spread, components
    figures = plotly_figures(at)
    assert len(figures) == 1 and figures[0]["data"][0]["z"]["shape"] == "512, 512"  # the position table's similarity
    assert len(at.metric) == 4
    return frames


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_page_quotes_the_live_search(lang):
    from tf_core.lab import pe_adds as lab
    from ui.encoders import encoder

    at = open_app(q=QID, lang=lang)
    frames = healthy(at, lang)
    r = lab.recover(encoder("minilm", lang))  # the server's own cached model: same weights, same rows
    assert at.metric[0].value == f"{pct(r.variant('sin_plain_cos').mean(), 1)} → {pct(r.variant('sin_scaled_cos').mean(), 1)}"
    assert at.metric[1].value == f"{num(r.word_cos.min())} … {num(r.word_cos.max())}"
    recovery = frames[0][1]
    assert len(recovery) == 4 * limits.PEADD_POSITIONS.default and sorted(set(recovery.p)) == r.positions.tolist()
    assert pct(r.variant("learned_raw_cos").mean(), 1) in page_text(at)  # the short answer quotes the run
    assert at.query_params["measure"] == "cos" and at.query_params["model"] == "minilm"


def test_low_end_with_e5_and_the_dot_product():
    at = open_app(q=QID, lang="en", model="e5", measure="dot")
    at.number_input(key=f"{QID}.sample").set_value(limits.PEADD_SAMPLE.lo)
    at.number_input(key=f"{QID}.positions").set_value(limits.PEADD_POSITIONS.lo)
    at.number_input(key=f"{QID}.seed").set_value(limits.SEED.lo)
    at.run()
    frames = healthy(at, "en")
    assert len(frames[0][1]) == 4  # one position, four readings
    assert "multilingual-e5-small" in page_text(at)


def test_high_end_keeps_e5_within_the_work_cap():
    from tf_core.lab import pe_adds as lab

    at = open_app(q=QID, lang="zh", model="e5", positions=str(limits.PEADD_POSITIONS.hi), sample=str(limits.PEADD_SAMPLE.hi),
                  seed=str(limits.SEED.hi))
    healthy(at, "zh")
    assert at.session_state[f"{QID}.sample"] == lab.max_sample(250_037, limits.PEADD_POSITIONS.hi) < limits.PEADD_SAMPLE.hi


def test_a_bad_url_falls_back_with_notices():
    at = open_app(q=QID, lang="en", model="<b>gpt</b>", measure="cosine", positions="99")
    assert not at.exception and len(at.info) >= 3
    assert at.session_state[f"{QID}.model"] == "minilm" and at.session_state[f"{QID}.positions"] == limits.PEADD_POSITIONS.hi
