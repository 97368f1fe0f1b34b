"""The curriculum table in the repo: 27 stable ids, both titles, a page each, and a suggested order of
study that places every question exactly once (a bad order fails to load)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui.curriculum import check_study_order, load

EXPECTED_IDS = {
    "multi-head", "qk-separate", "dot-vs-additive", "scaling", "complexity", "block-cost", "padding-mask",
    "batch-lengths", "causal-mask", "residual-leak", "ln-vs-bn", "batchnorm", "residual",
    "positional-encoding", "pe-adds", "pe-variants", "embed-scale", "ffn", "weight-tying", "parallelism",
    "tokenization", "lr-dropout", "pretrained-vectors", "variants", "encoder", "cross-attention", "kv-cache",
}


def test_ids_are_the_curriculum():
    cur = load()
    assert [q.id for q in cur.questions].__len__() == 27
    assert {q.id for q in cur.questions} == EXPECTED_IDS


def test_titles_and_pages():
    cur = load()
    for q in cur.questions:
        assert q.en.strip() and q.zh.strip()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in q.zh), q.id
        assert q.page in cur.topics
        assert 0 < len(q.short_en) <= 32 and 0 < len(q.short_zh) <= 16, q.id  # fits a segmented switch
        assert any("\u4e00" <= ch <= "\u9fff" for ch in q.short_zh), q.id
    for topic in cur.topics.values():
        assert topic.en and topic.zh and cur.on_page(topic.name), topic.name


def test_built_follows_from_page_and_cards(tmp_path, monkeypatch):
    import ui.curriculum as c

    cur = load()
    assert cur.get("scaling").built
    # Without its topic page the question is not built, whatever its cards.
    monkeypatch.setattr(c, "PAGES_DIR", tmp_path / "no-pages")
    assert not cur.get("scaling").built
    monkeypatch.undo()
    # Remove one language's card: the question is no longer built.
    qa = tmp_path / "qa"
    (qa / "en").mkdir(parents=True)
    (qa / "en" / "scaling.md").write_text("x", encoding="utf-8")
    monkeypatch.setattr(c, "QA_DIR", qa)
    assert not cur.get("scaling").built
    (qa / "zh").mkdir()
    (qa / "zh" / "scaling.md").write_text("x", encoding="utf-8")
    assert cur.get("scaling").built


# --- the suggested order of study (study_order) -------------------------------------------------
def test_study_order_places_every_question_once():
    cur = load()
    assert len(cur.study_order) == len(set(cur.study_order)) == 27
    assert set(cur.study_order) == EXPECTED_IDS
    assert [q.id for q in cur.in_study_order()] == list(cur.study_order)
    assert [cur.step(qid) for qid in cur.study_order] == list(range(1, 28))


# Each pair: the first question is needed to follow the second, so it comes earlier on the path.
BEFORE = [
    ("tokenization", "pretrained-vectors"), ("pretrained-vectors", "qk-separate"), ("qk-separate", "scaling"),
    ("scaling", "multi-head"), ("multi-head", "padding-mask"), ("padding-mask", "causal-mask"),
    ("causal-mask", "residual-leak"), ("causal-mask", "kv-cache"), ("encoder", "cross-attention"),
    ("parallelism", "kv-cache"), ("kv-cache", "complexity"), ("complexity", "block-cost"),
    ("block-cost", "ln-vs-bn"), ("residual", "ln-vs-bn"), ("ln-vs-bn", "positional-encoding"),
    ("positional-encoding", "pe-adds"), ("positional-encoding", "pe-variants"), ("pe-variants", "ffn"),
    ("ffn", "lr-dropout"),
]


def test_study_order_runs_from_tokens_to_training():
    cur = load()
    assert cur.study_order[0] == "tokenization" and cur.study_order[-1] == "variants"
    late = [(a, b) for a, b in BEFORE if cur.step(a) > cur.step(b)]
    assert not late, f"placed after what needs them: {late}"


CURRICULUM_TEXT = (Path(__file__).resolve().parents[2] / "assets" / "curriculum.toml").read_text(encoding="utf-8")
ORDER_BLOCK = re.compile(r"^study_order = \[.*?^\]\n", re.MULTILINE | re.DOTALL)


def with_order(tmp_path: Path, order_toml: str) -> Path:
    """The repo's curriculum with its study_order replaced by ``order_toml`` (one TOML line, or "")."""
    text, n = ORDER_BLOCK.subn(order_toml, CURRICULUM_TEXT)
    assert n == 1, "study_order block not found in assets/curriculum.toml"
    path = tmp_path / "curriculum.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_file_without_changes_loads_through_the_same_path(tmp_path):
    ids = load().study_order
    assert load(with_order(tmp_path, f"study_order = {list(ids)!r}\n".replace("'", '"'))).study_order == ids


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda ids: [*ids, "no-such-question"], "unknown ids: no-such-question"),
        (lambda ids: [*ids[:3], "scaling", *ids[3:]], "repeated ids: scaling"),
        (lambda ids: [i for i in ids if i != "kv-cache"], "questions left out: kv-cache"),
        (lambda ids: [i.upper() if i == "ffn" else i for i in ids], "unknown ids: FFN; questions left out: ffn"),
        (lambda ids: [], "questions left out: multi-head"),
    ],
    ids=["unknown", "repeated", "left-out", "wrong-case", "empty"],
)
def test_loading_rejects_a_bad_order(tmp_path, change, message):
    order = change(list(load().study_order))
    path = with_order(tmp_path, "study_order = [" + ", ".join(f'"{i}"' for i in order) + "]\n")
    with pytest.raises(ValueError, match=re.escape(message)):
        load(path)


@pytest.mark.parametrize("order_toml", ["", 'study_order = "tokenization"\n', "study_order = [1, 2]\n"],
                         ids=["absent", "a-string", "not-ids"])
def test_loading_rejects_an_order_that_is_not_a_list_of_ids(tmp_path, order_toml):
    with pytest.raises(ValueError, match="study_order"):
        load(with_order(tmp_path, order_toml))


def test_check_study_order_names_every_problem_at_once():
    with pytest.raises(ValueError) as err:
        check_study_order(["a", "a", "zz"], ["a", "b"])
    assert str(err.value).endswith("unknown ids: zz; repeated ids: a; questions left out: b")
    assert check_study_order(["b", "a"], ["a", "b"]) == ("b", "a")
