"""The Q&A card: one Markdown file per curriculum id and language, with fixed sections.

File format (assets/qa/<lang>/<id>.md)::

    ## Short answer {#short}
    ... text with live placeholders such as {{pmax_raw}} ...
    ## A common wrong answer {#wrong}
    ## Full answer {#full}
    ## Follow-up questions {#followups}

The heading text is free (it is in the card's language); the ``{#id}`` after it is what the code
reads. Placeholders ``{{name}}`` are filled from the lab result by the page, never typed in: a
placeholder left unfilled raises. Tests check that the
two languages of a card have the same sections and the same placeholders in each section.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ui.curriculum import QA_DIR

SECTIONS = ("short", "wrong", "full", "followups")
_HEADING = re.compile(r"^##\s+(?P<title>.*?)\s*\{#(?P<id>[a-z]+)\}\s*$", re.MULTILINE)
PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")
# A line break inside a paragraph renders as a space; between two Chinese characters (or CJK
# punctuation) that space is wrong, so such breaks are removed when a card is read.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_BREAK = re.compile(f"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])")


@dataclass(frozen=True)
class Card:
    qid: str
    lang: str
    titles: dict[str, str]  # section id -> heading text
    sections: dict[str, str]  # section id -> Markdown body with placeholders

    def placeholders(self, section: str | None = None) -> set[str]:
        bodies = [self.sections[section]] if section else self.sections.values()
        return {m for body in bodies for m in PLACEHOLDER.findall(body)}

    def filled(self, values: Mapping[str, object]) -> dict[str, str]:
        """Every section with its placeholders replaced by ``values`` (formatted with str())."""
        missing = self.placeholders() - set(values)
        if missing:
            raise KeyError(f"card {self.lang}/{self.qid}: no value for {sorted(missing)}")
        out = {}
        for sid, body in self.sections.items():
            out[sid] = PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), body)
        return out


def parse(text: str, qid: str = "?", lang: str = "?") -> Card:
    """Parse a card's Markdown; raises ``ValueError`` unless it has exactly the fixed sections."""
    heads = list(_HEADING.finditer(text))
    ids = [m.group("id") for m in heads]
    if tuple(ids) != SECTIONS:
        raise ValueError(f"card {lang}/{qid}: sections {ids}, expected {list(SECTIONS)} in that order")
    if text[: heads[0].start()].strip():
        raise ValueError(f"card {lang}/{qid}: text before the first section")
    titles, sections = {}, {}
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        titles[m.group("id")] = m.group("title")
        body = _CJK_BREAK.sub("", text[m.end() : end].strip())
        if not body:
            raise ValueError(f"card {lang}/{qid}: section {m.group('id')} is empty")
        sections[m.group("id")] = body
    return Card(qid=qid, lang=lang, titles=titles, sections=sections)


def load(qid: str, lang: str, qa_dir: Path = QA_DIR) -> Card:
    path = qa_dir / lang / f"{qid}.md"
    return parse(path.read_text(encoding="utf-8"), qid=qid, lang=lang)
