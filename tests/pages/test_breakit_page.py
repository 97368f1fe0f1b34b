"""AppTest of Break it (app_pages/breakit.py): the page as trained, representative pairs of switches (not all
pairs: each run costs SmolLM2 forwards), the heads at their cap, e5's positions removed and shuffled, in both
languages. The numbers themselves are tested against references in tests/tf_core/test_lab_break_it.py."""
from __future__ import annotations

import pytest
from apptest_helpers import exceptions, open_app, page_text, vega_frames

from tf_core import limits
from ui.i18n import t


def breakit(lang: str):
    at = open_app(lang=lang)
    at.switch_page("app_pages/breakit.py").run()
    assert not exceptions(at), exceptions(at)
    return at


def ppl(at) -> tuple[float, float]:
    before, after = at.metric[0].value.split(" → ")
    return float(before.replace(",", "")), float(after.replace(",", ""))


def test_as_trained_nothing_changes_and_each_switch_alone_is_charted():
    at = breakit("en")
    before, after = ppl(at)
    assert before == after and at.metric[1].value == "×1"
    assert t("brk.intact_note", "en") in [i.value for i in at.info]
    overview = next(df for _, df in vega_frames(at) if "ppl" in df.columns)
    assert len(overview) == 6 and overview.intact.sum() == 1 and (overview.ppl > 0).all()
    assert overview.ppl[overview.intact].item() == pytest.approx(before, rel=5e-3)
    assert len(at.code) == 3  # the prompt, then both continuations: text in code blocks, never Markdown


@pytest.mark.parametrize("lang, switches", [("zh", ("scale", "causal")), ("en", ("rope", "norm_scale"))])
def test_pairs_of_switches_cost_perplexity_and_say_how_they_generated(lang, switches):
    at = breakit(lang)
    for s in switches:
        at.toggle(key=f"brk.{s}").set_value(False)
    at.run()
    assert not exceptions(at), exceptions(at)
    before, after = ppl(at)
    assert after > before
    captions = " ".join(c.value for c in at.caption)
    if "causal" in switches:  # without the mask, generation must not use the cache (it would hide the mask)
        assert t("brk.gen.uncached", lang) in captions
    else:
        assert t("brk.gen.uncached", lang) not in captions


def test_heads_at_their_cap_and_e5_positions_shuffled_at_the_last_seed():
    at = breakit("en")
    at.multiselect(key="brk.layers").set_value(list(range(limits.BREAKIT_HEADS_OFF // 9)))
    at.run()
    at.button_group(key="brk.positions").set_value("shuffle").run()
    at.number_input(key="brk.seed").set_value(limits.SEED.hi).run()
    assert not exceptions(at), exceptions(at)
    assert ppl(at)[1] > ppl(at)[0]
    assert t("brk.sim.broken", "en", how=t("brk.pos.shuffle", "en")) in " ".join(
        str(df.panel.unique()) for _, df in vega_frames(at) if "panel" in df.columns)
    assert t("brk.pos.shuffle", "en") in page_text(at)
