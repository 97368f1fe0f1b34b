"""Presenter mode (ui/presenter.py) in AppTest: ``?present=1`` folds the card's prose away and enlarges the
charts; a teacher pins three experiment states into the slide list that lives in the address, steps
through them with next and previous (each slide opens its lesson with its settings), shows a slide's
QR code, and a hand-edited or foreign slide list gives a notice, never a traceback."""
from __future__ import annotations

import pytest
from apptest_helpers import assert_healthy, open_app, vega_frames

from ui import presenter
from ui.i18n import t


def images(node) -> list:
    """The st.image elements under an AppTest node (AppTest has no accessor for them)."""
    found = [node] if type(node).__name__ == "Image" else []
    for child in getattr(node, "children", {}).values():
        found += images(child)
    return found


def button(at, key: str):
    return at.button(key=key)


def test_presenter_mode_folds_the_prose_and_enlarges_the_charts():
    plain = open_app(q="scaling", lang="en", dk="512")
    at = open_app(q="scaling", lang="en", dk="512", present="1")
    assert_healthy(at, "scaling", "en")
    assert len(at.markdown) < len(plain.markdown) and not at.expander  # no short answer, wrong answers, card, code, export
    assert len(at.metric) == len(plain.metric) and len(vega_frames(at)) == len(vega_frames(plain))  # the evidence stays
    before, after = vega_frames(plain)[0][0], vega_frames(at)[0][0]
    assert after["config"]["axis"]["labelFontSize"] == round(before["config"]["axis"]["labelFontSize"] * presenter.FONT_SCALE, 1)
    assert at.query_params["present"] == "1" and at.query_params["dk"] == "512"  # the switch survives the lesson's own address
    assert not at.info  # present and deck are the app's own parameters, not unknown ones


def test_three_slides_pinned_then_stepped_through():
    at = open_app(q="scaling", lang="zh", dk="512", present="1")
    button(at, "scaling.present.pin").click().run()
    deck = at.query_params["deck"]
    assert presenter.read_deck(deck) == [{"q": "scaling", "dk": "512", "n": "32", "seed": "0", "sigma": "1"}]
    assert t("present.where", "zh", i=1, n=1) in " ".join(m.value for m in at.markdown)
    # a second and a third slide on two other lessons, pinned from their pages
    at = open_app(q="complexity", lang="zh", n="256", present="1", deck=deck)
    button(at, "complexity.present.pin").click().run()
    at = open_app(q="positional-encoding", lang="zh", d="32", present="1", deck=at.query_params["deck"])
    button(at, "positional-encoding.present.pin").click().run()
    deck = at.query_params["deck"]
    assert [s["q"] for s in presenter.read_deck(deck)] == ["scaling", "complexity", "positional-encoding"]
    assert t("present.where", "zh", i=3, n=3) in " ".join(m.value for m in at.markdown)
    assert button(at, "positional-encoding.present.next").proto.disabled  # the last slide
    button(at, "positional-encoding.present.prev").click().run()  # -> slide 2: complexity at n = 256
    assert not at.exception and at.query_params["q"] == "complexity" and at.query_params["n"] == "256"
    assert at.query_params["deck"] == deck and at.query_params["present"] == "1"
    assert t("present.where", "zh", i=2, n=3) in " ".join(m.value for m in at.markdown)
    button(at, "complexity.present.prev").click().run()  # -> slide 1
    assert at.query_params["q"] == "scaling" and at.query_params["dk"] == "512"
    at.toggle(key="scaling.present.qr").set_value(True).run()
    assert len(images(at._tree)) == 1 and "present=1" in at.code[0].value and "deck=" in at.code[0].value


@pytest.mark.parametrize("deck", ["not-base64!!", presenter.encode_deck({"q": "scaling"}),  # not a list
                                  presenter.encode_deck([{"q": "no-such-lesson"}, {"q": "scaling", "dk": 7},
                                                         {"url": "https://example.org/x"}, {"q": "scaling", "dk": "64"}]),
                                  "A" * (presenter.MAX_DECK_CHARS + 1)])
def test_a_broken_or_foreign_slide_list_gives_a_notice(deck):
    at = open_app(q="scaling", lang="en", present="1", deck=deck)
    said = " ".join(i.value for i in at.info)
    expected = [t(k, "en", n=3, cap=presenter.MAX_DECK_CHARS) for k in ("present.deck_bad", "present.deck_long", "present.slides_dropped")]
    assert not at.exception and any(e in said for e in expected), said
    slides = presenter.read_deck(deck)
    assert all(s["q"] == "scaling" and all(isinstance(v, str) for v in s.values()) for s in slides)
    assert len(slides) <= 1
