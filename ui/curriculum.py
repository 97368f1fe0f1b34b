"""The curriculum table (assets/curriculum.toml) as data, without importing torch."""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CURRICULUM_FILE = ROOT / "assets" / "curriculum.toml"
PAGES_DIR = ROOT / "app_pages"
QA_DIR = ROOT / "assets" / "qa"
LANGS = ("en", "zh")
DIFFICULTIES = (1, 2, 3)  # basic, intermediate, advanced


@dataclass(frozen=True)
class Topic:
    """A topic page: app_pages/<name>.py holds the lessons of its questions."""

    name: str
    en: str
    zh: str
    icon: str

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def path(self) -> Path:
        return PAGES_DIR / f"{self.name}.py"

    @property
    def exists(self) -> bool:
        return self.path.is_file()


@dataclass(frozen=True)
class Question:
    id: str
    page: str
    en: str
    zh: str
    short_en: str  # a few words, for the switch between the lessons of one page
    short_zh: str
    difficulty: int  # 1 basic, 2 intermediate, 3 advanced (DIFFICULTIES): the interview drill deals by it

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def short(self, lang: str) -> str:
        return self.short_zh if lang == "zh" else self.short_en

    def card_path(self, lang: str) -> Path:
        return QA_DIR / lang / f"{self.id}.md"

    @property
    def built(self) -> bool:
        """Built = its topic page exists and its card exists in both languages."""
        return (PAGES_DIR / f"{self.page}.py").is_file() and all(
            self.card_path(lang).is_file() for lang in LANGS
        )


@dataclass(frozen=True)
class Curriculum:
    topics: dict[str, Topic]
    questions: tuple[Question, ...]
    # The suggested order of study: every question id once (checked by load); () = the file's order.
    study_order: tuple[str, ...] = ()

    def get(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)

    def on_page(self, page: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.page == page)

    def in_study_order(self) -> tuple[Question, ...]:
        """Every question, in the suggested order of study."""
        if not self.study_order:
            return self.questions
        by_id = {q.id: q for q in self.questions}
        return tuple(by_id[qid] for qid in self.study_order)

    def step(self, qid: str) -> int:
        """The question's place in the suggested order of study, from 1."""
        return [q.id for q in self.in_study_order()].index(qid) + 1


def check_study_order(order: object, ids: list[str]) -> tuple[str, ...]:
    """``order`` as a tuple of ids if it places every id of ``ids`` exactly once; else ValueError
    naming what is wrong (not a list of ids, unknown ids, repeated ids, ids left out)."""
    if not isinstance(order, list) or not all(isinstance(qid, str) for qid in order):
        raise ValueError("study_order must be a list of question ids")
    known = set(ids)
    unknown = [qid for qid in order if qid not in known]
    repeated = sorted({qid for qid in order if order.count(qid) > 1})
    missing = [qid for qid in ids if qid not in order]
    problems = [
        f"{label}: {', '.join(found)}"
        for label, found in (("unknown ids", unknown), ("repeated ids", repeated), ("questions left out", missing))
        if found
    ]
    if problems:
        raise ValueError("study_order must place every question exactly once; " + "; ".join(problems))
    return tuple(order)


@functools.cache
def load(path: Path = CURRICULUM_FILE) -> Curriculum:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    topics = {name: Topic(name=name, **fields) for name, fields in data["pages"].items()}
    questions = tuple(Question(**q) for q in data["question"])
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate question id in curriculum")
    for q in questions:
        if q.page not in topics:
            raise ValueError(f"question {q.id} names unknown page {q.page}")
        if q.difficulty not in DIFFICULTIES:
            raise ValueError(f"question {q.id}: difficulty {q.difficulty!r} is not one of {DIFFICULTIES}")
    if "study_order" not in data:
        raise ValueError("the curriculum has no study_order")
    order = check_study_order(data["study_order"], ids)
    return Curriculum(topics=topics, questions=questions, study_order=order)
