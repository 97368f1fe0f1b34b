"""The curriculum table in the repo: 27 stable ids, both titles, a page each."""
from __future__ import annotations

from ui.curriculum import load

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
