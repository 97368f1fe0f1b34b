"""The 30-second answer (the card's `takeaway` section) on the page: filled from the lab at the lesson's
settings, its numbers said aloud (ui.text.spoken), and changing when the lab result changes, in both
languages. Two kinds of lesson: `scaling` (sampled vectors, d_k moved) and `causal-mask` on the tiny GPT
(a real forward pass, the replaced token moved; its masked change is an exact 0, said "exactly 0")."""
from __future__ import annotations

import re

import pytest
from apptest_helpers import exceptions, open_app, vega_frames

from tf_core import limits
from ui import decoders, qa
from ui.i18n import t
from ui.text import num, spoken


@pytest.fixture(params=["en", "zh"])
def lang(request):
    return request.param


def takeaway(at, qid: str, lang: str) -> str:
    """The one Markdown element that holds the card's takeaway: every literal piece of its template
    (the text between the placeholders) is in it, and no placeholder is left."""
    template = qa.load(qid, lang).sections["takeaway"]
    pieces = [p.strip() for p in re.split(r"\{\{.*?\}\}", template) if len(p.strip()) > 2]
    found = [m.value for m in at.markdown if all(p in m.value for p in pieces)]
    assert len(found) == 1, f"{qid} ({lang}): {len(found)} elements hold the takeaway"
    assert not qa.PLACEHOLDER.search(found[0])
    return found[0]


def test_scaling_takeaway_follows_d_k(lang):
    from tf_core.lab import scaling as lab

    dk, n, sigma, seed = (limits.SCALING_DK.default, limits.SCALING_N.default, limits.SCALING_SIGMA.default,
                          limits.SEED.default)
    at = open_app(q="scaling", lang=lang)
    assert not exceptions(at)
    seen = []
    for d in (dk, limits.SCALING_DK.lo):
        if d != dk:
            at.select_slider(key="scaling.dk").set_value(d).run()
            assert not exceptions(at)
        r = lab.run(dk=d, n=n, seed=seed, sigma=sigma)
        text = takeaway(at, "scaling", lang)
        assert f"$d_k$ = {d}" in text and (f"{n} keys" if lang == "en" else f"{n} 个键") in text  # its settings
        for pmax in (r.at_raw.pmax, r.at_scaled.pmax):
            assert spoken(num(pmax), lang) in text, (spoken(num(pmax), lang), text)
        seen.append(text)
    assert seen[0] != seen[1]


@pytest.mark.skipif(not decoders.available(decoders.TINY_GPT), reason="the tiny GPT's checkpoint is missing")
def test_causal_mask_takeaway_follows_the_replaced_token(lang):
    """The masked change is an exact 0 and is said so; the unmasked one, rounded for speech, is the
    largest change the page's Δ-logits chart draws before the replaced token."""
    at = open_app(q="causal-mask", lang=lang, decoder=decoders.TINY_GPT)
    assert not exceptions(at)
    exactly_zero = spoken(0.0, lang)
    seen = []
    for pos in (None, 3):
        if pos is not None:
            at.slider(key="causal-mask.pos").set_value(pos).run()
            assert not exceptions(at)
        p = int(at.query_params["pos"])
        frame = vega_frames(at)[0][1]  # the change per position (the main chart)
        off = frame[(frame.kind == "line") & (frame.series == t("causal.delta.off", lang))].value.to_numpy()
        text = takeaway(at, "causal-mask", lang)
        assert exactly_zero in text  # never "0.0", never "0"
        assert spoken(num(off[:p].max()), lang) in text
        assert (f"token {p} " if lang == "en" else f"第 {p} 个词元") in text
        seen.append(text)
    assert seen[0] != seen[1]
