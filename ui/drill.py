"""The interview drill's session side: the learner's cards in the session's memory, the live answer of a
card (computed by its lesson's lab through tf_core.drill, in the worker's line, kept per process), its
words and numbers for the page, and the two files the learner takes away (progress, an Anki deck).

Progress lives only in ``st.session_state`` (gone with the tab): nothing is written to disk or to a log.
The Anki deck is built in memory too (genanki's own writer goes through a temporary file it never deletes).
"""
from __future__ import annotations

import io
import itertools
import json
import sqlite3
import time
import zipfile
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

import streamlit as st

from ui.caching import cached
from ui import curriculum
from ui.i18n import STRINGS, t
from ui.text import md_escape, num

STATES, HISTORY, DEALT, CURRENT, REVEAL = "drill.states", "drill.history", "drill.dealt", "drill.current", "drill.reveal"
# genanki identifies a note type and a deck by a number chosen once (random, fixed: an update of the
# deck merges into the learner's copy instead of making a second one).
ANKI_MODEL_ID, ANKI_DECK_ID = 1_718_044_301, 1_718_044_302


def init() -> None:
    for key, value in ((STATES, {}), (HISTORY, {}), (DEALT, 0), (CURRENT, None), (REVEAL, None)):
        st.session_state.setdefault(key, value)


class AppModels:
    """tf_core.drill.base.Models from the app's per-process model caches (the lessons' own)."""

    def load(self, key: str):
        from ui import decoders, encoders

        if key in ("minilm", "e5"):
            return encoders._encoder(key)
        return decoders._load({"smollm2": decoders.SMOLLM2, "tinygpt": decoders.TINY_GPT}[key])


@cached(64)
def measure(qid: str, _lang: str):
    """The card's live quantity (tf_core.drill.QUANTITIES[qid].compute), in the worker's line. Kept per
    process and shared by both languages (``_lang`` only words the progress line): its settings are fixed,
    so every learner asking for it gets the same run."""
    from tf_core.drill import QUANTITIES
    from ui.decoders import run_in_line

    quantity = QUANTITIES[qid]
    return run_in_line(lambda _progress: quantity.compute(AppModels()), _lang, t("drill.ui.computing", _lang))


def fact_text(value: object, markdown: bool = True) -> str:
    """A number of a reveal sentence as the page shows it (floats: 3 significant digits); a word escaped
    for Markdown unless ``markdown`` is False."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return num(value)
    return md_escape(str(value), max_len=80) if markdown else str(value)[:80]


def reveal_text(qid: str, measured, lang: str, markdown: bool = True) -> str:
    facts = {k: fact_text(v, markdown) for k, v in measured.facts.items()}
    return t(f"drill.{qid}.reveal", lang, value=fact_text(float(measured.value)), **facts)


def unit(qid: str, lang: str) -> str:
    """The answer's unit, "" for a pure number (a lesson without a ``drill.<qid>.unit`` string)."""
    key = f"drill.{qid}.unit"
    return t(key, lang) if key in STRINGS else ""


def answer_text(quantity, value: float, lang: str) -> str:
    if quantity.kind == "yesno":
        return t("drill.ui.yes" if value >= 0.5 else "drill.ui.no", lang)
    return f"{num(value)} {unit(quantity.qid, lang)}".strip()


def distance_text(score, lang: str) -> str:
    """How far the prediction was, in words: "×3.2 too high", "0.12 too low", "right"."""
    if score.kind == "yesno":
        return t("drill.ui.right" if score.close else "drill.ui.wrong", lang)
    if score.high is None:
        return t("drill.ui.exact", lang)
    side = t("drill.ui.high" if score.high else "drill.ui.low", lang)
    amount = f"×{num(score.error)}" if score.kind == "log" else num(abs(score.error))
    return t("drill.ui.off", lang, amount=amount, side=side)


def lesson_query(qid: str, settings: Mapping[str, object], lang: str) -> str:
    """The lesson's query: its settings, in ``lang`` unless the settings pin a language (a lesson whose
    sentences depend on the language, run in the one the quantity used)."""
    return urlencode({"q": qid, "lang": lang, **{k: str(v) for k, v in settings.items()}})


def lesson_link(base: str | None, qid: str, settings: Mapping[str, object], lang: str) -> str:
    """The live lesson with the card's settings, at the address the app is served from (``base``: the
    address the browser used, st.context.url), so a link in a downloaded deck opens this server."""
    query = lesson_query(qid, settings, lang)
    if not base:
        return f"/?{query}"
    root = base.split("?")[0].rstrip("/")
    page = curriculum.load().get(qid).page
    if root.endswith("/" + page) or root.endswith("/drill"):
        root = root.rsplit("/", 1)[0]
    return f"{root}/?{query}"


# --- the Anki deck -------------------------------------------------------------------------------------------
_CSS = ".card { font-family: sans-serif; font-size: 18px; text-align: left; } .zh { margin-top: 0.8em; } .q { font-weight: bold; }"
_FRONT = ('<div class="q">{{Question}}</div><div>{{Ask}}</div>'
          '<div class="zh q">{{QuestionZh}}</div><div class="zh">{{AskZh}}</div>')
_BACK = ('{{FrontSide}}<hr id="answer"><div>{{Answer}}</div><div class="zh">{{AnswerZh}}</div>'
         '<p><a href="{{Link}}">{{LinkText}}</a></p>')


def _escape(text: str) -> str:
    """Text for an Anki field (HTML): the app's own sentences, escaped all the same."""
    import html

    return html.escape(text).replace("\n", "<br>")


def anki_deck(cards: Sequence[tuple[str, object]], base: str | None, lang: str, name: str) -> bytes:
    """An .apkg of the bilingual cards ``(qid, measured)``: the question and what to predict on the front,
    the live answer (both languages) and a link to the live lesson on the back."""
    import genanki

    cur = curriculum.load()
    model = genanki.Model(ANKI_MODEL_ID, "Transformer Details Lab drill",
                          fields=[{"name": n} for n in ("Question", "Ask", "QuestionZh", "AskZh", "Answer", "AnswerZh",
                                                         "Link", "LinkText")],
                          templates=[{"name": "Predict, then check", "qfmt": _FRONT, "afmt": _BACK}], css=_CSS)
    deck = genanki.Deck(ANKI_DECK_ID, name)
    for qid, measured in cards:
        q = cur.get(qid)
        fields = [q.en, t(f"drill.{qid}.ask", "en"), q.zh, t(f"drill.{qid}.ask", "zh"),
                  reveal_text(qid, measured, "en", markdown=False), reveal_text(qid, measured, "zh", markdown=False),
                  lesson_link(base, qid, measured.settings, lang), t("drill.ui.anki_link", lang)]
        deck.add_note(genanki.Note(model=model, fields=[_escape(f) for f in fields], guid=genanki.guid_for(qid)))
    # genanki.Package.write_to_file writes its database to a temporary file it leaves behind; the same
    # database is built here in memory and zipped as an .apkg (collection.anki2 and an empty media list).
    db = sqlite3.connect(":memory:")
    genanki.Package(deck).write_to_db(db.cursor(), time.time(), itertools.count(int(time.time() * 1000)))
    db.commit()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("collection.anki2", db.serialize())
        z.writestr("media", json.dumps({}))
    db.close()
    return buf.getvalue()
