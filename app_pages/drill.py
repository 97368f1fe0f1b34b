"""The interview drill: deal a question, take a prediction of its lesson's live quantity and how sure the
learner is, reveal the answer computed live, and let SM-2 (tf_core/drill/schedule.py) decide when it comes
back. The page only draws; the session side is ui/drill.py, the quantities tf_core/drill."""
from __future__ import annotations

import math
import time

import streamlit as st

from tf_core import limits
from tf_core.drill import QUANTITIES, score
from tf_core.drill import progress as files
from tf_core.drill.schedule import GRADES, CardState, next_card, next_due, review
from ui import curriculum, drill
from ui.i18n import t
from ui.text import md_escape, num

lang = st.session_state.get("lang", "en")
cur = curriculum.load()
drill.init()
st.title(t("drill.ui.title", lang))
st.markdown(t("drill.ui.intro", lang, gap=limits.DRILL_RELEARN_GAP))


def in_play() -> list[str]:
    """The built questions of the chosen selection, in the order of study."""
    mode = st.session_state.get("drill.mode", "all")
    questions = [q for q in cur.in_study_order() if q.built and q.id in QUANTITIES]
    if mode == "topic":
        topic = st.session_state.get("drill.topic")
        questions = [q for q in questions if q.page == topic]
    elif mode == "level":
        level = st.session_state.get("drill.level")
        questions = [q for q in questions if q.difficulty == level]
    return [q.id for q in questions]


def grade(qid: str, order: tuple[str, ...], choice: str) -> None:
    """A grade button: schedule the card, keep the answer, deal the next card."""
    shown = st.session_state[drill.REVEAL]
    now = time.time()
    st.session_state[drill.DEALT] += 1
    dealt = st.session_state[drill.DEALT]
    states, history = st.session_state[drill.STATES], st.session_state[drill.HISTORY]
    states[qid] = review(states.get(qid, CardState()), choice, now, dealt)
    answer = files.Answer(at=now, grade=choice, close=bool(shown["close"]), sure=int(shown["sure"]))
    history[qid] = (*history.get(qid, ()), answer)[-limits.DRILL_HISTORY:]
    st.session_state[drill.CURRENT] = next_card(order, states, now, dealt, skip=qid)
    st.session_state[drill.REVEAL] = None


def load_file() -> None:
    """The uploader's callback: all or nothing (tf_core/drill/progress.py), the outcome as a message."""
    upload = st.session_state.get("drill.upload")
    if upload is None:
        return
    name, kib = md_escape(upload.name, max_len=60), limits.DRILL_FILE_BYTES // 1024
    data = upload.getvalue() if upload.size <= limits.DRILL_FILE_BYTES else b"x" * (limits.DRILL_FILE_BYTES + 1)
    try:
        loaded = files.loads(data, [q.id for q in cur.questions])
    except files.ProgressError as e:
        st.session_state["drill.message"] = ("error", t(f"drill.ui.bad.{e.code}", lang, name=name, kib=kib))
        return
    st.session_state[drill.STATES].update(loaded.states)
    st.session_state[drill.HISTORY].update(loaded.history)
    st.session_state[drill.CURRENT] = None
    st.session_state[drill.REVEAL] = None
    text = t("drill.ui.loaded", lang, n=len(loaded.states), name=name)
    if loaded.unknown:
        text += " " + t("drill.ui.loaded_unknown", lang, n=len(loaded.unknown))
    st.session_state["drill.message"] = ("success", text)


# --- what to deal from --------------------------------------------------------------------------------------
modes = ("all", "topic", "level")
left, right = st.columns([3, 2], vertical_alignment="bottom")
left.segmented_control(t("drill.ui.deal_from", lang), modes, key="drill.mode", default="all",
                       format_func=lambda m: t(f"drill.ui.mode.{m}", lang))
mode = st.session_state.get("drill.mode") or "all"
if mode == "topic":
    topics = [name for name, topic in cur.topics.items() if topic.exists]
    right.selectbox(t("drill.ui.topic", lang), topics, key="drill.topic", format_func=lambda n: cur.topics[n].title(lang))
elif mode == "level":
    right.segmented_control(t("drill.ui.level", lang), curriculum.DIFFICULTIES, key="drill.level", default=1,
                            format_func=lambda d: t(f"drill.ui.level.{d}", lang))
