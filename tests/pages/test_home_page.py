"""AppTest of the home page and of the app frame: the live lessons first in the suggested order of
study, the rest folded at the end, search, deep-link routing, language."""
from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest
from apptest_helpers import exceptions, open_app, page_text
from streamlit.testing.v1.element_tree import Block

from tf_core import limits
from ui.curriculum import load as load_curriculum
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
CUR = load_curriculum()
LIVE, COMING = "home.live", "home.coming"
SMALL_GRAY = re.compile(r"^:small\[:gray\[(.*)\]\]$", re.DOTALL)


@dataclasses.dataclass(frozen=True)
class Row:
    """One question as the home page shows it (container ``home.q.<id>``)."""

    group: str | None  # LIVE or COMING: the container the row sits in
    qid: str
    step: int
    link: str | None  # the page link's query string, None for a question without a lesson
    title: str  # the question in the page's language, Markdown escapes removed
    other: str  # the other language's short title


def _key(block: Block) -> str | None:
    """The user key of a keyed container (its id is ``$$ID-<hash>-<key>``)."""
    bid = getattr(block.proto, "id", "") if block.proto is not None else ""
    return bid.split("-", 2)[2] if bid.startswith("$$ID-") else None


def _leaves(node) -> list:
    if isinstance(node, Block):
        return [leaf for child in node.children.values() for leaf in _leaves(child)]
    return [node]


def _plain(md: str) -> str:
    return re.sub(r"\\(.)", r"\1", md)


def _row(block: Block, group: str | None, qid: str) -> Row:
    step, title, other = _leaves(block)
    assert step.type == "markdown" and re.fullmatch(r"\*\*\d+\*\*", step.value), step.value
    other_text = SMALL_GRAY.match(other.value)
    assert other.type == "markdown" and other_text, other.value
    if title.type == "page_link":
        link, text = title.proto.query_string, title.proto.label
    else:
        title_text = SMALL_GRAY.match(title.value)
        assert title.type == "markdown" and title_text, title.value
        link, text = None, title_text.group(1)
    return Row(group, qid, int(step.value.strip("*")), link, _plain(text), _plain(other_text.group(1)))


def rows(at) -> list[Row]:
    """Every question row on the page, in the order shown."""
    out: list[Row] = []

    def walk(node, group):
        if not isinstance(node, Block):
            return
        key = _key(node)
        if key in (LIVE, COMING):
            group = key
        if key and key.startswith("home.q."):
            out.append(_row(node, group, key.removeprefix("home.q.")))
            return
        for child in node.children.values():
            walk(child, group)

    walk(at.main, None)
    return out


def built_in_order(cur=CUR) -> list[str]:
    return [q.id for q in cur.in_study_order() if q.built]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_lists_every_question_in_both_languages(lang):
    at = open_app(lang=lang)
    assert not exceptions(at)
    assert at.title[0].value == t("app.title", lang)
    other = "zh" if lang == "en" else "en"
    shown = rows(at)
    assert sorted(r.qid for r in shown) == sorted(q.id for q in CUR.questions)
    assert len(shown) == 27
    for r in shown:
        q = CUR.get(r.qid)
        assert r.title == q.title(lang) and r.other == q.short(other), r
        assert r.group == (LIVE if q.built else COMING), r
        assert (r.link == f"q={q.id}&lang={lang}") if q.built else r.link is None, r
    links = at.get("page_link")
    assert len(links) == len(built_in_order()) >= 1
    # The other language's whole question is the link's tooltip.
    assert [_plain(link.proto.help) for link in links] == [CUR.get(qid).title(other) for qid in built_in_order()]


@pytest.fixture
def two_unbuilt(monkeypatch):
    """Every question has a lesson now; these tests of the folded "coming next" group treat two as unbuilt
    (the page reads Question.built, in this process, as AppTest runs the script here)."""
    from ui import curriculum

    built = curriculum.Question.built
    monkeypatch.setattr(curriculum.Question, "built",
                        property(lambda q: q.id not in ("complexity", "block-cost") and built.fget(q)))


def test_every_question_is_live_and_nothing_is_folded():
    at = open_app(lang="en")
    assert [r.group for r in rows(at)] == [LIVE] * 27 and not at.expander


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_live_lessons_come_first_and_the_rest_folded_at_the_end(lang, two_unbuilt):
    at = open_app(lang=lang)
    groups = [r.group for r in rows(at)]
    n_live = groups.count(LIVE)
    assert groups == [LIVE] * n_live + [COMING] * (27 - n_live)
    assert at.subheader[0].value == t("home.live", lang)
    coming = 27 - n_live
    assert [(e.label, e.proto.expanded) for e in at.expander] == [(t("home.coming", lang, count=coming), False)]
    # The live lessons are links, the rest plain text set like a link's label (small), greyed.
    assert all(r.link for r in rows(at)[:n_live]) and not any(r.link for r in rows(at)[n_live:])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_order_and_steps_shown_follow_the_study_order(lang):
    at = open_app(lang=lang)
    shown = rows(at)
    assert [r.qid for r in shown if r.group == LIVE] == built_in_order()
    assert [r.qid for r in shown if r.group == COMING] == [q.id for q in CUR.in_study_order() if not q.built]
    assert [r.step for r in shown] == [CUR.step(r.qid) for r in shown]
    assert shown[0].qid == CUR.study_order[0] == "tokenization" and shown[0].step == 1


