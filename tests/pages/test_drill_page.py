"""AppTest of the interview drill (app_pages/drill.py): a card dealt, a prediction committed and revealed
against the live answer, a grade that schedules the card, the selection by topic and by level, and an
answer missing. (Downloads and uploads are driven in a real browser: tests/browser.)"""
from __future__ import annotations

import pytest
from apptest_helpers import exceptions, open_app, page_text

from tf_core.drill import QUANTITIES
from ui import curriculum
from ui.i18n import t


def drill(lang: str):
    at = open_app(lang=lang)
    at.switch_page("app_pages/drill.py").run()
    assert not exceptions(at), exceptions(at)
    return at


def choose_topic(at, topic: str):
    at.button_group(key="drill.mode").set_value("topic").run()
    at.selectbox(key="drill.topic").set_value(topic).run()
    assert not exceptions(at), exceptions(at)
    return at


def predict(at, value: float):
    qid = next(q for q in QUANTITIES if t(f"drill.{q}.ask", at.session_state["lang"]) in page_text(at))
    if QUANTITIES[qid].kind == "yesno":
        at.radio(key="drill.guess").set_value(1.0 if value else 0.0)
    else:
        at.number_input(key="drill.guess").set_value(value)
    next(b for b in at.button if b.proto.label == t("drill.ui.reveal", at.session_state["lang"])).click().run()
    assert not exceptions(at), exceptions(at)
    return qid


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_first_card_is_the_first_question_of_the_study_path(lang):
    at = drill(lang)
    first = curriculum.load().in_study_order()[0]
    assert at.subheader[0].value == first.title(lang)
    assert t(f"drill.{first.id}.ask", lang) in page_text(at)
    assert [m.value for m in at.metric][:2] == [str(len(QUANTITIES)), "0"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_predict_reveal_and_grade_one_card(lang):
    at = choose_topic(drill(lang), "scaling")
    qid = predict(at, 0.5)
    assert qid == "scaling"
    values = [m.value for m in at.metric]
    mine, live, far = values[-3:]
    assert mine == "0.5" and float(live) > 0.9  # unscaled at d_k = 4096: nearly one-hot
    assert far == t("drill.ui.off", lang, amount=f"{abs(0.5 - float(live)):.3g}", side=t("drill.ui.low", lang))
    assert t("drill.ui.far.linear", lang, tol="0.15") in [w.value for w in at.warning]
    at.button(key="drill.grade.good").click().run()
    assert not exceptions(at), exceptions(at)
    state = at.session_state["drill.states"]["scaling"]
    assert (state.reps, state.interval) == (1, 1)
    assert at.info and "drill.practice" in [b.key for b in at.button]  # nothing else due: when, and "practise anyway"
    assert [m.value for m in at.metric][:5] == ["1", "1", "0", "0 %", "70 %"]


def test_again_brings_the_card_back_when_nothing_else_is_left():
    at = choose_topic(drill("en"), "scaling")
    predict(at, 0.99)
    at.button(key="drill.grade.again").click().run()
    assert at.subheader[0].value == curriculum.load().get("scaling").title("en")  # the only card: back at once
    assert "drill.guess" in [n.key for n in at.number_input]  # asked again, not revealed


def test_a_reveal_without_a_prediction_asks_for_one():
    at = choose_topic(drill("en"), "scaling")
    next(b for b in at.button if b.proto.label == t("drill.ui.reveal", "en")).click().run()
    assert t("drill.ui.need_answer", "en") in [w.value for w in at.warning]
    assert at.session_state["drill.reveal"] is None


@pytest.mark.parametrize("level", [1, 2, 3])
def test_dealing_by_level_keeps_only_that_level(level):
    at = drill("en")
    at.button_group(key="drill.mode").set_value("level").run()
    at.button_group(key="drill.level").set_value(level).run()
    assert not exceptions(at), exceptions(at)
    wanted = [q for q in curriculum.load().in_study_order() if q.difficulty == level]
    assert at.metric[0].value == str(len(wanted)) and at.subheader[0].value == wanted[0].title("en")