order = tuple(in_play())
states, history = st.session_state[drill.STATES], st.session_state[drill.HISTORY]
now = time.time()

answers = [a for q in order for a in history.get(q, ())]
c_play, c_done, c_due, c_close, c_sure = st.columns(5)
c_play.metric(t("drill.ui.in_play", lang), len(order))
c_done.metric(t("drill.ui.answered", lang), sum(1 for q in order if q in states and not states[q].new))
c_due.metric(t("drill.ui.due", lang), sum(1 for q in order if q in states and not states[q].new and states[q].due <= now))
c_close.metric(t("drill.ui.close_rate", lang), f"{100 * sum(a.close for a in answers) / len(answers):.0f} %" if answers else "—",
               help=t("drill.ui.calibration_help", lang))
c_sure.metric(t("drill.ui.sure_rate", lang), f"{sum(a.sure for a in answers) / len(answers):.0f} %" if answers else "—",
              help=t("drill.ui.calibration_help", lang))

message = st.session_state.pop("drill.message", None)
with st.container():  # one place, shown or not: the card and the progress panel below keep theirs (an open panel stays open)
    if message:
        (st.error if message[0] == "error" else st.success)(message[1])

# --- the card -----------------------------------------------------------------------------------------------
current = st.session_state[drill.CURRENT]
if current not in order:
    current = next_card(order, states, now, st.session_state[drill.DEALT])
    st.session_state[drill.CURRENT], st.session_state[drill.REVEAL] = current, None


def card(qid: str) -> None:
    q, quantity = cur.get(qid), QUANTITIES[qid]
    st.caption(t("drill.ui.card_of", lang, topic=cur.topics[q.page].title(lang), level=t(f"drill.ui.level.{q.difficulty}", lang),
                 n=st.session_state[drill.DEALT] + 1))
    st.subheader(q.title(lang))
    st.markdown(t(f"drill.{qid}.ask", lang))
    shown = st.session_state[drill.REVEAL]
    if shown is None or shown["qid"] != qid:
        ask(qid, quantity)
    else:
        reveal(qid, quantity, shown)


def ask(qid: str, quantity) -> None:
    unit = drill.unit(qid, lang)
    with st.form(f"drill.form.{qid}", border=False):
        if quantity.kind == "yesno":
            st.radio(t("drill.ui.your_answer", lang), (1.0, 0.0), index=None, key="drill.guess", horizontal=True,
                     format_func=lambda v: t("drill.ui.yes" if v else "drill.ui.no", lang))
        else:
            label = t("drill.ui.your_answer_unit", lang, unit=unit) if unit else t("drill.ui.your_answer", lang)
            st.number_input(label, min_value=float(quantity.lo), max_value=float(quantity.hi), value=None,
                            step=quantity.step, key="drill.guess", format=None,
                            help=t("drill.ui.range_help", lang, lo=num(quantity.lo), hi=num(quantity.hi)))
        st.select_slider(t("drill.ui.sure", lang), options=tuple(range(50, 101, 10)), value=70, key="drill.sure",
                         format_func=lambda v: f"{v} %", help=t("drill.ui.sure_help", lang))
        go = st.form_submit_button(t("drill.ui.reveal", lang), type="primary", icon=":material/visibility:")
    if not go:
        return
    guess = st.session_state.get("drill.guess")
    if guess is None:
        st.warning(t("drill.ui.need_answer", lang))
        return
    try:
        measured = drill.measure(qid, lang)
    except Exception as e:  # noqa: BLE001 - a model that cannot load: a message, the next card
        st.error(t("drill.ui.failed", lang, reason=md_escape(str(e), max_len=160)), icon=":material/error:")
        return
    if not math.isfinite(float(measured.value)):  # a training run that diverged: no answer to compare with
        st.error(t("drill.ui.failed", lang, reason="NaN"), icon=":material/error:")
        return
    s = score(quantity, float(guess), float(measured.value))
    st.session_state[drill.REVEAL] = {"qid": qid, "guess": float(guess), "sure": int(st.session_state["drill.sure"]),
                                      "close": s.close}
    st.rerun()