def test_a_different_study_order_changes_what_is_shown(monkeypatch):
    """The page reads the order from the data: reverse it and the rows and their steps follow."""
    from ui import curriculum

    flipped = dataclasses.replace(CUR, study_order=tuple(reversed(CUR.study_order)))
    monkeypatch.setattr(curriculum, "load", lambda *args, **kwargs: flipped)
    at = open_app(lang="zh")
    assert not exceptions(at)
    shown = rows(at)
    assert [r.qid for r in shown if r.group == LIVE] == built_in_order(flipped) == built_in_order()[::-1]
    assert {r.qid: r.step for r in shown} == {qid: 27 - i for i, qid in enumerate(CUR.study_order)}


@pytest.mark.parametrize(
    "needle, expect_ids",
    [("softmax", {"scaling"}), ("缓存", {"kv-cache"}), ("KV", {"kv-cache"}), ("MASK", None), ("√d", None)],
)
def test_search_filters_in_either_language(needle, expect_ids):
    at = open_app(lang="en")
    at.text_input(key="home.search").set_value(needle).run()
    assert not exceptions(at)
    shown = rows(at)
    assert 0 < len(shown) < len(CUR.questions)
    if expect_ids is not None:
        assert {r.qid for r in shown} == expect_ids
    if len(shown) == 1:
        assert t("home.matches1", "en") in page_text(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_search_shows_matches_from_both_groups_in_order(lang, two_unbuilt):
    """"attention" is in the ids or titles of live lessons and of lessons still to come: both show,
    each group in the study order, and the folded group opens while the search holds."""
    needle = "attention" if lang == "en" else "注意力"
    at = open_app(lang=lang)
    at.text_input(key="home.search").set_value(needle).run()
    assert not exceptions(at)
    expected = [q for q in CUR.in_study_order() if needle in f"{q.id} {q.en} {q.zh}".casefold()]
    shown = rows(at)
    assert [r.qid for r in shown] == [q.id for q in expected if q.built] + [q.id for q in expected if not q.built]
    assert {r.group for r in shown} == {LIVE, COMING}
    assert "multi-head" in {r.qid for r in shown} and "dot-vs-additive" in {r.qid for r in shown}
    assert t("home.matches", lang, count=len(expected)) in page_text(at)
    (folded,) = at.expander
    assert folded.proto.expanded and folded.label == t("home.coming", lang, count=27 - len(built_in_order()))
    at.text_input(key="home.search").set_value("").run()
    assert len(rows(at)) == 27 and not at.expander[0].proto.expanded


@pytest.mark.parametrize("needle", ["zzzz-nothing", "🤖", "<script>alert(1)</script>", "\x00\x07", "  "])
def test_search_with_odd_text_never_crashes(needle):
    at = open_app(lang="zh")
    at.text_input(key="home.search").set_value(needle).run()
    assert not exceptions(at)
    if needle.strip() and needle != "\x00\x07":
        assert at.warning and at.warning[0].value == t("home.no_match", "zh")
        assert rows(at) == [] and not at.expander


def test_search_box_is_capped():
    at = open_app(lang="en")
    assert at.text_input(key="home.search").max_chars == limits.SEARCH_CHARS


# The first question of the curriculum whose lesson is not built yet (None once all 27 are).
UNBUILT = next((q.id for q in CUR.questions if not q.built), None)


@pytest.mark.parametrize(
    "q, notice_key",
    [("no-such-question", "notice.unknown_question"), ("", "notice.unknown_question"),
     pytest.param(UNBUILT, "notice.not_built", marks=pytest.mark.skipif(
         UNBUILT is None, reason="every question is built: the not-built notice needs a fixture curriculum"))],
)
def test_unknown_or_unbuilt_question_falls_back_to_home(q, notice_key):
    at = open_app(q=q, lang="en")
    assert not exceptions(at)
    assert at.title[0].value == t("app.title", "en")
    prefix = t(notice_key, "en", value="X", title="X").split("X")[0]
    assert any(i.value.startswith(prefix) for i in at.info)
    assert "q" not in at.query_params


def test_unknown_language_falls_back_to_english():
    at = open_app(lang="fr")
    assert not exceptions(at)
    assert at.title[0].value == t("app.title", "en")
    assert any("lang=zh" in i.value for i in at.info)


def test_language_switch_on_home():
    at = open_app(lang="en")
    at.radio(key="lang").set_value("zh").run()
    assert at.title[0].value == t("app.title", "zh")
    assert at.query_params["lang"] == "zh"


def test_home_page_does_not_import_torch():
    """The first page must not pay for torch: run the home page in a fresh interpreter."""
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('app.py', default_timeout=60)\n"
        "at.run()\n"
        "assert not at.exception, [e.value for e in at.exception]\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"