def reveal(qid: str, quantity, shown: dict) -> None:
    measured = drill.measure(qid, lang)  # kept per process: instant here
    s = score(quantity, shown["guess"], float(measured.value))
    a, b, c = st.columns(3)
    a.metric(t("drill.ui.your_answer", lang), drill.answer_text(quantity, shown["guess"], lang))
    b.metric(t("drill.ui.live", lang), drill.answer_text(quantity, float(measured.value), lang))
    c.metric(t("drill.ui.how_far", lang), drill.distance_text(s, lang))
    tol = num(quantity.tolerance)
    verdict = t(f"drill.ui.{'close' if s.close else 'far'}.{quantity.kind}", lang, tol=tol)
    (st.success if s.close else st.warning)(verdict)
    st.markdown(drill.reveal_text(qid, measured, lang))
    st.caption(t("drill.ui.measured_on", lang))
    st.link_button(t("drill.ui.open_lesson", lang), drill.lesson_link(st.context.url, qid, measured.settings, lang),
                   icon=":material/open_in_new:")
    st.markdown(f"**{t('drill.ui.grade', lang)}**")
    for column, choice in zip(st.columns(len(GRADES)), GRADES):
        column.button(t(f"drill.ui.grade.{choice}", lang), key=f"drill.grade.{choice}", width="stretch",
                      on_click=grade, args=(qid, order, choice),
                      help=t("drill.ui.grade_help", lang, gap=limits.DRILL_RELEARN_GAP),
                      type="primary" if choice == "good" else "secondary")


with st.container(border=True, key="drill.card"):
    if current is None:
        when = next_due(order, states)
        stamp = time.strftime("%Y-%m-%d %H:%M", time.gmtime(when)) if when else "—"
        st.info(t("drill.ui.done", lang, when=stamp), icon=":material/event_available:")
        if order and st.button(t("drill.ui.practice", lang), key="drill.practice"):
            st.session_state[drill.CURRENT] = min(order, key=lambda q: states[q].due if q in states else 0)
            st.rerun()
    else:
        card(current)

# --- keep it ------------------------------------------------------------------------------------------------
with st.expander(t("drill.ui.progress", lang), icon=":material/save:"):
    kib = limits.DRILL_FILE_BYTES // 1024
    st.markdown(t("drill.ui.progress_intro", lang, kib=kib))
    save, load = st.columns(2, vertical_alignment="bottom")
    save.download_button(t("drill.ui.download", lang), key="drill.download", on_click="ignore", icon=":material/download:",
                         data=lambda s=dict(states), h=dict(history): files.dumps(s, h),  # built on the click
                         file_name=time.strftime("tdl-drill-progress-%Y%m%d.json", time.gmtime()), mime="application/json")
    load.file_uploader(t("drill.ui.upload", lang), type=["json"], key="drill.upload", on_change=load_file)
    st.divider()
    st.markdown(f"**{t('drill.ui.anki', lang, n=len(order))}**")
    base = (st.context.url or "").split("?")[0]
    st.markdown(t("drill.ui.anki_intro", lang, base=md_escape(drill.lesson_link(base, order[0], {}, lang).split("?")[0], max_len=120)
                  if order else "—"))
    deck_key = ("drill.anki", order, lang)
    if st.button(t("drill.ui.anki_build", lang), key="drill.anki_build", disabled=not order, icon=":material/style:"):
        bar = st.progress(0.0)
        measured = []
        for i, qid in enumerate(order):
            bar.progress(i / len(order), text=t("drill.ui.anki_progress", lang, i=i + 1, n=len(order), title=cur.get(qid).short(lang)))
            try:
                measured.append((qid, drill.measure(qid, lang)))
            except Exception as e:  # noqa: BLE001 - a card whose model cannot load is left out, and said so
                st.warning(t("drill.ui.failed", lang, reason=md_escape(str(e), max_len=160)))
        bar.empty()
        what = {"all": t("drill.ui.mode.all", lang),
                "topic": cur.topics[st.session_state.get("drill.topic")].title(lang) if mode == "topic" else "",
                "level": t(f"drill.ui.level.{st.session_state.get('drill.level')}", lang) if mode == "level" else ""}[mode]
        st.session_state["drill.anki_deck"] = (deck_key, drill.anki_deck(measured, base, lang, t("drill.ui.anki_name", lang, what=what)))
    built = st.session_state.get("drill.anki_deck")
    if built and built[0] == deck_key:
        st.download_button(t("drill.ui.anki_download", lang), data=built[1], file_name="transformer-details-lab-drill.apkg",
                           mime="application/octet-stream", key="drill.anki_download", on_click="ignore",
                           icon=":material/download:")
